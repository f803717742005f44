package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/signal"
	"path"
	"strings"
	"syscall"

	"github.com/charmbracelet/x/term"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
	"ftpdeck/transfer/trust"
	"ftpdeck/transfer/wire"
)

// Version is set at build time with -ldflags "-X ftpdeck/internal/cli.Version=...".
var Version = "dev"

// Env is what a command reads and writes, so tests can run commands
// in-process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Prompt reads a password without echo; nil means no terminal.
	Prompt func(label string) (string, error)
}

// DefaultEnv is the process's own terminal.
func DefaultEnv() Env {
	env := Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	if term.IsTerminal(os.Stdin.Fd()) {
		env.Prompt = func(label string) (string, error) {
			fmt.Fprint(os.Stderr, label)
			b, err := term.ReadPassword(os.Stdin.Fd())
			fmt.Fprintln(os.Stderr)
			return string(b), err
		}
	}
	return env
}

// Main runs ftpdeck with args (without the program name) and returns the
// exit code: 0 success, 1 failure, 2 bad usage.
func Main(args []string, env Env) int {
	flags, pos, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "ftpdeck: %v\n\n%s", err, usageText)
		return 2
	}
	if flags.Help {
		fmt.Fprint(env.Stdout, usageText)
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cmd := ""
	if len(pos) > 0 {
		cmd = pos[0]
	}
	switch cmd {
	case "version":
		fmt.Fprintf(env.Stdout, "ftpdeck %s\n", Version)
		return 0
	case "ls":
		err = runLs(ctx, flags, pos[1:], env)
	case "get":
		err = runGet(ctx, flags, pos[1:], env)
	case "put":
		err = runPut(ctx, flags, pos[1:], env)
	case "probe":
		err = runProbe(ctx, flags, pos[1:], env)
	case "bookmarks":
		err = runBookmarks(flags, pos[1:], env)
	default:
		err = runTUI(ctx, flags, pos, env)
	}
	return exitCode(err, env)
}

func exitCode(err error, env Env) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, errUsage) {
		fmt.Fprintf(env.Stderr, "ftpdeck: %v\nRun ftpdeck --help for usage.\n", err)
		return 2
	}
	if !errors.Is(err, errReported) {
		fmt.Fprintf(env.Stderr, "ftpdeck: %v\n", userMessage(err))
	}
	return 1
}

// errReported marks a failure already explained on stderr.
var errReported = errors.New("failed")

// userMessage words an error for a person: a data-connection failure says
// which mode failed, why it probably did, and what to try.
func userMessage(err error) string {
	var ce *transfer.CertError
	if errors.As(err, &ce) {
		return certMessage(ce)
	}
	var de *transfer.DataConnError
	if errors.As(err, &de) {
		flag := "--active"
		if de.Mode == transfer.Active {
			flag = "--passive"
		}
		return fmt.Sprintf("%s (try %s)", wire.Escape(err.Error()), flag)
	}
	return wire.Escape(err.Error())
}

// certMessage explains a refused certificate and what to do about it.
func certMessage(ce *transfer.CertError) string {
	var b strings.Builder
	b.WriteString(wire.Escape(ce.Error()))
	fmt.Fprintf(&b, "\n  subject:  %s\n  issuer:   %s\n  valid:    %s to %s\n  SHA-256:  %s\n",
		wire.Escape(ce.Subject), wire.Escape(ce.Issuer),
		ce.NotBefore.UTC().Format("2006-01-02 15:04 MST"), ce.NotAfter.UTC().Format("2006-01-02 15:04 MST"),
		trust.FormatFingerprint(ce.SHA256))
	switch {
	case ce.Pinned:
		b.WriteString("  The server did not present the certificate --tls-fingerprint names: check the value, or the server.")
	case ce.Changed:
		b.WriteString("  Not accepted. If the server's owner confirms the new certificate, check its fingerprint with them and run again with\n")
		fmt.Fprintf(&b, "  --tls-fingerprint %s", ce.SHA256)
	default:
		b.WriteString("  If you trust this certificate (compare the fingerprint with the server's owner), run again with\n")
		fmt.Fprintf(&b, "  --tls-fingerprint %s   (or accept it in the TUI to save it in known_certs)", ce.SHA256)
	}
	return b.String()
}

// target is a parsed URL argument with its settings.
type target struct {
	site     transfer.Site
	path     string // remote path from the URL, "" for the login folder
	bookmark string // the bookmark's name when the argument was one
}

// resolveTarget parses a URL (or a bookmark name) and fills in the
// password from the bookmark, netrc or a prompt, per INTERFACE.md.
func resolveTarget(flags Flags, arg string, env Env) (target, error) {
	var bm bookmarks.Site
	var fromBookmark bool
	raw := arg
	if !strings.Contains(arg, "://") {
		store, _, err := bookmarks.Open(bookmarks.ConfigDir(flags.ConfigDir))
		if err != nil {
			return target{}, err
		}
		s, ok := store.Get(arg)
		if !ok {
			return target{}, usagef("%q is neither a URL (ftp://host/path) nor a bookmark name", arg)
		}
		bm, fromBookmark = s, true
		raw = bookmarkURL(s)
	}
	site, hasPassword, err := transfer.ParseURL(raw)
	if err != nil {
		return target{}, usagef("%v", err)
	}
	if fromBookmark {
		if err := applyBookmark(&site, bm); err != nil {
			return target{}, err
		}
	}
	if !hasPassword {
		var prompt func() (string, error)
		if env.Prompt != nil {
			prompt = func() (string, error) { return env.Prompt(fmt.Sprintf("Password for %s@%s: ", site.User, site.Host)) }
		}
		pw, _, notices, err := bookmarks.ResolvePassword(bm, site.Host, site.User, prompt)
		for _, n := range notices {
			fmt.Fprintf(env.Stderr, "ftpdeck: %s\n", n)
		}
		if err != nil {
			return target{}, fmt.Errorf("password for %s@%s: %w", site.User, site.Host, err)
		}
		site.Password = pw
	}
	flags.apply(&site)
	if site.TLS != transfer.TLSOff {
		if site.Trust, err = flags.verifier(); err != nil {
			return target{}, err
		}
	}
	if site.Path == "" && fromBookmark {
		site.Path = bm.RemoteDir
	}
	t := target{site: site, path: site.Path}
	if fromBookmark {
		t.bookmark = bm.Name
	}
	return t, nil
}

// bookmarkURL builds a URL (without password) from a bookmark.
func bookmarkURL(s bookmarks.Site) string {
	scheme := "ftp"
	switch s.TLS {
	case bookmarks.TLSExplicit:
		scheme = "ftpes"
	case bookmarks.TLSImplicit:
		scheme = "ftps"
	}
	host := s.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	u := scheme + "://"
	if s.User != "" {
		u += escapeUser(s.User) + "@"
	}
	return fmt.Sprintf("%s%s:%d%s", u, host, s.EffectivePort(), s.RemoteDir)
}

func escapeUser(u string) string {
	r := strings.NewReplacer("%", "%25", "@", "%40", ":", "%3A", "/", "%2F")
	return r.Replace(u)
}

// applyBookmark applies a bookmark's site settings.
func applyBookmark(site *transfer.Site, bm bookmarks.Site) error {
	if bm.Mode != "" {
		m, err := transfer.ParseMode(bm.Mode)
		if err != nil {
			return err
		}
		site.Mode = m
	} else if bm.LastGoodMode != "" {
		if m, err := transfer.ParseMode(bm.LastGoodMode); err == nil {
			site.Mode = m
		}
	}
	if bm.ActivePorts != "" {
		pr, err := transfer.ParsePortRange(bm.ActivePorts)
		if err != nil {
			return fmt.Errorf("bookmark %s: %w", bm.Name, err)
		}
		site.ActivePorts = pr
	}
	if a := strings.TrimSpace(bm.ActiveAddr); a != "" && a != "auto" {
		// "auto" is the control connection's local address: ftpdeck never
		// asks anything outside for the public one.
		ip, err := netip.ParseAddr(a)
		if err != nil {
			return fmt.Errorf("bookmark %s: active_addr %q: want an IP address or auto", bm.Name, a)
		}
		site.ActiveAddr = ip
	}
	site.TrustPASVAddress = bm.TrustPASVAddress
	site.Encoding = bm.Encoding
	return nil
}

// newLog returns the protocol log, with the --log sink when asked for.
// The returned function closes the sink.
func newLog(flags Flags, env Env) (*transfer.Log, func(), error) {
	log := transfer.NewLog(5000)
	switch flags.LogFile {
	case "":
		return log, func() {}, nil
	case "-":
		log.AddSink(env.Stderr)
		return log, func() {}, nil
	}
	f, err := os.OpenFile(flags.LogFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("--log: %w", err)
	}
	log.AddSink(f)
	return log, func() { _ = f.Close() }, nil
}

// connect dials one connection for a headless command.
func connect(ctx context.Context, t target, log *transfer.Log) (*transfer.Session, *transfer.Conn, error) {
	sess := transfer.NewSession(t.site, log)
	c, err := sess.Dial(ctx)
	if err != nil {
		return nil, nil, err
	}
	return sess, c, nil
}

func remoteBase(p string) string {
	return path.Base(strings.TrimRight(p, "/"))
}
