package queue

// Restored is what New brought back from the state folder and is still
// waiting for the user: the numbers a restore prompt shows ("N jobs (X
// left) from last time: resume / keep paused / clear").
type Restored struct {
	// Unfinished is the number of jobs of last time that are still
	// Paused: they were queued, running or paused when the last ftpdeck
	// stopped.
	Unfinished int
	// BytesLeft is what those jobs still have to move (a job whose size
	// is unknown counts nothing).
	BytesLeft int64
	// Failed is the number of failed jobs of last time still in the
	// queue (Retry runs one again).
	Failed int
}

// Restored returns the jobs of last time still waiting: after New with a
// StateDir, before the user decided. Keeping them paused needs no call
// (they stay Paused until resumed); ResumeRestored resumes them,
// ClearRestored removes them. A job resumed or removed since no longer
// counts, so after either call Restored reports zero.
func (q *Queue) Restored() Restored {
	q.mu.Lock()
	defer q.mu.Unlock()
	var r Restored
	for _, j := range q.jobs {
		if j.ID > q.restoredMax {
			continue
		}
		switch j.State {
		case Paused:
			r.Unfinished++
			if j.Size > 0 {
				r.BytesLeft += max(j.Size-j.Done, 0)
			}
		case Failed:
			r.Failed++
		}
	}
	return r
}

// ResumeRestored queues again every job of last time that is still
// Paused (failed ones stay failed) and returns how many.
func (q *Queue) ResumeRestored() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, j := range q.jobs {
		if j.ID <= q.restoredMax && j.State == Paused && q.resumeLocked(j) {
			n++
		}
	}
	if n > 0 {
		q.userChangeLocked()
	}
	return n
}

// ClearRestored removes from the queue every job of last time that is
// still Paused or Failed and returns how many. A download's .part stays
// on disk, as with Remove.
func (q *Queue) ClearRestored() int {
	return q.removeWhere(func(j *job) bool {
		return j.ID <= q.restoredMax && (j.State == Paused || j.State == Failed)
	})
}

// ClearFinished removes every finished job (done, skipped or canceled)
// from the queue, the queue pane's X, and returns how many. Failed jobs
// stay: they still want a decision (retry or remove).
func (q *Queue) ClearFinished() int {
	return q.removeWhere(func(j *job) bool {
		return j.State == Done || j.State == Skipped || j.State == Canceled
	})
}

// removeWhere removes the jobs (never a running one) for which drop
// holds, in one pass, and returns how many.
func (q *Queue) removeWhere(drop func(*job) bool) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	kept := q.jobs[:0]
	n := 0
	for _, j := range q.jobs {
		if j.State != Running && drop(j) {
			q.forgetLocked(j)
			q.active -= b2i(j.State.active())
			n++
			continue
		}
		kept = append(kept, j)
	}
	clear(q.jobs[len(kept):])
	q.jobs = kept
	q.queuedFrom = 0
	if n > 0 {
		q.idleCheckLocked()
		q.userChangeLocked()
	}
	return n
}
