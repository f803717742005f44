package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
	"ftpdeck/ui/dialog"
)

// The real queue takes a rate limit through the adapter.
var _ rateSetter = (*queueAdapter)(nil)

// ratedQueue is a fake queue that takes a rate limit, as the real one.
type ratedQueue struct {
	fakeQueue
	bps int64
	set int // SetRateLimit calls
}

func (q *ratedQueue) SetRateLimit(bps int64) { q.bps = bps; q.set++ }
func (q *ratedQueue) RateLimit() int64       { return q.bps }

// answerRate presses T, types value into the dialog and presses enter,
// feeding the dialog's answer back to the model.
func answerRate(t *testing.T, m Model, value string) Model {
	t.Helper()
	m = press(t, m, "T")
	want(t, dlg(m) != nil && dlg(m).Kind() == dialog.Input, "T opened no input dialog")
	m = update(t, m, runes(value))
	m, cmd := updateCmd(t, m, keyMsg("enter"))
	msgs := runCmd(cmd)
	want(t, len(msgs) == 1, "dialog answers %d", len(msgs))
	return update(t, m, msgs[0])
}

// TestRateKey (issue 19): T asks for the rate limit and sets it on the
// queue at once (the queue applies it to running transfers); the status
// line says so and the status bar shows it while it is set; a bad value
// is refused with the wanted form and changes nothing; 0 lifts it; the
// dialog starts with the limit in force.
func TestRateKey(t *testing.T) {
	m := fedModel(t, 140, 30)
	q := &ratedQueue{}
	m.queue = q
	bar := func() string { return ansi.Strip(m.statusBar(140)) }
	want(t, !strings.Contains(bar(), "limit"), "status bar without a limit %q", bar())

	m = answerRate(t, m, "1.5M")
	want(t, q.bps == 3<<19 && q.set == 1, "after 1.5M: %d (%d calls)", q.bps, q.set)
	want(t, strings.Contains(m.status, "1.5 MiB/s"), "status %q", m.status)
	want(t, strings.Contains(bar(), "limit 1.5 MiB/s"), "status bar %q", bar())

	m = press(t, m, "T")
	want(t, strings.Contains(ansi.Strip(m.View()), "rate: 1.5M"), "the dialog does not hold the limit in force:\n%s", ansi.Strip(m.View()))
	m = press(t, m, "esc")
	want(t, dlg(m) == nil && q.set == 1, "esc: dialog open %v, %d calls", dlg(m) != nil, q.set)

	m = answerRate(t, m, "fast")
	want(t, q.bps == 3<<19 && q.set == 1, "a bad value changed the limit: %d", q.bps)
	want(t, strings.Contains(m.status, "500K"), "status %q", m.status)

	m = press(t, m, "T")
	m = update(t, m, keyMsg("backspace"))
	m = update(t, m, keyMsg("backspace"))
	m = update(t, m, keyMsg("backspace"))
	m = update(t, m, keyMsg("backspace"))
	m = update(t, m, runes("0"))
	m, cmd := updateCmd(t, m, keyMsg("enter"))
	m = update(t, m, runCmd(cmd)[0])
	want(t, q.bps == 0, "after 0: %d", q.bps)
	want(t, strings.Contains(m.status, "rate limit off"), "status %q", m.status)
	want(t, !strings.Contains(bar(), "limit"), "status bar after 0 %q", bar())

	// A queue without a rate limit (none yet): T does nothing.
	m.queue = &fakeQueue{}
	m = press(t, m, "T")
	want(t, dlg(m) == nil, "T opened a dialog without a queue that takes a limit")
}

// TestRateFromBookmarkList (issue 19): a bookmark connected from the
// bookmark list gives its queue the rate limit Options.RateFor says
// (the CLI: --limit-rate, else the bookmark's limit_rate, else
// config.toml's).
func TestRateFromBookmarkList(t *testing.T) {
	sites := sampleBookmarks()
	sites[0].LimitRate = "500K" // camera, the first in the list
	st := bmStore(t, sites...)
	lg := transfer.NewLog(100)
	sess := transfer.NewSession(transfer.Site{Host: "127.0.0.1", Port: 2121, User: "demo", Password: "demo"}, lg)
	q := &ratedQueue{}
	var asked []string
	m := feedConnected(t, New(Options{Session: sess, Log: lg, LocalDir: fixedLocal(t), Title: "ftpdeck", Bookmarks: st,
		QueueFor: func(int) QueueFactory { return func(*transfer.Session) (Queue, error) { return q, nil } },
		RateFor: func(b bookmarks.Site) int64 {
			asked = append(asked, b.Name)
			bps, _ := bookmarks.ParseRate(string(b.LimitRate))
			return bps
		},
	}), 100, 30)
	m = pressSettle(t, m, "b", "enter")
	want(t, len(asked) == 1 && asked[0] == "camera", "RateFor asked for %v", asked)
	got, err := m.opts.NewQueue(m.sess)
	want(t, err == nil && got == Queue(q), "factory: %v %v", got, err)
	want(t, q.bps == 500<<10 && q.set == 1, "queue's limit %d (%d calls)", q.bps, q.set)
}
