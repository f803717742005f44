// Package dialog holds the modal dialogs of the root model: a yes/no
// confirmation, a notice, a text input, the connect form (password masked)
// and a choice among lettered options (transfer conflicts). A dialog never
// acts: when the user answers it returns a command yielding DoneMsg with
// the Tag the root gave it, and the root acts. A dialog answers once:
// keys after its answer are ignored. Its footer and its help line list
// exactly the keys it takes.
package dialog

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textinput"

	"ftpdeck/ui/internal/cells"
	"ftpdeck/ui/internal/palette"
	"ftpdeck/ui/internal/textfield"
)

// Kind is what a dialog asks.
type Kind int

// The dialog kinds.
const (
	Confirm Kind = iota
	Input
	Connect
	Choice
	Notice
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

// KeyMap is the dialogs' bindings. Which of them a dialog takes depends on
// its kind (HelpKeys).
type KeyMap struct {
	Confirm, Cancel, Yes, No, Close, Next, Prev, Cycle key.Binding
}

// DefaultKeyMap returns the dialog bindings of INTERFACE.md: enter
// confirms, esc cancels.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Confirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ok")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Yes:     key.NewBinding(key.WithKeys("y", "Y", "enter"), key.WithHelp("y/enter", "yes")),
		No:      key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "no")),
		Close:   key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter/esc", "close")),
		Next:    key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		Prev:    key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
		Cycle:   key.NewBinding(key.WithKeys(" ", "left", "right"), key.WithHelp("space/←/→", "change")),
	}
}

// helpKeys is a dialog's bindings for bubbles/help.
type helpKeys []key.Binding

func (h helpKeys) ShortHelp() []key.Binding  { return h }
func (h helpKeys) FullHelp() [][]key.Binding { return [][]key.Binding{h} }

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

	inputs  []textinput.Model // Input: one; Connect: host, port, user, password
	labels  []string
	focus   int // Connect: 0..3 inputs, 4 TLS, 5 mode
	tlsIdx  int
	modeIdx int

	options  []Option // Choice
	answered bool
}

func base(kind Kind, tag any, title string, body ...string) Model {
	return Model{kind: kind, tag: tag, title: title, body: body, keys: DefaultKeyMap(), styles: DefaultStyles(), width: 60}
}

// NewConfirm asks a yes/no question.
func NewConfirm(tag any, title string, body ...string) Model {
	return base(Confirm, tag, title, body...)
}

// NewNotice tells something; enter or esc closes it (DoneMsg.OK true).
func NewNotice(tag any, title string, body ...string) Model {
	m := base(Notice, tag, title, body...)
	return m
}

// DefaultNo makes enter answer no in a Confirm dialog: for questions whose
// yes cannot be undone (delete). y is then the only yes.
func (m Model) DefaultNo() Model {
	m.keys.Yes = key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes"))
	m.keys.No = key.NewBinding(key.WithKeys("n", "N", "enter", "esc"), key.WithHelp("n/enter/esc", "no"))
	return m
}

// NewInput asks for one line of text, starting with value.
func NewInput(tag any, title, prompt, value string) Model {
	m := base(Input, tag, title)
	m.keys.Confirm.SetHelp("enter", "ok")
	in := textfield.New(prompt, 1024)
	in.SetValue(value)
	in.Focus()
	m.inputs = []textinput.Model{in}
	return m
}

// NewConnect is the connect form: host (or a URL), port, user, password
// (masked), TLS and mode. An empty user means anonymous.
func NewConnect(tag any, f Form) Model {
	m := base(Connect, tag, "Open a connection")
	m.keys.Confirm.SetHelp("enter", "connect")
	m.labels = []string{"Host or URL", "Port", "User", "Password"}
	vals := []string{f.Host, f.Port, f.User, f.Password}
	for i := range m.labels {
		in := textfield.New("", 512)
		if i == 3 {
			in = textfield.Masked("", 512)
		}
		in.SetValue(vals[i])
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

// HelpKeys returns the bindings this dialog takes, for the help line.
func (m Model) HelpKeys() help.KeyMap { return helpKeys(m.bindings()) }

// bindings is the keys the dialog takes now, in the order shown.
func (m Model) bindings() []key.Binding {
	k := m.keys
	switch m.kind {
	case Confirm:
		return []key.Binding{k.Yes, k.No}
	case Notice:
		return []key.Binding{k.Close}
	case Connect:
		return []key.Binding{k.Next, k.Cycle, k.Confirm, k.Cancel}
	case Choice:
		ks := make([]string, len(m.options))
		for i, o := range m.options {
			ks[i] = o.Key
		}
		pick := key.NewBinding(key.WithKeys(ks...), key.WithHelp(strings.Join(ks, "/"), "choose"))
		return []key.Binding{pick, k.Cancel}
	case Input:
	}
	return []key.Binding{k.Confirm, k.Cancel}
}

// TakesText reports whether a text field has the keyboard: every key is
// then typed, none is split.
func (m Model) TakesText() bool {
	switch m.kind {
	case Input:
		return true
	case Connect:
		return m.focus < len(m.inputs)
	case Confirm, Choice, Notice:
	}
	return false
}

// Answered reports whether the dialog has given its answer; the root
// closes it.
func (m Model) Answered() bool { return m.answered }

// SetStyles replaces the styles.
func (m *Model) SetStyles(s Styles) { m.styles = s }

// SetWidth sets the outer width the dialog may use.
func (m *Model) SetWidth(w int) { m.width = min(max(w, 24), 72) }

// answer ends the dialog with its answer.
func (m Model) answer(ok bool, choice any) (Model, tea.Cmd) {
	m.answered = true
	msg := DoneMsg{Tag: m.tag, OK: ok, Choice: choice}
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
		case Confirm, Choice, Notice:
		}
	}
	return m, func() tea.Msg { return msg }
}

// Update handles keys; an answer comes back as a DoneMsg command.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || m.answered {
		return m, nil
	}
	switch m.kind {
	case Confirm:
		switch {
		case key.Matches(k, m.keys.Yes):
			return m.answer(true, nil)
		case key.Matches(k, m.keys.No):
			return m.answer(false, nil)
		}
	case Notice:
		if key.Matches(k, m.keys.Close) {
			return m.answer(true, nil)
		}
	case Input:
		switch {
		case key.Matches(k, m.keys.Cancel):
			return m.answer(false, nil)
		case key.Matches(k, m.keys.Confirm):
			return m.answer(true, nil)
		}
		var cmd tea.Cmd
		m.inputs[0], cmd = m.inputs[0].Update(k)
		return m, cmd
	case Connect:
		if key.Matches(k, m.keys.Cancel) {
			return m.answer(false, nil)
		}
		return m.connectKey(k)
	case Choice:
		if key.Matches(k, m.keys.Cancel) {
			return m.answer(false, nil)
		}
		for _, o := range m.options {
			if k.String() == o.Key {
				return m.answer(true, o.Value)
			}
		}
	}
	return m, nil
}

func (m Model) connectKey(k tea.KeyMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Confirm):
		return m.answer(true, nil)
	case key.Matches(k, m.keys.Next):
		m.setFocus((m.focus + 1) % 6)
	case key.Matches(k, m.keys.Prev):
		m.setFocus((m.focus + 5) % 6)
	case m.focus == 4 && key.Matches(k, m.keys.Cycle):
		m.tlsIdx = (m.tlsIdx + 1) % len(tlsChoices)
	case m.focus == 5 && key.Matches(k, m.keys.Cycle):
		m.modeIdx = (m.modeIdx + 1) % len(modeChoices)
	case m.focus < 4:
		var cmd tea.Cmd
		m.inputs[m.focus], cmd = m.inputs[m.focus].Update(k)
		return m, cmd
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
	switch m.kind {
	case Input:
		m.inputs[0].Width = max(inner-ansi.StringWidth(m.inputs[0].Prompt)-1, 4)
		lines = append(lines, m.inputs[0].View())
	case Connect:
		lines = append(lines, m.connectLines(inner)...)
	case Choice:
		for _, o := range m.options {
			lines = append(lines, cells.Truncate("  "+o.Key+"  "+o.Label, inner))
		}
	case Confirm, Notice:
	}
	if lines[len(lines)-1] != "" {
		lines = append(lines, "")
	}
	lines = append(lines, m.styles.Hint.Render(cells.Truncate(m.hint(), inner)))
	return m.styles.Box.Width(m.width - 2).Render(strings.Join(lines, "\n"))
}

// hint is the footer: the keys the dialog takes ("y yes · n/enter/esc
// no"). A choice lists its options above, so its footer names only esc.
func (m Model) hint() string {
	bs := m.bindings()
	if m.kind == Choice {
		bs = []key.Binding{m.keys.Cancel}
	}
	parts := make([]string, len(bs))
	for i, b := range bs {
		parts[i] = b.Help().Key + " " + b.Help().Desc
	}
	if m.kind == Choice {
		return "press a key · " + parts[0]
	}
	return strings.Join(parts, " · ")
}

func (m Model) connectLines(inner int) []string {
	var out []string
	for i := range m.inputs {
		in := m.inputs[i]
		in.Width = max(inner-16, 4)
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
