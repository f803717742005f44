package quoteprompt

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func keys(m Model, ks ...tea.KeyMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	for _, k := range ks {
		m, cmd = m.Update(k)
	}
	return m, cmd
}

var (
	up    = tea.KeyMsg{Type: tea.KeyUp}
	down  = tea.KeyMsg{Type: tea.KeyDown}
	enter = tea.KeyMsg{Type: tea.KeyEnter}
	esc   = tea.KeyMsg{Type: tea.KeyEsc}
)

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestHistoryUpDownKeepsTheTypedLine(t *testing.T) {
	m := New([]string{"STAT", "SITE HELP"})
	m, _ = keys(m, runes("NO"))
	m, _ = keys(m, up)
	if m.Value() != "SITE HELP" {
		t.Fatalf("↑: %q", m.Value())
	}
	m, _ = keys(m, up, up)
	if m.Value() != "STAT" {
		t.Fatalf("↑↑↑ stays at the oldest: %q", m.Value())
	}
	m, _ = keys(m, down, down)
	if m.Value() != "NO" {
		t.Fatalf("↓↓ back to the typed line: %q", m.Value())
	}
}

func TestEnterSubmitsEscCancels(t *testing.T) {
	m, cmd := keys(New(nil), runes("  STAT  "), enter)
	if !m.Done() || cmd == nil {
		t.Fatal("enter did not submit")
	}
	if msg, ok := cmd().(SubmitMsg); !ok || msg.Line != "STAT" {
		t.Fatalf("submitted %#v", cmd())
	}
	m, cmd = keys(New(nil), runes("STAT"), esc)
	if !m.Done() || cmd != nil {
		t.Fatal("esc did not cancel without sending")
	}
	m, cmd = keys(New(nil), enter)
	if !m.Done() || cmd != nil {
		t.Fatal("an empty line was sent")
	}
}
