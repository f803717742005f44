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

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/transfer/wire"
	"ftpdeck/ui/certview"
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

// logBatchWindow is how long waitLog gathers events after the first one.
// A batch of small files logs a few lines every few hundred microseconds:
// one message (and one redraw) per line or two took most of the TUI's CPU
// and made it several times slower than the same headless get. Gathered
// for a frame's time, the log is drawn at most about 60 times a second.
const logBatchWindow = 16 * time.Millisecond

// waitLog waits for the next log event, then gathers what else arrives
// within logBatchWindow (up to a bound) into one message. A closed channel
// ends the stream.
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
		window := time.NewTimer(logBatchWindow)
		defer window.Stop()
		for len(batch) < 4096 {
			select {
			case e, ok := <-ch:
				if !ok {
					return logMsg{events: batch, closed: true}
				}
				batch = append(batch, e)
			case <-window.C:
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

// describe turns an error into words for the status line: a failed data
// connection names the mode, the cause and the key that tries the other
// (the engine's words say what happened, the UI's which key to press); a
// bare context deadline says how long was waited.
func (m Model) describe(err error) string {
	s := err.Error()
	if errors.Is(err, context.DeadlineExceeded) {
		s = strings.ReplaceAll(s, context.DeadlineExceeded.Error(), "timed out after "+m.timeout().String())
	}
	if h := m.hintOf(err); h != "" {
		return s + " — " + h
	}
	return s
}

// hintOf returns the suggestion that must stay visible when the status
// line is cut to fit ("press p for passive"), or "".
func (m Model) hintOf(err error) string {
	var de *transfer.DataConnError
	if errors.As(err, &de) {
		return fmt.Sprintf("press %s for %s", m.keys.Mode.Help().Key, de.Mode.Other())
	}
	return ""
}

// timeout is the user's connect/idle timeout.
func (m Model) timeout() time.Duration {
	if m.opts.DialTimeout > 0 {
		return m.opts.DialTimeout
	}
	return transfer.DefaultTimeout
}

// setError shows err on the status line, keeping its hint visible.
func (m *Model) setError(prefix string, err error) {
	m.setStatus(prefix+m.describe(err), true)
	m.statusHint = m.hintOf(err)
}

func (m *Model) setStatus(s string, isErr bool) {
	// Status text often quotes a server's names or words inside errors
	// from layers that do not escape them: escape here, once, so no
	// ANSI/OSC sequence from a server reaches the terminal (issue #8,
	// case 8). Escaping is idempotent on already-escaped text.
	m.status, m.statusErr, m.statusHint = wire.Escape(s), isErr, ""
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

// openDialog lays dialog d over everything else.
func (m Model) openDialog(d dialog.Model) Model {
	d.SetStyles(m.theme.Dialog)
	return m.push(dialogOverlay{d})
}

// handleKey takes a key message. Outside text inputs one holding several
// runes (Bubble Tea delivers "jjj" read at once as one message) counts as
// that many key presses; once a press opens a text input, the rest is
// typed into it. A bracketed paste outside a text input is dropped: pasted
// text is not a string of commands.
func (m Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if msg.Type != tea.KeyRunes || m.takesText() {
		return m.handleKey1(msg)
	}
	if msg.Paste {
		return m, nil
	}
	if len(msg.Runes) < 2 {
		return m.handleKey1(msg)
	}
	var cmds []tea.Cmd
	for i, r := range msg.Runes {
		if m.takesText() {
			rest := tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes[i:], Alt: msg.Alt}
			mm, cmd := m.handleKey1(rest)
			return mm, tea.Batch(append(cmds, cmd)...)
		}
		mm, cmd := m.handleKey1(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
		m = mm.(Model)
		cmds = append(cmds, cmd)
		if m.quitting {
			break
		}
	}
	return m, tea.Batch(cmds...)
}

// takesText reports whether a text input has the keyboard: the top
// overlay's, or the focused pane's filter.
func (m Model) takesText() bool {
	if o := m.top(); o != nil {
		return o.TakesText()
	}
	p := m.focusedPane()
	return p != nil && p.Filtering()
}

// handleKey1 takes one key press: ctrl+c quits from anywhere (asking while
// transfers run; a second ctrl+c answers yes); else the top overlay takes
// it, or a pane's filter input, or the binding table, or the focused pane.
func (m Model) handleKey1(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if msg.Type == tea.KeyCtrlC {
		if o, ok := m.top().(dialogOverlay); ok {
			if _, quit := o.d.Tag().(tagQuit); quit {
				m.quitting = true
				return m, tea.Quit
			}
		}
		return m.quit()
	}
	if m.top() != nil {
		return m.updateTop(msg)
	}
	if p := m.focusedPane(); p != nil && p.Filtering() {
		return m.routeKey(msg)
	}
	if mm, cmd, ok := m.dispatch(msg); ok {
		return mm, cmd
	}
	return m.routeKey(msg)
}

func (m Model) toggleMode() (tea.Model, tea.Cmd) {
	mode := m.sess.ToggleMode()
	m.setStatus(fmt.Sprintf("mode: %s — the next listing or transfer uses it", strings.ToUpper(mode.String())), false)
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
			return m.openDialog(dialog.NewConfirm(tagQuit{}, "Quit while transfers run?", quitWords(s)...)), nil
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
	oldB, oldQ := m.browser, m.queue
	m.sess = transfer.NewSession(site, m.log)
	m.browser, m.queue, m.pendingCopies = nil, nil, nil
	m.queuev.SetSummary(queue.Summary{})
	m.remote.SetLister(nil, "")
	m.remote.SetEmptyText("connecting to " + site.Addr() + "…")
	m.state = stateConnecting
	m.setStatus("connecting to "+site.Display()+" …", false)
	m.setFocus(focusRemote)
	cleanup := func() tea.Msg {
		if oldQ != nil {
			_ = oldQ.Close()
		}
		if oldB != nil {
			oldB.Close()
		}
		return nil
	}
	return m, tea.Batch(cleanup, m.connectCmd())
}

// connectCmd dials the browsing connection of m.sess. It must be called on
// a model that will be returned (it sets browser and gen).
func (m *Model) connectCmd() tea.Cmd {
	m.gen++
	if m.browser == nil {
		m.browser = transfer.NewBrowser(m.sess)
	}
	b, gen := m.browser, m.gen
	return func() tea.Msg {
		dir, err := b.Start(context.Background())
		return connectedMsg{gen: gen, dir: dir, err: err}
	}
}

func (m Model) handleDialog(msg dialog.DoneMsg) (tea.Model, tea.Cmd) {
	if m, cmd, ok := m.fileManDialog(msg); ok {
		mm, next := m.nextConflict() // one that waited behind this dialog
		return mm, tea.Batch(cmd, next)
	}
	if c, ok := msg.Tag.(tagConflict); ok && !msg.OK {
		c.c.Decide(queue.Skip, false) // esc: skip this one
	}
	if t, ok := msg.Tag.(tagCert); ok && !msg.OK {
		return m.answerCert(t, certview.Reject) // esc rejects
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
		c, _ := msg.Choice.(certview.Choice)
		return m.answerCert(t, c)
	case tagRate:
		return m.setRate(msg.Value)
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
	side := "local"
	if p.ID() == remotePane {
		side = "remote"
	}
	title := fmt.Sprintf("Delete %d %s entries from %s?", len(es), side, p.Dir())
	if len(es) == 1 {
		title = fmt.Sprintf("Delete %s %s?", side, es[0].Name)
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
	return m.openDialog(dialog.NewConfirm(tagDelete{p.ID(), es}, title, body...).DefaultNo()), nil
}

// copySelected queues the selection of the focused file pane into the
// other pane's folder, walking folders on the browsing connection.
func (m Model) copySelected() (tea.Model, tea.Cmd) {
	starting := m.queue == nil && m.opts.NewQueue != nil && m.state == stateConnected
	if m.queue == nil && !starting {
		m.setStatus("no transfer queue: transfers are not available in this view", true)
		return m, nil
	}
	src := m.focusedPane()
	es := src.Selected()
	if len(es) == 0 {
		return m, nil
	}
	c := copyRequest{entries: es, down: m.focus == focusRemote, remoteDir: m.remote.Dir(), localDir: m.local.Dir()}
	src.ClearMarks()
	if starting {
		// The queue comes up just after the first listing: keep the
		// request and run it when the queue is ready.
		m.pendingCopies = append(slices.Clip(m.pendingCopies), c)
		m.setStatus("queueing "+plural(len(es), "entry")+" when the transfer queue is up…", false)
		return m, nil
	}
	m.setStatus("queueing "+plural(len(es), "entry")+"…", false)
	return m, c.run(m.queue, m.browser)
}

// copyRequest is one c: entries of one pane for the other pane's folder.
type copyRequest struct {
	entries             []filepane.Entry
	down                bool // from the remote pane: downloads
	remoteDir, localDir string
}

// run queues the request in a command, walking folders on the browsing
// connection.
func (c copyRequest) run(q Queue, b *transfer.Browser) tea.Cmd {
	return func() tea.Msg {
		// One c is one batch, however many entries it names: an answer
		// "for all" to a conflict covers all of them, and nothing later.
		ctx := queue.WithBatch(context.Background(), q.NewBatch())
		if len(c.entries) > 1 || slices.ContainsFunc(c.entries, func(e filepane.Entry) bool { return e.Kind == filepane.Folder }) {
			q.Warm() // many files: the workers log in while the folders are walked
		}
		n := 0
		err := b.Do(ctx, func(conn *transfer.Conn) error {
			for _, e := range c.entries {
				var k int
				var err error
				if c.down {
					k, err = q.AddDownload(ctx, conn, path.Join(c.remoteDir, e.Name), e.Kind == filepane.Folder, c.localDir)
				} else {
					k, err = q.AddUpload(ctx, conn, filepath.Join(c.localDir, e.Name), c.remoteDir)
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
	return m, tea.Batch(cmd, good)
}

// handleEngine handles connection, queue and spinner messages.
func (m Model) handleEngine(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd, ok := m.queueOverlayMsg(msg)
	if ok {
		return m, cmd
	}
	if m, cmd, ok := m.fileManMsg(msg); ok {
		return m, cmd
	}
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
		pending := m.pendingCopies
		m.pendingCopies = nil
		if msg.err != nil {
			m.setStatus("transfer queue: "+msg.err.Error(), true)
			return m, nil
		}
		m.queue = msg.q
		m.queuev.SetSummary(msg.q.Snapshot())
		m = m.offerRestore(msg.q)
		cmds := []tea.Cmd{waitQueue(msg.q.Updates(), m.gen), waitConflict(msg.q.Conflicts(), m.gen)}
		for _, c := range pending {
			cmds = append(cmds, c.run(m.queue, m.browser))
		}
		return m, tea.Batch(cmds...)
	case queueMsg:
		if msg.gen != m.gen || m.queue == nil {
			return m, nil
		}
		refresh := tea.Batch(m.finished(msg.sum), m.editsFinished(msg.sum))
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
			m.setStatus("queued "+plural(msg.n, "transfer"), false)
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
	m.remote.SetLister(remoteLister{m.browser}, msg.dir)
	m.setStatus("", false)
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
	if _, _, open := findOverlay[dialogOverlay](m); open || len(m.conflicts) == 0 {
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
	case queueview.ClearFinished:
		if c, ok := q.(FinishedClearer); ok {
			return run(c.ClearFinished)
		}
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

// plural is "1 transfer", "2 transfers", "1 entry", "3 entries".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, noun[:len(noun)-1])
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
