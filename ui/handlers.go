package ui

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/transfer/wire"
	"ftpdeck/ui/dialog"
	"ftpdeck/ui/filepane"
	"ftpdeck/ui/internal/cells"
	"ftpdeck/ui/queueview"
)

// Messages from commands. Each carries the connection generation where a
// newer connection makes it stale.
type (
	logMsg struct {
		events []transfer.Event
		closed bool
	}
	connectedMsg struct {
		gen int
		dir string
		err error
	}
	queueReadyMsg struct {
		gen int
		q   Queue
		err error
	}
	queueMsg struct {
		gen    int
		sum    queue.Summary
		closed bool
	}
	conflictMsg struct {
		gen int
		c   Conflict
	}
	queuedMsg struct {
		n   int
		err error
	}
	queueOpMsg struct{ err error }
)

// Dialog tags: what a dialog's answer is for.
type (
	tagConnect struct{}
	tagQuit    struct{}
	tagMkdir   struct{ pane int }
	tagRename  struct {
		pane int
		old  string
	}
	tagDelete struct {
		pane    int
		entries []filepane.Entry
	}
	tagConflict struct{ c Conflict }
)

// waitLog waits for the next log event, then takes whatever else is queued
// (up to a bound) into one message. A closed channel ends the stream.
func waitLog(ch <-chan transfer.Event) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		e, ok := <-ch
		if !ok {
			return logMsg{closed: true}
		}
		batch := []transfer.Event{e}
		for len(batch) < 512 {
			select {
			case e, ok := <-ch:
				if !ok {
					return logMsg{events: batch, closed: true}
				}
				batch = append(batch, e)
			default:
				return logMsg{events: batch}
			}
		}
		return logMsg{events: batch}
	}
}

func waitQueue(ch <-chan queue.Summary, gen int) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return queueMsg{gen: gen, closed: true}
		}
		for { // keep only the newest snapshot
			select {
			case n, ok := <-ch:
				if !ok {
					return queueMsg{gen: gen, sum: s}
				}
				s = n
			default:
				return queueMsg{gen: gen, sum: s}
			}
		}
	}
}

func waitConflict(ch <-chan Conflict, gen int) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		c, ok := <-ch
		if !ok {
			return nil
		}
		return conflictMsg{gen: gen, c: c}
	}
}

// describe turns an error into words for the status line; a failed data
// connection names the mode, the cause and the key that tries the other.
func describe(err error) string {
	var de *transfer.DataConnError
	if errors.As(err, &de) {
		return fmt.Sprintf("%s — %s", de.Error(), de.Hint())
	}
	return err.Error()
}

// hintOf returns the suggestion that must stay visible when the status
// line is cut to fit ("press p for passive"), or "".
func hintOf(err error) string {
	var de *transfer.DataConnError
	if errors.As(err, &de) {
		return de.Hint()
	}
	return ""
}

// setError shows err on the status line, keeping its hint visible.
func (m *Model) setError(prefix string, err error) {
	m.setStatus(prefix+describe(err), true)
	m.statusHint = hintOf(err)
}

func (m *Model) setStatus(s string, isErr bool) {
	// Status text often quotes a server's names or words inside errors
	// from layers that do not escape them: escape here, once, so no
	// ANSI/OSC sequence from a server reaches the terminal (issue #8,
	// case 8). Escaping is idempotent on already-escaped text.
	s = wire.Escape(s)
	had := m.status != ""
	m.status, m.statusErr, m.statusHint = s, isErr, ""
	if had != (s != "") {
		m.layout()
	}
}

func (m *Model) setFocus(f focus) {
	if f == focusLog && !m.showLog {
		f = focusRemote
	}
	m.focus = f
	m.remote.Blur()
	m.local.Blur()
	m.queuev.Blur()
	m.logv.Blur()
	switch f {
	case focusRemote:
		m.remote.Focus()
	case focusLocal:
		m.local.Focus()
	case focusQueue:
		m.queuev.Focus()
	case focusLog:
		m.logv.Focus()
	case numFocus:
	}
	m.updateKeys()
}

// updateKeys enables the bindings that apply now.
func (m *Model) updateKeys() {
	onFiles := m.focus == focusRemote || m.focus == focusLocal
	remoteOK := m.focus == focusLocal || m.remote.Lister() != nil
	m.keys.Copy.SetEnabled(onFiles && m.remote.Lister() != nil)
	m.keys.Mkdir.SetEnabled(onFiles && remoteOK)
	m.keys.Rename.SetEnabled(onFiles && remoteOK)
	m.keys.Delete.SetEnabled(onFiles && remoteOK)
	m.keys.Mode.SetEnabled(m.sess != nil)
	m.keys.SaveSite.SetEnabled(m.sess != nil && m.opts.Bookmarks != nil)
	m.keys.Bookmarks.SetEnabled(m.opts.Bookmarks != nil)
	m.keys.Doctor.SetEnabled(m.sess != nil)
}

func (m *Model) pane(id int) *filepane.Model {
	if id == remotePane {
		return &m.remote
	}
	return &m.local
}

func (m *Model) focusedPane() *filepane.Model {
	switch m.focus {
	case focusRemote:
		return &m.remote
	case focusLocal:
		return &m.local
	case focusQueue, focusLog, numFocus:
	}
	return nil
}

func (m Model) openDialog(d dialog.Model) Model {
	d.SetStyles(m.theme.Dialog)
	d.SetWidth(m.width - 4)
	m.dialog = &d
	return m
}

func (m Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if m.dialog != nil {
		d, cmd := m.dialog.Update(msg)
		m.dialog = &d
		return m, cmd
	}
	if m.bmv != nil {
		return m.bookmarkViewKey(msg)
	}
	if m.doctor != nil {
		return m.doctorKey(msg)
	}
	if m.showHelp {
		if key.Matches(msg, m.keys.CloseHelp) {
			m.showHelp = false
		}
		return m, nil
	}
	if p := m.focusedPane(); p != nil && p.Filtering() {
		return m.routeKey(msg)
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.showHelp = true
	case key.Matches(msg, k.NextPane):
		m.setFocus(m.nextFocus(1))
	case key.Matches(msg, k.PrevPane):
		m.setFocus(m.nextFocus(-1))
	case key.Matches(msg, k.Mode):
		mode := m.sess.ToggleMode()
		m.setStatus(fmt.Sprintf("mode: %s — the next listing or transfer uses it", strings.ToUpper(mode.String())), false)
	case key.Matches(msg, k.ToggleLog):
		m.showLog = !m.showLog
		if !m.showLog && m.focus == focusLog {
			m.setFocus(focusRemote)
		}
		m.layout()
	case key.Matches(msg, k.Connect):
		return m.openDialog(dialog.NewConnect(tagConnect{}, m.formFor())), nil
	case key.Matches(msg, k.Bookmarks):
		return m.openBookmarks(), nil
	case key.Matches(msg, k.SaveSite):
		return m.openSave(), nil
	case key.Matches(msg, k.Doctor):
		return m.startDoctor()
	case key.Matches(msg, k.Copy):
		return m.copySelected()
	case key.Matches(msg, k.Mkdir):
		p := m.focusedPane()
		return m.openDialog(dialog.NewInput(tagMkdir{p.ID()}, "New folder in "+p.Dir(), "name: ", "")), nil
	case key.Matches(msg, k.Rename):
		p := m.focusedPane()
		if e, ok := p.Current(); ok {
			return m.openDialog(dialog.NewInput(tagRename{p.ID(), e.Name}, "Rename "+e.Name, "new name: ", e.Name)), nil
		}
	case key.Matches(msg, k.Delete):
		return m.askDelete()
	default:
		return m.routeKey(msg)
	}
	return m, nil
}

// routeKey gives a key to the focused pane only.
func (m Model) routeKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.focus {
	case focusRemote:
		m.remote, cmd = m.remote.Update(msg)
	case focusLocal:
		m.local, cmd = m.local.Update(msg)
	case focusQueue:
		m.queuev, cmd = m.queuev.Update(msg)
	case focusLog:
		m.logv, cmd = m.logv.Update(msg)
	case numFocus:
	}
	m.updateKeys()
	return m, cmd
}

func (m Model) nextFocus(d int) focus {
	f := m.focus
	for range numFocus {
		f = (f + focus(d) + numFocus) % numFocus
		if f != focusLog || m.showLog {
			return f
		}
	}
	return m.focus
}

func (m Model) quit() (tea.Model, tea.Cmd) {
	if m.queue != nil {
		if s := m.queuev.Summary(); s.Running+s.Queued > 0 {
			body := fmt.Sprintf("%d running, %d queued. The queue is kept and resumes next time.", s.Running, s.Queued)
			return m.openDialog(dialog.NewConfirm(tagQuit{}, "Quit while transfers run?", body)), nil
		}
	}
	m.quitting = true
	return m, tea.Quit
}

func (m Model) formFor() dialog.Form {
	f := dialog.Form{TLS: "off", Mode: "passive"}
	if m.sess != nil {
		s := m.sess.Site()
		f.Host, f.Port, f.User, f.TLS, f.Mode = s.Host, strconv.Itoa(s.Port), s.User, s.TLS.String(), m.sess.Mode().String()
		if f.User == "anonymous" {
			f.User = ""
		}
	}
	return f
}

// siteFromForm builds a Site from the connect form: a URL in the host
// field, or host, port, user (anonymous when empty), password, TLS, mode.
func (m Model) siteFromForm(f dialog.Form) (transfer.Site, error) {
	if strings.Contains(f.Host, "://") {
		s, _, err := transfer.ParseURL(f.Host)
		if err == nil && m.opts.DialTimeout > 0 {
			s.Timeout = m.opts.DialTimeout
		}
		return s, err
	}
	s := transfer.Site{Host: f.Host, User: f.User, Password: f.Password, Timeout: m.opts.DialTimeout}
	if s.Host == "" {
		return s, errors.New("no host given")
	}
	var err error
	if s.TLS, err = transfer.ParseTLSMode(f.TLS); err != nil {
		return s, err
	}
	if s.Mode, err = transfer.ParseMode(f.Mode); err != nil {
		return s, err
	}
	s.Port = 21
	if s.TLS == transfer.TLSImplicit {
		s.Port = 990
	}
	if f.Port != "" {
		n, err := strconv.Atoi(f.Port)
		if err != nil || n < 1 || n > 65535 {
			return s, fmt.Errorf("port %q: want 1-65535", f.Port)
		}
		s.Port = n
	}
	if s.User == "" {
		s.User = "anonymous"
		if s.Password == "" {
			s.Password = "ftpdeck@"
		}
	}
	return s, nil
}

// startSession switches to a new session: the old connection and queue
// are closed in a command, and the new one is dialed.
func (m Model) startSession(site transfer.Site) (tea.Model, tea.Cmd) {
	site.Trust = m.opts.Trust
	oldFS, oldQ := m.remoteFS, m.queue
	m.sess = transfer.NewSession(site, m.log)
	m.remoteFS, m.queue = nil, nil
	m.queuev.SetSummary(queue.Summary{})
	m.remote.SetLister(nil, "")
	m.state = stateConnecting
	m.setStatus("connecting to "+site.Display()+" …", false)
	m.setFocus(focusRemote)
	cleanup := func() tea.Msg {
		if oldQ != nil {
			_ = oldQ.Close()
		}
		if oldFS != nil {
			oldFS.close()
		}
		return nil
	}
	return m, tea.Batch(cleanup, m.connectCmd())
}

// connectCmd dials the browsing connection of m.sess. It must be called on
// a model that will be returned (it sets remoteFS and gen).
func (m *Model) connectCmd() tea.Cmd {
	m.gen++
	if m.remoteFS == nil {
		m.remoteFS = newRemoteFS(m.sess, m.opts.DialTimeout)
	}
	fs, gen := m.remoteFS, m.gen
	return func() tea.Msg {
		dir, err := fs.connect(context.Background())
		return connectedMsg{gen: gen, dir: dir, err: err}
	}
}

func (m Model) handleDialog(msg dialog.DoneMsg) (tea.Model, tea.Cmd) {
	if c, ok := msg.Tag.(tagConflict); ok && !msg.OK {
		c.c.Decide(queue.Skip, false) // esc: skip this one
	}
	if t, ok := msg.Tag.(tagCert); ok && !msg.OK {
		return m.answerCert(t, certReject) // esc rejects
	}
	if !msg.OK {
		return m.nextConflict()
	}
	switch t := msg.Tag.(type) {
	case tagQuit:
		m.quitting = true
		return m, tea.Quit
	case tagConnect:
		site, err := m.siteFromForm(msg.Form)
		if err != nil {
			m.setStatus("connect: "+err.Error(), true)
			return m, nil
		}
		return m.connectSite(site)
	case tagMkdir:
		name := strings.TrimSpace(msg.Value)
		if err := checkName(name); err != nil {
			m.setStatus("new folder: "+err.Error(), true)
			return m, nil
		}
		return m, m.pane(t.pane).Mkdir(name)
	case tagRename:
		name := strings.TrimSpace(msg.Value)
		if err := checkName(name); err != nil {
			m.setStatus("rename: "+err.Error(), true)
			return m, nil
		}
		if name == t.old {
			return m, nil
		}
		return m, m.pane(t.pane).Rename(t.old, name)
	case tagDelete:
		return m, m.pane(t.pane).Delete(t.entries)
	case tagConflict:
		p, _ := msg.Choice.(conflictChoice)
		t.c.Decide(p.policy, p.forAll)
		return m.nextConflict()
	case tagCert:
		c, _ := msg.Choice.(certChoice)
		return m.answerCert(t, c)
	}
	return m, nil
}

// checkName refuses names that are not one path element.
func checkName(name string) error {
	if r := transfer.UnsafeName(name); r != "" {
		return fmt.Errorf("%q %s", name, r)
	}
	if strings.ContainsAny(name, "\r\n") {
		return errors.New("a name cannot hold a line break")
	}
	return nil
}

func (m Model) askDelete() (tea.Model, tea.Cmd) {
	p := m.focusedPane()
	es := p.Selected()
	if len(es) == 0 {
		return m, nil
	}
	title := fmt.Sprintf("Delete %d entries from %s?", len(es), p.Dir())
	if len(es) == 1 {
		title = fmt.Sprintf("Delete %s?", es[0].Name)
	}
	var body []string
	dirs := 0
	for i, e := range es {
		if e.Kind == filepane.Folder {
			dirs++
		}
		if i < 6 {
			body = append(body, "  "+e.Name)
		} else if i == 6 {
			body = append(body, fmt.Sprintf("  … and %d more", len(es)-6))
		}
	}
	if dirs > 0 {
		body = append(body, "", "Folders are deleted with everything in them.")
	}
	return m.openDialog(dialog.NewConfirm(tagDelete{p.ID(), es}, title, body...)), nil
}

// copySelected queues the selection of the focused file pane into the
// other pane's folder, walking folders on the browsing connection.
func (m Model) copySelected() (tea.Model, tea.Cmd) {
	if m.queue == nil {
		m.setStatus("no transfer queue: transfers are not available in this build", true)
		return m, nil
	}
	src := m.focusedPane()
	es := src.Selected()
	if len(es) == 0 {
		return m, nil
	}
	q, fs := m.queue, m.remoteFS
	remoteDir, localDir := m.remote.Dir(), m.local.Dir()
	down := m.focus == focusRemote
	src.ClearMarks()
	m.setStatus(fmt.Sprintf("queueing %d entries…", len(es)), false)
	return m, func() tea.Msg {
		ctx := context.Background()
		n := 0
		err := fs.with(ctx, func(c *transfer.Conn) error {
			for _, e := range es {
				var k int
				var err error
				if down {
					k, err = q.AddDownload(ctx, c, path.Join(remoteDir, e.Name), e.Kind == filepane.Folder, localDir)
				} else {
					k, err = q.AddUpload(ctx, c, filepath.Join(localDir, e.Name), remoteDir)
				}
				n += k
				if err != nil {
					return fmt.Errorf("queue %s: %w", e.Name, err)
				}
			}
			return nil
		})
		return queuedMsg{n: n, err: err}
	}
}

func (m Model) handlePaneResult(msg tea.Msg) (tea.Model, tea.Cmd) {
	var id int
	var good tea.Cmd // a listing worked: remember the mode for the bookmark
	switch msg := msg.(type) {
	case filepane.ListedMsg:
		id = msg.Pane
		if msg.Err != nil && msg.Req > 0 {
			m.setError("", msg.Err)
		} else if m.statusErr {
			m.setStatus("", false)
		}
		if msg.Err == nil && id == remotePane {
			good = m.noteGoodMode()
		}
	case filepane.DoneMsg:
		p := m.pane(msg.Pane)
		if msg.Err != nil {
			m.setError(msg.What+": ", msg.Err)
		} else {
			m.setStatus(msg.What+": done", false)
		}
		return m, p.Refresh()
	}
	p := m.pane(id)
	var cmd tea.Cmd
	*p, cmd = p.Update(msg)
	m.updateKeys()
	return m, tea.Batch(cmd, good)
}

// handleEngine handles connection, queue and spinner messages.
func (m Model) handleEngine(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case connectedMsg:
		return m.connected(msg)
	case certSavedMsg:
		return m.certSaved(msg)
	case queueReadyMsg:
		if msg.gen != m.gen {
			if q := msg.q; q != nil {
				// Close waits for the workers and writes queue.json: not in Update.
				return m, func() tea.Msg { _ = q.Close(); return nil }
			}
			return m, nil
		}
		if msg.err != nil {
			m.setStatus("transfer queue: "+msg.err.Error(), true)
			return m, nil
		}
		m.queue = msg.q
		m.queuev.SetSummary(msg.q.Snapshot())
		return m, tea.Batch(waitQueue(msg.q.Updates(), m.gen), waitConflict(msg.q.Conflicts(), m.gen))
	case queueMsg:
		if msg.gen != m.gen || m.queue == nil {
			return m, nil
		}
		refresh := m.finished(msg.sum)
		if refresh != nil {
			refresh = tea.Batch(refresh, m.noteGoodMode())
		}
		m.queuev.SetSummary(msg.sum)
		if msg.closed {
			return m, refresh
		}
		return m, tea.Batch(refresh, waitQueue(m.queue.Updates(), m.gen))
	case conflictMsg:
		if msg.gen != m.gen {
			msg.c.Decide(queue.Skip, false)
			return m, nil
		}
		m.conflicts = append(m.conflicts, msg.c)
		next := waitConflict(m.queue.Conflicts(), m.gen)
		mm, cmd := m.nextConflict()
		return mm, tea.Batch(cmd, next)
	case queuedMsg:
		switch {
		case msg.err != nil:
			m.setError("", msg.err)
		default:
			m.setStatus(fmt.Sprintf("queued %d transfers", msg.n), false)
		}
	case queueOpMsg:
		if msg.err != nil {
			m.setStatus("queue: "+msg.err.Error(), true)
		}
	case queueview.ActionMsg:
		return m, m.queueAction(msg)
	default:
		var c1, c2 tea.Cmd
		m.remote, c1 = m.remote.Update(msg)
		m.local, c2 = m.local.Update(msg)
		return m, tea.Batch(c1, c2)
	}
	return m, nil
}

func (m Model) connected(msg connectedMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.gen {
		return m, nil
	}
	if msg.err != nil {
		m.state = stateFailed
		m.remote.SetError(msg.err)
		m.remote.SetEmptyText("press o to connect again")
		m.setError("", msg.err)
		m.setFocus(focusLocal)
		if ce, ok := asCertError(msg.err); ok {
			m, _ = m.certDialog(ce)
		}
		return m, nil
	}
	m.state = stateConnected
	m.remote.SetLister(m.remoteFS, msg.dir)
	m.setStatus("", false)
	m.updateKeys()
	cmds := []tea.Cmd{m.remote.Load(msg.dir)}
	if f := m.opts.NewQueue; f != nil {
		sess, gen := m.sess, m.gen
		cmds = append(cmds, func() tea.Msg {
			q, err := f(sess)
			if err == nil {
				q.Start()
			}
			return queueReadyMsg{gen: gen, q: q, err: err}
		})
	}
	return m, tea.Batch(cmds...)
}

// sideText is one side of a conflict for its dialog: size and time.
func sideText(size int64, t time.Time) string {
	s := "size unknown"
	if size >= 0 {
		s = cells.HumanSize(size)
	}
	if t.IsZero() {
		return s + ", time unknown"
	}
	return s + ", " + t.Local().Format("2006-01-02 15:04")
}

// conflictChoice is a Choice option's value in the conflict dialog.
type conflictChoice struct {
	policy queue.Policy
	forAll bool
}

// nextConflict shows the next waiting conflict when no dialog is open.
func (m Model) nextConflict() (tea.Model, tea.Cmd) {
	if m.dialog != nil || len(m.conflicts) == 0 {
		return m, nil
	}
	c := m.conflicts[0]
	m.conflicts = m.conflicts[1:]
	if c.answered() {
		return m.nextConflict() // answered for all its batch meanwhile
	}
	name := c.Job.Local
	if c.Job.Dir == queue.Upload {
		name = c.Job.Remote
	}
	body := []string{name,
		"exists:     " + sideText(c.ExistingSize, c.ExistingTime),
		"transfer:   " + sideText(c.Job.Size, c.SourceTime)}
	opts := []dialog.Option{
		{Key: "o", Label: "overwrite", Value: conflictChoice{queue.Overwrite, false}},
		{Key: "r", Label: "resume", Value: conflictChoice{queue.Resume, false}},
		{Key: "s", Label: "skip", Value: conflictChoice{queue.Skip, false}},
		{Key: "n", Label: "rename (keep both)", Value: conflictChoice{queue.Rename, false}},
		{Key: "O", Label: "overwrite all", Value: conflictChoice{queue.Overwrite, true}},
		{Key: "R", Label: "resume all", Value: conflictChoice{queue.Resume, true}},
		{Key: "S", Label: "skip all", Value: conflictChoice{queue.Skip, true}},
		{Key: "N", Label: "rename all", Value: conflictChoice{queue.Rename, true}},
	}
	if !c.canResume() {
		// resume continues a smaller target; this one is not
		opts = slices.DeleteFunc(opts, func(o dialog.Option) bool { return o.Value.(conflictChoice).policy == queue.Resume })
	}
	return m.openDialog(dialog.NewChoice(tagConflict{c}, "The target exists", body, opts)), nil
}

// queueAction runs a queue pane action in a command.
func (m Model) queueAction(a queueview.ActionMsg) tea.Cmd {
	q := m.queue
	if q == nil {
		return nil
	}
	id := a.Job.ID
	run := func(f func() error) tea.Cmd {
		return func() tea.Msg { return queueOpMsg{err: f()} }
	}
	switch a.Op {
	case queueview.PauseResume:
		if a.Job.State == queue.Paused {
			return run(func() error { return q.Resume(id) })
		}
		return run(func() error { return q.Pause(id) })
	case queueview.CancelRemove:
		switch a.Job.State {
		case queue.Done, queue.Failed, queue.Skipped, queue.Canceled:
			return run(func() error { return q.Remove(id) })
		case queue.Queued, queue.Running, queue.Paused:
		}
		return run(func() error { return q.Cancel(id) })
	case queueview.Retry:
		return run(func() error { return q.Retry(id, false) })
	case queueview.RetryOther:
		return run(func() error { return q.Retry(id, true) })
	case queueview.MoveUp:
		return run(func() error { return q.MoveUp(id) })
	case queueview.MoveDown:
		return run(func() error { return q.MoveDown(id) })
	case queueview.PauseResumeAll:
		s := m.queuev.Summary()
		if s.Paused > 0 && s.Running == 0 {
			return run(func() error { q.ResumeAll(); return nil })
		}
		return run(func() error { q.PauseAll(); return nil })
	}
	return nil
}

// finished refreshes the pane that received files since the last summary.
func (m *Model) finished(s queue.Summary) tea.Cmd {
	count := func(s queue.Summary, d queue.Direction) int {
		n := 0
		for _, j := range s.Jobs {
			if j.Dir == d && j.State == queue.Done {
				n++
			}
		}
		return n
	}
	old := m.queuev.Summary()
	var cmds []tea.Cmd
	if count(s, queue.Download) > count(old, queue.Download) {
		cmds = append(cmds, m.local.Refresh())
	}
	if count(s, queue.Upload) > count(old, queue.Upload) {
		cmds = append(cmds, m.remote.Refresh())
	}
	return tea.Batch(cmds...)
}
