package transfer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/transfer"
)

func TestParsePerm(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want transfer.Perm
		str  string
	}{
		{"644", 0o644, "rw-r--r--"}, {"0600", 0o600, "rw-------"}, {"4755", 0o4755, "rwsr-xr-x"},
		{"rw-r--r--", 0o644, "rw-r--r--"}, {"-rwx------", 0o700, "rwx------"}, {"drwxr-xr-x", 0o755, "rwxr-xr-x"},
		{"rwxrwxrwt", 0o1777, "rwxrwxrwt"}, {"rw-r-Sr--", 0o2644, "rw-r-Sr--"},
	} {
		got, err := transfer.ParsePerm(tc.in)
		if err != nil || got != tc.want || got.String() != tc.str {
			t.Errorf("ParsePerm(%q) = %o %q, %v; want %o %q", tc.in, got, got.String(), err, tc.want, tc.str)
		}
	}
	for _, bad := range []string{"", "8", "77777", "0x644", "rw-r--r-", "rwxrwxrwz", "xw-r--r--", "rw-r--r--x"} {
		if _, err := transfer.ParsePerm(bad); err == nil {
			t.Errorf("ParsePerm(%q) accepted", bad)
		}
	}
}

// TestChmodDaemons: SITE CHMOD against each daemon, on a file and
// recursively on a folder; STAT reads the mode back; a refusal is an
// error in the server's words.
func TestChmodDaemons(t *testing.T) {
	for name, start := range servers() {
		if name == "embedded" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			s := start(t)
			s.seed(t, "perm/a.txt", []byte("a"))
			s.seed(t, "perm/sub/b.txt", []byte("b"))
			_, c, rec := dial(t, s, transfer.Passive)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			disk := func(rel string) os.FileMode {
				fi, err := os.Stat(filepath.Join(s.root, rel))
				if err != nil {
					t.Fatal(err)
				}
				return fi.Mode().Perm()
			}
			if err := c.Chmod(ctx, "/perm/a.txt", 0o600); err != nil {
				t.Fatalf("chmod: %v\n%s", err, rec.text())
			}
			if got := disk("perm/a.txt"); got != 0o600 {
				t.Fatalf("a.txt is %o after SITE CHMOD 600", got)
			}
			p, ok, err := c.PermOf(ctx, "/perm/a.txt")
			if err != nil {
				t.Fatal(err)
			}
			if !ok || p != 0o600 {
				t.Errorf("STAT says %s (%v), want rw-------", p, ok)
			}
			n, err := c.ChmodAll(ctx, "/perm/sub", 0o750)
			if err != nil || n != 2 || disk("perm/sub") != 0o750 || disk("perm/sub/b.txt") != 0o750 {
				t.Fatalf("recursive chmod: %d, %v; modes %o %o", n, err, disk("perm/sub"), disk("perm/sub/b.txt"))
			}
			if p, ok, err := c.PermOf(ctx, "/perm/sub"); err != nil || !ok || p != 0o750 {
				t.Errorf("STAT of a folder's mode: %s %v %v", p, ok, err)
			}
			err = c.Chmod(ctx, "/perm/missing.txt", 0o600)
			if err == nil || !strings.Contains(err.Error(), "the server refused SITE CHMOD: 5") {
				t.Fatalf("chmod of a missing file: %v", err)
			}
			if err := c.NoOp(ctx); err != nil {
				t.Fatalf("the connection is out of step after a refusal: %v", err)
			}
		})
	}
}
