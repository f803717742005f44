package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"ftpdeck/transfer"
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

// doctorView is the overlay's state.
type doctorView struct {
	running bool
	report  transfer.Report
	note    string // saved / not saved
	offset  int    // first line shown
}

// doctorKeys are the overlay's bindings.
type doctorKeys struct {
	Close, Up, Down key.Binding
}

func defaultDoctorKeys() doctorKeys {
	return doctorKeys{
		Close: key.NewBinding(key.WithKeys("esc", "q", "enter", "D"), key.WithHelp("esc", "close")),
		Up:    key.NewBinding(key.WithKeys("up", "k", "pgup"), key.WithHelp("↑", "scroll up")),
		Down:  key.NewBinding(key.WithKeys("down", "j", "pgdown"), key.WithHelp("↓", "scroll down")),
	}
}

// startDoctor opens the overlay and starts the probe.
func (m Model) startDoctor() (tea.Model, tea.Cmd) {
	if m.doctor != nil && m.doctor.running {
		return m, nil
	}
	m.doctor = &doctorView{running: true}
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

// probeDone shows a finished probe.
func (m Model) probeDone(msg probeDoneMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.gen {
		return m, nil
	}
	dv := &doctorView{report: msg.report, note: msg.saved}
	if msg.err != nil {
		dv.note = "last_good_mode not saved: " + msg.err.Error()
	}
	m.doctor = dv
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

// doctorKey handles a key while the overlay is open.
func (m Model) doctorKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.doctorKeys
	switch {
	case key.Matches(msg, k.Close):
		if !m.doctor.running {
			m.doctor = nil
		}
	case key.Matches(msg, k.Up):
		m.doctor.offset = max(m.doctor.offset-1, 0)
	case key.Matches(msg, k.Down):
		m.doctor.offset++
	case key.Matches(msg, m.keys.Quit):
		return m.quit()
	}
	return m, nil
}

// doctorBody renders the overlay in w×h.
func (m Model) doctorBody(w, h int) string {
	inner := max(w-4, 20)
	var lines []string
	if m.doctor.running {
		lines = []string{"probing EPSV, PASV, EPRT and PORT, one listing each…", "", "the table appears here when every method has had its turn"}
	} else {
		// The verdict first: on a small screen it is what must be seen.
		rep := m.doctor.report
		lines = strings.Split(strings.TrimRight(rep.RenderVerdict(inner), "\n"), "\n")
		if m.doctor.note != "" {
			lines = append(lines, m.doctor.note)
		}
		lines = append(lines, "")
		lines = append(lines, strings.Split(strings.TrimRight(rep.RenderTable(inner), "\n"), "\n")...)
	}
	room := max(h-2, 1)
	off := min(m.doctor.offset, max(len(lines)-room, 0))
	shown := lines[off:min(off+room, len(lines))]
	for i, l := range shown {
		shown[i] = ansi.Truncate(l, inner, "…")
	}
	box := m.theme.HelpBox.Width(inner + 2)
	title := m.theme.HelpTitle.Render(" Mode doctor") + m.theme.Help.ShortDesc.Render("  (↑/↓ scroll, esc closes)")
	return ansi.Truncate(title, w, "") + "\n" + box.Render(strings.Join(shown, "\n"))
}
