package filepane

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"ftpdeck/transfer/wire"
	"ftpdeck/ui/internal/cells"
)

// timeLayout is the fixed format of the time column.
const timeLayout = "2006-01-02 15:04"

// View renders the title line and the visible rows, exactly width×height.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	lines := make([]string, 0, m.height)
	lines = append(lines, m.titleLine())
	body := m.height - 1
	switch {
	case m.filtering:
		lines = append(lines, cells.Fit(m.input.View(), m.width))
		body--
	case m.err != nil:
		lines = append(lines, m.styles.Error.Render(cells.Fit("! "+wire.Escape(m.err.Error()), m.width)))
		body--
	}
	if m.lister == nil && len(m.entries) == 0 {
		if body > 0 {
			lines = append(lines, m.styles.Dim.Render(cells.Fit("  "+m.empty, m.width)))
		}
	} else if len(m.rows) == 0 && !m.loading && body > 0 {
		lines = append(lines, m.styles.Dim.Render(cells.Fit("  (empty)", m.width)))
	}
	start := m.offset
	if m.cursor >= start+body {
		start = m.cursor - body + 1
	}
	for i := start; i < len(m.rows) && len(lines) < m.height; i++ {
		lines = append(lines, m.row(i))
	}
	for len(lines) < m.height {
		lines = append(lines, strings.Repeat(" ", m.width))
	}
	return strings.Join(lines, "\n")
}

// titleLine is " Remote /path        6 · 2 marked · name · /filter ": the
// path is shortened from the left ("…/data/list50k") so that the count,
// marks, sort and filter always show; on a narrow pane they are written
// short ("6 · 2* · name").
func (m Model) titleLine() string {
	head := " " + m.title + " "
	if m.loading {
		head += m.spin.View() + " "
	}
	dir := m.dir
	if m.label != nil {
		dir = m.label(dir)
	}
	dir = wire.Escape(dir)
	right := m.info(false) + " "
	room := m.width - ansi.StringWidth(head) - ansi.StringWidth(right) - 1
	if room < min(ansi.StringWidth(dir), 12) {
		right = m.info(true) + " "
		room = m.width - ansi.StringWidth(head) - ansi.StringWidth(right) - 1
	}
	left := head + shortenLeft(dir, max(room, 1))
	if w := ansi.StringWidth(left) + ansi.StringWidth(right); w <= m.width {
		left += strings.Repeat(" ", m.width-w) + right
	}
	st := m.styles.Title
	if m.focused {
		st = m.styles.TitleFocused
	}
	return st.Render(cells.Fit(left, m.width))
}

// info is the title's right side: count, marks, sort, hidden, filter.
func (m Model) info(short bool) string {
	parts := []string{fmt.Sprintf("%d", len(m.rows))}
	if size, n := m.MarkedSize(); n > 0 {
		if short {
			parts = append(parts, fmt.Sprintf("%d*", n))
		} else {
			parts = append(parts, fmt.Sprintf("%d marked (%s)", n, byteSize(size)))
		}
	}
	if m.reverse {
		parts = append(parts, m.sortBy.String()+"↑")
	} else {
		parts = append(parts, m.sortBy.String())
	}
	if m.hidden {
		parts = append(parts, ".*")
	}
	if m.filter != "" && !m.filtering {
		f := wire.Escape(m.filter)
		if short {
			f = cells.Truncate(f, 8)
		}
		parts = append(parts, "/"+f)
	}
	sep := " · "
	if short {
		sep = " "
	}
	return strings.Join(parts, sep)
}

// shortenLeft cuts a path to w cells from the left, at a separator when
// one lets the last folders show: "…/data/list50k".
func shortenLeft(p string, w int) string {
	if ansi.StringWidth(p) <= w {
		return p
	}
	if w <= 1 {
		return "…"
	}
	for i := range p {
		if i > 0 && (p[i] == '/' || p[i] == '\\') && ansi.StringWidth(p[i:]) <= w-1 {
			return "…" + p[i:]
		}
	}
	// Not even the last name fits: its end.
	r := []rune(p)
	for i := range r {
		if ansi.StringWidth(string(r[i:])) <= w-1 {
			return "…" + string(r[i:])
		}
	}
	return "…"
}

// The permissions column ("-rw-r--r--", as the listing gave it) shows on
// panes at least permMinWidth wide (both panes of a 120-column terminal)
// whose listing has any.
const (
	permWidth    = 10
	permMinWidth = 56
)

func (m Model) row(i int) string {
	e := m.entries[m.rows[i]]
	marked := m.marks[e.Name]
	mark := " "
	if marked {
		mark = "*"
	}
	kind, size := " ", cells.HumanSize(e.Size)
	switch e.Kind {
	case Folder:
		kind, size = "/", "<DIR>"
		if s, ok := m.dirSizes[e.Name]; ok {
			size = cells.HumanSize(s)
		}
	case Link:
		kind = "@"
	}
	showTime := m.width >= 46
	showPerm := m.hasPerm && m.width >= permMinWidth
	fixed := 2 + 1 + 1 + 7 // mark+kind, space, space, size
	if showTime {
		fixed += 1 + len(timeLayout)
	}
	if showPerm {
		fixed += 1 + permWidth
	}
	nameW := max(m.width-fixed, 1)
	name := wire.Escape(e.Name)
	if e.Kind == Link && e.Target != "" {
		name += " → " + wire.Escape(e.Target)
	}
	line := mark + kind + " " + cells.Fit(name, nameW) + " " + fmt.Sprintf("%7s", size)
	if showTime {
		t := strings.Repeat(" ", len(timeLayout))
		if !e.Time.IsZero() {
			t = e.Time.Local().Format(timeLayout) // this machine's time zone
		}
		line += " " + t
	}
	if showPerm {
		line += " " + cells.Fit(wire.Escape(e.Perm), permWidth)
	}
	line = cells.Fit(line, m.width)
	switch {
	case i == m.cursor && m.focused && marked:
		return m.styles.CursorMarked.Render(line)
	case i == m.cursor && m.focused:
		return m.styles.Cursor.Render(line)
	case marked:
		return m.styles.Marked.Render(line)
	case m.differ[e.Name]:
		return m.styles.Differ.Render(line)
	case e.Kind == Folder:
		return m.styles.Folder.Render(line)
	case e.Kind == Link:
		return m.styles.Link.Render(line)
	}
	return line
}

// byteSize is a size with its unit: "512 B", "1.5 MiB".
func byteSize(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	return cells.HumanSize(n) + "iB"
}
