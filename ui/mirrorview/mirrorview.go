// Package mirrorview is the preview of a mirror (M): while both sides are
// listed it says so; then it shows the plan — counts, bytes, the first
// entries that would change — with a toggle for deleting what the source
// lacks, and waits for the user to start it or cancel. It plans nothing
// itself: the root lists the trees in a command and hands them over with
// SetTrees; Compare is pure, so the toggle replans at once.
package mirrorview

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"ftpdeck/transfer/mirror"
	"ftpdeck/transfer/wire"
	"ftpdeck/ui/internal/cells"
)

// KeyMap is the preview's bindings.
type KeyMap struct {
	Start, Delete, Cancel, Up, Down key.Binding
}

// DefaultKeyMap returns the bindings: enter starts, d toggles deleting,
// esc cancels, ↑/↓ scroll.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Start:  key.NewBinding(key.WithKeys("enter", "y"), key.WithHelp("enter", "start")),
		Delete: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete extras on/off")),
		Cancel: key.NewBinding(key.WithKeys("esc", "n", "q"), key.WithHelp("esc", "cancel")),
		Up:     key.NewBinding(key.WithKeys("up", "k", "pgup"), key.WithHelp("↑", "scroll up")),
		Down:   key.NewBinding(key.WithKeys("down", "j", "pgdown"), key.WithHelp("↓", "scroll down")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Start, k.Delete, k.Up, k.Down, k.Cancel}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Styles is how the preview looks.
type Styles struct {
	Box, Title, Desc, Warn lipgloss.Style
}

// DefaultStyles returns plain styles; the root hands down its theme's.
func DefaultStyles() Styles {
	return Styles{
		Box:   lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1),
		Title: lipgloss.NewStyle().Bold(true),
		Desc:  lipgloss.NewStyle().Faint(true),
		Warn:  lipgloss.NewStyle().Bold(true),
	}
}

// Model is the preview.
type Model struct {
	From, To string // the two folders, as the title shows them
	Down     bool   // remote to local (else local to remote)

	listing  bool
	err      error
	src, dst []mirror.Entry
	del      bool
	plan     mirror.Plan
	offset   int
	keys     KeyMap
	styles   Styles
	closed   bool
	started  bool
}

// New returns the preview of a mirror whose trees are being listed.
func New(from, to string, down bool) Model {
	return Model{From: from, To: to, Down: down, listing: true, keys: DefaultKeyMap(), styles: DefaultStyles()}
}

// SetTrees shows the plan for the listed trees, or the error that stopped
// the listing.
func (m *Model) SetTrees(src, dst []mirror.Entry, err error) {
	m.listing, m.err, m.src, m.dst = false, err, src, dst
	m.plan = mirror.Compare(src, dst, m.del)
}

// SetStyles replaces the styles.
func (m *Model) SetStyles(s Styles) { m.styles = s }

// Plan returns the plan as it stands (with the delete toggle applied).
func (m Model) Plan() mirror.Plan { return m.plan }

// Delete reports whether what the source lacks will be deleted.
func (m Model) Delete() bool { return m.del }

// Started reports that the user started the mirror (Done is then true).
func (m Model) Started() bool { return m.started }

// Done reports that the user started or cancelled.
func (m Model) Done() bool { return m.closed }

// KeyMap returns the bindings (for help).
func (m Model) KeyMap() KeyMap { return m.keys }

// Update handles keys; start is taken only once the plan is there and
// holds something to do.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Cancel):
		m.closed = true
	case key.Matches(k, m.keys.Start):
		if !m.listing && m.err == nil && m.work() > 0 {
			m.closed, m.started = true, true
		}
	case key.Matches(k, m.keys.Delete):
		if !m.listing {
			m.del = !m.del
			m.plan = mirror.Compare(m.src, m.dst, m.del)
		}
	case key.Matches(k, m.keys.Up):
		m.offset = max(m.offset-1, 0)
	case key.Matches(k, m.keys.Down):
		m.offset++
	}
	return m, nil
}

// work is how many actions would change something.
func (m Model) work() int {
	c := m.plan.Count
	return c[mirror.New] + c[mirror.Changed] + c[mirror.MakeDir] + c[mirror.Delete]
}

// View renders the preview in w×h: a title line and a box.
func (m Model) View(w, h int) string {
	inner := max(w-4, 20)
	var lines []string
	switch {
	case m.listing:
		lines = []string{"listing both folders…"}
	case m.err != nil:
		lines = []string{"cannot plan the mirror:", wire.Escape(m.err.Error()), "", "esc closes"}
	default:
		c := m.plan.Count
		lines = append(lines,
			fmt.Sprintf("%d new, %d changed: %s to copy", c[mirror.New], c[mirror.Changed], mirror.Bytes(m.plan.Bytes)),
			fmt.Sprintf("%d unchanged (not touched), %d folders to create", c[mirror.Unchanged], c[mirror.MakeDir]))
		if m.del {
			lines = append(lines, m.styles.Warn.Render(fmt.Sprintf("delete ON: %d only on the target will be deleted (d: off)", c[mirror.Delete])))
		} else {
			lines = append(lines, fmt.Sprintf("delete off: %d only on the target are kept (d: on)", c[mirror.Extra]))
		}
		if n := c[mirror.LinkLeft] + c[mirror.Blocked]; n > 0 {
			lines = append(lines, fmt.Sprintf("%d links or blocked paths left alone", n))
		}
		if m.work() == 0 {
			lines = append(lines, "", "nothing to do: the two folders are equal")
		}
		lines = append(lines, "")
		for _, a := range m.plan.Actions {
			if a.Op == mirror.Unchanged {
				continue
			}
			l := fmt.Sprintf("%-9s %s", a.Op, wire.Escape(a.Rel))
			if a.Op == mirror.New || a.Op == mirror.Changed {
				l += "  " + mirror.Bytes(a.Size)
			}
			if a.Reason != "" {
				l += "  (" + a.Reason + ")"
			}
			lines = append(lines, l)
		}
	}
	shown := cells.Window(lines, m.offset, h-3, inner) // h less the title line and the box's borders
	dir := "remote → local"
	if !m.Down {
		dir = "local → remote"
	}
	title := m.styles.Title.Render(" Mirror "+dir+": "+wire.Escape(m.From)+" → "+wire.Escape(m.To)) +
		m.styles.Desc.Render("  (enter starts, d deletes extras, esc cancels)")
	return ansi.Truncate(title, w, "…") + "\n" + m.styles.Box.Width(inner+2).Render(strings.Join(shown, "\n"))
}

var _ help.KeyMap = KeyMap{}
