// Package dialog holds the modal dialogs of the root model: a yes/no
// confirmation, a text input, the connect form (password masked) and a
// choice among lettered options (transfer conflicts, certificates). A
// dialog never acts: when the user answers it returns a
// command yielding DoneMsg with the Tag the root gave it, and the root acts.
package dialog

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"ftpdeck/ui/internal/cells"
	"ftpdeck/ui/internal/palette"
	"ftpdeck/ui/lineedit"
)

// Kind is what a dialog asks.
type Kind int

// The dialog kinds.
const (
	Confirm Kind = iota
	Input
	Connect
	Choice
)

// Form is the connect form's answer.
type Form struct {
	Host, Port, User, Password string
	TLS                        string // "off", "explicit", "implicit"
	Mode                       string // "passive", "active"
}

// Option is one answer of a Choice dialog.
type Option struct {
	Key   string // the key that picks it
	Label string
	Value any
}

// DoneMsg is a dialog's answer. OK is false when the user cancelled.
type DoneMsg struct {
	Tag    any
	OK     bool
	Value  string // Input: the text
	Form   Form   // Connect
	Choice any    // Choice: the option's Value
}

// KeyMap is the dialogs' bindings.
type KeyMap struct {
	Confirm, Cancel, Yes, No, Next, Prev, Cycle key.Binding
}

// DefaultKeyMap returns the dialog bindings of INTERFACE.md.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Confirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "confirm")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Yes:     key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:      key.NewBinding(key.WithKeys("n", "N"), key.WithHelp("n", "no")),
		Next:    key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		Prev:    key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
		Cycle:   key.NewBinding(key.WithKeys(" ", "left", "right"), key.WithHelp("space/←/→", "change")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Confirm, k.Cancel} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Confirm, k.Cancel, k.Yes, k.No}, {k.Next, k.Prev, k.Cycle}}
}

// Styles is how dialogs look.
type Styles struct {
	Box, Title, Label, LabelFocused, Hint, Danger, Selected lipgloss.Style
}

// DefaultStyles returns the default dialog styles.
func DefaultStyles() Styles {
	return Styles{
		Box:          lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(palette.Accent).Padding(0, 1),
		Title:        palette.Fg(palette.Accent).Bold(true),
		Label:        lipgloss.NewStyle().Faint(true),
		LabelFocused: lipgloss.NewStyle().Bold(true),
		Hint:         lipgloss.NewStyle().Faint(true),
		Danger:       palette.Fg(palette.Bad).Bold(true),
		Selected:     lipgloss.NewStyle().Reverse(true),
	}
}

var (
	tlsChoices  = []string{"off", "explicit", "implicit"}
	modeChoices = []string{"passive", "active"}
)

// Model is one open dialog.
type Model struct {
	kind   Kind
	tag    any
	title  string
	body   []string
	keys   KeyMap
	styles Styles
	width  int

	inputs  []lineedit.Model // Input: one; Connect: host, port, user, password
	labels  []string
	focus   int // Connect: 0..3 inputs, 4 TLS, 5 mode
	tlsIdx  int
	modeIdx int

	options []Option // Choice
}

func base(kind Kind, tag any, title string, body ...string) Model {
	return Model{kind: kind, tag: tag, title: title, body: body, keys: DefaultKeyMap(), styles: DefaultStyles(), width: 60}
}

// NewConfirm asks a yes/no question.
func NewConfirm(tag any, title string, body ...string) Model {
	return base(Confirm, tag, title, body...)
}

// NewInput asks for one line of text, starting with value.
func NewInput(tag any, title, prompt, value string) Model {
	m := base(Input, tag, title)
	in := lineedit.New(prompt)
	in.CharLimit = 1024
	in.SetValue(value)
	in.Focus()
	m.inputs = []lineedit.Model{in}
	return m
}

// NewConnect is the connect form: host (or a URL), port, user, password
// (masked), TLS and mode. An empty user means anonymous.
func NewConnect(tag any, f Form) Model {
	m := base(Connect, tag, "Open a connection")
	m.labels = []string{"Host or URL", "Port", "User", "Password"}
	vals := []string{f.Host, f.Port, f.User, f.Password}
	for i := range m.labels {
		in := lineedit.New("")
		in.CharLimit = 512
		in.SetValue(vals[i])
		in.Masked = i == 3
		m.inputs = append(m.inputs, in)
	}
	m.inputs[0].Focus()
	m.tlsIdx = index(tlsChoices, f.TLS)
	m.modeIdx = index(modeChoices, f.Mode)
	return m
}

// NewChoice offers lettered options; esc cancels.
func NewChoice(tag any, title string, body []string, opts []Option) Model {
	m := base(Choice, tag, title, body...)
	m.options = opts
	return m
}

func index(list []string, v string) int {
	for i, s := range list {
		if s == v {
			return i
		}
	}
	return 0
}

// Kind returns the dialog's kind.
func (m Model) Kind() Kind { return m.kind }

// Tag returns the tag given when the dialog was made.
func (m Model) Tag() any { return m.tag }

// Title returns the dialog's title.
func (m Model) Title() string { return m.title }

// KeyMap returns the bindings (for help).
func (m Model) KeyMap() KeyMap { return m.keys }

// SetStyles replaces the styles.
func (m *Model) SetStyles(s Styles) { m.styles = s }

// SetWidth sets the outer width the dialog may use.
func (m *Model) SetWidth(w int) { m.width = min(max(w, 24), 72) }

func (m Model) done(ok bool) tea.Cmd {
	msg := DoneMsg{Tag: m.tag, OK: ok}
	if ok {
		switch m.kind {
		case Input:
			msg.Value = m.inputs[0].Value()
		case Connect:
			msg.Form = Form{
				Host: strings.TrimSpace(m.inputs[0].Value()), Port: strings.TrimSpace(m.inputs[1].Value()),
				User: strings.TrimSpace(m.inputs[2].Value()), Password: m.inputs[3].Value(),
				TLS: tlsChoices[m.tlsIdx], Mode: modeChoices[m.modeIdx],
			}
		}
	}
	return func() tea.Msg { return msg }
}

// Update handles keys; an answer comes back as a DoneMsg command.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	if key.Matches(k, m.keys.Cancel) {
		return m, m.done(false)
	}
	switch m.kind {
	case Confirm:
		switch {
		case key.Matches(k, m.keys.Confirm), key.Matches(k, m.keys.Yes):
			return m, m.done(true)
		case key.Matches(k, m.keys.No):
			return m, m.done(false)
		}
	case Input:
		if key.Matches(k, m.keys.Confirm) {
			return m, m.done(true)
		}
		m.inputs[0], _ = m.inputs[0].Update(k)
	case Connect:
		return m.connectKey(k)
	case Choice:
		for _, o := range m.options {
			if k.String() == o.Key {
				v := o.Value
				tag := m.tag
				return m, func() tea.Msg { return DoneMsg{Tag: tag, OK: true, Choice: v} }
			}
		}
	}
	return m, nil
}

func (m Model) connectKey(k tea.KeyMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Confirm):
		return m, m.done(true)
	case key.Matches(k, m.keys.Next):
		m.setFocus((m.focus + 1) % 6)
	case key.Matches(k, m.keys.Prev):
		m.setFocus((m.focus + 5) % 6)
	case m.focus == 4 && key.Matches(k, m.keys.Cycle):
		m.tlsIdx = (m.tlsIdx + 1) % len(tlsChoices)
	case m.focus == 5 && key.Matches(k, m.keys.Cycle):
		m.modeIdx = (m.modeIdx + 1) % len(modeChoices)
	case m.focus < 4:
		m.inputs[m.focus], _ = m.inputs[m.focus].Update(k)
	}
	return m, nil
}

func (m *Model) setFocus(i int) {
	for j := range m.inputs {
		m.inputs[j].Blur()
	}
	m.focus = i
	if i < len(m.inputs) {
		m.inputs[i].Focus()
	}
}

// View renders the dialog box (the root centres it).
func (m Model) View() string {
	inner := m.width - 4
	var lines []string
	lines = append(lines, m.styles.Title.Render(cells.Truncate(m.title, inner)), "")
	for _, b := range m.body {
		lines = append(lines, cells.Truncate(b, inner))
	}
	if len(m.body) > 0 {
		lines = append(lines, "")
	}
	hint := "enter confirm · esc cancel"
	switch m.kind {
	case Confirm:
		hint = "y/enter yes · n/esc no"
	case Input:
		m.inputs[0].Width = max(inner-ansi.StringWidth(m.inputs[0].Prompt)-1, 4)
		lines = append(lines, m.inputs[0].View())
	case Connect:
		lines = append(lines, m.connectLines(inner)...)
		hint = "tab next · space change · enter connect · esc cancel"
	case Choice:
		for _, o := range m.options {
			lines = append(lines, cells.Truncate("  "+o.Key+"  "+o.Label, inner))
		}
		hint = "press a key · esc cancel"
	}
	lines = append(lines, "", m.styles.Hint.Render(hint))
	return m.styles.Box.Width(m.width - 2).Render(strings.Join(lines, "\n"))
}

func (m Model) connectLines(inner int) []string {
	var out []string
	for i := range m.inputs {
		in := m.inputs[i]
		in.Width = max(inner-15, 4)
		out = append(out, m.label(i, m.labels[i])+in.View())
	}
	out = append(out, m.label(4, "TLS")+choiceRow(tlsChoices, m.tlsIdx, m.styles.Selected))
	out = append(out, m.label(5, "Mode")+choiceRow(modeChoices, m.modeIdx, m.styles.Selected))
	return out
}

func (m Model) label(i int, s string) string {
	st := m.styles.Label
	mark := "  "
	if m.focus == i {
		st, mark = m.styles.LabelFocused, "> "
	}
	return st.Render(fmt.Sprintf("%s%-12s ", mark, s))
}

func choiceRow(choices []string, sel int, st lipgloss.Style) string {
	parts := make([]string, len(choices))
	for i, c := range choices {
		if i == sel {
			parts[i] = st.Render("[" + c + "]")
		} else {
			parts[i] = " " + c + " "
		}
	}
	return strings.Join(parts, " ")
}
