package ui

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer"
	"ftpdeck/ui/dialog"
	"ftpdeck/ui/filepane"
)

// Permissions (C): the current mode (STAT on the server, lstat here), a
// new one typed as octal or rwx letters, SITE CHMOD (os.Chmod here),
// for a folder optionally on everything inside it.

type (
	// chmodAskMsg carries the current mode of the entry under the cursor.
	chmodAskMsg struct {
		pane  int
		entry filepane.Entry
		perm  transfer.Perm
		known bool
		err   error
	}
	// chmodDoneMsg is the result of a change.
	chmodDoneMsg struct {
		pane  int
		name  string
		perm  transfer.Perm
		n     int
		after transfer.Perm // the mode read back (remote: STAT), when known
		known bool
		err   error
	}
)

// tagChmod asks for the new mode; tagChmodDeep asks whether a folder's
// content changes too.
type (
	tagChmod struct {
		pane  int
		entry filepane.Entry
	}
	tagChmodDeep struct {
		pane  int
		entry filepane.Entry
		perm  transfer.Perm
	}
)

// askChmod reads the current mode of the entry under the cursor.
func (m Model) askChmod() (tea.Model, tea.Cmd) {
	p := m.focusedPane()
	e, ok := p.Current()
	if !ok {
		return m, nil
	}
	full, id := p.Path(e.Name), p.ID()
	if m.focus != focusRemote {
		return m, func() tea.Msg {
			fi, err := os.Lstat(full)
			if err != nil {
				return chmodAskMsg{pane: id, entry: e, err: err}
			}
			return chmodAskMsg{pane: id, entry: e, perm: permOf(fi.Mode()), known: true}
		}
	}
	b := m.browser
	return m, func() tea.Msg {
		msg := chmodAskMsg{pane: id, entry: e}
		msg.err = b.Do(context.Background(), func(c *transfer.Conn) error {
			var err error
			msg.perm, msg.known, err = c.PermOf(context.Background(), full)
			return err
		})
		return msg
	}
}

// permOf is a local file's mode as chmod takes it.
func permOf(m fs.FileMode) transfer.Perm {
	p := transfer.Perm(m.Perm())
	if m&fs.ModeSetuid != 0 {
		p |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		p |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		p |= 0o1000
	}
	return p
}

// fileMode is p as os.Chmod takes it.
func fileMode(p transfer.Perm) fs.FileMode {
	m := fs.FileMode(p & 0o777)
	if p&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if p&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if p&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}

func (m Model) chmodAsk(msg chmodAskMsg) (Model, tea.Cmd) {
	if msg.err != nil {
		m.setError("permissions of "+msg.entry.Name+": ", msg.err)
		return m, nil
	}
	title, value := "Permissions of "+msg.entry.Name+" (the server does not say the current mode)", ""
	if msg.known {
		title = fmt.Sprintf("Permissions of %s: now %s (%s)", msg.entry.Name, msg.perm, msg.perm.Octal())
		value = msg.perm.Octal()
	}
	return m.openDialog(dialog.NewInput(tagChmod{msg.pane, msg.entry}, title, "new mode (644 or rw-r--r--): ", value)), nil
}

// chmodDialog answers the permission dialogs; ok is false for others.
func (m Model) chmodDialog(msg dialog.DoneMsg) (Model, tea.Cmd, bool) {
	switch t := msg.Tag.(type) {
	case tagChmod:
		if !msg.OK {
			return m, nil, true
		}
		perm, err := transfer.ParsePerm(msg.Value)
		if err != nil {
			m.setStatus("permissions: "+err.Error(), true)
			return m, nil, true
		}
		if t.entry.Kind == filepane.Folder {
			d := dialog.NewChoice(tagChmodDeep{t.pane, t.entry, perm}, "Permissions "+perm.String()+" for "+t.entry.Name,
				[]string{"The folder only, or everything inside it too?"},
				[]dialog.Option{{Key: "f", Label: "this folder only", Value: false}, {Key: "a", Label: "all inside too", Value: true}})
			return m.openDialog(d), nil, true
		}
		return m, m.chmodCmd(t.pane, t.entry, perm, false), true
	case tagChmodDeep:
		if !msg.OK {
			return m, nil, true
		}
		deep, _ := msg.Choice.(bool)
		return m, m.chmodCmd(t.pane, t.entry, t.perm, deep), true
	}
	return m, nil, false
}

// chmodCmd changes the mode in a command.
func (m *Model) chmodCmd(pane int, e filepane.Entry, perm transfer.Perm, deep bool) tea.Cmd {
	full := m.pane(pane).Path(e.Name)
	m.setStatus("changing permissions of "+e.Name+"…", false)
	if pane != remotePane {
		return func() tea.Msg {
			msg := chmodDoneMsg{pane: pane, name: e.Name, perm: perm}
			if !deep {
				msg.err = os.Chmod(full, fileMode(perm))
				msg.n = 1
			} else {
				msg.err = filepath.WalkDir(full, func(p string, d fs.DirEntry, err error) error {
					if err != nil || d.Type()&fs.ModeSymlink != 0 {
						return err
					}
					msg.n++
					return os.Chmod(p, fileMode(perm))
				})
			}
			if fi, err := os.Lstat(full); err == nil {
				msg.after, msg.known = permOf(fi.Mode()), true
			}
			return msg
		}
	}
	b := m.browser
	return func() tea.Msg {
		msg := chmodDoneMsg{pane: pane, name: e.Name, perm: perm}
		ctx := context.Background()
		msg.err = b.Do(ctx, func(c *transfer.Conn) error {
			var err error
			if deep {
				msg.n, err = c.ChmodAll(ctx, full, perm)
			} else {
				err = c.Chmod(ctx, full, perm)
				if err == nil {
					msg.n = 1
				}
			}
			if err == nil {
				msg.after, msg.known, _ = c.PermOf(ctx, full)
			}
			return err
		})
		return msg
	}
}

func (m Model) chmodDone(msg chmodDoneMsg) (Model, tea.Cmd) {
	switch {
	case msg.err != nil:
		m.setError("", msg.err)
	case msg.known:
		s := fmt.Sprintf("%s is now %s (%s)", msg.name, msg.after, msg.after.Octal())
		if msg.n > 1 {
			s += fmt.Sprintf(", with %s inside", plural(msg.n-1, "entry"))
		}
		m.setStatus(s, false)
	default:
		m.setStatus(fmt.Sprintf("permissions of %s set to %s (%s)", plural(msg.n, "entry"), msg.perm, msg.perm.Octal()), false)
	}
	return m, m.pane(msg.pane).Refresh()
}
