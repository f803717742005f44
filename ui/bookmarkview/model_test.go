package bookmarkview

import (
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"ftpdeck/bookmarks"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

func sample() []bookmarks.Site {
	return []bookmarks.Site{
		{Name: "camera", Host: "192.168.1.20", User: "admin", Password: "hunter2"},
		{Name: "mirror", Host: "ftp.example.org"},
		{Name: "plc", Host: "10.0.0.5", Port: 2121, User: "op", PasswordCmd: "pass plc", Mode: "active"},
	}
}

func keys(t *testing.T, m Model, ks ...string) (Model, tea.Msg) {
	t.Helper()
	var last tea.Msg
	for _, k := range ks {
		var msg tea.KeyMsg
		switch k {
		case "enter":
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		case "esc":
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		case "tab":
			msg = tea.KeyMsg{Type: tea.KeyTab}
		case "down":
			msg = tea.KeyMsg{Type: tea.KeyDown}
		case "up":
			msg = tea.KeyMsg{Type: tea.KeyUp}
		case "backspace":
			msg = tea.KeyMsg{Type: tea.KeyBackspace}
		case "space":
			msg = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		if cmd != nil {
			last = cmd()
		}
	}
	return m, last
}

func TestListFilterAndConnect(t *testing.T) {
	m := NewList(sample(), "")
	if got := m.Shown(); !slices.Equal(got, []string{"camera", "mirror", "plc"}) {
		t.Fatalf("shown %v", got)
	}
	m, _ = keys(t, m, "/", "e", "x", "a")
	if got := m.Shown(); !slices.Equal(got, []string{"mirror"}) {
		t.Fatalf("filter %q shows %v", m.Filter(), got)
	}
	m, _ = keys(t, m, "backspace", "backspace", "backspace", "1", "0", ".")
	if got := m.Shown(); !slices.Equal(got, []string{"plc"}) {
		t.Fatalf("filter by address %q shows %v", m.Filter(), got)
	}
	m, msg := keys(t, m, "enter")
	c, ok := msg.(ConnectMsg)
	if !ok || c.Site.Name != "plc" || !m.Done() {
		t.Fatalf("enter gave %#v, done %v", msg, m.Done())
	}
}

func TestListEscClearsFilterThenCloses(t *testing.T) {
	m := NewList(sample(), "")
	m, _ = keys(t, m, "/", "z", "z")
	if len(m.Shown()) != 0 || !strings.Contains(m.View(), "no bookmark matches") {
		t.Fatalf("shown %v\n%s", m.Shown(), m.View())
	}
	m, msg := keys(t, m, "esc")
	if m.Done() || msg != nil || len(m.Shown()) != 3 {
		t.Fatalf("first esc: done %v msg %v shown %v", m.Done(), msg, m.Shown())
	}
	m, msg = keys(t, m, "esc")
	if !m.Done() {
		t.Fatal("second esc did not close")
	}
	if c, ok := msg.(CancelMsg); !ok || c.Kind != List {
		t.Fatalf("got %#v", msg)
	}
}

func TestListDeleteAsks(t *testing.T) {
	m := NewList(sample(), "")
	m, msg := keys(t, m, "j", "d")
	if msg != nil || m.Done() || !strings.Contains(m.View(), "Delete bookmark mirror? y/n") {
		t.Fatalf("d did not ask:\n%s", m.View())
	}
	m, msg = keys(t, m, "n")
	if msg != nil || m.Done() || strings.Contains(m.View(), "Delete bookmark") {
		t.Fatalf("n did not cancel: %v\n%s", msg, m.View())
	}
	m, msg = keys(t, m, "d", "y")
	if d, ok := msg.(DeleteMsg); !ok || d.Name != "mirror" || !m.Done() {
		t.Fatalf("y gave %#v", msg)
	}
}

func TestEditForm(t *testing.T) {
	m := NewList(sample(), "")
	m, _ = keys(t, m, "e")
	if m.Kind() != Edit {
		t.Fatalf("kind %v", m.Kind())
	}
	if strings.Contains(m.View(), "hunter2") {
		t.Fatal("the edit form shows the saved password")
	}
	// Rename: clear the name and type a new one.
	for range len("camera") {
		m, _ = keys(t, m, "backspace")
	}
	m, _ = keys(t, m, "c", "a", "m", "2")
	// Mode is field 6: tab six times, then space cycles default → passive.
	m, _ = keys(t, m, "tab", "tab", "tab", "tab", "tab", "tab", "space")
	m, msg := keys(t, m, "enter")
	e, ok := msg.(EditedMsg)
	if !ok || !m.Done() {
		t.Fatalf("enter gave %#v", msg)
	}
	if e.OldName != "camera" || e.Site.Name != "cam2" || e.Site.Mode != "passive" || e.Site.Password != "hunter2" || e.Site.Host != "192.168.1.20" {
		t.Fatalf("edited %+v", e)
	}
}

func TestEditFormRefusesBadValues(t *testing.T) {
	m := NewEdit(sample()[1])
	m, _ = keys(t, m, "tab", "tab", "9", "9", "9", "9", "9", "9") // port
	m, msg := keys(t, m, "enter")
	if msg != nil || m.Done() || !strings.Contains(m.View(), "port 999999") {
		t.Fatalf("bad port accepted: %#v\n%s", msg, m.View())
	}
}

func TestEditFormForgetsPassword(t *testing.T) {
	m := NewEdit(sample()[0])
	m, _ = keys(t, m, "up", "space") // last field: saved password keep → forget
	_, msg := keys(t, m, "enter")
	e, ok := msg.(EditedMsg)
	if !ok {
		t.Fatalf("got %#v", msg)
	}
	if e.Site.Password != "" {
		t.Fatal("password kept")
	}
}

func TestSaveForm(t *testing.T) {
	for _, yes := range []bool{false, true} {
		m := NewSave("ftp.example.org", "bob@ftp.example.org:21", true)
		v := m.View()
		if !strings.Contains(v, "[no]") {
			t.Fatalf("save password does not default to no:\n%s", v)
		}
		m, _ = keys(t, m, "backspace", "backspace", "backspace", "n", "e", "t")
		if yes {
			m, _ = keys(t, m, "tab", "space")
		}
		_, msg := keys(t, m, "enter")
		s, ok := msg.(SaveMsg)
		if !ok || s.Name != "ftp.example.net" || s.SavePassword != yes {
			t.Fatalf("yes=%v: %#v", yes, msg)
		}
	}
	// Anonymous: no question about a password.
	m := NewSave("mirror", "anonymous@mirror:21", false)
	if strings.Contains(m.View(), "Save passwd") {
		t.Fatal("asks about a password for an anonymous site")
	}
	if _, msg := keys(t, m, "enter"); msg.(SaveMsg).SavePassword {
		t.Fatal("saved a password")
	}
}

func TestPasswordPromptIsMasked(t *testing.T) {
	m := NewPassword("tag", "bob@h:21")
	m, _ = keys(t, m, "s", "3", "c", "r", "3", "t")
	v := m.View()
	if strings.Contains(v, "s3cr3t") || !strings.Contains(v, "•••••") {
		t.Fatalf("prompt not masked:\n%s", v)
	}
	m, msg := keys(t, m, "enter")
	p, ok := msg.(PasswordMsg)
	if !ok || p.Password != "s3cr3t" || p.Tag != "tag" || !m.Done() {
		t.Fatalf("got %v", msg)
	}
	if s := p.String(); strings.Contains(s, "s3cr3t") {
		t.Fatal("String shows the password")
	}
	_, msg = keys(t, NewPassword("tag", "bob@h:21"), "x", "esc")
	if c, ok := msg.(CancelMsg); !ok || c.Kind != Password {
		t.Fatalf("esc gave %#v", msg)
	}
}

func TestListShowsLoadError(t *testing.T) {
	m := NewList(nil, "/cfg/bookmarks.toml:3:7: expected '='")
	v := m.View()
	if !strings.Contains(v, "not loaded") || !strings.Contains(v, "bookmarks.toml:3:7") {
		t.Fatalf("load error not shown:\n%s", v)
	}
}

// A form's footer and help line list only the keys it takes.
func TestFormFooters(t *testing.T) {
	for _, c := range []struct {
		m    Model
		want string
	}{
		{NewPassword(nil, "u@h:21"), "enter connect · esc cancel"},
		{NewSave("h", "u@h:21", false), "enter save · esc cancel"},
		{NewSave("h", "u@h:21", true), "tab/↓ next field · space/←/→ change · enter save · esc cancel"},
		{NewEdit(bookmarks.Site{Name: "x", Host: "h"}), "tab/↓ next field · space/←/→ change · enter save · esc cancel"},
	} {
		v := ansi.Strip(c.m.View())
		if !strings.Contains(v, c.want) {
			t.Errorf("%s: footer is not %q:\n%s", c.m.title, c.want, v)
		}
		if n := len(c.m.HelpKeys().ShortHelp()); n != strings.Count(c.want, " · ")+1 {
			t.Errorf("%s: %d keys on the help line", c.m.title, n)
		}
	}
}
