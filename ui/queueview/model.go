// Package queueview is the queue pane: one row per job with direction,
// name, bytes done of the total, a progress bar, %, speed, ETA and state,
// under a header with the whole queue's files, bytes, %, speed and ETA.
// Running jobs come first, so they are on screen however long the queue.
// It renders a Summary the root model hands it and turns keys into
// messages; it never calls the queue itself (the root does, in commands).
//
// Speeds are measured here, from the bytes done between summaries, and
// averaged over five seconds (Meter) so that ETAs hold still.
package queueview

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer/queue"
)

// Op is what the user asked to do with a job.
type Op int

// The queue operations of INTERFACE.md (plus RetryOther, `m`).
const (
	PauseResume Op = iota
	CancelRemove
	Retry
	RetryOther
	MoveUp
	MoveDown
	PauseResumeAll
	ClearFinished // every done, skipped and canceled job leaves the queue
)

// ActionMsg asks the root to run Op on Job (the job as shown; none for
// PauseResumeAll and ClearFinished).
type ActionMsg struct {
	Op  Op
	Job queue.Job
}

// DetailMsg asks the root to show Job's detail: its whole error and the
// protocol lines of its transfer (package jobview).
type DetailMsg struct{ Job queue.Job }

// Model is the queue pane. It reuses its buffers from one summary to the
// next: keep only the latest copy (as Bubble Tea does).
type Model struct {
	keys   KeyMap
	styles Styles
	bar    progress.Model
	now    func() time.Time

	sum    queue.Summary
	order  []int    // display order: indexes into sum.Jobs
	groups [4][]int // order's parts by rank, kept to be reused
	prog   Progress

	// speed measurement
	prev, spare map[int64]int64 // Done of each unfinished job last time
	rates       map[int64]*jobMeter
	total       Meter
	files       Meter  // files done per second (in "bytes" of one)
	gen         uint64 // summaries measured
	maxID       int64  // the highest job id seen: ids grow, so a higher one is new

	note    string // shown when there is no queue
	cursor  int    // index into order
	offset  int
	width   int
	height  int
	focused bool
}

// Progress is the whole queue's progress, as the header shows it.
type Progress struct {
	FilesDone, FilesTotal int   // done jobs, of all but skipped and canceled
	BytesDone, BytesTotal int64 // as queue.Summary counts them
	Left                  int64 // bytes still to move by queued and running jobs
	Speed                 float64
	FileRate              float64 // files done per second, averaged as Speed
	Running, Queued       int
	Paused, Failed        int
}

// Percent is BytesDone of BytesTotal, 0..1 (files when no size is known).
func (p Progress) Percent() float64 {
	switch {
	case p.BytesTotal > 0:
		return min(float64(p.BytesDone)/float64(p.BytesTotal), 1)
	case p.FilesTotal > 0:
		return float64(p.FilesDone) / float64(p.FilesTotal)
	}
	return 0
}

// ETA is the time left, "" when unknown. It is the bytes left at the
// averaged speed — unless queued files are still to start and the files
// left at the averaged rate of files take far less. A file costs some
// fixed time o (round trips) plus its bytes over the bandwidth B, and what
// was measured, o + size/B a file, only bounds the time left between
// those two figures: a batch of small files, slow in bytes per second,
// tells nothing of how fast a large file queued behind it will go. Then
// the ETA is shown as the lower bound, "≥ 13s", not as 15 hours.
func (p Progress) ETA() string {
	byBytes := eta(p.Left, p.Speed)
	if p.Queued == 0 || p.FileRate <= 0 || p.Speed <= 0 {
		return byBytes
	}
	tb := float64(p.Left) / p.Speed
	tf := float64(p.Queued+p.Running) / p.FileRate
	if tb > 3*tf || tf > 3*tb {
		return "≥ " + ETA(time.Duration(min(tb, tf)*float64(time.Second)))
	}
	return byBytes
}

// New returns an empty queue pane.
func New() Model {
	s := DefaultStyles()
	return Model{
		keys: DefaultKeyMap(), styles: s, bar: newBar(s), now: time.Now,
		prev: map[int64]int64{}, spare: map[int64]int64{}, rates: map[int64]*jobMeter{},
		note: "no transfers — mark files and press c",
	}
}

// SetStyles replaces the styles.
func (m *Model) SetStyles(s Styles) { m.styles, m.bar = s, newBar(s) }

// SetClock replaces time.Now for the speed measurement (tests).
func (m *Model) SetClock(now func() time.Time) { m.now = now }

// SetSize sets the outer size (one title line, height-1 rows).
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h; m.clamp() }

// Focus gives the pane the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes the keyboard away.
func (m *Model) Blur() { m.focused = false }

// Focused reports whether the pane has the keyboard.
func (m Model) Focused() bool { return m.focused }

// KeyMap returns the bindings (for help).
func (m Model) KeyMap() KeyMap { return m.keys }

// SetNote sets the text shown when the queue is empty.
func (m *Model) SetNote(s string) { m.note = s }

// Summary returns the snapshot shown.
func (m Model) Summary() queue.Summary { return m.sum }

// Progress returns the whole queue's progress.
func (m Model) Progress() Progress { return m.prog }

// JobSpeed returns the averaged speed of a running job (0 when unknown).
func (m Model) JobSpeed(id int64) float64 {
	if r := m.rates[id]; r != nil {
		return r.Rate()
	}
	return 0
}

// rank orders the display: running jobs, then failed ones (they want a
// look), then those still to do, then the finished.
func rank(s queue.State) int {
	switch s {
	case queue.Running:
		return 0
	case queue.Failed:
		return 1
	case queue.Queued, queue.Paused:
		return 2
	case queue.Done, queue.Skipped, queue.Canceled:
	}
	return 3
}

// SetSummary shows a new snapshot of the queue and measures the speeds
// since the last one. A cursor on the first row stays there (the view
// follows the running jobs); elsewhere it stays on its job.
func (m *Model) SetSummary(s queue.Summary) {
	var id int64 = -1
	if j, ok := m.Current(); ok && m.cursor > 0 {
		id = j.ID
	}
	m.measure(s, m.now())
	m.sum = s
	for r := range m.groups {
		m.groups[r] = m.groups[r][:0]
	}
	for i, j := range s.Jobs {
		r := rank(j.State)
		m.groups[r] = append(m.groups[r], i)
	}
	m.order = m.order[:0]
	for _, g := range m.groups {
		m.order = append(m.order, g...)
	}
	if id >= 0 {
		for k, i := range m.order {
			if s.Jobs[i].ID == id {
				m.cursor = k
				break
			}
		}
	}
	m.clamp()
}

// measure feeds the meters with the bytes each job moved since the last
// summary and totals the queue's progress.
func (m *Model) measure(s queue.Summary, now time.Time) {
	if len(s.Jobs) == 0 { // no queue, or a new one coming: start afresh
		clear(m.prev)
		clear(m.rates)
		m.total.Reset()
		m.files.Reset()
		m.gen, m.maxID = 0, 0
	}
	m.gen++
	next := m.spare
	clear(next)
	var moved, ended int64
	p := Progress{BytesDone: s.BytesDone, BytesTotal: s.BytesTotal,
		Running: s.Running, Queued: s.Queued, Paused: s.Paused, Failed: s.Failed}
	live := 0
	maxID := m.maxID
	for _, j := range s.Jobs {
		prev, seen := m.prev[j.ID]
		if !seen && j.ID > m.maxID && m.gen > 1 {
			// Added since the last summary: what it holds moved since
			// (a small file is queued, run and done between two).
			seen = true
		}
		maxID = max(maxID, j.ID)
		d := int64(0)
		if seen && j.Done > prev && j.State != queue.Skipped && j.State != queue.Canceled {
			d = j.Done - prev
			moved += d
		}
		switch j.State {
		case queue.Running, queue.Queued, queue.Paused:
			next[j.ID] = j.Done
		case queue.Done:
			if seen {
				ended++ // finished since the last summary
			}
		case queue.Failed, queue.Skipped, queue.Canceled:
		}
		if j.State == queue.Skipped || j.State == queue.Canceled {
			continue
		}
		p.FilesTotal++
		switch j.State {
		case queue.Done:
			p.FilesDone++
		case queue.Running, queue.Queued:
			if j.Size > j.Done {
				p.Left += j.Size - j.Done
			}
		case queue.Paused, queue.Failed, queue.Skipped, queue.Canceled:
		}
		if j.State != queue.Running {
			continue
		}
		live++
		r := m.rates[j.ID]
		if r == nil {
			r = &jobMeter{}
			m.rates[j.ID] = r
		}
		r.Add(now, d)
		r.gen = m.gen
	}
	if live < len(m.rates) {
		for id, r := range m.rates {
			if r.gen != m.gen {
				delete(m.rates, id)
			}
		}
	}
	m.prev, m.spare, m.maxID = next, m.prev, maxID
	if s.Running == 0 && (moved == 0 || s.Queued == 0) {
		m.total.Reset() // idle: the next transfer is measured afresh
		m.files.Reset()
	} else {
		m.total.Add(now, moved)
		m.files.Add(now, ended)
	}
	// The queue's speed is its bytes over the last seconds — or, when
	// higher, the sum of the running jobs' own speeds: a large file that
	// starts after a batch of small ones is measured from its start, not
	// through the batch's slow seconds still in the average.
	var jobs float64
	for _, r := range m.rates {
		jobs += r.Rate()
	}
	p.Speed, p.FileRate = max(m.total.Rate(), jobs), m.files.Rate()
	if s.Running == 0 {
		p.Speed = m.total.Rate()
	}
	m.prog = p
}

// jobMeter is a running job's meter, stamped with the last summary that
// showed it running.
type jobMeter struct {
	Meter
	gen uint64
}

// Current returns the job under the cursor.
func (m Model) Current() (queue.Job, bool) {
	if m.cursor < 0 || m.cursor >= len(m.order) {
		return queue.Job{}, false
	}
	return *m.sum.Jobs[m.order[m.cursor]], true
}

// Cursor returns the cursor's row (0 is the first job shown).
func (m Model) Cursor() int { return m.cursor }

func (m Model) body() int { return max(m.height-1, 1) }

func (m *Model) clamp() {
	n := len(m.order)
	m.cursor = min(max(m.cursor, 0), max(n-1, 0))
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+m.body() {
		m.offset = m.cursor - m.body() + 1
	}
	m.offset = min(max(m.offset, 0), max(n-m.body(), 0))
}

// Update moves the cursor and turns action keys into ActionMsg and
// DetailMsg commands. A key message holding several runes ("jjj" read at
// once from a fast typist, SSH or tmux) counts as that many presses.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || !m.focused || k.Paste {
		return m, nil
	}
	if k.Type == tea.KeyRunes && len(k.Runes) > 1 {
		cmds := make([]tea.Cmd, 0, len(k.Runes))
		for _, r := range k.Runes {
			var c tea.Cmd
			m, c = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: k.Alt})
			cmds = append(cmds, c)
		}
		return m, tea.Batch(cmds...)
	}
	return m.press(k)
}

func (m Model) press(k tea.KeyMsg) (Model, tea.Cmd) {
	cur, ok := m.Current()
	act := func(op Op) tea.Cmd {
		if !ok && op != PauseResumeAll && op != ClearFinished {
			return nil
		}
		a := ActionMsg{Op: op}
		if op != PauseResumeAll && op != ClearFinished {
			a.Job = cur
		}
		return func() tea.Msg { return a }
	}
	switch {
	case key.Matches(k, m.keys.Up):
		m.cursor--
	case key.Matches(k, m.keys.Down):
		m.cursor++
	case key.Matches(k, m.keys.PageUp):
		m.cursor -= m.body()
		m.offset -= m.body()
	case key.Matches(k, m.keys.PageDown):
		m.cursor += m.body()
		m.offset += m.body()
	case key.Matches(k, m.keys.Home):
		m.cursor, m.offset = 0, 0
	case key.Matches(k, m.keys.End):
		m.cursor = len(m.order) - 1
	case key.Matches(k, m.keys.Detail):
		if ok {
			return m, func() tea.Msg { return DetailMsg{Job: cur} }
		}
	case key.Matches(k, m.keys.Pause):
		return m, act(PauseResume)
	case key.Matches(k, m.keys.Cancel):
		return m, act(CancelRemove)
	case key.Matches(k, m.keys.Retry):
		return m, act(Retry)
	case key.Matches(k, m.keys.RetryOther):
		return m, act(RetryOther)
	case key.Matches(k, m.keys.MoveUp):
		return m, act(MoveUp)
	case key.Matches(k, m.keys.MoveDown):
		return m, act(MoveDown)
	case key.Matches(k, m.keys.PauseAll):
		return m, act(PauseResumeAll)
	case key.Matches(k, m.keys.ClearFinished):
		return m, act(ClearFinished)
	}
	m.clamp()
	return m, nil
}
