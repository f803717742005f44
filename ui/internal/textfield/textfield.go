// Package textfield builds the one-line text inputs of every dialog, form
// and filter: a bubbles textinput with a steady cursor (no blink timer, so
// screens are stable and no tick messages run while a dialog is open),
// masked with '•' for passwords.
package textfield

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
)

// New returns an input with prompt p holding at most limit characters.
func New(p string, limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = p
	in.CharLimit = limit
	in.EchoCharacter = '•'
	in.Cursor.SetMode(cursor.CursorStatic)
	return in
}

// Masked returns an input like New that shows one '•' per character.
func Masked(p string, limit int) textinput.Model {
	in := New(p, limit)
	in.EchoMode = textinput.EchoPassword
	return in
}
