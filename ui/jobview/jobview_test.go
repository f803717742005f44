package jobview

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

var t0 = time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC)

// ev builds events from "conn dir text" lines; a note's text is its note.
func ev(lines ...string) []transfer.Event {
	out := make([]transfer.Event, len(lines))
	for i, l := range lines {
		var conn int
		var dir rune
		fmt.Sscanf(l, "%d %c", &conn, &dir)
		text := l[strings.Index(l, string(dir))+2:]
		e := transfer.Event{Time: t0.Add(time.Duration(i) * time.Millisecond), Conn: conn, Dir: transfer.Direction(dir)}
		if dir == '*' {
			e.Note = text
		} else {
			e.Text = text
		}
		out[i] = e
	}
	return out
}

func texts(es []transfer.Event) string {
	var b []string
	for _, e := range es {
		s := e.Text
		if e.Dir == transfer.Note {
			s = e.Note
		}
		b = append(b, fmt.Sprintf("%d %c %s", e.Conn, e.Dir, s))
	}
	return strings.Join(b, "\n")
}

// log: two workers (3, 4) and the browsing connection (1). Job 7 was
// first tried on 3 (after job 6 there), failed with a 425 and was retried
// on a new connection 5, where it failed for good.
var log = ev(
	"1 > MLSD /pub",
	"1 < 226 Transfer complete",
	"3 < 220 welcome",
	"3 > USER demo",
	"3 < 230 Login successful",
	"3 > TYPE I",
	"3 < 200 Switching to Binary mode",
	"3 > EPSV",
	"3 < 229 Entering Extended Passive Mode (|||50001|)",
	"3 > RETR /pub/six.bin",
	"4 > EPSV",
	"3 < 150 Opening",
	"3 < 226 Transfer complete",
	"4 < 229 Entering Extended Passive Mode (|||50003|)",
	"3 > EPSV",
	"4 > RETR /pub/eight.bin",
	"3 < 229 Entering Extended Passive Mode (|||50002|)",
	"3 > RETR /pub/seven.bin",
	"3 < 425 Can't open data connection",
	"3 * queue: job 7 /pub/seven.bin: data connection refused; retry 1 of 3 in 500ms on a new connection",
	"4 < 226 Transfer complete",
	"0 * queue: job 70: /pub/seventy exists, skipped",
	"5 < 220 welcome",
	"5 > USER demo",
	"5 < 230 Login successful",
	"5 > SIZE /pub/seven.bin",
	"5 < 213 4096",
	"5 > EPSV",
	"5 < 229 Entering Extended Passive Mode (|||50004|)",
	"5 > RETR /pub/seven.bin",
	"5 < 550 Permission denied",
	"5 * queue: job 7 /pub/seven.bin failed: retr /pub/seven.bin: 550 Permission denied",
	"5 > EPSV",
	"5 > RETR /pub/nine.bin",
)

func TestLines(t *testing.T) {
	tests := []struct {
		name string
		job  queue.Job
		want string
	}{
		{"a job retried on a new connection: both attempts, each with what prepared it", queue.Job{ID: 7, Remote: "/pub/seven.bin"}, `3 > EPSV
3 < 229 Entering Extended Passive Mode (|||50002|)
3 > RETR /pub/seven.bin
3 < 425 Can't open data connection
3 * queue: job 7 /pub/seven.bin: data connection refused; retry 1 of 3 in 500ms on a new connection
5 < 220 welcome
5 > USER demo
5 < 230 Login successful
5 > SIZE /pub/seven.bin
5 < 213 4096
5 > EPSV
5 < 229 Entering Extended Passive Mode (|||50004|)
5 > RETR /pub/seven.bin
5 < 550 Permission denied
5 * queue: job 7 /pub/seven.bin failed: retr /pub/seven.bin: 550 Permission denied`},
		{"the first job of a connection has its login", queue.Job{ID: 6, Remote: "/pub/six.bin"}, `3 < 220 welcome
3 > USER demo
3 < 230 Login successful
3 > TYPE I
3 < 200 Switching to Binary mode
3 > EPSV
3 < 229 Entering Extended Passive Mode (|||50001|)
3 > RETR /pub/six.bin
3 < 150 Opening
3 < 226 Transfer complete`},
		{"lines interleaved with another worker's", queue.Job{ID: 8, Remote: "/pub/eight.bin"}, `4 > EPSV
4 < 229 Entering Extended Passive Mode (|||50003|)
4 > RETR /pub/eight.bin
4 < 226 Transfer complete`},
		{"a session note naming the job, and not job 7's", queue.Job{ID: 70, Remote: "/pub/seventy"}, `0 * queue: job 70: /pub/seventy exists, skipped`},
		{"nothing kept", queue.Job{ID: 99, Remote: "/pub/gone.bin"}, ``},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := texts(Lines(log, tc.job)); got != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func press(s string) tea.KeyMsg {
	switch s {
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func failed() queue.Job {
	return queue.Job{ID: 7, Dir: queue.Download, Remote: "/pub/seven.bin", Local: "/home/u/seven.bin", Size: 4096,
		State: queue.Failed, Attempts: 2, Err: "retr /pub/seven.bin: " + strings.Repeat("the server said no, ", 12) + "END"}
}

func TestWholeErrorAndScroll(t *testing.T) {
	m := New(failed(), log)
	m.SetSize(60, 10)
	all := m.vp.TotalLineCount()
	if m.Lines() != 15 || all <= 9 {
		t.Fatalf("%d protocol lines, %d body lines", m.Lines(), all)
	}
	// The whole error is there, wrapped, not cut.
	var body []string
	for m.YOffset()+9 < all {
		body = append(body, strings.Split(m.View(), "\n")[1:]...)
		m, _ = m.Update(press("pgdown"))
	}
	body = append(body, strings.Split(m.View(), "\n")[1:]...)
	joined := strings.Join(body, " ")
	if !strings.Contains(joined, "END") || strings.Contains(m.View(), "…") {
		t.Fatalf("the error is cut:\n%s", strings.Join(body, "\n"))
	}
	for _, l := range strings.Split(m.View(), "\n") {
		if lipgloss.Width(l) != 60 {
			t.Fatalf("line %q is %d wide", l, lipgloss.Width(l))
		}
	}
	m, _ = m.Update(press("g"))
	if m.YOffset() != 0 {
		t.Fatal("g did not go to the top")
	}
	m, _ = m.Update(press("jjj")) // one message, three presses
	if m.YOffset() != 3 {
		t.Fatalf("jjj scrolled to %d, want 3", m.YOffset())
	}
	m, _ = m.Update(press("G"))
	if m.YOffset() != all-9 {
		t.Fatalf("G scrolled to %d, want %d", m.YOffset(), all-9)
	}
	if m.Done() {
		t.Fatal("done before esc")
	}
	m, _ = m.Update(press("esc"))
	if !m.Done() {
		t.Fatal("esc does not close")
	}
}

func TestNoLinesSaysSo(t *testing.T) {
	m := New(queue.Job{ID: 99, Remote: "/pub/gone.bin", State: queue.Done, Size: 10, Done: 10}, log)
	m.SetSize(80, 20)
	if v := m.View(); !strings.Contains(v, "none kept for this job") || strings.Contains(v, "error") {
		t.Fatalf("view:\n%s", v)
	}
}
