package bookmarkview

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the bindings of the bookmark list and its forms.
type KeyMap struct {
	Up, Down, Connect, Filter, Edit, Delete, Close key.Binding
	Yes, No                                        key.Binding
	Next, Prev, Cycle, Confirm                     key.Binding
}

// DefaultKeyMap returns the bindings: enter connects (list) or confirms
// (forms), / filters, e edits, d deletes after a y/n question, esc closes.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:      key.NewBinding(key.WithKeys("up", "k", "ctrl+p"), key.WithHelp("↑/k", "up")),
		Down:    key.NewBinding(key.WithKeys("down", "j", "ctrl+n"), key.WithHelp("↓/j", "down")),
		Connect: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "connect")),
		Filter:  key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Edit:    key.NewBinding(key.WithKeys("e", "f4"), key.WithHelp("e", "edit")),
		Delete:  key.NewBinding(key.WithKeys("d", "delete", "f8"), key.WithHelp("d", "delete")),
		Close:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
		Yes:     key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:      key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no")),
		Next:    key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		Prev:    key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
		Cycle:   key.NewBinding(key.WithKeys(" ", "left", "right"), key.WithHelp("space/←/→", "change")),
		Confirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")),
	}
}

// ShortHelp implements help.KeyMap for the list.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Connect, k.Filter, k.Edit, k.Delete, k.Close}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Connect, k.Filter, k.Edit, k.Delete, k.Close}, {k.Next, k.Prev, k.Cycle, k.Confirm}}
}

// formHelp is the bindings shown under a form.
type formHelp []key.Binding

func (f formHelp) ShortHelp() []key.Binding  { return f }
func (f formHelp) FullHelp() [][]key.Binding { return [][]key.Binding{f} }
