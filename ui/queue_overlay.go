package ui

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer/queue"
	"ftpdeck/ui/jobview"
	"ftpdeck/ui/queueview"
	"ftpdeck/ui/restoreview"
)

// The queue's two overlays: a job's detail (enter in the queue pane) and
// the restore prompt (at start, when the queue came back with unfinished
// jobs). The root shows at most one of them, over the panes; these
// functions are its whole seam with them.

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
	p := restoreview.New(o)
	m.restore = &p
	m.sizeQueueOverlays()
	return m
}

// queueOverlayMsg handles the overlays' messages; ok is false for others
// (a queue summary also refreshes an open detail, and goes on to the
// queue pane).
func (m Model) queueOverlayMsg(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case queueMsg:
		if m.jobd == nil || msg.gen != m.gen {
			return m, nil, false
		}
		id := m.jobd.Job().ID
		for _, j := range msg.sum.Jobs {
			if j.ID == id {
				d := *m.jobd
				d.SetJob(j, m.log.Snapshot())
				m.jobd = &d
				break
			}
		}
		return m, nil, false
	case queueview.DetailMsg:
		d := jobview.New(msg.Job, m.log.Snapshot())
		m.jobd = &d
		m.sizeQueueOverlays()
		return m, nil, true
	case jobview.CloseMsg:
		m.jobd = nil
		return m, nil, true
	case restoreview.ChoiceMsg:
		m.restore = nil
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

// queueOverlayKey gives a key to an open queue overlay; ok is false when
// none is open.
func (m Model) queueOverlayKey(msg tea.KeyMsg) (Model, tea.Cmd, bool) {
	var cmd tea.Cmd
	switch {
	case m.restore != nil:
		var p restoreview.Model
		p, cmd = m.restore.Update(msg)
		m.restore = &p
	case m.jobd != nil:
		var d jobview.Model
		d, cmd = m.jobd.Update(msg)
		m.jobd = &d
	default:
		return m, nil, false
	}
	return m, cmd, true
}

// sizeQueueOverlays gives the open overlays the body's size.
func (m *Model) sizeQueueOverlays() {
	w, h := max(m.width, 20), m.bodyHeight()
	if m.jobd != nil {
		m.jobd.SetSize(w, h)
	}
	if m.restore != nil {
		m.restore.SetSize(w, h)
	}
}

// bodyHeight is the rows between the top and the status line.
func (m Model) bodyHeight() int {
	h := m.bodyH[2] + m.bodyH[3] + m.bodyH[0]
	if !m.wide {
		h += m.bodyH[1]
	}
	return h
}

// queueOverlayView renders the open queue overlay over the body; ok is
// false when none is open.
func (m Model) queueOverlayView() (string, bool) {
	switch {
	case m.restore != nil:
		return m.restore.View(), true
	case m.jobd != nil:
		return m.jobd.View(), true
	}
	return "", false
}

// queueOverlayHelp is the open overlay's key help.
func (m Model) queueOverlayHelp() (helpMap, bool) {
	switch {
	case m.restore != nil:
		k := m.restore.KeyMap()
		return helpMap{short: k.ShortHelp(), full: k.FullHelp()}, true
	case m.jobd != nil:
		k := m.jobd.KeyMap()
		return helpMap{short: k.ShortHelp(), full: k.FullHelp()}, true
	}
	return helpMap{}, false
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
