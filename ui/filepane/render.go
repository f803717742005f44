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

func (m Model) titleLine() string {
	var b strings.Builder
	b.WriteString(" " + m.title + " ")
	if m.loading {
		b.WriteString(m.spin.View() + " ")
	}
	dir := m.dir
	if m.label != nil {
		dir = m.label(dir)
	}
	b.WriteString(wire.Escape(dir))
	info := fmt.Sprintf("%d", len(m.rows))
	if n := len(m.marks); n > 0 {
		info += fmt.Sprintf(" · %d marked", n)
	}
	info += " · " + m.sortBy.String()
	if m.hidden {
		info += " · .*"
	}
	if m.filter != "" && !m.filtering {
		info += " · /" + m.filter
	}
	left := b.String()
	right := info + " "
	if w := ansi.StringWidth(left) + ansi.StringWidth(right); w < m.width {
		left += strings.Repeat(" ", m.width-w) + right
	}
	st := m.styles.Title
	if m.focused {
		st = m.styles.TitleFocused
	}
	return st.Render(cells.Fit(left, m.width))
}

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
	case Link:
		kind = "@"
	}
	showTime := m.width >= 46
	fixed := 2 + 1 + 1 + 7 // mark+kind, space, space, size
	if showTime {
		fixed += 1 + len(timeLayout)
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
			t = e.Time.Format(timeLayout)
		}
		line += " " + t
	}
	line = cells.Fit(line, m.width)
	switch {
	case i == m.cursor && m.focused && marked:
		return m.styles.CursorMarked.Render(line)
	case i == m.cursor && m.focused:
		return m.styles.Cursor.Render(line)
	case marked:
		return m.styles.Marked.Render(line)
	case e.Kind == Folder:
		return m.styles.Folder.Render(line)
	case e.Kind == Link:
		return m.styles.Link.Render(line)
	}
	return line
}
