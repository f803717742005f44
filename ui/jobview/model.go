// Package jobview is a queue job's detail, shown over the screen when
// enter is pressed on a job in the queue pane: what the job moves, where
// it stands, its whole error (never cut), and the protocol lines of its
// transfer (Lines), in a bubbles viewport that scrolls. esc closes it.
package jobview

import (
	"fmt"
	"path"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/transfer/wire"
	"ftpdeck/ui/internal/cells"
	"ftpdeck/ui/internal/palette"
	"ftpdeck/ui/queueview"
)

// KeyMap is the detail's bindings.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Close key.Binding
}

// DefaultKeyMap returns the detail's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", " ", "f"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
		Close:    key.NewBinding(key.WithKeys("esc", "q", "enter"), key.WithHelp("esc", "close")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageDown, k.Bottom, k.Close}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Close}}
}

// Styles is how the detail looks.
type Styles struct {
	Title, Label, Err, Dim    lipgloss.Style
	Sent, Received, Note, Bad lipgloss.Style
}

// DefaultStyles returns the detail's default styles.
func DefaultStyles() Styles {
	return Styles{
		Title:    palette.PaneTitle(true),
		Label:    lipgloss.NewStyle().Bold(true),
		Err:      palette.Fg(palette.Bad),
		Dim:      lipgloss.NewStyle().Faint(true),
		Sent:     palette.Fg(palette.Sent),
		Received: palette.Fg(palette.OK),
		Note:     lipgloss.NewStyle().Faint(true).Italic(true),
		Bad:      palette.Fg(palette.Bad),
	}
}

// Model is one job's detail.
type Model struct {
	keys   KeyMap
	styles Styles
	job    queue.Job
	lines  []transfer.Event
	vp     viewport.Model
	width  int
	height int
	closed bool
}

// New returns the detail of job j; events are the protocol log's kept
// lines (oldest first), from which the job's own are taken.
func New(j queue.Job, events []transfer.Event) Model {
	m := Model{keys: DefaultKeyMap(), styles: DefaultStyles(), job: j, lines: Lines(events, j)}
	m.vp = viewport.New(0, 0)
	m.vp.KeyMap = viewport.KeyMap{} // keys are ours (KeyMap), matched in Update
	return m
}

// SetJob shows a newer state of the job (the queue moved on), with the
// log's lines now; the scroll position is kept, or follows the end when
// it was there.
func (m *Model) SetJob(j queue.Job, events []transfer.Event) {
	atEnd := m.vp.AtBottom()
	m.job, m.lines = j, Lines(events, j)
	m.render()
	if atEnd && m.vp.YOffset > 0 {
		m.vp.GotoBottom()
	}
}

// SetStyles replaces the styles.
func (m *Model) SetStyles(s Styles) { m.styles = s; m.render() }

// SetSize sets the outer size: a title line and the scrolled body.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.vp.Width, m.vp.Height = max(w, 1), max(h-1, 1)
	m.render()
}

// KeyMap returns the bindings (for help).
func (m Model) KeyMap() KeyMap { return m.keys }

// Done reports that the user closed the detail.
func (m Model) Done() bool { return m.closed }

// Size returns the size set with SetSize.
func (m Model) Size() (w, h int) { return m.width, m.height }

// Job returns the job shown.
func (m Model) Job() queue.Job { return m.job }

// Lines returns the number of protocol lines found for the job.
func (m Model) Lines() int { return len(m.lines) }

// YOffset returns the first body line shown.
func (m Model) YOffset() int { return m.vp.YOffset }

// Update scrolls, and closes on esc (Done). A key message holding several
// runes counts as that many presses.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || k.Paste {
		return m, nil
	}
	if k.Type == tea.KeyRunes && len(k.Runes) > 1 {
		var cmds []tea.Cmd
		for _, r := range k.Runes {
			var c tea.Cmd
			m, c = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: k.Alt})
			cmds = append(cmds, c)
		}
		return m, tea.Batch(cmds...)
	}
	switch {
	case key.Matches(k, m.keys.Close):
		m.closed = true
	case key.Matches(k, m.keys.Up):
		m.vp.ScrollUp(1)
	case key.Matches(k, m.keys.Down):
		m.vp.ScrollDown(1)
	case key.Matches(k, m.keys.PageUp):
		m.vp.PageUp()
	case key.Matches(k, m.keys.PageDown):
		m.vp.PageDown()
	case key.Matches(k, m.keys.Top):
		m.vp.GotoTop()
	case key.Matches(k, m.keys.Bottom):
		m.vp.GotoBottom()
	}
	return m, nil
}

// View renders the title and the body, exactly width×height.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	title := fmt.Sprintf(" Job %d · %s", m.job.ID, wire.Escape(m.name()))
	if n := m.vp.TotalLineCount(); n > m.vp.Height {
		title += fmt.Sprintf("  (lines %d–%d of %d)", m.vp.YOffset+1, min(m.vp.YOffset+m.vp.Height, n), n)
	}
	out := m.styles.Title.Render(cells.Fit(title, m.width))
	body := strings.Split(m.vp.View(), "\n")
	for i := range body {
		body[i] = cells.Fit(body[i], m.width)
	}
	for len(body) < m.height-1 {
		body = append(body, strings.Repeat(" ", m.width))
	}
	return out + "\n" + strings.Join(body[:m.height-1], "\n")
}

func (m Model) name() string {
	if m.job.Dir == queue.Upload {
		return "↑ " + path.Base(m.job.Local)
	}
	return "↓ " + path.Base(m.job.Remote)
}

// render lays the content out at the current width: every line wrapped,
// nothing cut.
func (m *Model) render() {
	w := max(m.width, 20)
	j := m.job
	s := m.styles
	var b []string
	wrap := func(st lipgloss.Style, text string, indent int) {
		for _, l := range strings.Split(ansi.Wrap(text, w-indent, " /"), "\n") {
			b = append(b, strings.Repeat(" ", indent)+st.Render(l))
		}
	}
	// hang wraps a log line at spaces (one space is where a line
	// breaks; no other character is lost or added), its continuation
	// lines indented.
	hang := func(st lipgloss.Style, text string) {
		const in = 4
		for i, l := range cells.Break(text, w, w-in) {
			if i > 0 {
				l = strings.Repeat(" ", in) + l
			}
			b = append(b, st.Render(l))
		}
	}
	field := func(label, value string) {
		wrap(lipgloss.Style{}, s.Label.Render(fmt.Sprintf("%-9s", label))+" "+value, 0)
	}
	from, to := j.Remote, j.Local
	if j.Dir == queue.Upload {
		from, to = j.Local, j.Remote
	}
	field("from", wire.Escape(from))
	field("to", wire.Escape(to))
	state := j.State.String()
	if j.Mode != "" {
		state += " (pinned to " + j.Mode + " mode)"
	}
	field("state", state)
	field("bytes", fmt.Sprintf("%s of %s", queueview.Size(j.Done), queueview.Size(j.Size)))
	field("attempts", fmt.Sprint(j.Attempts))
	if j.Err != "" {
		b = append(b, "", s.Label.Render("error"))
		wrap(s.Err, wire.Escape(j.Err), 2)
		if j.ErrMode != "" && j.ErrMode != queue.ErrModeBoth {
			wrap(s.Dim, fmt.Sprintf("the data connection failed in %s mode: m in the queue pane retries in the other mode", j.ErrMode), 2)
		}
	}
	b = append(b, "")
	if len(m.lines) == 0 {
		b = append(b, s.Label.Render("protocol lines"), s.Dim.Render("  none kept for this job (the log keeps only its latest lines)"))
	} else {
		b = append(b, s.Label.Render(fmt.Sprintf("protocol lines (%d)", len(m.lines))))
		for _, e := range m.lines {
			hang(m.lineStyle(e), e.String())
		}
	}
	m.vp.SetContent(strings.Join(b, "\n"))
}

func (m Model) lineStyle(e transfer.Event) lipgloss.Style {
	switch {
	case e.Dir == transfer.Sent:
		return m.styles.Sent
	case e.Dir == transfer.Note:
		return m.styles.Note
	case e.ReplyCode() >= 400:
		return m.styles.Bad
	}
	return m.styles.Received
}
