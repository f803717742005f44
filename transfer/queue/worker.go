package queue

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"time"

	"ftpdeck/transfer"
)

// worker runs jobs one at a time on its own connection.
type worker struct {
	q    *Queue
	conn *transfer.Conn
	dir  localDir // the folder of the last download
	// counted: conn is counted in q.conns; refused: connections refused
	// in a row for too many (limit.go).
	counted bool
	refused int
}

// errRestart asks the attempt loop to start the job over from byte 0 at
// once (the server refused or ignored REST); it is not a failure.
var errRestart = errors.New("restart from byte 0")

// shortError is a transfer that ended early with a success reply: worth
// retrying (resuming), like a reset connection.
type shortError struct{ got, want int64 }

func (e *shortError) Error() string {
	return fmt.Sprintf("short transfer: %d of %d bytes arrived", e.got, e.want)
}

// transient reports whether err is worth another attempt.
func transient(err error) bool {
	var se *shortError
	var le *localErr
	if errors.As(err, &le) {
		return false
	}
	return errors.As(err, &se) || transfer.IsTransient(err)
}

func (q *Queue) worker() {
	defer q.workers.Done()
	w := &worker{q: q}
	defer w.drop()
	defer w.dir.close()
	for {
		j, ctx := q.next()
		if j == nil {
			return
		}
		w.run(ctx, j)
	}
}

// next waits for a Queued job whose target no running job writes, marks
// it Running and saves the queue. It returns nil once the queue closes.
func (q *Queue) next() (*job, context.Context) {
	q.mu.Lock()
	for {
		if q.closed {
			q.mu.Unlock()
			return nil, nil
		}
		for i := q.queuedFrom; i < len(q.jobs); i++ {
			j := q.jobs[i]
			if j.State != Queued {
				if i == q.queuedFrom {
					q.queuedFrom++
				}
				continue
			}
			if q.busy[targetKey(&j.Job)] {
				continue
			}
			ctx, cancel := context.WithCancelCause(context.Background())
			q.setStateLocked(j, Running)
			j.setErr(nil)
			j.stop, j.cancel = nil, cancel
			j.Speed, j.lastTick = 0, time.Time{}
			j.progress.Store(j.Done)
			q.busy[targetKey(&j.Job)] = true
			q.changedLocked()
			q.mu.Unlock()
			// Not waited for: load treats a running job like a queued one
			// (both come back Paused), so this state need not be on disk
			// before the job starts. Waiting cost one whole-queue write
			// per job, which made a 10,000-file queue crawl (issue #8).
			q.saver.request()
			return j, ctx
		}
		q.work.Wait()
	}
}

// finish records a job's end and saves the queue before the worker takes
// another.
func (q *Queue) finish(j *job, st State, err error, ctx context.Context) {
	q.mu.Lock()
	key := targetKey(&j.Job)
	if ctx.Err() != nil && (err != nil || (st != Done && st != Skipped)) {
		switch j.stop {
		case errCancel:
			st = Canceled
		case errRequeue:
			st = Queued
		default:
			st = Paused
		}
		err = nil
	}
	j.setErr(err)
	if err != nil {
		st = Failed
	}
	q.setStateLocked(j, st)
	switch {
	case j.State == Done:
		j.Done = max(j.Size, j.progress.Load())
	case j.Dir == Download:
		j.Done = partSize(j.LocalRoot, j.Local)
	default:
		j.Done = j.progress.Load()
	}
	j.progress.Store(j.Done)
	j.Speed = 0
	j.cancel(nil)
	j.cancel, j.stop = nil, nil
	committed := j.committed
	j.committed = false
	delete(q.busy, key)
	q.changedLocked()
	q.mu.Unlock()
	if committed && j.State == Done {
		q.saver.request() // already on disk as done (see commit)
		return
	}
	_ = q.saver.sync()
}

// commit marks a download whose .part is complete, before it is renamed
// into place: the store's next commit records the job done, and load
// finishes a rename a crash interrupted. The worker does not wait for
// the disk: a "done" a crash lost is found on start by the target's size
// (Queue.restore), so nothing is done twice (issue #8, load case).
func (q *Queue) commit(j *job) {
	q.mu.Lock()
	j.committed = true
	q.mu.Unlock()
	_ = q.saver.sync()
}

func (w *worker) drop() {
	if w.conn != nil {
		_ = w.conn.Close()
		w.conn = nil
	}
	w.count()
}

func (w *worker) connect(ctx context.Context) (*transfer.Conn, error) {
	if w.conn != nil && w.conn.Broken() {
		w.drop()
	}
	if w.conn == nil {
		w.conn = w.q.takeIdle()
	}
	if w.conn == nil {
		c, err := w.q.sess.Dial(ctx)
		if err != nil {
			return nil, err
		}
		w.conn = c
	}
	w.conn.SetPrefetch(true) // files back to back: the next EPSV goes out before a file's 226
	w.count()
	return w.conn, nil
}

func (w *worker) connID() int {
	if w.conn != nil {
		return w.conn.ID()
	}
	return 0
}

// run makes attempts at j until it succeeds, fails for good, runs out of
// retries or is stopped, then records the outcome. A data connection that
// cannot be made is not tried again in the same mode (a refusal or a
// silence does not change on a new connection): it is tried once in the
// other mode, unless Options.NoFallback or the user pinned the job's mode.
func (w *worker) run(ctx context.Context, j *job) {
	q := w.q
	retries, restarts := 0, 0
	q.mu.Lock()
	pinned := j.Mode != ""
	q.mu.Unlock()
	var fellBack *transfer.DataConnError // the failure that made the job change mode
	var st State
	var err error
	for {
		q.mu.Lock()
		j.Attempts++
		q.mu.Unlock()
		st, err = w.attempt(ctx, j)
		if w.limited(ctx, j, err) {
			return
		}
		if w.conn != nil && w.conn.Broken() {
			w.drop()
		}
		if err == nil || ctx.Err() != nil {
			break
		}
		if errors.Is(err, errRestart) && restarts < 2 {
			restarts++
			continue
		}
		var de *transfer.DataConnError
		if errors.As(err, &de) {
			if fellBack != nil {
				err = &bothModesError{err: err, first: fellBack}
				break
			}
			if pinned || q.opts.NoFallback || !otherModeMayFix(de) {
				break
			}
			fellBack = de
			w.fallBack(j, de)
			continue
		}
		if !transient(err) || retries >= len(q.opts.Backoff) {
			break
		}
		d := q.opts.Backoff[retries]
		retries++
		q.sess.Log().Notef(w.connID(), "queue: job %d %s: %v; retry %d of %d in %s on a new connection", j.ID, j.Remote, err, retries, len(q.opts.Backoff), d)
		w.drop()
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
		if ctx.Err() != nil {
			break
		}
	}
	if err == nil && fellBack != nil {
		w.fellBack(j, fellBack)
	}
	if err != nil && ctx.Err() == nil {
		q.sess.Log().Notef(w.connID(), "queue: job %d %s failed: %v", j.ID, j.Remote, err)
	}
	q.finish(j, st, err, ctx)
}

// otherModeMayFix reports whether a data connection that failed as de
// may work in the other mode: every failure but the ones the engine
// knows to be the same in both (a TLS session the server wants resumed).
func otherModeMayFix(de *transfer.DataConnError) bool {
	return !strings.Contains(de.Cause, "switching modes will not help")
}

// fallBack pins j to the mode other than the one de failed in, for its
// next attempt, and says so in the log and on the job.
func (w *worker) fallBack(j *job, de *transfer.DataConnError) {
	other := de.Mode.Other()
	note := fmt.Sprintf("%s mode failed (%s); trying %s mode", de.Mode, de.Cause, other)
	w.q.sess.Log().Notef(w.connID(), "queue: job %d %s: %s", j.ID, j.Remote, note)
	w.q.update(j, func(x *Job) {
		x.Mode = other.String()
		x.Note = note
	})
}

// fellBack records that j succeeded in the other mode after de: the job
// says so, the session keeps that mode for what follows (unless the user
// switched meanwhile), and Options.OnFallback hears of it.
func (w *worker) fellBack(j *job, de *transfer.DataConnError) {
	q := w.q
	m := de.Mode.Other()
	note := fmt.Sprintf("done in %s mode after %s mode failed: %s", m, de.Mode, de.Cause)
	q.update(j, func(x *Job) { x.Note = note })
	if q.sess.Mode() == de.Mode {
		q.sess.SetMode(m)
		q.sess.Log().Notef(w.connID(), "queue: %s mode worked where %s failed; using %s mode for the rest of the session", m, de.Mode, m)
	}
	if q.opts.OnFallback != nil {
		q.opts.OnFallback(m)
	}
}

// attempt runs one try of j on the worker's connection, in the job's
// pinned mode if it has one: resolve the conflict, prepare the temporary
// target, transfer, verify, commit — the same steps both ways.
func (w *worker) attempt(ctx context.Context, j *job) (State, error) {
	c, err := w.connect(ctx)
	if err != nil {
		return 0, err
	}
	w.q.mu.Lock()
	v := j.Job
	w.q.mu.Unlock()
	if v.Mode != "" {
		if m, err := transfer.ParseMode(v.Mode); err == nil {
			c.PinMode(m)
			defer c.UnpinMode()
		}
	}
	a := &attempt{Job: v, w: w, q: w.q, c: c, j: j, log: w.q.sess.Log()}
	var s steps = &download{attempt: a}
	if v.Dir == Upload {
		s = &upload{attempt: a}
	}
	defer s.cleanup()
	if st, err := s.resolve(ctx); err != nil || st != Running {
		return st, err
	}
	for _, step := range []func(context.Context) error{s.prepare, s.transfer, s.verify, s.commit} {
		if err := step(ctx); err != nil {
			return 0, err
		}
	}
	return Done, nil
}

// steps are one attempt at one job, in order. resolve ends the job
// early with Skipped (or any state but Running); the others return an
// error or nil to go on. cleanup always runs.
type steps interface {
	resolve(ctx context.Context) (State, error)
	prepare(ctx context.Context) error
	transfer(ctx context.Context) error
	verify(ctx context.Context) error
	commit(ctx context.Context) error
	cleanup()
}

// attempt is what both directions' steps share: the job (its fields as
// this attempt sees them, kept in step with the queue's by set), the
// connection and the conflict decision.
type attempt struct {
	Job
	w      *worker
	q      *Queue
	c      *transfer.Conn
	j      *job
	log    *transfer.Log
	policy Policy // the conflict decision this attempt follows
	off    int64  // where the transfer starts
}

// set changes the job's fields, here and in the queue.
func (a *attempt) set(f func(*Job)) {
	f(&a.Job)
	a.q.update(a.j, f)
}

// note writes a line about the job in the protocol log.
func (a *attempt) note(format string, args ...any) {
	a.log.Notef(a.c.ID(), "queue: job %d %s: %s", a.ID, a.Remote, fmt.Sprintf(format, args...))
}

// keep records the conflict decision p on the job: on disk before any
// byte moves when a target existed (sync), so that after a crash the job
// keeps the user's answer.
func (a *attempt) keep(p Policy, sync bool) {
	a.policy = p
	if p == a.Resolved {
		return
	}
	a.set(func(x *Job) { x.Resolved = p })
	if sync {
		_ = a.q.saver.sync()
	}
}

// restart asks for the job again from byte 0 (the server refused or
// ignored REST): later attempts send no REST.
func (a *attempt) restart(why string) error {
	a.note("%s; starting over from byte 0", why)
	a.set(func(x *Job) { x.NoRest = true })
	a.j.progress.Store(0)
	return errRestart
}

// checkSize compares the bytes the target holds after the transfer with
// want: fewer is a short transfer (retried, resuming); more after a
// resume means the server ignored the offset (start over); more from
// byte 0 is an error.
func (a *attempt) checkSize(what string, got, want int64) error {
	switch {
	case got == want:
		return nil
	case got > want && a.off > 0:
		return a.restart(fmt.Sprintf("the server ignored REST %d (%d bytes now, %d expected)", a.off, got, want))
	case got > want:
		return fmt.Errorf("%s %s: %d bytes, %d expected (did the file change?)", what, a.Remote, got, want)
	}
	return &shortError{got: got, want: want}
}

// update changes a running job's fields under the queue's lock.
func (q *Queue) update(j *job, f func(*Job)) {
	q.mu.Lock()
	f(&j.Job)
	q.changedLocked()
	q.mu.Unlock()
}

// restRefused reports whether err is the server's answer to REST: REST
// refused, so RETR/STOR never went out.
func restRefused(err error) bool {
	var re *transfer.ReplyError
	return errors.As(err, &re) && re.Cmd == "REST"
}

// mustSync reports whether a finished download must reach the disk before
// its rename: when it replaces a file, or when neither NoSyncNew nor a
// StateDir says otherwise (with a StateDir, a done job whose file a power
// loss cut short is found on start by its size: see Queue.restore).
func (q *Queue) mustSync(replaces bool) bool {
	return replaces || !(q.opts.NoSyncNew || q.opts.StateDir != "")
}

// openedPart is the outcome of creating a .part in the background.
type openedPart struct {
	f   *os.File
	err error
}

// freeRemoteName returns the first "name (n).ext" beside p that SIZE says
// does not exist.
func freeRemoteName(ctx context.Context, c *transfer.Conn, p string) (string, error) {
	dir, name := path.Split(p)
	for n := 1; n < 10000; n++ {
		cand := dir + numbered(name, n)
		_, err := c.Size(ctx, cand)
		if err == nil {
			continue
		}
		if transient(err) || ctx.Err() != nil {
			return "", err
		}
		return cand, nil
	}
	return "", fmt.Errorf("no free name for %s on the server", p)
}

// bothModesError is a transfer whose data connection failed in the
// session's mode and then, on the fallback, in the other one too.
type bothModesError struct {
	err   error                   // the second failure
	first *transfer.DataConnError // the first, in the other mode
}

func (e *bothModesError) Error() string {
	return fmt.Sprintf("%v (after %s mode failed: %s)", e.err, e.first.Mode, e.first.Cause)
}

func (e *bothModesError) Unwrap() error { return e.err }
