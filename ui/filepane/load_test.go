package filepane

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// listedPane returns a focused w×h pane showing a folder of n entries.
func listedPane(n, w, h int) Model {
	m := New(1, "Remote", Local{}, "/big")
	m.SetSize(w, h)
	m.Focus()
	es := make([]Entry, n)
	for i := range es {
		es[i] = Entry{Name: fmt.Sprintf("file-%06d.dat", i), Size: int64(i)}
	}
	m.req = 1
	m, _ = m.Update(ListedMsg{Pane: 1, Req: 1, Dir: "/big", Entries: es})
	return m
}

// Load case of issue #8 (docs/hardening.md): a 100,000-entry folder keeps
// the pane responsive. Timing is not asserted (shared CI machines);
// instead a frame — a page down and a render — must cost the same work
// (allocations, output size) for 100,000 entries as for 100: only the
// visible rows are rendered. BenchmarkScroll100k gives the time.
func TestScroll100kSameCostAsSmall(t *testing.T) {
	frame := func(m Model) func() {
		down := tea.KeyMsg{Type: tea.KeyPgDown}
		return func() {
			m, _ = m.Update(down)
			_ = m.View()
		}
	}
	big, small := listedPane(100_000, 120, 30), listedPane(100, 120, 30)
	// Scroll the small one back and forth so it never sits at the end.
	allocBig := testing.AllocsPerRun(200, frame(big))
	allocSmall := testing.AllocsPerRun(3, frame(small))
	t.Logf("allocations per frame: %.0f with 100,000 entries, %.0f with 100", allocBig, allocSmall)
	if allocBig > 2*allocSmall+50 {
		t.Errorf("a frame of a 100,000-entry folder allocates %.0f times, %.0f for 100: rendering depends on the folder's size", allocBig, allocSmall)
	}
	if v := big.View(); strings.Count(v, "\n") > 40 || len(v) > 64<<10 {
		t.Errorf("view of %d lines, %d bytes", strings.Count(v, "\n"), len(v))
	}
	// The end is reachable and shows the last entry.
	big, _ = big.Update(tea.KeyMsg{Type: tea.KeyEnd})
	if !strings.Contains(big.View(), "file-099999.dat") {
		t.Error("end does not show the last entry")
	}
}
