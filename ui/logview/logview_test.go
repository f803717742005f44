package logview

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"ftpdeck/transfer"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

var t0 = time.Date(2024, 5, 17, 9, 30, 0, 0, time.UTC)

func events(n int) []transfer.Event {
	es := make([]transfer.Event, n)
	for i := range es {
		es[i] = transfer.Event{Time: t0.Add(time.Duration(i) * time.Millisecond), Conn: 1, Dir: transfer.Received, Text: fmt.Sprintf("200 line %d", i)}
	}
	return es
}

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func TestBoundedAndFollowsTail(t *testing.T) {
	m := New(100)
	m.SetSize(60, 6)
	m.Append(events(250)...)
	if m.Len() != 100 {
		t.Fatalf("kept %d lines, want 100", m.Len())
	}
	view := m.View()
	if !strings.Contains(view, "200 line 249") || strings.Contains(view, "200 line 240") {
		t.Errorf("not following the tail:\n%s", view)
	}
	if lines := strings.Split(view, "\n"); len(lines) != 6 {
		t.Errorf("view has %d lines, want exactly the height 6", len(lines))
	}
}

func TestScrollOnlyWhenFocused(t *testing.T) {
	m := New(100)
	m.SetSize(60, 6)
	m.Append(events(50)...)
	m, _ = m.Update(keyMsg("up"))
	if !m.Following() {
		t.Fatal("an unfocused pane scrolled")
	}
	m.Focus()
	m, _ = m.Update(keyMsg("home"))
	if m.Following() || !strings.Contains(m.View(), "200 line 0") || !strings.Contains(m.View(), "scrolled") {
		t.Errorf("home did not scroll to the oldest line:\n%s", m.View())
	}
	// New lines do not yank a scrolled view back to the tail.
	m.Append(events(1)...)
	if !strings.Contains(m.View(), "200 line 0") {
		t.Errorf("append moved a scrolled view")
	}
	m, _ = m.Update(keyMsg("end"))
	if !m.Following() || !strings.Contains(m.View(), "200 line 49") {
		t.Errorf("end did not follow again:\n%s", m.View())
	}
}

func TestHostileTextEscaped(t *testing.T) {
	m := New(10)
	m.SetSize(100, 3)
	m.Append(transfer.Event{Conn: 1, Dir: transfer.Received, Text: "550 \x1b]0;owned\x07\x1b[2Jgone"})
	v := m.View()
	if strings.ContainsRune(v, 0x1b) || strings.ContainsRune(v, 0x07) || !strings.Contains(v, `\x1b]0;owned\x07`) {
		t.Errorf("escape sequence reached the screen: %q", v)
	}
}

// TestMultiRuneKeys: "kkk" in one key message scrolls three lines, as three
// presses would; pasted text does not scroll.
func TestMultiRuneKeys(t *testing.T) {
	m := New(100)
	m.SetSize(60, 6) // 5 lines shown of 50: the tail is 45..49
	m.Append(events(50)...)
	m.Focus()
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("kkk"), Paste: true})
	if !m.Following() {
		t.Fatal("pasted text scrolled")
	}
	m, _ = m.Update(keyMsg("kkk"))
	v := m.View()
	if m.Following() || !strings.Contains(v, "200 line 42") || strings.Contains(v, "200 line 41") || strings.Contains(v, "200 line 47") {
		t.Fatalf("kkk did not scroll three lines:\n%s", v)
	}
	m, _ = m.Update(keyMsg("jjj"))
	if !m.Following() {
		t.Fatalf("jjj did not come back to the tail:\n%s", m.View())
	}
}

// TestLongLinesWrap: a note longer than the pane wraps onto indented rows
// instead of being cut (issue 16: "… (…" at the end of log notes), both
// at the tail and scrolled; the view keeps its exact size.
func TestLongLinesWrap(t *testing.T) {
	long := transfer.Event{Time: t0, Conn: 2, Dir: transfer.Note,
		Note: "queue: job 7 /pub/seven.bin failed: retr /pub/seven.bin: the server refused the file (550 Permission denied.) END"}
	for _, follow := range []bool{true, false} {
		m := New(100)
		m.SetSize(50, 8)
		m.Append(events(3)...)
		m.Append(long)
		m.Append(events(1)...)
		if !follow {
			m.Focus()
			m, _ = m.Update(keyMsg("home"))
		}
		v := m.View()
		lines := strings.Split(v, "\n")
		if len(lines) != 8 {
			t.Fatalf("%d lines, want 8", len(lines))
		}
		for _, l := range lines {
			if lipgloss.Width(l) != 50 {
				t.Fatalf("line %q is %d wide", l, lipgloss.Width(l))
			}
		}
		joined := strings.Join(strings.Fields(v), " ")
		if !strings.Contains(joined, "(550 Permission denied.) END") || strings.Contains(v, "…") {
			t.Fatalf("follow %v: the note is cut:\n%s", follow, v)
		}
		if !strings.Contains(v, "\n    ") {
			t.Fatalf("follow %v: no indented continuation:\n%s", follow, v)
		}
	}
}

// TestMemoryBounded: a log fed far past its limit keeps its array within
// a small multiple of the limit (lines dropped from the front are freed
// when the array next grows).
func TestMemoryBounded(t *testing.T) {
	m := New(1000)
	m.SetSize(60, 6)
	for range 500 {
		m.Append(events(37)...)
	}
	if m.Len() != 1000 || cap(m.lines) > 3*1000 {
		t.Fatalf("%d lines kept in an array of %d", m.Len(), cap(m.lines))
	}
}
