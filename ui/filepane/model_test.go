package filepane

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func keyRunes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func press(m Model, keys ...tea.KeyMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	for _, k := range keys {
		m, cmd = m.Update(k)
	}
	return m, cmd
}

// The header keeps the count, marks, sort and filter and shortens a long
// path from the left, at a folder boundary.
func TestTitleShortensPathFromTheLeft(t *testing.T) {
	m := listedPane(50, 40, 10)
	m.dir = "/srv/ftp/customers/acme/data/list50k"
	m, _ = press(m, keyRunes(" "), keyRunes(" "), keyRunes("s"), keyRunes("/"), keyRunes("file"), tea.KeyMsg{Type: tea.KeyEnter})
	title := m.titleLine()
	for _, part := range []string{"…/data/list50k", "50", "2*", "size", "/file"} {
		if !strings.Contains(title, part) {
			t.Errorf("title %q lacks %q", title, part)
		}
	}
	if w := len([]rune(title)); w != 40 {
		t.Errorf("title is %d cells, want 40: %q", w, title)
	}
	// With room, the long form.
	m.SetSize(100, 10)
	title = m.titleLine()
	for _, part := range []string{"/srv/ftp/customers/acme/data/list50k", "50 · 2 marked · size · /file"} {
		if !strings.Contains(title, part) {
			t.Errorf("wide title %q lacks %q", title, part)
		}
	}
}

func TestShortenLeft(t *testing.T) {
	for _, c := range []struct {
		p    string
		w    int
		want string
	}{
		{"/a/b", 10, "/a/b"},
		{"/home/u/data/list50k", 15, "…/data/list50k"},
		{"/home/u/data/list50k", 10, "…/list50k"},
		{"/home/u/averyveryverylongname", 8, "…ongname"},
		{"/x", 1, "…"},
	} {
		if got := shortenLeft(c.p, c.w); got != c.want {
			t.Errorf("shortenLeft(%q, %d) = %q, want %q", c.p, c.w, got, c.want)
		}
	}
}

// Update-level: moving, marking, filtering, esc, and a listing of another
// request dropped.
func TestUpdateKeys(t *testing.T) {
	m := listedPane(10, 80, 8)
	m, _ = press(m, keyRunes("j"), keyRunes("j"), tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
	if m.Cursor() != 3 || len(m.Marked()) != 1 || m.Marked()[0].Name != "file-000002.dat" {
		t.Fatalf("cursor %d marked %v", m.Cursor(), m.Marked())
	}
	m, _ = press(m, keyRunes("G"))
	if m.Cursor() != 9 {
		t.Fatalf("G: cursor %d", m.Cursor())
	}
	m, _ = press(m, keyRunes("/"), keyRunes("00000"), keyRunes("7"))
	if !m.Filtering() || m.Filter() != "000007" || len(m.Entries()) != 1 {
		t.Fatalf("filter %q (%v), %d rows", m.Filter(), m.Filtering(), len(m.Entries()))
	}
	// enter keeps the filter, esc then clears it.
	m, _ = press(m, tea.KeyMsg{Type: tea.KeyEnter})
	if m.Filtering() || len(m.Entries()) != 1 || !m.KeyMap().ClearFilter.Enabled() {
		t.Fatalf("enter: filtering %v, %d rows", m.Filtering(), len(m.Entries()))
	}
	m, _ = press(m, tea.KeyMsg{Type: tea.KeyEsc})
	if m.Filter() != "" || len(m.Entries()) != 10 || m.KeyMap().ClearFilter.Enabled() {
		t.Fatalf("esc: filter %q, %d rows", m.Filter(), len(m.Entries()))
	}
	// Keys reach only a focused pane.
	m.Blur()
	m, _ = press(m, keyRunes("g"))
	if m.Cursor() == 0 {
		t.Fatal("a blurred pane moved")
	}
	// A listing of an older request or another pane is dropped.
	m.Focus()
	m, cmd := press(m, tea.KeyMsg{Type: tea.KeyEnter}) // not a folder: nothing
	if cmd != nil {
		t.Fatal("enter on a file started something")
	}
	m, _ = m.Update(ListedMsg{Pane: 1, Req: m.Request() - 1, Dir: "/old"})
	m, _ = m.Update(ListedMsg{Pane: 2, Req: m.Request(), Dir: "/other"})
	if m.Dir() != "/big" || len(m.Entries()) != 10 {
		t.Fatalf("stale listing applied: %s", m.Dir())
	}
}
