package filepane

import (
	"fmt"
	"path"
	"slices"
)

// Marks by pattern, inverted marks, folder sizes added up, entries a
// comparison found different, and the reversed order: the pane's side of
// the file manager's keys (+ - * i = S), which the root model drives.

// MarkGlob marks (on) or unmarks the shown entries whose name matches
// pattern (path.Match: *, ?, [a-z]) and returns how many changed. Folders
// match too.
func (m *Model) MarkGlob(pattern string, on bool) (int, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return 0, fmt.Errorf("pattern %q: %w", pattern, err)
	}
	n := 0
	for _, r := range m.rows {
		name := m.entries[r].Name
		if ok, _ := path.Match(pattern, name); !ok || m.marks[name] == on {
			continue
		}
		n++
		if on {
			m.marks[name] = true
		} else {
			delete(m.marks, name)
		}
	}
	return n, nil
}

// InvertMarks marks the shown entries that are not marked and unmarks the
// others.
func (m *Model) InvertMarks() {
	for _, r := range m.rows {
		name := m.entries[r].Name
		if m.marks[name] {
			delete(m.marks, name)
		} else {
			m.marks[name] = true
		}
	}
}

// SetMarks marks exactly the entries named.
func (m *Model) SetMarks(names []string) {
	m.marks = map[string]bool{}
	for _, e := range m.entries {
		if slices.Contains(names, e.Name) {
			m.marks[e.Name] = true
		}
	}
}

// MarkedSize returns the total size of the marked entries (folders
// counted when their size was added up with i) and how many there are.
func (m Model) MarkedSize() (int64, int) {
	var total int64
	n := 0
	for _, e := range m.entries {
		if !m.marks[e.Name] {
			continue
		}
		n++
		if e.Kind == Folder {
			total += m.dirSizes[e.Name]
		} else {
			total += e.Size
		}
	}
	return total, n
}

// SetDirSize shows size in the size column of the folder name (i),
// until the pane lists another folder.
func (m *Model) SetDirSize(name string, size int64) {
	if m.dirSizes == nil {
		m.dirSizes = map[string]int64{}
	}
	m.dirSizes[name] = size
}

// DirSize returns the size added up for the folder name, if any.
func (m Model) DirSize(name string) (int64, bool) {
	s, ok := m.dirSizes[name]
	return s, ok
}

// SetDiffer highlights the entries named (a comparison found them missing
// on the other side, newer or of another size), until the pane lists
// another folder; nil clears.
func (m *Model) SetDiffer(names []string) {
	m.differ = map[string]bool{}
	for _, n := range names {
		m.differ[n] = true
	}
}

// Differ reports whether name is highlighted as different.
func (m Model) Differ(name string) bool { return m.differ[name] }

// Reverse reverses the sort order (S); folders stay first.
func (m *Model) Reverse() {
	m.reverse = !m.reverse
	m.keepCursor(m.rebuild)
}

// Reversed reports whether the order is reversed.
func (m Model) Reversed() bool { return m.reverse }

// reverseRows reverses the folders' rows and the others' rows, each in
// place (folders first, as in every order).
func (m *Model) reverseRows() {
	split := 0
	for split < len(m.rows) && m.entries[m.rows[split]].Kind == Folder {
		split++
	}
	slices.Reverse(m.rows[:split])
	slices.Reverse(m.rows[split:])
}

// Title returns the pane's title ("Remote", "Local").
func (m Model) Title() string { return m.title }
