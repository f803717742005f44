package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"ftpdeck/transfer"
	"ftpdeck/ui/internal/cells"
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
	filesH := avail - logH - queueH
	// A small screen gives up the log, then the queue, before the files.
	if filesH < 4 {
		logH, filesH = 0, avail-queueH
	}
	if filesH < 4 {
		queueH, filesH = 0, avail
	}
	m.logH, m.queueH = logH, queueH
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
	body := m.panes()
	if o := m.top(); o != nil {
		body = o.View(w, bodyH)
	}
	if lines := strings.Split(body, "\n"); len(lines) > bodyH {
		body = strings.Join(lines[:bodyH], "\n") // a box taller than a small screen
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
	out := files
	if m.queueH > 0 {
		out += "\n" + m.queuev.View()
	}
	if m.logH > 0 {
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
	if m.queue != nil {
		if tl := m.typeLabel(); tl != "" {
			segs = append(segs, th.Status.Render(tl))
		}
		if rl := m.rateLabel(); rl != "" {
			segs = append(segs, th.Status.Render(rl))
		}
		segs = append(segs, th.Status.Render(m.queuev.StatusText()))
	}
	line := strings.Join(segs, sep)
	if ansi.StringWidth(line) > w {
		// Narrow: the program's name goes first, the state and the
		// transfers stay.
		line = th.Status.Render(" ") + strings.Join(segs[1:], sep)
	}
	if lw := ansi.StringWidth(line); lw < w {
		line += th.Status.Render(strings.Repeat(" ", w-lw))
	} else {
		line = ansi.Truncate(line, w, "…")
	}
	return line
}

// helpKeys is the top overlay's bindings, or the focused pane's followed
// by the root's that apply now.
func (m Model) helpKeys() helpMap {
	if o := m.top(); o != nil {
		k := o.HelpKeys()
		return helpMap{short: k.ShortHelp(), full: k.FullHelp()}
	}
	sh, full := m.paneHelp()
	rs, rf := m.rootHelp()
	return helpMap{short: append(sh, rs...), full: append(full, rf...)}
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
