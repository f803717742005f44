package ui

import (
	"context"

	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/ui/queueview"
)

// DefaultQueueFactory returns the factory Options.NewQueue defaults to: a
// transfer/queue.Queue with opts' parallelism and state folder, asking on
// conflicts.
func DefaultQueueFactory(parallel int, stateDir string) QueueFactory {
	return func(sess *transfer.Session) (Queue, error) {
		q, err := queue.New(sess, queue.Options{Parallel: parallel, StateDir: stateDir, Policy: queue.Ask})
		if err != nil {
			return nil, err
		}
		return newQueueAdapter(q), nil
	}
}

// queueAdapter adapts *queue.Queue to Queue: two goroutines convert its
// summaries and conflicts into the UI's types until Close.
type queueAdapter struct {
	*queue.Queue
	updates   chan queueview.Summary
	conflicts chan Conflict
	stop      chan struct{}
}

func newQueueAdapter(q *queue.Queue) *queueAdapter {
	a := &queueAdapter{Queue: q, updates: make(chan queueview.Summary, 1), conflicts: make(chan Conflict), stop: make(chan struct{})}
	go a.forwardUpdates()
	go a.forwardConflicts()
	return a
}

func (a *queueAdapter) forwardUpdates() {
	defer close(a.updates)
	src := a.Queue.Updates()
	for {
		select {
		case s, ok := <-src:
			if !ok {
				return
			}
			v := convertSummary(s)
			select { // keep only the newest when the UI is behind
			case <-a.updates:
			default:
			}
			a.updates <- v
		case <-a.stop:
			return
		}
	}
}

func (a *queueAdapter) forwardConflicts() {
	src := a.Queue.Conflicts()
	for {
		select {
		case c, ok := <-src:
			if !ok {
				return
			}
			uc := Conflict{Job: convertJob(c.Job), ExistingSize: c.ExistingSize, Decide: func(p Policy, all bool) {
				c.Decide(convertPolicy(p), all)
			}}
			select {
			case a.conflicts <- uc:
			case <-a.stop:
				c.Decide(queue.Skip, false)
				return
			}
		case <-a.stop:
			return
		}
	}
}

func (a *queueAdapter) Updates() <-chan queueview.Summary { return a.updates }
func (a *queueAdapter) Conflicts() <-chan Conflict        { return a.conflicts }
func (a *queueAdapter) Snapshot() queueview.Summary       { return convertSummary(a.Queue.Snapshot()) }

func (a *queueAdapter) Close() error {
	select {
	case <-a.stop:
	default:
		close(a.stop)
	}
	return a.Queue.Close()
}

func (a *queueAdapter) AddDownload(ctx context.Context, c *transfer.Conn, remote string, isDir bool, localDir string) (int, error) {
	return a.Queue.AddDownload(ctx, c, remote, isDir, localDir)
}

func convertPolicy(p Policy) queue.Policy {
	switch p {
	case Overwrite:
		return queue.Overwrite
	case Resume:
		return queue.Resume
	case Rename:
		return queue.Rename
	case Skip:
	}
	return queue.Skip
}

func convertJob(j queue.Job) queueview.Job {
	return queueview.Job{
		ID: j.ID, Dir: queueview.Direction(j.Dir), Remote: j.Remote, Local: j.Local,
		Size: j.Size, Done: j.Done, State: queueview.State(j.State), Attempts: j.Attempts,
		Err: j.Err, Mode: j.Mode, Speed: j.Speed,
	}
}

func convertSummary(s queue.Summary) queueview.Summary {
	jobs := make([]queueview.Job, len(s.Jobs))
	for i, j := range s.Jobs {
		jobs[i] = convertJob(j)
	}
	return queueview.Summary{
		Jobs: jobs, Running: s.Running, Queued: s.Queued, Paused: s.Paused, Done: s.Done,
		Failed: s.Failed, Skipped: s.Skipped, Canceled: s.Canceled,
		BytesDone: s.BytesDone, BytesTotal: s.BytesTotal, Speed: s.Speed, SaveErr: s.SaveErr,
	}
}
