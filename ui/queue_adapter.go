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
}

func newQueueAdapter(q *queue.Queue) *queueAdapter {
	a := &queueAdapter{Queue: q, conflicts: make(chan Conflict), stop: make(chan struct{})}
	go a.forwardConflicts()
	return a
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
