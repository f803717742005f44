package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"ftpdeck/ui/filepane"
	"ftpdeck/ui/internal/cells"
)

// helpOverlay is the help screen (?): every binding in sections — the
// file panes', the root's table by group, the queue pane's and the log
// pane's. Where they all fit, the sections run down as many columns as
// needed; on a screen too small for that (80×24), every key and what it
// does is still written out whole: the sections go one under another, each
// in as many columns as the width takes, and the screen scrolls.
type helpOverlay struct {
	sections []helpSection
	theme    Theme
	close    key.Binding
	scroll   helpScrollKeys
	closed   bool

	w, h int            // the size laid out for
	vp   viewport.Model // the laid-out lines below the title
}

type helpSection struct {
	title    string
	bindings []key.Binding
}

// helpScrollKeys move the help screen when it scrolls.
type helpScrollKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

func defaultHelpScrollKeys() helpScrollKeys {
	return helpScrollKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", " ", "f"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
	}
}

// openHelp is ?: the help screen over everything.
func (m Model) openHelp() (tea.Model, tea.Cmd) {
	flat := func(groups [][]key.Binding) []key.Binding {
		var out []key.Binding
		for _, g := range groups {
			out = append(out, g...)
		}
		return out
	}
	secs := []helpSection{{"File panes", flat(filepane.DefaultKeyMap().FullHelp())}}
	groups := make([][]key.Binding, numGroups)
	for _, b := range m.bindings() {
		groups[b.group] = append(groups[b.group], b.key)
	}
	for g, bs := range groups {
		secs = append(secs, helpSection{helpGroup(g).String(), bs})
	}
	secs = append(secs,
		helpSection{"Queue pane", flat(m.queuev.KeyMap().FullHelp())},
		helpSection{"Log pane", flat(m.logv.KeyMap().FullHelp())})
	o := helpOverlay{sections: secs, theme: m.theme, close: m.keys.CloseHelp, scroll: defaultHelpScrollKeys()}
	return m.push(o.sized(max(m.width, 20), m.bodyH)), nil
}

func (o helpOverlay) Update(msg tea.Msg) (overlay, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return o, nil
	}
	switch s := o.scroll; {
	case key.Matches(k, o.close):
		o.closed = true
	case key.Matches(k, s.Up):
		o.vp.ScrollUp(1)
	case key.Matches(k, s.Down):
		o.vp.ScrollDown(1)
	case key.Matches(k, s.PageUp):
		o.vp.PageUp()
	case key.Matches(k, s.PageDown):
		o.vp.PageDown()
	case key.Matches(k, s.Top):
		o.vp.GotoTop()
	case key.Matches(k, s.Bottom):
		o.vp.GotoBottom()
	}
	return o, nil
}

func (o helpOverlay) HelpKeys() help.KeyMap {
	keys := []key.Binding{o.close}
	if o.scrolls() {
		s := o.scroll
		keys = append(keys, s.Down, s.Up, s.PageDown, s.PageUp)
	}
	return helpMap{short: keys, full: [][]key.Binding{keys}}
}
func (o helpOverlay) Done() bool      { return o.closed }
func (o helpOverlay) TakesText() bool { return false }

func (o helpOverlay) resized(w, h int) overlay { return o.sized(w, h) }

// scrolls reports whether the sections are more than the screen holds.
func (o helpOverlay) scrolls() bool { return o.vp.TotalLineCount() > o.vp.Height }

// sized lays the sections out for w×h, keeping the scroll position.
func (o helpOverlay) sized(w, h int) helpOverlay {
	w, h = max(w, 20), max(h, 2)
	lines := o.layout(w, h)
	top := o.vp.YOffset
	o.w, o.h = w, h
	o.vp = viewport.New(w, h-1)
	o.vp.KeyMap = viewport.KeyMap{} // the keys are matched in Update
	o.vp.SetContent(strings.Join(lines, "\n"))
	o.vp.SetYOffset(top)
	return o
}

// helpCell is a section's title (d empty), one of its bindings, or the
// gap between two sections (both empty).
type helpCell struct{ k, d string }

// helpKeyWidth is the column the descriptions line up at.
const helpKeyWidth = 10

func (c helpCell) width() int {
	if c.d == "" {
		return ansi.StringWidth(c.k)
	}
	return 2 + max(ansi.StringWidth(c.k), helpKeyWidth) + 1 + ansi.StringWidth(c.d)
}

func (c helpCell) render(th Theme) string {
	switch {
	case c.k == "" && c.d == "":
		return ""
	case c.d == "":
		return th.HelpTitle.Render(c.k)
	}
	return "  " + th.Help.ShortKey.Render(fmt.Sprintf("%-*s", helpKeyWidth, c.k)) + " " + th.Help.ShortDesc.Render(c.d)
}

// layout returns the lines under the title for w×h.
func (o helpOverlay) layout(w, h int) []string {
	cellsOf := func(s helpSection) []helpCell {
		out := []helpCell{{k: s.title}}
		for _, b := range s.bindings {
			out = append(out, helpCell{b.Help().Key, b.Help().Desc})
		}
		return out
	}
	// Every column is as wide as the widest cell and two spaces, so no
	// description is cut short.
	widest := 0
	for _, s := range o.sections {
		for _, c := range cellsOf(s) {
			widest = max(widest, c.width()+2)
		}
	}
	// The sections down columns, as few as fill the height: with a blank
	// line between sections and under the title when there is room, else
	// with neither.
	for _, gap := range []bool{true, false} {
		var items []helpCell
		for _, s := range o.sections {
			if gap && len(items) > 0 {
				items = append(items, helpCell{})
			}
			items = append(items, cellsOf(s)...)
		}
		rows := h - 1
		if gap {
			rows--
		}
		rows = max(rows, 1)
		cols := max((len(items)+rows-1)/rows, 1)
		colW := (w - 1) / cols // the rows are indented by one cell
		if colW < widest {
			continue
		}
		rows = (len(items) + cols - 1) / cols
		lines := make([]string, rows)
		for i, it := range items {
			lines[i%rows] += cells.Fit(it.render(o.theme), colW)
		}
		for i, l := range lines {
			lines[i] = " " + cells.Fit(l, w-1)
		}
		if gap {
			lines = append([]string{""}, lines...)
		}
		return lines
	}
	// Too small for that: one section under another, each section's keys
	// across as many columns as the width takes, to be scrolled.
	cols := max((w-1)/widest, 1)
	colW := max((w-1)/cols, 1)
	var lines []string
	for i, s := range o.sections {
		if i > 0 {
			lines = append(lines, "")
		}
		cs := cellsOf(s)
		lines = append(lines, " "+cells.Fit(cs[0].render(o.theme), w-1))
		for j := 1; j < len(cs); j += cols {
			var line string
			for _, c := range cs[j:min(j+cols, len(cs))] {
				line += cells.Fit(c.render(o.theme), colW)
			}
			lines = append(lines, " "+cells.Fit(line, w-1))
		}
	}
	lines = append(lines, "", " "+cells.Fit(o.theme.Help.ShortDesc.Render("In dialogs: enter confirms, esc cancels."), w-1))
	return lines
}

// View draws the title and the laid-out lines, w×h.
func (o helpOverlay) View(w, h int) string {
	if w != o.w || h != o.h {
		o = o.sized(w, h)
	}
	th := o.theme
	hint := "  (? or esc closes; dialogs: enter confirms, esc cancels)"
	if o.scrolls() {
		n := o.vp.TotalLineCount()
		hint = fmt.Sprintf("  (esc closes; j/k, pgup/pgdn scroll)  lines %d–%d of %d",
			o.vp.YOffset+1, min(o.vp.YOffset+o.vp.Height, n), n)
	}
	out := []string{cells.Fit(th.HelpTitle.Render(" ftpdeck keys")+th.Help.ShortDesc.Render(hint), w)}
	for _, l := range strings.Split(o.vp.View(), "\n") {
		out = append(out, cells.Fit(l, w))
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", w))
	}
	return strings.Join(out[:h], "\n")
}
