package queueview

// These mirror the queue package's Job and Summary so the UI builds while
// transfer/queue is being written; ui/uiqueue converts.

// Direction says which way a job moves a file.
type Direction int

// The two directions.
const (
	Download Direction = iota
	Upload
)

// State is where a job is in its life.
type State int

// The job states.
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

// String returns the state's name.
func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return "?"
	}
	return stateNames[s]
}

// Job is one transfer as shown.
type Job struct {
	ID            int64
	Dir           Direction
	Remote, Local string
	Size, Done    int64
	State         State
	Attempts      int
	Err           string
	Mode          string
	Speed         float64
}

// Summary is the queue at one moment.
type Summary struct {
	Jobs                                                     []Job
	Running, Queued, Paused, Done, Failed, Skipped, Canceled int
	BytesDone, BytesTotal                                    int64
	Speed                                                    float64
	SaveErr                                                  string
}
