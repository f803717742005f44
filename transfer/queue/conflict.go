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
	SourceSize   int64     // the size of what would be transferred (-1 when unknown)
	SourceTime   time.Time // its modification time (zero when unknown)

	q      *Queue
	once   sync.Once
	done   chan struct{}
	policy Policy
}

// CanResume reports whether resuming makes sense: the target is smaller
// than the source (a cut-short copy of it).
func (c *Conflict) CanResume() bool {
	return c.SourceSize < 0 || c.ExistingSize < c.SourceSize
}

// Decide answers the conflict with p (Overwrite, Resume, Skip, Rename or
// Newer; Ask counts as Skip). With forAll, p answers every later conflict
// of the same batch (the jobs queued together with this one: one c in the
// TUI, one get or put, one restored queue) and the ones of that batch
// already waiting; later batches ask again. Only the first answer counts.
func (c *Conflict) Decide(p Policy, forAll bool) {
	if p == Ask {
		p = Skip
	}
	if forAll && c.q != nil {
		c.q.mu.Lock()
		c.q.batchPolicy[c.Job.Batch] = p
		var others []*Conflict
		for _, o := range c.q.pending {
			if o.Job.Batch == c.Job.Batch {
				others = append(others, o)
			}
		}
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

// policyFor returns the policy that applies to a conflict in batch: the
// answer "for all" given in that batch, else the queue's.
func (q *Queue) policyFor(batch int64) Policy {
	q.mu.Lock()
	defer q.mu.Unlock()
	if p, ok := q.batchPolicy[batch]; ok {
		return p
	}
	return q.opts.Policy
}

// sides is what a conflict compares: the source and the existing target.
type sides struct {
	target           string
	srcSize, dstSize int64
	srcTime, dstTime time.Time
}

// newer applies the policy Newer: overwrite when the source is another
// size or newer than the target (by more than a second: FTP times have
// whole seconds), else skip.
func (s sides) newer() Policy {
	if s.srcSize != s.dstSize || s.srcTime.After(s.dstTime.Add(time.Second)) {
		return Overwrite
	}
	return Skip
}

// decide returns the policy for a conflict on j: the batch's or the
// queue's, with Ask the user's answer through Conflicts, and with Newer
// the outcome of comparing the sides.
func (q *Queue) decide(ctx context.Context, j *job, s sides) (Policy, error) {
	p := q.policyFor(j.Batch)
	if p == Ask {
		var err error
		if p, err = q.ask(ctx, j, s); err != nil {
			return Ask, err
		}
	}
	if p == Newer {
		p = s.newer()
	}
	return p, nil
}

// ask emits a Conflict for j and waits for its answer.
func (q *Queue) ask(ctx context.Context, j *job, s sides) (Policy, error) {
	q.mu.Lock()
	c := &Conflict{Job: j.snapshotLocked(), Target: s.target, ExistingSize: s.dstSize, ExistingTime: s.dstTime,
		SourceSize: s.srcSize, SourceTime: s.srcTime, q: q, done: make(chan struct{})}
	if p, ok := q.batchPolicy[j.Batch]; ok {
		// answered for the whole batch meanwhile
		q.mu.Unlock()
		return p, nil
	}
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
