package cli

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"ftpdeck/internal/ftpd"
	"ftpdeck/internal/ftpscript"
)

// dataVerbs returns the data-connection verbs a --log - stderr shows sent.
func dataVerbs(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		for _, v := range []string{"EPSV", "PASV", "PORT", "EPRT"} {
			if strings.Contains(l, "] > "+v) {
				out = append(out, v)
			}
		}
	}
	return out
}

func writeConfig(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestHeadlessReadsConfig: ftpdeck ls with mode = "active" in config.toml
// lists in active mode (PORT); a bookmark's mode beats the config, a
// bookmark without one takes it, and a flag beats both.
func TestHeadlessReadsConfig(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	d.WriteFile(t, "f.txt", []byte("x"))
	cfg := t.TempDir()
	writeConfig(t, cfg, "config.toml", "mode = \"active\"\n")
	writeConfig(t, cfg, "bookmarks.toml", fmt.Sprintf(
		"[[site]]\nname = \"pas\"\nhost = %q\nport = %d\nuser = %q\npassword = %q\nmode = \"passive\"\n\n"+
			"[[site]]\nname = \"plain\"\nhost = %[1]q\nport = %[2]d\nuser = %[3]q\npassword = %[4]q\n",
		d.Host, d.Port, d.User, d.Password))
	u := "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{u}, "PORT"},
		{[]string{"--passive", u}, "EPSV"},
		{[]string{"pas"}, "EPSV"},
		{[]string{"plain"}, "PORT"},
		{[]string{"--passive", "plain"}, "EPSV"},
	} {
		args := append([]string{"ls", "--config", cfg, "--log", "-"}, tt.args...)
		code, out, stderr := run(t, args...)
		verbs := dataVerbs(stderr)
		if code != 0 || len(verbs) == 0 || verbs[0] != tt.want || !strings.Contains(out, "f.txt") {
			t.Errorf("%q: exit %d, data verbs %q, want %s first; stdout %q\n%s", tt.args, code, verbs, tt.want, out, stderr)
		}
	}
	// A bad config.toml is an error for a headless command too.
	writeConfig(t, cfg, "config.toml", "mode = \"sideways\"\n")
	code, _, stderr := run(t, "ls", "--config", cfg, u)
	if code != 1 || !strings.Contains(stderr, `mode "sideways"`) {
		t.Errorf("bad config: exit %d\n%s", code, stderr)
	}
}

// TestLsMissingFolderExit1: ls of a folder that does not exist exits 1
// with the server's words on every daemon, chrooted or not (vsftpd answers
// its LIST with an empty listing); ls of a file prints that one file.
func TestLsMissingFolderExit1(t *testing.T) {
	for _, k := range ftpd.Kinds() {
		for _, noChroot := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/no-chroot=%v", k, noChroot), func(t *testing.T) {
				d := ftpd.Start(t, k, ftpd.Options{NoChroot: noChroot})
				d.WriteFile(t, "dir/file.txt", []byte("hello"))
				base := "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr()
				code, out, stderr := run(t, "ls", "--config", t.TempDir(), base+"/no-such-folder")
				if code != 1 || out != "" || !strings.Contains(stderr, "550") {
					t.Errorf("missing folder: exit %d, stdout %q, stderr %q", code, out, stderr)
				}
				code, out, stderr = run(t, "ls", "--config", t.TempDir(), base+"/dir/file.txt")
				f := strings.Fields(out)
				if code != 0 || strings.Count(out, "\n") != 1 || len(f) != 5 || f[0] != "-" || f[1] != "5" || f[4] != "file.txt" {
					t.Errorf("file: exit %d, stdout %q, stderr %q", code, out, stderr)
				}
			})
		}
	}
}

// TestCharsetHintOnStderr: a listing in GBK without --encoding prints the
// advice on stderr, once, not only in the protocol log; --quiet keeps
// stderr for errors.
func TestCharsetHintOnStderr(t *testing.T) {
	srv := ftpscript.Start(t)
	name, err := simplifiedchinese.GBK.NewEncoder().String("中文文件名.txt")
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle("LIST", ftpscript.List("-rw-r--r-- 1 0 0 5 Nov 30  2024 "+name))
	u := fmt.Sprintf("ftp://u:p@%s/", srv.Addr())
	code, _, stderr := run(t, "ls", "--config", t.TempDir(), u)
	want := `decodes cleanly as gbk — set encoding = "gbk" for this site (--encoding gbk)`
	if code != 0 || strings.Count(stderr, want) != 1 {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	// --quiet: errors only.
	if code, _, stderr = run(t, "ls", "--quiet", "--config", t.TempDir(), u); code != 0 || stderr != "" {
		t.Errorf("--quiet: exit %d, stderr %q", code, stderr)
	}
}
