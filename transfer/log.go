package transfer

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"ftpdeck/transfer/wire"
)

// Direction says which way a protocol-log line went.
type Direction byte

// The directions of INTERFACE.md's log lines.
const (
	Sent     Direction = '>' // a command we sent
	Received Direction = '<' // a reply line we received
	Note     Direction = '*' // ftpdeck's own remark, not on the wire
)

// Event is one protocol-log line: one command, one reply line, or a note.
// Conn is the connection number shown in brackets (0 for the session).
type Event struct {
	Time time.Time
	Conn int
	Dir  Direction
	Text string // as on the wire (password masked); never escaped here
	Note string // ftpdeck's decoding or remark, may be empty
	// Hint marks a note that is advice for the user (set encoding = "gbk"
	// …): the TUI shows it on the status line too, and headless commands
	// on stderr (Log.OnHint).
	Hint bool
}

// noteColumn is where " ; note" starts when the text is shorter, so notes
// line up in the log pane and in --log files.
const noteColumn = 40

// String formats the event in the INTERFACE.md line format, with control
// characters in text and note escaped.
func (e Event) String() string {
	var b strings.Builder
	b.Grow(64 + len(e.Text) + len(e.Note))
	b.WriteString(e.Time.Format("15:04:05.000"))
	fmt.Fprintf(&b, " [%d] %c ", e.Conn, e.Dir)
	text := wire.Escape(e.Text)
	b.WriteString(text)
	if e.Note != "" {
		if pad := noteColumn - len(text); pad > 0 && e.Text != "" {
			b.WriteString(strings.Repeat(" ", pad))
		}
		if e.Text != "" {
			b.WriteString(" ; ")
		}
		b.WriteString(wire.Escape(e.Note))
	}
	return b.String()
}

// ReplyCode returns the reply code of a received line, or 0.
func (e Event) ReplyCode() int {
	if e.Dir != Received {
		return 0
	}
	code, _, err := wire.ParseCode(e.Text)
	if err != nil {
		return 0
	}
	return code
}

// Log is the session's protocol log: a bounded ring of events, live
// subscribers (the log pane), and sinks (--log FILE). It is safe for
// concurrent use; Add never blocks on a slow subscriber.
type Log struct {
	mu    sync.Mutex
	ring  []Event
	next  int // index where the next event goes
	full  bool
	subs  map[int]chan Event
	subID int
	sinks []io.Writer
	hints []func(text string)
	now   func() time.Time
	conns atomic.Int32 // connection numbers, unique across every session on this log
}

// NextConn returns a new connection number: numbers are unique per log, so
// sessions that share a log (a reconnect, a second site) never reuse one.
func (l *Log) NextConn() int { return int(l.conns.Add(1)) }

// NewLog returns a log that keeps the last capacity events.
func NewLog(capacity int) *Log {
	if capacity < 1 {
		capacity = 1
	}
	return &Log{ring: make([]Event, capacity), subs: map[int]chan Event{}, now: time.Now}
}

// Add records an event, stamping its time when it has none.
func (l *Log) Add(e Event) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if e.Time.IsZero() {
		e.Time = l.now()
	}
	l.ring[l.next] = e
	l.next++
	if l.next == len(l.ring) {
		l.next, l.full = 0, true
	}
	for _, ch := range l.subs {
		select {
		case ch <- e:
		default: // dropped for this subscriber, which still has the ring via Snapshot
		}
	}
	if e.Hint {
		for _, f := range l.hints {
			f(e.Note)
		}
	}
	if len(l.sinks) > 0 {
		line := e.String() + "\n"
		for _, w := range l.sinks {
			_, _ = io.WriteString(w, line) // a failing sink must not stop transfers
		}
	}
}

// Notef adds a note (direction '*') for connection conn.
func (l *Log) Notef(conn int, format string, args ...any) {
	l.Add(Event{Conn: conn, Dir: Note, Note: fmt.Sprintf(format, args...)})
}

// Hintf adds a note that is advice for the user (Event.Hint).
func (l *Log) Hintf(conn int, format string, args ...any) {
	l.Add(Event{Conn: conn, Dir: Note, Note: fmt.Sprintf(format, args...), Hint: true})
}

// OnHint makes f be called with the text of every later hint. It is
// called under the log's lock: f must be quick and must not log.
func (l *Log) OnHint(f func(text string)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hints = append(l.hints, f)
}

// Snapshot returns the kept events, oldest first.
func (l *Log) Snapshot() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.full {
		return append([]Event(nil), l.ring[:l.next]...)
	}
	out := make([]Event, 0, len(l.ring))
	out = append(out, l.ring[l.next:]...)
	return append(out, l.ring[:l.next]...)
}

// Subscribe returns a channel that receives every event added from now on
// (buffered by buf; events are dropped for this subscriber when it falls
// behind) and a function that ends the subscription and closes the channel.
func (l *Log) Subscribe(buf int) (<-chan Event, func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.subID++
	id := l.subID
	ch := make(chan Event, buf)
	l.subs[id] = ch
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			delete(l.subs, id)
			close(ch)
		})
	}
}

// AddSink makes every later event also be written to w as one formatted
// line. Writes happen under the log's lock, so w needs no locking of its own.
func (l *Log) AddSink(w io.Writer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sinks = append(l.sinks, w)
}
