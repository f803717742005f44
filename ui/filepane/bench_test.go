package filepane

import (
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// bigPane is a focused w×h pane listing a 100,000-entry folder.
func bigPane(w, h int) Model {
	m := New(1, "Remote", Local{}, "/big")
	m.SetSize(w, h)
	m.Focus()
	es := make([]Entry, 100000)
	for i := range es {
		es[i] = Entry{Name: fmt.Sprintf("file-%06d.dat", i), Size: int64(i)}
	}
	m.req = 1
	m, _ = m.Update(ListedMsg{Pane: 1, Req: 1, Dir: "/big", Entries: es})
	return m
}

// BenchmarkScroll100k moves the cursor and renders a 100,000-entry folder:
// the cost per frame does not depend on the folder's size.
func BenchmarkScroll100k(b *testing.B) {
	m := bigPane(120, 30)
	down := tea.KeyMsg{Type: tea.KeyPgDown}
	b.ResetTimer()
	for range b.N {
		m, _ = m.Update(down)
		_ = m.View()
	}
}

// BenchmarkView100k renders one frame of a 100,000-entry folder with the
// cursor in the middle (the target: 2 ms).
func BenchmarkView100k(b *testing.B) {
	m := bigPane(160, 50)
	for range 50000 / 20 {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_ = m.View()
	}
}
