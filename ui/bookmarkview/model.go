// Package bookmarkview is the TUI's bookmark dialogs: the list opened by
// b (filter, connect, edit, delete with a y/n question), the form opened by
// B (name, and whether to save the password), and the masked password
// prompt used when a site needs a password that no source holds. The
// mapping from a saved bookmark to the engine's settings is
// ftpdeck/bookmarks/connopts, shared with the command line.
//
// Like ui/dialog, a view never acts: an answer comes back as a message
// (ConnectMsg, EditedMsg, DeleteMsg, SaveMsg, PasswordMsg, CancelMsg) and
// the root model does the disk and network work in commands. Done reports
// that the view has answered and should be closed. A password typed into
// the prompt is never rendered: only one '•' per character.
package bookmarkview

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"ftpdeck/bookmarks"
	"ftpdeck/ui/dialog"
	"github.com/charmbracelet/bubbles/textinput"

	"ftpdeck/ui/internal/cells"
	"ftpdeck/ui/internal/textfield"
)

// Kind is what a view shows.
type Kind int

// The view kinds.
const (
	List     Kind = iota // the b list
	Edit                 // the form editing one bookmark
	Save                 // the B form: name, save the password?
	Password             // the masked password prompt
)

// Messages: a view's answer.
type (
	// ConnectMsg asks the root to connect to Site.
	ConnectMsg struct{ Site bookmarks.Site }
	// EditedMsg asks the root to store Site in place of OldName.
	EditedMsg struct {
		OldName string
		Site    bookmarks.Site
	}
	// DeleteMsg asks the root to delete the bookmark; the user said yes.
	DeleteMsg struct{ Name string }
	// SaveMsg asks the root to save the current site as Name, with its
	// password only when SavePassword.
	SaveMsg struct {
		Name         string
		SavePassword bool
	}
	// PasswordMsg is the typed password for the prompt with this Tag.
	PasswordMsg struct {
		Tag      any
		Password string
	}
	// CancelMsg says the prompt or form with this Tag was cancelled (esc).
	CancelMsg struct {
		Kind Kind
		Tag  any
	}
)

// String hides the password, so a debug print cannot leak it.
func (p PasswordMsg) String() string { return "bookmarkview.PasswordMsg{…}" }

// GoString hides the password from %#v too.
func (p PasswordMsg) GoString() string { return p.String() }

// field is one line of a form: a text input, or a choice among values.
type field struct {
	name    string // bookmarks.toml key or a form-local name
	label   string
	in      textinput.Model
	choices []string
	idx     int
}

func (f field) value() string {
	if f.choices != nil {
		return f.choices[f.idx]
	}
	return strings.TrimSpace(f.in.Value())
}

// Model is one open bookmark view.
type Model struct {
	kind   Kind
	keys   KeyMap
	styles dialog.Styles
	help   help.Model
	width  int
	height int
	done   bool

	// List.
	sites     []bookmarks.Site
	shown     []int
	cursor    int
	filter    textinput.Model
	filtering bool
	confirm   bool
	notice    string // why the file could not be loaded, shown above the list

	// Forms.
	title  string
	body   []string
	fields []field
	focus  int
	errMsg string
	orig   bookmarks.Site
	tag    any
}

func newModel(kind Kind) Model {
	return Model{kind: kind, keys: DefaultKeyMap(), styles: dialog.DefaultStyles(), help: help.New(), width: 72, height: 20}
}

// NewList is the b list over sites (sorted as the store keeps them).
// notice, when not empty, says why bookmarks.toml could not be loaded; it
// is shown above the list.
func NewList(sites []bookmarks.Site, notice string) Model {
	m := newModel(List)
	m.title = "Bookmarks"
	m.sites = sites
	m.notice = notice
	m.filter = textfield.New("filter: ", 256)
	m.refilter()
	return m
}

// NewEdit is the form editing bookmark b. The password is never shown:
// a saved one can be kept or forgotten.
func NewEdit(b bookmarks.Site) Model {
	m := newModel(Edit)
	m.title = "Edit bookmark " + b.Name
	m.orig = b
	mode := b.Mode
	if mode == "" {
		mode = "default"
	}
	trust := "no"
	if b.TrustPASVAddress {
		trust = "yes"
	}
	m.fields = []field{
		text("name", "Name", b.Name),
		text("host", "Host", b.Host),
		text("port", "Port", itoa(b.Port)),
		text("user", "User", b.User),
		text("password_cmd", "Password cmd", b.PasswordCmd),
		choice("tls", "TLS", []string{bookmarks.TLSOff, bookmarks.TLSExplicit, bookmarks.TLSImplicit}, b.TLS),
		choice("mode", "Mode", []string{"default", bookmarks.ModePassive, bookmarks.ModeActive}, mode),
		text("active_addr", "Active addr", b.ActiveAddr),
		text("active_ports", "Active ports", b.ActivePorts),
		choice("trust_pasv_address", "Trust PASV", []string{"no", "yes"}, trust),
		text("remote_dir", "Remote dir", b.RemoteDir),
		text("local_dir", "Local dir", b.LocalDir),
		text("parallel", "Parallel", itoa(b.Parallel)),
		text("encoding", "Encoding", b.Encoding),
	}
	if b.Password != "" {
		m.fields = append(m.fields, choice("password", "Saved passwd", []string{"keep", "forget"}, "keep"))
	}
	m.setFocus(0)
	return m
}

// NewSave is the B form: the bookmark's name (starting with name) and,
// when canSavePassword (the site has a password that is not the anonymous
// one), whether to write the password into bookmarks.toml; the answer
// defaults to no.
func NewSave(name, address string, canSavePassword bool) Model {
	m := newModel(Save)
	m.title = "Save " + address + " as a bookmark"
	m.fields = []field{text("name", "Name", name)}
	if canSavePassword {
		m.fields = append(m.fields, choice("save_password", "Save passwd", []string{"no", "yes"}, "no"))
		m.body = []string{
			"yes: the password is written to bookmarks.toml (mode 0600).",
			"no: it comes from ~/.netrc or is asked for when you connect.",
		}
	}
	m.setFocus(0)
	return m
}

// NewPassword is the masked password prompt for user@host; tag comes back
// in PasswordMsg or CancelMsg.
func NewPassword(tag any, address string) Model {
	m := newModel(Password)
	m.title = "Password for " + address
	m.tag = tag
	m.body = []string{"No password is saved, no password_cmd, no ~/.netrc entry.", "It is used for this connection only."}
	f := text("password", "Password", "")
	f.in.EchoMode = textinput.EchoPassword
	m.fields = []field{f}
	m.setFocus(0)
	return m
}

func text(name, label, v string) field {
	in := textfield.New("", 1024)
	in.SetValue(v)
	return field{name: name, label: label, in: in}
}

func choice(name, label string, choices []string, v string) field {
	f := field{name: name, label: label, choices: choices}
	for i, c := range choices {
		if c == v {
			f.idx = i
		}
	}
	return f
}

func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// Kind returns the view's kind.
func (m Model) Kind() Kind { return m.kind }

// Done reports that the view has answered (or was cancelled): the root
// closes it.
func (m Model) Done() bool { return m.done }

// TakesText reports whether a text field has the keyboard (the list's
// filter, or a form's text field): the root then splits no key.
func (m Model) TakesText() bool {
	if m.kind == List {
		return m.filtering && !m.confirm
	}
	return len(m.fields) > 0 && m.fields[m.focus].choices == nil
}

// Filter returns the list's filter text.
func (m Model) Filter() string { return m.filter.Value() }

// Current returns the bookmark under the list's cursor.
func (m Model) Current() (bookmarks.Site, bool) {
	if m.kind != List || len(m.shown) == 0 {
		return bookmarks.Site{}, false
	}
	return m.sites[m.shown[m.cursor]], true
}

// Shown returns the names the filter lets through, in order.
func (m Model) Shown() []string {
	out := make([]string, len(m.shown))
	for i, j := range m.shown {
		out[i] = m.sites[j].Name
	}
	return out
}

// HelpKeys returns the bindings for the root's help line: only the keys
// the view takes.
func (m Model) HelpKeys() help.KeyMap {
	if m.kind == List {
		return m.keys
	}
	return formHelp(m.formKeys())
}

// formKeys is a form's keys: tab only with several fields, space only with
// a choice among them, enter (save, or connect for the password prompt)
// and esc.
func (m Model) formKeys() []key.Binding {
	var out []key.Binding
	if len(m.fields) > 1 {
		out = append(out, m.keys.Next)
	}
	for _, f := range m.fields {
		if f.choices != nil {
			out = append(out, m.keys.Cycle)
			break
		}
	}
	confirm := m.keys.Confirm
	if m.kind == Password {
		confirm.SetHelp("enter", "connect")
	}
	cancel := m.keys.Close
	cancel.SetHelp("esc", "cancel")
	return append(out, confirm, cancel)
}

// SetStyles replaces the styles (the dialogs' styles, for one look).
func (m *Model) SetStyles(s dialog.Styles) { m.styles = s }

// SetSize sets the space the view may use (the root's body area).
func (m *Model) SetSize(w, h int) {
	m.width = min(max(w-4, 24), 100)
	m.height = max(h, 8)
}

func (m Model) answer(msg tea.Msg) (Model, tea.Cmd) {
	m.done = true
	return m, func() tea.Msg { return msg }
}

// Update handles keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || m.done {
		return m, nil
	}
	if m.kind == List {
		return m.listKey(k)
	}
	return m.formKey(k)
}

func (m Model) listKey(k tea.KeyMsg) (Model, tea.Cmd) {
	if m.confirm {
		switch {
		case key.Matches(k, m.keys.Yes):
			m.confirm = false
			if b, ok := m.Current(); ok {
				return m.answer(DeleteMsg{Name: b.Name})
			}
		case key.Matches(k, m.keys.No):
			m.confirm = false
		}
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Close):
		if m.filtering || m.filter.Value() != "" {
			m.filtering = false
			m.filter.Blur()
			m.filter.SetValue("")
			m.refilter()
			return m, nil
		}
		return m.answer(CancelMsg{Kind: List})
	case key.Matches(k, m.keys.Connect):
		if b, ok := m.Current(); ok {
			return m.answer(ConnectMsg{Site: b})
		}
	case k.Type == tea.KeyUp || k.Type == tea.KeyCtrlP || (!m.filtering && key.Matches(k, m.keys.Up)):
		m.cursor = max(m.cursor-1, 0)
	case k.Type == tea.KeyDown || k.Type == tea.KeyCtrlN || (!m.filtering && key.Matches(k, m.keys.Down)):
		m.cursor = min(m.cursor+1, max(len(m.shown)-1, 0))
	case m.filtering:
		m.filter, _ = m.filter.Update(k)
		m.refilter()
	case key.Matches(k, m.keys.Filter):
		m.filtering = true
		m.filter.Focus()
	case key.Matches(k, m.keys.Edit):
		if b, ok := m.Current(); ok {
			e := NewEdit(b)
			e.styles, e.width, e.height = m.styles, m.width, m.height
			return e, nil
		}
	case key.Matches(k, m.keys.Delete):
		if _, ok := m.Current(); ok {
			m.confirm = true
		}
	}
	return m, nil
}

func (m *Model) refilter() {
	needle := strings.ToLower(m.filter.Value())
	m.shown = m.shown[:0]
	for i, s := range m.sites {
		hay := strings.ToLower(s.Name + " " + s.Address())
		if needle == "" || strings.Contains(hay, needle) {
			m.shown = append(m.shown, i)
		}
	}
	m.cursor = min(m.cursor, max(len(m.shown)-1, 0))
}

func (m *Model) setFocus(i int) {
	for j := range m.fields {
		m.fields[j].in.Blur()
	}
	m.focus = i
	if m.fields[i].choices == nil {
		m.fields[i].in.Focus()
	}
}

func (m Model) formKey(k tea.KeyMsg) (Model, tea.Cmd) {
	n := len(m.fields)
	f := &m.fields[m.focus]
	switch {
	case k.Type == tea.KeyEsc:
		return m.answer(CancelMsg{Kind: m.kind, Tag: m.tag})
	case key.Matches(k, m.keys.Confirm):
		return m.submit()
	case key.Matches(k, m.keys.Next):
		m.setFocus((m.focus + 1) % n)
	case key.Matches(k, m.keys.Prev):
		m.setFocus((m.focus + n - 1) % n)
	case f.choices != nil && key.Matches(k, m.keys.Cycle):
		d := 1
		if k.Type == tea.KeyLeft {
			d = len(f.choices) - 1
		}
		f.idx = (f.idx + d) % len(f.choices)
	case f.choices == nil:
		f.in, _ = f.in.Update(k)
		m.errMsg = ""
	}
	return m, nil
}

func (m Model) get(name string) string {
	for _, f := range m.fields {
		if f.name == name {
			return f.value()
		}
	}
	return ""
}

func (m Model) submit() (Model, tea.Cmd) {
	switch m.kind {
	case Password:
		return m.answer(PasswordMsg{Tag: m.tag, Password: m.fields[0].in.Value()})
	case Save:
		name := m.get("name")
		if name == "" {
			m.errMsg = "give the bookmark a name"
			return m, nil
		}
		return m.answer(SaveMsg{Name: name, SavePassword: m.get("save_password") == "yes"})
	case Edit:
		b, err := m.edited()
		if err != nil {
			m.errMsg = err.Error()
			return m, nil
		}
		return m.answer(EditedMsg{OldName: m.orig.Name, Site: b})
	case List:
	}
	return m, nil
}

// edited builds the bookmark from the form, keeping what the form does not
// show (last_good_mode, and the saved password unless "forget").
func (m Model) edited() (bookmarks.Site, error) {
	b := m.orig
	num := func(name string) (int, error) {
		v := m.get(name)
		if v == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("%s %q is not a number", name, v)
		}
		return n, nil
	}
	var err error
	if b.Port, err = num("port"); err != nil {
		return b, err
	}
	if b.Parallel, err = num("parallel"); err != nil {
		return b, err
	}
	b.Name, b.Host, b.User = m.get("name"), m.get("host"), m.get("user")
	b.PasswordCmd, b.TLS = m.get("password_cmd"), m.get("tls")
	if b.TLS == bookmarks.TLSOff {
		b.TLS = ""
	}
	b.Mode = m.get("mode")
	if b.Mode == "default" {
		b.Mode = ""
	}
	b.ActiveAddr, b.ActivePorts = m.get("active_addr"), m.get("active_ports")
	b.TrustPASVAddress = m.get("trust_pasv_address") == "yes"
	b.RemoteDir, b.LocalDir, b.Encoding = m.get("remote_dir"), m.get("local_dir"), m.get("encoding")
	if m.get("password") == "forget" {
		b.Password = ""
	}
	if err := b.Validate(); err != nil {
		// Validate's text starts with site "NAME": drop it, the form says it.
		msg := err.Error()
		if _, rest, ok := strings.Cut(msg, ": "); ok {
			msg = rest
		}
		return b, fmt.Errorf("%s", strings.ReplaceAll(msg, "\n", "; "))
	}
	return b, nil
}

// View renders the box; the root centres it in the body area.
func (m Model) View() string {
	inner := m.width - 4
	lines := []string{m.styles.Title.Render(cells.Truncate(m.title, inner)), ""}
	if m.kind == List {
		lines = append(lines, m.listLines(inner)...)
	} else {
		lines = append(lines, m.formLines(inner)...)
	}
	return m.styles.Box.Width(m.width - 2).Render(strings.Join(lines, "\n"))
}

func (m Model) listLines(inner int) []string {
	var lines []string
	if m.notice != "" {
		lines = append(lines, m.styles.Danger.Render(cells.Truncate("bookmarks.toml not loaded (it is not overwritten):", inner)))
		for _, l := range strings.Split(m.notice, "\n") {
			lines = append(lines, cells.Truncate("  "+l, inner))
		}
		lines = append(lines, "")
	}
	if m.filtering || m.filter.Value() != "" {
		lines = append(lines, m.filter.View(), "")
	}
	if len(m.sites) == 0 {
		lines = append(lines, m.styles.Hint.Render("no bookmarks yet: connect, then press B to save the site"))
	} else if len(m.shown) == 0 {
		lines = append(lines, m.styles.Hint.Render("(no bookmark matches the filter)"))
	}
	nameW := 4
	for _, i := range m.shown {
		nameW = max(nameW, min(ansi.StringWidth(m.sites[i].Name), 24))
	}
	if len(m.shown) > 0 {
		lines = append(lines, m.styles.Label.Render(cells.Truncate(fmt.Sprintf("  %-*s  %-28s %-8s %-9s %s", nameW, "NAME", "ADDRESS", "TLS", "MODE", "PASSWORD"), inner)))
	}
	rows := max(m.height-len(lines)-8, 3)
	start := max(m.cursor-rows+1, 0)
	for i := start; i < len(m.shown) && i < start+rows; i++ {
		s := m.sites[m.shown[i]]
		mode := s.Mode
		if mode == "" {
			mode = "default"
			if s.LastGoodMode != "" {
				mode = "(" + s.LastGoodMode + ")"
			}
		}
		tls := s.TLS
		if tls == "" {
			tls = bookmarks.TLSOff
		}
		mark := "  "
		if i == m.cursor {
			mark = "> "
		}
		row := fmt.Sprintf("%s%-*s  %-28s %-8s %-9s %s", mark, nameW, cells.Truncate(s.Name, nameW), cells.Truncate(s.Address(), 28), tls, mode, bookmarks.PasswordSourceLabel(s))
		row = cells.Truncate(row, inner)
		if i == m.cursor {
			row = m.styles.Selected.Render(row + strings.Repeat(" ", max(inner-ansi.StringWidth(row), 0)))
		}
		lines = append(lines, row)
	}
	lines = append(lines, "")
	switch {
	case m.confirm:
		b, _ := m.Current()
		lines = append(lines, m.styles.Danger.Render(cells.Truncate(fmt.Sprintf("Delete bookmark %s? y/n", b.Name), inner)))
	case m.filtering:
		lines = append(lines, m.styles.Hint.Render(cells.Truncate("type to filter · ↑/↓ move · enter connect · esc clear", inner)))
	default:
		lines = append(lines, m.styles.Hint.Render(cells.Truncate(fmt.Sprintf("%d of %d · enter connect · / filter · e edit · d delete · esc close", len(m.shown), len(m.sites)), inner)))
	}
	return lines
}

func (m Model) formLines(inner int) []string {
	var lines []string
	for _, b := range m.body {
		lines = append(lines, cells.Truncate(b, inner))
	}
	if len(m.body) > 0 {
		lines = append(lines, "")
	}
	rows := max(m.height-len(lines)-8, 3)
	start := max(m.focus-rows+1, 0)
	for i := start; i < len(m.fields) && i < start+rows; i++ {
		f := m.fields[i]
		st, mark := m.styles.Label, "  "
		if i == m.focus {
			st, mark = m.styles.LabelFocused, "> "
		}
		label := st.Render(fmt.Sprintf("%s%-13s ", mark, f.label))
		if f.choices != nil {
			lines = append(lines, label+choiceRow(f.choices, f.idx, m))
			continue
		}
		f.in.Width = max(inner-17, 4)
		lines = append(lines, label+f.in.View())
	}
	lines = append(lines, "")
	if m.errMsg != "" {
		lines = append(lines, m.styles.Danger.Render(cells.Truncate(m.errMsg, inner)))
	}
	var parts []string
	for _, b := range m.formKeys() {
		parts = append(parts, b.Help().Key+" "+b.Help().Desc)
	}
	lines = append(lines, m.styles.Hint.Render(cells.Truncate(strings.Join(parts, " · "), inner)))
	return lines
}

func choiceRow(choices []string, sel int, m Model) string {
	parts := make([]string, len(choices))
	for i, c := range choices {
		if i == sel {
			parts[i] = m.styles.Selected.Render("[" + c + "]")
		} else {
			parts[i] = " " + c + " "
		}
	}
	return strings.Join(parts, " ")
}
