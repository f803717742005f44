package mirrorview

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer/mirror"
)

func press(m Model, keys ...string) Model {
	for _, k := range keys {
		var msg tea.KeyMsg
		switch k {
		case "enter":
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		case "esc":
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		m, _ = m.Update(msg)
	}
	return m
}

var tm = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)

func trees() (src, dst []mirror.Entry) {
	src = []mirror.Entry{{Rel: "a.txt", Size: 10, Time: tm}, {Rel: "b.txt", Size: 5, Time: tm}, {Rel: "d", Kind: mirror.Folder}, {Rel: "d/c.txt", Size: 7, Time: tm}}
	dst = []mirror.Entry{{Rel: "a.txt", Size: 10, Time: tm}, {Rel: "b.txt", Size: 4, Time: tm}, {Rel: "old.txt", Size: 1, Time: tm}}
	return src, dst
}

func TestPreviewPlanToggleAndStart(t *testing.T) {
	m := New("/srv/site", "/home/me/site", true)
	if m = press(m, "enter"); m.Done() {
		t.Fatal("enter started a mirror whose plan is not there yet")
	}
	if v := m.View(80, 20); !strings.Contains(v, "listing both folders") {
		t.Errorf("while listing:\n%s", v)
	}
	src, dst := trees()
	m.SetTrees(src, dst, nil)
	v := m.View(80, 20)
	for _, want := range []string{"1 new, 1 changed: 12 B to copy", "1 unchanged", "1 folders to create", "delete off: 1 only on the target are kept", "new       d/c.txt", "changed   b.txt", "extra     old.txt"} {
		if !strings.Contains(v, want) {
			t.Errorf("plan lacks %q:\n%s", want, v)
		}
	}
	m = press(m, "d")
	if !m.Delete() || m.Plan().Count[mirror.Delete] != 1 || !strings.Contains(m.View(80, 20), "delete ON: 1 only on the target will be deleted") {
		t.Errorf("d did not turn delete on:\n%s", m.View(80, 20))
	}
	m = press(m, "d")
	if m.Delete() || m.Plan().Count[mirror.Delete] != 0 {
		t.Error("d again did not turn delete off")
	}
	m = press(m, "enter")
	if !m.Done() || !m.Started() {
		t.Error("enter did not start the mirror")
	}
}

func TestPreviewNothingToDoAndErrors(t *testing.T) {
	m := New("a", "b", false)
	src, _ := trees()
	m.SetTrees(src, src, nil)
	if v := m.View(80, 20); !strings.Contains(v, "nothing to do") || !strings.Contains(v, "local → remote") {
		t.Errorf("equal folders:\n%s", v)
	}
	if m = press(m, "enter"); m.Done() {
		t.Error("enter started a mirror with nothing to do")
	}
	m = New("a", "b", true)
	m.SetTrees(nil, nil, errors.New("list /a: 550 No such folder\x1b[2J"))
	v := m.View(80, 20)
	if !strings.Contains(v, "cannot plan the mirror") || strings.Contains(v, "\x1b[2J") {
		t.Errorf("error view (escapes must be shown escaped):\n%q", v)
	}
	if m = press(m, "esc"); !m.Done() || m.Started() {
		t.Error("esc did not cancel")
	}
}

func TestPreviewFitsSmallScreens(t *testing.T) {
	m := New(strings.Repeat("/long", 40), "/x", true)
	src, dst := trees()
	m.SetTrees(src, dst, nil)
	for _, size := range [][2]int{{40, 8}, {80, 24}, {20, 5}} {
		v := m.View(size[0], size[1])
		lines := strings.Split(v, "\n")
		if len(lines) > size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
	}
}
