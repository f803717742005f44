package queue

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// TestConnLimitCarriesOn: a server that takes two connections from us and
// answers the third with 421 (vsftpd max_per_ip, pure-ftpd -C, proftpd
// MaxClientsPerHost). A 60-file download with four workers finishes with
// every file, no job failed, and the log says the queue carried on with
// fewer connections.
func TestConnLimitCarriesOn(t *testing.T) {
	for _, k := range ftpd.Kinds() {
		t.Run(string(k), func(t *testing.T) {
			d := ftpd.Start(t, k, ftpd.Options{MaxPerIP: 2})
			spec := make([]treeFile, 60)
			for i := range spec {
				spec[i] = treeFile{Rel: "many/" + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + "-" + string(rune('0'+i/26)) + ".bin", Size: int64(i * 97)}
			}
			want := writeTree(t, d.Root, spec)
			log := transfer.NewLog(20000)
			sess := transfer.NewSession(transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password, Timeout: 10 * time.Second}, log)
			q := startQueue(t, sess, Options{Parallel: 4})
			c := dial(t, sess)
			local := t.TempDir()
			if _, err := q.AddDownload(testCtx(t, 20*time.Second), c, "/many", true, local); err != nil {
				t.Fatal(err)
			}
			q.Adopt(c)
			s := waitDone(t, q, 2*time.Minute)
			if s.Done != len(spec) || s.Failed != 0 {
				t.Fatalf("done %d failed %d of %d:%s\n%s", s.Done, s.Failed, len(spec), failures(s), notes(log))
			}
			for _, j := range s.Jobs {
				if j.Attempts != 1 {
					t.Errorf("job %s: %d attempts, want 1 (a refused connection is no attempt)", j.Remote, j.Attempts)
				}
			}
			got := hashTree(t, local)
			for rel, h := range want {
				if got[rel] != h {
					t.Errorf("%s differs or is missing", rel)
				}
			}
			if !strings.Contains(notes(log), "queue: the server refused another connection") {
				t.Errorf("no note of the refused connection:\n%s", notes(log))
			}
		})
	}
}

// workerNoops waits until the connection that sent "RETR "+remote has
// sent n NOOPs; ch carries every event of the log from before the RETR.
func workerNoops(t *testing.T, ch <-chan transfer.Event, remote string, n int) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	conn := -1
	for n > 0 {
		select {
		case e := <-ch:
			switch {
			case e.Dir == transfer.Sent && e.Text == "RETR "+remote:
				conn = e.Conn
			case e.Dir == transfer.Sent && e.Text == "NOOP" && e.Conn == conn:
				n--
			}
		case <-deadline:
			t.Fatalf("%d NOOPs still to come after 30s (worker connection %d)", n, conn)
		}
	}
}

// TestIdleWorkerKeptAlive: a worker idle for longer than the server's idle
// limit (vsftpd idle_session_timeout=2) keeps its connection with NOOPs and
// transfers the next file on it.
func TestIdleWorkerKeptAlive(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{IdleTimeout: 2 * time.Second})
	d.WriteFile(t, "one.bin", genData(1, 1000))
	d.WriteFile(t, "two.bin", genData(2, 2000))
	log := transfer.NewLog(1000)
	events, stop := log.Subscribe(1000)
	defer stop()
	site := transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password, Timeout: 10 * time.Second, Keepalive: 500 * time.Millisecond}
	sess := transfer.NewSession(site, log)
	q := startQueue(t, sess, Options{Parallel: 1})
	local := t.TempDir()
	if _, err := q.AddDownload(testCtx(t, 10*time.Second), dial(t, sess), "/one.bin", false, local); err != nil {
		t.Fatal(err)
	}
	if s := waitDone(t, q, 20*time.Second); s.Done != 1 {
		t.Fatalf("first: %s", failures(s))
	}
	workerNoops(t, events, "/one.bin", 6) // 3s and more of idleness, past the server's 2s
	if _, err := q.AddDownloadTo(testCtx(t, 10*time.Second), nil, "/two.bin", false, 2000, filepath.Join(local, "two.bin")); err != nil {
		t.Fatal(err)
	}
	if s := waitDone(t, q, 20*time.Second); s.Done != 2 {
		t.Fatalf("second: %s\n%s", failures(s), notes(log))
	}
	if b, _ := os.ReadFile(filepath.Join(local, "two.bin")); len(b) != 2000 {
		t.Fatalf("two.bin: %d bytes", len(b))
	}
	if n := notes(log); strings.Contains(n, "closed this connection") || strings.Contains(n, "keepalive: NOOP failed") {
		t.Errorf("the idle connection was lost:\n%s", n)
	}
}

// TestIdleWorkerReconnects: without keep-alive the server closes an idle
// worker's connection (vsftpd answers "421 Timeout." and hangs up); the
// next job sees that before using it, says so in the log, and transfers on
// a new connection, with no failed attempt.
func TestIdleWorkerReconnects(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{IdleTimeout: time.Second})
	d.WriteFile(t, "one.bin", genData(1, 1000))
	d.WriteFile(t, "two.bin", genData(2, 2000))
	log := transfer.NewLog(1000)
	site := transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password, Timeout: 10 * time.Second}
	sess := transfer.NewSession(site, log)
	q := startQueue(t, sess, Options{Parallel: 1})
	local := t.TempDir()
	if _, err := q.AddDownload(testCtx(t, 10*time.Second), dial(t, sess), "/one.bin", false, local); err != nil {
		t.Fatal(err)
	}
	if s := waitDone(t, q, 20*time.Second); s.Done != 1 {
		t.Fatalf("first: %s", failures(s))
	}
	// A connection used after the worker's: once the server has dropped
	// it, it has dropped the worker's too.
	later := dial(t, sess)
	if _, err := later.CurrentDir(testCtx(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); !later.Broken(); {
		if time.Now().After(deadline) {
			t.Fatal("the server never closed the idle connection")
		}
		time.Sleep(50 * time.Millisecond) // polling Broken: the server's close is seen only by looking
	}
	if _, err := q.AddDownloadTo(testCtx(t, 10*time.Second), nil, "/two.bin", false, 2000, filepath.Join(local, "two.bin")); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 20*time.Second)
	if s.Done != 2 {
		t.Fatalf("second: %s\n%s", failures(s), notes(log))
	}
	for _, j := range s.Jobs {
		if j.Attempts != 1 {
			t.Errorf("job %s: %d attempts", j.Remote, j.Attempts)
		}
	}
	if n := notes(log); strings.Count(n, "idle (421 Timeout.); a new connection replaces it") < 2 {
		t.Errorf("want the close noted for both idle connections:\n%s", n)
	}
}

// TestBareServerFolder: a folder download from a server without MLSD,
// MLST, SIZE, MDTM, EPSV and REST (it lists with LIST, answers PASV, and
// sends each file whole) brings every file.
func TestBareServerFolder(t *testing.T) {
	srv := ftpscript.Start(t)
	files := map[string][]byte{"/d/a.bin": genData(1, 3000), "/d/sub/b.bin": genData(2, 70000), "/d/ c .bin": genData(3, 1)}
	for p, b := range files {
		srv.Files.Put(p, b)
	}
	srv.Handle("FEAT", ftpscript.Reply("500 FEAT not understood."))
	for _, v := range []string{"SIZE", "MDTM", "EPSV", "REST", "MLSD", "MLST"} {
		srv.Handle(v, ftpscript.Reply("502 Command not implemented."))
	}
	log := transfer.NewLog(1000)
	sess := transfer.NewSession(scriptSite(srv), log)
	q := startQueue(t, sess, Options{Parallel: 2})
	local := t.TempDir()
	c := dial(t, sess)
	if _, err := q.AddDownload(testCtx(t, 10*time.Second), c, "/d", true, local); err != nil {
		t.Fatal(err)
	}
	q.Adopt(c)
	if s := waitDone(t, q, 20*time.Second); s.Done != len(files) {
		t.Fatalf("done %d of %d:%s\n%s", s.Done, len(files), failures(s), notes(log))
	}
	for p, want := range files {
		got, err := os.ReadFile(filepath.Join(local, filepath.FromSlash(p)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes, %v", p, len(got), err)
		}
	}
}
