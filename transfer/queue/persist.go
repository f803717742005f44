package queue

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// fileName is the queue's file in the state folder.
const fileName = "queue.json"

// fileVersion is the format of queue.json.
const fileVersion = 1

type fileData struct {
	Version int   `json:"version"`
	NextID  int64 `json:"next_id"`
	Jobs    []Job `json:"jobs"`
}

// saver writes queue.json from its own goroutine. Requests are numbered;
// a write serves every request made before it took its snapshot, so
// concurrent workers share one write (group commit) and a later write
// always carries a later state.
type saver struct {
	q    *Queue
	mu   sync.Mutex
	cond *sync.Cond
	want uint64 // last request
	done uint64 // last request served
	stop bool
	err  error
	exit chan struct{}
}

func newSaver(q *Queue) *saver {
	s := &saver{q: q, exit: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	go s.loop()
	return s
}

// request asks for a write and returns its number, without waiting.
func (s *saver) request() uint64 {
	if s.q.opts.StateDir == "" {
		return 0 // nothing is ever written: do not wake the saver
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.want++
	s.cond.Broadcast()
	return s.want
}

// sync asks for a write and waits until one that started after the call
// has finished; it returns that write's error.
func (s *saver) sync() error {
	if s.q.opts.StateDir == "" {
		return nil // nothing is written: no need to wait for the saver
	}
	g := s.request()
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.done < g && !s.stop {
		s.cond.Wait()
	}
	return s.err
}

func (s *saver) loop() {
	defer close(s.exit)
	s.mu.Lock()
	for {
		for s.want == s.done && !s.stop {
			s.cond.Wait()
		}
		if s.want == s.done && s.stop {
			s.mu.Unlock()
			return
		}
		target := s.want
		s.mu.Unlock()
		err := s.q.write()
		s.mu.Lock()
		s.done, s.err = target, err
		s.cond.Broadcast()
	}
}

// close writes a final time and stops the saver.
func (s *saver) close() error {
	err := s.sync()
	s.mu.Lock()
	s.stop = true
	s.cond.Broadcast()
	s.mu.Unlock()
	<-s.exit
	return err
}

// write saves the queue atomically: a temp file in the state folder,
// fsync, rename over queue.json, fsync the folder.
func (q *Queue) write() error {
	if q.opts.StateDir == "" {
		return nil
	}
	q.mu.Lock()
	d := fileData{Version: fileVersion, NextID: q.nextID, Jobs: make([]Job, 0, len(q.jobs))}
	for _, j := range q.jobs {
		v := j.snapshotLocked()
		if j.committed {
			v.State, v.Done, v.Speed = Done, max(v.Size, v.Done), 0
		}
		d.Jobs = append(d.Jobs, v)
	}
	q.mu.Unlock()
	b, err := json.MarshalIndent(d, "", "  ")
	if err == nil {
		err = writeAtomic(q.opts.StateDir, fileName, append(b, '\n'))
	}
	q.mu.Lock()
	if err != nil {
		q.saveErr = err.Error()
	} else {
		q.saveErr = ""
	}
	q.mu.Unlock()
	return err
}

func writeAtomic(dir, name string, data []byte) (err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save queue: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("save queue: %w", err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("save queue: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("save queue: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("save queue: %w", err)
	}
	if err = os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("save queue: %w", err)
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// load reads queue.json. Jobs that were queued or running come back
// Paused; a download's Done is the size of its .part. A file that cannot
// be read as a queue is moved aside (queue.json.corrupt), never deleted,
// and the queue starts empty.
func (q *Queue) load() error {
	p := filepath.Join(q.opts.StateDir, fileName)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load queue: %w", err)
	}
	var d fileData
	if err := json.Unmarshal(b, &d); err != nil || d.Version != fileVersion {
		if err == nil {
			err = fmt.Errorf("version %d, want %d", d.Version, fileVersion)
		}
		aside := p + ".corrupt"
		if rerr := os.Rename(p, aside); rerr != nil {
			return fmt.Errorf("load queue %s: %v (and cannot move it aside: %w)", p, err, rerr)
		}
		q.sess.Log().Notef(0, "queue: %s unreadable (%v); moved to %s, starting empty", p, err, aside)
		return nil
	}
	seen := map[int64]bool{}
	maxID := int64(0)
	for _, v := range d.Jobs {
		if seen[v.ID] || v.ID <= 0 {
			continue
		}
		seen[v.ID] = true
		maxID = max(maxID, v.ID)
		switch v.State {
		case Queued, Running:
			v.State = Paused
		}
		if v.Dir == Download && !v.State.final() {
			v.Done = partSize(v.LocalRoot, v.Local)
		}
		if v.Dir == Download && v.State == Done {
			q.finishRename(v)
		}
		v.Speed = 0
		j := &job{Job: v}
		j.progress.Store(v.Done)
		q.jobs = append(q.jobs, j)
	}
	q.nextID = max(d.NextID, maxID+1)
	return nil
}

// finishRename completes the rename of a download that was committed
// (recorded done, its .part complete and synced) when a crash stopped it
// before the .part was renamed into place. The checks are the worker's:
// inside the chosen folder, nothing through a link.
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
