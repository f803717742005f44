package ui

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// TestTeatestFlow runs the program through teatest at 80x24: help opens
// and closes, the log hides, q quits with the terminal handed back.
func TestTeatestFlow(t *testing.T) {
	m := fedModel(t, 80, 24)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	waitFor := func(s string) {
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
			teatest.WithDuration(3*time.Second))
	}
	waitFor("Protocol log")
	tm.Type("?")
	waitFor("ftpdeck keys")
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	tm.Type("L")
	tm.Type("p")
	waitFor("ACTIVE")
	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(Model)
	if fm.showLog || helpOpen(fm) || !fm.quitting {
		t.Fatalf("final: log %v help %v quitting %v", fm.showLog, helpOpen(fm), fm.quitting)
	}
}
