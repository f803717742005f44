// Package lineedit is a one-line text input: a small stand-in for
// bubbles/textinput, which needs github.com/atotto/clipboard (not in our
// go.mod). It supports a masked echo for passwords.
package lineedit

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Model is a one-line input.
type Model struct {
	Prompt      string
	Placeholder string
	Masked      bool // show '•' for every character (passwords)
	CharLimit   int  // 0 = no limit
	Width       int  // cells for the text; 0 = as wide as the value
	CursorStyle lipgloss.Style
	PlaceStyle  lipgloss.Style

	value   []rune
	pos     int
	focused bool
}

// New returns an empty input with prompt p.
func New(p string) Model {
	return Model{Prompt: p, CursorStyle: lipgloss.NewStyle().Reverse(true), PlaceStyle: lipgloss.NewStyle().Faint(true)}
}

// Value returns the text.
func (m Model) Value() string { return string(m.value) }

// SetValue replaces the text and puts the cursor at its end.
func (m *Model) SetValue(s string) { m.value = []rune(s); m.pos = len(m.value) }

// CursorEnd moves the cursor to the end.
func (m *Model) CursorEnd() { m.pos = len(m.value) }

// Focus gives the input the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes the keyboard away.
func (m *Model) Blur() { m.focused = false }

// Focused reports whether the input has the keyboard.
func (m Model) Focused() bool { return m.focused }

// Update edits the text on key messages when focused.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || !m.focused {
		return m, nil
	}
	switch k.Type {
	case tea.KeyRunes, tea.KeySpace:
		r := k.Runes
		if k.Type == tea.KeySpace {
			r = []rune{' '}
		}
		r = clean(r)
		if m.CharLimit > 0 && len(m.value)+len(r) > m.CharLimit {
			r = r[:max(m.CharLimit-len(m.value), 0)]
		}
		m.value = append(m.value[:m.pos], append(r, m.value[m.pos:]...)...)
		m.pos += len(r)
	case tea.KeyBackspace:
		if m.pos > 0 {
			m.value = append(m.value[:m.pos-1], m.value[m.pos:]...)
			m.pos--
		}
	case tea.KeyDelete, tea.KeyCtrlD:
		if m.pos < len(m.value) {
			m.value = append(m.value[:m.pos], m.value[m.pos+1:]...)
		}
	case tea.KeyLeft, tea.KeyCtrlB:
		m.pos = max(m.pos-1, 0)
	case tea.KeyRight, tea.KeyCtrlF:
		m.pos = min(m.pos+1, len(m.value))
	case tea.KeyHome, tea.KeyCtrlA:
		m.pos = 0
	case tea.KeyEnd, tea.KeyCtrlE:
		m.pos = len(m.value)
	case tea.KeyCtrlU:
		m.value = append([]rune(nil), m.value[m.pos:]...)
		m.pos = 0
	case tea.KeyCtrlK:
		m.value = m.value[:m.pos]
	case tea.KeyCtrlW:
		i := m.pos
		for i > 0 && m.value[i-1] == ' ' {
			i--
		}
		for i > 0 && m.value[i-1] != ' ' {
			i--
		}
		m.value = append(m.value[:i], m.value[m.pos:]...)
		m.pos = i
	}
	return m, nil
}

// clean drops control characters (a paste with a newline stays one line).
func clean(r []rune) []rune {
	out := r[:0:0]
	for _, c := range r {
		if c >= ' ' && c != 0x7f {
			out = append(out, c)
		}
	}
	return out
}

// View renders the prompt and the text, scrolled so the cursor shows.
func (m Model) View() string {
	text := m.value
	if m.Masked {
		text = []rune(strings.Repeat("•", len(m.value)))
	}
	if len(text) == 0 && m.Placeholder != "" && !m.focused {
		return m.Prompt + m.PlaceStyle.Render(m.Placeholder)
	}
	pos := m.pos
	start := 0
	if m.Width > 0 && pos >= m.Width {
		start = pos - m.Width + 1
	}
	vis := text[start:]
	if m.Width > 0 && len(vis) > m.Width {
		vis = vis[:m.Width]
	}
	if !m.focused {
		return m.Prompt + string(vis)
	}
	c := pos - start
	before := string(vis[:min(c, len(vis))])
	cur, after := " ", ""
	if c < len(vis) {
		cur, after = string(vis[c]), string(vis[c+1:])
	}
	return m.Prompt + before + m.CursorStyle.Render(cur) + after
}

// Width of the rendered view in cells (for layout).
func (m Model) ViewWidth() int { return ansi.StringWidth(m.View()) }
