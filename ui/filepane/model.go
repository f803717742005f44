// Package filepane is one file list — the remote pane or the local pane —
// over a Lister. It knows nothing of the other pane, the queue or the root
// model: the root asks it for the selection and gives it commands to run.
//
// Rules: no I/O in Update (every Lister call runs in a tea.Cmd), replies
// carry the pane id and a request id and stale ones are dropped, and only
// the visible rows are rendered.
package filepane

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/ui/internal/textfield"
)

// SortBy is the order of a pane's entries (folders always come first).
type SortBy int

// The sort orders, cycled by `s`.
const (
	ByName SortBy = iota
	BySize
	ByTime
)

// String names the order for the pane title.
func (s SortBy) String() string {
	switch s {
	case BySize:
		return "size"
	case ByTime:
		return "time"
	default:
		return "name"
	}
}

// ListedMsg is the result of a listing started by Load. Pane and Req say
// which pane asked and for which request; older requests are dropped.
type ListedMsg struct {
	Pane    int
	Req     int
	Dir     string
	Entries []Entry
	Err     error
}

// DoneMsg is the result of a new-folder, rename or delete command.
type DoneMsg struct {
	Pane int
	What string // "new folder x", "rename a → b", "delete 3 entries"
	Err  error
}

// Model is one file pane.
type Model struct {
	// hasPerm: some entry of the listing carries permissions (a listing
	// without any, DOS/IIS or MLSD without UNIX.mode, gets no column).
	hasPerm bool
	id      int
	title   string
	lister  Lister
	keys    KeyMap
	styles  Styles

	dir     string
	entries []Entry
	rows    []int // indices into entries: visible after hidden/filter, sorted
	cursor  int   // index into rows
	offset  int   // first row shown
	marks   map[string]bool

	reverse  bool             // S: the order reversed
	dirSizes map[string]int64 // i: folders' sizes added up
	differ   map[string]bool  // =: entries found different

	sortBy    SortBy
	filter    string
	filtering bool
	input     textinput.Model
	hidden    bool

	loading     bool
	spin        spinner.Model
	req         int
	err         error
	empty       string // shown when there is no lister
	selectAfter string // entry to put the cursor on after the next listing
	label       func(string) string

	width, height int
	focused       bool
}

// New returns a pane with the given id (carried by its messages), title
// and lister (nil: not connected). dir is the folder Load will list first.
func New(id int, title string, l Lister, dir string) Model {
	in := textfield.New("/", 256)
	return Model{
		id: id, title: title, lister: l, dir: dir,
		keys: DefaultKeyMap(), styles: DefaultStyles(),
		marks: map[string]bool{}, input: in,
		spin:  spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		empty: "not connected — press o to connect",
	}
}

// SetStyles replaces the styles.
func (m *Model) SetStyles(s Styles) { m.styles = s; m.spin.Style = s.Spinner }

// SetLister replaces the lister (a new connection) and the folder, and
// forgets the old entries. Call Load to list.
func (m *Model) SetLister(l Lister, dir string) {
	m.lister, m.dir = l, dir
	m.entries, m.rows, m.marks = nil, nil, map[string]bool{}
	m.cursor, m.offset, m.err = 0, 0, nil
	m.req++ // drop listings of the old lister
	m.loading = false
}

// SetEmptyText sets what the pane says when it has no lister.
func (m *Model) SetEmptyText(s string) { m.empty = s }

// SetError shows err in the pane (for example a failed connect).
func (m *Model) SetError(err error) { m.err = err }

// SetSize sets the pane's outer size: one title line and height-1 rows.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.input.Width = max(w-20, 8)
	m.clamp()
}

// Focus and Blur set whether the pane has the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes the keyboard away.
func (m *Model) Blur() { m.focused = false; m.endFilter(false) }

// Focused reports whether the pane has the keyboard.
func (m Model) Focused() bool { return m.focused }

// ID returns the pane id.
func (m Model) ID() int { return m.id }

// Dir returns the folder shown.
func (m Model) Dir() string { return m.dir }

// Lister returns the pane's lister (nil when not connected).
func (m Model) Lister() Lister { return m.lister }

// Loading reports whether a listing is running.
func (m Model) Loading() bool { return m.loading }

// Filtering reports whether the filter input has the keyboard: the root
// must then send every key to the pane.
func (m Model) Filtering() bool { return m.filtering }

// Err returns the last error shown in the pane.
func (m Model) Err() error { return m.err }

// Entries returns the rows shown, in order.
func (m Model) Entries() []Entry {
	out := make([]Entry, len(m.rows))
	for i, r := range m.rows {
		out[i] = m.entries[r]
	}
	return out
}

// Current returns the entry under the cursor.
func (m Model) Current() (Entry, bool) {
	if m.cursor < 0 || m.cursor >= len(m.rows) {
		return Entry{}, false
	}
	return m.entries[m.rows[m.cursor]], true
}

// Cursor returns the cursor's row.
func (m Model) Cursor() int { return m.cursor }

// Marked returns the marked entries, in display order.
func (m Model) Marked() []Entry {
	var out []Entry
	for _, r := range m.rows {
		if m.marks[m.entries[r].Name] {
			out = append(out, m.entries[r])
		}
	}
	return out
}

// Selected returns the marked entries, or the one under the cursor.
func (m Model) Selected() []Entry {
	if s := m.Marked(); len(s) > 0 {
		return s
	}
	if e, ok := m.Current(); ok {
		return []Entry{e}
	}
	return nil
}

// Path returns the path of name in the pane's folder.
func (m Model) Path(name string) string {
	if m.lister == nil {
		return name
	}
	return m.lister.Join(m.dir, name)
}

// SortOrder returns the current sort order.
func (m Model) SortOrder() SortBy { return m.sortBy }

// ShowHidden reports whether dot files are shown.
func (m Model) ShowHidden() bool { return m.hidden }

// SetShowHidden sets whether dot files are shown (without listing again).
func (m *Model) SetShowHidden(v bool) { m.hidden = v }

// Filter returns the filter text.
func (m Model) Filter() string { return m.filter }

// KeyMap returns the pane's bindings (for help); esc's "clear filter" is
// enabled while a filter is set.
func (m Model) KeyMap() KeyMap {
	k := m.keys
	k.ClearFilter.SetEnabled(m.filter != "" || m.filtering)
	return k
}

// Load lists dir (a command): the spinner turns while it runs.
func (m *Model) Load(dir string) tea.Cmd {
	if m.lister == nil {
		return nil
	}
	m.req++
	m.loading = true
	l, id, req, hidden := m.lister, m.id, m.req, m.hidden
	list := func() tea.Msg {
		es, err := l.List(context.Background(), dir, hidden)
		return ListedMsg{Pane: id, Req: req, Dir: dir, Entries: es, Err: err}
	}
	return tea.Batch(list, m.spin.Tick)
}

// Refresh lists the current folder again, keeping the cursor's entry.
func (m *Model) Refresh() tea.Cmd {
	if e, ok := m.Current(); ok {
		m.selectAfter = e.Name
	}
	return m.Load(m.dir)
}

// Mkdir creates folder name in the pane's folder (a command).
func (m Model) Mkdir(name string) tea.Cmd {
	return m.op("new folder "+name, func(ctx context.Context, l Lister) error {
		return l.Mkdir(ctx, l.Join(m.dir, name))
	})
}

// Rename renames entry from to name to in the pane's folder (a command).
func (m Model) Rename(from, to string) tea.Cmd {
	return m.op(fmt.Sprintf("rename %s → %s", from, to), func(ctx context.Context, l Lister) error {
		return l.Rename(ctx, l.Join(m.dir, from), l.Join(m.dir, to))
	})
}

// Delete deletes the entries (folders recursively) in the pane's folder.
func (m Model) Delete(es []Entry) tea.Cmd {
	what := "delete " + es[0].Name
	if len(es) > 1 {
		what = fmt.Sprintf("delete %d entries", len(es))
	}
	return m.op(what, func(ctx context.Context, l Lister) error {
		for _, e := range es {
			if err := l.Delete(ctx, l.Join(m.dir, e.Name), e.Kind == Folder); err != nil {
				return err
			}
		}
		return nil
	})
}

func (m Model) op(what string, f func(context.Context, Lister) error) tea.Cmd {
	if m.lister == nil {
		return nil
	}
	l, id := m.lister, m.id
	return func() tea.Msg {
		return DoneMsg{Pane: id, What: what, Err: f(context.Background(), l)}
	}
}

// Update handles the pane's messages: its listings, its spinner, and keys
// when it is focused.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case ListedMsg:
		if msg.Pane != m.id || msg.Req != m.req {
			return m, nil // another pane's, or a folder the user already left
		}
		m.listed(msg)
		return m, nil
	case spinner.TickMsg:
		if !m.loading {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case tea.KeyMsg:
		if !m.focused {
			return m, nil
		}
		if m.filtering {
			return m.filterKey(msg)
		}
		return m.key(msg)
	}
	return m, nil
}

func (m *Model) listed(msg ListedMsg) {
	m.loading = false
	if msg.Err != nil {
		m.err = msg.Err
		m.selectAfter = ""
		return
	}
	m.err = nil
	if msg.Dir != m.dir {
		m.marks = map[string]bool{}
		m.dirSizes, m.differ = nil, nil
		m.cursor, m.offset = 0, 0
		m.filter, m.filtering = "", false
		m.input.SetValue("")
	}
	m.dir = msg.Dir
	m.entries = msg.Entries
	keep := m.marks
	m.marks = map[string]bool{}
	m.hasPerm = false
	for _, e := range m.entries {
		if keep[e.Name] {
			m.marks[e.Name] = true
		}
		m.hasPerm = m.hasPerm || e.Perm != ""
	}
	m.rebuild()
}

func (m Model) key(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-m.pageSize())
	case key.Matches(msg, k.PageDown):
		m.move(m.pageSize())
	case key.Matches(msg, k.Home):
		m.move(-len(m.rows))
	case key.Matches(msg, k.End):
		m.move(len(m.rows))
	case key.Matches(msg, k.Open):
		if e, ok := m.Current(); ok && e.IsDir() && m.lister != nil {
			return m, m.Load(m.lister.Join(m.dir, e.Name))
		}
	case key.Matches(msg, k.Parent):
		if m.lister != nil {
			if p := m.lister.Parent(m.dir); p != m.dir {
				m.selectAfter = baseName(m.dir)
				return m, m.Load(p)
			}
		}
	case key.Matches(msg, k.Mark):
		if e, ok := m.Current(); ok {
			if m.marks[e.Name] {
				delete(m.marks, e.Name)
			} else {
				m.marks[e.Name] = true
			}
			m.move(1)
		}
	case key.Matches(msg, k.MarkAll):
		m.markAll()
	case key.Matches(msg, k.Refresh):
		return m, m.Refresh()
	case key.Matches(msg, k.Sort):
		m.sortBy = (m.sortBy + 1) % 3
		m.keepCursor(m.rebuild)
	case key.Matches(msg, k.Filter):
		m.filtering = true
		m.input.SetValue(m.filter)
		m.input.CursorEnd()
		m.input.Focus()
		return m, nil
	case key.Matches(msg, k.Hidden):
		m.hidden = !m.hidden
		return m, m.Refresh()
	case m.filter != "" && key.Matches(msg, k.ClearFilter):
		m.endFilter(true)
	}
	return m, nil
}

func (m Model) filterKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.ClearFilter):
		m.endFilter(true)
		return m, nil
	case key.Matches(msg, m.keys.AcceptFilter):
		m.endFilter(false)
		return m, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if v := m.input.Value(); v != m.filter {
		m.filter = v
		m.cursor, m.offset = 0, 0
		m.rebuild()
	}
	return m, cmd
}

// endFilter leaves the filter input; clear also drops the filter.
func (m *Model) endFilter(clear bool) {
	if !m.filtering && !clear {
		return
	}
	m.filtering = false
	m.input.Blur()
	if clear && m.filter != "" {
		m.filter = ""
		m.input.SetValue("")
		m.keepCursor(m.rebuild)
	}
}

func (m *Model) markAll() {
	all := len(m.rows) > 0
	for _, r := range m.rows {
		if !m.marks[m.entries[r].Name] {
			all = false
			break
		}
	}
	if all {
		m.marks = map[string]bool{}
		return
	}
	for _, r := range m.rows {
		m.marks[m.entries[r].Name] = true
	}
}

func (m *Model) keepCursor(f func()) {
	if e, ok := m.Current(); ok {
		m.selectAfter = e.Name
	}
	f()
}

// rebuild recomputes the visible rows after a listing, sort, filter or
// hidden change. It is the only O(n log n) step; rendering is O(height).
func (m *Model) rebuild() {
	needle := strings.ToLower(m.filter)
	rows := m.rows[:0]
	for i, e := range m.entries {
		if !m.hidden && strings.HasPrefix(e.Name, ".") {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(e.Name), needle) {
			continue
		}
		rows = append(rows, i)
	}
	es := m.entries
	by := m.sortBy
	sort.SliceStable(rows, func(a, b int) bool {
		x, y := es[rows[a]], es[rows[b]]
		if (x.Kind == Folder) != (y.Kind == Folder) {
			return x.Kind == Folder
		}
		switch by {
		case BySize:
			if x.Size != y.Size {
				return x.Size > y.Size
			}
		case ByTime:
			if !x.Time.Equal(y.Time) {
				return x.Time.After(y.Time)
			}
		}
		if a, b := strings.ToLower(x.Name), strings.ToLower(y.Name); a != b {
			return a < b
		}
		return x.Name < y.Name
	})
	m.rows = rows
	if m.reverse {
		m.reverseRows()
	}
	if m.selectAfter != "" {
		for i, r := range m.rows {
			if m.entries[r].Name == m.selectAfter {
				m.cursor = i
				m.offset = i - m.pageSize()/2
				break
			}
		}
		m.selectAfter = ""
	}
	m.clamp()
}

func (m *Model) move(d int) {
	m.cursor += d
	m.clamp()
}

func (m Model) pageSize() int { return max(m.height-1, 1) }

func (m *Model) clamp() {
	n := len(m.rows)
	m.cursor = min(max(m.cursor, 0), max(n-1, 0))
	page := m.pageSize()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+page {
		m.offset = m.cursor - page + 1
	}
	m.offset = min(max(m.offset, 0), max(n-page, 0))
}

func baseName(p string) string {
	p = strings.TrimRight(p, `/\`)
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// ClearMarks unmarks everything.
func (m *Model) ClearMarks() { m.marks = map[string]bool{} }

// Request returns the id of the newest listing asked for (ListedMsg.Req).
func (m Model) Request() int { return m.req }

// SetDirLabel sets how the folder is shown in the title (for example with
// the home folder as ~); nil shows it as is.
func (m *Model) SetDirLabel(f func(string) string) { m.label = f }
