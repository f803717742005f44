package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"strings"
	"sync"

	"github.com/charmbracelet/x/term"

	"ftpdeck/bookmarks"
	"ftpdeck/bookmarks/connopts"
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
	// Procs caps how many processors run Go code at once
	// (runtime.GOMAXPROCS); nil leaves the scheduler alone, as tests that
	// run commands in-process do, and so does a GOMAXPROCS the user set.
	Procs func(n int)
}

// DefaultEnv is the process's own terminal.
func DefaultEnv() Env {
	env := Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	if os.Getenv("GOMAXPROCS") == "" {
		env.Procs = func(n int) { runtime.GOMAXPROCS(n) }
	}
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
	if len(args) > 0 && args[0] == completeCommand {
		return runComplete(args[1:], env)
	}
	flags, pos, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "ftpdeck: %v\n\n%s", err, usageText)
		return 2
	}
	if flags.Help {
		if c, ok := findCommand(first(pos)); ok {
			writeCommandHelp(env.Stdout, c)
		} else {
			fmt.Fprint(env.Stdout, usageText)
		}
		return 0
	}
	if flags.Verbose && flags.Quiet {
		fmt.Fprintf(env.Stderr, "ftpdeck: -v and --quiet exclude each other\nRun ftpdeck --help for usage.\n")
		return 2
	}
	ctx, sigs := catchInterrupts(context.Background())
	defer sigs.stop()

	cmd := ""
	if len(pos) > 0 {
		cmd = pos[0]
	}
	switch cmd {
	case "version":
		fmt.Fprint(env.Stdout, versionText())
		return 0
	case "help":
		err = runHelp(pos[1:], env)
	case "completion":
		err = runCompletion(pos[1:], env)
	case "ls":
		err = runLs(ctx, flags, pos[1:], env)
	case "get":
		err = runGet(ctx, flags, pos[1:], env)
	case "put":
		err = runPut(ctx, flags, pos[1:], env)
	case "probe":
		err = runProbe(ctx, flags, pos[1:], env)
	case "mirror":
		err = runMirror(ctx, flags, pos[1:], env)
	case "quote":
		err = runQuote(ctx, flags, pos[1:], env)
	case "bookmarks":
		err = runBookmarks(flags, pos[1:], env)
	default:
		err = runTUI(ctx, flags, pos, env)
	}
	code := exitCode(err, env)
	if s := sigs.signal(); s != nil && code != 2 {
		return signalExit(s)
	}
	return code
}

// first returns the first of pos, or "".
func first(pos []string) string {
	if len(pos) == 0 {
		return ""
	}
	return pos[0]
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
		return wire.Escape(err.Error()) + tryOther(de.Mode)
	}
	return wire.Escape(err.Error())
}

// tryOther is the hint after a data connection that failed in mode m
// alone: the other mode, and for active mode what it takes behind a NAT
// (the address in PORT is this machine's private one, which the server
// refuses or cannot reach).
func tryOther(m transfer.Mode) string {
	if m == transfer.Active {
		return " (try --passive; behind a NAT, active mode needs --active-addr with the NAT's public address and --active-ports forwarded to this machine)"
	}
	return " (try --active; behind a NAT, add --active-addr with the NAT's public address and --active-ports forwarded to this machine)"
}

// bothFailed is the hint after a data connection that failed in both
// modes (the fallback was tried).
const bothFailed = " (both modes failed: passive mode needs the server's firewall to let its passive ports in; active mode behind a NAT needs --active-addr with the NAT's public address and --active-ports forwarded to this machine)"

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
	site transfer.Site // site.Path is the remote path, "" for the login folder
	// bookmark is the bookmark's name when the argument named one: the
	// command records the mode that worked (last_good_mode) under it.
	bookmark string
	start    connopts.Start // the bookmark's start settings
	store    *bookmarks.Store
	modeNote string // log note when the mode came from last_good_mode
	parallel int    // transfer connections: flag, bookmark, config.toml
	// fallback: a transfer whose data connection fails in one mode is
	// tried once in the other (settings: --active/--passive given or
	// --no-fallback turn it off, then the bookmark's fallback, then
	// config.toml's).
	fallback bool
	// needPassword: no source had the password (only with askLater).
	needPassword bool
}

// resolveTarget parses a URL, a bookmark name, or NAME/PATH (a path under
// the bookmark's host), and fills in the password from the bookmark,
// password_cmd, netrc or a prompt, per INTERFACE.md.
func resolveTarget(flags Flags, arg string, env Env) (target, error) {
	return newResolver(flags, env).resolve(arg)
}

// resolver resolves one command's URL and bookmark arguments. It reads
// bookmarks.toml and known_certs once, on first need, however many
// arguments there are.
type resolver struct {
	flags    Flags
	env      Env
	store    func() (*bookmarks.Store, error) // called only for a bookmark name
	config   func() (bookmarks.Config, error) // config.toml, read once
	verifier func() (*trust.Verifier, error)  // called only for a TLS site
	// askLater: a password that no source holds is left empty and
	// needPassword set (the TUI asks in its masked dialog) instead of
	// prompting on the terminal.
	askLater bool
}

// newResolver returns a headless command's resolver.
func newResolver(flags Flags, env Env) *resolver {
	return &resolver{flags: flags, env: env, store: openBookmarks(flags, env), verifier: sync.OnceValues(flags.verifier), config: openConfig(flags)}
}

// openBookmarks returns a function that opens bookmarks.toml on its first
// call, printing the store's notices on stderr, and returns the same store
// (and error) on every later call.
func openBookmarks(flags Flags, env Env) func() (*bookmarks.Store, error) {
	return sync.OnceValues(func() (*bookmarks.Store, error) {
		store, notices, err := bookmarks.Open(bookmarks.ConfigDir(flags.ConfigDir))
		for _, n := range notices {
			fmt.Fprintf(env.Stderr, "ftpdeck: %s\n", n)
		}
		return store, err
	})
}

// resolve is resolveTarget for one argument.
func (r *resolver) resolve(arg string) (target, error) {
	env := r.env // the prompt is dropped with askLater
	var t target
	var bmp *bookmarks.Site // the bookmark named, if any
	if r.askLater {
		env.Prompt = nil
	}
	ask := func(bm bookmarks.Site, site transfer.Site) (string, error) {
		pw, err := askPassword(bm, site, env)
		if r.askLater && errors.Is(err, bookmarks.ErrNoPassword) {
			t.needPassword = true
			return "", nil
		}
		return pw, err
	}
	if strings.Contains(arg, "://") {
		site, hasPassword, err := transfer.ParseURL(arg)
		if err != nil {
			return target{}, usagef("%v", err)
		}
		if !hasPassword {
			if site.Password, err = ask(bookmarks.Site{}, site); err != nil {
				return target{}, err
			}
		}
		t.site = site
		if t.fallback, err = r.fallback(nil); err != nil {
			return target{}, err
		}
	} else {
		store, err := r.store()
		if err != nil {
			return target{}, err
		}
		bm, sub, ok := findBookmark(store, arg)
		if !ok {
			return target{}, usagef("%q is neither a URL (ftp://host/path) nor a bookmark name", arg)
		}
		st, err := connopts.FromBookmark(bm)
		if err != nil {
			return target{}, err
		}
		if st.NeedPassword {
			if st.Site.Password, err = ask(bm, st.Site); err != nil {
				return target{}, err
			}
		}
		t.site, t.start, t.bookmark, t.store = st.Site, st, bm.Name, store
		bmp = &bm
		if sub != "" {
			t.site.Path = subPath(bm.RemoteDir, sub)
		}
		if r.flags.Mode == nil {
			t.modeNote = st.ModeNote
		}
		if t.fallback, err = r.fallback(bm.Fallback); err != nil {
			return target{}, err
		}
	}
	cfg, err := r.config()
	if err != nil {
		return target{}, err
	}
	applyConfig(cfg, &t, bmp)
	t.parallel = firstPositive(r.flags.Parallel, t.parallel)
	r.flags.apply(&t.site)
	if t.site.TLS != transfer.TLSOff {
		var err error
		if t.site.Trust, err = r.verifier(); err != nil {
			return target{}, err
		}
	}
	return t, nil
}

// fallback decides the fallback setting of one target: off with
// --active/--passive (only that mode) or --no-fallback, else the
// bookmark's own (site, nil when unset), else config.toml's.
func (r *resolver) fallback(site *bool) (bool, error) {
	if r.flags.Mode != nil || r.flags.NoFallback {
		return false, nil
	}
	if site != nil {
		return *site, nil
	}
	if r.config == nil {
		return true, nil
	}
	cfg, err := r.config()
	if err != nil {
		return false, err
	}
	return cfg.Fallback, nil
}

// findBookmark finds the bookmark named arg, or for NAME/PATH the bookmark
// NAME and the PATH under its remote folder. An exact name wins, so a
// name holding "/" still works.
func findBookmark(store *bookmarks.Store, arg string) (bookmarks.Site, string, bool) {
	if b, ok := store.Get(arg); ok {
		return b, "", true
	}
	name, sub, found := strings.Cut(arg, "/")
	if !found {
		return bookmarks.Site{}, "", false
	}
	b, ok := store.Get(name)
	return b, sub, ok
}

// subPath is NAME/PATH's remote path: PATH under the bookmark's remote_dir
// (itself relative to the login folder unless it starts with "/"; see
// transfer.ResolvePath), keeping PATH's trailing slash.
func subPath(remoteDir, sub string) string {
	p := path.Join(remoteDir, sub)
	if strings.HasSuffix(sub, "/") && p != "/" {
		p += "/"
	}
	return p
}

// askPassword looks the password up (bookmark password_cmd, netrc) and
// else asks on the terminal, masked.
func askPassword(bm bookmarks.Site, site transfer.Site, env Env) (string, error) {
	var prompt func() (string, error)
	if env.Prompt != nil {
		prompt = func() (string, error) { return env.Prompt(fmt.Sprintf("Password for %s@%s: ", site.User, site.Host)) }
	}
	pw, _, notices, err := bookmarks.ResolvePassword(bm, site.Host, site.User, prompt)
	for _, n := range notices {
		fmt.Fprintf(env.Stderr, "ftpdeck: %s\n", n)
	}
	if err != nil {
		return "", fmt.Errorf("password for %s@%s: %w", site.User, site.Host, err)
	}
	return pw, nil
}

// noteMode writes the target's last_good_mode note into the log.
func (t target) noteMode(log *transfer.Log) {
	if t.modeNote != "" {
		log.Notef(0, "%s", t.modeNote)
	}
}

// worked records, for a bookmarked target, the mode that just carried a
// listing or transfer (saved only when it changed). A failure to save is
// reported, not fatal: the work itself succeeded.
func (t target) worked(mode transfer.Mode, env Env) {
	if t.store == nil || t.bookmark == "" {
		return
	}
	if err := t.store.SetLastGoodMode(t.bookmark, mode.String()); err != nil {
		fmt.Fprintf(env.Stderr, "ftpdeck: %v\n", err)
	}
}

// newLog returns the protocol log, with the --log sink when asked for.
// The returned function closes the sink.
func newLog(flags Flags, env Env) (*transfer.Log, func(), error) {
	log := transfer.NewLog(5000)
	if !flags.Quiet && !flags.Verbose && flags.LogFile != "-" {
		// --quiet wants errors only; with the log on stderr the hint is
		// already there, as its note.
		hintsToStderr(log, env)
	}
	closeLog, err := addLogSink(log, flags.LogFile, env)
	if err != nil {
		return nil, nil, err
	}
	if flags.Verbose && flags.LogFile != "-" {
		log.AddSink(env.Stderr) // -v: as --log -, beside any --log FILE
	}
	return log, closeLog, nil
}

// addLogSink adds the --log sink to log: "-" is stderr, any other name a
// file opened for appending. The returned function closes the file.
func addLogSink(log *transfer.Log, file string, env Env) (func(), error) {
	switch file {
	case "":
		return func() {}, nil
	case "-":
		log.AddSink(env.Stderr)
		return func() {}, nil
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--log: %w", err)
	}
	log.AddSink(f)
	return func() { _ = f.Close() }, nil
}

// opened is a headless command's server once logged in: the session, its
// first connection (the caller owns it: close it, or hand it to a queue),
// and the target's path resolved against the login folder.
type opened struct {
	sess *transfer.Session
	c    *transfer.Conn
	path string
}

// openTarget opens the protocol log (--log), dials t and resolves its path
// (Conn.Abs, right after login). The returned function closes the log;
// on an error nothing is left open.
func openTarget(ctx context.Context, flags Flags, t target, env Env) (opened, func(), error) {
	log, closeLog, err := newLog(flags, env)
	if err != nil {
		return opened{}, nil, err
	}
	sess, c, err := connect(ctx, t, log)
	if err != nil {
		closeLog()
		return opened{}, nil, err
	}
	p, err := c.Abs(ctx, t.site.Path)
	if err != nil {
		_ = c.Close()
		closeLog()
		return opened{}, nil, err
	}
	return opened{sess: sess, c: c, path: p}, closeLog, nil
}

// connect dials one connection for a headless command.
func connect(ctx context.Context, t target, log *transfer.Log) (*transfer.Session, *transfer.Conn, error) {
	t.noteMode(log)
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
