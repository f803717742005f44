package queue

import (
	"context"
	"sync"
	"time"
)

// Conflict is a question from a worker (Policy Ask): the job's target
// already exists; what now? The worker waits until Decide is called (or
// the job is stopped).
type Conflict struct {
	Job          Job       // the job as it was when it asked
	Target       string    // the existing path: local for a download, remote for an upload
	ExistingSize int64     // the existing target's size
	ExistingTime time.Time // its modification time (zero when unknown)

	q      *Queue
	once   sync.Once
	done   chan struct{}
	policy Policy
}

// Decide answers the conflict with p (Overwrite, Resume, Skip or Rename;
// Ask counts as Skip). With forAll, p becomes the queue's policy for every
// later conflict, and answers the ones already waiting. Only the first
// answer counts.
func (c *Conflict) Decide(p Policy, forAll bool) {
	if p == Ask {
		p = Skip
	}
	if forAll && c.q != nil {
		c.q.mu.Lock()
		c.q.policy = p
		others := append([]*Conflict(nil), c.q.pending...)
		c.q.mu.Unlock()
		for _, o := range others {
			o.resolve(p)
		}
	}
	c.resolve(p)
}

// Done is closed once the conflict is decided (by Decide here or "for
// all" on another one): the UI can drop a dialog that is no longer needed.
func (c *Conflict) Done() <-chan struct{} { return c.done }

func (c *Conflict) resolve(p Policy) {
	c.once.Do(func() {
		c.policy = p
		close(c.done)
	})
}

// decide returns the policy for a conflict on j: the queue's, or with Ask
// the user's answer through Conflicts.
func (q *Queue) decide(ctx context.Context, j *job, target string, size int64, mtime time.Time) (Policy, error) {
	q.mu.Lock()
	p := q.policy
	if p != Ask {
		q.mu.Unlock()
		return p, nil
	}
	c := &Conflict{Job: j.snapshotLocked(), Target: target, ExistingSize: size, ExistingTime: mtime, q: q, done: make(chan struct{})}
	q.pending = append(q.pending, c)
	q.mu.Unlock()
	defer func() {
		q.mu.Lock()
		for i, o := range q.pending {
			if o == c {
				q.pending = append(q.pending[:i], q.pending[i+1:]...)
				break
			}
		}
		q.mu.Unlock()
	}()
	select {
	case q.conflicts <- c:
	case <-c.done:
	case <-ctx.Done():
		return Ask, context.Cause(ctx)
	}
	select {
	case <-c.done:
		return c.policy, nil
	case <-ctx.Done():
		return Ask, context.Cause(ctx)
	}
}
