package ui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/ui/dialog"
	"ftpdeck/ui/filepane"
	"ftpdeck/ui/quoteprompt"
	"ftpdeck/ui/viewer"
)

// The file manager's actions on the file under the cursor: view (v/f3)
// and edit (e/f4). Their I/O runs in commands; the viewer reads a remote
// file on a connection of its own, never the browsing one.

// fileKeys is the file manager's bindings of the root table.
type fileKeys struct {
	View, Edit, Chmod     key.Binding
	MarkGlob, UnmarkGlob  key.Binding
	Invert, Reverse, Goto key.Binding
	Compare, Size, Quote  key.Binding
	StopSize              key.Binding
}

func defaultFileKeys() fileKeys {
	return fileKeys{
		View:       key.NewBinding(key.WithKeys("v", "f3"), key.WithHelp("v/f3", "view file")),
		Edit:       key.NewBinding(key.WithKeys("e", "f4"), key.WithHelp("e/f4", "edit file")),
		Chmod:      key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "permissions")),
		MarkGlob:   key.NewBinding(key.WithKeys("+"), key.WithHelp("+", "mark by pattern")),
		UnmarkGlob: key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "unmark by pattern")),
		Invert:     key.NewBinding(key.WithKeys("*"), key.WithHelp("*", "invert marks")),
		Reverse:    key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse order")),
		Goto:       key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "go to path")),
		Compare:    key.NewBinding(key.WithKeys("="), key.WithHelp("=", "compare panes")),
		Size:       key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "folder size")),
		Quote:      key.NewBinding(key.WithKeys("!"), key.WithHelp("!", "raw command")),
		StopSize:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop adding up")),
	}
}

// fileBindings are the rows of the binding table for the file manager.
func (m Model) fileBindings() []binding {
	k := m.fkeys
	onFile := func(m Model) bool {
		p := m.focusedPane()
		if p == nil || (m.focus == focusRemote && m.remote.Lister() == nil) {
			return false
		}
		e, ok := p.Current()
		return ok && e.Kind != filepane.Folder
	}
	onPane := func(m Model) bool {
		p := m.focusedPane()
		return p != nil && (m.focus != focusRemote || m.remote.Lister() != nil)
	}
	both := func(m Model) bool { return m.focusedPane() != nil && m.remote.Lister() != nil }
	onFolder := func(m Model) bool {
		p := m.focusedPane()
		if !onPane(m) {
			return false
		}
		e, ok := p.Current()
		return ok && e.Kind == filepane.Folder
	}
	onEntry := func(m Model) bool {
		p := m.focusedPane()
		if p == nil || (m.focus == focusRemote && m.remote.Lister() == nil) {
			return false
		}
		e, ok := p.Current()
		return ok && e.Kind != filepane.Link
	}
	return []binding{
		{k.View, Model.viewFile, onFile, groupFiles, false},
		{k.Edit, Model.editFile, onFile, groupFiles, false},
		{k.Chmod, Model.askChmod, onEntry, groupFiles, false},
		{k.MarkGlob, Model.askMarkGlob, onPane, groupFiles, false},
		{k.UnmarkGlob, Model.askUnmarkGlob, onPane, groupFiles, false},
		{k.Invert, Model.invertMarks, onPane, groupFiles, false},
		{k.Reverse, Model.reverseOrder, onPane, groupFiles, false},
		{k.Goto, Model.askGoto, onPane, groupFiles, false},
		{k.Compare, Model.compare, both, groupFiles, false},
		{k.Size, Model.sizeFolder, onFolder, groupFiles, false},
		{k.StopSize, Model.stopSizing, func(m Model) bool { return m.sizing != nil }, groupFiles, false},
		{k.Quote, Model.openQuote, func(m Model) bool { return m.browser != nil && m.state == stateConnected }, groupConnection, false},
	}
}

// viewerOverlay is the file viewer: the whole body.
type viewerOverlay struct {
	v     viewer.Model
	close func() // ends the viewer's connection, if any
}

func (o viewerOverlay) Update(msg tea.Msg) (overlay, tea.Cmd) {
	v, cmd := o.v.Update(msg)
	o.v = v
	if v.Done() && o.close != nil {
		go o.close() // QUIT may wait for the server: not in Update
	}
	return o, cmd
}

func (o viewerOverlay) View(w, h int) string {
	o.v.SetSize(w, h)
	return o.v.View()
}

func (o viewerOverlay) resized(w, h int) overlay {
	o.v.SetSize(w, h)
	return o
}

func (o viewerOverlay) HelpKeys() help.KeyMap { return o.v.KeyMap() }
func (o viewerOverlay) Done() bool            { return o.v.Done() }
func (o viewerOverlay) TakesText() bool       { return o.v.Searching() }

// viewFile opens the viewer on the file under the cursor.
func (m Model) viewFile() (tea.Model, tea.Cmd) {
	p := m.focusedPane()
	e, _ := p.Current()
	full := p.Path(e.Name)
	var fetch viewer.Fetch
	var closeFn func()
	if m.focus == focusRemote {
		r := &remoteWindows{sess: m.sess, path: full}
		fetch, closeFn = r.fetch, r.close
	} else {
		fetch = localWindows(full)
	}
	m.viewers++
	v := viewer.New(m.viewers, full, e.Size, fetch)
	v.SetSize(max(m.width, 20), m.bodyH)
	cmd := v.Start()
	return m.push(viewerOverlay{v: v, close: closeFn}), cmd
}

// resizable is an overlay laid out for a size ahead of the keys that move
// it (a viewer, the help screen): it is given the body's new size.
type resizable interface {
	resized(w, h int) overlay
}

// sizeOverlays gives the overlays that lay themselves out the body's new
// size.
func (m Model) sizeOverlays() Model {
	for i, o := range m.overlays {
		if r, ok := o.(resizable); ok {
			m = m.replace(i, r.resized(max(m.width, 20), m.bodyH))
		}
	}
	return m
}

// localWindows reads windows of a local file, opening it for each read
// (nothing stays open while the viewer waits on the user).
func localWindows(name string) viewer.Fetch {
	return func(_ context.Context, off int64, n int) ([]byte, error) {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		buf := make([]byte, n)
		k, err := f.ReadAt(buf, off)
		if err == io.EOF {
			err = nil
		}
		return buf[:k], err
	}
}

// remoteWindows reads windows of a remote file on a connection of its own
// (dialed on the first read, dialed again after a break): RETR from the
// window's offset (REST), stopped once the window is full.
type remoteWindows struct {
	sess *transfer.Session
	path string

	mu   sync.Mutex
	conn *transfer.Conn
	done bool
}

// errWindowFull stops a RETR once the window has its bytes.
var errWindowFull = errors.New("window full")

// window is a writer that takes up to n bytes, then stops the transfer.
type window struct {
	buf bytes.Buffer
	n   int
}

func (w *window) Write(p []byte) (int, error) {
	room := w.n - w.buf.Len()
	if len(p) > room {
		w.buf.Write(p[:room])
		return room, errWindowFull
	}
	return w.buf.Write(p)
}

func (r *remoteWindows) fetch(ctx context.Context, off int64, n int) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return nil, context.Canceled
	}
	if r.conn != nil && r.conn.Broken() {
		_ = r.conn.Close()
		r.conn = nil
	}
	if r.conn == nil {
		c, err := r.sess.Dial(ctx)
		if err != nil {
			return nil, err
		}
		r.conn = c
	}
	w := &window{n: n}
	_, err := r.conn.Retrieve(ctx, r.path, off, w, nil)
	if errors.Is(err, errWindowFull) || (err != nil && w.buf.Len() == n) {
		err = nil
	}
	return w.buf.Bytes(), err
}

func (r *remoteWindows) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done = true
	if r.conn != nil {
		_ = r.conn.Close()
		r.conn = nil
	}
}

// Edit (e/f4). A local file is edited in place. A remote one is fetched
// into a private folder, edited, and, when its content changed, queued
// for upload (the queue's safe path: temporary name, size check, rename)
// after a check that the server's copy did not change meanwhile. The
// private folder is removed once the upload ends or when nothing is
// uploaded.

// editJob is one edit of a remote file.
type editJob struct {
	remote string
	dir    string // the private folder (0700)
	local  string // the copy in it
	size   int64  // the server's size and time when fetched (time zero: unknown)
	mtime  time.Time
	sum    [32]byte // the copy's content as fetched
}

type (
	editFetchedMsg struct {
		job editJob
		err error
	}
	editorDoneMsg struct {
		job   editJob // remote: the job; local: remote == ""
		local string
		err   error
	}
	editCheckedMsg struct {
		job       editJob
		unchanged bool   // nothing to upload
		moved     string // the server's copy changed: what changed, in words
		size      int64
		err       error
	}
	editCleanedMsg struct{}
)

// tagEditOverwrite asks before an upload over a remote file that changed.
type tagEditOverwrite struct {
	job  editJob
	size int64
}

// editorCommand is $VISUAL, else $EDITOR, else vi, with its arguments,
// on file.
func editorCommand(file string) *exec.Cmd {
	ed := os.Getenv("VISUAL")
	if strings.TrimSpace(ed) == "" {
		ed = os.Getenv("EDITOR")
	}
	f := strings.Fields(ed)
	if len(f) == 0 {
		f = []string{"vi"}
	}
	return exec.Command(f[0], append(f[1:], file)...)
}

// editFile edits the file under the cursor.
func (m Model) editFile() (tea.Model, tea.Cmd) {
	p := m.focusedPane()
	e, _ := p.Current()
	full := p.Path(e.Name)
	if m.focus != focusRemote {
		return m, m.runEditor(editorCommand(full), func(err error) tea.Msg {
			return editorDoneMsg{local: full, err: err}
		})
	}
	if m.queue == nil {
		m.setStatus("edit: no transfer queue to upload the file back", true)
		return m, nil
	}
	m.setStatus("fetching "+e.Name+" to edit…", false)
	sess := m.sess
	return m, func() tea.Msg {
		job, err := fetchForEdit(context.Background(), sess, full)
		return editFetchedMsg{job: job, err: err}
	}
}

// fetchForEdit copies remote into a new private folder on a connection
// of its own, noting the server's size and time first.
func fetchForEdit(ctx context.Context, sess *transfer.Session, remote string) (job editJob, err error) {
	job.remote = remote
	job.dir, err = os.MkdirTemp("", "ftpdeck-edit-")
	if err != nil {
		return job, err
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(job.dir)
		}
	}()
	if err := os.Chmod(job.dir, 0o700); err != nil {
		return job, err
	}
	job.local = filepath.Join(job.dir, path.Base(remote))
	c, err := sess.Dial(ctx)
	if err != nil {
		return job, err
	}
	defer c.Close()
	job.size, job.mtime = remoteStamp(ctx, c, remote)
	f, err := os.OpenFile(job.local, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return job, err
	}
	h := sha256.New()
	n, err := c.Retrieve(ctx, remote, 0, io.MultiWriter(f, h), nil)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return job, err
	}
	if job.size < 0 {
		job.size = n
	}
	copy(job.sum[:], h.Sum(nil))
	return job, nil
}

// remoteStamp is the server's size and time of p (-1 and zero when it
// does not say).
func remoteStamp(ctx context.Context, c *transfer.Conn, p string) (int64, time.Time) {
	size, err := c.Size(ctx, p)
	if err != nil {
		size = -1
	}
	t, err := c.ModTime(ctx, p)
	if err != nil {
		t = time.Time{}
	}
	return size, t
}

// removeDir removes an edit's private folder in a command.
func removeDir(dir string) tea.Cmd {
	return func() tea.Msg {
		_ = os.RemoveAll(dir)
		return editCleanedMsg{}
	}
}

// fileManMsg handles the file manager's messages; ok is false for others.
func (m Model) fileManMsg(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case viewer.ChunkMsg:
		if _, i, ok := findOverlay[viewerOverlay](m); ok {
			for ; i >= 0; i-- {
				if o, ok := m.overlays[i].(viewerOverlay); ok && o.v.ID() == msg.ID {
					o2, cmd := o.Update(msg)
					return m.replace(i, o2), cmd, true
				}
			}
		}
		return m, nil, true
	case editFetchedMsg:
		if msg.err != nil {
			m.setError("edit "+path.Base(msg.job.remote)+": ", msg.err)
			return m, nil, true
		}
		m.setStatus("editing "+msg.job.remote+"…", false)
		job := msg.job
		return m, m.runEditor(editorCommand(job.local), func(err error) tea.Msg {
			return editorDoneMsg{job: job, err: err}
		}), true
	case editorDoneMsg:
		return m.editorDone(msg)
	case editCheckedMsg:
		return m.editChecked(msg)
	case editCleanedMsg:
		return m, nil, true
	case chmodAskMsg:
		m, cmd := m.chmodAsk(msg)
		return m, cmd, true
	case chmodDoneMsg:
		m, cmd := m.chmodDone(msg)
		return m, cmd, true
	case sizeProgressMsg:
		m, cmd := m.sizeProgress(msg)
		return m, cmd, true
	case quoteprompt.SubmitMsg:
		m, cmd := m.sendQuote(msg.Line)
		return m, cmd, true
	case quoteDoneMsg:
		m, cmd := m.quoteDone(msg)
		return m, cmd, true
	}
	return m, nil, false
}

func (m Model) editorDone(msg editorDoneMsg) (Model, tea.Cmd, bool) {
	if msg.job.remote == "" { // a local file, edited in place
		if msg.err != nil {
			m.setStatus("editor failed ("+msg.err.Error()+"): "+filepath.Base(msg.local)+" may be unchanged", true)
		} else {
			m.setStatus("edited "+filepath.Base(msg.local), false)
		}
		return m, m.local.Refresh(), true
	}
	job := msg.job
	if msg.err != nil {
		m.setStatus("editor failed ("+msg.err.Error()+"): nothing uploaded", true)
		return m, removeDir(job.dir), true
	}
	b := m.browser
	return m, func() tea.Msg { return checkEdit(context.Background(), b, job) }, true
}

// checkEdit compares the copy with what was fetched and the server's size
// and time with those noted then.
func checkEdit(ctx context.Context, b *transfer.Browser, job editJob) editCheckedMsg {
	data, err := os.ReadFile(job.local)
	if err != nil {
		return editCheckedMsg{job: job, err: err}
	}
	if sha256.Sum256(data) == job.sum {
		return editCheckedMsg{job: job, unchanged: true}
	}
	out := editCheckedMsg{job: job, size: int64(len(data))}
	err = b.Do(ctx, func(c *transfer.Conn) error {
		size, t := remoteStamp(ctx, c, job.remote)
		switch {
		case size < 0 && t.IsZero():
			out.moved = "it is no longer there (or the server does not say its size)"
		case size >= 0 && job.size >= 0 && size != job.size:
			out.moved = fmt.Sprintf("its size is now %d bytes (was %d)", size, job.size)
		case !t.IsZero() && !job.mtime.IsZero() && !t.Equal(job.mtime):
			out.moved = "its time is now " + t.Local().Format("2006-01-02 15:04:05") + " (was " + job.mtime.Local().Format("2006-01-02 15:04:05") + ")"
		}
		return nil
	})
	out.err = err
	return out
}

func (m Model) editChecked(msg editCheckedMsg) (Model, tea.Cmd, bool) {
	job := msg.job
	switch {
	case msg.err != nil:
		m.setError("edit "+path.Base(job.remote)+": nothing uploaded: ", msg.err)
		return m, removeDir(job.dir), true
	case msg.unchanged:
		m.setStatus(path.Base(job.remote)+" unchanged: nothing uploaded", false)
		return m, removeDir(job.dir), true
	case msg.moved != "":
		d := dialog.NewConfirm(tagEditOverwrite{job, msg.size}, "Upload "+path.Base(job.remote)+"?",
			"The server's copy changed while you edited it: "+msg.moved+".",
			"Overwrite it with your edit?").DefaultNo()
		return m.openDialog(d), nil, true
	}
	return m.queueEdit(job, msg.size)
}

// queueEdit queues the edited copy's upload over the remote file.
func (m Model) queueEdit(job editJob, size int64) (Model, tea.Cmd, bool) {
	if m.queue == nil {
		m.setStatus("edit: no transfer queue: nothing uploaded", true)
		return m, removeDir(job.dir), true
	}
	q := m.queue
	f := queue.File{Remote: job.remote, Local: job.local, Size: size}
	if m.edits == nil {
		m.edits = map[string]string{}
	} else {
		m.edits = cloneMap(m.edits)
	}
	m.edits[job.local] = job.dir
	m.setStatus("uploading "+path.Base(job.remote)+"…", false)
	return m, func() tea.Msg {
		n, err := q.AddUploads(job.dir, []queue.File{f}, queue.Overwrite)
		if err != nil {
			_ = os.RemoveAll(job.dir)
		}
		return queuedMsg{n: n, err: err}
	}, true
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// fileManDialog answers the file manager's dialogs; ok is false for others.
func (m Model) fileManDialog(msg dialog.DoneMsg) (Model, tea.Cmd, bool) {
	if m, cmd, ok := m.chmodDialog(msg); ok {
		return m, cmd, true
	}
	if m, cmd, ok := m.panesDialog(msg); ok {
		return m, cmd, true
	}
	switch t := msg.Tag.(type) {
	case tagEditOverwrite:
		if !msg.OK {
			m.setStatus(path.Base(t.job.remote)+": not uploaded (the server's copy changed)", false)
			return m, removeDir(t.job.dir), true
		}
		return m.queueEdit(t.job, t.size)
	}
	return m, nil, false
}

// editsFinished removes the private folders of edits whose upload ended
// (done, failed, skipped or canceled).
func (m *Model) editsFinished(s queue.Summary) tea.Cmd {
	if len(m.edits) == 0 {
		return nil
	}
	var cmds []tea.Cmd
	for _, j := range s.Jobs {
		dir, ok := m.edits[j.Local]
		if !ok || j.Dir != queue.Upload {
			continue
		}
		switch j.State {
		case queue.Done, queue.Failed, queue.Skipped, queue.Canceled:
			m.edits = cloneMap(m.edits)
			delete(m.edits, j.Local)
			cmds = append(cmds, removeDir(dir))
			if j.State == queue.Done {
				m.setStatus("uploaded "+path.Base(j.Remote), false)
			}
		case queue.Queued, queue.Running, queue.Paused:
		}
	}
	return tea.Batch(cmds...)
}
