// Package cli is ftpdeck's command line: it parses INTERFACE.md's flags and
// commands, builds the engine's settings, and runs a headless command or
// the TUI. main.go only calls Main.
package cli

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
	"ftpdeck/transfer/trust"
)

// Flags holds every flag of INTERFACE.md.
type Flags struct {
	// Mode is --active or --passive; nil when neither was given. Given,
	// it is the only mode used: no fallback to the other one.
	Mode *transfer.Mode
	// NoFallback is --no-fallback: a data connection that fails in one
	// mode is not tried in the other (config.toml and bookmarks: fallback).
	NoFallback       bool
	ActiveAddr       netip.Addr
	ActivePorts      transfer.PortRange
	TrustPASVAddress bool
	Parallel         int
	Local            string
	LogFile          string
	Timeout          time.Duration
	TLSFingerprint   string
	ConfigDir        string
	StateDir         string
	OnConflict       string
	Encoding         string
	// Type is --type: binary, ascii or auto ("" when not given: the
	// bookmark's transfer_type, then config.toml's, then binary).
	Type string
	// TempUpload is --temp-upload (true) or --no-temp-upload (false);
	// nil when neither is given (the bookmark's temp_upload, then
	// config.toml's, then on).
	TempUpload *bool
	Demo       bool
	Help       bool
	Mirror     MirrorFlags
	// Headless output (issue 20): JSON lines on stdout; only errors on
	// stderr; the protocol log on stderr.
	JSON    bool
	Quiet   bool
	Verbose bool
	// LimitRate is --limit-rate as given (checked by bookmarks.ParseRate;
	// "0" = no limit), "" when not given: the bookmark's limit_rate, then
	// config.toml's.
	LimitRate string
}

// MirrorFlags are the mirror command's own flags.
type MirrorFlags struct {
	Reverse     bool     // --reverse: DIR URL, towards the server
	Delete      bool     // --delete: remove what the source lacks
	DryRun      bool     // --dry-run: print the plan only
	Excludes    []string // --exclude GLOB, repeatable
	Checksum    bool     // --checksum: compare by the server's hash
	FollowLinks bool     // --follow-links: copy what links point to
}

// errUsage marks bad usage: exit code 2.
var errUsage = errors.New("usage")

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Unwrap() error { return errUsage }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// valueFlags take a value (as "--flag VALUE" or "--flag=VALUE").
var valueFlags = map[string]bool{
	"active-addr": true, "active-ports": true, "parallel": true, "local": true, "log": true,
	"timeout": true, "tls-fingerprint": true, "config": true, "state": true, "on-conflict": true, "encoding": true, "type": true,
	"exclude":    true,
	"limit-rate": true,
}

var boolFlags = map[string]bool{"active": true, "passive": true, "no-fallback": true, "trust-pasv-address": true, "demo": true, "help": true, "h": true,
	"temp-upload": true, "no-temp-upload": true,
	"reverse": true, "delete": true, "dry-run": true, "checksum": true, "follow-links": true,
	"json": true, "quiet": true, "v": true, "verbose": true}

// parseArgs separates flags from positional arguments. Flags may stand
// anywhere (ftpdeck get --active URL out); "--" ends them; "-" alone is a
// positional argument (stdout or stdin).
func parseArgs(args []string) (Flags, []string, error) {
	var f Flags
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			pos = append(pos, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		value, hasValue := "", false
		if k, v, ok := strings.Cut(name, "="); ok {
			name, value, hasValue = k, v, true
		}
		switch {
		case boolFlags[name]:
			if hasValue {
				return f, nil, usagef("flag --%s takes no value", name)
			}
			setBool(&f, name)
		case valueFlags[name]:
			if !hasValue {
				if i+1 >= len(args) {
					return f, nil, usagef("flag --%s needs a value", name)
				}
				i++
				value = args[i]
			}
			if err := setValue(&f, name, value); err != nil {
				return f, nil, err
			}
		default:
			return f, nil, usagef("unknown flag %s", a)
		}
	}
	return f, pos, nil
}

func setBool(f *Flags, name string) {
	switch name {
	case "active":
		m := transfer.Active
		f.Mode = &m
	case "passive":
		m := transfer.Passive
		f.Mode = &m
	case "no-fallback":
		f.NoFallback = true
	case "trust-pasv-address":
		f.TrustPASVAddress = true
	case "demo":
		f.Demo = true
	case "temp-upload", "no-temp-upload":
		on := name == "temp-upload"
		f.TempUpload = &on
	case "help", "h":
		f.Help = true
	case "reverse":
		f.Mirror.Reverse = true
	case "delete":
		f.Mirror.Delete = true
	case "dry-run":
		f.Mirror.DryRun = true
	case "checksum":
		f.Mirror.Checksum = true
	case "follow-links":
		f.Mirror.FollowLinks = true
	case "json":
		f.JSON = true
	case "quiet":
		f.Quiet = true
	case "v", "verbose":
		f.Verbose = true
	}
}

func setValue(f *Flags, name, v string) error {
	switch name {
	case "active-addr":
		if v == "auto" {
			return nil // the control connection's local address; never guessed from outside
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return usagef("--active-addr %q: want an IP address", v)
		}
		f.ActiveAddr = a
	case "active-ports":
		pr, err := transfer.ParsePortRange(v)
		if err != nil {
			return usagef("--active-ports: %v", err)
		}
		f.ActivePorts = pr
	case "parallel":
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 32 {
			return usagef("--parallel %q: want a number from 1 to 32", v)
		}
		f.Parallel = n
	case "local":
		f.Local = v
	case "log":
		f.LogFile = v
	case "timeout":
		d, err := time.ParseDuration(v)
		if err != nil || d < 100*time.Millisecond {
			return usagef("--timeout %q: want a duration such as 30s", v)
		}
		f.Timeout = d
	case "tls-fingerprint":
		fp, err := trust.ParseFingerprint(v)
		if err != nil {
			return usagef("--tls-fingerprint: %v", err)
		}
		f.TLSFingerprint = fp
	case "config":
		f.ConfigDir = v
	case "state":
		f.StateDir = v
	case "on-conflict":
		switch v {
		case "ask", "overwrite", "resume", "skip", "rename", "newer":
			f.OnConflict = v
		default:
			return usagef("--on-conflict %q: want ask, overwrite, resume, skip, rename or newer", v)
		}
	case "exclude":
		f.Mirror.Excludes = append(f.Mirror.Excludes, v)
	case "limit-rate":
		if _, err := bookmarks.ParseRate(v); err != nil {
			return usagef("--limit-rate %v", err)
		}
		f.LimitRate = strings.TrimSpace(v)
	case "type":
		m, err := transfer.ParseTypeMode(v)
		if err != nil {
			return usagef("--type: %v", err)
		}
		f.Type = m.String()
		return nil
	case "encoding":
		enc, err := transfer.NormalizeEncoding(v)
		if err != nil {
			return usagef("--encoding: %v", err)
		}
		f.Encoding = enc
	}
	return nil
}

// apply puts the flags that concern the connection into site.
func (f Flags) apply(site *transfer.Site) {
	if f.Mode != nil {
		site.Mode = *f.Mode
	}
	if f.ActiveAddr.IsValid() {
		site.ActiveAddr = f.ActiveAddr
	}
	if f.ActivePorts.Lo != 0 {
		site.ActivePorts = f.ActivePorts
	}
	if f.TrustPASVAddress {
		site.TrustPASVAddress = true
	}
	if f.Timeout > 0 {
		site.Timeout = f.Timeout
	}
	if f.Encoding != "" {
		site.Encoding = f.Encoding
	}
}

// verifier returns the certificate rules of these flags: the system roots,
// the known_certs file of the config folder, and --tls-fingerprint, which
// when given is the only certificate accepted.
func (f Flags) verifier() (*trust.Verifier, error) {
	store, err := trust.OpenStore(bookmarks.ConfigDir(f.ConfigDir))
	if err != nil {
		return nil, fmt.Errorf("known_certs: %w", err)
	}
	return &trust.Verifier{Known: store, Fingerprint: f.TLSFingerprint}, nil
}

const usageText = `ftpdeck — a terminal FTP client with dual panes, a transfer queue,
a one-key active/passive toggle and a live protocol log.

Usage:
  ftpdeck [flags] [URL | BOOKMARK]      the TUI
  ftpdeck --demo                        the TUI on an embedded server with sample files
  ftpdeck ls    [flags] URL             list a remote folder, one entry per line
  ftpdeck get   [flags] URL... LOCAL    download files or folders
  ftpdeck put   [flags] LOCAL... URL    upload files or folders
  ftpdeck probe [flags] URL|BOOKMARK    try EPSV, PASV, EPRT and PORT and say what works
  ftpdeck mirror [flags] URL DIR        make DIR equal to the remote folder
  ftpdeck mirror --reverse [flags] DIR URL   make the remote folder equal to DIR
  ftpdeck quote [flags] URL COMMAND...  send raw control commands (SITE, STAT, HELP…), print the replies
  ftpdeck bookmarks                     list saved sites (never passwords)
  ftpdeck bookmarks import FILE         import FileZilla sitemanager.xml or lftp bookmarks
  ftpdeck version                       the version and Go's
  ftpdeck help [COMMAND]                a command's usage, flags and examples (or COMMAND --help)
  ftpdeck completion bash|zsh|fish      a shell completion script

URL: ftp://[user[:password]@]host[:port][/path]; ftps:// is implicit TLS,
ftpes:// explicit TLS. No user means anonymous.

Flags:
  --active | --passive        data-connection mode (default passive); given here,
                              the only mode tried (no fallback to the other)
  --no-fallback               a transfer whose data connection fails in one mode
                              is not tried once in the other (config: fallback)
  --active-addr IP            address to put in PORT/EPRT (a NAT's public address)
  --active-ports LO-HI        local port range for active-mode listeners
  --trust-pasv-address        connect where PASV says instead of the control peer
  --parallel N                simultaneous transfer connections (default 2)
  --local DIR                 local pane's starting folder (TUI)
  --log FILE                  also append the protocol log to FILE (- = stderr)
  --timeout DUR               connect/idle/data-stall timeout (default 30s;
                              for probe, the bound of each attempt, default 5s)
  --tls-fingerprint SHA256    accept exactly this server certificate (SHA-256 hex, colons optional)
  --config DIR                folder for config.toml, bookmarks.toml, known_certs
  --state DIR                 folder for the queue's store (queue.db)
  --on-conflict POLICY        ask, overwrite, resume, skip, rename, newer (overwrite when
                              the source is newer or another size) (headless default: skip)
  --temp-upload | --no-temp-upload
                              upload under a temporary name, renamed when whole (default on)
  --encoding NAME             charset of names on the server: utf-8 (default), gbk,
                              gb18030, big5, shift_jis, euc-kr, windows-1251, latin1
  --type MODE                 binary (default), ascii (TYPE A: line ends converted),
                              auto (ascii for the extensions in ascii_extensions)
  --limit-rate RATE           bytes per second of all transfers together: 500K, 10M,
                              1.5M, 2G (KiB, MiB, GiB), plain bytes; 0 = none (config: limit_rate)
  --json                      headless: JSON lines on stdout (fields in the README)
  --quiet | -v                headless: only errors on stderr | also the protocol log there

Mirror flags:
  --delete                    remove what the source lacks (never without it)
  --dry-run                   print the plan, change nothing
  --exclude GLOB              leave matching paths out (repeatable; a glob without /
                              matches any path element, one with / the whole path)
  --checksum                  compare files of equal size by the server's hash
                              (HASH, XSHA256, XSHA1, XMD5, XCRC — whichever FEAT offers)
  --follow-links              copy what remote (or, with --reverse, local) links point to

Exit codes: 0 success, 1 a transfer or connection failed, 2 bad usage.
probe exits 0 when some method works, 1 when none does; Ctrl+C exits 130.
`
