package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"ftpdeck/transfer"
)

// typedQueue is a fake queue that takes a transfer type, as the real one.
type typedQueue struct {
	fakeQueue
	typ transfer.TypeMode
}

func (q *typedQueue) SetType(m transfer.TypeMode) { q.typ = m }
func (q *typedQueue) Type() transfer.TypeMode     { return q.typ }

// TestTypeKey (issue 21): t cycles the transfer type of new jobs binary →
// ascii → auto → binary on the queue, says so in the status line, and the
// status bar shows the type in force.
func TestTypeKey(t *testing.T) {
	m := fedModel(t, 140, 30)
	q := &typedQueue{}
	m.queue = q
	want(t, strings.Contains(ansi.Strip(m.statusBar(140)), "type binary"), "status bar %q", ansi.Strip(m.statusBar(140)))
	for _, next := range []transfer.TypeMode{transfer.TypeASCII, transfer.TypeAuto, transfer.TypeBinary} {
		m = press(t, m, "t")
		want(t, q.typ == next, "after t: %s, want %s", q.typ, next)
		want(t, strings.Contains(m.status, "type: "+next.String()), "status %q", m.status)
		bar := ansi.Strip(m.statusBar(140))
		want(t, strings.Contains(bar, "type "+next.String()), "status bar %q", bar)
	}
	// a queue without types (none yet): t does nothing and the bar says nothing
	m.queue = &fakeQueue{}
	m = press(t, m, "t")
	want(t, !strings.Contains(ansi.Strip(m.statusBar(140)), "type "), "status bar %q", ansi.Strip(m.statusBar(140)))
}
