package queue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"

	"ftpdeck/transfer"
)

// worker runs jobs one at a time on its own connection.
type worker struct {
	q    *Queue
	conn *transfer.Conn
	dir  localDir // the folder of the last download
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
		for _, j := range q.jobs {
			if j.State != Queued || q.busy[targetKey(&j.Job)] {
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
	return w.conn, nil
}

func (w *worker) connID() int {
	if w.conn != nil {
		return w.conn.ID()
	}
	return 0
}

// run makes attempts at j until it succeeds, fails for good, runs out of
// retries or is stopped, then records the outcome.
func (w *worker) run(ctx context.Context, j *job) {
	q := w.q
	retries, restarts := 0, 0
	var st State
	var err error
	for {
		q.mu.Lock()
		j.Attempts++
		q.mu.Unlock()
		st, err = w.attempt(ctx, j)
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
	if err != nil && ctx.Err() == nil {
		q.sess.Log().Notef(w.connID(), "queue: job %d %s failed: %v", j.ID, j.Remote, err)
	}
	q.finish(j, st, err, ctx)
}

// attempt runs one try of j on the worker's connection, in the job's
// pinned mode if it has one.
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
	if v.Dir == Upload {
		return w.upload(ctx, c, j, v)
	}
	return w.download(ctx, c, j, v)
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

// download fetches v.Remote into v.Local through v.Local+".part".
func (w *worker) download(ctx context.Context, c *transfer.Conn, j *job, v Job) (State, error) {
	q := w.q
	log := q.sess.Log()
	expected := v.Size
	// A fresh job trusts the size the listing gave (no SIZE round trip);
	// a mismatch is checked with SIZE after the transfer, and every later
	// attempt asks first.
	trusted := v.Size >= 0 && v.Attempts <= 1 && v.Done == 0
	if !trusted {
		if n, err := c.Size(ctx, v.Remote); err == nil {
			expected = n
		} else if transient(err) || ctx.Err() != nil {
			return 0, err
		}
	}
	if expected != v.Size {
		q.update(j, func(x *Job) { x.Size = expected })
	}

	dir, name, err := w.dir.open(v.LocalRoot, v.Local)
	if err != nil {
		return 0, &localErr{err}
	}

	policy := v.Resolved
	fi, err := existing(dir, name, v.Local)
	if err != nil {
		return 0, &localErr{err}
	}
	switch {
	case fi != nil && (policy == Overwrite || policy == Resume):
		// decided before (a resumed job): keep to it
	case fi != nil:
		policy, err = q.decide(ctx, j, v.Local, fi.Size(), fi.ModTime())
		if err != nil {
			return 0, err
		}
		switch policy {
		case Skip:
			log.Notef(0, "queue: job %d: %s exists, skipped", v.ID, v.Local)
			return Skipped, nil
		case Rename:
			nl, err := freeLocalName(v.Local)
			if err != nil {
				return 0, &localErr{err}
			}
			name = filepath.Base(nl)
			log.Notef(0, "queue: job %d: %s exists, writing %s", v.ID, v.Local, nl)
			v.Local = nl
			policy = Overwrite
			q.update(j, func(x *Job) { x.Local = nl })
		}
	case policy == Ask || policy == Rename:
		policy = Overwrite // nothing to conflict with: this job owns the name
	}
	if policy != v.Resolved {
		// On disk before any byte moves when a target existed: after a
		// crash the job keeps the user's decision. With no target there
		// was nothing to decide, and commit keeps the job from meeting
		// its own finished file, so no wait.
		q.update(j, func(x *Job) { x.Resolved = policy })
		if fi != nil {
			_ = q.saver.sync()
		}
	}

	part := name + partSuffix
	// A fresh .part is created while the server prepares the transfer
	// (EPSV, connect, RETR): on many file systems creating a file costs
	// as much as those round trips, and a folder of small files is mostly
	// that. Anything else (resume, a .part already there, the tests'
	// writers) opens it first.
	var f *os.File
	var off int64
	var opening chan openedPart
	// A folder that visibly refuses the file (read-only, no permission)
	// fails here, before RETR goes out.
	partInfo, err := existing(dir, part, v.Local+partSuffix)
	if err != nil {
		return 0, &localErr{err}
	}
	if partInfo == nil && policy != Resume && q.testWriter == nil && w.dir.writable {
		opening = make(chan openedPart, 1)
		go func() {
			f, _, err := openPart(dir, part, false)
			opening <- openedPart{f, err}
		}()
	} else if f, off, err = openPart(dir, part, true); err != nil {
		return 0, &localErr{fmt.Errorf("%s: %w", v.Local+partSuffix, err)}
	}
	opened := func() (*os.File, error) {
		if opening != nil {
			r := <-opening
			opening, f = nil, r.f
			if r.err != nil {
				return nil, &localErr{fmt.Errorf("%s: %w", v.Local+partSuffix, r.err)}
			}
		}
		return f, nil
	}
	defer func() {
		_, _ = opened()
		if f != nil {
			_ = f.Close()
		}
	}()
	if policy == Resume && off == 0 {
		if _, err := dir.Lstat(name); err == nil {
			if off, err = copyInto(dir, name, f); err != nil {
				return 0, &localErr{fmt.Errorf("resume from %s: %w", v.Local, err)}
			}
		}
	}
	restart := func(why string) error {
		log.Notef(c.ID(), "queue: job %d %s: %s; starting over from byte 0", v.ID, v.Remote, why)
		q.update(j, func(x *Job) { x.NoRest = true })
		j.progress.Store(0)
		if _, err := opened(); err != nil {
			return err
		}
		if err := f.Truncate(0); err != nil {
			return &localErr{err}
		}
		return errRestart
	}
	if off > 0 && (v.NoRest || (expected >= 0 && off > expected)) {
		if err := f.Truncate(0); err != nil {
			return 0, &localErr{err}
		}
		off = 0
	}
	if f != nil {
		if _, err := f.Seek(off, io.SeekStart); err != nil {
			return 0, &localErr{err}
		}
	}
	j.progress.Store(off)
	var n int64
	if off == 0 || expected < 0 || off < expected {
		open := func() (io.Writer, error) {
			f, err := opened()
			if err != nil {
				return nil, err
			}
			if q.testWriter != nil {
				return q.testWriter(v, f), nil
			}
			return f, nil
		}
		n, err = c.RetrieveTo(ctx, v.Remote, off, open, &j.progress)
		if err != nil {
			if off > 0 && restRefused(err) {
				return 0, restart("the server refused REST")
			}
			return 0, err
		}
	}
	if _, err := opened(); err != nil {
		return 0, err
	}
	total := off + n
	if trusted && total != expected {
		if n, err := c.Size(ctx, v.Remote); err == nil && n != expected {
			log.Notef(c.ID(), "queue: job %d %s: the file changed since it was listed (%d bytes, now %d)", v.ID, v.Remote, expected, n)
			expected = n
			q.update(j, func(x *Job) { x.Size = n })
		}
	}
	switch {
	case expected < 0:
		log.Notef(c.ID(), "queue: job %d %s: size unknown, cannot check it (%d bytes)", v.ID, v.Remote, total)
	case total > expected && off > 0:
		return 0, restart(fmt.Sprintf("the server ignored REST %d (sent %d bytes, %d expected)", off, n, expected-off))
	case total > expected:
		return 0, fmt.Errorf("retr %s: server sent %d bytes, %d expected (did the file change?)", v.Remote, total, expected)
	case total < expected:
		return 0, &shortError{got: total, want: expected}
	}
	// What the rename replaces, looked at again: a link planted during the
	// transfer is refused, never replaced.
	replaced, err := existing(dir, name, v.Local)
	if err != nil {
		return 0, &localErr{err}
	}
	if q.mustSync(replaced != nil) {
		if err := f.Sync(); err != nil {
			return 0, &localErr{err}
		}
	}
	err = f.Close()
	f = nil
	if err != nil {
		return 0, &localErr{err}
	}
	q.commit(j)
	if err := dir.Rename(part, name); err != nil {
		q.mu.Lock()
		j.committed = false
		q.mu.Unlock()
		return 0, &localErr{fmt.Errorf("rename %s: %w", v.Local+partSuffix, err)}
	}
	return Done, nil
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

// upload sends v.Local to v.Remote: STOR to the name itself, REST+STOR
// from the server's size when continuing; SIZE checked after.
func (w *worker) upload(ctx context.Context, c *transfer.Conn, j *job, v Job) (State, error) {
	q := w.q
	log := q.sess.Log()
	f, err := openNoFollow(v.Local)
	if err != nil {
		return 0, &localErr{err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, &localErr{err}
	}
	if !st.Mode().IsRegular() {
		return 0, &localErr{fmt.Errorf("%s is not a regular file", v.Local)}
	}
	size := st.Size()
	if size != v.Size {
		q.update(j, func(x *Job) { x.Size = size })
	}

	var off int64
	policy := v.Resolved
	rs, exists := int64(0), false
	q.mu.Lock()
	overwrite := policy == Overwrite || (policy == Ask && q.policy == Overwrite)
	q.mu.Unlock()
	if v.Done > 0 || !overwrite {
		// Whether the target exists matters (conflict or resume): ask.
		n, err := c.Size(ctx, v.Remote)
		if err != nil && (transient(err) || ctx.Err() != nil) {
			return 0, err
		}
		rs, exists = n, err == nil
	}
	resumeFrom := func() int64 {
		if rs <= size {
			return rs
		}
		log.Notef(c.ID(), "queue: job %d: %s on the server is larger than the local file; sending it whole", v.ID, v.Remote)
		return 0
	}
	switch {
	case exists && (v.Done > 0 && policy != Ask || policy == Resume):
		off = resumeFrom() // our own partial upload, or the user chose resume
	case exists && policy == Overwrite:
	case exists:
		var mt time.Time
		if t, err := c.ModTime(ctx, v.Remote); err == nil {
			mt = t
		} else if transient(err) || ctx.Err() != nil {
			return 0, err
		}
		policy, err = q.decide(ctx, j, v.Remote, rs, mt)
		if err != nil {
			return 0, err
		}
		switch policy {
		case Skip:
			log.Notef(0, "queue: job %d: %s exists on the server, skipped", v.ID, v.Remote)
			return Skipped, nil
		case Resume:
			off = resumeFrom()
		case Rename:
			nr, err := freeRemoteName(ctx, c, v.Remote)
			if err != nil {
				return 0, err
			}
			log.Notef(0, "queue: job %d: %s exists on the server, writing %s", v.ID, v.Remote, nr)
			v.Remote = nr
			policy = Overwrite
			q.update(j, func(x *Job) { x.Remote = nr })
		}
	default:
		if policy == Ask || policy == Rename {
			policy = Overwrite
		}
	}
	if policy != v.Resolved {
		q.update(j, func(x *Job) { x.Resolved = policy })
		_ = q.saver.sync()
	}
	if v.NoRest {
		off = 0
	}
	restart := func(why string) error {
		log.Notef(c.ID(), "queue: job %d %s: %s; sending it again from byte 0", v.ID, v.Remote, why)
		q.update(j, func(x *Job) { x.NoRest = true })
		j.progress.Store(0)
		return errRestart
	}
	if off < size || size == 0 {
		if _, err := f.Seek(off, io.SeekStart); err != nil {
			return 0, &localErr{err}
		}
		j.progress.Store(off)
		var src io.Reader = f
		if q.testReader != nil {
			src = q.testReader(v, f)
		}
		if _, err := c.Store(ctx, v.Remote, off, src, &j.progress); err != nil {
			if off > 0 && restRefused(err) {
				return 0, restart("the server refused REST")
			}
			return 0, err
		}
	}
	got, err := c.Size(ctx, v.Remote)
	switch {
	case err != nil && (transient(err) || ctx.Err() != nil):
		return 0, err
	case err != nil:
		log.Notef(c.ID(), "queue: job %d %s: the server cannot tell its size (%v); not checked", v.ID, v.Remote, err)
	case got != size && off > 0:
		return 0, restart(fmt.Sprintf("after REST %d the server holds %d bytes, %d expected", off, got, size))
	case got < size:
		return 0, &shortError{got: got, want: size}
	case got > size:
		return 0, fmt.Errorf("stor %s: server holds %d bytes, %d sent", v.Remote, got, size)
	}
	j.progress.Store(size)
	return Done, nil
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
