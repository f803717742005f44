package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/demoserver"
	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/ui/dialog"
	"ftpdeck/ui/filepane"
)

// TestOverwriteAllStaysInItsBatch (issue 14, item 4): "overwrite all"
// answered in the dialog for one batch (one c) covers that batch, and
// the next batch asks again — its answer (skip) is kept.
func TestOverwriteAllStaysInItsBatch(t *testing.T) {
	root, local := t.TempDir(), t.TempDir()
	for _, f := range []string{"one/a.txt", "one/b.txt", "two/c.txt", "three/d.txt", "four/e.txt"} {
		for dir, content := range map[string]string{root: "new " + f, local: "old"} {
			p := filepath.Join(dir, filepath.FromSlash(f))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	srv, err := demoserver.Start(demoserver.Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	site, _, err := transfer.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	site.Timeout = 5 * time.Second
	sess := transfer.NewSession(site, transfer.NewLog(1000))
	q, err := DefaultQueueFactory(1, "", queue.Ask)(sess)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := sess.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m := fedModel(t, 80, 24)
	m.queue = q

	next := func() Conflict {
		t.Helper()
		select {
		case cf := <-q.Conflicts():
			return cf
		case <-ctx.Done():
			t.Fatalf("no conflict asked: %+v", q.Snapshot().Jobs)
			return Conflict{}
		}
	}
	settled := func(n int) queue.Summary {
		t.Helper()
		// The queue reports every change (nothing else reads its
		// updates in this test): wait for the one where all are settled.
		for {
			if s := q.Snapshot(); s.Done+s.Skipped == n {
				return s
			}
			select {
			case <-q.Updates():
			case <-ctx.Done():
				t.Fatalf("jobs never finished: %+v", q.Snapshot().Jobs)
				return queue.Summary{}
			}
		}
	}
	answer := func(m Model, cf Conflict, key string) Model {
		t.Helper()
		m = update(t, m, conflictMsg{gen: m.gen, c: cf})
		want(t, dlg(m) != nil && dlg(m).Kind() == dialog.Choice, "no dialog for %s", cf.Job.Remote)
		m, cmd := updateCmd(t, m, keyMsg(key))
		return update(t, m, runCmd(cmd)[0])
	}
	read := func(f string) string {
		b, _ := os.ReadFile(filepath.Join(local, filepath.FromSlash(f)))
		return string(b)
	}

	if _, err := q.AddDownload(ctx, c, "/one", true, local); err != nil {
		t.Fatal(err)
	}
	q.Start()
	m = answer(m, next(), "O")
	settled(2)
	want(t, read("one/a.txt") == "new one/a.txt" && read("one/b.txt") == "new one/b.txt", "batch 1 not overwritten: %q %q", read("one/a.txt"), read("one/b.txt"))

	if _, err := q.AddDownload(ctx, c, "/two", true, local); err != nil {
		t.Fatal(err)
	}
	cf := next()
	want(t, strings.HasSuffix(cf.Job.Remote, "/two/c.txt"), "conflict for %s", cf.Job.Remote)
	m = answer(m, cf, "s")
	s := settled(3)
	want(t, s.Skipped == 1 && read("two/c.txt") == "old", "the next batch did not keep its own answer: %q", read("two/c.txt"))

	// One c on two marked folders is one batch: one "overwrite all"
	// covers both (each entry was a batch of its own before).
	req := copyRequest{entries: []filepane.Entry{{Name: "three", Kind: filepane.Folder}, {Name: "four", Kind: filepane.Folder}},
		down: true, remoteDir: "/", localDir: local}
	runCmd(req.run(q, transfer.NewBrowser(sess)))
	m = answer(m, next(), "O")
	settled(5)
	want(t, read("three/d.txt") == "new three/d.txt" && read("four/e.txt") == "new four/e.txt",
		"one c, two folders: %q %q", read("three/d.txt"), read("four/e.txt"))
	_ = m
}

// TestConflictDialogSides: the dialog shows both sides' size and time,
// and offers resume only when the target is smaller than the source.
func TestConflictDialogSides(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 5, 6, 0, 0, time.Local)
	for _, tc := range []struct {
		existing int64
		resume   bool
	}{{1024, true}, {2048, false}, {4096, false}} {
		m := fedModel(t, 80, 24)
		m.queue = &fakeQueue{}
		m.conflicts = append(m.conflicts, Conflict{
			Job:          queue.Job{Dir: queue.Upload, Remote: "/pub/a.bin", Local: "/home/u/a.bin", Size: 2048},
			ExistingSize: tc.existing, ExistingTime: t0, SourceTime: t0.Add(time.Hour),
			Decide: func(queue.Policy, bool) {},
		})
		nm, _ := m.nextConflict()
		v := string(view(nm.(Model)))
		want(t, strings.Contains(v, "2026-03-04 05:06") && strings.Contains(v, "2026-03-04 06:06"), "times not shown:\n%s", v)
		want(t, strings.Contains(v, "resume") == tc.resume, "existing %d: resume offered %v, want %v:\n%s", tc.existing, !tc.resume, tc.resume, v)
	}
}
