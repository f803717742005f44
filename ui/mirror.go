package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"ftpdeck/transfer"
	"ftpdeck/transfer/mirror"
	"ftpdeck/transfer/queue"
	"ftpdeck/ui/filepane"
	"ftpdeck/ui/mirrorview"
)

// M: mirror the folder under the cursor (or, on a file, this pane's
// folder) into the other pane's folder: both trees are listed in a
// command, the preview shows the plan, and enter makes it one batch in the
// queue (folders created and, with the toggle, extras deleted first).

// mirrorJob is what one M mirrors.
type mirrorJob struct {
	gen           int
	down          bool   // remote → local
	remote, local string // the two folders
	parallel      int
	sess          *transfer.Session
	browser       *transfer.Browser
}

// mirrorTreesMsg carries both listed trees to the preview.
type mirrorTreesMsg struct {
	gen      int
	src, dst []mirror.Entry
	err      error
}

// mirrorStartMsg is the preview's enter: the plan to carry out.
type mirrorStartMsg struct {
	job  mirrorJob
	plan mirror.Plan
}

// startMirror opens the preview and lists both sides.
func (m Model) startMirror() (tea.Model, tea.Cmd) {
	if m.queue == nil {
		m.setStatus("mirror: the transfer queue is not up yet", true)
		return m, nil
	}
	src := m.focusedPane()
	j := mirrorJob{gen: m.gen, down: m.focus == focusRemote, remote: m.remote.Dir(), local: m.local.Dir(),
		parallel: max(m.opts.Parallel, 1), sess: m.sess, browser: m.browser}
	if e, ok := src.Current(); ok && e.Kind == filepane.Folder && e.Name != ".." {
		j.remote, j.local = path.Join(j.remote, e.Name), filepath.Join(j.local, e.Name)
	}
	from, to := j.remote, j.local
	if !j.down {
		from, to = to, from
	}
	v := mirrorview.New(from, to, j.down)
	v.SetStyles(mirrorview.Styles{Box: m.theme.HelpBox, Title: m.theme.HelpTitle, Desc: m.theme.Help.ShortDesc, Warn: m.theme.HelpTitle})
	m = m.push(mirrorOverlay{v: v, job: j})
	m.setStatus("mirror: listing "+from+" and "+to+"…", false)
	return m, j.list
}

// list lists both trees: the remote one on the browsing connection and,
// at once, on more connections of the session (closed afterwards).
func (j mirrorJob) list() tea.Msg {
	ctx := context.Background()
	var remote []mirror.Entry
	err := j.browser.Do(ctx, func(c *transfer.Conn) error {
		l := mirror.Lister{Conns: []*transfer.Conn{c}, Dial: j.sess.Dial, Parallel: j.parallel}
		var err error
		remote, err = l.List(ctx, j.remote)
		for _, extra := range l.Conns[1:] {
			_ = extra.Close()
		}
		var re *transfer.ReplyError
		if err != nil && !j.down && errors.As(err, &re) && re.Code == 550 {
			return nil // the remote folder is made when the mirror starts
		}
		return err
	})
	if err != nil {
		return mirrorTreesMsg{gen: j.gen, err: err}
	}
	local, err := mirror.ListLocal(j.local, nil)
	if j.down {
		return mirrorTreesMsg{gen: j.gen, src: remote, dst: local, err: err}
	}
	return mirrorTreesMsg{gen: j.gen, src: local, dst: remote, err: err}
}

// mirrorListed hands the trees to the preview, if it is still open.
func (m Model) mirrorListed(msg mirrorTreesMsg) (tea.Model, tea.Cmd) {
	o, i, open := findOverlay[mirrorOverlay](m)
	if !open || msg.gen != m.gen {
		return m, nil
	}
	o.v.SetTrees(msg.src, msg.dst, msg.err)
	m = m.replace(i, o)
	if msg.err != nil {
		m.setError("mirror", msg.err)
	} else {
		m.setStatus("mirror: "+o.v.Plan().Summary(), false)
	}
	return m, nil
}

// mirrorStart carries out the plan: deletions and folders first (in a
// command), then the copies as one batch in the queue, each already
// decided (overwrite: the plan chose them).
func (m Model) mirrorStart(msg mirrorStartMsg) (tea.Model, tea.Cmd) {
	if msg.job.gen != m.gen || m.queue == nil {
		return m, nil
	}
	q, j, plan := m.queue, msg.job, msg.plan
	m.setStatus("mirror: "+plan.Summary()+"…", false)
	return m, func() tea.Msg {
		ctx := context.Background()
		var files []queue.File
		for _, a := range plan.Copies() {
			files = append(files, queue.File{Remote: path.Join(j.remote, a.Rel), Local: filepath.Join(j.local, filepath.FromSlash(a.Rel)), Size: a.Size, MTime: a.Time})
		}
		var n int
		var err error
		if j.down {
			err = j.prepareLocal(plan)
			if err == nil && len(files) > 0 {
				n, err = q.AddDownloads(j.local, files, queue.Overwrite)
			}
		} else {
			err = j.browser.Do(ctx, func(c *transfer.Conn) error { return j.prepareRemote(ctx, c, plan) })
			if err == nil && len(files) > 0 {
				n, err = q.AddUploads(j.local, files, queue.Overwrite)
			}
		}
		if err != nil {
			err = fmt.Errorf("mirror: %w", err)
		}
		return queuedMsg{n: n, err: err}
	}
}

// prepareLocal deletes (only what the plan's toggle asked for) and makes
// the local folders.
func (j mirrorJob) prepareLocal(plan mirror.Plan) error {
	if err := os.MkdirAll(j.local, 0o755); err != nil {
		return err
	}
	for _, a := range plan.Deletes() {
		if err := os.RemoveAll(filepath.Join(j.local, filepath.FromSlash(a.Rel))); err != nil {
			return err
		}
	}
	for _, a := range plan.Dirs() {
		if err := os.Mkdir(filepath.Join(j.local, filepath.FromSlash(a.Rel)), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return nil
}

// prepareRemote does the same on the server.
func (j mirrorJob) prepareRemote(ctx context.Context, c *transfer.Conn, plan mirror.Plan) error {
	if _, err := c.MakeDirAll(ctx, j.remote); err != nil {
		return err
	}
	for _, a := range plan.Deletes() {
		p := path.Join(j.remote, a.Rel)
		var err error
		if a.Kind == mirror.Folder {
			err = c.RemoveAll(ctx, p)
		} else {
			err = c.Delete(ctx, p)
		}
		if err != nil {
			return err
		}
	}
	for _, a := range plan.Dirs() {
		if err := c.MakeDir(ctx, path.Join(j.remote, a.Rel)); err != nil {
			return err
		}
	}
	return nil
}

// mirrorOverlay is the preview: top left, the whole body. Its enter sends
// mirrorStartMsg once.
type mirrorOverlay struct {
	v   mirrorview.Model
	job mirrorJob
}

func (o mirrorOverlay) Update(msg tea.Msg) (overlay, tea.Cmd) {
	v, cmd := o.v.Update(msg)
	o.v = v
	if v.Started() {
		job, plan := o.job, v.Plan()
		return o, tea.Batch(cmd, func() tea.Msg { return mirrorStartMsg{job: job, plan: plan} })
	}
	return o, cmd
}

func (o mirrorOverlay) View(w, h int) string {
	return lipgloss.Place(w, h, lipgloss.Left, lipgloss.Top, o.v.View(w, h))
}

func (o mirrorOverlay) HelpKeys() help.KeyMap { return o.v.KeyMap() }
func (o mirrorOverlay) Done() bool            { return o.v.Done() }
func (o mirrorOverlay) TakesText() bool       { return false }
