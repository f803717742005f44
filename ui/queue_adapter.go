package ui

import (
	"sync"

	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
)

// DefaultQueueFactory returns the factory Options.NewQueue defaults to: a
// transfer/queue.Queue with opts' parallelism, state folder and conflict
// policy (queue.Ask shows the conflict dialog); tune, if given, sets the
// queue's other options (temporary upload names, fallback).
func DefaultQueueFactory(parallel int, stateDir string, policy queue.Policy, tune ...func(*queue.Options)) QueueFactory {
	return func(sess *transfer.Session) (Queue, error) {
		o := queue.Options{Parallel: parallel, StateDir: stateDir, Policy: policy}
		for _, f := range tune {
			f(&o)
		}
		q, err := queue.New(sess, o)
		if err != nil {
			return nil, err
		}
		return newQueueAdapter(q), nil
	}
}

// queueAdapter gives *queue.Queue the UI's Conflict, whose Decide is a
// plain function so model tests can answer a conflict without a queue.
// Everything else is the queue's own.
type queueAdapter struct {
	*queue.Queue
	conflicts chan Conflict
	stop      chan struct{}
	stopOnce  sync.Once
	restored  []queue.Job // unfinished and failed jobs loaded from last time
}

// newQueueAdapter adapts q, which must not have started yet: every job
// it holds that is not finished then came from last time.
func newQueueAdapter(q *queue.Queue) *queueAdapter {
	a := &queueAdapter{Queue: q, conflicts: make(chan Conflict), stop: make(chan struct{})}
	for _, j := range q.Snapshot().Jobs {
		switch j.State {
		case queue.Queued, queue.Running, queue.Paused, queue.Failed:
			a.restored = append(a.restored, *j)
		case queue.Done, queue.Skipped, queue.Canceled:
		}
	}
	go a.forwardConflicts()
	return a
}

// Restored returns the unfinished and failed jobs loaded from last time
// (Restorer).
func (a *queueAdapter) Restored() []queue.Job { return a.restored }

// ResumeRestored queues the paused jobs of last time again (Restorer);
// failed ones stay failed. One pass over the queue (queue.ResumeRestored).
func (a *queueAdapter) ResumeRestored() error {
	a.Queue.ResumeRestored()
	return nil
}

// ClearRestored takes the paused and failed jobs of last time out of the
// queue (Restorer); partial downloads stay on disk.
func (a *queueAdapter) ClearRestored() error {
	a.Queue.ClearRestored()
	return nil
}

// ClearFinished takes every done, skipped and canceled job out of the
// queue in one pass (X in the queue pane); failed ones stay for a retry.
func (a *queueAdapter) ClearFinished() error {
	a.Queue.ClearFinished()
	return nil
}

// forwardConflicts hands the queue's conflicts to the UI until Close; one
// the UI can no longer take is skipped, so no worker waits forever.
func (a *queueAdapter) forwardConflicts() {
	for c := range a.Queue.Conflicts() {
		select {
		case a.conflicts <- Conflict{Job: c.Job, ExistingSize: c.ExistingSize, ExistingTime: c.ExistingTime,
			SourceTime: c.SourceTime, Decide: c.Decide, Done: c.Done()}:
		case <-a.stop:
			c.Decide(queue.Skip, false)
		}
	}
}

// Conflicts returns the queue's conflicts in the UI's type.
func (a *queueAdapter) Conflicts() <-chan Conflict { return a.conflicts }

// Close stops forwarding conflicts and closes the queue.
func (a *queueAdapter) Close() error {
	a.stopOnce.Do(func() { close(a.stop) })
	return a.Queue.Close()
}
