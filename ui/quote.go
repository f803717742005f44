package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"ftpdeck/transfer"
	"ftpdeck/transfer/wire"
	"ftpdeck/ui/quoteprompt"
)

// Raw commands (!): a one-line prompt with the earlier commands on ↑/↓;
// the command goes out on the browsing connection through Conn.Quote
// (which refuses data commands with words); its reply shows in the log
// pane (as every reply does) and in the status line.

// quoteOverlay is the prompt, at the bottom of the body.
type quoteOverlay struct{ p quoteprompt.Model }

func (o quoteOverlay) Update(msg tea.Msg) (overlay, tea.Cmd) {
	p, cmd := o.p.Update(msg)
	return quoteOverlay{p}, cmd
}

func (o quoteOverlay) View(w, h int) string {
	return lipgloss.Place(w, h, lipgloss.Left, lipgloss.Bottom, o.p.View(w))
}

func (o quoteOverlay) HelpKeys() help.KeyMap { return o.p.KeyMap() }
func (o quoteOverlay) Done() bool            { return o.p.Done() }
func (o quoteOverlay) TakesText() bool       { return true }

// quoteDoneMsg is a raw command's reply.
type quoteDoneMsg struct {
	line  string
	reply wire.Reply
	err   error
}

func (m Model) openQuote() (tea.Model, tea.Cmd) {
	return m.push(quoteOverlay{quoteprompt.New(m.quoteHistory)}), nil
}

// sendQuote sends a submitted line, or says why it will not.
func (m Model) sendQuote(line string) (Model, tea.Cmd) {
	if i := slices.Index(m.quoteHistory, line); i >= 0 {
		m.quoteHistory = slices.Delete(slices.Clone(m.quoteHistory), i, i+1)
	}
	m.quoteHistory = append(slices.Clip(m.quoteHistory), line)
	if len(m.quoteHistory) > 100 {
		m.quoteHistory = m.quoteHistory[len(m.quoteHistory)-100:]
	}
	if err := transfer.QuoteAllowed(line); err != nil {
		m.setStatus(err.Error(), true)
		return m, nil
	}
	m.setStatus("sent "+verbOf(line)+"…", false)
	b := m.browser
	return m, func() tea.Msg {
		var r wire.Reply
		err := b.Do(context.Background(), func(c *transfer.Conn) error {
			var err error
			r, err = c.Quote(context.Background(), line)
			return err
		})
		return quoteDoneMsg{line: line, reply: r, err: err}
	}
}

func verbOf(line string) string {
	f := strings.Fields(line)
	if len(f) == 0 {
		return ""
	}
	if strings.EqualFold(f[0], "PASS") {
		return "PASS"
	}
	if strings.EqualFold(f[0], "SITE") && len(f) > 1 {
		return strings.ToUpper(f[0] + " " + f[1])
	}
	return strings.ToUpper(f[0])
}

func (m Model) quoteDone(msg quoteDoneMsg) (Model, tea.Cmd) {
	if msg.err != nil {
		m.setError(verbOf(msg.line)+": ", msg.err)
		return m, nil
	}
	r := msg.reply
	text := strings.ReplaceAll(r.Text(), "\n", " · ")
	s := fmt.Sprintf("%s: %d %s", verbOf(msg.line), r.Code, text)
	if len(r.Lines) > 1 {
		s = fmt.Sprintf("%s: %d (%d lines, in the log) %s", verbOf(msg.line), r.Code, len(r.Lines), text)
	}
	m.setStatus(s, r.Code >= 400)
	return m, nil
}
