package ui

import (
	"slices"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"ftpdeck/ui/bookmarkview"
	"ftpdeck/ui/dialog"
	"ftpdeck/ui/doctorview"
)

// overlay is a view laid over the panes: a dialog, the bookmark views, the
// mode doctor, the certificate question, the help screen (and later the
// viewer, the queue's restore prompt). The root keeps them in one stack:
// the top one takes every key and is drawn in the body area; the help line
// shows its keys. It is popped when Done. Adding an overlay is writing
// this interface for it and pushing it — nothing else in the root changes.
type overlay interface {
	// Update takes a key (or a message meant for the overlay).
	Update(msg tea.Msg) (overlay, tea.Cmd)
	// View renders the body area, w×h.
	View(w, h int) string
	// HelpKeys is what the help line shows while the overlay is on top.
	HelpKeys() help.KeyMap
	// Done reports that the overlay answered or was closed.
	Done() bool
	// TakesText reports whether a text field has the keyboard (keys are
	// then typed, not split into presses).
	TakesText() bool
}

// top returns the overlay on top, or nil.
func (m Model) top() overlay {
	if len(m.overlays) == 0 {
		return nil
	}
	return m.overlays[len(m.overlays)-1]
}

// push lays o over everything else. The stack is copied, never changed in
// place: a Model value kept by a caller keeps its own stack.
func (m Model) push(o overlay) Model {
	m.overlays = append(slices.Clip(m.overlays), o)
	return m
}

// updateTop gives msg to the top overlay and pops it when it is done.
func (m Model) updateTop(msg tea.Msg) (Model, tea.Cmd) {
	o, cmd := m.top().Update(msg)
	m = m.replace(len(m.overlays)-1, o)
	return m, cmd
}

// replace puts o at index i of the stack, dropping it when it is done.
func (m Model) replace(i int, o overlay) Model {
	s := slices.Clone(m.overlays)
	if o.Done() {
		s = slices.Delete(s, i, i+1)
	} else {
		s[i] = o
	}
	m.overlays = s
	return m
}

// findOverlay returns the top-most overlay of type T and its index.
func findOverlay[T overlay](m Model) (T, int, bool) {
	for i := len(m.overlays) - 1; i >= 0; i-- {
		if o, ok := m.overlays[i].(T); ok {
			return o, i, true
		}
	}
	var zero T
	return zero, -1, false
}

// dialogOverlay is a dialog: centred in the body.
type dialogOverlay struct{ d dialog.Model }

func (o dialogOverlay) Update(msg tea.Msg) (overlay, tea.Cmd) {
	d, cmd := o.d.Update(msg)
	return dialogOverlay{d}, cmd
}

func (o dialogOverlay) View(w, h int) string {
	o.d.SetWidth(w - 4)
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, o.d.View())
}

func (o dialogOverlay) HelpKeys() help.KeyMap { return o.d.HelpKeys() }
func (o dialogOverlay) Done() bool            { return o.d.Answered() }
func (o dialogOverlay) TakesText() bool       { return o.d.TakesText() }

// bookmarksOverlay is a bookmark view (list, forms, password prompt).
type bookmarksOverlay struct{ v bookmarkview.Model }

func (o bookmarksOverlay) Update(msg tea.Msg) (overlay, tea.Cmd) {
	v, cmd := o.v.Update(msg)
	return bookmarksOverlay{v}, cmd
}

func (o bookmarksOverlay) View(w, h int) string {
	o.v.SetSize(w, h)
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, o.v.View())
}

func (o bookmarksOverlay) HelpKeys() help.KeyMap { return o.v.HelpKeys() }
func (o bookmarksOverlay) Done() bool            { return o.v.Done() }
func (o bookmarksOverlay) TakesText() bool       { return o.v.TakesText() }

// doctorOverlay is the mode doctor: top left, the whole body.
type doctorOverlay struct{ v doctorview.Model }

func (o doctorOverlay) Update(msg tea.Msg) (overlay, tea.Cmd) {
	v, cmd := o.v.Update(msg)
	return doctorOverlay{v}, cmd
}

func (o doctorOverlay) View(w, h int) string {
	return lipgloss.Place(w, h, lipgloss.Left, lipgloss.Top, o.v.View(w, h))
}

func (o doctorOverlay) HelpKeys() help.KeyMap { return o.v.KeyMap() }
func (o doctorOverlay) Done() bool            { return o.v.Done() }
func (o doctorOverlay) TakesText() bool       { return false }
