package ui

import (
	"strings"
	"testing"

	"ftpdeck/internal/ftpd"
)

// TestQuoteStatAgainstVsftpd: ! then STAT shows the server's status lines
// in the log pane and the reply in the status line; a data command is
// refused in words; ↑ brings back earlier commands.
func TestQuoteStatAgainstVsftpd(t *testing.T) {
	srv := ftpd.StartVsftpd(t, ftpd.Options{})
	d := newDriver(t)
	m := urlModel(t, d, srv.URL(), t.TempDir(), false)
	m = d.key(m, "!")
	_, open := m.top().(quoteOverlay)
	want(t, open, "! did not open the prompt")
	m = d.key(m, "STAT", "enter")
	m = d.until(m, "the reply", func(m Model) bool { return strings.HasPrefix(m.status, "STAT: 211") })
	want(t, strings.Contains(m.status, "lines, in the log") && !m.statusErr, "status %q", m.status)
	m = d.until(m, "the status lines in the log", func(m Model) bool { return strings.Contains(m.View(), "vsFTPd") })

	m = d.key(m, "!", "list /", "enter")
	m = d.until(m, "the refusal", func(m Model) bool { return strings.Contains(m.status, "LIST") })
	want(t, m.statusErr && strings.Contains(m.status, "needs a data connection"), "status %q", m.status)

	m = d.key(m, "!", "SITE NOSUCH", "enter")
	m = d.until(m, "the 5xx", func(m Model) bool { return strings.HasPrefix(m.status, "SITE NOSUCH: 5") })
	want(t, m.statusErr, "a 5xx reply is not shown as an error: %q", m.status)

	m = d.key(m, "!", "up", "up")
	o, _ := m.top().(quoteOverlay)
	want(t, o.p.Value() == "list /", "↑↑ shows %q, want the command before the last", o.p.Value())
	m = d.key(m, "esc")
	_, open = m.top().(quoteOverlay)
	want(t, !open, "esc did not close the prompt")
}
