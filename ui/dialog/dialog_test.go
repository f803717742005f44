package dialog

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

var (
	enter = tea.KeyMsg{Type: tea.KeyEnter}
	esc   = tea.KeyMsg{Type: tea.KeyEsc}
	tab   = tea.KeyMsg{Type: tea.KeyTab}
	space = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
)

// send feeds keys and returns the dialog and the answer, if one came.
func send(t *testing.T, m Model, keys ...tea.KeyMsg) (Model, *DoneMsg) {
	t.Helper()
	var answer *DoneMsg
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = m.Update(k)
		if cmd == nil {
			continue
		}
		if d, ok := cmd().(DoneMsg); ok {
			if answer != nil {
				t.Fatalf("a second answer: %+v after %+v", d, *answer)
			}
			answer = &d
		}
	}
	return m, answer
}

func TestConfirm(t *testing.T) {
	for _, c := range []struct {
		name   string
		m      Model
		keys   []tea.KeyMsg
		ok     bool
		footer string
	}{
		{"enter yes", NewConfirm("t", "Quit?"), []tea.KeyMsg{enter}, true, "y/enter yes · n/esc no"},
		{"y yes", NewConfirm("t", "Quit?"), []tea.KeyMsg{runes("y")}, true, ""},
		{"n no", NewConfirm("t", "Quit?"), []tea.KeyMsg{runes("n")}, false, ""},
		{"esc no", NewConfirm("t", "Quit?"), []tea.KeyMsg{esc}, false, ""},
		{"default no: enter", NewConfirm("t", "Delete?").DefaultNo(), []tea.KeyMsg{enter}, false, "y yes · n/enter/esc no"},
		{"default no: y", NewConfirm("t", "Delete?").DefaultNo(), []tea.KeyMsg{runes("y")}, true, ""},
		{"notice", NewNotice("t", "Note", "text"), []tea.KeyMsg{esc}, true, "enter/esc close"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.footer != "" && !strings.Contains(ansi.Strip(c.m.View()), c.footer) {
				t.Errorf("footer lacks %q:\n%s", c.footer, c.m.View())
			}
			// Other letters do nothing; then the key answers, once.
			m, a := send(t, c.m, runes("x"), tea.KeyMsg{Type: tea.KeyDown})
			if a != nil || m.Answered() {
				t.Fatal("an unrelated key answered")
			}
			m, a = send(t, m, append(c.keys, runes("y"), enter)...)
			if a == nil || a.OK != c.ok || a.Tag != "t" || !m.Answered() {
				t.Fatalf("answer %+v, want OK %v", a, c.ok)
			}
		})
	}
}

func TestInputTypesAndAnswers(t *testing.T) {
	m := NewInput("mk", "New folder", "name: ", "old")
	if !m.TakesText() {
		t.Fatal("an input dialog takes text")
	}
	// Backspace, a word typed at once, a paste, word moves.
	m, a := send(t, m, tea.KeyMsg{Type: tea.KeyBackspace}, runes("d dir"), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("-x"), Paste: true})
	if a != nil {
		t.Fatal("typing answered")
	}
	m, _ = send(t, m, tea.KeyMsg{Type: tea.KeyLeft, Alt: true}, tea.KeyMsg{Type: tea.KeyCtrlK})
	_, a = send(t, m, runes("new"), enter)
	if a == nil || !a.OK || a.Value != "old new" {
		t.Fatalf("answer %+v, want %q", a, "old new")
	}
	// y and n are text here, esc cancels.
	_, a = send(t, NewInput("mk", "t", "", ""), runes("yn"), esc)
	if a == nil || a.OK {
		t.Fatalf("esc: %+v", a)
	}
	if f := NewInput("mk", "t", "", "").HelpKeys().ShortHelp(); len(f) != 2 || f[0].Help().Key != "enter" || f[1].Help().Key != "esc" {
		t.Fatalf("input help %v", f)
	}
}

func TestConnectForm(t *testing.T) {
	m := NewConnect("c", Form{Host: "h", TLS: "off", Mode: "passive"})
	m, _ = send(t, m, runes("ost"), tab, runes("2121"), tab, runes("bob"), tab, runes("pw"))
	if !strings.Contains(m.View(), "••") || strings.Contains(m.View(), "pw") {
		t.Fatalf("password shown:\n%s", m.View())
	}
	m, _ = send(t, m, tab)
	if m.TakesText() {
		t.Fatal("the TLS row is no text field")
	}
	m, _ = send(t, m, space, space, tab, space)
	_, a := send(t, m, enter)
	want := Form{Host: "host", Port: "2121", User: "bob", Password: "pw", TLS: "implicit", Mode: "active"}
	if a == nil || !a.OK || a.Form != want {
		t.Fatalf("form %+v, want %+v", a, want)
	}
}

func TestChoice(t *testing.T) {
	opts := []Option{{Key: "o", Label: "overwrite", Value: 1}, {Key: "O", Label: "overwrite all", Value: 2}}
	m := NewChoice("c", "Exists", nil, opts)
	if h := m.HelpKeys().ShortHelp(); len(h) != 2 || h[0].Help().Key != "o/O" {
		t.Fatalf("help %v", h)
	}
	if strings.Contains(m.View(), "enter") {
		t.Fatalf("a choice takes no enter:\n%s", m.View())
	}
	_, a := send(t, m, enter, runes("x"), runes("O"))
	if a == nil || a.Choice != 2 {
		t.Fatalf("answer %+v", a)
	}
	_, a = send(t, m, esc)
	if a == nil || a.OK {
		t.Fatalf("esc %+v", a)
	}
}
