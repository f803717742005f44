package cli

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ftpdeck/bookmarks"
	"ftpdeck/internal/ftpd"
	"ftpdeck/transfer/queue"
)

// retrConn matches a RETR in the protocol log and catches its connection.
var retrConn = regexp.MustCompile(`\[(\d+)\] > RETR `)

// TestGetSegments: get --segments 4, or config.toml's segments = 4,
// fetches a 9 MiB file over four connections (vsftpd capped per
// connection, so the worker's own does not finish it alone), byte for
// byte; a bad count is a usage error.
func TestGetSegments(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{MaxRate: 2 << 20})
	data := payload(9<<20 + 3)
	d.WriteFile(t, "big.bin", data)
	u := "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/big.bin"
	withConfig := t.TempDir()
	if err := os.WriteFile(filepath.Join(withConfig, "config.toml"), []byte("segments = 4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"flag":   {"--segments", "4", "--config", t.TempDir()},
		"config": {"--config", withConfig},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "big.bin")
			code, _, stderr := run(t, append([]string{"get", "--log", "-"}, append(args, u, out)...)...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, data) {
				t.Fatalf("downloaded file differs (err %v)", err)
			}
			conns := map[string]bool{}
			for _, m := range retrConn.FindAllStringSubmatch(stderr, -1) {
				conns[m[1]] = true
			}
			if len(conns) != 4 {
				t.Errorf("RETR on %d connections, want 4\n%s", len(conns), stderr)
			}
		})
	}
	for _, bad := range []string{"0", "33", "x"} {
		if code, _, _ := run(t, "get", "--segments", bad, u, t.TempDir()); code != 2 {
			t.Errorf("--segments %s: exit %d, want 2", bad, code)
		}
	}
}

// TestSegmentsSetting: the queue's Segments (the TUI's queue is tuned by
// the same fileSettings) comes from --segments, else the bookmark's
// segments, else config.toml's, else stays 0 (one connection);
// config.toml refuses a count out of range.
func TestSegmentsSetting(t *testing.T) {
	withConfig := t.TempDir()
	if err := os.WriteFile(filepath.Join(withConfig, "config.toml"), []byte("segments = 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "config.toml"), []byte("segments = 99\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"--config", t.TempDir()}, 0},
		{[]string{"--config", withConfig}, 3},
		{[]string{"--config", withConfig, "--segments", "5"}, 5},
		{[]string{"--config", bad}, 0},
	} {
		flags, _, err := parseArgs(c.args)
		if err != nil {
			t.Fatal(err)
		}
		var o queue.Options
		fileSettings(flags, target{})(&o)
		if o.Segments != c.want {
			t.Errorf("%q: Segments %d, want %d", c.args, o.Segments, c.want)
		}
	}
	if _, err := bookmarks.LoadConfig(bad); err == nil || !strings.Contains(err.Error(), "segments 99") {
		t.Errorf("segments = 99: %v", err)
	}

	bm := "[[site]]\nname = \"big\"\nhost = \"ftp.example.com\"\nsegments = 6\n\n[[site]]\nname = \"plain\"\nhost = \"ftp.example.org\"\n"
	if err := os.WriteFile(filepath.Join(withConfig, "bookmarks.toml"), []byte(bm), 0o600); err != nil {
		t.Fatal(err)
	}
	store, _, err := bookmarks.Open(withConfig)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		bookmark string
		flag     int
		want     int
	}{{"big", 0, 6}, {"big", 2, 2}, {"plain", 0, 3}} {
		var o queue.Options
		fileSettings(Flags{ConfigDir: withConfig, Segments: c.flag}, target{store: store, bookmark: c.bookmark})(&o)
		if o.Segments != c.want {
			t.Errorf("bookmark %s, --segments %d: Segments %d, want %d", c.bookmark, c.flag, o.Segments, c.want)
		}
	}
}
