// Package queue is ftpdeck's transfer queue: one job per file, workers
// that each own a connection of the session, conflict policies, safe
// local writes (NAME.part, renamed on success), retries with resume, and
// a store in the state folder (queue.db) that survives restarts and
// crashes, at a cost per change.
//
// The package imports nothing from Charm: the UI's queue pane and the
// headless get/put commands drive it through Queue's methods, and read
// its state from Snapshot, Updates and Conflicts.
package queue

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"ftpdeck/transfer"
)

// Direction says which way a job moves a file.
type Direction int

// The two directions.
const (
	Download Direction = iota // server → this machine
	Upload                    // this machine → server
)

// String returns "download" or "upload".
func (d Direction) String() string {
	if d == Upload {
		return "upload"
	}
	return "download"
}

// MarshalText writes the direction as its name (JSON, the old queue.json).
func (d Direction) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a direction name.
func (d *Direction) UnmarshalText(b []byte) error {
	switch string(b) {
	case "download":
		*d = Download
	case "upload":
		*d = Upload
	default:
		return fmt.Errorf("unknown direction %q", b)
	}
	return nil
}

// State is where a job is in its life.
type State int

// The states of a job. Queued jobs wait for a worker; Running ones hold
// one; Paused ones wait for Resume. Done, Failed, Skipped and Canceled
// are final until Retry (Failed, Canceled) or Remove.
const (
	Queued State = iota
	Running
	Paused
	Done
	Failed
	Skipped
	Canceled
)

var stateNames = [...]string{"queued", "running", "paused", "done", "failed", "skipped", "canceled"}

// String returns the state's lower-case name.
func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return fmt.Sprintf("state(%d)", int(s))
	}
	return stateNames[s]
}

// MarshalText writes the state as its name (JSON, the old queue.json).
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a state name.
func (s *State) UnmarshalText(b []byte) error {
	for i, n := range stateNames {
		if n == string(b) {
			*s = State(i)
			return nil
		}
	}
	return fmt.Errorf("unknown state %q", b)
}

// final reports whether no worker will ever take the job again without a
// user's Retry.
func (s State) final() bool { return s == Done || s == Failed || s == Skipped || s == Canceled }

// active: the job keeps the queue busy (Queue.Wait waits for it).
func (s State) active() bool { return s == Queued || s == Running }

// Policy says what to do when a job's target already exists.
type Policy int

// The conflict policies of INTERFACE.md's --on-conflict.
const (
	Ask       Policy = iota // emit a Conflict and wait for Decide
	Overwrite               // replace the target (a download keeps the old file until success)
	Resume                  // treat the existing target as a partial transfer and continue it
	Skip                    // leave the target alone; the job ends Skipped
	Rename                  // write "name (1).ext", "name (2).ext", ... instead
	Newer                   // overwrite when the source is newer or another size, else skip
)

var policyNames = [...]string{"ask", "overwrite", "resume", "skip", "rename", "newer"}

// String returns the policy's name as --on-conflict spells it.
func (p Policy) String() string {
	if p < 0 || int(p) >= len(policyNames) {
		return fmt.Sprintf("policy(%d)", int(p))
	}
	return policyNames[p]
}

// ParsePolicy parses ask, overwrite, resume, skip, rename or newer
// (case-insensitive).
func ParsePolicy(s string) (Policy, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for i, n := range policyNames {
		if n == t {
			return Policy(i), nil
		}
	}
	return Ask, fmt.Errorf("unknown conflict policy %q (want ask, overwrite, resume, skip, rename or newer)", s)
}

// MarshalText writes the policy as its name (JSON, the old queue.json).
func (p Policy) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads a policy name.
func (p *Policy) UnmarshalText(b []byte) error {
	v, err := ParsePolicy(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Job is a value snapshot of one file transfer, and its record in the
// queue's store.
type Job struct {
	ID     int64     `json:"id"`
	Dir    Direction `json:"dir"`
	Remote string    `json:"remote"`
	Local  string    `json:"local"`
	// LocalRoot is the local folder the user chose: Local always stays
	// inside it, and no folder between them may be a symlink.
	LocalRoot string `json:"local_root"`
	// Size is the file's size in bytes (-1 until known).
	Size int64 `json:"size"`
	// Done is the bytes transferred so far: the size of NAME.part for a
	// download, the bytes sent for an upload.
	Done     int64  `json:"done"`
	State    State  `json:"state"`
	Attempts int    `json:"attempts"`
	Err      string `json:"err,omitempty"`
	// ErrMode is "active" or "passive" when Err is a data connection that
	// could not be made in that mode (the other mode may work), and
	// ErrModeBoth when the fallback to the other mode failed too.
	ErrMode string `json:"err_mode,omitempty"`
	// Mode is "" for the session's mode, or "active"/"passive" when the
	// job is pinned to one (Retry in the other mode).
	Mode string `json:"mode,omitempty"`
	// Resolved is the conflict decision already taken for this job (Ask
	// when none yet), so a resumed job does not ask again.
	Resolved Policy `json:"resolved,omitempty"`
	// NoRest is set once the server refused or ignored REST for this job:
	// later attempts start over from byte 0.
	NoRest bool `json:"no_rest,omitempty"`
	// Batch is the batch the job was queued in (one Add call: one c in the
	// TUI, one get or put): a conflict answered "for all" covers the rest
	// of its batch and no other.
	Batch int64 `json:"batch,omitempty"`
	// Note says what the queue did on the job's behalf that the user
	// should know (fell back to the other mode, resumed a smaller remote
	// file, already complete): shown beside the job, "" when nothing.
	Note string `json:"note,omitempty"`
	// Type is "ascii" for a job sent in TYPE A (line ends converted, no
	// resume), "" for binary (TYPE I). It is fixed when the job is queued
	// (Options.Type, Queue.SetType).
	Type string `json:"type,omitempty"`
	// MTime is the source's modification time where the caller knew it
	// when queuing (a download's listing: MLSD modify or LIST); zero when
	// not known. A download's local file gets it (else MDTM's).
	MTime time.Time `json:"mtime,omitzero"`
	// Speed is the recent rate in bytes per second while running.
	Speed float64 `json:"-"`

	// seen is what the remote folder's listing showed of an upload's
	// target and temporary name when the job was queued (nil: not
	// known); the first attempt uses it instead of asking SIZE.
	seen *remoteSeen
}

// ASCII reports whether the job is sent in TYPE A.
func (j *Job) ASCII() bool { return j.Type == transfer.ASCII.String() }

// remoteSeen holds the sizes a listing showed of an upload's final and
// temporary names on the server, -1 for a name that was not there.
type remoteSeen struct{ final, temp int64 }

// Summary is the whole queue at one moment, for the UI.
type Summary struct {
	// Jobs are the jobs in queue order. A job that has not changed is the
	// same *Job in successive snapshots: read them, never modify them.
	Jobs                                                     []*Job
	Running, Queued, Paused, Done, Failed, Skipped, Canceled int
	// BytesDone and BytesTotal count jobs that are not skipped or canceled.
	BytesDone, BytesTotal int64
	// Speed is the sum of the running jobs' speeds, bytes per second.
	Speed float64
	// SaveErr is the last failure to write the queue's store ("" when
	// fine).
	SaveErr string
}

// Options configures a Queue.
type Options struct {
	// Parallel is the number of workers, each with its own connection
	// (default 2).
	Parallel int
	// StateDir is the folder for the queue's store (queue.db); "" means
	// no persistence.
	StateDir string
	// Policy is what to do when a target exists (headless commands use
	// Skip; the TUI Ask).
	Policy Policy
	// NoSyncNew renames a download that creates a new file into place
	// without an fsync: the durability of cp, curl and lftp (nothing is
	// lost to any failure of ftpdeck, the server or the network, only to a
	// power loss before the kernel writes back). A download that replaces
	// an existing file is still synced before the rename, so an existing
	// file is never put at risk. With a StateDir it always holds: on start,
	// a job recorded done whose file a power loss cut short or lost comes
	// back paused (its size is checked), so new files need no sync there.
	NoSyncNew bool
	// Backoff holds the waits before each retry of a transient failure;
	// its length is the number of retries. nil means 0.5s, 1s, 2s.
	Backoff []time.Duration
	// NoTempUpload sends uploads straight to their final name (the
	// bookmark's temp_upload = false, --no-temp-upload) instead of to a
	// temporary name in the same folder renamed (RNFR/RNTO) once its size
	// is checked. The size is still checked, and a remote file smaller
	// than the local one is resumed, with a note, instead of skipped.
	NoTempUpload bool
	// NoFallback keeps every transfer in the mode it starts in: without
	// it, a data connection that fails in a way the other mode can fix
	// (refused, not answered in time, PORT or PASV refused) is tried once
	// in the other mode, which the session then keeps (Session.SetMode).
	// Set it for the setting fallback = false, --no-fallback, and for a
	// mode given on the command line (--active, --passive: only that mode).
	NoFallback bool
	// OnFallback, when set, is called from a worker's goroutine after a
	// transfer succeeded in mode m once the other mode had failed: the
	// caller can save m as the bookmark's last_good_mode.
	OnFallback func(m transfer.Mode)
	// Type is the transfer type of jobs queued from now on (binary,
	// ascii, or auto by ASCIIExtensions); Queue.SetType changes it.
	Type transfer.TypeMode
	// ASCIIExtensions are the extensions auto sends as ascii (nil: the
	// default list, transfer.DefaultASCIIExtensions).
	ASCIIExtensions []string
	// NoKeepTimes leaves modification times alone (keep_times = false,
	// --no-keep-times): by default a download gets the remote file's time
	// and an upload's remote file the local one's, where the server can
	// set it (MFMT, or vsftpd's MDTM with a time).
	NoKeepTimes bool
	// RateLimit, when set, holds the bytes per second of every transfer
	// of the queue together (--limit-rate, limit_rate; see RateLimit); one
	// value may be shared by several queues and streams for a total over
	// all of them. nil or a limit of 0 is none.
	RateLimit *RateLimit
	// RateAdjustable sends every transfer through RateLimit even while it
	// is 0, so a limit set later (the TUI) reaches running transfers too;
	// without it a transfer started unlimited stays so (and a download
	// keeps the kernel's zero-copy path).
	RateAdjustable bool
}

// defaultBackoff is the retry schedule when Options.Backoff is nil.
var defaultBackoff = []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}

// ErrNoJob is returned for an id that is not in the queue.
var ErrNoJob = errors.New("no such job")

// ErrClosed is returned by methods called after Close.
var ErrClosed = errors.New("queue closed")

// ErrModeBoth is Job.ErrMode when a data connection failed in both modes
// (the session's, then the fallback's).
const ErrModeBoth = "both"
