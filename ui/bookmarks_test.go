package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
	"ftpdeck/ui/bookmarkview"
	"ftpdeck/ui/filepane"
)

// bmStore is a bookmarks store in a temp config folder, with $NETRC
// pointing at an empty file so the user's own netrc never answers.
func bmStore(t *testing.T, sites ...bookmarks.Site) *bookmarks.Store {
	t.Helper()
	dir := t.TempDir()
	netrc := filepath.Join(dir, "netrc")
	if err := os.WriteFile(netrc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NETRC", netrc)
	st, _, err := bookmarks.Open(filepath.Join(dir, "config"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sites {
		if err := st.Put(s); err != nil {
			t.Fatal(err)
		}
	}
	if len(sites) > 0 {
		if err := st.Save(); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func sampleBookmarks() []bookmarks.Site {
	return []bookmarks.Site{
		{Name: "camera", Host: "192.168.1.20", User: "admin", Password: "hunter2", LastGoodMode: "active"},
		{Name: "mirror", Host: "ftp.example.org", RemoteDir: "/pub"},
		{Name: "plc", Host: "127.0.0.1", Port: 2121, User: "op", Mode: "active", TLS: "explicit"},
		{Name: "printer", Host: "10.0.0.9", User: "lp", PasswordCmd: "pass printer"},
	}
}

// bmModel is fedModel with a bookmarks store (and sess's password "demo").
func bmModel(t *testing.T, w, h int, st *bookmarks.Store, bookmark string) Model {
	t.Helper()
	lg := transfer.NewLog(100)
	site := transfer.Site{Host: "127.0.0.1", Port: 2121, User: "demo", Password: "demo-s3cret"}
	sess := transfer.NewSession(site, lg)
	return feedConnected(t, New(Options{Session: sess, Log: lg, LocalDir: fixedLocal(t), NoQueue: true, Title: "ftpdeck", Bookmarks: st, Bookmark: bookmark}), w, h)
}

// settle runs cmd and feeds back the bookmark messages it yields (not the
// connection's: nothing dials), until none is left.
func settle(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	for range 5 {
		var next []tea.Cmd
		for _, msg := range runCmd(cmd) {
			switch msg.(type) {
			case bookmarkview.ConnectMsg, bookmarkview.PasswordMsg, bookmarkview.CancelMsg, bookmarkview.EditedMsg,
				bookmarkview.DeleteMsg, bookmarkview.SaveMsg, bookmarkSiteMsg, bookmarkOpMsg, goodModeMsg:
				var c tea.Cmd
				m, c = updateCmd(t, m, msg)
				next = append(next, c)
			}
		}
		if len(next) == 0 {
			return m
		}
		cmd = tea.Batch(next...)
	}
	return m
}

// pressSettle presses keys, settling the commands of each.
func pressSettle(t *testing.T, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = updateCmd(t, m, keyMsg(k))
		m = settle(t, m, cmd)
	}
	return m
}

func TestGoldenBookmarkList(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(size(sz), func(t *testing.T) {
			m := bmModel(t, sz[0], sz[1], bmStore(t, sampleBookmarks()...), "")
			m = press(t, m, "b")
			golden.RequireEqual(t, view(m))
		})
	}
}

func TestBookmarkListConnectAsksPasswordMasked(t *testing.T) {
	m := bmModel(t, 100, 30, bmStore(t, sampleBookmarks()...), "")
	m = pressSettle(t, m, "b", "/", "p", "l", "c", "enter")
	if bmv(m) == nil || bmv(m).Kind() != bookmarkview.Password {
		t.Fatalf("no password prompt; status %q", m.status)
	}
	if !strings.Contains(m.View(), "Password for op@127.0.0.1:2121") {
		t.Fatalf("prompt:\n%s", m.View())
	}
	m = pressSettle(t, m, "t", "0", "p", "s", "e", "c", "r", "e", "t")
	if v := m.View(); strings.Contains(v, "t0psecret") || !strings.Contains(v, "•••••••••") {
		t.Fatalf("prompt not masked:\n%s", v)
	}
	m = pressSettle(t, m, "enter")
	if bmv(m) != nil {
		t.Fatal("prompt still open")
	}
	s := m.sess.Site()
	if s.Password != "t0psecret" || s.Port != 2121 || s.TLS != transfer.TLSExplicit || m.sess.Mode() != transfer.Active {
		t.Fatalf("session site %+v mode %v", s, m.sess.Mode())
	}
	if m.bookmark != "plc" || m.state != stateConnecting {
		t.Fatalf("bookmark %q state %v", m.bookmark, m.state)
	}
	if strings.Contains(m.View(), "t0psecret") {
		t.Fatal("password on screen")
	}
}

func TestBookmarkListSavedPasswordConnectsAndNotesMode(t *testing.T) {
	m := bmModel(t, 100, 30, bmStore(t, sampleBookmarks()...), "")
	m = pressSettle(t, m, "b", "enter") // camera: saved password, last good mode active
	if bmv(m) != nil || m.sess.Site().Password != "hunter2" || m.sess.Mode() != transfer.Active {
		t.Fatalf("site %+v", m.sess.Site())
	}
	var noted bool
	for _, e := range m.log.Snapshot() {
		noted = noted || e.Note == "using the mode that last worked for camera: active"
	}
	if !noted {
		t.Fatal("no log note for the remembered mode")
	}
	if strings.Contains(m.View(), "hunter2") {
		t.Fatal("password on screen")
	}
}

func TestBookmarkPasswordCmdFailureIsClear(t *testing.T) {
	st := bmStore(t, bookmarks.Site{Name: "box", Host: "h", User: "u", PasswordCmd: "/nonexistent/ftpdeck-pw"})
	m := bmModel(t, 100, 30, st, "")
	m = pressSettle(t, m, "b", "enter")
	if !m.statusErr || !strings.Contains(m.status, "box") || !strings.Contains(m.status, "password_cmd") {
		t.Fatalf("status %q", m.status)
	}
}

func TestBookmarkDeleteAsksThenSaves(t *testing.T) {
	st := bmStore(t, sampleBookmarks()...)
	m := bmModel(t, 100, 30, st, "")
	m = pressSettle(t, m, "b", "j", "d")
	if _, ok := st.Get("mirror"); !ok || !strings.Contains(m.View(), "Delete bookmark mirror? y/n") {
		t.Fatalf("no question:\n%s", m.View())
	}
	m = pressSettle(t, m, "y")
	if _, ok := st.Get("mirror"); ok {
		t.Fatal("not deleted")
	}
	again, _, err := bookmarks.Open(filepath.Dir(st.Path()))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := again.Get("mirror"); ok {
		t.Fatal("not saved")
	}
	if bmv(m) == nil || bmv(m).Kind() != bookmarkview.List || m.status != "deleted bookmark mirror" {
		t.Fatalf("list not reopened; status %q", m.status)
	}
}

func TestBookmarkEditSaves(t *testing.T) {
	st := bmStore(t, sampleBookmarks()...)
	m := bmModel(t, 100, 30, st, "")
	m = pressSettle(t, m, "b", "j", "e", "tab", "tab", "2", "1", "enter")
	b, ok := st.Get("mirror")
	if !ok || b.Port != 21 {
		t.Fatalf("edited %+v (status %q)", b, m.status)
	}
}

func TestSaveSiteAsksAboutPassword(t *testing.T) {
	for _, yes := range []bool{false, true} {
		t.Run(fmt.Sprint("save password ", yes), func(t *testing.T) {
			st := bmStore(t)
			m := bmModel(t, 100, 30, st, "")
			m = pressSettle(t, m, "B")
			if bmv(m) == nil || bmv(m).Kind() != bookmarkview.Save {
				t.Fatal("B did not open the save form")
			}
			for range len("127.0.0.1") {
				m = pressSettle(t, m, "backspace")
			}
			m = pressSettle(t, m, "h", "o", "m", "e")
			if yes {
				m = pressSettle(t, m, "tab", "space")
			}
			m = pressSettle(t, m, "enter")
			data, err := os.ReadFile(st.Path())
			if err != nil {
				t.Fatalf("not saved: %v (status %q)", err, m.status)
			}
			if got := strings.Contains(string(data), "demo-s3cret"); got != yes {
				t.Fatalf("password in file = %v, want %v:\n%s", got, yes, data)
			}
			if !strings.Contains(string(data), `name = "home"`) || m.bookmark != "home" {
				t.Fatalf("file:\n%s", data)
			}
			if fi, _ := os.Stat(st.Path()); fi.Mode().Perm() != 0o600 {
				t.Fatalf("mode %v", fi.Mode())
			}
			if strings.Contains(m.View(), "demo-s3cret") {
				t.Fatal("password on screen")
			}
		})
	}
}

func TestLastGoodModeRecordedAfterListing(t *testing.T) {
	st := bmStore(t, bookmarks.Site{Name: "plc", Host: "127.0.0.1", Port: 2121, User: "demo", Password: "demo-s3cret"})
	m := bmModel(t, 100, 30, st, "plc")
	m.sess.SetMode(transfer.Active)
	m, cmd := updateCmd(t, m, filepane.ListedMsg{Pane: remotePane, Req: m.remote.Request(), Dir: "/", Entries: remoteEntries})
	m = settle(t, m, cmd)
	if b, _ := st.Get("plc"); b.LastGoodMode != "active" {
		t.Fatalf("last_good_mode %q", b.LastGoodMode)
	}
	if m.lastGood != "active" {
		t.Fatalf("lastGood %q", m.lastGood)
	}
}

func TestStartNoticesShownInDialog(t *testing.T) {
	m := New(Options{LocalDir: fixedLocal(t), NoQueue: true, Notices: []string{"/cfg/bookmarks.toml:3:7: expected '='"}})
	t.Cleanup(m.Close)
	if dlg(m) == nil || !strings.Contains(m.View(), "bookmarks.toml:3:7") {
		t.Fatalf("notice not shown:\n%s", m.View())
	}
}

func TestAskPasswordAtStart(t *testing.T) {
	lg := transfer.NewLog(100)
	sess := transfer.NewSession(transfer.Site{Host: "127.0.0.1", Port: 2121, User: "bob"}, lg)
	m := New(Options{Session: sess, Log: lg, LocalDir: fixedLocal(t), NoQueue: true, AskPassword: true})
	t.Cleanup(m.Close)
	if bmv(m) == nil || bmv(m).Kind() != bookmarkview.Password || m.state != stateOffline {
		t.Fatalf("no prompt at start")
	}
	m = pressSettle(t, m, "p", "w", "enter")
	if m.sess.Site().Password != "pw" || m.state != stateConnecting {
		t.Fatalf("site %+v", m.sess.Site())
	}
}
