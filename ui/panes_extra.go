package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer"
	"ftpdeck/transfer/mirror"
	"ftpdeck/ui/dialog"
	"ftpdeck/ui/filepane"
)

// Marks by pattern (+ - *), the reversed order (S), a typed path (:),
// the two folders compared (=) and a folder's size added up (i).

type (
	tagGlob struct {
		pane int
		on   bool
	}
	tagGoto struct{ pane int }
)

func (m Model) askMarkGlob() (tea.Model, tea.Cmd) {
	return m.openDialog(dialog.NewInput(tagGlob{m.focusedPane().ID(), true}, "Mark by pattern", "pattern: ", "*")), nil
}

func (m Model) askUnmarkGlob() (tea.Model, tea.Cmd) {
	return m.openDialog(dialog.NewInput(tagGlob{m.focusedPane().ID(), false}, "Unmark by pattern", "pattern: ", "*")), nil
}

func (m Model) invertMarks() (tea.Model, tea.Cmd) {
	m.focusedPane().InvertMarks()
	return m, nil
}

func (m Model) reverseOrder() (tea.Model, tea.Cmd) {
	m.focusedPane().Reverse()
	return m, nil
}

func (m Model) askGoto() (tea.Model, tea.Cmd) {
	p := m.focusedPane()
	return m.openDialog(dialog.NewInput(tagGoto{p.ID()}, "Go to ("+p.Title()+")", "path: ", p.Dir())), nil
}

// panesDialog answers the dialogs above; ok is false for others.
func (m Model) panesDialog(msg dialog.DoneMsg) (Model, tea.Cmd, bool) {
	switch t := msg.Tag.(type) {
	case tagGlob:
		if !msg.OK {
			return m, nil, true
		}
		p := m.pane(t.pane)
		n, err := p.MarkGlob(strings.TrimSpace(msg.Value), t.on)
		switch {
		case err != nil:
			m.setStatus(err.Error(), true)
		case t.on:
			m.setStatus(fmt.Sprintf("marked %s", plural(n, "entry")), false)
		default:
			m.setStatus(fmt.Sprintf("unmarked %s", plural(n, "entry")), false)
		}
		return m, nil, true
	case tagGoto:
		if !msg.OK {
			return m, nil, true
		}
		p := m.pane(t.pane)
		dir := strings.TrimSpace(msg.Value)
		if dir == "" {
			return m, nil, true
		}
		if t.pane == localPane {
			if dir == "~" || strings.HasPrefix(dir, "~/") {
				if home, err := os.UserHomeDir(); err == nil {
					dir = home + dir[1:]
				}
			}
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(p.Dir(), dir)
			}
			dir = filepath.Clean(dir)
		} else if !strings.HasPrefix(dir, "/") {
			dir = path.Join(p.Dir(), dir)
		}
		return m, p.Load(dir), true
	}
	return m, nil, false
}

// compare compares the two panes' folders by name, size and time (the
// mirror's rules): in each pane it highlights and marks what the other
// lacks, what is newer, and what has another size, so c copies those.
func (m Model) compare() (tea.Model, tea.Cmd) {
	rem, loc := toTree(m.remote.Entries()), toTree(m.local.Entries())
	down := differing(mirror.Compare(rem, loc, false))
	up := differing(mirror.Compare(loc, rem, false))
	m.remote.SetDiffer(down)
	m.remote.SetMarks(down)
	m.local.SetDiffer(up)
	m.local.SetMarks(up)
	if len(down)+len(up) == 0 {
		m.setStatus("the two folders hold the same names, sizes and times", false)
	} else {
		m.setStatus(fmt.Sprintf("differ: %s marked on the remote side, %s on the local side (c copies the marked ones)",
			plural(len(down), "entry"), plural(len(up), "entry")), false)
	}
	return m, nil
}

// toTree is a pane's listing as the mirror compares it, sorted by name.
func toTree(es []filepane.Entry) []mirror.Entry {
	out := make([]mirror.Entry, 0, len(es))
	for _, e := range es {
		k := mirror.File
		switch e.Kind {
		case filepane.Folder:
			k = mirror.Folder
		case filepane.Link:
			k = mirror.Link
		case filepane.File:
		}
		out = append(out, mirror.Entry{Rel: e.Name, Kind: k, Size: e.Size, Time: e.Time, Target: e.Target})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rel < out[j].Rel })
	return out
}

// differing is what a plan would copy or create: the names to mark.
func differing(p mirror.Plan) []string {
	var names []string
	for _, a := range p.Actions {
		switch a.Op {
		case mirror.New, mirror.Changed, mirror.MakeDir:
			names = append(names, a.Rel)
		case mirror.Unchanged, mirror.Delete, mirror.Extra, mirror.LinkLeft, mirror.Blocked:
		}
	}
	return names
}

// Folder size (i): a walk in a command; progress arrives on a channel
// read by a command that re-arms itself; esc cancels.

type (
	sizeProgressMsg struct {
		id           int
		files, bytes int64
		done         bool
		err          error
	}
	sizing struct {
		id     int
		pane   int
		name   string
		ctx    context.Context
		cancel context.CancelFunc
		ch     <-chan sizeProgressMsg
	}
)

func (m Model) sizeFolder() (tea.Model, tea.Cmd) {
	p := m.focusedPane()
	e, _ := p.Current()
	if m.sizing != nil {
		m.sizing.cancel()
	}
	m.viewers++ // ids shared with the viewers: one counter
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan sizeProgressMsg, 1)
	s := &sizing{id: m.viewers, pane: p.ID(), name: e.Name, ctx: ctx, cancel: cancel, ch: ch}
	m.sizing = s
	full := p.Path(e.Name)
	m.setStatus("adding up "+e.Name+"… (esc stops)", false)
	var files, bytes atomic.Int64
	report := func(final bool, err error) {
		msg := sizeProgressMsg{id: s.id, files: files.Load(), bytes: bytes.Load(), done: final, err: err}
		if final {
			ch <- msg // the last one is always delivered (the reader drains)
			close(ch)
			return
		}
		select { // progress is dropped while the UI has not read the last
		case ch <- msg:
		default:
		}
	}
	var walk func() error
	if p.ID() == remotePane {
		b := m.browser
		walk = func() error {
			return b.Do(ctx, func(c *transfer.Conn) error { return remoteSize(ctx, c, full, 0, &files, &bytes, report) })
		}
	} else {
		walk = func() error {
			return filepath.WalkDir(full, func(_ string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if d.Type().IsRegular() {
					if fi, err := d.Info(); err == nil {
						files.Add(1)
						bytes.Add(fi.Size())
						report(false, nil)
					}
				}
				return nil
			})
		}
	}
	go func() { report(true, walk()) }()
	return m, waitSize(ch)
}

// remoteSize adds up the files under dir on the browsing connection.
func remoteSize(ctx context.Context, c *transfer.Conn, dir string, depth int, files, bytes *atomic.Int64, report func(bool, error)) error {
	if depth > 64 {
		return fmt.Errorf("%s: folders nested too deep", dir)
	}
	es, err := c.List(ctx, dir, true)
	if err != nil {
		return err
	}
	for _, e := range es {
		if err := ctx.Err(); err != nil {
			return err
		}
		switch e.Type {
		case transfer.Folder:
			if e.Name == "." || e.Name == ".." {
				continue
			}
			if err := remoteSize(ctx, c, path.Join(dir, e.Name), depth+1, files, bytes, report); err != nil {
				return err
			}
		case transfer.File:
			files.Add(1)
			bytes.Add(e.Size)
		case transfer.Link:
		}
	}
	report(false, nil)
	return nil
}

func waitSize(ch <-chan sizeProgressMsg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

func (m Model) sizeProgress(msg sizeProgressMsg) (Model, tea.Cmd) {
	s := m.sizing
	if s == nil || s.id != msg.id {
		return m, nil
	}
	what := fmt.Sprintf("%s: %s, %s", s.name, plural(int(msg.files), "file"), mirror.Bytes(msg.bytes))
	if !msg.done {
		m.setStatus("adding up "+what+"… (esc stops)", false)
		return m, waitSize(s.ch)
	}
	m.sizing = nil
	switch {
	case errors.Is(msg.err, context.Canceled):
		m.setStatus("stopped: "+what+" so far", false)
	case msg.err != nil:
		m.setError("size of "+s.name+": ", msg.err)
	default:
		m.pane(s.pane).SetDirSize(s.name, msg.bytes)
		m.setStatus(what, false)
	}
	return m, nil
}

func (m Model) stopSizing() (tea.Model, tea.Cmd) {
	if m.sizing != nil {
		m.sizing.cancel()
	}
	return m, nil
}
