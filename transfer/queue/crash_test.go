package queue

import (
	"encoding/json"
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
// while jobs run; the queue opened again from the same state folder finds
// every job once (none lost, none doubled), resumes them, and every file
// ends byte-exact with no .part or renamed copy left.
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
		b, err := os.ReadFile(filepath.Join(state, fileName))
		if err != nil {
			continue
		}
		var d fileData
		if json.Unmarshal(b, &d) != nil {
			t.Fatal("queue.json not valid JSON: the atomic rewrite failed")
		}
		n := 0
		for _, j := range d.Jobs {
			if j.State == Done {
				n++
			}
		}
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
	q := startQueue(t, sess, Options{Parallel: 4, StateDir: state, Policy: Ask})
	s := q.Snapshot()
	seen := map[string]bool{}
	parts := 0
	for _, j := range s.Jobs {
		if seen[j.Remote] {
			t.Errorf("job for %s twice", j.Remote)
		}
		seen[j.Remote] = true
		if j.State == Running || j.State == Queued {
			t.Errorf("job %d came back %s", j.ID, j.State)
		}
		if j.State == Paused && j.Done > 0 && j.Done < j.Size {
			parts++
			t.Logf("resuming %s from %d of %d bytes", j.Remote, j.Done, j.Size)
		}
	}
	if len(s.Jobs) != len(spec) {
		t.Fatalf("%d jobs after the crash, want %d", len(s.Jobs), len(spec))
	}
	t.Logf("killed with %d done; after restart: %d done, %d paused (%d with a .part), %d failed", doneAtKill, s.Done, s.Paused, parts, s.Failed)

	var conflicts atomic.Int32
	go func() {
		for c := range q.Conflicts() {
			conflicts.Add(1)
			c.Decide(Overwrite, false)
		}
	}()
	q.ResumeAll()
	s = waitDone(t, q, 60*time.Second)
	if s.Done != len(spec) {
		t.Fatalf("%d done of %d:%s", s.Done, len(spec), failures(s))
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
