package doctorview

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer"
)

func TestUpdateAndView(t *testing.T) {
	m := New()
	if !m.Running() || !strings.Contains(m.View(80, 20), "probing EPSV, PASV, EPRT and PORT") {
		t.Fatalf("running view:\n%s", m.View(80, 20))
	}
	rep := transfer.Report{Site: "a@h:21"}
	rep.Verdict = rep.Decide()
	m.SetReport(rep, "saved: last_good_mode = passive")
	if m.Running() || !strings.Contains(m.View(80, 20), "saved: last_good_mode = passive") {
		t.Fatalf("report view:\n%s", m.View(80, 20))
	}
	down := tea.KeyMsg{Type: tea.KeyDown}
	m, _ = m.Update(down)
	m, _ = m.Update(down)
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("k")})
	if m.Offset() != 1 {
		t.Fatalf("offset %d", m.Offset())
	}
	if lines := strings.Count(m.View(80, 12), "\n") + 1; lines > 12 {
		t.Fatalf("view of %d lines in 12", lines)
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if !m.Done() {
		t.Fatal("esc did not close")
	}
}
