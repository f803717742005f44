package ui

import "ftpdeck/transfer"

// showHints puts the log's hints (advice for the user, such as the
// charset one: "decodes cleanly as gbk — set encoding …") on the status
// line; the log pane shows them as notes like any other.
func (m *Model) showHints(events []transfer.Event) {
	for _, e := range events {
		if e.Hint {
			m.setStatus(e.Note, false)
		}
	}
}
