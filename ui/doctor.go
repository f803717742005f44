package ui

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer"
	"ftpdeck/ui/doctorview"
)

// The mode doctor (D): a probe of EPSV, PASV, EPRT and PORT against the
// current site, run in a command, shown as an overlay with the probe table
// and the verdict. For a bookmarked site the mode that works is saved as
// last_good_mode (and the log says so).

// probeDoneMsg carries a finished probe. gen drops a probe of a session the
// user has since left.
type probeDoneMsg struct {
	gen    int
	report transfer.Report
	saved  string // "last_good_mode = passive saved for bookmark x", if saved
	err    error  // saving failed
}

// startDoctor opens the overlay and starts the probe.
func (m Model) startDoctor() (tea.Model, tea.Cmd) {
	if m.probing == m.gen {
		// The probe still runs: show its overlay again, start no other.
		if _, _, open := findOverlay[doctorOverlay](m); !open {
			m = m.openDoctor()
		}
		return m, nil
	}
	m.probing = m.gen
	m = m.openDoctor()
	site, log, gen := m.sess.Site(), m.log, m.gen
	dir := m.remote.Dir()
	store, name := m.opts.Bookmarks, m.bookmark
	m.setStatus(fmt.Sprintf("mode doctor: probing EPSV, PASV, EPRT and PORT on %s (each up to %s)…", site.Addr(), transfer.DefaultProbeTimeout), false)
	return m, func() tea.Msg {
		rep := transfer.Probe(context.Background(), site, log, transfer.ProbeOptions{Dir: dir})
		msg := probeDoneMsg{gen: gen, report: rep}
		if store != nil && name != "" && rep.Verdict.Works {
			mode := rep.Verdict.Mode.String()
			if err := store.SetLastGoodMode(name, mode); err != nil {
				msg.err = err
				log.Notef(0, "mode doctor: bookmark %s: last_good_mode not saved: %v", name, err)
			} else {
				msg.saved = fmt.Sprintf("saved: last_good_mode = %s for bookmark %s", mode, name)
				log.Notef(0, "mode doctor: bookmark %s: last_good_mode = %s saved", name, mode)
			}
		}
		return msg
	}
}

// openDoctor lays the doctor's overlay over everything else.
func (m Model) openDoctor() Model {
	v := doctorview.New()
	v.SetStyles(doctorview.Styles{Box: m.theme.HelpBox, Title: m.theme.HelpTitle, Desc: m.theme.Help.ShortDesc})
	return m.push(doctorOverlay{v})
}

// probeDone shows a finished probe: in the overlay, if it is still open
// (or opened again), and on the status line.
func (m Model) probeDone(msg probeDoneMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.gen {
		return m, nil
	}
	m.probing = 0
	note := msg.saved
	if msg.err != nil {
		note = "last_good_mode not saved: " + msg.err.Error()
	}
	o, i, open := findOverlay[doctorOverlay](m)
	if !open {
		m = m.openDoctor()
		o, i, _ = findOverlay[doctorOverlay](m)
	}
	o.v.SetReport(msg.report, note)
	m = m.replace(i, o)
	v := msg.report.Verdict
	switch {
	case !v.Works:
		m.setStatus("mode doctor: no data-connection method works with this server", true)
	case m.sess != nil && v.Mode != m.sess.Mode():
		m.setStatus(fmt.Sprintf("mode doctor: use %s — press p to switch", strings.ToUpper(v.Mode.String())), false)
	default:
		m.setStatus(fmt.Sprintf("mode doctor: %s works", strings.ToUpper(v.Mode.String())), false)
	}
	return m, nil
}
