package restoreview

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"ftpdeck/transfer/queue"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

func press(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func TestOfferOf(t *testing.T) {
	jobs := []queue.Job{
		{ID: 1, State: queue.Paused, Size: 100, Done: 40},
		{ID: 2, State: queue.Paused, Size: 1 << 20},
		{ID: 3, State: queue.Queued, Size: -1},
		{ID: 4, State: queue.Done, Size: 9, Done: 9},
		{ID: 5, State: queue.Failed, Size: 50},
		{ID: 6, State: queue.Skipped, Size: 7},
	}
	o := OfferOf(jobs)
	if o != (Offer{Jobs: 3, Started: 1, Left: 60 + 1<<20, Failed: 1}) {
		t.Fatalf("%+v", o)
	}
	if q := o.Question(); q != "3 jobs (1.0 MiB left) from last time" {
		t.Fatalf("question %q", q)
	}
	if q := (Offer{Jobs: 1, Left: 10}).Question(); q != "1 job (10 B left) from last time" {
		t.Fatalf("question %q", q)
	}
}

func TestAnswers(t *testing.T) {
	tests := []struct {
		keys []string
		want Choice
	}{
		{[]string{"r"}, Resume},
		{[]string{"k"}, KeepPaused},
		{[]string{"p"}, KeepPaused},
		{[]string{"c"}, Clear},
		{[]string{"esc"}, KeepPaused},
		{[]string{"enter"}, Resume},
		{[]string{"right", "enter"}, KeepPaused},
		{[]string{"tab", "tab", "enter"}, Clear},
		{[]string{"left", "enter"}, Clear},
		{[]string{"x", "j", "c"}, Clear}, // other keys do nothing
		{[]string{"cr"}, Clear},          // one message, two runes: the first answers
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.keys, ","), func(t *testing.T) {
			m := New(Offer{Jobs: 3, Left: 100})
			var got []Choice
			for _, k := range tc.keys {
				var cmd tea.Cmd
				m, cmd = m.Update(press(k))
				if cmd != nil {
					got = append(got, cmd().(ChoiceMsg).Choice)
				}
			}
			if len(got) != 1 || got[0] != tc.want {
				t.Fatalf("answers %v, want exactly [%v]", got, tc.want)
			}
			// Answered: later keys are ignored.
			if _, cmd := m.Update(press("r")); cmd != nil {
				t.Fatal("a second answer was taken")
			}
		})
	}
}

func TestWords(t *testing.T) {
	m := New(Offer{Jobs: 12, Started: 2, Left: 3 << 30, Failed: 1})
	m.SetSize(80, 20)
	v := m.View()
	for _, want := range []string{
		"12 jobs (3.0 GiB left) from last time:",
		"2 of them stopped part way.",
		"1 failed job stays in the queue either way",
		"from where they stopped",
		"r resume", "k keep paused", "c clear",
		"partial files stay on disk",
		"esc keeps them paused",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("prompt lacks %q:\n%s", want, v)
		}
	}
	lines := strings.Split(v, "\n")
	if len(lines) != 20 {
		t.Fatalf("%d lines, want the height 20", len(lines))
	}
	for _, l := range lines {
		if lipgloss.Width(l) != 80 {
			t.Fatalf("line %q is %d wide", l, lipgloss.Width(l))
		}
	}
}
