package queue

import (
	"context"
	"time"

	"ftpdeck/transfer"
)

// A server that allows fewer connections than --parallel answers the
// extra ones with 421 ("There are too many connections from your internet
// address", vsftpd max_per_ip; pure-ftpd -C; proftpd MaxClientsPerHost).
// While other workers of the queue hold a connection, that is no failure:
// the refused worker hands its job back, untried, to the workers that are
// connected, and waits before it tries again, so the queue carries on with
// the connections the server allows. A worker refused while no other
// holds a connection retries and fails like any transient error, so a
// server that takes no one ends the run.

// connLimitWaits are the waits of a refused worker before it tries to
// connect again; the last repeats.
var connLimitWaits = []time.Duration{2 * time.Second, 5 * time.Second, 15 * time.Second, 30 * time.Second, time.Minute}

// count keeps Queue.conns, the number of workers holding a connection, in
// step with w.conn; it is called wherever w.conn is set or dropped.
func (w *worker) count() {
	has := w.conn != nil
	if has == w.counted {
		return
	}
	w.counted = has
	if has {
		w.q.conns.Add(1)
		w.refused = 0
	} else {
		w.q.conns.Add(-1)
	}
}

// limited takes over j when err says the server refused this worker's
// connection because it has too many, and other workers are connected:
// j goes back to the queue untried, and the worker waits (longer each time
// in a row) unless the queue closes. It reports whether it took j over;
// then the caller must not finish j.
func (w *worker) limited(ctx context.Context, j *job, err error) bool {
	q := w.q
	if err == nil || w.conn != nil || ctx.Err() != nil || !transfer.IsConnLimit(err) || q.conns.Load() == 0 {
		return false
	}
	wait := connLimitWaits[min(w.refused, len(connLimitWaits)-1)]
	w.refused++
	q.mu.Lock()
	j.Attempts-- // not an attempt at the job: the job was never tried
	q.mu.Unlock()
	q.sess.Log().Notef(0, "queue: the server refused another connection (%v); carrying on with %d, this worker tries again in %s", err, q.conns.Load(), wait)
	q.finish(j, Queued, nil, ctx)
	q.waitUnlessClosed(wait)
	return true
}

// waitUnlessClosed waits for d, or until the queue closes.
func (q *Queue) waitUnlessClosed(d time.Duration) {
	until := time.Now().Add(d)
	t := time.AfterFunc(d, func() {
		q.mu.Lock()
		q.work.Broadcast()
		q.mu.Unlock()
	})
	defer t.Stop()
	q.mu.Lock()
	for !q.closed && time.Now().Before(until) {
		q.work.Wait()
	}
	q.mu.Unlock()
}
