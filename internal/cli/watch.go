package cli

import (
	"fmt"
	"time"

	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
)

// watcher follows one queue's summaries while a headless get or put runs:
// it draws the progress line on a terminal and, with --json, writes each
// job's object as the job finishes. It runs on its own goroutine until
// the summaries end; the headless run reads its maps only after that.
type watcher struct {
	r        *headless
	emitted  map[int64]bool      // jobs whose object is written
	started  map[int64]time.Time // when each job was first seen running
	lastSeen time.Time           // the previous summary's time
}

func newWatcher(r *headless) *watcher {
	return &watcher{r: r, emitted: map[int64]bool{}, started: map[int64]time.Time{}, lastSeen: time.Now()}
}

// run reads updates until the channel closes, then clears the progress
// line, and closes done.
func (w *watcher) run(updates <-chan queue.Summary, done chan<- struct{}) {
	defer close(done)
	drawn := time.Time{}
	for s := range updates {
		now := time.Now()
		if w.r.json {
			w.jobs(s.Jobs, now, false)
		}
		w.lastSeen = now
		if w.r.progress && now.Sub(drawn) >= 200*time.Millisecond {
			drawn = now
			fmt.Fprintf(w.r.env.Stderr, "\r\x1b[K%s", progressLine(s))
		}
	}
	if w.r.progress {
		fmt.Fprint(w.r.env.Stderr, "\r\x1b[K")
	}
}

// jobs notes when jobs start and writes the object of each one that has
// finished since the last summary; with all set (the run's end) every
// job not yet written is, its state as it stands.
func (w *watcher) jobs(js []*queue.Job, now time.Time, all bool) {
	for _, j := range js {
		if w.emitted[j.ID] {
			continue
		}
		status := ""
		switch j.State {
		case queue.Done, queue.Skipped, queue.Failed, queue.Canceled:
			status = j.State.String()
		case queue.Running:
			if _, ok := w.started[j.ID]; !ok {
				w.started[j.ID] = now
			}
		}
		if status == "" && all {
			status = "interrupted"
		}
		if status == "" {
			continue
		}
		from, ok := w.started[j.ID]
		if !ok {
			from = w.lastSeen // it ran between two summaries
		}
		w.emitted[j.ID] = true
		secs := now.Sub(from).Seconds()
		if j.State == queue.Skipped || j.State == queue.Queued {
			secs = 0
		}
		_ = writeJSON(w.r.env.Stdout, newJobLine(*j, status, secs))
	}
}

// progressLine is the one status line on a terminal: files, bytes, the
// share done, the speed and the time left.
func progressLine(s queue.Summary) string {
	files := len(s.Jobs)
	fin := s.Done + s.Failed + s.Skipped + s.Canceled
	line := fmt.Sprintf("%d/%d files  %s / %s", fin, files, transfer.HumanBytes(float64(s.BytesDone)), transfer.HumanBytes(float64(s.BytesTotal)))
	if s.BytesTotal > 0 {
		line += fmt.Sprintf("  %3.0f%%", 100*float64(s.BytesDone)/float64(s.BytesTotal))
	}
	line += fmt.Sprintf("  %s/s", transfer.HumanBytes(s.Speed))
	if left := s.BytesTotal - s.BytesDone; s.Speed > 0 && left > 0 {
		line += "  ETA " + clock(time.Duration(float64(left)/s.Speed*float64(time.Second)))
	}
	return line
}

// clock writes d as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	sec := int64(d.Round(time.Second).Seconds())
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}
