package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/bookmarks"
	"ftpdeck/internal/demoserver"
)

// TestLimitRateFlagErrors: a --limit-rate that is not a rate is bad usage
// (exit 2), and the message says what is wanted.
func TestLimitRateFlagErrors(t *testing.T) {
	for _, v := range []string{"fast", "-1M", "10T", "0.1"} {
		code, _, stderr := run(t, "get", "--limit-rate", v, "ftp://h/x", t.TempDir())
		if code != 2 || !strings.Contains(stderr, "--limit-rate") || !strings.Contains(stderr, "500K") {
			t.Errorf("--limit-rate %s: exit %d, %q", v, code, stderr)
		}
	}
	code, _, stderr := run(t, "get", "--config", t.TempDir(), "--limit-rate=1.5M", "ftp://127.0.0.1:1/x", t.TempDir())
	if code == 2 {
		t.Errorf("--limit-rate=1.5M refused: %s", stderr)
	}
}

// TestLimitRateSettings: --limit-rate beats the bookmark's limit_rate,
// which beats config.toml's ("0" in the bookmark or on the command line
// lifts a limit set below it).
func TestLimitRateSettings(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("config.toml", "limit_rate = \"1M\"\n")
	write("bookmarks.toml", "[[site]]\nname = \"slow\"\nhost = \"h\"\nlimit_rate = \"500K\"\n"+
		"[[site]]\nname = \"free\"\nhost = \"h\"\nlimit_rate = \"0\"\n"+
		"[[site]]\nname = \"plain\"\nhost = \"h\"\n")
	store, _, err := bookmarks.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		flag, bookmark string
		want           int64
	}{
		{"", "", 1 << 20},
		{"", "plain", 1 << 20},
		{"", "slow", 500 << 10},
		{"", "free", 0},
		{"2M", "slow", 2 << 20},
		{"0", "slow", 0},
		{"0", "", 0},
	} {
		tg := target{store: store, bookmark: c.bookmark}
		if got := rateLimit(Flags{ConfigDir: dir, LimitRate: c.flag}, tg); got != c.want {
			t.Errorf("flag %q, bookmark %q: %d, want %d", c.flag, c.bookmark, got, c.want)
		}
	}
}

// TestLimitRateHeadless: get into a folder, get to a stream (-) and put
// from stdin all go no faster than --limit-rate: 1.5 MiB at 1 MiB/s takes
// at least 1.375 s (the bucket starts full: 128 KiB come at once), where
// the same on loopback unlimited takes milliseconds.
func TestLimitRateHeadless(t *testing.T) {
	root := t.TempDir()
	data := payload(3 << 19)
	if err := os.WriteFile(filepath.Join(root, "f.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := demoserver.Start(demoserver.Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	base := "ftp://demo:demo@" + srv.Addr() + "/"
	cfg := t.TempDir()
	least := time.Duration(float64(len(data)-128<<10) / float64(1<<20) * float64(time.Second))
	timed := func(what string, env Env, args ...string) {
		t.Helper()
		began := time.Now()
		code := Main(append([]string{"--config", cfg, "--limit-rate", "1M"}, args...), env)
		took := time.Since(began)
		t.Logf("%s: %d bytes in %s at --limit-rate 1M", what, len(data), took.Round(time.Millisecond))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", what, code, env.Stderr)
		}
		if took < least {
			t.Errorf("%s took %s, less than the limit allows (%s)", what, took, least)
		}
	}
	out := t.TempDir()
	var errb bytes.Buffer
	timed("get", Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &errb}, "get", "--quiet", base+"f.bin", out)
	if got, _ := os.ReadFile(filepath.Join(out, "f.bin")); !bytes.Equal(got, data) {
		t.Error("get: file differs")
	}
	var stdout bytes.Buffer
	timed("get -", Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &errb}, "get", base+"f.bin", "-")
	if !bytes.Equal(stdout.Bytes(), data) {
		t.Error("get -: stdout differs")
	}
	timed("put -", Env{Stdin: bytes.NewReader(data), Stdout: &bytes.Buffer{}, Stderr: &errb}, "put", "-", base+"up.bin")
	if got, _ := os.ReadFile(filepath.Join(root, "up.bin")); !bytes.Equal(got, data) {
		t.Error("put -: file differs")
	}
}
