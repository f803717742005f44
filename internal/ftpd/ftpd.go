package ftpd

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Kind names one of the supported daemons.
type Kind string

// The supported daemons.
const (
	Vsftpd   Kind = "vsftpd"
	PureFTPd Kind = "pure-ftpd"
	ProFTPD  Kind = "proftpd"
)

// Kinds returns every supported daemon, for table tests.
func Kinds() []Kind { return []Kind{Vsftpd, PureFTPd, ProFTPD} }

// RequireEnv is the environment variable that turns a missing daemon (or
// missing privileges) into a test failure instead of a skip when set to 1.
const RequireEnv = "FTPDECK_REQUIRE_SERVERS"

// DirEnv is the environment variable naming the folder whose root/
// sub-folder holds the unpacked daemons (default /opt/ftpdeck-daemons).
const DirEnv = "FTPDECK_DAEMONS_DIR"

// startTimeout bounds how long a daemon may take to greet.
const startTimeout = 15 * time.Second

// Options configures a daemon. The zero value serves a fresh empty folder
// with both active (PORT/EPRT) and passive (PASV/EPSV) data connections
// allowed and no TLS.
type Options struct {
	// Root is the local folder served as "/". It is chowned (recursively)
	// to the test user, who must be able to enter every folder above it:
	// folders inside os.TempDir() (like the 0700 parents of t.TempDir())
	// get o+x, anything else fails the test. Empty means a fresh folder
	// removed at cleanup.
	Root string
	// DisablePORT makes the server refuse PORT and EPRT (active mode).
	// pure-ftpd cannot do this; Start skips the test for it.
	DisablePORT bool
	// DisablePASV makes the server refuse PASV and EPSV (passive mode).
	DisablePASV bool
	// TLS enables explicit FTPS (AUTH TLS) when non-nil.
	TLS *TLSOptions
	// IdleTimeout, when set, is how long the server lets a control
	// connection sit without a command before it closes it (vsftpd
	// idle_session_timeout, proftpd TimeoutIdle and TimeoutNoTransfer,
	// pure-ftpd -I, whole minutes only). Zero keeps the default (120s;
	// pure-ftpd 15 minutes).
	IdleTimeout time.Duration
	// MaxPerIP, when set, is how many connections the server accepts from
	// one address; it refuses more (vsftpd max_per_ip and pure-ftpd -C
	// with a 421 greeting, proftpd MaxClientsPerHost with a 530 at login).
	MaxPerIP int
	// Netns is the name of a network namespace (under /run/netns) to run
	// the daemon in, with "ip netns exec"; "" is the test's own. The
	// readiness check dials from inside it. The NAT lab (internal/natlab)
	// uses it with Host.
	Netns string
	// Host is the address to listen on (default "127.0.0.1"): with Netns,
	// an address of that namespace.
	Host string
	// PASVAddress is the address the daemon names in its PASV replies
	// (vsftpd pasv_address, pure-ftpd -P, proftpd MasqueradeAddress);
	// "" is Host. A private address here stands for a server behind its
	// own NAT that names its inside address.
	PASVAddress string
	// NoChroot serves the machine as it is, the way Debian's vsftpd ships
	// (chroot_local_user=NO) and many proftpd and pure-ftpd set-ups run:
	// the user still logs in to Root, but "/" is the machine's root, and
	// PWD names Root by its full path (Daemon.Home). By default the user is
	// chrooted to Root, which the server then calls "/".
	NoChroot bool
	// Hashes turns on the server's file-hash commands (HASH, XSHA256,
	// XSHA1, XMD5, XCRC): proftpd's mod_digest. The others have none; they
	// fail the test when asked.
	Hashes bool
	// MaxRate caps each data connection at this many bytes per second
	// (vsftpd's local_max_rate; 0 = no cap), for tests that must catch a
	// transfer half-way.
	MaxRate int
}

// TLSOptions configures explicit FTPS.
type TLSOptions struct {
	// CertFile and KeyFile are PEM files (certificate chain, private key).
	CertFile, KeyFile string
	// Require refuses logins and data transfers that are not protected.
	Require bool
	// MinVersion and MaxVersion limit the protocol: "1.2" or "1.3"
	// ("1.0", "1.1" also accepted). Empty means the daemon's default.
	MinVersion, MaxVersion string
	// Implicit makes the control connection TLS from its first byte
	// (implicit FTPS, as on port 990). vsftpd and proftpd; pure-ftpd has
	// no implicit mode and skips the test.
	Implicit bool
}

// Daemon is a running FTP server. Its fields are read-only.
type Daemon struct {
	// Kind is the daemon that runs.
	Kind Kind
	// Name is a human name for logs, e.g. "vsftpd".
	Name string
	// Host is the address the daemon listens on: "127.0.0.1" unless
	// Options.Host says otherwise.
	Host string
	// PASVAddress is the address named in PASV replies (Options.PASVAddress,
	// else Host).
	PASVAddress string
	// Netns is the network namespace the daemon runs in ("" for the
	// test's own).
	Netns string
	// Port is the control-connection port.
	Port int
	// User and Password log in; Password is [TestPassword].
	User, Password string
	// Root is the local folder the user logs in to: "/" on the server when
	// chrooted, Home when not (Options.NoChroot).
	Root string
	// Home is the login folder as the server names it (PWD right after
	// login): "/" when chrooted, Root when not.
	Home string
	// PassivePorts is the inclusive range the daemon uses for PASV/EPSV.
	PassivePorts [2]int
	// Dir is the folder with the generated configuration and the logs.
	Dir string

	uid, gid int
	ipBin    string // ip(8), with Netns
	base     string // the /tmp/ftpdeck-ftpd-* folder
	cmd      *exec.Cmd
	exited   chan struct{}
	logs     []string
}

// Addr returns "host:port".
func (d *Daemon) Addr() string { return net.JoinHostPort(d.Host, strconv.Itoa(d.Port)) }

// URL returns ftp://user:password@host:port/ with the user info
// percent-escaped.
func (d *Daemon) URL() string {
	u := url.URL{Scheme: "ftp", User: url.UserPassword(d.User, d.Password), Host: d.Addr(), Path: "/"}
	return u.String()
}

// Path returns the local path of rel, a slash-separated path relative to
// the served root ("/a/b" and "a/b" are the same). It fails the test if rel
// escapes the root.
func (d *Daemon) Path(t testing.TB, rel string) string {
	t.Helper()
	clean := filepath.Clean("/" + filepath.FromSlash(rel))
	if strings.Contains(rel, "\x00") {
		t.Fatalf("ftpd: path %q contains NUL", rel)
	}
	return filepath.Join(d.Root, clean)
}

// MkdirAll creates the folder rel (and its parents) under the served root,
// owned by the daemon's user.
func (d *Daemon) MkdirAll(t testing.TB, rel string) {
	t.Helper()
	p := d.Path(t, rel)
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatalf("ftpd: mkdir %s: %v", rel, err)
	}
	d.chownUp(t, p)
}

// WriteFile writes data to rel under the served root, creating parent
// folders, all owned by the daemon's user so the server can overwrite it.
func (d *Daemon) WriteFile(t testing.TB, rel string, data []byte) {
	t.Helper()
	p := d.Path(t, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatalf("ftpd: write %s: %v", rel, err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatalf("ftpd: write %s: %v", rel, err)
	}
	d.chownUp(t, p)
}

// ReadFile returns the content of rel under the served root.
func (d *Daemon) ReadFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(d.Path(t, rel))
	if err != nil {
		t.Fatalf("ftpd: %v", err)
	}
	return b
}

// chownUp gives p and its parents up to the root to the daemon's user.
func (d *Daemon) chownUp(t testing.TB, p string) {
	t.Helper()
	for ; strings.HasPrefix(p, d.Root); p = filepath.Dir(p) {
		if err := os.Lchown(p, d.uid, d.gid); err != nil {
			t.Fatalf("ftpd: chown %s: %v", p, err)
		}
		if p == d.Root {
			return
		}
	}
}

// LogTail returns the last lines of each of the daemon's log files.
func (d *Daemon) LogTail() string {
	var b strings.Builder
	for _, f := range d.logs {
		fmt.Fprintf(&b, "--- %s\n%s", filepath.Base(f), tail(f, 40))
	}
	return b.String()
}

// SkipOrFail stops the test because a server cannot be run here: it skips,
// or fails when FTPDECK_REQUIRE_SERVERS=1. Every "daemon unavailable" path
// goes through it.
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s (%s=1)", msg, RequireEnv)
	}
	t.Skip(msg)
}

// LookPath finds the binary of a daemon or tool: first under
// $FTPDECK_DAEMONS_DIR/root/usr/{sbin,bin}, then in $PATH, then /usr/sbin.
func LookPath(name string) (string, error) {
	dir := os.Getenv(DirEnv)
	if dir == "" {
		dir = "/opt/ftpdeck-daemons"
	}
	cands := []string{
		filepath.Join(dir, "root/usr/sbin", name),
		filepath.Join(dir, "root/usr/bin", name),
	}
	if p, err := exec.LookPath(name); err == nil {
		cands = append(cands, p)
	}
	cands = append(cands, filepath.Join("/usr/sbin", name))
	for _, c := range cands {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return c, nil
		}
	}
	return "", fmt.Errorf("%s not found in %s/root/usr/sbin, $PATH or /usr/sbin", name, dir)
}

// StartVsftpd starts vsftpd; see [Start].
func StartVsftpd(t testing.TB, opts Options) *Daemon { t.Helper(); return Start(t, Vsftpd, opts) }

// StartPureFTPd starts pure-ftpd; see [Start].
func StartPureFTPd(t testing.TB, opts Options) *Daemon { t.Helper(); return Start(t, PureFTPd, opts) }

// StartProFTPD starts proftpd; see [Start].
func StartProFTPD(t testing.TB, opts Options) *Daemon { t.Helper(); return Start(t, ProFTPD, opts) }

// flavour is what differs between daemons.
type flavour struct {
	bin string
	// prepare writes the configuration once (users, certificates).
	prepare func(t testing.TB, d *Daemon, opts Options)
	// args returns the command line for one start attempt on d.Port.
	args func(d *Daemon, opts Options) []string
	// env is extra environment for the daemon.
	env func(d *Daemon, opts Options) []string
}

func flavourOf(t testing.TB, kind Kind) flavour {
	t.Helper()
	switch kind {
	case Vsftpd:
		return vsftpdFlavour
	case PureFTPd:
		return pureFlavour
	case ProFTPD:
		return proftpdFlavour
	}
	t.Fatalf("ftpd: unknown daemon %q", kind)
	return flavour{}
}

// Start runs the daemon kind on a free loopback port and returns once it
// greets with 220. The daemon and its children are killed at cleanup, and
// its logs are printed if the test failed. A daemon that is not installed,
// or not running as root, skips the test (see [SkipOrFail]); an option the
// daemon cannot honour skips it too.
func Start(t testing.TB, kind Kind, opts Options) *Daemon {
	t.Helper()
	fl := flavourOf(t, kind)
	bin, err := LookPath(fl.bin)
	if err != nil {
		SkipOrFail(t, "%s not installed: %v (run .ci/install-daemons.sh)", kind, err)
	}
	if os.Geteuid() != 0 {
		SkipOrFail(t, "%s: the ftpd helpers need root (to chroot and switch to user %s)", kind, TestUser)
	}
	if opts.MaxRate > 0 && kind != Vsftpd {
		t.Fatalf("ftpd: Options.MaxRate is vsftpd's local_max_rate")
	}
	if opts.Hashes && kind != ProFTPD {
		t.Fatalf("ftpd: %s has no hash commands (Options.Hashes is proftpd's mod_digest)", kind)
	}
	acct := ensureUser(t)

	d := &Daemon{
		Kind: kind, Name: string(kind), Host: "127.0.0.1",
		User: TestUser, Password: TestPassword, Netns: opts.Netns,
		Dir: t.TempDir(), uid: acct.uid, gid: acct.gid,
	}
	if opts.Host != "" {
		d.Host = opts.Host
	}
	d.PASVAddress = d.Host
	if opts.PASVAddress != "" {
		d.PASVAddress = opts.PASVAddress
	}
	if d.Netns != "" {
		if _, err := os.Stat(filepath.Join(netnsDir, d.Netns)); err != nil {
			SkipOrFail(t, "%s: network namespace %s: %v", kind, d.Netns, err)
		}
		ipBin, err := exec.LookPath("ip")
		if err != nil {
			SkipOrFail(t, "%s: ip (iproute2) not installed, needed to run in namespace %s: %v", kind, d.Netns, err)
		}
		d.ipBin = ipBin
	}
	base, err := os.MkdirTemp("", "ftpdeck-ftpd-")
	if err != nil {
		t.Fatalf("ftpd: %v", err)
	}
	d.base = base
	t.Cleanup(func() { _ = os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatalf("ftpd: %v", err)
	}
	if opts.Root != "" {
		abs, err := filepath.Abs(opts.Root)
		if err != nil {
			t.Fatalf("ftpd: root: %v", err)
		}
		d.Root = abs
		if err := chownTree(abs, d.uid, d.gid); err != nil {
			t.Fatalf("ftpd: root: %v", err)
		}
		if err := d.makeTraversable(filepath.Dir(abs)); err != nil {
			t.Fatalf("ftpd: root %s: %v", abs, err)
		}
	} else {
		d.Root = filepath.Join(base, "root")
		if err := os.Mkdir(d.Root, 0o755); err != nil {
			t.Fatalf("ftpd: %v", err)
		}
		if err := os.Chown(d.Root, d.uid, d.gid); err != nil {
			t.Fatalf("ftpd: %v", err)
		}
	}
	d.Home = "/"
	if opts.NoChroot {
		d.Home = d.Root
	}
	// An empty root-owned folder, for vsftpd's secure_chroot_dir.
	if err := os.Mkdir(filepath.Join(base, "empty"), 0o755); err != nil {
		t.Fatalf("ftpd: %v", err)
	}
	lo := 20000 + rand.IntN(100)*100
	d.PassivePorts = [2]int{lo, lo + 99}
	if opts.TLS != nil {
		if opts.TLS.CertFile == "" || opts.TLS.KeyFile == "" {
			t.Fatalf("ftpd: TLS needs CertFile and KeyFile")
		}
		for _, v := range []string{opts.TLS.MinVersion, opts.TLS.MaxVersion} {
			if v != "" {
				opensslProtocol(t, v) // fails the test on an unknown version
			}
		}
	}
	fl.prepare(t, d, opts)

	out := filepath.Join(d.Dir, "daemon.out")
	d.logs = append([]string{out}, d.logs...)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("ftpd: %s logs:\n%s", d.Name, d.LogTail())
		}
	})
	const attempts = 3
	for i := 1; ; i++ {
		d.Port = freePort(t)
		err := d.run(t, bin, fl, opts, out)
		if err == nil {
			return d
		}
		if i == attempts {
			t.Fatalf("ftpd: %s did not start on %s: %v\n%s", d.Name, d.Addr(), err, d.LogTail())
		}
		t.Logf("ftpd: %s did not start on %s (attempt %d): %v; retrying on another port", d.Name, d.Addr(), i, err)
	}
}

// run starts one attempt and waits for the greeting. On success it has
// registered the cleanup that stops the daemon.
func (d *Daemon) run(t testing.TB, bin string, fl flavour, opts Options, out string) error {
	t.Helper()
	f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	argv := append([]string{bin}, fl.args(d, opts)...)
	if d.Netns != "" {
		// ip netns exec execs the daemon in place: the pid stays the one
		// cleanup kills.
		argv = append([]string{d.ipBin, "netns", "exec", d.Netns}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = d.Dir
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append([]string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C"}, fl.env(d, opts)...)
	// Own process group so cleanup reaches the per-session children;
	// Pdeathsig kills the daemon if the test binary dies first.
	cmd.SysProcAttr = daemonProcAttr()
	fmt.Fprintf(f, "=== %s %s\n", bin, strings.Join(cmd.Args[1:], " "))
	if err := cmd.Start(); err != nil {
		return err
	}
	d.cmd = cmd
	d.exited = make(chan struct{})
	go func() { _ = cmd.Wait(); close(d.exited) }()

	if err := d.waitGreeting(opts.TLS != nil && opts.TLS.Implicit); err != nil {
		d.stop()
		return err
	}
	t.Cleanup(d.stop)
	return nil
}

// waitGreeting polls the control port until it reads a 220 greeting
// (through TLS when implicit).
func (d *Daemon) waitGreeting(implicit bool) error {
	deadline := time.Now().Add(startTimeout)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-d.exited:
			return fmt.Errorf("exited early: %v", d.cmd.ProcessState)
		default:
		}
		if last = d.greet(implicit); last == nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("no 220 greeting within %v: %v", startTimeout, last)
}

// greet connects (from inside d.Netns when set), reads the full greeting,
// expects 220 and says QUIT. With implicit, it speaks TLS first; the
// certificate is not checked (a readiness probe that sends nothing secret;
// the tests verify it).
func (d *Daemon) greet(implicit bool) error {
	c, err := dialIn(d.Netns, d.Addr(), time.Second)
	if err != nil {
		return err
	}
	if implicit {
		tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // readiness probe only
		_ = tc.SetDeadline(time.Now().Add(5 * time.Second))
		if err := tc.Handshake(); err != nil {
			_ = c.Close()
			return err
		}
		c = tc
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("reading greeting: %w", err)
		}
		if len(line) >= 4 && line[3] == ' ' {
			if !strings.HasPrefix(line, "220") {
				return fmt.Errorf("greeting %q", strings.TrimSpace(line))
			}
			break
		}
	}
	_, _ = c.Write([]byte("QUIT\r\n"))
	_, _ = r.ReadString('\n')
	return nil
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("ftpd: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// makeTraversable lets the test user search dir and its ancestors, which
// vsftpd and proftpd need to reach the home folder before they chroot. It
// adds o+x (search, not read) to folders inside os.TempDir(), such as the
// 0700 parents of t.TempDir(), and refuses to touch anything else.
func (d *Daemon) makeTraversable(dir string) error {
	tmp := filepath.Clean(os.TempDir())
	for {
		fi, err := os.Stat(dir)
		if err != nil {
			return err
		}
		uid, gid := fileOwner(fi)
		m := fi.Mode().Perm()
		ok := m&0o001 != 0 ||
			(uid == d.uid && m&0o100 != 0) ||
			(gid == d.gid && m&0o010 != 0)
		if !ok {
			if !strings.HasPrefix(dir, tmp+string(filepath.Separator)) {
				return fmt.Errorf("user %s cannot enter %s (mode %v); serve a folder under %s or open it up", TestUser, dir, m, tmp)
			}
			if err := os.Chmod(dir, fi.Mode()|0o001); err != nil {
				return err
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// chownTree gives every file under root to uid:gid.
func chownTree(root string, uid, gid int) error {
	return filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

// tail returns the last n lines of file f.
func tail(f string, n int) string {
	b, err := os.ReadFile(f)
	if err != nil {
		return fmt.Sprintf("(%v)\n", err)
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n"))) + "\n"
}

// writeFile writes a generated file, failing the test on error.
func writeFile(t testing.TB, p, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatalf("ftpd: %v", err)
	}
}
