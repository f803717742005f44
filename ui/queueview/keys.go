package queueview

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the queue pane's bindings (INTERFACE.md, "Queue pane").
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Pause, Cancel, Retry, RetryOther      key.Binding
	MoveUp, MoveDown, PauseAll            key.Binding
	ClearFinished, Detail                 key.Binding
}

// DefaultKeyMap returns the INTERFACE.md queue bindings; `m` retries a
// failed job in the other data-connection mode.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:            key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:          key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:        key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:      key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:          key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "top (follows running)")),
		End:           key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "last")),
		Pause:         key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "pause/resume")),
		Cancel:        key.NewBinding(key.WithKeys("x", "delete"), key.WithHelp("x/del", "cancel/remove")),
		Retry:         key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		RetryOther:    key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "retry in other mode")),
		MoveUp:        key.NewBinding(key.WithKeys("K"), key.WithHelp("K", "move up")),
		MoveDown:      key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "move down")),
		PauseAll:      key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "pause/resume all")),
		ClearFinished: key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "clear finished")),
		Detail:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details and log")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Detail, k.Pause, k.Cancel, k.Retry, k.ClearFinished}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Detail, k.Pause, k.Cancel, k.Retry, k.RetryOther},
		{k.MoveUp, k.MoveDown, k.PauseAll, k.ClearFinished},
	}
}
