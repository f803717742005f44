// Package quoteprompt is the one-line prompt of a raw command (!): a text
// field with the earlier commands on ↑/↓. It sends nothing itself: enter
// returns a SubmitMsg the root sends on the browsing connection.
package quoteprompt

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// SubmitMsg is a command typed and confirmed.
type SubmitMsg struct{ Line string }

// KeyMap is the prompt's bindings.
type KeyMap struct {
	Send, Cancel, Prev, Next key.Binding
}

// DefaultKeyMap returns the bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Send:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Prev:   key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "earlier commands")),
		Next:   key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "later command")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Send, k.Prev, k.Cancel} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Model is the prompt.
type Model struct {
	input   textinput.Model
	history []string // oldest first
	at      int      // index in history being shown; len(history): the line being typed
	typed   string   // the line being typed, kept while browsing history
	keys    KeyMap
	box     lipgloss.Style
	done    bool
}

// New returns a focused prompt with the earlier commands, oldest first.
func New(history []string) Model {
	in := textinput.New()
	in.Prompt = "quote> "
	in.Placeholder = "STAT, SITE HELP, SITE CHMOD 644 file…"
	in.CharLimit = 512
	in.Focus()
	return Model{input: in, history: history, at: len(history), keys: DefaultKeyMap(),
		box: lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)}
}

// Done reports that the prompt was answered or cancelled.
func (m Model) Done() bool { return m.done }

// Value returns the line in the field.
func (m Model) Value() string { return m.input.Value() }

// KeyMap returns the bindings, for help.
func (m Model) KeyMap() help.KeyMap { return m.keys }

// Update handles a key.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Cancel):
		m.done = true
		return m, nil
	case key.Matches(k, m.keys.Send):
		line := strings.TrimSpace(m.input.Value())
		m.done = true
		if line == "" {
			return m, nil
		}
		return m, func() tea.Msg { return SubmitMsg{Line: line} }
	case key.Matches(k, m.keys.Prev):
		if m.at > 0 {
			if m.at == len(m.history) {
				m.typed = m.input.Value()
			}
			m.at--
			m.input.SetValue(m.history[m.at])
			m.input.CursorEnd()
		}
		return m, nil
	case key.Matches(k, m.keys.Next):
		if m.at < len(m.history) {
			m.at++
			if m.at == len(m.history) {
				m.input.SetValue(m.typed)
			} else {
				m.input.SetValue(m.history[m.at])
			}
			m.input.CursorEnd()
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd
}

// View renders the prompt in a box w cells wide.
func (m Model) View(w int) string {
	m.input.Width = max(w-4-len(m.input.Prompt)-1, 10)
	return m.box.Width(max(w-2, 10)).Render(m.input.View())
}
