package filepane

import (
	"strings"
	"testing"
)

func marksPane() Model {
	m := New(1, "Local", Local{}, "/d")
	m.SetSize(80, 12)
	m.Focus()
	m.req = 1
	m, _ = m.Update(ListedMsg{Pane: 1, Req: 1, Dir: "/d", Entries: []Entry{
		{Name: "a.txt", Size: 100}, {Name: "b.txt", Size: 2000}, {Name: "c.log", Size: 3},
		{Name: "sub", Kind: Folder}, {Name: "zz.txt", Size: 5},
	}})
	return m
}

func names(es []Entry) string {
	var s []string
	for _, e := range es {
		s = append(s, e.Name)
	}
	return strings.Join(s, " ")
}

func TestMarkGlobInvertAndHeader(t *testing.T) {
	m := marksPane()
	n, err := m.MarkGlob("*.txt", true)
	if err != nil || n != 3 || names(m.Marked()) != "a.txt b.txt zz.txt" {
		t.Fatalf("+*.txt: %d %v, marked %q", n, err, names(m.Marked()))
	}
	if size, k := m.MarkedSize(); size != 2105 || k != 3 || !strings.Contains(m.titleLine(), "3 marked (2.1KiB)") {
		t.Fatalf("marked size %d of %d; title %q", size, k, m.titleLine())
	}
	if n, _ := m.MarkGlob("[ab].txt", false); n != 2 || names(m.Marked()) != "zz.txt" {
		t.Fatalf("-[ab].txt: %d, marked %q", n, names(m.Marked()))
	}
	m.InvertMarks()
	if names(m.Marked()) != "sub a.txt b.txt c.log" {
		t.Fatalf("invert: %q", names(m.Marked()))
	}
	if _, err := m.MarkGlob("[", true); err == nil {
		t.Fatal("a bad pattern was taken")
	}
	m.SetMarks([]string{"c.log", "gone"})
	if names(m.Marked()) != "c.log" {
		t.Fatalf("SetMarks: %q", names(m.Marked()))
	}
}

func TestReverseKeepsFoldersFirst(t *testing.T) {
	m := marksPane()
	m.Reverse()
	if got := names(m.Entries()); got != "sub zz.txt c.log b.txt a.txt" || !strings.Contains(m.titleLine(), "name↑") {
		t.Fatalf("reversed: %q, title %q", got, m.titleLine())
	}
	m.Reverse()
	if got := names(m.Entries()); got != "sub a.txt b.txt c.log zz.txt" {
		t.Fatalf("back: %q", got)
	}
}

func TestDirSizeAndDifferShownUntilAnotherFolder(t *testing.T) {
	m := marksPane()
	m.SetDirSize("sub", 5<<20)
	m.SetDiffer([]string{"c.log"})
	if v := m.View(); !strings.Contains(v, "5.0M") || strings.Contains(v, "<DIR>") {
		t.Fatalf("folder size not shown:\n%s", v)
	}
	if !m.Differ("c.log") || m.Differ("a.txt") {
		t.Fatal("differ")
	}
	m.req = 2
	m, _ = m.Update(ListedMsg{Pane: 1, Req: 2, Dir: "/other", Entries: []Entry{{Name: "sub", Kind: Folder}, {Name: "c.log"}}})
	if _, ok := m.DirSize("sub"); ok || m.Differ("c.log") {
		t.Fatal("another folder kept the sizes or highlights")
	}
}
