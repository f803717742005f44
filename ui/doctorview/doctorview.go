// Package doctorview is the mode doctor's overlay (D): "probing…" while
// the probe of EPSV, PASV, EPRT and PORT runs, then the verdict (first: on
// a small screen it is what must be seen) and the probe's table, scrolled
// with ↑/↓. It never probes: the root runs the probe in a command and
// hands the report over with SetReport.
package doctorview

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"ftpdeck/transfer"
	"ftpdeck/ui/internal/cells"
)

// KeyMap is the overlay's bindings.
type KeyMap struct {
	Close, Up, Down key.Binding
}

// DefaultKeyMap returns the bindings: ↑/↓ scroll, esc (or q, enter, D)
// closes.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Close: key.NewBinding(key.WithKeys("esc", "q", "enter", "D"), key.WithHelp("esc", "close")),
		Up:    key.NewBinding(key.WithKeys("up", "k", "pgup"), key.WithHelp("↑", "scroll up")),
		Down:  key.NewBinding(key.WithKeys("down", "j", "pgdown"), key.WithHelp("↓", "scroll down")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down, k.Close} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Styles is how the overlay looks.
type Styles struct {
	Box, Title, Desc lipgloss.Style
}

// DefaultStyles returns plain styles; the root hands down its theme's.
func DefaultStyles() Styles {
	return Styles{
		Box:   lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1),
		Title: lipgloss.NewStyle().Bold(true),
		Desc:  lipgloss.NewStyle().Faint(true),
	}
}

// Model is the overlay.
type Model struct {
	running bool
	report  transfer.Report
	note    string // saved / not saved
	offset  int    // first line shown
	keys    KeyMap
	styles  Styles
	closed  bool
}

// New returns the overlay of a probe that is running.
func New() Model {
	return Model{running: true, keys: DefaultKeyMap(), styles: DefaultStyles()}
}

// SetReport shows a finished probe and a note (what was saved).
func (m *Model) SetReport(rep transfer.Report, note string) {
	m.running, m.report, m.note, m.offset = false, rep, note, 0
}

// SetStyles replaces the styles.
func (m *Model) SetStyles(s Styles) { m.styles = s }

// Running reports whether the overlay still waits for the probe.
func (m Model) Running() bool { return m.running }

// Offset returns the first line shown.
func (m Model) Offset() int { return m.offset }

// Done reports that the user closed the overlay.
func (m Model) Done() bool { return m.closed }

// KeyMap returns the bindings (for help).
func (m Model) KeyMap() KeyMap { return m.keys }

// Update handles keys. Closing while the probe runs is allowed: the probe
// goes on and its verdict reaches the status line.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Close):
		m.closed = true
	case key.Matches(k, m.keys.Up):
		m.offset = max(m.offset-1, 0)
	case key.Matches(k, m.keys.Down):
		m.offset++
	}
	return m, nil
}

// View renders the overlay in w×h: a title line and a box.
func (m Model) View(w, h int) string {
	inner := max(w-4, 20)
	var lines []string
	if m.running {
		lines = []string{"probing EPSV, PASV, EPRT and PORT, one listing each…", "", "the table appears here when every method has had its turn"}
	} else {
		rep := m.report
		lines = strings.Split(strings.TrimRight(rep.RenderVerdict(inner), "\n"), "\n")
		if m.note != "" {
			lines = append(lines, m.note)
		}
		lines = append(lines, "")
		lines = append(lines, strings.Split(strings.TrimRight(rep.RenderTable(inner), "\n"), "\n")...)
	}
	shown := cells.Window(lines, m.offset, h-3, inner) // h less the title line and the box's borders
	box := m.styles.Box.Width(inner + 2)
	title := m.styles.Title.Render(" Mode doctor") + m.styles.Desc.Render("  (↑/↓ scroll, esc closes)")
	return ansi.Truncate(title, w, "") + "\n" + box.Render(strings.Join(shown, "\n"))
}

var _ help.KeyMap = KeyMap{}
