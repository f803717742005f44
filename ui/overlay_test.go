package ui

import (
	"strings"
	"testing"

	"ftpdeck/transfer/queue"
	"ftpdeck/ui/bookmarkview"
	"ftpdeck/ui/dialog"
	"ftpdeck/ui/doctorview"
)

// dlg returns the dialog on top of the overlay stack, or nil.
func dlg(m Model) *dialog.Model {
	if o, ok := m.top().(dialogOverlay); ok {
		return &o.d
	}
	return nil
}

// bmv returns the bookmark view on top, or nil.
func bmv(m Model) *bookmarkview.Model {
	if o, ok := m.top().(bookmarksOverlay); ok {
		return &o.v
	}
	return nil
}

// doc returns the mode doctor's overlay when it is on top, or nil.
func doc(m Model) *doctorview.Model {
	if o, ok := m.top().(doctorOverlay); ok {
		return &o.v
	}
	return nil
}

// helpOpen reports whether the help screen is on top.
func helpOpen(m Model) bool {
	_, ok := m.top().(helpOverlay)
	return ok
}

// The stack: an overlay opened over another takes the keys and is drawn;
// closing it shows the one beneath again, which takes the keys again.
func TestOverlayStack(t *testing.T) {
	m := fedModel(t, 100, 30)
	m = press(t, m, "?")
	want(t, helpOpen(m), "help not open")
	// A conflict arrives while the help is open: its dialog goes on top.
	m.queue = &fakeQueue{}
	m.conflicts = append(m.conflicts, Conflict{Job: queue.Job{Size: 2048}, ExistingSize: 1024, Decide: func(p queue.Policy, b bool) {}})
	nm, _ := m.nextConflict()
	m = nm.(Model)
	want(t, dlg(m) != nil && len(m.overlays) == 2, "stack %d", len(m.overlays))
	want(t, strings.Contains(m.View(), "The target exists"), "dialog not drawn")
	want(t, strings.Contains(m.View(), "o/r/s/n/O/R/S/N choose"), "help line is not the dialog's:\n%s", m.View())
	m = press(t, m, "s")
	want(t, helpOpen(m) && len(m.overlays) == 1, "after the answer: help %v, stack %d", helpOpen(m), len(m.overlays))
	want(t, strings.Contains(m.View(), "ftpdeck keys"), "help not drawn again")
	m = press(t, m, "esc")
	want(t, m.top() == nil && strings.Contains(m.View(), "Protocol log"), "panes not back")
	// ctrl+c quits from inside an overlay.
	m = press(t, m, "o")
	_, cmd := updateCmd(t, m, keyMsg("ctrl+c"))
	quits(t, m, cmd)
}
