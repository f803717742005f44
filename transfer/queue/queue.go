package queue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sync"
	"sync/atomic"
	"time"

	"ftpdeck/transfer"
)

// Queue is the transfer queue of one session. All its methods are safe for
// concurrent use and none of them blocks on the network or the disk,
// except New, the Add methods (they list and create folders), Close and
// Wait. Workers each own one connection of the session.
type Queue struct {
	sess *transfer.Session
	opts Options // defaults filled in by New

	mu   sync.Mutex
	jobs []*job // in queue order
	// queuedFrom: no job before this index of jobs is Queued, so next
	// need not look at them. Scanning every finished job for each file
	// took 28 s, under the lock, over a queue of 100,000 files. It goes
	// back to 0 wherever a job is queued again or jobs move or go.
	queuedFrom int
	nextID     int64
	// batchPolicy holds the answers "for all" by batch (Conflict.Decide).
	batchPolicy map[int64]Policy
	started     bool
	closed      bool
	work        *sync.Cond       // workers wait here for a job (uses mu)
	active      int              // jobs Queued or Running (see setStateLocked)
	idle        chan struct{}    // closed when active drops to 0; nil when nobody waits (Wait)
	busy        map[string]bool  // targets of running jobs
	pending     []*Conflict      // conflicts waiting for a decision
	spare       []*transfer.Conn // connections handed over by Adopt, for workers
	// Prewarm's dials (prewarm.go): dialing counts those in flight;
	// dialCtx and stopDials are made by the first Prewarm that dials.
	dialing   int
	dialCtx   context.Context
	stopDials context.CancelFunc
	dials     sync.WaitGroup
	conns     atomic.Int32 // workers holding a connection (limit.go)
	saveErr   string
	// The store (nil without a StateDir) and what its next commit
	// writes: the jobs changed (dirty), the ids removed, and every
	// running job. nextPos orders new jobs; restoredMax is the highest id
	// of last time (see Restored). See persist.go.
	store       *store
	dirty       []*job
	removed     []int64
	running     map[*job]struct{}
	nextPos     int64
	restoredMax int64
	// noSetTimeNoted: the log already said the server cannot set times.
	noSetTimeNoted atomic.Bool
	// repDirty: a change the reporter has not sent yet; lastSend: when it
	// last sent. A change wakes the reporter only when a summary is due,
	// so a run of small files does not wake it twice per file.
	repDirty bool
	lastSend time.Time

	kick      chan struct{} // wakes the reporter
	updates   chan Summary
	conflicts chan *Conflict
	stopRep   chan struct{}
	repDone   chan struct{}
	saver     *saver
	workers   sync.WaitGroup
	closeOnce sync.Once
	closeErr  error

	// testWriter, set only by this package's tests before Start, wraps
	// the writer of every download (to cut a transfer after N bytes).
	testWriter func(j Job, w io.Writer) io.Writer
	testReader func(j Job, r io.Reader) io.Reader // the same for uploads
}

// job is a Job with what only the running queue needs. The embedded Job
// is guarded by Queue.mu; progress is atomic (the engine advances it as
// bytes move, Snapshot reads it).
type job struct {
	Job
	progress  atomic.Int64
	cancel    context.CancelCauseFunc
	stop      error // why the running job was asked to stop: errPause, errRequeue, errCancel, errClosing
	lastBytes int64
	lastTick  time.Time
	// committed: a download's .part is complete and about to be renamed;
	// the store records the job as done (see Queue.commit).
	committed bool
	// pos orders the queue in the store; added is when the job was
	// queued (Unix nanoseconds); dirty: the next commit writes it; gone:
	// removed from the queue.
	pos, added  int64
	dirty, gone bool
	// pub is the copy the last snapshot handed out (publishedLocked);
	// never changed once handed out.
	pub *Job
}

var (
	errPause   = errors.New("paused")
	errRequeue = errors.New("paused, then resumed")
	errCancel  = errors.New("canceled")
	errClosing = errors.New("queue closing")
)

// New returns a queue for sess. With a StateDir it opens the queue's
// store there (queue.db; an old queue.json is imported once) and brings
// back the jobs of last time that did not finish: failed ones as they
// were, queued, running and paused ones Paused, a download with Done
// equal to the size of its NAME.part (see Restored). Finished jobs are
// not brought back. Workers start with Start.
func New(sess *transfer.Session, opts Options) (*Queue, error) {
	if opts.Parallel <= 0 {
		opts.Parallel = 2
	}
	if opts.Backoff == nil {
		opts.Backoff = defaultBackoff
	}
	q := &Queue{
		sess:        sess,
		opts:        opts,
		nextID:      1,
		batchPolicy: map[int64]Policy{},
		repDirty:    true, // the first tick sends the queue as it is
		busy:        map[string]bool{},
		running:     map[*job]struct{}{},
		kick:        make(chan struct{}, 1),
		updates:     make(chan Summary, 1),
		conflicts:   make(chan *Conflict, 64),
		stopRep:     make(chan struct{}),
		repDone:     make(chan struct{}),
	}
	q.work = sync.NewCond(&q.mu)
	if opts.StateDir != "" {
		if err := q.load(); err != nil {
			if q.store != nil {
				_ = q.store.close()
			}
			return nil, err
		}
	}
	q.saver = newSaver(q)
	go q.report()
	return q, nil
}

// Start starts the workers; they take Queued jobs in queue order.
func (q *Queue) Start() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.started || q.closed {
		return
	}
	q.started = true
	for i := 0; i < q.opts.Parallel; i++ {
		q.workers.Add(1)
		go q.worker()
	}
}

// Adopt hands c, a logged-in connection of the queue's session that the
// caller has finished with (the one that walked the folders), to the
// workers: the next worker without a connection takes it instead of
// dialing and logging in again. The caller must not use c afterwards. A
// connection not taken by the time the queue closes is closed.
func (q *Queue) Adopt(c *transfer.Conn) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || c.Session() != q.sess {
		_ = c.Close()
		return
	}
	q.spare = append(q.spare, c)
}

// takeIdle returns an adopted connection that still works, or nil.
func (q *Queue) takeIdle() *transfer.Conn {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.waitDialing()
	for len(q.spare) > 0 {
		c := q.spare[len(q.spare)-1]
		q.spare = q.spare[:len(q.spare)-1]
		if !c.Broken() {
			return c
		}
		_ = c.Close()
	}
	return nil
}

// Close stops the workers (running jobs become Paused, their .part kept),
// saves the queue, closes the workers' connections and ends the Updates
// and Conflicts channels. It returns the last error writing the store.
func (q *Queue) Close() error {
	q.closeOnce.Do(func() {
		q.mu.Lock()
		q.closed = true
		for _, j := range q.jobs {
			if j.State == Running {
				j.stopLocked(errClosing)
			}
		}
		q.work.Broadcast()
		q.mu.Unlock()
		q.workers.Wait()
		q.endDials()
		for c := q.takeIdle(); c != nil; c = q.takeIdle() {
			_ = c.Close()
		}
		q.closeErr = q.saver.close()
		if q.store != nil {
			q.closeErr = errors.Join(q.closeErr, q.store.close())
		}
		close(q.stopRep)
		<-q.repDone
		close(q.conflicts)
	})
	return q.closeErr
}

// Updates returns the channel of queue summaries: at most about five a
// second while anything runs, and always one after the last change. A
// slow reader misses intermediate summaries, never the latest one. The
// channel is closed by Close.
func (q *Queue) Updates() <-chan Summary { return q.updates }

// Conflicts returns the channel of conflict requests (Policy Ask only).
// Each must be answered with Decide. The channel is closed by Close.
func (q *Queue) Conflicts() <-chan *Conflict { return q.conflicts }

// Snapshot returns the queue now.
func (q *Queue) Snapshot() Summary {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.snapshotLocked()
}

func (q *Queue) snapshotLocked() Summary {
	s := Summary{Jobs: make([]*Job, 0, len(q.jobs)), SaveErr: q.saveErr}
	for _, j := range q.jobs {
		v := j.publishedLocked()
		s.Jobs = append(s.Jobs, v)
		switch v.State {
		case Running:
			s.Running++
			s.Speed += v.Speed
		case Queued:
			s.Queued++
		case Paused:
			s.Paused++
		case Done:
			s.Done++
		case Failed:
			s.Failed++
		case Skipped:
			s.Skipped++
		case Canceled:
			s.Canceled++
		}
		if v.State != Skipped && v.State != Canceled {
			s.BytesDone += v.Done
			if v.Size > 0 {
				s.BytesTotal += v.Size
			}
		}
	}
	return s
}

// publishedLocked returns the job as a snapshot shows it: the copy made
// for the last snapshot while the job has not changed since, a new one
// when it has. Snapshots share these copies, so a Summary of 100,000
// jobs costs a slice of pointers, not 100,000 copies of every job each
// time the reporter sends one.
func (j *job) publishedLocked() *Job {
	v := j.snapshotLocked()
	if j.pub == nil || *j.pub != v {
		j.pub = &v
	}
	return j.pub
}

func (j *job) snapshotLocked() Job {
	v := j.Job
	if v.State == Running {
		v.Done = j.progress.Load()
	} else {
		v.Speed = 0
	}
	return v
}

// Wait returns when no job is Queued or Running (conflicts included: a
// job waiting for a decision is Running), or when ctx ends. It does not
// start the workers.
func (q *Queue) Wait(ctx context.Context) error {
	for {
		q.mu.Lock()
		if q.active == 0 {
			q.mu.Unlock()
			return nil
		}
		if q.idle == nil {
			q.idle = make(chan struct{})
		}
		ch := q.idle
		q.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// setStateLocked moves j to st, keeping the count of active (Queued or
// Running) jobs that Wait needs: Wait is woken once, when the last
// active job ends, not at every change (a folder of small files made
// thousands of wake-ups that each scanned the whole queue).
func (q *Queue) setStateLocked(j *job, st State) {
	q.active += b2i(st.active()) - b2i(j.State.active())
	if st == Running {
		q.running[j] = struct{}{}
	} else if j.State == Running {
		delete(q.running, j)
	}
	j.State = st
	if st == Queued {
		q.queuedFrom = 0
	}
	q.touchLocked(j)
	q.idleCheckLocked()
}

// setErr records why j failed (nil clears it), and the data-connection
// mode when that is what failed.
func (j *job) setErr(err error) {
	j.Err, j.ErrMode = "", ""
	if err == nil {
		return
	}
	j.Err = err.Error()
	var both *bothModesError
	var de *transfer.DataConnError
	switch {
	case errors.As(err, &both):
		j.ErrMode = ErrModeBoth
	case errors.As(err, &de):
		j.ErrMode = de.Mode.String()
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// idleCheckLocked wakes Wait when no job is active.
func (q *Queue) idleCheckLocked() {
	if q.active == 0 && q.idle != nil {
		close(q.idle)
		q.idle = nil
	}
}

// reportEvery is how often the reporter sends a summary while anything
// changes or runs.
const reportEvery = 200 * time.Millisecond

// changedLocked tells the reporter and the workers that something
// changed. The reporter is woken only when a summary is due; otherwise
// its next tick (at most reportEvery away) sends the change.
func (q *Queue) changedLocked() {
	q.repDirty = true
	if time.Since(q.lastSend) >= reportEvery {
		select {
		case q.kick <- struct{}{}:
		default:
		}
	}
	q.work.Broadcast()
}

// userChangeLocked is changedLocked plus an asynchronous save: user
// actions come from the UI's Update and must not wait for the disk.
func (q *Queue) userChangeLocked() {
	q.changedLocked()
	q.saver.request()
}

func (q *Queue) find(id int64) (int, *job) {
	for i, j := range q.jobs {
		if j.ID == id {
			return i, j
		}
	}
	return -1, nil
}

// stopLocked asks a running job's worker to stop for why.
func (j *job) stopLocked(why error) {
	j.stop = why
	if j.cancel != nil {
		j.cancel(why)
	}
}

// pauseLocked pauses a queued or running job (a running one is asked to
// stop) and reports whether it did.
func (q *Queue) pauseLocked(j *job) bool {
	switch j.State {
	case Queued:
		q.setStateLocked(j, Paused)
	case Running:
		j.stopLocked(errPause)
	default:
		return false
	}
	return true
}

// resumeLocked queues a paused job again, or one still stopping for a
// pause once it has stopped, and reports whether it did.
func (q *Queue) resumeLocked(j *job) bool {
	switch {
	case j.State == Paused:
		q.setStateLocked(j, Queued)
	case j.State == Running && j.stop == errPause:
		j.stop = errRequeue
	default:
		return false
	}
	return true
}

// Pause pauses a job: a queued one is not taken, a running one stops
// (its .part is kept) and becomes Paused.
func (q *Queue) Pause(id int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	_, j := q.find(id)
	switch {
	case j == nil:
		return fmt.Errorf("pause %d: %w", id, ErrNoJob)
	case q.pauseLocked(j):
		q.userChangeLocked()
	case j.State != Paused:
		return fmt.Errorf("pause job %d: it is %s", id, j.State)
	}
	return nil
}

// Resume queues a paused job again; it continues from its offset.
func (q *Queue) Resume(id int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	_, j := q.find(id)
	switch {
	case j == nil:
		return fmt.Errorf("resume %d: %w", id, ErrNoJob)
	case q.resumeLocked(j):
		q.userChangeLocked()
	case j.State != Queued && j.State != Running:
		return fmt.Errorf("resume job %d: it is %s (use retry)", id, j.State)
	}
	return nil
}

// PauseAll pauses every queued and running job.
func (q *Queue) PauseAll() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, j := range q.jobs {
		q.pauseLocked(j)
	}
	q.userChangeLocked()
}

// ResumeAll queues every paused job again.
func (q *Queue) ResumeAll() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, j := range q.jobs {
		q.resumeLocked(j)
	}
	q.userChangeLocked()
}

// Cancel cancels a job: a running one is stopped. Its .part is kept (Retry
// continues it). Canceling a finished job is an error.
func (q *Queue) Cancel(id int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	_, j := q.find(id)
	if j == nil {
		return fmt.Errorf("cancel %d: %w", id, ErrNoJob)
	}
	switch j.State {
	case Queued, Paused, Failed:
		q.setStateLocked(j, Canceled)
	case Running:
		j.stopLocked(errCancel)
	case Canceled:
		return nil
	default:
		return fmt.Errorf("cancel job %d: it is %s", id, j.State)
	}
	q.userChangeLocked()
	return nil
}

// Remove takes a job that is not running out of the queue. A download's
// .part stays on disk.
func (q *Queue) Remove(id int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	i, j := q.find(id)
	if j == nil {
		return fmt.Errorf("remove %d: %w", id, ErrNoJob)
	}
	if j.State == Running {
		return fmt.Errorf("remove job %d: it is running (cancel it first)", id)
	}
	q.jobs = append(q.jobs[:i], q.jobs[i+1:]...)
	q.queuedFrom = 0
	q.forgetLocked(j)
	q.active -= b2i(j.State.active())
	q.idleCheckLocked()
	q.userChangeLocked()
	return nil
}

// Retry queues a failed, canceled, skipped or paused job again, from its
// offset. With otherMode the job is pinned to the mode other than the one
// it last used, and the switch is noted in the protocol log.
func (q *Queue) Retry(id int64, otherMode bool) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	_, j := q.find(id)
	if j == nil {
		return fmt.Errorf("retry %d: %w", id, ErrNoJob)
	}
	switch j.State {
	case Failed, Canceled, Paused:
	case Skipped:
		j.Resolved = Ask // the conflict is asked again,
		j.Batch = q.nextID
		q.nextID++ // in a batch of its own
	default:
		return fmt.Errorf("retry job %d: it is %s", id, j.State)
	}
	if otherMode {
		cur := q.sess.Mode()
		if j.Mode != "" {
			if m, err := transfer.ParseMode(j.Mode); err == nil {
				cur = m
			}
		}
		j.Mode = cur.Other().String()
		q.sess.Log().Notef(0, "queue: retrying job %d (%s %s) in %s mode from byte %d", j.ID, j.Dir, j.Remote, j.Mode, j.Done)
	}
	q.setStateLocked(j, Queued)
	j.setErr(nil)
	j.Attempts = 0
	q.userChangeLocked()
	return nil
}

// MoveUp moves a job one place towards the front of the queue.
func (q *Queue) MoveUp(id int64) error { return q.move(id, -1) }

// MoveDown moves a job one place towards the back of the queue.
func (q *Queue) MoveDown(id int64) error { return q.move(id, +1) }

func (q *Queue) move(id int64, by int) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	i, j := q.find(id)
	if j == nil {
		return fmt.Errorf("move %d: %w", id, ErrNoJob)
	}
	k := i + by
	if k < 0 || k >= len(q.jobs) {
		return nil // already first or last
	}
	q.jobs[i], q.jobs[k] = q.jobs[k], q.jobs[i]
	q.queuedFrom = 0
	q.jobs[i].pos, q.jobs[k].pos = q.jobs[k].pos, q.jobs[i].pos
	q.touchLocked(q.jobs[i])
	q.touchLocked(q.jobs[k])
	q.userChangeLocked()
	return nil
}

// targetKey names what a job writes: two jobs with the same key never
// run at once, and are never both pending.
func targetKey(j *Job) string {
	if j.Dir == Download {
		return "L" + j.Local
	}
	return "R" + j.Remote
}

// add appends jobs (skipping any whose target already has a pending or
// running job), saves them (waiting for the store's commit) and wakes the
// workers. It returns how many were added.
func (q *Queue) add(jobs []Job) (int, error) { return q.addIn(context.Background(), jobs) }

// batchKey carries a batch id reserved by NewBatch in a context.
type batchKey struct{}

// NewBatch reserves a batch: the Add calls whose context carries it (see
// WithBatch) put their jobs in one batch, so an answer "for all" to a
// conflict covers all of them and no job added later (one c on several
// marked entries is one batch).
func (q *Queue) NewBatch() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	id := q.nextID
	q.nextID++
	return id
}

// WithBatch returns ctx carrying the batch id from NewBatch.
func WithBatch(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, batchKey{}, id)
}

// addIn adds jobs in the batch ctx carries, or in a batch of their own.
func (q *Queue) addIn(ctx context.Context, jobs []Job) (int, error) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return 0, ErrClosed
	}
	have := map[string]bool{}
	for _, j := range q.jobs {
		if !j.State.final() {
			have[targetKey(&j.Job)] = true
		}
	}
	n := 0
	now := time.Now().UnixNano()
	batch := q.nextID // one batch: "for all" reaches no job added later
	if id, ok := ctx.Value(batchKey{}).(int64); ok {
		batch = id
	}
	for _, v := range jobs {
		k := targetKey(&v)
		if have[k] {
			continue
		}
		have[k] = true
		v.ID = q.nextID
		q.nextID++
		if v.Type == "" && q.opts.Type.TypeFor(path.Base(v.Remote), q.opts.ASCIIExtensions) == transfer.ASCII {
			v.Type = transfer.ASCII.String()
		}
		v.State = Queued
		v.Batch = batch
		nj := &job{Job: v, pos: q.nextPos, added: now}
		q.nextPos++
		nj.progress.Store(v.Done)
		q.jobs = append(q.jobs, nj)
		q.touchLocked(nj)
		q.active++
		n++
	}
	q.changedLocked()
	q.mu.Unlock()
	return n, q.saver.flush()
}

// report sends summaries to Updates (coalesced), keeps job speeds and
// saves offsets at most once a second while jobs run.
func (q *Queue) report() {
	defer close(q.repDone)
	t := time.NewTicker(reportEvery)
	defer t.Stop()
	var lastSave time.Time
	for {
		select {
		case <-q.kick:
		case <-t.C:
		case <-q.stopRep:
			q.send(q.Snapshot())
			close(q.updates)
			return
		}
		now := time.Now()
		s, due, running := q.tick(now)
		if due {
			q.send(s)
		}
		if running > 0 && now.Sub(lastSave) >= time.Second {
			q.saver.request()
			lastSave = now
		}
	}
}

// send puts s on the updates channel without blocking: a summary the
// reader has not taken yet is replaced by the newer one.
func (q *Queue) send(s Summary) {
	for range 2 {
		select {
		case q.updates <- s:
			return
		default:
		}
		select {
		case <-q.updates:
		default:
		}
	}
}

// tick updates the running jobs' speeds at now and returns how many run.
// When a summary is due (a change not sent yet, or jobs running, and the
// last one sent at least a period ago) it returns one, and due is true.
func (q *Queue) tick(now time.Time) (s Summary, due bool, running int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, j := range q.jobs {
		if j.State != Running {
			continue
		}
		n++
		b := j.progress.Load()
		if j.lastTick.IsZero() || b < j.lastBytes {
			j.lastTick, j.lastBytes = now, b
			continue
		}
		dt := now.Sub(j.lastTick).Seconds()
		if dt < 0.05 {
			continue
		}
		inst := float64(b-j.lastBytes) / dt
		if j.Speed == 0 {
			j.Speed = inst
		} else {
			j.Speed = 0.6*j.Speed + 0.4*inst
		}
		j.lastTick, j.lastBytes = now, b
	}
	if (q.repDirty || n > 0) && now.Sub(q.lastSend) >= reportEvery-10*time.Millisecond {
		q.repDirty, q.lastSend = false, now
		return q.snapshotLocked(), true, n
	}
	return Summary{}, false, n
}

// SetType sets the transfer type of the jobs queued from now on (the
// TUI's t); queued jobs keep theirs.
func (q *Queue) SetType(m transfer.TypeMode) {
	q.mu.Lock()
	q.opts.Type = m
	q.mu.Unlock()
}

// Type returns the transfer type new jobs get.
func (q *Queue) Type() transfer.TypeMode {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.opts.Type
}
