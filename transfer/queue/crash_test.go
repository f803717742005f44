package queue

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"ftpdeck/internal/demoserver"
	"ftpdeck/transfer"
)

const helperEnv = "FTPDECK_QUEUE_HELPER"

// TestHelperProcess is the child of TestCrashKill: it runs a queue
// downloading /tree from the demo server its parent started, until the
// parent kills it. It does nothing in a normal test run.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for TestCrashKill")
	}
	sess, q := helperQueue(t, "demo", "demo", 2)
	c, err := sess.Dial(testCtx(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.AddDownload(testCtx(t, 30*time.Second), c, "/tree", true, os.Getenv("FTPDECK_QUEUE_LOCAL")); err != nil {
		t.Fatal(err)
	}
	q.Start()
	_ = q.Wait(testCtx(t, 60*time.Second))
	_ = q.Close()
}

// TestCrashKill: a process running the queue is killed with SIGKILL
// while jobs run; the queue opened again from the same state folder
// brings back exactly the jobs whose files are not on disk whole (none
// lost, none doubled, none finished: a job whose "done" the kill lost is
// known by its file's size), resumes them, fetches no other file, and
// every file ends byte-exact with no .part or renamed copy left.
func TestCrashKill(t *testing.T) {
	root := t.TempDir()
	spec := treeSpec()
	want := writeTree(t, filepath.Join(root, "tree"), spec)
	srv, err := demoserver.Start(demoserver.Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	state, local := t.TempDir(), t.TempDir()

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"=1",
		"FTPDECK_QUEUE_PORT="+strconv.Itoa(srv.Port()),
		"FTPDECK_QUEUE_STATE="+state, "FTPDECK_QUEUE_LOCAL="+local)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Kill it once some files are done and others run.
	doneAtKill := -1
	deadline := time.Now().Add(60 * time.Second)
poll:
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Logf("helper exited before the kill: %v", err)
			break poll
		case <-time.After(2 * time.Millisecond):
		}
		n := finishedFiles(local)
		if n >= 5 && partialPart(local) {
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-exited
			doneAtKill = n
			break
		}
	}
	if doneAtKill < 0 {
		t.Log("the helper was not killed mid-way; checking the finished queue anyway")
	}

	sess := transfer.NewSession(transfer.Site{Host: "127.0.0.1", Port: srv.Port(), User: "demo", Password: "demo", Timeout: 10 * time.Second}, transfer.NewLog(50000))
	onDisk := hashTree(t, filepath.Join(local, "tree"))
	q := startQueue(t, sess, Options{Parallel: 4, StateDir: state, Policy: Ask})
	s := q.Snapshot()
	seen := map[string]bool{}
	parts := 0
	for _, j := range s.Jobs {
		if seen[j.Remote] {
			t.Errorf("job for %s twice", j.Remote)
		}
		seen[j.Remote] = true
		if j.State != Paused {
			t.Errorf("job %d came back %s, want paused", j.ID, j.State)
		}
		if j.Done > 0 && j.Done < j.Size {
			parts++
			t.Logf("resuming %s from %d of %d bytes", j.Remote, j.Done, j.Size)
		}
	}
	for _, f := range spec {
		rel := f.Rel
		switch h, ok := onDisk[rel]; {
		case seen["/tree/"+rel] && ok:
			t.Errorf("%s is on disk but its job came back", rel)
		case !seen["/tree/"+rel] && h != want[rel]:
			t.Errorf("%s is not on disk whole (%v) and its job did not come back", rel, ok)
		}
	}
	if r := q.Restored(); r.Unfinished != len(s.Jobs) || r.Failed != 0 {
		t.Errorf("Restored() = %+v, want %d unfinished", r, len(s.Jobs))
	}
	t.Logf("killed with %d files on disk; after restart: %d jobs back (%d with a .part)", doneAtKill, len(s.Jobs), parts)

	var conflicts atomic.Int32
	go func() {
		for c := range q.Conflicts() {
			conflicts.Add(1)
			c.Decide(Overwrite, false)
		}
	}()
	restored := len(s.Jobs)
	if n := q.ResumeRestored(); n != restored {
		t.Errorf("ResumeRestored resumed %d, want %d", n, restored)
	}
	s = waitDone(t, q, 60*time.Second)
	if s.Done != restored {
		t.Fatalf("%d done of %d:%s", s.Done, restored, failures(s))
	}
	for _, l := range sentLines(sess.Log()) {
		if r, ok := strings.CutPrefix(l, "RETR "); ok && !seen[r] {
			t.Errorf("%s fetched again after the restart: it was on disk whole", r)
		}
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	if n := conflicts.Load(); n != 0 {
		t.Errorf("%d conflicts with the queue's own files after the restart", n)
	}
	if parts > 0 && !slices.ContainsFunc(sentLines(sess.Log()), func(l string) bool { return strings.HasPrefix(l, "REST ") }) {
		t.Error("a .part survived the crash but no REST was sent")
	}
	compareTrees(t, "after crash", hashTree(t, filepath.Join(local, "tree")), want)
}

// finishedFiles counts the downloads under dir that reached their name
// (not .part).
func finishedFiles(dir string) int {
	n := 0
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) != partSuffix {
			n++
		}
		return nil
	})
	return n
}

// partialPart reports whether a big download under dir is mid-way: a
// .part with at least 64 KiB in it.
func partialPart(dir string) bool {
	found := false
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == partSuffix {
			if fi, err := d.Info(); err == nil && fi.Size() >= 64<<10 {
				found = true
				return filepath.SkipAll
			}
		}
		return nil
	})
	return found
}
