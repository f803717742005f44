package ui

import (
	"errors"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/bookmarks"
	"ftpdeck/bookmarks/connopts"
	"ftpdeck/transfer"
	"ftpdeck/ui/bookmarkview"
)

// The root's side of the bookmark views (ui/bookmarkview): opening them,
// acting on their answers in commands, the password prompt, and the mode
// that last worked for a bookmarked site.

// pendingConnect is a site on its way to a connection, perhaps waiting for
// its password (the masked prompt's tag).
type pendingConnect struct {
	site     transfer.Site
	bookmark string // "" for a URL or the connect form
	start    connopts.Start
	lastGood string
}

// Messages of the bookmark commands.
type (
	bookmarkSiteMsg struct {
		p       pendingConnect
		need    bool // no source had the password: ask
		notices []string
		err     error
	}
	bookmarkOpMsg struct {
		text     string
		bookmark string // a B save: the session is now this bookmark
		reopen   bool   // show the list again (after edit, delete)
		err      error
	}
	goodModeMsg struct{ err error }
)

// tagNotices is the dialog listing start-up notices (permissions fixed,
// a bookmarks.toml that could not be loaded).
type tagNotices struct{}

// noticeDialogBody lists notices for the start-up dialog.
func noticeDialogBody(notices []string) []string {
	var body []string
	for _, n := range notices {
		body = append(body, strings.Split(n, "\n")...)
	}
	return body
}

func (m Model) openBookmarkView(v bookmarkview.Model) Model {
	v.SetStyles(m.theme.Dialog)
	return m.push(bookmarksOverlay{v})
}

// openBookmarks is b: the list of saved sites.
func (m Model) openBookmarks() (tea.Model, tea.Cmd) {
	return m.bookmarkList(), nil
}

func (m Model) bookmarkList() Model {
	st := m.opts.Bookmarks
	notice := ""
	if err := st.LoadError(); err != nil {
		notice = err.Error()
	}
	return m.openBookmarkView(bookmarkview.NewList(st.List(), notice))
}

// openSave is B: name and, for a login with a password, whether to save it.
func (m Model) openSave() (tea.Model, tea.Cmd) {
	s := m.sess.Site()
	name := s.Host
	if m.bookmark != "" {
		name = m.bookmark
	}
	canSave := s.Password != "" && s.User != "anonymous"
	return m.openBookmarkView(bookmarkview.NewSave(name, s.Display(), canSave)), nil
}

// handleBookmarks acts on the bookmark views' answers and the results of
// the commands they start.
func (m Model) handleBookmarks(msg tea.Msg) (tea.Model, tea.Cmd) {
	st := m.opts.Bookmarks
	switch msg := msg.(type) {
	case bookmarkview.ConnectMsg:
		m.setStatus("connecting to bookmark "+msg.Site.Name+" …", false)
		return m, m.resolveBookmark(msg.Site)
	case bookmarkview.PasswordMsg:
		if p, ok := msg.Tag.(pendingConnect); ok {
			p.site.Password = msg.Password
			return m.startPending(p)
		}
	case bookmarkview.CancelMsg:
		if msg.Kind == bookmarkview.Password {
			m.setStatus("not connected: no password given", true)
		}
	case bookmarkview.EditedMsg:
		return m, func() tea.Msg {
			err := st.Replace(msg.OldName, msg.Site)
			if err == nil {
				err = st.Save()
			}
			return bookmarkOpMsg{text: "saved bookmark " + msg.Site.Name, reopen: true, err: err}
		}
	case bookmarkview.DeleteMsg:
		return m, func() tea.Msg {
			err := st.Delete(msg.Name)
			if err == nil {
				err = st.Save()
			}
			return bookmarkOpMsg{text: "deleted bookmark " + msg.Name, reopen: true, err: err}
		}
	case bookmarkview.SaveMsg:
		return m, m.saveBookmark(msg)
	case bookmarkSiteMsg:
		if len(msg.notices) > 0 {
			m.setStatus(strings.Join(msg.notices, "; "), true)
		}
		switch {
		case msg.err != nil:
			m.setStatus(msg.err.Error(), true)
			return m, nil
		case msg.need:
			return m.openBookmarkView(bookmarkview.NewPassword(msg.p, msg.p.site.Display())), nil
		}
		return m.startPending(msg.p)
	case bookmarkOpMsg:
		if msg.err != nil {
			m.setStatus(msg.err.Error(), true)
		} else {
			m.setStatus(msg.text, false)
			if msg.bookmark != "" {
				m.bookmark = msg.bookmark
			}
		}
		if msg.reopen {
			return m.bookmarkList(), nil
		}
	case goodModeMsg:
		if msg.err != nil {
			m.setStatus("remember mode: "+msg.err.Error(), true)
		}
	}
	return m, nil
}

// resolveBookmark builds the bookmark's settings and finds its password
// (saved, password_cmd, netrc) in a command; without one the answer asks
// for the masked prompt.
func (m Model) resolveBookmark(b bookmarks.Site) tea.Cmd {
	timeout, log := m.opts.DialTimeout, m.log
	return func() tea.Msg {
		st, err := connopts.FromBookmark(b)
		if err != nil {
			return bookmarkSiteMsg{err: err}
		}
		if timeout > 0 {
			st.Site.Timeout = timeout
		}
		p := pendingConnect{site: st.Site, bookmark: b.Name, start: st, lastGood: b.LastGoodMode}
		if st.ModeNote != "" {
			log.Notef(0, "%s", st.ModeNote)
		}
		if !st.NeedPassword {
			return bookmarkSiteMsg{p: p}
		}
		return lookupPassword(p, b)
	}
}

// lookupPassword runs bookmarks.ResolvePassword without a prompt; "none
// found" becomes a request for the masked dialog. It runs in a command.
func lookupPassword(p pendingConnect, b bookmarks.Site) bookmarkSiteMsg {
	pw, _, notices, err := bookmarks.ResolvePassword(b, p.site.Host, p.site.User, nil)
	msg := bookmarkSiteMsg{p: p}
	for _, n := range notices {
		msg.notices = append(msg.notices, n.String())
	}
	switch {
	case errors.Is(err, bookmarks.ErrNoPassword):
		msg.need = true
	case err != nil:
		name := p.bookmark
		if name == "" {
			name = p.site.Display()
		}
		msg.err = fmt.Errorf("%s: %w", name, err)
	default:
		msg.p.site.Password = pw
	}
	return msg
}

// connectSite connects to a site from the connect form or a URL: a login
// without a password gets one from ~/.netrc or the masked prompt.
func (m Model) connectSite(site transfer.Site) (tea.Model, tea.Cmd) {
	p := pendingConnect{site: site}
	if site.Password != "" || site.User == "anonymous" {
		return m.startPending(p)
	}
	m.setStatus("looking up the password for "+site.Display()+" …", false)
	return m, func() tea.Msg { return lookupPassword(p, bookmarks.Site{}) }
}

// startPending starts the session, with a bookmark's start settings.
func (m Model) startPending(p pendingConnect) (tea.Model, tea.Cmd) {
	m.bookmark, m.lastGood = p.bookmark, p.lastGood
	var cmds []tea.Cmd
	if p.bookmark != "" {
		if p.start.LocalDir != "" {
			cmds = append(cmds, m.local.Load(p.start.LocalDir))
		}
		if f := m.opts.QueueFor; f != nil && !m.opts.NoQueue {
			n := p.start.Parallel
			if n <= 0 {
				n = m.opts.Parallel
			}
			m.opts.NewQueue = m.withBookmarkRate(f(n), p.bookmark)
		}
	}
	mm, cmd := m.startSession(p.site)
	return mm, tea.Batch(append(cmds, cmd)...)
}

// saveBookmark is B's answer: the current site as a bookmark, with the
// password only when the user said yes. An existing bookmark of that name
// keeps what the session does not know (password_cmd, local_dir, parallel,
// last_good_mode) when it is for the same host.
func (m Model) saveBookmark(msg bookmarkview.SaveMsg) tea.Cmd {
	st := m.opts.Bookmarks
	if st == nil || m.sess == nil {
		return nil
	}
	s := m.sess.Site()
	b := bookmarks.Site{Name: msg.Name, Host: s.Host, Port: s.Port, User: s.User, TLS: s.TLS.String(),
		Mode: m.sess.Mode().String(), ActivePorts: s.ActivePorts.String(), TrustPASVAddress: s.TrustPASVAddress,
		RemoteDir: m.remote.Dir(), Encoding: s.Encoding}
	if old, ok := st.Get(msg.Name); ok && strings.EqualFold(old.Host, b.Host) {
		b.PasswordCmd, b.LocalDir, b.Parallel, b.LastGoodMode = old.PasswordCmd, old.LocalDir, old.Parallel, old.LastGoodMode
	}
	if s.ActiveAddr.IsValid() {
		b.ActiveAddr = s.ActiveAddr.String()
	}
	if b.User == "anonymous" {
		b.User = ""
	}
	if b.TLS == bookmarks.TLSOff {
		b.TLS = ""
	}
	if (b.TLS == bookmarks.TLSImplicit && b.Port == bookmarks.DefaultImplicitPort) || (b.TLS != bookmarks.TLSImplicit && b.Port == bookmarks.DefaultPort) {
		b.Port = 0
	}
	text := "saved bookmark " + msg.Name + " (without the password)"
	if msg.SavePassword && b.User != "" {
		b.Password = s.Password
		text = "saved bookmark " + msg.Name + " with its password, in " + st.Path()
	}
	return func() tea.Msg {
		err := st.Put(b)
		if err == nil {
			err = st.Save()
		}
		return bookmarkOpMsg{text: text, bookmark: msg.Name, err: err}
	}
}

// noteGoodMode records, for a bookmarked session, the mode that just
// carried a listing or a transfer (the store saves only on a change).
func (m *Model) noteGoodMode() tea.Cmd {
	if m.bookmark == "" || m.opts.Bookmarks == nil || m.sess == nil {
		return nil
	}
	mode := m.sess.Mode().String()
	if mode == m.lastGood {
		return nil
	}
	m.lastGood = mode
	st, name := m.opts.Bookmarks, m.bookmark
	return func() tea.Msg { return goodModeMsg{err: st.SetLastGoodMode(name, mode)} }
}

func bookmarkNamed(st *bookmarks.Store, name string) (bookmarks.Site, bool) {
	if st == nil || name == "" {
		return bookmarks.Site{}, false
	}
	return st.Get(name)
}
