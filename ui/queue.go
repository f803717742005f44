package ui

import (
	"context"
	"time"

	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
)

// Queue is what the UI needs of the transfer queue. queueAdapter adapts
// *queue.Queue to it; tests may fake it. AddDownload and AddUpload walk
// folders on the connection they are given (the browsing one, serialized).
type Queue interface {
	AddDownload(ctx context.Context, c *transfer.Conn, remote string, isDir bool, localDir string) (int, error)
	AddUpload(ctx context.Context, c *transfer.Conn, local string, remoteDir string) (int, error)
	NewBatch() int64
	// Warm logs the workers in ahead of a batch of many files.
	Warm()
	AddDownloads(root string, files []queue.File, decided queue.Policy) (int, error)
	AddUploads(root string, files []queue.File, decided queue.Policy) (int, error)
	Start()
	Close() error
	Updates() <-chan queue.Summary
	Snapshot() queue.Summary
	Conflicts() <-chan Conflict

	Pause(id int64) error
	Resume(id int64) error
	PauseAll()
	ResumeAll()
	Cancel(id int64) error
	Remove(id int64) error
	Retry(id int64, otherMode bool) error
	MoveUp(id int64) error
	MoveDown(id int64) error
}

// Conflict is a transfer whose target exists: the queue waits for Decide.
type Conflict struct {
	Job          queue.Job
	ExistingSize int64
	ExistingTime time.Time // zero when unknown
	SourceTime   time.Time // the source's time, zero when unknown (Job.Size is its size)
	Decide       func(p queue.Policy, forAll bool)
	// Done, when set, is closed once the conflict is answered (by an
	// answer for all its batch): its dialog is no longer shown.
	Done <-chan struct{}
}

// canResume reports whether resume is offered: the target is smaller
// than the source.
func (c Conflict) canResume() bool {
	return c.Job.Size < 0 || c.ExistingSize < c.Job.Size
}

// answered reports whether the conflict was decided elsewhere.
func (c Conflict) answered() bool {
	if c.Done == nil {
		return false
	}
	select {
	case <-c.Done:
		return true
	default:
		return false
	}
}

// QueueFactory makes the queue for a newly connected session.
type QueueFactory func(sess *transfer.Session) (Queue, error)
