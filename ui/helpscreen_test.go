package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// TestHelpWholeOnEverySize reads the help screen as a user would at each
// size, paging down to its end: every binding's key and description must
// be seen whole on one line, and the screen must never be taller or wider
// than the terminal.
func TestHelpWholeOnEverySize(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {120, 40}, {200, 60}, {40, 12}} {
		t.Run(size(sz), func(t *testing.T) {
			m := press(t, fedModel(t, sz[0], sz[1]), "?")
			o := m.top().(helpOverlay)
			seen := map[string]bool{}
			for range 20 {
				screen := m.View()
				lines := strings.Split(screen, "\n")
				want(t, len(lines) == sz[1], "%d lines on a %d-line screen", len(lines), sz[1])
				for _, l := range lines {
					want(t, ansi.StringWidth(l) <= sz[0], "line %q wider than %d", ansi.Strip(l), sz[0])
					seen[strings.Join(strings.Fields(ansi.Strip(l)), " ")] = true
				}
				m = press(t, m, "pgdown")
			}
			for _, s := range o.sections {
				for _, b := range s.bindings {
					cell := b.Help().Key + " " + b.Help().Desc
					found := false
					for l := range seen {
						found = found || strings.Contains(" "+l+" ", " "+cell+" ")
					}
					want(t, found, "%s: %q never shown whole", s.title, cell)
				}
			}
		})
	}
}

// TestHelpScrollsAndRelaysOut: at 80×24 the help scrolls (j, G, g, also
// typed fast in one message); made larger, it lays itself out again on one
// screen without scrolling.
func TestHelpScrollsAndRelaysOut(t *testing.T) {
	m := press(t, fedModel(t, 80, 24), "?")
	o := m.top().(helpOverlay)
	want(t, o.scrolls(), "80×24 help does not scroll")
	m = update(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjj")})
	want(t, m.top().(helpOverlay).vp.YOffset == 3, "jjj moved to line %d", m.top().(helpOverlay).vp.YOffset)
	m = press(t, m, "G")
	want(t, strings.Contains(m.View(), "follow tail"), "G does not show the log pane's keys:\n%s", m.View())
	m = press(t, m, "g")
	want(t, m.top().(helpOverlay).vp.YOffset == 0, "g: line %d", m.top().(helpOverlay).vp.YOffset)

	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	o = m.top().(helpOverlay)
	want(t, !o.scrolls() && o.w == 120, "120×40 after a resize: scrolls %v, width %d", o.scrolls(), o.w)
	want(t, strings.Contains(m.View(), "retry in other mode") && strings.Contains(m.View(), "follow tail"), "not all on one screen:\n%s", m.View())
	m = press(t, m, "esc")
	want(t, !helpOpen(m), "esc does not close help")
}
