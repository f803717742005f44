// Package queueview is the queue pane: one row per job with direction,
// name, size, a progress bar, speed, ETA and state. It renders a
// Summary the root model hands it and turns keys into Action
// messages; it never calls the queue itself (the root does, in commands).
package queueview

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"ftpdeck/transfer/queue"
	"ftpdeck/transfer/wire"
	"ftpdeck/ui/internal/cells"
	"ftpdeck/ui/internal/palette"
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
)

// ActionMsg asks the root to run op on job ID (the job as shown).
type ActionMsg struct {
	Op  Op
	Job queue.Job
}

// KeyMap is the queue pane's bindings.
type KeyMap struct {
	Up, Down, Home, End              key.Binding
	Pause, Cancel, Retry, RetryOther key.Binding
	MoveUp, MoveDown, PauseAll       key.Binding
}

// DefaultKeyMap returns the INTERFACE.md queue bindings; `m` retries a
// failed job in the other data-connection mode.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Home:       key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "first")),
		End:        key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "last")),
		Pause:      key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "pause/resume")),
		Cancel:     key.NewBinding(key.WithKeys("x", "delete"), key.WithHelp("x/del", "cancel/remove")),
		Retry:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		RetryOther: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "retry in other mode")),
		MoveUp:     key.NewBinding(key.WithKeys("K"), key.WithHelp("K", "move up")),
		MoveDown:   key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "move down")),
		PauseAll:   key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "pause/resume all")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Pause, k.Cancel, k.Retry, k.RetryOther}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Home, k.End},
		{k.Pause, k.Cancel, k.Retry, k.RetryOther},
		{k.MoveUp, k.MoveDown, k.PauseAll},
	}
}

// Styles is how the queue pane looks.
type Styles struct {
	Title, TitleFocused, Cursor, Dim lipgloss.Style
	Running, Done, Failed, Paused    lipgloss.Style
	BarFull, BarEmpty                lipgloss.Style
}

// DefaultStyles returns the default queue styles.
func DefaultStyles() Styles {
	return Styles{
		Title:        palette.PaneTitle(false),
		TitleFocused: palette.PaneTitle(true),
		Cursor:       lipgloss.NewStyle().Reverse(true),
		Dim:          lipgloss.NewStyle().Faint(true),
		Running:      palette.Fg(palette.Info),
		Done:         palette.Fg(palette.OK),
		Failed:       palette.Fg(palette.Bad),
		Paused:       palette.Fg(palette.Warn),
		BarFull:      palette.Fg(palette.Accent),
		BarEmpty:     lipgloss.NewStyle().Faint(true),
	}
}

// Model is the queue pane.
type Model struct {
	keys    KeyMap
	styles  Styles
	sum     queue.Summary
	note    string // shown when there is no queue
	cursor  int
	offset  int
	width   int
	height  int
	focused bool
}

// New returns an empty queue pane.
func New() Model {
	return Model{keys: DefaultKeyMap(), styles: DefaultStyles(), note: "no transfers — mark files and press c"}
}

// SetStyles replaces the styles.
func (m *Model) SetStyles(s Styles) { m.styles = s }

// SetSize sets the outer size (one title line, height-1 rows).
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h; m.clamp() }

// Focus gives the pane the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes the keyboard away.
func (m *Model) Blur() { m.focused = false }

// KeyMap returns the bindings (for help).
func (m Model) KeyMap() KeyMap { return m.keys }

// SetNote sets the text shown when the queue is empty.
func (m *Model) SetNote(s string) { m.note = s }

// SetSummary shows a new snapshot of the queue, keeping the cursor on the
// same job where it can.
func (m *Model) SetSummary(s queue.Summary) {
	var id int64 = -1
	if j, ok := m.Current(); ok {
		id = j.ID
	}
	m.sum = s
	for i, j := range s.Jobs {
		if j.ID == id {
			m.cursor = i
		}
	}
	m.clamp()
}

// Summary returns the snapshot shown.
func (m Model) Summary() queue.Summary { return m.sum }

// Current returns the job under the cursor.
func (m Model) Current() (queue.Job, bool) {
	if m.cursor < 0 || m.cursor >= len(m.sum.Jobs) {
		return queue.Job{}, false
	}
	return m.sum.Jobs[m.cursor], true
}

func (m Model) body() int { return max(m.height-1, 1) }

func (m *Model) clamp() {
	n := len(m.sum.Jobs)
	m.cursor = min(max(m.cursor, 0), max(n-1, 0))
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+m.body() {
		m.offset = m.cursor - m.body() + 1
	}
	m.offset = min(max(m.offset, 0), max(n-m.body(), 0))
}

// Update moves the cursor and turns action keys into ActionMsg commands.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || !m.focused {
		return m, nil
	}
	act := func(op Op) tea.Cmd {
		j, ok := m.Current()
		if !ok && op != PauseResumeAll {
			return nil
		}
		return func() tea.Msg { return ActionMsg{Op: op, Job: j} }
	}
	switch {
	case key.Matches(k, m.keys.Up):
		m.cursor--
	case key.Matches(k, m.keys.Down):
		m.cursor++
	case key.Matches(k, m.keys.Home):
		m.cursor = 0
	case key.Matches(k, m.keys.End):
		m.cursor = len(m.sum.Jobs) - 1
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
	}
	m.clamp()
	return m, nil
}

// View renders the title and the visible jobs, exactly width×height.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	s := m.sum
	title := fmt.Sprintf(" Queue  %d running · %d queued · %d done", s.Running, s.Queued, s.Done)
	if s.Failed > 0 {
		title += fmt.Sprintf(" · %d failed", s.Failed)
	}
	if s.Paused > 0 {
		title += fmt.Sprintf(" · %d paused", s.Paused)
	}
	if s.Speed > 0 {
		title += " · " + Rate(s.Speed)
	}
	if s.SaveErr != "" {
		title += " · queue.json: " + s.SaveErr
	}
	st := m.styles.Title
	if m.focused {
		st = m.styles.TitleFocused
	}
	out := []string{st.Render(cells.Fit(title, m.width))}
	if len(s.Jobs) == 0 && m.height > 1 {
		out = append(out, m.styles.Dim.Render(cells.Fit("  "+m.note, m.width)))
	}
	for i := m.offset; i < len(s.Jobs) && len(out) < m.height; i++ {
		out = append(out, m.row(i))
	}
	for len(out) < m.height {
		out = append(out, strings.Repeat(" ", m.width))
	}
	return strings.Join(out, "\n")
}

func (m Model) row(i int) string {
	j := m.sum.Jobs[i]
	arrow, name := "↓", path.Base(j.Remote)
	if j.Dir == queue.Upload {
		arrow, name = "↑", filepath.Base(j.Local)
	}
	size := "?"
	if j.Size >= 0 {
		size = cells.HumanSize(j.Size)
	}
	state := j.State.String()
	if j.Mode != "" {
		state += " (" + j.Mode + ")"
	}
	if j.Err != "" && (j.State == queue.Failed || j.State == queue.Queued) {
		state += ": " + wire.Escape(j.Err)
	} else if j.Note != "" {
		state += ": " + wire.Escape(j.Note) // a fallback, a resume, already complete
	}
	speed, eta := "", ""
	if j.State == queue.Running {
		speed = Rate(j.Speed)
		if j.Speed > 0 && j.Size > j.Done {
			eta = ETA(time.Duration(float64(j.Size-j.Done) / j.Speed * float64(time.Second)))
		}
	}
	barW := 0
	if m.width >= 70 {
		barW = min(20, m.width/6)
	}
	// ↓ name size [bar] pct speed eta state
	fixed := 2 + 1 + 7 + 1 + 5 + 1 + 9 + 1 + 6 + 1
	if barW > 0 {
		fixed += barW + 1
	}
	stateW := max(m.width/4, 10)
	nameW := max(m.width-fixed-stateW, 6)
	pct := 0.0
	if j.Size > 0 {
		pct = float64(j.Done) / float64(j.Size)
	} else if j.State == queue.Done {
		pct = 1
	}
	line := arrow + " " + cells.Fit(wire.Escape(name), nameW) + " " + fmt.Sprintf("%7s", size) + " "
	if barW > 0 {
		line += m.bar(pct, barW) + " "
	}
	line += fmt.Sprintf("%4.0f%%", pct*100) + " " + fmt.Sprintf("%9s", speed) + " " + fmt.Sprintf("%6s", eta) + " "
	line += m.stateStyle(j.State).Render(cells.Fit(state, max(m.width-ansi.StringWidth(line), 1)))
	if i == m.cursor && m.focused {
		return m.styles.Cursor.Render(ansi.Strip(cells.Fit(line, m.width)))
	}
	return cells.Fit(line, m.width)
}

func (m Model) bar(pct float64, w int) string {
	full := int(pct*float64(w) + 0.5)
	full = min(max(full, 0), w)
	return m.styles.BarFull.Render(strings.Repeat("█", full)) + m.styles.BarEmpty.Render(strings.Repeat("░", w-full))
}

func (m Model) stateStyle(s queue.State) lipgloss.Style {
	switch s {
	case queue.Running:
		return m.styles.Running
	case queue.Done:
		return m.styles.Done
	case queue.Failed:
		return m.styles.Failed
	case queue.Paused:
		return m.styles.Paused
	case queue.Queued, queue.Skipped, queue.Canceled:
		return m.styles.Dim
	}
	return m.styles.Dim
}

// Rate formats bytes per second: "1.2 MB/s".
func Rate(bps float64) string {
	if bps <= 0 {
		return ""
	}
	units := []string{"B/s", "KB/s", "MB/s", "GB/s"}
	i := 0
	for bps >= 1000 && i < len(units)-1 {
		bps /= 1000
		i++
	}
	if bps < 10 && i > 0 {
		return fmt.Sprintf("%.1f %s", bps, units[i])
	}
	return fmt.Sprintf("%.0f %s", bps, units[i])
}

// ETA formats a remaining time: "42s", "3m05s", "2h10m".
func ETA(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}
