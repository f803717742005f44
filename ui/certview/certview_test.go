package certview

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"ftpdeck/transfer"
	"ftpdeck/ui/dialog"
)

func certError(changed bool) *transfer.CertError {
	t0 := time.Date(2024, 5, 17, 9, 30, 0, 0, time.UTC)
	ce := &transfer.CertError{Host: "127.0.0.1", Port: 990, Subject: "CN=plc", Issuer: "CN=plc",
		NotBefore: t0, NotAfter: t0.AddDate(1, 0, 0), Reason: "self-signed",
		SHA256: "5d41402abc4b2a76b9719d911017c592a1f0c3d2e6b8f7a9c0d1e2f3a4b5c6d7"}
	if changed {
		ce.Changed, ce.Previous = true, "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0"
	}
	return ce
}

func TestQuestionAndAnswers(t *testing.T) {
	m := New("tag", certError(false), lipgloss.NewStyle())
	m.SetWidth(80)
	v := m.View()
	for _, want := range []string{"Unknown server certificate", "127.0.0.1:990", "self-signed", "5D:41:40:2A", "A1:F0:C3:D2", "reject (esc)"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "enter") {
		t.Errorf("enter is offered but does nothing:\n%s", v)
	}
	for k, want := range map[string]Choice{"r": Reject, "o": Once, "a": Always} {
		_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		if d := cmd().(dialog.DoneMsg); !d.OK || d.Choice != want || d.Tag != "tag" {
			t.Errorf("%s: %+v", k, d)
		}
	}
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd != nil {
		t.Error("enter answered")
	}
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEsc}); cmd().(dialog.DoneMsg).OK {
		t.Error("esc accepted")
	}
	// A changed certificate warns and shows the fingerprint accepted before.
	v = New("tag", certError(true), lipgloss.NewStyle()).View()
	for _, want := range []string{"CHANGED", "intercepting", "Was       0F:1E:2D", "Now       5D:41"} {
		if !strings.Contains(v, want) {
			t.Errorf("changed view lacks %q:\n%s", want, v)
		}
	}
}
