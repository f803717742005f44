package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ftpdeck/internal/ftpscript"
)

// Case 22 of issue #8 (docs/hardening.md): the server goes away in the
// middle of a session (its process killed: no 421, both connections just
// close). Headless, that is exit 1 with words a user can act on, and no
// target file.
func TestServerGoneMidSessionExit1(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Put("/big.bin", payload(1<<20))
	srv.Handle("RETR", func(c *ftpscript.Conn, _ string) {
		c.Rest()
		d, err := c.Data()
		if err != nil {
			c.Reply("425 no data connection")
			return
		}
		c.Reply("150 Opening BINARY mode data connection.")
		_, _ = d.Write(payload(1 << 16))
		c.Close() // killed: the control connection drops without a reply
		_ = d.Close()
	})
	dir := t.TempDir()
	dest := filepath.Join(dir, "big.bin")
	code, _, stderr := run(t, "get", "--timeout", "5s", "ftp://u:p@"+srv.Addr()+"/big.bin", dest)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, stderr)
	}
	if !strings.Contains(stderr, "get /big.bin") || !strings.Contains(stderr, "server closed the connection") {
		t.Errorf("stderr lacks the words a user needs: %q", stderr)
	}
	if _, err := os.Stat(dest); err == nil {
		t.Error("target created from a broken transfer")
	}
	if tr := srv.Transcript(); len(tr) == 0 || tr[len(tr)-1] != "RETR /big.bin" {
		t.Errorf("transcript %q", tr)
	}
}

// Case 22: the daemon is not there at all after the URL's host resolved —
// connection refused — and a wrong password: exit 1 and the server's
// words (the vsftpd tests cover 530 against a real daemon; this one runs
// everywhere).
func TestWrongPasswordScriptedExit1(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("PASS", ftpscript.Reply("530 Login incorrect."))
	code, _, stderr := run(t, "ls", "--timeout", "5s", "ftp://u:wrong@"+srv.Addr()+"/")
	if code != 1 || !strings.Contains(stderr, "login as u refused: 530 Login incorrect.") || strings.Contains(stderr, "wrong") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
