// Package viewer is the file viewer overlay (v/f3): a pager over a file
// read in windows, text or (for binary files) hex, with / search and n/N.
//
// It never reads by itself in Update: the root hands New a Fetch that
// reads a window of the file (a local file, or a remote one on its own
// connection), and the viewer asks for the next window in a command when
// the view nears the end of what it has, or when a search runs past it. So
// the first screens show at once whatever the file's size, and nothing is
// written to disk.
package viewer

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// Window is the size of one read: the first one shows at once, the next
// ones are read when the view or a search reaches the end of what is read.
const Window = 4 << 20

// Keep bounds what the viewer holds: reading on past it (G, a search)
// drops the oldest part; g reads the file again from its start.
const Keep = 64 << 20

// Fetch reads up to n bytes of the file from off. Fewer than n bytes (and
// no error) means the end of the file. It runs in a command, never in
// Update; ctx ends when the viewer is closed.
type Fetch func(ctx context.Context, off int64, n int) ([]byte, error)

// ChunkMsg is a window read for viewer id.
type ChunkMsg struct {
	ID   int
	Off  int64
	Data []byte
	EOF  bool
	Err  error
}

// KeyMap is the viewer's bindings (the viewport's own move it).
type KeyMap struct {
	Search, Next, Prev, Top, Bottom, Close key.Binding
}

// DefaultKeyMap returns the bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Search: key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Next:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/previous match")),
		Prev:   key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		Top:    key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/G", "top/end")),
		Bottom: key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "end")),
		Close:  key.NewBinding(key.WithKeys("esc", "q", "v", "f3"), key.WithHelp("esc/q", "close")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Search, k.Next, k.Top, k.Close} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Styles is how the viewer looks.
type Styles struct {
	Title, Info, Error, Match lipgloss.Style
}

// DefaultStyles returns the default styles.
func DefaultStyles() Styles {
	return Styles{
		Title: lipgloss.NewStyle().Bold(true),
		Info:  lipgloss.NewStyle().Faint(true),
		Error: lipgloss.NewStyle().Bold(true),
		Match: lipgloss.NewStyle().Reverse(true),
	}
}

// Model is the viewer.
type Model struct {
	id     int
	title  string
	size   int64 // the file's size from the listing, -1 when unknown
	fetch  Fetch
	ctx    context.Context
	cancel context.CancelFunc

	data    []byte // what is held: the file from byte off0
	off0    int64  // the file offset of data[0]
	line0   int    // the number of the first line held (lines before it were dropped)
	keep    int    // bytes held at most (Keep)
	scanned int    // text: data[:scanned] is cut into lines
	starts  []int  // text: where each whole line held starts, in data
	eof     bool
	loading bool
	err     error
	decided bool // text or hex decided (on the first window)
	hex     bool

	// The viewport holds a page of the lines (from base), not all of them:
	// a window of a file of any size renders at once.
	base, top int

	vp        viewport.Model
	input     textinput.Model
	searching bool   // the search field has the keyboard
	query     string // the last search
	match     int    // line of the current match, -1 for none
	seeking   int    // 1 while a search reads on past what is read
	seekFrom  int    // the line a search reading on continues from
	toEnd     bool   // G: reading on to the end of the file
	from      int    // the match before a new search (-2: none to restore)
	note      string

	keys   KeyMap
	styles Styles
	closed bool
	w, h   int
}

// New returns a viewer of a file titled title, of size bytes (-1 when
// unknown), read through fetch. Init (or the command from Start) reads the
// first window.
func New(id int, title string, size int64, fetch Fetch) Model {
	ctx, cancel := context.WithCancel(context.Background())
	in := textinput.New()
	in.Prompt = "/"
	return Model{
		id: id, title: title, size: size, fetch: fetch, ctx: ctx, cancel: cancel,
		match: -1, from: -2, keep: Keep, vp: viewport.New(80, 20), input: in,
		keys: DefaultKeyMap(), styles: DefaultStyles(), w: 80, h: 22,
	}
}

// SetStyles replaces the styles.
func (m *Model) SetStyles(s Styles) { m.styles = s }

// ID returns the viewer's id.
func (m Model) ID() int { return m.id }

// Done reports that the viewer was closed.
func (m Model) Done() bool { return m.closed }

// Hex reports whether the file is shown as hex.
func (m Model) Hex() bool { return m.hex }

// EOF reports whether the whole file is read.
func (m Model) EOF() bool { return m.eof }

// Loading reports whether a read runs.
func (m Model) Loading() bool { return m.loading }

// Read returns the number of bytes read so far.
func (m Model) Read() int64 { return m.off0 + int64(len(m.data)) }

// Held returns the bytes held in memory.
func (m Model) Held() int { return len(m.data) }

// FirstLine returns the first line held (earlier ones were dropped).
func (m Model) FirstLine() int { return m.line0 }

// NumLines returns the number of lines read so far (hex: rows).
func (m Model) NumLines() int {
	if m.hex {
		n := len(m.data) / 16
		if m.eof && len(m.data)%16 != 0 {
			n++
		}
		return m.line0 + n
	}
	return m.line0 + len(m.starts)
}

// Line returns line i as shown: control characters made visible, tabs
// expanded (hex: the row of bytes i*16…).
func (m Model) Line(i int) string {
	if m.hex {
		off := (i - m.line0) * 16
		return hexLine(m.off0+int64(off), m.data[off:min(off+16, len(m.data))])
	}
	return textLine(m.raw(i))
}

// raw is text line i without its line end.
func (m Model) raw(i int) []byte {
	i -= m.line0
	end := m.scanned
	if i+1 < len(m.starts) {
		end = m.starts[i+1]
	}
	l := m.data[m.starts[i]:end]
	return bytes.TrimSuffix(l, []byte("\n"))
}

// Match returns the line of the current match, -1 for none.
func (m Model) Match() int { return m.match }

// Offset returns the first line shown.
func (m Model) Offset() int { return m.top }

// Searching reports whether the search field has the keyboard.
func (m Model) Searching() bool { return m.searching }

// Err returns the read error, if any.
func (m Model) Err() error { return m.err }

// KeyMap returns the bindings, for help.
func (m Model) KeyMap() help.KeyMap { return m.keys }

// Start returns the command that reads the first window.
func (m *Model) Start() tea.Cmd { return m.more() }

// Close ends any read and marks the viewer done.
func (m *Model) Close() {
	m.closed = true
	m.cancel()
}

// SetSize sets the viewer's area: a title line, the pager, a status line.
func (m *Model) SetSize(w, h int) {
	if m.w == w && m.h == h {
		return
	}
	m.w, m.h = w, h
	m.vp.Width = w
	m.vp.Height = max(h-2, 1)
	m.page(true)
}

// more returns the command reading the next window, or nil when one runs
// or the file is read.
func (m *Model) more() tea.Cmd {
	if m.loading || m.eof || m.err != nil || m.closed {
		return nil
	}
	m.loading = true
	ctx, fetch, id, off := m.ctx, m.fetch, m.id, m.Read()
	return func() tea.Msg {
		data, err := fetch(ctx, off, Window)
		return ChunkMsg{ID: id, Off: off, Data: data, EOF: err == nil && len(data) < Window, Err: err}
	}
}

// Update handles keys and the windows read.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case ChunkMsg:
		if msg.ID != m.id || msg.Off != m.Read() || m.closed || !m.loading {
			return m, nil
		}
		return m.chunk(msg)
	case tea.KeyMsg:
		if m.searching {
			return m.searchKey(msg)
		}
		return m.key(msg)
	}
	return m, nil
}

func (m Model) chunk(msg ChunkMsg) (Model, tea.Cmd) {
	m.loading = false
	if msg.Err != nil {
		m.err = msg.Err
		m.seeking = 0
		return m, nil
	}
	m.eof = msg.EOF
	if !m.decided {
		m.decided = true
		m.hex = isBinary(msg.Data)
	}
	m.data = append(m.data, msg.Data...)
	if !m.hex {
		m.scan()
	}
	m.drop()
	m.page(true)
	if m.seeking != 0 {
		return m.find(m.seeking, true)
	}
	if m.toEnd {
		m.setTop(m.NumLines())
		m.toEnd = !m.eof
		return m, m.more()
	}
	return m, m.nearEnd()
}

// scan notes where the lines read since the last scan start.
func (m *Model) scan() {
	for {
		i := bytes.IndexByte(m.data[m.scanned:], '\n')
		if i < 0 {
			break
		}
		m.starts = append(m.starts, m.scanned)
		m.scanned += i + 1
	}
	if m.eof && m.scanned < len(m.data) {
		m.starts = append(m.starts, m.scanned)
		m.scanned = len(m.data)
	}
}

// drop lets go of the oldest half of what is held once it passes keep,
// at a line's start.
func (m *Model) drop() {
	if len(m.data) <= m.keep {
		return
	}
	cut := len(m.data) - m.keep/2
	if m.hex {
		cut = cut / 16 * 16
		m.line0 += cut / 16
	} else {
		k := 0
		for k < len(m.starts) && m.starts[k] < cut {
			k++
		}
		if k == len(m.starts) {
			return // one line longer than keep: held whole
		}
		cut = m.starts[k]
		m.starts = m.starts[k:]
		for i := range m.starts {
			m.starts[i] -= cut
		}
		m.scanned -= cut
		m.line0 += k
	}
	m.data = append([]byte(nil), m.data[cut:]...)
	m.off0 += int64(cut)
	if m.match >= 0 && m.match < m.line0 {
		m.match = -1
	}
}

// restart drops everything held and reads the file again from its start.
func (m *Model) restart() tea.Cmd {
	m.data, m.starts, m.scanned, m.off0, m.line0 = nil, nil, 0, 0, 0
	m.eof, m.loading, m.err, m.top, m.match = false, false, nil, 0, -1
	m.page(true)
	return m.more()
}

// pageSpan is the number of lines the viewport holds.
func (m Model) pageSpan() int { return max(6*m.vp.Height, 300) }

// page keeps the viewport's page of lines around top: it is made again
// when top nears its edges (or force).
func (m *Model) page(force bool) {
	n := m.NumLines()
	m.top = max(min(m.top, n-m.vp.Height), m.line0)
	span := m.pageSpan()
	if force || m.top < m.base || m.top+m.vp.Height > m.base+span || (m.top-m.base < m.vp.Height && m.base > 0) ||
		(m.base+span-m.top < 2*m.vp.Height && m.base+span < n) {
		m.base = max(m.top-span/3, m.line0)
		end := min(m.base+span, n)
		lines := make([]string, 0, end-m.base)
		for i := m.base; i < end; i++ {
			l := m.Line(i)
			if i == m.match && m.query != "" {
				l = m.highlight(l)
			}
			lines = append(lines, l)
		}
		m.vp.SetContent(strings.Join(lines, "\n"))
	}
	m.vp.SetYOffset(m.top - m.base)
}

// highlight marks the query in a shown line.
func (m Model) highlight(l string) string {
	low := strings.ToLower(l)
	i := strings.Index(low, strings.ToLower(m.query))
	if i < 0 || len(low) != len(l) || i+len(m.query) > len(l) {
		return l
	}
	return l[:i] + m.styles.Match.Render(l[i:i+len(m.query)]) + l[i+len(m.query):]
}

// setTop scrolls to line top.
func (m *Model) setTop(top int) {
	m.top = top
	m.page(false)
}

// nearEnd reads the next window when the view is within two screens of
// the end of what is read.
func (m *Model) nearEnd() tea.Cmd {
	if m.top+3*m.vp.Height >= m.NumLines() {
		return m.more()
	}
	return nil
}

func (m Model) key(msg tea.KeyMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Close):
		if m.seeking != 0 || m.toEnd {
			m.seeking, m.toEnd = 0, false
			m.note = "stopped"
			return m, nil
		}
		m.Close()
		return m, nil
	case key.Matches(msg, m.keys.Search):
		m.searching = true
		m.input.SetValue("")
		return m, m.input.Focus()
	case key.Matches(msg, m.keys.Next):
		return m.find(1, false)
	case key.Matches(msg, m.keys.Prev):
		return m.find(-1, false)
	case key.Matches(msg, m.keys.Top):
		if m.line0 > 0 {
			return m, m.restart()
		}
		m.setTop(0)
		return m, nil
	case key.Matches(msg, m.keys.Bottom):
		m.setTop(m.NumLines())
		m.toEnd = !m.eof // read on to the end (esc stops)
		return m, m.more()
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	m.setTop(m.base + m.vp.YOffset)
	return m, tea.Batch(cmd, m.nearEnd())
}

func (m Model) searchKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	switch msg.Type {
	case tea.KeyEsc:
		m.searching = false
		m.input.Blur()
		return m, nil
	case tea.KeyEnter:
		m.searching = false
		m.input.Blur()
		if q := m.input.Value(); q != "" {
			m.query = q
			m.from = m.match
			m.match = m.top - 1
			return m.find(1, false)
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd
}

// find moves to the next (dir 1) or previous (-1) line holding the query,
// case-insensitively; forward past what is read, it reads on (esc stops).
// again: the search continues from where it stopped.
func (m Model) find(dir int, again bool) (Model, tea.Cmd) {
	if m.query == "" {
		m.note = "no search yet: / to search"
		return m, nil
	}
	q := strings.ToLower(m.query)
	start := m.match + dir
	if again {
		start = m.match + 1
		if m.seekFrom > 0 {
			start = m.seekFrom
		}
	}
	qb := []byte(q)
	if dir > 0 && start < m.line0 {
		start = m.line0
	}
	for i := start; i >= m.line0 && i < m.NumLines(); i += dir {
		var hit bool
		if m.hex {
			hit = strings.Contains(strings.ToLower(m.Line(i)), q)
		} else {
			hit = bytes.Contains(bytes.ToLower(m.raw(i)), qb)
		}
		if hit {
			m.match, m.seeking, m.seekFrom, m.from = i, 0, 0, -2
			m.note = fmt.Sprintf("match at line %d", i+1)
			m.top = max(i-m.vp.Height/3, 0)
			m.page(true)
			return m, m.nearEnd()
		}
	}
	if dir > 0 && !m.eof && m.err == nil {
		m.seeking = 1
		m.seekFrom = m.NumLines()
		m.note = "searching…"
		return m, m.more()
	}
	m.seeking, m.seekFrom = 0, 0
	if m.from >= -1 && m.match != m.from {
		m.match = m.from // a new search that found nothing keeps the last match
	}
	m.from = -2
	m.note = fmt.Sprintf("%q not found", m.query)
	return m, nil
}

// View renders the title, the pager and the status (or search) line.
func (m Model) View() string {
	kind := "text"
	if m.hex {
		kind = "hex"
	}
	size := "size unknown"
	if m.size >= 0 {
		size = fmt.Sprintf("%d bytes", m.size)
	}
	title := m.styles.Title.Render(m.title) + m.styles.Info.Render(fmt.Sprintf("  %s, %s", size, kind))
	var status string
	switch {
	case m.searching:
		status = m.input.View()
	case m.err != nil:
		status = m.styles.Error.Render("read failed: " + m.err.Error())
	default:
		read := "all read"
		if !m.eof {
			read = fmt.Sprintf("%d bytes read", m.Read())
			if m.loading {
				read += ", reading…"
			}
			if m.toEnd {
				read += " (esc stops)"
			}
		}
		s := fmt.Sprintf("line %d of %d · %s", m.top+1, m.NumLines(), read)
		if m.note != "" {
			s += " · " + m.note
		}
		status = m.styles.Info.Render(s)
	}
	body := m.vp.View()
	if m.NumLines() == 0 {
		switch {
		case m.loading:
			body = "reading…"
		case m.eof:
			body = "(empty file)"
		}
		body = lipgloss.NewStyle().Width(m.w).Height(m.vp.Height).Render(body)
	}
	return lipgloss.JoinVertical(lipgloss.Left, cut(title, m.w), body, cut(status, m.w))
}

func cut(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	return lipgloss.NewStyle().MaxWidth(w).Render(s)
}

// isBinary reports whether data looks binary: a NUL byte, or much that is
// not UTF-8 text, in its first 8 KiB.
func isBinary(data []byte) bool {
	head := data[:min(len(data), 8192)]
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	bad := 0
	for len(head) > 0 {
		r, n := utf8.DecodeRune(head)
		if r == utf8.RuneError && n == 1 && len(head) >= utf8.UTFMax {
			bad++
		}
		head = head[n:]
	}
	return bad*10 > len(data[:min(len(data), 8192)])
}

// textLine makes a line safe to show: tabs expanded, a trailing CR
// dropped, control characters and invalid bytes shown as such, never
// sent to the terminal.
func textLine(b []byte) string {
	b = bytes.TrimSuffix(b, []byte("\r"))
	var s strings.Builder
	col := 0
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		switch {
		case r == '\t':
			k := 8 - col%8
			s.WriteString(strings.Repeat(" ", k))
			col += k
			continue
		case r == utf8.RuneError && n == 1:
			s.WriteRune('\uFFFD')
		case r < 0x20 || r == 0x7f:
			s.WriteRune('^')
			s.WriteByte(byte(r) ^ 0x40)
			col++
		case r >= 0x80 && r < 0xa0:
			s.WriteRune('\uFFFD')
		default:
			s.WriteRune(r)
		}
		col++
	}
	return s.String()
}

// hexLine is one row of the hex view: offset, 16 bytes, their characters.
func hexLine(off int64, b []byte) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%08x  ", off)
	for i := 0; i < 16; i++ {
		if i < len(b) {
			fmt.Fprintf(&s, "%02x ", b[i])
		} else {
			s.WriteString("   ")
		}
		if i == 7 {
			s.WriteByte(' ')
		}
	}
	s.WriteString(" |")
	for _, c := range b {
		if c < 0x20 || c >= 0x7f {
			c = '.'
		}
		s.WriteByte(c)
	}
	s.WriteByte('|')
	return s.String()
}
