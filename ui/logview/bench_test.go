package logview

import "testing"

// BenchmarkAppendFull is a batch of 20 lines added to a full log of 5,000
// and the pane drawn, as the root does for every log message.
func BenchmarkAppendFull(b *testing.B) {
	m := New(5000)
	m.SetSize(120, 10)
	m.Append(events(5000)...)
	es := events(20)
	b.ReportAllocs()
	for b.Loop() {
		m.Append(es...)
		_ = m.View()
	}
}
