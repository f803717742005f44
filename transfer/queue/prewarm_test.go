package queue

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// TestPrewarm: connections dialed by Prewarm while a folder is queued
// are the workers' own: a worker with none spare waits for a login in
// flight instead of dialing another, so a queue of three workers logs in
// three times (the walking connection, adopted, and two prewarmed), not
// five, and every file arrives.
func TestPrewarm(t *testing.T) {
	srv := ftpscript.Start(t)
	const n = 8
	for i := range n {
		srv.Files.Put(fmt.Sprintf("/d/f%d", i), []byte(fmt.Sprint("file ", i)))
	}
	release := make(chan struct{})
	var logins atomic.Int32
	srv.Handle("PASS", func(c *ftpscript.Conn, arg string) {
		if logins.Add(1) > 1 {
			<-release // the prewarmed logins end once the adopted connection has done a file
		}
		c.Builtin(arg)
	})
	lg := transfer.NewLog(5000)
	sess := transfer.NewSession(scriptSite(srv), lg)
	c := dial(t, sess)
	q := startQueue(t, sess, Options{Parallel: 3, Policy: Overwrite})
	q.Prewarm(2)
	q.Prewarm(2) // two are logging in already: none more
	local := t.TempDir()
	if _, err := q.AddDownloadTo(testCtx(t, 10*time.Second), c, "/d", true, -1, filepath.Join(local, "d")); err != nil {
		t.Fatal(err)
	}
	q.Adopt(c)
	q.Start()
	go func() {
		defer close(release)
		for s := range q.Updates() {
			if s.Done > 0 {
				return
			}
		}
	}()
	s := waitDone(t, q, 30*time.Second)
	if s.Done != n {
		t.Fatalf("%s\n%s", failures(s), notes(lg))
	}
	for i := range n {
		if b, err := os.ReadFile(filepath.Join(local, "d", fmt.Sprintf("f%d", i))); err != nil || string(b) != fmt.Sprint("file ", i) {
			t.Errorf("f%d: %q %v", i, b, err)
		}
	}
	if got := strings.Count(notes(lg), "connecting to"); got != 3 || logins.Load() != 3 {
		t.Errorf("%d connections, %d logins: want 3 (the adopted one and two prewarmed)\n%s", got, logins.Load(), notes(lg))
	}
}

// TestWarmDialsWhatWorkersLack: Warm, called before each batch of the
// TUI, dials only the connections its workers do not hold: after a file
// has been fetched (one worker logged in), a queue of three dials two,
// and a second Warm none.
func TestWarmDialsWhatWorkersLack(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Put("/f.bin", []byte("alpha"))
	var logins atomic.Int32
	srv.Handle("PASS", func(c *ftpscript.Conn, arg string) {
		logins.Add(1)
		c.Builtin(arg)
	})
	lg := transfer.NewLog(5000)
	sess := transfer.NewSession(scriptSite(srv), lg)
	q := startQueue(t, sess, Options{Parallel: 3, Policy: Overwrite})
	getFile(t, q, sess, t.TempDir(), []byte("alpha"))
	before := logins.Load() // the walking connection and the worker's
	for _, want := range []int32{2, 0} {
		q.Warm()
		q.dials.Wait()
		if got := logins.Load() - before; got != want {
			t.Fatalf("Warm logged in %d connections, want %d\n%s", got, want, notes(lg))
		}
		before = logins.Load()
	}
}
