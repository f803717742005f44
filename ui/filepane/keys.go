package filepane

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the pane's own bindings: moving, opening, marking, sorting,
// filtering. Actions that need a dialog or the other pane (copy, new
// folder, rename, delete) belong to the root model's key map.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Open, Parent                          key.Binding
	Mark, MarkAll                         key.Binding
	Refresh, Sort, Filter, Hidden         key.Binding
	ClearFilter, AcceptFilter             key.Binding
}

// DefaultKeyMap returns the INTERFACE.md bindings of a file pane.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:         key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "first")),
		End:          key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "last")),
		Open:         key.NewBinding(key.WithKeys("enter", "right", "l"), key.WithHelp("enter/→", "open")),
		Parent:       key.NewBinding(key.WithKeys("backspace", "left", "h"), key.WithHelp("⌫/←", "parent")),
		Mark:         key.NewBinding(key.WithKeys(" ", "insert"), key.WithHelp("space", "mark")),
		MarkAll:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "mark all")),
		Refresh:      key.NewBinding(key.WithKeys("r", "ctrl+r"), key.WithHelp("r", "refresh")),
		Sort:         key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Hidden:       key.NewBinding(key.WithKeys("."), key.WithHelp(".", "hidden files")),
		ClearFilter:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		AcceptFilter: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Open, k.Parent, k.Mark, k.Filter, k.ClearFilter}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Open, k.Parent, k.Mark, k.MarkAll},
		{k.Refresh, k.Sort, k.Filter, k.ClearFilter, k.Hidden},
	}
}
