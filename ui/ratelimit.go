package ui

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
	"ftpdeck/ui/dialog"
)

// rateSetter is a queue whose rate limit can be changed while it runs
// (transfer/queue.Queue: the total bytes per second of all its transfers,
// running ones included).
type rateSetter interface {
	SetRateLimit(bps int64)
	RateLimit() int64
}

// tagRate is the rate limit dialog's answer.
type tagRate struct{}

// hasRate reports whether the queue takes a rate limit (T applies).
func hasRate(m Model) bool {
	_, ok := m.queue.(rateSetter)
	return ok
}

// askRate is T: a one-line input for the rate limit, holding the current
// one ("" when none).
func (m Model) askRate() (tea.Model, tea.Cmd) {
	q, ok := m.queue.(rateSetter)
	if !ok {
		return m, nil
	}
	value := ""
	if r := q.RateLimit(); r > 0 {
		value = bookmarks.FormatRate(r)
	}
	return m.openDialog(dialog.NewInput(tagRate{}, "Rate limit of all transfers together (500K, 10M, 1.5M; empty or 0: none)", "rate: ", value)), nil
}

// setRate applies the dialog's answer to the queue at once: running
// transfers slow down or speed up within a moment.
func (m Model) setRate(value string) (tea.Model, tea.Cmd) {
	q, ok := m.queue.(rateSetter)
	if !ok {
		return m, nil
	}
	bps, err := bookmarks.ParseRate(value)
	if err != nil {
		m.setStatus("rate limit: "+err.Error(), true)
		return m, nil
	}
	q.SetRateLimit(bps)
	if bps == 0 {
		m.setStatus("rate limit off: transfers go as fast as they can", false)
	} else {
		m.setStatus(fmt.Sprintf("rate limit %s/s for all transfers together, running ones included", transfer.HumanBytes(float64(bps))), false)
	}
	return m, nil
}

// withBookmarkRate returns f with the rate limit of the bookmark name
// (Options.RateFor) set on each queue it makes; f itself without RateFor
// or such a bookmark.
func (m Model) withBookmarkRate(f QueueFactory, name string) QueueFactory {
	if m.opts.RateFor == nil || m.opts.Bookmarks == nil {
		return f
	}
	b, ok := m.opts.Bookmarks.Get(name)
	if !ok {
		return f
	}
	bps := m.opts.RateFor(b)
	return func(sess *transfer.Session) (Queue, error) {
		q, err := f(sess)
		if rs, ok := q.(rateSetter); ok && err == nil {
			rs.SetRateLimit(bps)
		}
		return q, err
	}
}

// rateLabel is the status bar's rate limit, "" when there is none.
func (m Model) rateLabel() string {
	if q, ok := m.queue.(rateSetter); ok {
		if r := q.RateLimit(); r > 0 {
			return "limit " + transfer.HumanBytes(float64(r)) + "/s"
		}
	}
	return ""
}
