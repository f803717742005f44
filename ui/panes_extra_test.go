package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/ui/filepane"
)

func markedNames(p filepane.Model) string {
	var s []string
	for _, e := range p.Marked() {
		s = append(s, e.Name)
	}
	return strings.Join(s, " ")
}

func TestMarkByPatternInvertReverse(t *testing.T) {
	d := newDriver(t)
	m := fedModel(t, 100, 30)
	m = d.key(m, "+", "backspace", "*.txt", "enter")
	m = d.until(m, "marked", func(m Model) bool { return strings.HasPrefix(m.status, "marked") })
	want(t, markedNames(m.remote) == "README.txt" && m.status == "marked 1 entry", "+*.txt: %q, %q", markedNames(m.remote), m.status)
	want(t, strings.Contains(m.View(), "1 marked (1.0KiB)"), "header lacks the marks:\n%s", m.View())
	m = d.key(m, "*")
	want(t, !strings.Contains(markedNames(m.remote), "README.txt") && strings.Contains(markedNames(m.remote), "firmware-2.1.bin"), "invert: %q", markedNames(m.remote))
	m = d.key(m, "-", "backspace", "*", "enter")
	m = d.until(m, "unmarked", func(m Model) bool { return strings.HasPrefix(m.status, "unmarked") })
	want(t, markedNames(m.remote) == "", "-*: %q", markedNames(m.remote))

	first := func(m Model) string { e, _ := m.remote.Current(); return e.Name }
	m = d.key(m, "G")
	last := first(m)
	m = d.key(m, "S", "G")
	want(t, first(m) != last && m.remote.Reversed(), "S did not reverse: last is %q, was %q", first(m), last)
}

func TestGotoTypedPath(t *testing.T) {
	d := newDriver(t)
	m := fedModel(t, 100, 30)
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "here.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	m = d.key(m, "tab", ":")
	want(t, dlg(m) != nil && strings.Contains(dlg(m).Title(), "Local"), "no path dialog")
	for range len(m.local.Dir()) + 2 {
		m = d.key(m, "backspace")
	}
	m = d.key(m, other, "enter")
	m = d.until(m, "went there", func(m Model) bool { return m.local.Dir() == other && !m.local.Loading() })
	want(t, len(m.local.Entries()) == 1 && m.local.Entries()[0].Name == "here.txt", "entries %v", m.local.Entries())
}

// TestCompareMarksExactlyTheDifferences: a remote folder and a local copy
// that differs in three files (one missing here, one of another size, one
// newer there): = marks exactly those three on the remote side, and c
// copies them.
func TestCompareMarksExactlyTheDifferences(t *testing.T) {
	root, local := t.TempDir(), t.TempDir()
	old := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	write := func(dir, name, content string, at time.Time) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"same1.txt", "same2.txt"} {
		write(root, n, "same", old)
		write(local, n, "same", old)
	}
	write(root, "missing.txt", "only there", old)
	write(root, "size.txt", "longer there", old)
	write(local, "size.txt", "short", old)
	write(root, "newer.txt", "abcd", old.Add(time.Hour))
	write(local, "newer.txt", "wxyz", old)
	write(local, "local-only.txt", "here", old)

	d := newDriver(t)
	m := demoModel(t, d, root, local, true)
	m = d.key(m, "=")
	want(t, markedNames(m.remote) == "missing.txt newer.txt size.txt", "remote marked %q", markedNames(m.remote))
	want(t, markedNames(m.local) == "local-only.txt size.txt", "local marked %q", markedNames(m.local))
	want(t, m.remote.Differ("newer.txt") && !m.remote.Differ("same1.txt"), "highlights")
	m = d.key(m, "c")
	done := func(m Model) bool { s := m.queue.Snapshot(); return s.Done+s.Failed+s.Skipped == 3 }
	for asked := 0; !done(m); asked++ {
		m = d.until(m, "copied or asked", func(m Model) bool { return done(m) || dlg(m) != nil })
		if dlg(m) != nil {
			want(t, asked < 2, "asked about more than the two files that exist here")
			m = d.key(m, "o") // overwrite
		}
	}
	if s := m.queue.Snapshot(); s.Done != 3 {
		t.Fatalf("jobs: %+v", s.Jobs)
	}
	for _, n := range []string{"missing.txt", "size.txt"} {
		got, _ := os.ReadFile(filepath.Join(local, n))
		want(t, string(got) == map[string]string{"missing.txt": "only there", "size.txt": "longer there"}[n], "%s is %q", n, got)
	}
}

func TestFolderSizeAndStop(t *testing.T) {
	root := t.TempDir()
	for i, n := range []string{"tree/a.bin", "tree/x/b.bin", "tree/x/y/c.bin"} {
		p := filepath.Join(root, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, 1000*(i+1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	local := t.TempDir()
	if err := os.MkdirAll(filepath.Join(local, "ldir", "deeper"), 0o755); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t)
	m := demoModel(t, d, root, local, false)
	m = d.key(m, "i")
	m = d.until(m, "added up", func(m Model) bool { return m.sizing == nil })
	size, ok := m.remote.DirSize("tree")
	want(t, ok && size == 6000 && m.status == "tree: 3 files, 5.9 KiB", "size %d %v, status %q", size, ok, m.status)
	want(t, strings.Contains(m.View(), "5.9K"), "size column:\n%s", m.View())

	m = d.key(m, "tab", "i")
	s := m.sizing
	want(t, s != nil && s.name == "ldir", "not sizing ldir")
	m = d.key(m, "esc")
	want(t, s.ctx.Err() != nil, "esc did not stop the walk")
	d.until(m, "ended", func(m Model) bool { return m.sizing == nil })
}
