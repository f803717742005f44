package ui

import (
	"github.com/charmbracelet/bubbles/key"
)

// KeyMap is the root model's bindings: the ones that apply whatever pane
// has focus, and the file actions that need a dialog or the other pane.
// Bindings that do not apply now are disabled (and so left out of help).
type KeyMap struct {
	NextPane, PrevPane    key.Binding
	Copy                  key.Binding
	Mode                  key.Binding
	Mkdir, Rename, Delete key.Binding
	Connect               key.Binding
	Bookmarks, SaveSite   key.Binding
	ToggleLog, Doctor     key.Binding
	Zoom                  key.Binding
	Help, Quit, CloseHelp key.Binding
}

// DefaultKeyMap returns the INTERFACE.md bindings of the main screen.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		NextPane:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		PrevPane:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Copy:      key.NewBinding(key.WithKeys("c", "f5"), key.WithHelp("c/f5", "copy to other pane")),
		Mode:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "active/passive")),
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
	}
}

// global returns the bindings shown after the focused pane's own.
func (k KeyMap) short() []key.Binding {
	return []key.Binding{k.Copy, k.Mode, k.NextPane, k.Help, k.Quit}
}

func (k KeyMap) full() [][]key.Binding {
	return [][]key.Binding{
		{k.NextPane, k.PrevPane, k.Copy, k.Mode, k.ToggleLog, k.Zoom},
		{k.Mkdir, k.Rename, k.Delete, k.Doctor},
		{k.Connect, k.Bookmarks, k.SaveSite, k.Help, k.Quit},
	}
}

// helpMap joins a pane's bindings with the root's for bubbles/help.
type helpMap struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpMap) ShortHelp() []key.Binding  { return h.short }
func (h helpMap) FullHelp() [][]key.Binding { return h.full }
