package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"ftpdeck/transfer"
	"ftpdeck/ui/internal/cells"
	"ftpdeck/ui/queueview"
)

// wideWidth is the width from which the file panes sit side by side.
const wideWidth = 80

// layout computes every pane's size once (on resize, log toggle, zoom,
// focus change while zoomed) and pushes it down. The status line always
// has its row, so a message never moves the panes.
func (m *Model) layout() {
	w, h := max(m.width, 20), max(m.height, 8)
	avail := h - 3 // status line, status bar, help line
	m.bodyH = avail
	m.wide = w >= wideWidth
	m.help.Width = w
	if m.dialog != nil {
		m.dialog.SetWidth(w - 4)
	}
	if m.bmv != nil {
		m.bmv.SetSize(w, max(h-3, 8))
	}
	if m.zoomed {
		m.remote.SetSize(w, avail)
		m.local.SetSize(w, avail)
		m.queuev.SetSize(w, avail)
		m.logv.SetSize(w, avail)
		return
	}
	logH := 0
	if m.showLog {
		logH = max(avail/4, 3)
	}
	queueH := max(avail/6, 3)
	filesH := max(avail-logH-queueH, 4)
	if m.wide {
		lw := (w - 1) / 2
		m.remote.SetSize(lw, filesH)
		m.local.SetSize(w-1-lw, filesH)
		m.filesH = filesH
	} else {
		rh := filesH / 2
		m.remote.SetSize(w, rh)
		m.local.SetSize(w, filesH-rh)
	}
	m.queuev.SetSize(w, queueH)
	m.logv.SetSize(w, logH)
}

// View renders the screen: panes (or the full help, or a dialog), the
// status line, the status bar and the key hints.
func (m Model) View() string {
	if m.quitting {
		return ""
	}
	w := max(m.width, 20)
	bodyH := m.bodyH
	var body string
	switch {
	case m.dialog != nil:
		body = lipgloss.Place(w, bodyH, lipgloss.Center, lipgloss.Center, m.dialog.View())
	case m.bmv != nil:
		body = lipgloss.Place(w, bodyH, lipgloss.Center, lipgloss.Center, m.bmv.View())
	case m.doctor != nil:
		body = lipgloss.Place(w, bodyH, lipgloss.Left, lipgloss.Top, m.doctorBody(w, bodyH-1))
	case m.showHelp:
		body = m.fullHelp(w, bodyH)
	default:
		body = m.panes()
	}
	st := m.theme.Info
	if m.statusErr {
		st = m.theme.Error
	}
	line := cells.Fit(m.status, w)
	if h := m.statusHint; h != "" && ansi.StringWidth(m.status) > w {
		line = cells.Fit(m.status, max(w-ansi.StringWidth(h)-3, 1)) + " — " + h
	}
	parts := []string{body, st.Render(line), m.statusBar(w), m.help.View(m.helpKeys())}
	return strings.Join(parts, "\n")
}

func (m Model) panes() string {
	if m.zoomed {
		switch m.focus {
		case focusRemote:
			return m.remote.View()
		case focusLocal:
			return m.local.View()
		case focusQueue:
			return m.queuev.View()
		case focusLog:
			return m.logv.View()
		case numFocus:
		}
	}
	var files string
	if m.wide {
		sep := make([]string, m.filesH)
		for i := range sep {
			sep[i] = m.theme.Separator.Render("│")
		}
		files = lipgloss.JoinHorizontal(lipgloss.Top, m.remote.View(), strings.Join(sep, "\n"), m.local.View())
	} else {
		files = m.remote.View() + "\n" + m.local.View()
	}
	out := files + "\n" + m.queuev.View()
	if m.showLog {
		out += "\n" + m.logv.View()
	}
	return out
}

// statusBar: user@host:port │ TLS │ ACTIVE/PASSIVE │ state │ transfers.
func (m Model) statusBar(w int) string {
	th := m.theme
	sep := th.Status.Render(" │ ")
	var segs []string
	title := m.opts.Title
	if title == "" {
		title = "ftpdeck"
	}
	segs = append(segs, th.StatusKey.Render(" "+title))
	if m.sess != nil {
		site := m.sess.Site()
		segs = append(segs, th.Status.Render(site.Display()))
		if site.TLS == transfer.TLSOff {
			segs = append(segs, th.TLSOff.Render("no TLS"))
		} else {
			segs = append(segs, th.TLSOn.Render("TLS "+site.TLS.String()))
		}
		if m.sess.Mode() == transfer.Active {
			segs = append(segs, th.ModeActive.Render(" ACTIVE "))
		} else {
			segs = append(segs, th.ModePass.Render(" PASSIVE "))
		}
	}
	st := th.StateOK
	if m.state == stateFailed {
		st = th.StateBad
	}
	segs = append(segs, st.Render(m.state.String()))
	s := m.queuev.Summary()
	if m.queue != nil {
		t := fmt.Sprintf("%d running · %d queued", s.Running, s.Queued)
		if s.Failed > 0 {
			t += fmt.Sprintf(" · %d failed", s.Failed)
		}
		if r := queueview.Rate(s.Speed); r != "" {
			t += " · " + r
		}
		segs = append(segs, th.Status.Render(t))
	}
	line := strings.Join(segs, sep)
	if lw := ansi.StringWidth(line); lw < w {
		line += th.Status.Render(strings.Repeat(" ", w-lw))
	} else {
		line = ansi.Truncate(line, w, "…")
	}
	return line
}

// helpKeys is the focused pane's bindings followed by the global ones.
func (m Model) helpKeys() helpMap {
	if m.dialog != nil {
		dk := m.dialog.HelpKeys()
		return helpMap{short: dk.ShortHelp(), full: dk.FullHelp()}
	}
	if m.bmv != nil {
		bk := m.bmv.HelpKeys()
		return helpMap{short: bk.ShortHelp(), full: bk.FullHelp()}
	}
	if m.doctor != nil {
		return helpMap{short: []key.Binding{m.doctorKeys.Up, m.doctorKeys.Down, m.doctorKeys.Close}}
	}
	if m.showHelp {
		return helpMap{short: []key.Binding{m.keys.CloseHelp}}
	}
	sh, full := m.paneHelp()
	return helpMap{short: append(sh, m.keys.short()...), full: append(full, m.keys.full()...)}
}

func (m Model) paneHelp() ([]key.Binding, [][]key.Binding) {
	switch m.focus {
	case focusQueue:
		k := m.queuev.KeyMap()
		return k.ShortHelp(), k.FullHelp()
	case focusLog:
		k := m.logv.KeyMap()
		return k.ShortHelp(), k.FullHelp()
	case focusLocal:
		k := m.local.KeyMap()
		return k.ShortHelp(), k.FullHelp()
	case focusRemote, numFocus:
	}
	k := m.remote.KeyMap()
	return k.ShortHelp(), k.FullHelp()
}

// fullHelp lists every binding in sections, in as many columns as fit.
func (m Model) fullHelp(w, h int) string {
	type item struct{ k, d string }
	var items []item
	section := func(title string, groups [][]key.Binding) {
		items = append(items, item{k: "", d: ""}, item{k: title})
		for _, g := range groups {
			for _, b := range g {
				items = append(items, item{b.Help().Key, b.Help().Desc})
			}
		}
	}
	fk := m.remote.KeyMap()
	section("File panes", fk.FullHelp())
	section("Everywhere", m.keys.full())
	section("Queue pane", m.queuev.KeyMap().FullHelp())
	section("Log pane", m.logv.KeyMap().FullHelp())
	items = items[1:]
	rows := max(h-2, 1)
	cols := max((len(items)+rows-1)/rows, 1)
	colW := max((w-1)/cols, 10) // the rows are indented by one cell
	rows = (len(items) + cols - 1) / cols
	lines := make([]string, rows)
	for i, it := range items {
		var cell string
		switch {
		case it.k == "" && it.d == "":
			cell = ""
		case it.d == "":
			cell = m.theme.HelpTitle.Render(it.k)
		default:
			cell = "  " + m.theme.Help.ShortKey.Render(fmt.Sprintf("%-10s", it.k)) + " " + m.theme.Help.ShortDesc.Render(it.d)
		}
		r := i % rows
		lines[r] += cells.Fit(cell, colW)
	}
	title := m.theme.HelpTitle.Render(" ftpdeck keys") + m.theme.Help.ShortDesc.Render("  (? or esc closes; dialogs: enter confirms, esc cancels)")
	out := []string{cells.Fit(title, w), ""}
	for _, l := range lines {
		out = append(out, " "+cells.Fit(l, w-1))
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", w))
	}
	return strings.Join(out[:h], "\n")
}
