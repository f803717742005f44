package cli

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ftpdeck/internal/ftpd"
)

func TestProbeBookmarkSavesLastGoodMode(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{DisablePASV: true})
	cfg := t.TempDir()
	toml := fmt.Sprintf("[[site]]\nname = \"box\"\nhost = %q\nport = %d\nuser = %q\npassword = %q\n", d.Host, d.Port, d.User, d.Password)
	if err := os.WriteFile(filepath.Join(cfg, "bookmarks.toml"), []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "probe", "--config", cfg, "--timeout", "3s", "--log", "-", "box")
	t.Logf("stdout:\n%s", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"EPSV    refused", "PASV    refused", "PORT    ok", "verdict: use active.", "saved: last_good_mode = active for bookmark box"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if !strings.Contains(stderr, "probe: bookmark box: last_good_mode = active saved") {
		t.Errorf("log does not note the saved mode:\n%s", stderr)
	}
	b, _ := os.ReadFile(filepath.Join(cfg, "bookmarks.toml"))
	if !strings.Contains(string(b), `last_good_mode = "active"`) {
		t.Errorf("bookmarks.toml:\n%s", b)
	}
}

func TestProbeNothingWorksExit1(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{DisablePASV: true, DisablePORT: true})
	u := "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/"
	code, out, stderr := run(t, "probe", "--timeout", "3s", u)
	t.Logf("stdout:\n%s", out)
	if code != 1 || !strings.Contains(out, "verdict: no method works.") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
}

func TestEncodingFlagValidated(t *testing.T) {
	code, _, stderr := run(t, "ls", "--encoding", "klingon", "ftp://127.0.0.1:1/")
	if code != 2 || !strings.Contains(stderr, `unknown encoding "klingon"`) || !strings.Contains(stderr, "gbk") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
