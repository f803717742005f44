// Package ui is ftpdeck's terminal interface: the root model (layout,
// focus, overlays, routing) over the file panes, the queue pane and the
// protocol log pane.
//
// Shape: one overlay stack (overlay.go: dialogs, bookmark views, the mode
// doctor, the help screen; the top one takes the keys) and one binding
// table (keys.go: keys, handler, when enabled, help group) that drives
// dispatch, enabling and help. A key the table does not take goes to the
// focused pane, which owns its keys (queueview, logview, filepane).
//
// Rules: children never import this package or each other; no network or
// disk call runs in Update (every one is a tea.Cmd returning a typed
// message); the browsing connection is used by one command at a time
// (transfer.Browser serializes it); engine events reach the UI through
// commands that wait on a channel and re-arm themselves.
package ui

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/transfer/trust"
	"ftpdeck/ui/bookmarkview"
	"ftpdeck/ui/dialog"
	"ftpdeck/ui/filepane"
	"ftpdeck/ui/logview"
	"ftpdeck/ui/queueview"
)

// Options configures the UI.
type Options struct {
	Session     *transfer.Session // nil: not connected yet (o connects)
	Log         *transfer.Log     // shared by every session; nil: the Session's, or a new one
	LocalDir    string            // local pane's start folder; "" = current folder
	Parallel    int
	StateDir    string
	ConfigDir   string
	Bookmarks   *bookmarks.Store // nil: no bookmarks
	Title       string
	DialTimeout time.Duration
	LogLines    int          // log pane bound (default 5000)
	ShowHidden  bool         // start with dot files shown
	NewQueue    QueueFactory // nil: DefaultQueueFactory(Parallel, StateDir, Policy)
	Policy      queue.Policy // --on-conflict for the default queue; queue.Ask (the zero value) asks
	NoQueue     bool         // no transfer queue at all (c says so)
	// Trust decides which TLS certificates are accepted (known_certs,
	// --tls-fingerprint); the certificate dialog adds to it. nil: system
	// roots, with acceptances kept in memory only.
	Trust *trust.Verifier

	// Bookmark is the bookmark Session was made from ("" for none): the UI
	// records the mode that works for it (last_good_mode).
	Bookmark string
	// AskPassword: Session's site needs a password no source had; the UI
	// asks with its masked dialog before connecting.
	AskPassword bool
	// QueueFor makes the queue factory for a bookmark's parallel setting;
	// nil keeps NewQueue for every site.
	QueueFor func(parallel int) QueueFactory
	// Notices are shown in a dialog at start (a bookmarks.toml that could
	// not be loaded, permissions fixed).
	Notices []string
	// RateFor, when set, gives the rate limit (bytes per second, 0: none)
	// of a bookmark connected from the bookmark list: --limit-rate, else
	// its limit_rate, else config.toml's. Its queue is given it when it
	// starts (see withBookmarkRate).
	RateFor func(b bookmarks.Site) int64
}

// focus is the pane that has the keyboard.
type focus int

const (
	focusRemote focus = iota
	focusLocal
	focusQueue
	focusLog
	numFocus
)

// Pane ids carried by filepane messages.
const (
	remotePane = 1
	localPane  = 2
)

// connState is the browsing connection's state for the status bar.
type connState int

const (
	stateOffline connState = iota
	stateConnecting
	stateConnected
	stateFailed
)

func (s connState) String() string {
	switch s {
	case stateConnecting:
		return "connecting…"
	case stateConnected:
		return "connected"
	case stateFailed:
		return "connect failed"
	case stateOffline:
	}
	return "not connected"
}

// Model is the root model.
type Model struct {
	opts  Options
	keys  KeyMap
	fkeys fileKeys // the file manager's (fileman.go)
	theme Theme
	help  help.Model

	log     *transfer.Log
	logCh   <-chan transfer.Event
	unsub   func()
	sess    *transfer.Session
	browser *transfer.Browser // the browsing connection of sess
	queue   Queue
	gen     int // connection generation: messages of older ones are dropped
	state   connState

	remote, local filepane.Model
	queuev        queueview.Model
	logv          logview.Model

	focus      focus
	overlays   []overlay // dialogs, bookmark views, doctor, help: the top one takes the keys
	bookmark   string    // the session's bookmark, "" for none
	lastGood   string    // the mode last recorded for it
	probing    int       // the connection generation whose mode doctor probe runs; 0: none
	showLog    bool
	status     string
	statusErr  bool
	statusHint string // kept visible at the end of a cut status line
	quitting   bool
	conflicts  []Conflict
	// pendingCopies are c presses made before the queue was up; they run
	// when it is.
	pendingCopies []copyRequest
	initCmds      []tea.Cmd
	viewers       int               // viewers opened: each one's id
	edits         map[string]string // edited copies being uploaded → their private folder
	// runEditor hands the terminal to an editor (tea.ExecProcess; tests run it directly).
	runEditor func(*exec.Cmd, tea.ExecCallback) tea.Cmd
	sizing    *sizing // the folder size being added up (i), nil: none
	// quoteHistory is the raw commands sent (!), oldest first.
	quoteHistory []string

	width, height int
	wide          bool // panes side by side
	zoomed        bool // the focused pane fills the body (z)
	bodyH, filesH int  // rows of the body (everything above the status line) and of the file panes
	queueH, logH  int  // rows of the queue and log panes; 0: not shown (a small screen)
}

// New returns the root model. Its Init lists the local folder and, with a
// Session, connects and lists the start folder.
func New(opts Options) Model {
	lg := opts.Log
	if lg == nil && opts.Session != nil {
		lg = opts.Session.Log()
	}
	if lg == nil {
		lg = transfer.NewLog(max(opts.LogLines, 1000))
	}
	opts.Log = lg
	if opts.Trust == nil {
		opts.Trust = &trust.Verifier{}
	}
	dir := opts.LocalDir
	if dir == "" {
		dir, _ = os.Getwd()
	}
	th := DefaultTheme()
	m := Model{
		opts: opts, keys: DefaultKeyMap(), fkeys: defaultFileKeys(), runEditor: tea.ExecProcess, theme: th, help: help.New(),
		log: lg, showLog: true,
		remote: filepane.New(remotePane, "Remote", nil, ""),
		local:  filepane.New(localPane, "Local", filepane.Local{}, dir),
		queuev: queueview.New(), logv: logview.New(opts.LogLines),
	}
	m.help.Styles = th.Help
	m.remote.SetStyles(th.Pane)
	m.local.SetStyles(th.Pane)
	m.remote.SetShowHidden(opts.ShowHidden)
	m.local.SetShowHidden(opts.ShowHidden)
	if home, err := os.UserHomeDir(); err == nil && home != "/" {
		m.local.SetDirLabel(func(s string) string {
			if s == home || strings.HasPrefix(s, home+string(os.PathSeparator)) {
				return "~" + s[len(home):]
			}
			return s
		})
	}
	m.queuev.SetStyles(th.Queue)
	m.logv.SetStyles(th.Log)
	switch {
	case opts.NoQueue:
		opts.NewQueue = nil
		m.queuev.SetNote("no transfer queue in this view")
	case opts.NewQueue == nil:
		opts.NewQueue = DefaultQueueFactory(opts.Parallel, opts.StateDir, opts.Policy)
	}
	m.opts = opts
	m.logCh, m.unsub = lg.Subscribe(4096)
	m.logv.Append(lg.Snapshot()...)
	if opts.Session != nil {
		m.sess = opts.Session
		m.state = stateConnecting
		m.remote.SetEmptyText("connecting to " + opts.Session.Site().Addr() + "…")
	}
	m.setFocus(focusLocal)
	if opts.Session != nil {
		m.setFocus(focusRemote)
	}
	m.width, m.height = 80, 24
	m.layout()
	// The first commands are built here, not in Init (a value receiver):
	// they advance request ids and the connection generation.
	m.initCmds = []tea.Cmd{m.local.Load(m.local.Dir()), waitLog(m.logCh)}
	m.bookmark = opts.Bookmark
	if b, ok := bookmarkNamed(opts.Bookmarks, opts.Bookmark); ok {
		m.lastGood = b.LastGoodMode
	}
	switch {
	case m.sess != nil && opts.AskPassword:
		m.state = stateOffline
		p := pendingConnect{site: m.sess.Site(), bookmark: opts.Bookmark, lastGood: m.lastGood}
		m = m.openBookmarkView(bookmarkview.NewPassword(p, p.site.Display()))
	case m.sess != nil:
		m.initCmds = append(m.initCmds, m.connectCmd())
	}
	if len(opts.Notices) > 0 {
		m = m.openDialog(dialog.NewNotice(tagNotices{}, "ftpdeck: please note", noticeDialogBody(opts.Notices)...))
	}
	return m
}

// Init lists the local folder, starts the log subscription and connects.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.initCmds...)
}

// Close ends the subscription, the queue and the browsing connection. Run
// calls it after the program ends; tests call it too.
func (m Model) Close() {
	if m.unsub != nil {
		m.unsub()
	}
	if m.sizing != nil {
		m.sizing.cancel()
	}
	if m.queue != nil {
		_ = m.queue.Close()
	}
	if m.browser != nil {
		m.browser.Close()
	}
}

// Run runs the UI in the alternate screen until the user quits, restores
// the terminal and returns the program's error.
func Run(ctx context.Context, opts Options) error {
	// WithContext ends the program when ctx is cancelled (SIGTERM, SIGINT
	// outside raw mode), so the terminal is restored and temp files removed.
	p := tea.NewProgram(New(opts), tea.WithAltScreen(), tea.WithContext(ctx))
	final, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		err = nil
	}
	if fm, ok := final.(Model); ok {
		fm.Close()
	}
	if errors.Is(err, tea.ErrProgramKilled) {
		return nil
	}
	return err
}

// Update routes a message: results and engine events to their owners,
// keys to the top overlay if one is open, else the binding table, else the
// focused pane.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m.sizeOverlays(), nil
	case tea.KeyMsg:
		return m.handleKey(msg)
	case logMsg:
		m.logv.Append(msg.events...)
		m.showHints(msg.events)
		if msg.closed {
			return m, nil
		}
		return m, waitLog(m.logCh)
	case dialog.DoneMsg:
		return m.handleDialog(msg)
	case bookmarkview.ConnectMsg, bookmarkview.PasswordMsg, bookmarkview.CancelMsg, bookmarkview.EditedMsg,
		bookmarkview.DeleteMsg, bookmarkview.SaveMsg, bookmarkSiteMsg, bookmarkOpMsg, goodModeMsg:
		return m.handleBookmarks(msg)
	case filepane.ListedMsg, filepane.DoneMsg:
		return m.handlePaneResult(msg)
	case probeDoneMsg:
		return m.probeDone(msg)
	case mirrorTreesMsg:
		return m.mirrorListed(msg)
	case mirrorStartMsg:
		return m.mirrorStart(msg)
	}
	return m.handleEngine(msg)
}
