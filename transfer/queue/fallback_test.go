package queue

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// deadPassive makes srv answer EPSV and PASV with ports nobody listens on:
// a server whose passive ports a firewall refuses.
func deadPassive(t *testing.T, srv *ftpscript.Server) {
	t.Helper()
	srv.Handle("EPSV", ftpscript.EPSVDeadPort())
	srv.Handle("PASV", func(c *ftpscript.Conn, _ string) {
		port, err := ftpscript.DeadPort()
		if err != nil {
			c.Replyf("425 %v", err)
			return
		}
		c.Reply(ftpscript.PASVReply("127.0.0.1", port))
	})
}

// TestDataConnFailureFallsBackOnce (issue 18): a download whose passive
// data connection is refused is tried once in active mode, which works;
// the job and the log say so, the session keeps active mode, and
// OnFallback hears of it. With NoFallback the job fails after one
// attempt (no retries in the same mode on new connections) with the
// mode's advice, and leaves no .part.
func TestDataConnFailureFallsBackOnce(t *testing.T) {
	for _, fallback := range []bool{true, false} {
		t.Run(map[bool]string{true: "fallback", false: "no-fallback"}[fallback], func(t *testing.T) {
			srv := ftpscript.Start(t)
			deadPassive(t, srv)
			data := genData(41, 200000)
			srv.Files.Put("/f.bin", data)
			sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
			var told atomic.Value
			q := startQueue(t, sess, Options{Parallel: 1, NoFallback: !fallback,
				OnFallback: func(m transfer.Mode) { told.Store(m) }})
			local := t.TempDir()
			if _, err := q.AddDownloadTo(testCtx(t, 5*time.Second), dial(t, sess), "/f.bin", false, int64(len(data)), filepath.Join(local, "f.bin")); err != nil {
				t.Fatal(err)
			}
			s := waitDone(t, q, 20*time.Second)
			j := s.Jobs[0]
			if !fallback {
				if j.State != Failed || j.Attempts != 1 || !strings.Contains(j.Err, "active mode may work") || j.ErrMode != "passive" {
					t.Fatalf("want one failed attempt with the advice: %s %d attempts: %s", j.State, j.Attempts, j.Err)
				}
				if _, err := os.Stat(filepath.Join(local, "f.bin.part")); err == nil {
					t.Error("a .part is left though not a byte arrived")
				}
				if sess.Mode() != transfer.Passive || told.Load() != nil {
					t.Error("the mode changed without fallback")
				}
				return
			}
			if j.State != Done {
				t.Fatalf("%s", failures(s))
			}
			if got, _ := os.ReadFile(filepath.Join(local, "f.bin")); !bytes.Equal(got, data) {
				t.Fatal("file differs")
			}
			if !strings.Contains(j.Note, "done in active mode after passive mode failed") {
				t.Errorf("job note %q", j.Note)
			}
			if !strings.Contains(notes(sess.Log()), "trying active mode") {
				t.Errorf("the log does not say it falls back:\n%s", notes(sess.Log()))
			}
			if sess.Mode() != transfer.Active || told.Load() != transfer.Active {
				t.Errorf("session mode %s, OnFallback %v; want active for both", sess.Mode(), told.Load())
			}
		})
	}
}

// TestActiveRefusedFallsBackVsftpd (issue 18, "active refused"): vsftpd
// refusing PORT. Without fallback the job fails at once with the real
// reason and its advice (not "interrupted"), and no .part is left; with
// fallback the file arrives by passive mode.
func TestActiveRefusedFallsBackVsftpd(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{DisablePORT: true})
	data := genData(42, 300000)
	d.WriteFile(t, "f.bin", data)
	for _, fallback := range []bool{false, true} {
		t.Run(map[bool]string{true: "fallback", false: "no-fallback"}[fallback], func(t *testing.T) {
			site := transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password, Timeout: 5 * time.Second}
			sess := transfer.NewSession(site, transfer.NewLog(1000))
			sess.SetMode(transfer.Active)
			q := startQueue(t, sess, Options{Parallel: 1, NoFallback: !fallback})
			local := t.TempDir()
			start := time.Now()
			if _, err := q.AddDownload(testCtx(t, 5*time.Second), dial(t, sess), "/f.bin", false, local); err != nil {
				t.Fatal(err)
			}
			s := waitDone(t, q, 30*time.Second)
			j := s.Jobs[0]
			t.Logf("%s after %s: %s%s", j.State, time.Since(start).Round(time.Millisecond), j.Err, j.Note)
			if !fallback {
				if j.State != Failed || j.Attempts != 1 || !strings.Contains(j.Err, "passive mode may work") {
					t.Fatalf("want one failed attempt naming passive: %s, %d attempts: %s", j.State, j.Attempts, j.Err)
				}
				if _, err := os.Stat(filepath.Join(local, "f.bin.part")); err == nil {
					t.Error("a .part is left though not a byte arrived")
				}
				return
			}
			if j.State != Done || !strings.Contains(j.Note, "done in passive mode") {
				t.Fatalf("%s (note %q)", failures(s), j.Note)
			}
			if got, _ := os.ReadFile(filepath.Join(local, "f.bin")); !bytes.Equal(got, data) {
				t.Fatal("file differs")
			}
		})
	}
}

// TestBothModesFailed: passive ports dead and PORT/EPRT refused: the job
// fails after the one fallback, its ErrMode says both modes failed (the
// CLI and the detail view word that from the field, not from the text),
// and its error names both failures.
func TestBothModesFailed(t *testing.T) {
	srv := ftpscript.Start(t)
	deadPassive(t, srv)
	srv.Handle("PORT", ftpscript.Reply("500 Illegal PORT command."))
	srv.Handle("EPRT", ftpscript.Reply("500 Illegal EPRT command."))
	srv.Files.Put("/f.bin", genData(42, 1000))
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1})
	if _, err := q.AddDownloadTo(testCtx(t, 5*time.Second), dial(t, sess), "/f.bin", false, 1000, filepath.Join(t.TempDir(), "f.bin")); err != nil {
		t.Fatal(err)
	}
	j := waitDone(t, q, 20*time.Second).Jobs[0]
	if j.State != Failed || j.ErrMode != ErrModeBoth || !strings.Contains(j.Err, "after passive mode failed") {
		t.Fatalf("state %s, err_mode %q, err %q", j.State, j.ErrMode, j.Err)
	}
}
