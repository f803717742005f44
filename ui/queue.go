package ui

import (
	"context"

	"ftpdeck/transfer"
	"ftpdeck/ui/queueview"
)

// Queue is what the UI needs of the transfer queue. ui/uiqueue adapts
// *queue.Queue to it; tests may fake it. AddDownload and AddUpload walk
// folders on the connection they are given (the browsing one, serialized).
type Queue interface {
	AddDownload(ctx context.Context, c *transfer.Conn, remote string, isDir bool, localDir string) (int, error)
	AddUpload(ctx context.Context, c *transfer.Conn, local string, remoteDir string) (int, error)
	Start()
	Close() error
	Updates() <-chan queueview.Summary
	Snapshot() queueview.Summary
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

// Policy is an answer to a transfer conflict.
type Policy int

// The conflict answers of INTERFACE.md.
const (
	Overwrite Policy = iota + 1
	Resume
	Skip
	Rename
)

// Conflict is a transfer whose target exists: the queue waits for Decide.
type Conflict struct {
	Job          queueview.Job
	ExistingSize int64
	Decide       func(p Policy, forAll bool)
}

// QueueFactory makes the queue for a newly connected session.
type QueueFactory func(sess *transfer.Session) (Queue, error)
