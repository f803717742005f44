package ui

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/internal/ftpd"
	"ftpdeck/transfer"
	"ftpdeck/transfer/mirror"
)

// TestMirrorKeyBothWays drives M against vsftpd: on a remote folder it
// previews the plan and, on enter, fetches exactly what the local copy
// lacks or has another size of; on a local folder it does the same
// towards the server, deleting a remote extra only with the toggle.
func TestMirrorKeyBothWays(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{NoChroot: true})
	d.WriteFile(t, "site/a.txt", []byte("alpha"))
	d.WriteFile(t, "site/sub/b.txt", []byte("beta, remote"))
	d.WriteFile(t, "site/same.txt", []byte("same"))
	// b.txt is old on the server: its copy must get that time (the queue
	// keeps times), or the way back sees it as newer here.
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(d.Path(t, "site/sub/b.txt"), old, old); err != nil {
		t.Fatal(err)
	}
	local := t.TempDir()
	if err := os.MkdirAll(filepath.Join(local, "site"), 0o755); err != nil {
		t.Fatal(err)
	}
	// same.txt is already there, equal: it must not be touched.
	same := filepath.Join(local, "site", "same.txt")
	if err := os.WriteFile(same, []byte("same"), 0o644); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(same, future, future); err != nil {
		t.Fatal(err)
	}
	site, _, err := transfer.ParseURL("ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/")
	if err != nil {
		t.Fatal(err)
	}
	site.Timeout = 5 * time.Second
	lg := transfer.NewLog(1000)
	m := New(Options{Session: transfer.NewSession(site, lg), Log: lg, LocalDir: local, Parallel: 2, StateDir: t.TempDir()})
	defer func() { m.Close() }()
	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = pump(t, m, m.Init())
	want(t, m.state == stateConnected && m.queue != nil, "state %v status %q", m.state, m.status)

	cursorOn := func(name string) {
		t.Helper()
		p := m.focusedPane()
		m = press(t, m, "home")
		for i := 0; i < 50; i++ {
			if e, ok := p.Current(); ok && e.Name == name {
				return
			}
			m = press(t, m, "j")
			p = m.focusedPane()
		}
		t.Fatalf("no %s in the pane", name)
	}
	cursorOn("site")
	m, cmd := updateCmd(t, m, keyMsg("M"))
	m = pump(t, m, cmd)
	o, _, open := findOverlay[mirrorOverlay](m)
	want(t, open, "no preview after M")
	plan := o.v.Plan()
	want(t, plan.Summary() == "2 new, 0 changed, 0 deleted, 1 unchanged, 17 B to copy", "plan %q", plan.Summary())
	m, cmd = updateCmd(t, m, keyMsg("enter"))
	m = pump(t, m, cmd)
	_, _, open = findOverlay[mirrorOverlay](m)
	want(t, !open && !m.statusErr, "after enter: open %v, status %q", open, m.status)
	waitFor(t, func() bool {
		b, _ := os.ReadFile(filepath.Join(local, "site", "sub", "b.txt"))
		a, _ := os.ReadFile(filepath.Join(local, "site", "a.txt"))
		return string(b) == "beta, remote" && string(a) == "alpha"
	})
	if fi, _ := os.Stat(same); !fi.ModTime().Equal(future) {
		t.Errorf("same.txt was touched: %v", fi.ModTime())
	}
	// vsftpd's LIST gives an old file's day: the copy gets that day
	if fi, _ := os.Stat(filepath.Join(local, "site", "sub", "b.txt")); fi.ModTime().UTC().Format(time.DateOnly) != "2020-01-02" {
		t.Errorf("sub/b.txt did not keep the server's time: %v", fi.ModTime().UTC())
	}

	// The other way: a local change goes up; a remote extra goes only
	// with d.
	if err := os.WriteFile(filepath.Join(local, "site", "a.txt"), []byte("alpha, changed here"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.WriteFile(t, "site/extra.txt", []byte("only on the server"))
	m = press(t, m, "tab")
	m, cmd = updateCmd(t, m, keyMsg("r"))
	m = pump(t, m, cmd)
	cursorOn("site")
	m, cmd = updateCmd(t, m, keyMsg("M"))
	m = pump(t, m, cmd)
	o, _, _ = findOverlay[mirrorOverlay](m)
	// a.txt changed here, same.txt is an hour newer here; sub/b.txt,
	// fetched above with the server's time, is unchanged.
	want(t, strings.HasPrefix(o.v.Plan().Summary(), "0 new, 2 changed, 0 deleted, 1 unchanged"), "reverse plan %q", o.v.Plan().Summary())
	for _, a := range o.v.Plan().Actions {
		if a.Rel == "sub/b.txt" && a.Op != mirror.Unchanged {
			t.Errorf("sub/b.txt: %s (%s), want unchanged", a.Op, a.Reason)
		}
	}
	m = press(t, m, "d")
	o, _, _ = findOverlay[mirrorOverlay](m)
	want(t, o.v.Plan().Count[mirror.Delete] == 1, "with d: %q", o.v.Plan().Summary())
	m, cmd = updateCmd(t, m, keyMsg("enter"))
	m = pump(t, m, cmd)
	waitFor(t, func() bool {
		b, err := os.ReadFile(d.Path(t, "site/a.txt"))
		return err == nil && string(b) == "alpha, changed here"
	})
	if _, err := os.Stat(d.Path(t, "site/extra.txt")); !os.IsNotExist(err) {
		t.Errorf("remote extra kept after delete on: %v", err)
	}
}

// waitFor polls cond (a file on disk: there is no event to wait on) for up
// to 20 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
