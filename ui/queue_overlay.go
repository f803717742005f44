package ui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer/queue"
	"ftpdeck/ui/jobview"
	"ftpdeck/ui/queueview"
	"ftpdeck/ui/restoreview"
)

// The queue's two overlays: a job's detail (enter in the queue pane) and
// the restore prompt (when the queue comes back with unfinished jobs), and
// the queue calls behind the pane's X and the prompt's answers.

// FinishedClearer is a queue that can drop its finished jobs at once (X).
type FinishedClearer interface {
	ClearFinished() error
}

// Restorer is what the restore prompt needs of a queue: the jobs it
// loaded from last time that are not done (paused ones, which were
// queued or running when it stopped, and failed ones, as they were at
// load), and two of the three answers on the paused ones ("keep paused"
// changes nothing; failed jobs stay failed either way).
type Restorer interface {
	Restored() []queue.Job
	ResumeRestored() error
	ClearRestored() error
}

// jobOverlay is a queue job's detail: the whole body.
type jobOverlay struct{ d jobview.Model }

func (o jobOverlay) Update(msg tea.Msg) (overlay, tea.Cmd) {
	d, cmd := o.d.Update(msg)
	return jobOverlay{d}, cmd
}

func (o jobOverlay) View(w, h int) string {
	if cw, ch := o.d.Size(); cw != w || ch != h {
		o.d.SetSize(w, h)
	}
	return o.d.View()
}

func (o jobOverlay) HelpKeys() help.KeyMap { return o.d.KeyMap() }
func (o jobOverlay) Done() bool            { return o.d.Done() }
func (o jobOverlay) TakesText() bool       { return false }

// restoreOverlay is the restore prompt, centred in the body.
type restoreOverlay struct{ p restoreview.Model }

func (o restoreOverlay) Update(msg tea.Msg) (overlay, tea.Cmd) {
	p, cmd := o.p.Update(msg)
	return restoreOverlay{p}, cmd
}

func (o restoreOverlay) View(w, h int) string {
	o.p.SetSize(w, h)
	return o.p.View()
}

func (o restoreOverlay) HelpKeys() help.KeyMap { return o.p.KeyMap() }
func (o restoreOverlay) Done() bool            { return o.p.Done() }
func (o restoreOverlay) TakesText() bool       { return false }

// offerRestore opens the restore prompt when q brought back unfinished
// jobs.
func (m Model) offerRestore(q Queue) Model {
	r, ok := q.(Restorer)
	if !ok {
		return m
	}
	o := restoreview.OfferOf(r.Restored())
	if o.Jobs == 0 {
		return m
	}
	return m.push(restoreOverlay{restoreview.New(o)})
}

// queueOverlayMsg handles the overlays' messages; ok is false for others
// (a queue summary also refreshes an open detail, and goes on to the
// queue pane).
func (m Model) queueOverlayMsg(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case queueMsg:
		if o, i, open := findOverlay[jobOverlay](m); open && msg.gen == m.gen {
			id := o.d.Job().ID
			for _, j := range msg.sum.Jobs {
				if j.ID == id {
					o.d.SetSize(max(m.width, 20), m.bodyH)
					o.d.SetJob(*j, m.log.Snapshot())
					m = m.replace(i, o)
					break
				}
			}
		}
		return m, nil, false
	case queueview.DetailMsg:
		d := jobview.New(msg.Job, m.log.Snapshot())
		d.SetSize(max(m.width, 20), m.bodyH)
		return m.push(jobOverlay{d}), nil, true
	case restoreview.ChoiceMsg:
		r, ok := m.queue.(Restorer)
		if !ok {
			return m, nil, true
		}
		switch msg.Choice {
		case restoreview.Resume:
			m.setStatus("resuming the transfers of last time", false)
			return m, func() tea.Msg { return queueOpMsg{err: r.ResumeRestored()} }, true
		case restoreview.Clear:
			m.setStatus("cleared the transfers of last time (partial files stay on disk)", false)
			return m, func() tea.Msg { return queueOpMsg{err: r.ClearRestored()} }, true
		case restoreview.KeepPaused:
			m.setStatus("the transfers of last time are paused: space or P in the queue pane resumes", false)
		}
		return m, nil, true
	}
	return m, nil, false
}

// quitWords says what quitting does to the queue, in lines for the quit
// dialog: running jobs stop and keep their partial files, and the next
// start asks what to do with them.
func quitWords(s queue.Summary) []string {
	return []string{
		fmt.Sprintf("%d running, %d queued.", s.Running, s.Queued),
		"Quitting stops them; partial files are kept.",
		"The next time ftpdeck connects it asks whether to",
		"resume them, keep them paused or clear them.",
	}
}
