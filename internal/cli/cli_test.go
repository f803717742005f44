package cli

import (
	"bytes"
	"crypto/sha256"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ftpdeck/internal/ftpd"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

func payload(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(7, 8))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// logLine is INTERFACE.md's log-line format.
var logLine = regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d\d\d \[\d+\] [<>*] `)

func TestGetActiveWithLogAgainstVsftpd(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	data := payload(3<<20 + 17)
	d.WriteFile(t, "file.bin", data)
	out := filepath.Join(t.TempDir(), "out")
	u := "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/file.bin"

	code, _, stderr := run(t, "get", "--active", "--log", "-", u, out)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil || sha256.Sum256(got) != sha256.Sum256(data) {
		t.Fatalf("downloaded file differs (err %v)", err)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	var sawPORT bool
	for _, l := range lines {
		if !logLine.MatchString(l) {
			t.Errorf("not a log line: %q", l)
		}
		if strings.Contains(l, "> PORT 127,0,0,1,") && strings.Contains(l, "; active: listening on 127.0.0.1:") {
			sawPORT = true
		}
		if strings.Contains(l, d.Password) {
			t.Errorf("password in the log: %q", l)
		}
	}
	if !sawPORT {
		t.Errorf("no decoded PORT line in:\n%s", stderr)
	}
	if _, err := os.Stat(out + ".part"); !os.IsNotExist(err) {
		t.Errorf(".part left behind: %v", err)
	}

	// Wrong password: exit 1, the server's 530 on stderr, no file.
	bad := filepath.Join(t.TempDir(), "bad")
	u2 := "ftp://" + url.UserPassword(d.User, "wrong").String() + "@" + d.Addr() + "/file.bin"
	code, _, stderr = run(t, "get", "--active", u2, bad)
	if code != 1 || !strings.Contains(stderr, "530") {
		t.Fatalf("wrong password: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("a file was created: %v", err)
	}
	if _, err := os.Stat(bad + ".part"); !os.IsNotExist(err) {
		t.Errorf("a .part file was created: %v", err)
	}
}

func TestGetKeepsExistingFileOnFailure(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	dir := t.TempDir()
	dest := filepath.Join(dir, "keep.txt")
	if err := os.WriteFile(dest, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/missing.txt"
	code, _, stderr := run(t, "get", "--on-conflict", "overwrite", u, dest)
	if code != 1 || !strings.Contains(stderr, "550") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(dest); string(b) != "precious" {
		t.Errorf("existing file damaged: %q", b)
	}
	// Default headless policy is skip: the file stays and exit is 0.
	d.WriteFile(t, "keep.txt", []byte("new"))
	u = "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/keep.txt"
	code, _, stderr = run(t, "get", u, dir)
	if code != 0 || !strings.Contains(stderr, "skipped") {
		t.Fatalf("skip: exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(dest); string(b) != "precious" {
		t.Errorf("skipped file changed: %q", b)
	}
}

func TestLsAndPutBothModes(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	src := filepath.Join(t.TempDir(), "up.bin")
	data := payload(1 << 20)
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	base := "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/"
	for _, mode := range []string{"--passive", "--active"} {
		code, _, stderr := run(t, "put", mode, "--on-conflict", "overwrite", src, base)
		if code != 0 {
			t.Fatalf("put %s: exit %d %s", mode, code, stderr)
		}
		if got := d.ReadFile(t, "up.bin"); !bytes.Equal(got, data) {
			t.Fatalf("put %s: content differs", mode)
		}
		code, stdout, stderr := run(t, "ls", mode, base)
		if code != 0 || !strings.Contains(stdout, " up.bin") || !strings.Contains(stdout, "1048576") {
			t.Fatalf("ls %s: exit %d\n%s\n%s", mode, code, stdout, stderr)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"get", "ftp://h/x"},
		{"--parallel", "0", "ls", "ftp://h/"},
		{"--bogus"},
		{"ls", "gopher://h/"},
		{"--on-conflict", "maybe", "ls", "ftp://h/"},
	} {
		if code, _, _ := run(t, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if code, out, _ := run(t, "version"); code != 0 || !strings.HasPrefix(out, "ftpdeck ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestConnectionRefusedExit1(t *testing.T) {
	code, _, stderr := run(t, "ls", "--timeout", "2s", "ftp://u:p@127.0.0.1:1/")
	if code != 1 || !strings.Contains(stderr, "connection refused") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// A transfer whose data connection the server refuses in one mode fails
// with exit 1 and names the other mode to try; the hint comes from the
// job's error type, not from its wording.
func TestGetBlockedModeSuggestsTheOther(t *testing.T) {
	for _, tc := range []struct {
		opts       ftpd.Options
		flag, hint string
	}{
		{ftpd.Options{DisablePASV: true}, "--passive", "(try --active;"},
		{ftpd.Options{DisablePORT: true}, "--active", "(try --passive;"},
	} {
		d := ftpd.StartVsftpd(t, tc.opts)
		d.WriteFile(t, "f.txt", []byte("data"))
		out := filepath.Join(t.TempDir(), "f.txt")
		code, _, stderr := run(t, "get", tc.flag, base(d)+"f.txt", out)
		if code != 1 || !strings.Contains(stderr, tc.hint) {
			t.Errorf("%s against a server refusing it: exit %d, stderr %q, want 1 and %q", tc.flag, code, stderr, tc.hint)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: a file was left: %v", tc.flag, err)
		}
	}
}

// TestPlainTransfersRunOnOneProcessor: a headless get or put over plain
// FTP caps the scheduler at one processor (run.go, oneProcForPlainFTP);
// TLS, ls and a user's own GOMAXPROCS keep every processor. The port is
// closed: the cap is set before connecting, whatever the outcome.
func TestPlainTransfersRunOnOneProcessor(t *testing.T) {
	local := t.TempDir()
	src := filepath.Join(local, "f")
	if err := os.WriteFile(src, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want []int
	}{
		{[]string{"get", "ftp://127.0.0.1:1/f", local}, []int{1}},
		{[]string{"get", "ftp://127.0.0.1:1/f", "-"}, []int{1}},
		{[]string{"put", src, "ftp://127.0.0.1:1/"}, []int{1}},
		{[]string{"get", "ftpes://127.0.0.1:1/f", local}, nil},
		{[]string{"get", "ftp://127.0.0.1:1/f", "ftps://127.0.0.1:1/g", local}, nil},
		{[]string{"put", src, "ftps://127.0.0.1:1/"}, nil},
		{[]string{"ls", "ftp://127.0.0.1:1/"}, nil},
	} {
		var got []int
		var out, errb bytes.Buffer
		env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Procs: func(n int) { got = append(got, n) }}
		if code := Main(append([]string{"--timeout", "2s"}, tc.args...), env); code != 1 {
			t.Errorf("%v: exit %d, want 1 (port closed): %s", tc.args, code, errb.String())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%v: Procs called with %v, want %v", tc.args, got, tc.want)
		}
	}
	t.Setenv("GOMAXPROCS", "3")
	if DefaultEnv().Procs != nil {
		t.Error("DefaultEnv overrides a GOMAXPROCS the user set")
	}
	t.Setenv("GOMAXPROCS", "")
	if DefaultEnv().Procs == nil {
		t.Error("DefaultEnv has no Procs")
	}
}
