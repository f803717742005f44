package ui

import (
	"net/url"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/internal/ftpd"
	"ftpdeck/transfer"
)

// TestStartsInLoginFolder: against vsftpd as Debian ships it (no chroot),
// the remote pane opens in the login folder (PWD), not the machine's
// root; a URL path is under it, and %2F reaches the root.
func TestStartsInLoginFolder(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{NoChroot: true})
	d.WriteFile(t, "pub/a.txt", []byte("alpha\n"))
	base := "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr()
	for _, c := range []struct{ url, dir string }{
		{base, d.Home},
		{base + "/", d.Home},
		{base + "/pub", d.Home + "/pub"},
		{base + "/%2Fetc", "/etc"},
	} {
		site, _, err := transfer.ParseURL(c.url)
		if err != nil {
			t.Fatal(err)
		}
		site.Timeout = 5 * time.Second
		lg := transfer.NewLog(100)
		m := New(Options{Session: transfer.NewSession(site, lg), Log: lg, LocalDir: t.TempDir(), Parallel: 1})
		m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
		m = pump(t, m, m.Init())
		want(t, m.state == stateConnected, "%s: state %v status %q", c.url, m.state, m.status)
		want(t, m.remote.Dir() == c.dir, "%s: remote pane in %q, want %q", c.url, m.remote.Dir(), c.dir)
		m.Close()
	}
}
