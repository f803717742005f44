package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/ui/dialog"
)

// KeyMap is the root model's bindings: the ones that apply whatever pane
// has focus, and the file actions that need a dialog or the other pane.
// The panes' own keys are in their packages.
type KeyMap struct {
	NextPane, PrevPane    key.Binding
	Copy, Mirror          key.Binding
	Mode                  key.Binding
	Type                  key.Binding
	Mkdir, Rename, Delete key.Binding
	Connect               key.Binding
	Bookmarks, SaveSite   key.Binding
	ToggleLog, Doctor     key.Binding
	Zoom                  key.Binding
	Help, Quit, CloseHelp key.Binding
	Rate                  key.Binding
}

// DefaultKeyMap returns the INTERFACE.md bindings of the main screen.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		NextPane:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		PrevPane:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Copy:      key.NewBinding(key.WithKeys("c", "f5"), key.WithHelp("c/f5", "copy to other pane")),
		Mirror:    key.NewBinding(key.WithKeys("M"), key.WithHelp("M", "mirror into other pane")),
		Mode:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "active/passive")),
		Type:      key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "type binary/ascii/auto")),
		Mkdir:     key.NewBinding(key.WithKeys("n", "f7"), key.WithHelp("n/f7", "new folder")),
		Rename:    key.NewBinding(key.WithKeys("R", "f6"), key.WithHelp("R/f6", "rename")),
		Delete:    key.NewBinding(key.WithKeys("d", "delete", "f8"), key.WithHelp("d/f8", "delete")),
		Connect:   key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open connection")),
		Bookmarks: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "bookmarks")),
		SaveSite:  key.NewBinding(key.WithKeys("B"), key.WithHelp("B", "save site")),
		ToggleLog: key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "show/hide log")),
		Doctor:    key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "mode doctor")),
		Zoom:      key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom pane")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		CloseHelp: key.NewBinding(key.WithKeys("?", "esc", "q"), key.WithHelp("esc", "close help")),
		Rate:      key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "rate limit")),
	}
}

// helpGroup is a section of the help screen.
type helpGroup int

const (
	groupFiles helpGroup = iota
	groupConnection
	groupScreen
	numGroups
)

func (g helpGroup) String() string {
	switch g {
	case groupFiles:
		return "Files"
	case groupConnection:
		return "Connection"
	case groupScreen, numGroups:
	}
	return "Screen"
}

// binding is one row of the root's binding table: the keys and their help
// text, what they do, when they apply (nil: always) and where the help
// lists them (short: also on the one-line help). The one table drives
// dispatch, enabling and help, so a key is added in one place.
type binding struct {
	key   key.Binding
	run   func(Model) (tea.Model, tea.Cmd)
	when  func(Model) bool
	group helpGroup
	short bool
}

// enabled reports whether the binding applies now.
func (b binding) enabled(m Model) bool { return b.when == nil || b.when(m) }

// bindings is the table, in the order help shows it.
func (m Model) bindings() []binding {
	k := m.keys
	onFiles := func(m Model) bool { return m.focusedPane() != nil }
	canCopy := func(m Model) bool { return onFiles(m) && m.remote.Lister() != nil }
	canEdit := func(m Model) bool { return onFiles(m) && (m.focus == focusLocal || m.remote.Lister() != nil) }
	session := func(m Model) bool { return m.sess != nil }
	store := func(m Model) bool { return m.opts.Bookmarks != nil }
	return append([]binding{
		{k.Copy, Model.copySelected, canCopy, groupFiles, true},
		{k.Mirror, Model.startMirror, canCopy, groupFiles, false},
		{k.Mkdir, Model.askMkdir, canEdit, groupFiles, false},
		{k.Rename, Model.askRename, canEdit, groupFiles, false},
		{k.Delete, Model.askDelete, canEdit, groupFiles, false},
		{k.Mode, Model.toggleMode, session, groupConnection, true},
		{k.Type, Model.cycleType, hasTypes, groupConnection, false},
		{k.Rate, Model.askRate, hasRate, groupConnection, false},
		{k.Connect, Model.openConnect, nil, groupConnection, false},
		{k.Bookmarks, Model.openBookmarks, store, groupConnection, false},
		{k.SaveSite, Model.openSave, func(m Model) bool { return session(m) && store(m) }, groupConnection, false},
		{k.Doctor, Model.startDoctor, session, groupConnection, false},
		{k.NextPane, Model.nextPane, nil, groupScreen, true},
		{k.PrevPane, Model.prevPane, nil, groupScreen, false},
		{k.ToggleLog, Model.toggleLog, nil, groupScreen, false},
		{k.Zoom, Model.toggleZoom, nil, groupScreen, false},
		{k.Help, Model.openHelp, nil, groupScreen, true},
		{k.Quit, Model.quit, nil, groupScreen, true},
	}, m.fileBindings()...)
}

// dispatch runs the first enabled binding that matches msg.
func (m Model) dispatch(msg tea.KeyMsg) (tea.Model, tea.Cmd, bool) {
	for _, b := range m.bindings() {
		if key.Matches(msg, b.key) && b.enabled(m) {
			mm, cmd := b.run(m)
			return mm, cmd, true
		}
	}
	return m, nil, false
}

// rootHelp returns the table's bindings for the help line: the short ones
// and, by group, all of them; those that do not apply now are disabled
// (bubbles/help leaves them out).
func (m Model) rootHelp() (short []key.Binding, full [][]key.Binding) {
	full = make([][]key.Binding, numGroups)
	for _, b := range m.bindings() {
		kb := b.key
		kb.SetEnabled(b.enabled(m))
		if b.short {
			short = append(short, kb)
		}
		full[b.group] = append(full[b.group], kb)
	}
	return short, full
}

// helpMap joins a pane's bindings with the root's for bubbles/help.
type helpMap struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpMap) ShortHelp() []key.Binding  { return h.short }
func (h helpMap) FullHelp() [][]key.Binding { return h.full }

// The handlers of the table that are not elsewhere.

func (m Model) nextPane() (tea.Model, tea.Cmd) { m.setFocus(m.nextFocus(1)); return m, nil }
func (m Model) prevPane() (tea.Model, tea.Cmd) { m.setFocus(m.nextFocus(-1)); return m, nil }

func (m Model) toggleLog() (tea.Model, tea.Cmd) {
	m.showLog = !m.showLog
	if !m.showLog && m.focus == focusLog {
		m.setFocus(focusRemote)
	}
	m.layout()
	return m, nil
}

func (m Model) toggleZoom() (tea.Model, tea.Cmd) {
	m.zoomed = !m.zoomed
	m.layout()
	return m, nil
}

func (m Model) openConnect() (tea.Model, tea.Cmd) {
	return m.openDialog(dialog.NewConnect(tagConnect{}, m.formFor())), nil
}

func (m Model) askMkdir() (tea.Model, tea.Cmd) {
	p := m.focusedPane()
	return m.openDialog(dialog.NewInput(tagMkdir{p.ID()}, "New folder in "+p.Dir(), "name: ", "")), nil
}

func (m Model) askRename() (tea.Model, tea.Cmd) {
	p := m.focusedPane()
	if e, ok := p.Current(); ok {
		return m.openDialog(dialog.NewInput(tagRename{p.ID(), e.Name}, "Rename "+e.Name, "new name: ", e.Name)), nil
	}
	return m, nil
}
