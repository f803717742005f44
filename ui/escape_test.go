package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"ftpdeck/ui/filepane"
)

// Case 8 of issue #8 (docs/hardening.md): escape sequences in a name from
// the server and in an error on the status line reach the screen escaped,
// never as raw bytes a terminal would act on (OSC 0 sets the window title).
func TestEscapesShownEscapedOnScreen(t *testing.T) {
	const osc = "\x1b]0;pwned\x07"
	m := fedModel(t, 120, 40)
	es := append([]filepane.Entry{{Name: "evil" + osc + "name", Size: 1, Time: t0}}, remoteEntries...)
	m = update(t, m, filepane.ListedMsg{Pane: remotePane, Req: m.remote.Request(), Dir: "/", Entries: es})
	v := m.View()
	if strings.ContainsAny(v, "\x1b\x07") {
		t.Errorf("raw escape bytes on screen:\n%q", v)
	}
	if !strings.Contains(v, `evil\x1b]0;pwned\x07name`) {
		t.Errorf("the name is not shown escaped:\n%s", v)
	}

	// An error whose text carries a server's name (wrapped by a layer
	// that does not escape) on the status line.
	m = press(t, m, "enter")
	err := fmt.Errorf("cwd /evil%sname: %w", osc, errors.New("server replied 550 no"+osc))
	m = update(t, m, filepane.ListedMsg{Pane: remotePane, Req: m.remote.Request(), Dir: "/evil" + osc + "name", Err: err})
	v = m.View()
	if strings.ContainsAny(v, "\x1b\x07") {
		t.Errorf("raw escape bytes on screen after an error:\n%q", v)
	}
	if !strings.Contains(v, `\x1b]0;pwned\x07`) {
		t.Errorf("the error is not shown escaped:\n%s", v)
	}
}
