package ui

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer"
)

// typeSetter is a queue whose transfer type for new jobs can be changed
// (transfer/queue.Queue: binary, ascii, auto).
type typeSetter interface {
	SetType(transfer.TypeMode)
	Type() transfer.TypeMode
}

// hasTypes reports whether the queue takes a transfer type (t applies).
func hasTypes(m Model) bool {
	_, ok := m.queue.(typeSetter)
	return ok
}

// cycleType is t: the transfer type of new jobs goes binary → ascii →
// auto → binary; queued jobs keep theirs.
func (m Model) cycleType() (tea.Model, tea.Cmd) {
	q, ok := m.queue.(typeSetter)
	if !ok {
		return m, nil
	}
	t := q.Type().Next()
	q.SetType(t)
	what := map[transfer.TypeMode]string{
		transfer.TypeBinary: "byte for byte (TYPE I)",
		transfer.TypeASCII:  "as text (TYPE A), line ends converted",
		transfer.TypeAuto:   "as text (TYPE A) for text extensions, else byte for byte",
	}[t]
	m.setStatus(fmt.Sprintf("type: %s — new transfers go %s", t, what), false)
	return m, nil
}

// typeLabel is the status bar's transfer type, "" without a queue.
func (m Model) typeLabel() string {
	if q, ok := m.queue.(typeSetter); ok {
		return "type " + q.Type().String()
	}
	return ""
}
