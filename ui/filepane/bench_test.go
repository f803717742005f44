package filepane

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// BenchmarkScroll100k moves the cursor and renders a 100,000-entry folder:
// the cost per frame does not depend on the folder's size.
func BenchmarkScroll100k(b *testing.B) {
	m := listedPane(100_000, 120, 30)
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
	m := listedPane(100_000, 160, 50)
	for range 50000 / 20 {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_ = m.View()
	}
}
