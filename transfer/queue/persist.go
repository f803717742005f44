package queue

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// commitEvery is the group commit's period: changes made within it share
// one transaction, so a run of small files costs five commits a second,
// not several per file. bbolt syncs twice a commit (its pages, then its
// meta page): one sync per 100 ms at most.
const commitEvery = 200 * time.Millisecond

// saver writes the queue's changes to its store from its own goroutine.
// Requests are numbered; a commit serves every request made before it
// took its snapshot of the changed jobs, and commits are at least
// commitEvery apart unless someone waits for one (flush).
type saver struct {
	q       *Queue
	mu      sync.Mutex
	cond    *sync.Cond
	want    uint64 // last request
	done    uint64 // last request served
	waiters int    // flush calls waiting: commit at once
	stop    bool
	exited  bool
	err     error
	hurry   chan struct{} // cuts the wait before a commit short
	exit    chan struct{}
}

func newSaver(q *Queue) *saver {
	s := &saver{q: q, hurry: make(chan struct{}, 1), exit: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	if q.store == nil {
		close(s.exit)
		s.exited = true
		return s
	}
	go s.loop()
	return s
}

// request asks for a commit of the changes made so far, without waiting.
func (s *saver) request() uint64 {
	if s.q.store == nil {
		return 0 // nothing is ever written: do not wake the saver
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.want++
	s.cond.Broadcast()
	return s.want
}

// sync is request for the workers' call sites: a worker never waits for
// the disk. A change a crash loses is at most the last commit period's,
// and load checks a job whose "done" was lost by its target's size, so
// nothing is transferred again over a good file.
func (s *saver) sync() error {
	s.request()
	return nil
}

// flush asks for a commit and waits until one that started after the
// call has finished; it returns that commit's error.
func (s *saver) flush() error {
	if s.q.store == nil {
		return nil
	}
	g := s.request()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waiters++
	select {
	case s.hurry <- struct{}{}:
	default:
	}
	for s.done < g && !s.exited {
		s.cond.Wait()
	}
	s.waiters--
	return s.err
}

func (s *saver) loop() {
	defer close(s.exit)
	var last time.Time
	t := time.NewTimer(0)
	<-t.C
	s.mu.Lock()
	for {
		for s.want == s.done && !s.stop {
			s.cond.Wait()
		}
		if s.want == s.done { // stopping, nothing left
			s.exited = true
			s.cond.Broadcast()
			s.mu.Unlock()
			return
		}
		urgent := s.waiters > 0 || s.stop
		s.mu.Unlock()
		if urgent { // a flush's token is spent by this commit
			select {
			case <-s.hurry:
			default:
			}
		} else if d := commitEvery - time.Since(last); d > 0 {
			t.Reset(d)
			select {
			case <-t.C:
			case <-s.hurry:
				if !t.Stop() {
					<-t.C
				}
			}
		}
		s.mu.Lock()
		target := s.want
		s.mu.Unlock()
		err := s.q.commitChanges()
		last = time.Now()
		s.mu.Lock()
		s.done, s.err = target, err
		s.cond.Broadcast()
	}
}

// close commits what is left and stops the saver.
func (s *saver) close() error {
	err := s.flush()
	s.mu.Lock()
	s.stop = true
	s.cond.Broadcast()
	s.mu.Unlock()
	<-s.exit
	return err
}

// touchLocked marks j changed: the next commit writes its record.
func (q *Queue) touchLocked(j *job) {
	if q.store != nil && !j.dirty {
		j.dirty = true
		q.dirty = append(q.dirty, j)
	}
}

// forgetLocked records that j left the queue: the next commit deletes
// its record.
func (q *Queue) forgetLocked(j *job) {
	j.gone = true
	delete(q.running, j)
	if q.store != nil {
		q.removed = append(q.removed, j.ID)
	}
}

// recordLocked is j as the store keeps it. A committed download (its
// .part complete, about to be renamed) is recorded done.
func (j *job) recordLocked() record {
	v := j.snapshotLocked()
	if j.committed {
		v.State, v.Done = Done, max(v.Size, v.Done)
	}
	v.Speed = 0
	return record{Job: v, Pos: j.pos, Added: j.added}
}

// commitChanges writes the jobs changed since the last commit, and every
// running job (its offset, and fields its worker changed), in one
// transaction.
func (q *Queue) commitChanges() error {
	q.mu.Lock()
	recs := make([]record, 0, len(q.dirty)+len(q.running))
	for j := range q.running {
		if !j.dirty && !j.gone {
			recs = append(recs, j.recordLocked())
		}
	}
	for _, j := range q.dirty {
		j.dirty = false
		if !j.gone {
			recs = append(recs, j.recordLocked())
		}
	}
	dirty, del, next := q.dirty, q.removed, q.nextID
	q.dirty, q.removed = nil, nil
	q.mu.Unlock()

	err := q.store.write(recs, del, nil, next)

	q.mu.Lock()
	defer q.mu.Unlock()
	if err != nil {
		q.saveErr = err.Error()
		for _, j := range dirty { // written next time
			q.touchLocked(j)
		}
		q.removed = append(q.removed, del...)
		return err
	}
	q.saveErr = ""
	return nil
}

// load opens the store in the state folder (importing an old queue.json
// once) and brings the queue of last time back: finished jobs (done,
// skipped, canceled) are dropped, failed jobs come back failed, and
// unfinished ones (queued, running, paused) come back Paused, a
// download's Done equal to its NAME.part. A download whose target already
// holds the job's whole size, written since the job was queued, finished
// before a crash lost its "done": it is dropped, never transferred again.
func (q *Queue) load() error {
	st, err := openStore(q.opts.StateDir)
	if err != nil {
		return err
	}
	q.store = st
	if err := q.importLegacy(); err != nil {
		return err
	}
	recs, nextID, bad, err := st.read()
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		q.sess.Log().Notef(0, "queue: %d unreadable records in %s dropped", len(bad), st.path)
	}
	slices.SortFunc(recs, func(a, b record) int {
		return cmp.Or(cmp.Compare(a.Pos, b.Pos), cmp.Compare(a.ID, b.ID))
	})
	var drop []int64
	maxID, maxPos := int64(0), int64(0)
	for _, r := range recs {
		maxID, maxPos = max(maxID, r.ID), max(maxPos, r.Pos)
		v := r.Job
		v.Speed = 0
		if !q.restore(&v, r.Added) {
			drop = append(drop, v.ID)
			continue
		}
		j := &job{Job: v, pos: r.Pos, added: r.Added}
		j.progress.Store(v.Done)
		q.jobs = append(q.jobs, j)
	}
	q.nextID = max(nextID, maxID+1, 1)
	q.nextPos = maxPos + 1
	q.restoredMax = maxID
	if len(drop) > 0 || len(bad) > 0 {
		return st.write(nil, drop, bad, q.nextID)
	}
	return nil
}

// restore decides what becomes of job v of last time (queued at added,
// Unix nanoseconds; 0 when unknown) and reports whether it stays in the
// queue; v is changed to the state it comes back in.
func (q *Queue) restore(v *Job, added int64) bool {
	log := q.sess.Log()
	switch v.State {
	case Skipped, Canceled:
		return false
	case Done:
		if v.Dir == Upload {
			return false
		}
		q.finishRename(*v)
		if targetWhole(*v, 0) {
			return false
		}
		// The record reached the disk but the file did not (a power
		// loss before the kernel wrote it back), or the user moved it.
		log.Notef(0, "queue: job %d: recorded done, but %s is missing or not %d bytes; back in the queue, paused", v.ID, v.Local, v.Size)
		v.State, v.Err, v.ErrMode = Paused, "", ""
	case Failed:
	default: // Queued, Running, Paused
		if v.Dir == Download && targetWhole(*v, added) {
			log.Notef(0, "queue: job %d: %s was finished (its size checks out) before the last ftpdeck stopped", v.ID, v.Local)
			return false
		}
		v.State = Paused
	}
	if v.Dir == Download {
		v.Done = partSize(v.LocalRoot, v.Local)
	}
	return true
}

// addedSlack is how much older than the job's queueing a target may look
// and still count as written by the job (file times are coarser than the
// clock).
const addedSlack = 2 * time.Second

// targetWhole reports whether download v's target is a regular file of
// the job's size (any size when unknown) and, with since > 0 (Unix
// nanoseconds), written no earlier than since: a file that was there
// before the job was queued is not the job's. Written is the
// modification time; for a file that carries the time the job gives its
// download (keep_times: the remote file's, Job.MTime), the inode's change
// time (Windows: its creation), which setting a time does not put back.
func targetWhole(v Job, since int64) bool {
	fi, err := os.Lstat(v.Local)
	if err != nil || !fi.Mode().IsRegular() || (v.Size >= 0 && fi.Size() != v.Size) {
		return false
	}
	written := fi.ModTime()
	if !v.MTime.IsZero() && written.Truncate(time.Microsecond).Equal(v.MTime.Truncate(time.Microsecond)) {
		written = changeTime(fi)
	}
	return since <= 0 || !written.Before(time.Unix(0, since).Add(-addedSlack))
}

// legacyName is the queue's file before the store (one JSON document
// rewritten at every change); legacyVersion its format.
const (
	legacyName    = "queue.json"
	legacyVersion = 1
)

type legacyFile struct {
	Version int   `json:"version"`
	NextID  int64 `json:"next_id"`
	Jobs    []Job `json:"jobs"`
}

// importLegacy moves an old queue.json into the store, once: its jobs
// are written in one transaction, then the file is removed. That format
// recorded a job done only once its file was on disk, so its done jobs
// are trusted as they are. A file that cannot be read as a queue is moved
// aside (queue.json.corrupt), never deleted.
func (q *Queue) importLegacy() error {
	p := filepath.Join(q.opts.StateDir, legacyName)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("import %s: %w", p, err)
	}
	var d legacyFile
	if err := json.Unmarshal(b, &d); err != nil || d.Version != legacyVersion {
		if err == nil {
			err = fmt.Errorf("version %d, want %d", d.Version, legacyVersion)
		}
		aside := p + ".corrupt"
		if rerr := os.Rename(p, aside); rerr != nil {
			return fmt.Errorf("import %s: %v (and cannot move it aside: %w)", p, err, rerr)
		}
		q.sess.Log().Notef(0, "queue: %s unreadable (%v); moved to %s", p, err, aside)
		return nil
	}
	now := time.Now().UnixNano()
	seen := map[int64]bool{}
	recs := make([]record, 0, len(d.Jobs))
	var del []int64
	next := d.NextID
	for i, v := range d.Jobs {
		if seen[v.ID] || v.ID <= 0 {
			continue
		}
		seen[v.ID] = true
		next = max(next, v.ID+1)
		if v.State == Done {
			if v.Dir == Download {
				q.finishRename(v)
			}
			del = append(del, v.ID) // trusted: nothing to check later
			continue
		}
		recs = append(recs, record{Job: v, Pos: int64(i), Added: now})
	}
	if err := q.store.write(recs, del, nil, next); err != nil {
		return fmt.Errorf("import %s: %w", p, err)
	}
	if err := os.Remove(p); err != nil {
		return fmt.Errorf("import %s: imported, but cannot remove it: %w", p, err)
	}
	q.sess.Log().Notef(0, "queue: imported %d jobs from %s into %s", len(recs), p, q.store.path)
	return nil
}

// finishRename completes the rename of a download that was committed
// (recorded done, its .part complete) when a crash stopped it before the
// .part was renamed into place. The checks are the worker's: inside the
// chosen folder, nothing through a link.
func (q *Queue) finishRename(v Job) {
	part := v.Local + partSuffix
	fi, err := os.Lstat(part)
	if err != nil || !fi.Mode().IsRegular() || (v.Size >= 0 && fi.Size() != v.Size) {
		return // renamed already (the usual case), or not ours to finish
	}
	rel, err1 := safeRel(v.LocalRoot, v.Local)
	relPart, err2 := safeRel(v.LocalRoot, part)
	if err1 != nil || err2 != nil {
		return
	}
	root, err := os.OpenRoot(v.LocalRoot)
	if err != nil {
		return
	}
	defer root.Close()
	if err := root.Rename(relPart, rel); err != nil {
		q.sess.Log().Notef(0, "queue: job %d: cannot finish renaming %s: %v", v.ID, part, err)
		return
	}
	q.sess.Log().Notef(0, "queue: job %d: finished renaming %s, interrupted by a crash", v.ID, part)
}
