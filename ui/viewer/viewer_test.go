package viewer

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// source is a file in memory read through Fetch; it counts the reads.
type source struct {
	data  []byte
	reads int
}

func (s *source) fetch(_ context.Context, off int64, n int) ([]byte, error) {
	s.reads++
	if off >= int64(len(s.data)) {
		return nil, nil
	}
	end := min(off+int64(n), int64(len(s.data)))
	return append([]byte(nil), s.data[off:end]...), nil
}

// run feeds commands back until none is left (each chunk read is one).
func run(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	for i := 0; cmd != nil; i++ {
		if i > 1000 {
			t.Fatal("commands never end")
		}
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			var next []tea.Cmd
			for _, c := range b {
				if c == nil {
					continue
				}
				mm, cc := m.Update(c())
				m = mm
				next = append(next, cc)
			}
			cmd = tea.Batch(next...)
			continue
		}
		m, cmd = m.Update(msg)
	}
	return m
}

func press(t *testing.T, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		var msg tea.KeyMsg
		switch k {
		case "enter":
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		case "esc":
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		case "pgdown":
			msg = tea.KeyMsg{Type: tea.KeyPgDown}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		m = run(t, m, cmd)
	}
	return m
}

func lines(m Model) []string {
	var out []string
	for i := 0; i < m.NumLines(); i++ {
		out = append(out, m.Line(i))
	}
	return out
}

func open(t *testing.T, data []byte) (Model, *source) {
	s := &source{data: data}
	m := New(1, "f.txt", int64(len(data)), s.fetch)
	m.SetSize(60, 12)
	return run(t, m, m.Start()), s
}

func TestTextLinesAndControlCharacters(t *testing.T) {
	m, _ := open(t, []byte("one\r\ntwo\tx\nesc\x1b[31mred\nlast"))
	want := []string{"one", "two     x", "esc^[[31mred", "last"}
	if got := lines(m); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
	if m.Hex() || !m.EOF() {
		t.Fatalf("hex %v eof %v", m.Hex(), m.EOF())
	}
	if v := m.View(); strings.Contains(v, "\x1b[31m") {
		t.Fatalf("an escape of the file reached the screen: %q", v)
	}
}

func TestBinaryAsHex(t *testing.T) {
	m, _ := open(t, []byte("AB\x00\x01CDEFGHIJKLMNOPQRS"))
	if !m.Hex() {
		t.Fatal("a file with NUL bytes is not shown as hex")
	}
	l := lines(m)
	if len(l) != 2 || !strings.HasPrefix(l[0], "00000000  41 42 00 01") || !strings.HasSuffix(l[0], "|AB..CDEFGHIJKLMN|") ||
		!strings.HasPrefix(l[1], "00000010  4f 50 51 52 53") {
		t.Fatalf("hex lines %q", l)
	}
}

// A large file: the first window only is read, the next when the view
// nears its end.
func TestLargeFileReadInWindows(t *testing.T) {
	line := strings.Repeat("x", 99) + "\n"
	data := []byte(strings.Repeat(line, 3*Window/len(line)))
	m, s := open(t, data)
	if s.reads != 1 || m.Read() != Window || m.EOF() {
		t.Fatalf("opening read %d windows, %d bytes, eof %v", s.reads, m.Read(), m.EOF())
	}
	if !strings.Contains(m.View(), "xxxxx") {
		t.Fatal("first screen is not shown")
	}
	m = press(t, m, "pgdown")
	if s.reads != 1 || m.Offset() == 0 {
		t.Fatalf("a page down read on (%d reads) or did not move (offset %d)", s.reads, m.Offset())
	}
	m = press(t, m, "G")
	if !m.EOF() || m.Read() != int64(len(data)) || m.Offset() != m.NumLines()-m.vp.Height {
		t.Fatalf("after G: %d reads, %d bytes, offset %d of %d lines", s.reads, m.Read(), m.Offset(), m.NumLines())
	}
	if !strings.Contains(m.View(), fmt.Sprintf("line %d of %d", m.NumLines()-m.vp.Height+1, m.NumLines())) {
		t.Fatalf("view after G: %s", m.View())
	}
}

// Scrolling line by line and page by page through more lines than the
// viewport holds at once shows the right lines.
func TestScrollAcrossPages(t *testing.T) {
	var b bytes.Buffer
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "row %d\n", i)
	}
	m, _ := open(t, b.Bytes())
	for i := 0; i < 200; i++ {
		m = press(t, m, "pgdown")
	}
	top := m.Offset()
	if top < 1000 || !strings.Contains(m.View(), fmt.Sprintf("\nrow %d ", top)) && !strings.Contains(m.View(), fmt.Sprintf("\nrow %d\n", top)) {
		t.Fatalf("after 200 pages: offset %d, view %s", top, m.View())
	}
	m = press(t, m, "k")
	if m.Offset() != top-1 || !strings.Contains(m.View(), fmt.Sprintf("row %d", top-1)) {
		t.Fatalf("k: offset %d, want %d", m.Offset(), top-1)
	}
	m = press(t, m, "g")
	if m.Offset() != 0 || !strings.Contains(m.View(), "row 0") {
		t.Fatalf("g: offset %d", m.Offset())
	}
}

func TestSearchReadsOnAndNextPrevious(t *testing.T) {
	var b bytes.Buffer
	for i := 0; b.Len() < 2*Window; i++ {
		fmt.Fprintf(&b, "line %d %s\n", i, strings.Repeat("-", 80))
	}
	b.WriteString("needle one\nfiller\nneedle two\n")
	m, s := open(t, b.Bytes())
	m = press(t, m, "/", "NEEDLE", "enter")
	if m.Searching() || m.Match() < 0 || !strings.HasPrefix(m.Line(m.Match()), "needle one") {
		t.Fatalf("search: match %d", m.Match())
	}
	if s.reads != 3 {
		t.Fatalf("the search read %d windows, want 3 (to the needle)", s.reads)
	}
	if off := m.Offset(); off > m.Match() || m.Match() >= off+10 {
		t.Fatalf("match line %d not on screen (offset %d)", m.Match(), off)
	}
	first := m.Match()
	m = press(t, m, "n")
	if m.Match() != first+2 {
		t.Fatalf("n: match %d, want %d", m.Match(), first+2)
	}
	m = press(t, m, "N")
	if m.Match() != first {
		t.Fatalf("N: match %d, want %d", m.Match(), first)
	}
	m = press(t, m, "/", "absent", "enter")
	if !strings.Contains(m.View(), `"absent" not found`) || m.Match() != first {
		t.Fatalf("a missing string: %q", m.View())
	}
}

func TestCloseEndsReadsAndStaleChunksDropped(t *testing.T) {
	m, _ := open(t, []byte("a\nb\n"))
	m2, _ := m.Update(ChunkMsg{ID: 2, Data: []byte("zzz\n")})
	if m2.NumLines() != 2 {
		t.Fatal("a chunk of another viewer was taken")
	}
	m = press(t, m, "q")
	if !m.Done() || m.ctx.Err() == nil {
		t.Fatal("q did not close the viewer and end its reads")
	}
}

func TestReadError(t *testing.T) {
	m := New(1, "f", -1, func(context.Context, int64, int) ([]byte, error) {
		return nil, fmt.Errorf("550 no such file")
	})
	m = run(t, m, m.Start())
	if !strings.Contains(m.View(), "read failed: 550 no such file") {
		t.Fatalf("view %q", m.View())
	}
}

// Reading on (G) holds at most keep bytes; g reads again from the start.
func TestHeldBoundedAndTopRereads(t *testing.T) {
	for _, hex := range []bool{false, true} {
		var b bytes.Buffer
		if hex {
			b.WriteByte(0)
		}
		for i := 0; b.Len() < 5*Window; i++ {
			fmt.Fprintf(&b, "line %07d %s\n", i, strings.Repeat("=", 50))
		}
		s := &source{data: b.Bytes()}
		m := New(1, "f", int64(b.Len()), s.fetch)
		m.keep = 2 * Window
		m.SetSize(80, 12)
		m = run(t, m, m.Start())
		m = press(t, m, "G")
		if !m.EOF() || m.Held() > 2*Window+Window || m.FirstLine() == 0 {
			t.Fatalf("hex %v: after G eof %v, held %d, first line %d", hex, m.EOF(), m.Held(), m.FirstLine())
		}
		last := m.Line(m.NumLines() - 1)
		if !hex && !strings.HasPrefix(last, fmt.Sprintf("line %07d", m.NumLines()-1)) {
			t.Fatalf("last line %d is %q", m.NumLines()-1, last)
		}
		if hex && !strings.HasPrefix(last, fmt.Sprintf("%08x", (m.NumLines()-1)*16)) {
			t.Fatalf("last hex row %d is %q", m.NumLines()-1, last)
		}
		if !hex {
			m = press(t, m, "/", "line 0000003 ", "enter")
			if m.Match() != -1 {
				t.Fatalf("found a dropped line: %d", m.Match())
			}
		}
		reads := s.reads
		m = press(t, m, "g")
		if m.FirstLine() != 0 || m.Offset() != 0 || s.reads != reads+1 || !strings.Contains(m.View(), "line 0000000") {
			t.Fatalf("hex %v: g: first line %d, offset %d, reads %d→%d", hex, m.FirstLine(), m.Offset(), reads, s.reads)
		}
	}
}
