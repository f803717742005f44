package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
)

// runningBatch is a batch caught mid-work: 1,200 of 2,000 small files
// done, an ISO and an upload running, a failed and a paused job, the
// rest of the batch and a 1 GiB file queued behind it. step moves the
// running jobs on by 200 ms (48 and 12 MiB/s).
type runningBatch struct{ jobs []queue.Job }

func newRunningBatch() *runningBatch {
	b := &runningBatch{}
	add := func(j queue.Job) { j.ID = int64(len(b.jobs) + 1); b.jobs = append(b.jobs, j) }
	for i := range 2000 {
		j := queue.Job{Dir: queue.Download, Remote: fmt.Sprintf("/data/batch/f%04d.dat", i+1), Local: fmt.Sprintf("/home/u/batch/f%04d.dat", i+1), Size: 4096, State: queue.Queued}
		if i < 1200 {
			j.State, j.Done = queue.Done, 4096
		}
		add(j)
	}
	add(queue.Job{Dir: queue.Download, Remote: "/pub/iso/debian-12.iso", Local: "/home/u/debian-12.iso", Size: 650 << 20, Done: 210 << 20, State: queue.Running})
	add(queue.Job{Dir: queue.Upload, Remote: "/incoming/backup.tar", Local: "/home/u/backup.tar", Size: 80 << 20, Done: 20 << 20, State: queue.Running})
	add(queue.Job{Dir: queue.Download, Remote: "/pub/locked.bin", Local: "/home/u/locked.bin", Size: 4096, State: queue.Failed, Attempts: 1,
		Err: "retr /pub/locked.bin: the server refused the file (550 Permission denied.): this account may not read it; check the file's permissions on the server or log in as a user who may"})
	add(queue.Job{Dir: queue.Download, Remote: "/pub/big.dat", Local: "/home/u/big.dat", Size: 1 << 30, Done: 300 << 20, State: queue.Paused})
	add(queue.Job{Dir: queue.Download, Remote: "/pub/one-gig.img", Local: "/home/u/one-gig.img", Size: 1 << 30, State: queue.Queued})
	return b
}

func (b *runningBatch) step() {
	for i := range b.jobs {
		j := &b.jobs[i]
		if j.State == queue.Running {
			if j.Dir == queue.Download {
				j.Done += 48 << 20 / 5
			} else {
				j.Done += 12 << 20 / 5
			}
		}
	}
}

// summary counts the jobs as the queue does.
func (b *runningBatch) summary() queue.Summary {
	var s queue.Summary
	for _, j := range b.jobs {
		s.Jobs = append(s.Jobs, &j)
		switch j.State {
		case queue.Running:
			s.Running++
		case queue.Queued:
			s.Queued++
		case queue.Paused:
			s.Paused++
		case queue.Done:
			s.Done++
		case queue.Failed:
			s.Failed++
		case queue.Skipped, queue.Canceled:
		}
		s.BytesDone += j.Done
		s.BytesTotal += j.Size
	}
	return s
}

// batchModel is the fed model with the batch reported five times a second
// for three seconds on a fake clock, the queue pane focused.
func batchModel(t *testing.T, w, h int) (Model, *runningBatch) {
	t.Helper()
	m := fedModel(t, w, h)
	m.queue = &restoringQueue{}
	now := t0
	m.queuev.SetClock(func() time.Time { return now })
	b := newRunningBatch()
	for range 16 {
		m = update(t, m, queueMsg{gen: m.gen, sum: b.summary()})
		b.step()
		now = now.Add(200 * time.Millisecond)
	}
	m = press(t, m, "tab", "tab") // remote → local → queue
	want(t, m.focus == focusQueue, "focus %v, want the queue", m.focus)
	return m, b
}

func TestGoldenQueuePane(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(size(sz), func(t *testing.T) {
			m, _ := batchModel(t, sz[0], sz[1])
			golden.RequireEqual(t, view(m))
		})
	}
}

// lockedLines are the protocol log of the failed job's connection (3),
// between another worker's (4) and after an earlier job on 3.
func lockedLines() []transfer.Event {
	at := func(ms int) time.Time { return t0.Add(time.Second + time.Duration(ms)*time.Millisecond) }
	return []transfer.Event{
		{Time: at(0), Conn: 3, Dir: transfer.Sent, Text: "RETR /data/batch/f1200.dat"},
		{Time: at(1), Conn: 3, Dir: transfer.Received, Text: "150 Opening BINARY mode data connection for /data/batch/f1200.dat (4096 bytes)."},
		{Time: at(2), Conn: 3, Dir: transfer.Received, Text: "226 Transfer complete."},
		{Time: at(3), Conn: 4, Dir: transfer.Sent, Text: "EPSV"},
		{Time: at(4), Conn: 3, Dir: transfer.Sent, Text: "EPSV", Note: "pipelined: sent with the next command"},
		{Time: at(4), Conn: 3, Dir: transfer.Sent, Text: "RETR /pub/locked.bin"},
		{Time: at(5), Conn: 4, Dir: transfer.Received, Text: "229 Entering Extended Passive Mode (|||50011|)"},
		{Time: at(6), Conn: 3, Dir: transfer.Received, Text: "229 Entering Extended Passive Mode (|||50012|)", Note: "passive: connecting to 127.0.0.1:50012"},
		{Time: at(7), Conn: 3, Dir: transfer.Received, Text: "550 Permission denied."},
		{Time: at(8), Conn: 3, Dir: transfer.Note, Note: "queue: job 2003 /pub/locked.bin failed: retr /pub/locked.bin: the server refused the file (550 Permission denied.)"},
		{Time: at(9), Conn: 3, Dir: transfer.Sent, Text: "EPSV"},
		{Time: at(10), Conn: 3, Dir: transfer.Sent, Text: "RETR /pub/one-gig.img"},
	}
}

func TestGoldenJobDetail(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(size(sz), func(t *testing.T) {
			m, _ := batchModel(t, sz[0], sz[1])
			for _, e := range lockedLines() {
				m.log.Add(e)
			}
			m = press(t, m, "j", "j") // the two running jobs, then the failed one
			j, _ := m.queuev.Current()
			want(t, j.Remote == "/pub/locked.bin", "cursor on %s", j.Remote)
			m = pressRun(t, m, "enter")
			want(t, hasOverlay[jobOverlay](m), "enter did not open the detail")
			golden.RequireEqual(t, view(m))
		})
	}
}

// restoringQueue is a fake queue that came back with jobs from last time.
type restoringQueue struct {
	fakeQueue
	restored []queue.Job
}

func (f *restoringQueue) Updates() <-chan queue.Summary { return nil }
func (f *restoringQueue) Conflicts() <-chan Conflict    { return nil }
func (f *restoringQueue) Restored() []queue.Job         { return f.restored }
func (f *restoringQueue) ResumeRestored() error {
	f.calls = append(f.calls, "resume-restored")
	return nil
}
func (f *restoringQueue) ClearRestored() error {
	f.calls = append(f.calls, "clear-restored")
	return nil
}
func (f *restoringQueue) ClearFinished() error {
	f.calls = append(f.calls, "clear-finished")
	return nil
}

func restoring() *restoringQueue {
	b := newRunningBatch()
	q := &restoringQueue{}
	for _, j := range b.jobs {
		if j.State == queue.Running || j.State == queue.Queued {
			j.State = queue.Paused // as queue.New loads them
		}
		if j.State == queue.Paused || j.State == queue.Failed {
			q.restored = append(q.restored, j)
		}
		q.sum.Jobs = append(q.sum.Jobs, &j)
	}
	return q
}

func TestGoldenRestorePrompt(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(size(sz), func(t *testing.T) {
			m := fedModel(t, sz[0], sz[1])
			m = update(t, m, queueReadyMsg{gen: m.gen, q: restoring()})
			want(t, hasOverlay[restoreOverlay](m), "no restore prompt")
			golden.RequireEqual(t, view(m))
		})
	}
}

// pressRun presses keys and feeds back the messages their commands send
// at once (one level: an ActionMsg or DetailMsg and what it leads to).
func pressRun(t *testing.T, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = updateCmd(t, m, keyMsg(k))
		for _, msg := range runCmd(cmd) {
			m, cmd = updateCmd(t, m, msg)
			for _, msg := range runCmd(cmd) {
				m = update(t, m, msg)
			}
		}
	}
	return m
}

func TestRestoreAnswers(t *testing.T) {
	for _, tc := range []struct {
		key, calls, status string
	}{
		{"r", "resume-restored", "resuming"},
		{"enter", "resume-restored", "resuming"},
		{"c", "clear-restored", "cleared"},
		{"k", "", "space or P in the queue pane resumes"},
		{"esc", "", "space or P in the queue pane resumes"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			m := fedModel(t, 120, 40)
			q := restoring()
			m = update(t, m, queueReadyMsg{gen: m.gen, q: q})
			m = pressRun(t, m, tc.key)
			want(t, !hasOverlay[restoreOverlay](m), "the prompt stayed open")
			want(t, strings.Join(q.calls, ",") == tc.calls, "calls %v, want %q", q.calls, tc.calls)
			want(t, strings.Contains(m.status, tc.status), "status %q", m.status)
			// Keys go to the panes again.
			m = press(t, m, "tab")
			want(t, m.focus != focusRemote, "tab after the prompt did not move the focus")
		})
	}
	// Nothing to restore: no prompt.
	m := fedModel(t, 120, 40)
	m = update(t, m, queueReadyMsg{gen: m.gen, q: &restoringQueue{}})
	want(t, !hasOverlay[restoreOverlay](m), "a prompt for nothing")
}

func TestClearFinishedAndDetailClose(t *testing.T) {
	m, _ := batchModel(t, 120, 40)
	q := restoring()
	m.queue = q
	m = pressRun(t, m, "X")
	want(t, strings.Join(q.calls, ",") == "clear-finished", "X called %v", q.calls)
	m = pressRun(t, m, "enter")
	want(t, hasOverlay[jobOverlay](m), "enter did not open the detail")
	m = pressRun(t, m, "j", "esc")
	want(t, !hasOverlay[jobOverlay](m), "esc did not close the detail")
	want(t, m.focus == focusQueue, "focus moved to %v", m.focus)
}

func TestQuitSaysWhatHappens(t *testing.T) {
	m, _ := batchModel(t, 120, 40)
	m = press(t, m, "q")
	want(t, hasOverlay[dialogOverlay](m), "no quit dialog while transfers run")
	v := string(view(m))
	for _, s := range []string{"2 running, 801 queued.", "Quitting stops them; partial files are kept.", "connects it asks whether to", "resume them, keep them paused or clear them."} {
		want(t, strings.Contains(strings.Join(strings.Fields(v), " "), s), "quit dialog lacks %q:\n%s", s, v)
	}
	want(t, !strings.Contains(v, "resumes next time"), "the dialog still promises an automatic resume")
}

func TestGoldenConflictDialog(t *testing.T) {
	m := fedModel(t, 80, 24)
	m.queue = &fakeQueue{}
	m.conflicts = append(m.conflicts, Conflict{
		Job:          queue.Job{ID: 9, Dir: queue.Download, Remote: "/pub/notes.txt", Local: "/home/u/notes.txt", Size: 2048},
		ExistingSize: 1024,
		Decide:       func(queue.Policy, bool) {},
	})
	nm, _ := m.nextConflict()
	golden.RequireEqual(t, view(nm.(Model)))
}

// TestDetailFollowsTheJob: the detail of a running job shows the bytes of
// the latest summary, not those of the moment it opened.
func TestDetailFollowsTheJob(t *testing.T) {
	m, b := batchModel(t, 120, 40)
	m = pressRun(t, m, "enter") // the first running job, the ISO
	o, _, open := findOverlay[jobOverlay](m)
	want(t, open && o.d.Job().Remote == "/pub/iso/debian-12.iso", "no detail of the ISO")
	before := o.d.Job().Done
	b.step()
	m = update(t, m, queueMsg{gen: m.gen, sum: b.summary()})
	o, _, _ = findOverlay[jobOverlay](m)
	want(t, o.d.Job().Done > before, "the detail kept %d bytes", o.d.Job().Done)
	want(t, strings.Contains(string(view(m)), "373 MiB of 650 MiB"), "view:\n%s", view(m))
}

func hasOverlay[T overlay](m Model) bool {
	_, _, ok := findOverlay[T](m)
	return ok
}
