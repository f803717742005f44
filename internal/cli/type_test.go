package cli

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
)

// TestGetPutType (issue 21): --type ascii fetches a CRLF file from vsftpd
// with LF line ends and sends an LF file up with CRLF (vsftpd converts
// nothing); binary is byte for byte; config.toml's transfer_type applies
// without the flag and --type beats it; keep_times = false leaves the
// download's time alone; a bad --type is a usage error.
func TestGetPutType(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	crlf := []byte("one\r\ntwo\r\n\r\nthree\r\n")
	lf := []byte("one\ntwo\n\nthree\n")
	d.WriteFile(t, "dos.txt", crlf)
	old := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	if err := os.Chtimes(d.Path(t, "dos.txt"), old, old); err != nil {
		t.Fatal(err)
	}
	base := "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/"
	cfg := t.TempDir()
	get := func(want []byte, args ...string) time.Time {
		t.Helper()
		out := filepath.Join(t.TempDir(), "dos.txt")
		code, _, stderr := run(t, append(append([]string{"get", "--config", cfg}, args...), base+"dos.txt", out)...)
		if code != 0 {
			t.Fatalf("get %q: exit %d %s", args, code, stderr)
		}
		if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
			t.Fatalf("get %q: %q, want %q", args, got, want)
		}
		fi, _ := os.Stat(out)
		return fi.ModTime().UTC()
	}
	if tm := get(lf, "--type", "ascii"); !tm.Equal(old) {
		t.Errorf("ascii download's time %v, want the server's %v", tm, old)
	}
	get(crlf, "--type", "binary")
	get(crlf)
	if err := os.WriteFile(filepath.Join(cfg, "config.toml"), []byte("transfer_type = \"auto\"\nkeep_times = false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if tm := get(lf); tm.Equal(old) {
		t.Errorf("keep_times = false: the download still got the server's time")
	}
	get(crlf, "--type", "binary")

	src := filepath.Join(t.TempDir(), "unix.txt")
	if err := os.WriteFile(src, lf, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "put", "--config", cfg, "--type", "ascii", src, base); code != 0 {
		t.Fatalf("put: exit %d %s", code, stderr)
	}
	if got := d.ReadFile(t, "unix.txt"); !bytes.Equal(got, crlf) {
		t.Errorf("put --type ascii: vsftpd holds %q, want %q", got, crlf)
	}
	code, stdout, _ := run(t, "get", "--json", "--config", cfg, "--type", "ascii", base+"dos.txt", t.TempDir())
	if code != 0 || !strings.Contains(stdout, `"type":"ascii"`) {
		t.Errorf("get --json --type ascii: exit %d, %s", code, stdout)
	}
	if code, _, _ := run(t, "get", "--type", "ebcdic", base+"dos.txt", t.TempDir()); code != 2 {
		t.Errorf("--type ebcdic: exit %d, want 2", code)
	}
}
