package ui

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
)

// TestAdapterRestore runs the restore prompt's answers and X on the real
// queue: three downloads queued and the queue closed come back paused in
// a new queue from the same state folder; resume queues them again,
// clear removes them, and X removes the finished ones only.
func TestAdapterRestore(t *testing.T) {
	state, dl := t.TempDir(), t.TempDir()
	sess := transfer.NewSession(transfer.Site{Host: "127.0.0.1", Port: 1, User: "demo"}, transfer.NewLog(100))
	q1, err := queue.New(sess, queue.Options{StateDir: state})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.bin", "b.bin", "c.bin"} {
		// A known size: nothing is asked of the server, no worker runs.
		if _, err := q1.AddDownloadTo(context.Background(), nil, "/pub/"+name, false, 1000, filepath.Join(dl, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := q1.Close(); err != nil {
		t.Fatal(err)
	}
	reopen := func() *queueAdapter {
		t.Helper()
		q, err := queue.New(sess, queue.Options{StateDir: state})
		if err != nil {
			t.Fatal(err)
		}
		a := newQueueAdapter(q)
		t.Cleanup(func() { _ = a.Close() })
		return a
	}
	states := func(a *queueAdapter) []queue.State {
		var out []queue.State
		for _, j := range a.Snapshot().Jobs {
			out = append(out, j.State)
		}
		return out
	}

	a := reopen()
	if n := len(a.Restored()); n != 3 {
		t.Fatalf("%d jobs restored, want 3", n)
	}
	if err := a.ResumeRestored(); err != nil {
		t.Fatal(err)
	}
	if got := states(a); !slices.Equal(got, []queue.State{queue.Queued, queue.Queued, queue.Queued}) {
		t.Fatalf("after resume: %v", got)
	}
	// X: a canceled job is finished and goes; queued ones stay.
	if err := a.Cancel(a.Snapshot().Jobs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := a.ClearFinished(); err != nil {
		t.Fatal(err)
	}
	if got := states(a); !slices.Equal(got, []queue.State{queue.Queued, queue.Queued}) {
		t.Fatalf("after X: %v", got)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	a = reopen()
	if n := len(a.Restored()); n != 2 {
		t.Fatalf("%d jobs restored the second time, want 2", n)
	}
	if err := a.ClearRestored(); err != nil {
		t.Fatal(err)
	}
	if got := states(a); len(got) != 0 {
		t.Fatalf("after clear: %v", got)
	}
}
