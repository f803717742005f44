package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
)

// command is one headless command's help: "ftpdeck help NAME" and
// "ftpdeck NAME --help".
type command struct {
	name, usage, what string
	flags             []string // the flags that matter to it, in order (names without --)
	examples          []string
}

// connFlags are the flags every command that connects takes.
var connFlags = []string{"active", "passive", "active-addr", "active-ports", "trust-pasv-address",
	"timeout", "tls-fingerprint", "encoding", "config", "log", "v", "quiet"}

// transferFlags are get's and put's own.
var transferFlags = []string{"parallel", "on-conflict", "type", "json", "limit-rate"}

var commands = []command{
	{name: "ls", usage: "ftpdeck ls [flags] URL|BOOKMARK[/PATH]",
		what:  "List a remote folder, one entry per line (with --json, one object per entry).",
		flags: append([]string{"json"}, connFlags...),
		examples: []string{
			"ftpdeck ls ftp://ftp.example.com/pub/",
			"ftpdeck ls --json work/logs | jq -r 'select(.type == \"file\") | .name'",
			"ftpdeck ls --active -v ftp://alice@ftp.example.com/",
		}},
	{name: "get", usage: "ftpdeck get [flags] URL... LOCAL",
		what: "Download files and folders (recursively) into LOCAL: an existing folder receives them,\n" +
			"\"-\" streams one file to stdout, a device is written as a stream, any other path is the\n" +
			"target. Each file lands in NAME.part and is renamed once its size is checked; a run\n" +
			"stopped by Ctrl+C keeps its .part files and the same command resumes them.",
		flags: append(slices.Clone(transferFlags), connFlags...),
		examples: []string{
			"ftpdeck get ftp://ftp.example.com/pub/file.iso .",
			"ftpdeck get --parallel 4 --on-conflict resume work/photos ~/Pictures/",
			"ftpdeck get --json ftp://alice@ftp.example.com/logs/ ./logs | jq -c 'select(.status != \"done\")'",
		}},
	{name: "put", usage: "ftpdeck put [flags] LOCAL... URL",
		what: "Upload files and folders (recursively) into the remote folder the URL names (or as the\n" +
			"file it names); \"-\" streams stdin to one remote file. Each file goes to a temporary\n" +
			"remote name and is renamed once its size is checked.",
		flags: append(slices.Clone(transferFlags), connFlags...),
		examples: []string{
			"ftpdeck put report.pdf ftp://alice@ftp.example.com/incoming/",
			"ftpdeck put --parallel 4 ./site/ work/www/",
			"tar c . | ftpdeck put - ftp://alice@ftp.example.com/backup.tar",
		}},
	{name: "probe", usage: "ftpdeck probe [flags] URL|BOOKMARK",
		what: "The mode doctor: list the folder once with each of EPSV, PASV, EPRT and PORT, show what\n" +
			"worked and the addresses involved, and say which mode to use. Exits 0 when some method\n" +
			"works, 1 when none does; for a bookmark the mode that works is saved as last_good_mode.",
		flags: append([]string{"json"}, connFlags...),
		examples: []string{
			"ftpdeck probe ftp://ftp.example.com/",
			"ftpdeck probe --timeout 10s work",
			"ftpdeck probe --json work | jq -r 'select(.kind == \"verdict\") | .mode'",
		}},
	{name: "mirror", usage: "ftpdeck mirror [flags] URL DIR   |   ftpdeck mirror --reverse [flags] DIR URL",
		what: "Make DIR equal to the remote folder (or, with --reverse, the remote folder equal to DIR):\n" +
			"copy what is new or changed (by size and time, or --checksum), keep times, and with\n" +
			"--delete remove what the source lacks. --dry-run prints the plan and changes nothing.",
		flags: append([]string{"reverse", "delete", "dry-run", "exclude", "checksum", "follow-links", "parallel", "type", "json", "limit-rate"}, connFlags...),
		examples: []string{
			"ftpdeck mirror --dry-run work/www ./www",
			"ftpdeck mirror --delete --exclude '*.tmp' ftp://alice@ftp.example.com/site/ ./site",
			"ftpdeck mirror --reverse --parallel 4 ./site work/www",
		}},
	{name: "quote", usage: "ftpdeck quote [flags] URL COMMAND...",
		what: "Send raw control commands (SITE, STAT, HELP, …) on one connection and print every reply\n" +
			"line. Exits 1 when a reply is 4xx or 5xx; commands that need a data connection or change\n" +
			"the session (LIST, RETR, PASV, AUTH, …) are refused before connecting.",
		flags: append([]string{"json"}, connFlags...),
		examples: []string{
			"ftpdeck quote ftp://alice@ftp.example.com/ 'SITE CHMOD 644 upload.txt'",
			"ftpdeck quote work STAT HELP",
			"ftpdeck quote --json work 'SITE HELP' | jq -r '.lines[]'",
		}},
	{name: "bookmarks", usage: "ftpdeck bookmarks [import FILE]",
		what:  "List the saved sites (never their passwords), or import FileZilla's sitemanager.xml or\nlftp's bookmarks file.",
		flags: []string{"config"},
		examples: []string{
			"ftpdeck bookmarks",
			"ftpdeck bookmarks import ~/.config/filezilla/sitemanager.xml",
			"ftpdeck bookmarks import ~/.local/share/lftp/bookmarks",
		}},
	{name: "completion", usage: "ftpdeck completion bash|zsh|fish",
		what: "Print the shell's completion script: commands, flags, flag values, bookmark names (read\n" +
			"when you press tab) and local paths.",
		examples: []string{
			"source <(ftpdeck completion bash)            # in ~/.bashrc",
			"ftpdeck completion zsh > \"${fpath[1]}/_ftpdeck\" # then restart zsh",
			"ftpdeck completion fish > ~/.config/fish/completions/ftpdeck.fish",
		}},
	{name: "version", usage: "ftpdeck version",
		what:     "Print ftpdeck's version (the module version, or the commit it was built from) and Go's.",
		examples: []string{"ftpdeck version"}},
	{name: "help", usage: "ftpdeck help [COMMAND]",
		what:     "Print the overview, or one command's usage, flags and examples.",
		examples: []string{"ftpdeck help", "ftpdeck help get", "ftpdeck get --help"}},
}

// flagDoc is one flag's help line: its value's name, meaning and default.
type flagDoc struct{ arg, text, def string }

// flagDocs documents the flags of INTERFACE.md. A flag added to
// boolFlags/valueFlags without a line here still shows in help and
// completion, by name.
var flagDocs = map[string]flagDoc{
	"active":             {"", "start in active mode (PORT/EPRT)", "passive"},
	"passive":            {"", "start in passive mode (EPSV/PASV)", "passive"},
	"active-addr":        {"IP", "address to put in PORT/EPRT (a NAT's public address)", "the control connection's local address"},
	"active-ports":       {"LO-HI", "local port range for active-mode listeners", "any free port"},
	"trust-pasv-address": {"", "connect where PASV says instead of the control peer", "off"},
	"parallel":           {"N", "simultaneous transfer connections", "2"},
	"local":              {"DIR", "local pane's starting folder (TUI)", "current folder"},
	"log":                {"FILE", "also append the protocol log to FILE (- = stderr)", "none"},
	"timeout":            {"DUR", "connect/idle/data-stall timeout (probe: each attempt)", "30s (probe: 5s)"},
	"tls-fingerprint":    {"SHA256", "accept exactly this server certificate", "system roots, then known_certs"},
	"config":             {"DIR", "folder for config.toml, bookmarks.toml, known_certs", "$XDG_CONFIG_HOME/ftpdeck"},
	"state":              {"DIR", "folder for the queue's store", "$XDG_STATE_HOME/ftpdeck"},
	"on-conflict":        {"POLICY", "when a target exists: " + strings.Join(policyValues(), ", "), "skip"},
	"encoding":           {"NAME", "charset of names on the server", "utf-8"},
	"type":               {"MODE", "binary, ascii (TYPE A: line ends converted), auto (ascii for ascii_extensions)", "binary"},
	"json":               {"", "output as JSON, one object per line (see the README)", "off"},
	"quiet":              {"", "print only errors on stderr (no progress, no skipped files)", "off"},
	"v":                  {"", "also the protocol log on stderr (as --log -)", "off"},
	"help":               {"", "this help", ""},
	"reverse":            {"", "mirror: DIR URL, towards the server", "off"},
	"delete":             {"", "mirror: remove what the source lacks", "off"},
	"dry-run":            {"", "mirror: print the plan, change nothing", "off"},
	"exclude":            {"GLOB", "mirror: leave matching paths out (repeatable)", "none"},
	"limit-rate":         {"RATE", "bytes per second of all transfers together: 500K, 10M, 1.5M, 2G (KiB, MiB, GiB) or bytes; 0 = none", "limit_rate, else none"},
	"checksum":           {"", "mirror: compare files of equal size by the server's hash", "off"},
	"follow-links":       {"", "mirror: copy what links point to", "off"},
}

// flagSpelling is how a flag is typed: -v and -h, --name for the rest.
func flagSpelling(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// findCommand returns the help of the command name.
func findCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// writeCommandHelp prints one command's usage, what it does, its flags
// with their defaults, and examples.
func writeCommandHelp(w io.Writer, c command) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", c.usage, c.what)
	if len(c.flags) > 0 {
		fmt.Fprintln(w, "\nFlags:")
		for _, f := range c.flags {
			if !boolFlags[f] && !valueFlags[f] {
				continue // not in this build
			}
			d := flagDocs[f]
			left := flagSpelling(f)
			if d.arg != "" {
				left += " " + d.arg
			}
			line := fmt.Sprintf("  %-26s %s", left, d.text)
			if d.def != "" && d.def != "off" {
				line += " (default: " + d.def + ")"
			}
			fmt.Fprintln(w, line)
		}
		if more := otherFlags(); len(more) > 0 {
			fmt.Fprintf(w, "  and: %s (ftpdeck help)\n", strings.Join(more, " "))
		}
	}
	fmt.Fprintln(w, "\nExamples:")
	for _, e := range c.examples {
		fmt.Fprintf(w, "  %s\n", e)
	}
}

// otherFlags are flags that no command's help lists (added since): they
// are named so that none is hidden.
func otherFlags() []string {
	listed := map[string]bool{"h": true, "help": true, "verbose": true, "demo": true, "local": true, "state": true}
	for _, c := range commands {
		for _, f := range c.flags {
			listed[f] = true
		}
	}
	var out []string
	for _, f := range allFlags() {
		if !listed[f] {
			out = append(out, flagSpelling(f))
		}
	}
	return out
}

// allFlags are every flag's name, sorted.
func allFlags() []string {
	var out []string
	for f := range boolFlags {
		out = append(out, f)
	}
	for f := range valueFlags {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// runHelp is "ftpdeck help [COMMAND]".
func runHelp(args []string, env Env) error {
	if len(args) == 0 {
		fmt.Fprint(env.Stdout, usageText)
		return nil
	}
	c, ok := findCommand(args[0])
	if !ok || len(args) > 1 {
		return usagef("help: no command %q (commands: %s)", strings.Join(args, " "), strings.Join(commandNames(), ", "))
	}
	writeCommandHelp(env.Stdout, c)
	return nil
}

func commandNames() []string {
	out := make([]string, len(commands))
	for i, c := range commands {
		out[i] = c.name
	}
	return out
}

// versionText is "ftpdeck version": the -X Version when set, else the
// module's version from the build info (a tagged "go install"), else the
// commit it was built from (with "+dirty" for local changes), and the Go
// version that built it.
func versionText() string {
	bi, _ := debug.ReadBuildInfo()
	return fmt.Sprintf("ftpdeck %s\n%s %s/%s\n", versionOf(Version, bi), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// versionOf is ftpdeck's version given the -X value and the build info
// (nil when the binary has none).
func versionOf(x string, bi *debug.BuildInfo) string {
	if x != "dev" || bi == nil {
		return x
	}
	if mv := bi.Main.Version; mv != "" && mv != "(devel)" {
		return mv
	}
	rev := setting(bi, "vcs.revision")
	if rev == "" {
		return x
	}
	v := "dev, commit " + rev[:min(12, len(rev))]
	if setting(bi, "vcs.modified") == "true" {
		v += "+dirty"
	}
	if t := setting(bi, "vcs.time"); t != "" {
		v += " (" + t + ")"
	}
	return v
}

func setting(bi *debug.BuildInfo, key string) string {
	for _, s := range bi.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}
