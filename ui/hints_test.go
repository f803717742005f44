package ui

import (
	"strings"
	"testing"

	"ftpdeck/transfer"
)

// TestHintOnStatusLine: a hint in the log (the charset advice) reaches the
// status line; an ordinary note does not.
func TestHintOnStatusLine(t *testing.T) {
	m := fedModel(t, 100, 30)
	m = update(t, m, logMsg{events: []transfer.Event{{Conn: 1, Dir: transfer.Note, Note: "an ordinary note"}}})
	if strings.Contains(m.status, "ordinary") {
		t.Fatalf("a plain note reached the status line: %q", m.status)
	}
	hint := `charset: the listing of / is not valid UTF-8; it decodes cleanly as gbk — set encoding = "gbk" for this site (--encoding gbk)`
	m = update(t, m, logMsg{events: []transfer.Event{{Conn: 1, Dir: transfer.Note, Note: hint, Hint: true}}})
	if m.status != hint || m.statusErr {
		t.Fatalf("status %q (error %v), want the hint", m.status, m.statusErr)
	}
}
