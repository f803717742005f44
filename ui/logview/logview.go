// Package logview is the protocol log pane: live lines from every
// connection in the INTERFACE.md format, coloured by direction and reply
// class, following the tail unless the user scrolled up. It is bounded: the
// oldest lines go first. It does not subscribe to the log itself; the root
// model feeds it events.
package logview

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"ftpdeck/transfer"
	"ftpdeck/ui/internal/cells"
	"ftpdeck/ui/internal/palette"
)

// KeyMap is the log pane's bindings (when it has the keyboard).
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
}

// DefaultKeyMap returns the log pane's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "oldest")),
		End:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "follow tail")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down, k.End} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}}
}

// Styles colours the log lines.
type Styles struct {
	Title, TitleFocused                    lipgloss.Style
	Sent, Note                             lipgloss.Style
	Reply2, Reply3, Reply4, Reply5, Reply1 lipgloss.Style
}

// DefaultStyles returns the default log colours: commands cyan, 2xx green,
// 3xx blue, 4xx yellow, 5xx red, notes dim.
func DefaultStyles() Styles {
	return Styles{
		Title:        palette.PaneTitle(false),
		TitleFocused: palette.PaneTitle(true),
		Sent:         palette.Fg(palette.Sent),
		Note:         lipgloss.NewStyle().Faint(true).Italic(true),
		Reply1:       palette.Fg(palette.Muted),
		Reply2:       palette.Fg(palette.OK),
		Reply3:       palette.Fg(palette.Info),
		Reply4:       palette.Fg(palette.Warn),
		Reply5:       palette.Fg(palette.Bad),
	}
}

// Model is the log pane.
type Model struct {
	keys   KeyMap
	styles Styles
	lines  []transfer.Event // oldest first, at most limit
	limit  int
	top    int // first line shown when not following
	follow bool

	width, height int
	focused       bool
}

// New returns a log pane keeping at most limit lines.
func New(limit int) Model {
	if limit < 1 {
		limit = 5000
	}
	return Model{keys: DefaultKeyMap(), styles: DefaultStyles(), limit: limit, follow: true}
}

// SetStyles replaces the styles.
func (m *Model) SetStyles(s Styles) { m.styles = s }

// SetSize sets the pane's outer size (one title line, height-1 lines).
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h; m.clamp() }

// Focus gives the pane the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes the keyboard away.
func (m *Model) Blur() { m.focused = false }

// KeyMap returns the bindings (for help).
func (m Model) KeyMap() KeyMap { return m.keys }

// Len returns the number of lines kept.
func (m Model) Len() int { return len(m.lines) }

// Following reports whether the pane follows the tail.
func (m Model) Following() bool { return m.follow }

// Lines returns the kept lines as text (for tests).
func (m Model) Lines() []string {
	out := make([]string, len(m.lines))
	for i, e := range m.lines {
		out[i] = e.String()
	}
	return out
}

// Append adds events, dropping the oldest beyond the limit.
func (m *Model) Append(es ...transfer.Event) {
	m.lines = append(m.lines, es...)
	if over := len(m.lines) - m.limit; over > 0 {
		// Resliced, not copied: append moves only the kept lines when it
		// next grows the array, so a full log costs no copy per batch.
		m.lines = m.lines[over:]
		m.top = max(m.top-over, 0)
	}
	m.clamp()
}

func (m Model) body() int { return max(m.height-1, 1) }

// Update scrolls on keys when focused. A key message holding several
// runes ("kkk" read at once from a fast typist, SSH or tmux) counts as
// that many presses.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || !m.focused || k.Paste {
		return m, nil
	}
	if k.Type == tea.KeyRunes && len(k.Runes) > 1 {
		for _, r := range k.Runes {
			m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: k.Alt})
		}
		return m, nil
	}
	if m.follow {
		m.top = max(len(m.lines)-m.body(), 0)
	}
	switch {
	case key.Matches(k, m.keys.Up):
		m.scroll(-1)
	case key.Matches(k, m.keys.Down):
		m.scroll(1)
	case key.Matches(k, m.keys.PageUp):
		m.scroll(-m.body())
	case key.Matches(k, m.keys.PageDown):
		m.scroll(m.body())
	case key.Matches(k, m.keys.Home):
		m.follow, m.top = false, 0
	case key.Matches(k, m.keys.End):
		m.follow = true
	}
	return m, nil
}

func (m *Model) scroll(d int) {
	m.top += d
	m.follow = false
	m.clamp()
	if m.top >= len(m.lines)-m.body() {
		m.follow = true
	}
}

func (m *Model) clamp() {
	m.top = min(max(m.top, 0), max(len(m.lines)-m.body(), 0))
}

// wrapIndent is how far a long line's continuation rows are indented.
const wrapIndent = 4

// View renders the title and the visible lines, exactly width×height. A
// line longer than the width wraps onto indented rows, so no note or
// error is ever cut off; only the lines on screen are wrapped.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	body := m.body()
	title := " Protocol log"
	if !m.follow {
		title += "  (scrolled — end/G follows)"
	}
	st := m.styles.Title
	if m.focused {
		st = m.styles.TitleFocused
	}
	rows := make([]string, 0, body+wrapIndent)
	if m.follow {
		// From the newest line back until the body is full.
		var back [][]string
		n := 0
		for i := len(m.lines) - 1; i >= 0 && n < body; i-- {
			r := m.rows(m.lines[i])
			back = append(back, r)
			n += len(r)
		}
		for i := len(back) - 1; i >= 0; i-- {
			rows = append(rows, back[i]...)
		}
		rows = rows[max(len(rows)-body, 0):]
	} else {
		for i := m.top; i < len(m.lines) && len(rows) < body; i++ {
			rows = append(rows, m.rows(m.lines[i])...)
		}
		rows = rows[:min(len(rows), body)]
	}
	out := make([]string, 0, m.height)
	out = append(out, st.Render(cells.Fit(title, m.width)))
	out = append(out, rows...)
	for len(out) < m.height {
		out = append(out, strings.Repeat(" ", m.width))
	}
	return strings.Join(out, "\n")
}

// rows is e's line, styled and wrapped to the width.
func (m Model) rows(e transfer.Event) []string {
	st := m.style(e)
	parts := cells.Break(e.String(), m.width, m.width-wrapIndent)
	for i, p := range parts {
		if i > 0 {
			p = strings.Repeat(" ", wrapIndent) + p
		}
		parts[i] = st.Render(cells.Fit(p, m.width))
	}
	return parts
}

func (m Model) style(e transfer.Event) lipgloss.Style {
	switch e.Dir {
	case transfer.Sent:
		return m.styles.Sent
	case transfer.Note:
		return m.styles.Note
	}
	switch e.ReplyCode() / 100 {
	case 1:
		return m.styles.Reply1
	case 2:
		return m.styles.Reply2
	case 3:
		return m.styles.Reply3
	case 4:
		return m.styles.Reply4
	case 5:
		return m.styles.Reply5
	}
	return m.styles.Reply1
}
