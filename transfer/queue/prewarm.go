package queue

import "context"

// Logging in takes five or more round trips (greeting, USER, PASS, FEAT,
// TYPE): on a server 80 ms away, half a second before a worker's first
// byte. A caller that is about to queue many files (a folder it is
// listing) calls Prewarm, and the workers' connections log in while it
// lists, instead of one after the other once the jobs are there.

// Prewarm sees that n connections of the queue's session are there for
// the workers, dialing in the background those missing: n less those the
// workers hold, those handed over and not yet taken, and those still
// logging in. Each dialed is handed to the workers as Adopt does. A worker
// that finds no connection spare while some are still logging in waits
// for them rather than dialing one more, so the queue never holds more
// connections than it has workers (a server's per-address limit counts
// them all). A dial that fails is dropped: the worker that needs a
// connection dials its own and meets the failure itself (421 handling,
// retries). Close cancels dials in flight.
func (q *Queue) Prewarm(n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n -= int(q.conns.Load()) + len(q.spare) + q.dialing
	if q.closed || n <= 0 {
		return
	}
	if q.stopDials == nil {
		q.dialCtx, q.stopDials = context.WithCancel(context.Background())
	}
	ctx := q.dialCtx
	q.dialing += n
	for range n {
		q.dials.Go(func() {
			c, err := q.sess.Dial(ctx)
			q.mu.Lock()
			q.dialing--
			q.work.Broadcast()
			q.mu.Unlock()
			if err == nil {
				q.Adopt(c)
			}
		})
	}
}

// Warm is Prewarm for every worker (the TUI, about to queue a folder: its
// workers keep their connections from batch to batch, so only those
// missing are dialed).
func (q *Queue) Warm() { q.Prewarm(q.opts.Parallel) }

// waitDialing waits, with mu held, while no connection is spare and a
// Prewarm dial is still in flight; it returns at once otherwise.
func (q *Queue) waitDialing() {
	for len(q.spare) == 0 && q.dialing > 0 && !q.closed {
		q.work.Wait()
	}
}

// endDials cancels Prewarm's dials in flight and waits for them (Close).
func (q *Queue) endDials() {
	q.mu.Lock()
	stop := q.stopDials
	q.mu.Unlock()
	if stop != nil {
		stop()
	}
	q.dials.Wait()
}
