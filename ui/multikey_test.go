package ui

import (
	"context"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"ftpdeck/internal/demoserver"
	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/ui/dialog"
)

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// Bubble Tea v1 delivers letters read at once ("jjj" typed fast, sent by
// tmux or over SSH) as one key message with several runes: each counts.
func TestSeveralRunesInOneMessage(t *testing.T) {
	m := fedModel(t, 100, 30)
	m = update(t, m, runes("jjj"))
	want(t, m.remote.Cursor() == 3, "jjj moved the cursor to %d, want 3", m.remote.Cursor())
	m = update(t, m, runes("kk"))
	want(t, m.remote.Cursor() == 1, "kk: cursor %d, want 1", m.remote.Cursor())

	// "/fir" in one read: / opens the filter, "fir" is typed into it.
	m = update(t, m, runes("/fir"))
	want(t, m.remote.Filtering() && m.remote.Filter() == "fir", "filter %q (filtering %v)", m.remote.Filter(), m.remote.Filtering())
	// Inside a text input several runes are text: "qq" does not quit.
	m = update(t, m, runes("qq"))
	want(t, !m.quitting && m.remote.Filter() == "firqq", "filter %q", m.remote.Filter())

	// A paste outside a text input is not a string of commands.
	m = press(t, m, "esc")
	at := m.remote.Cursor()
	m = update(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjdq"), Paste: true})
	m = update(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("d"), Paste: true})
	want(t, m.remote.Cursor() == at && dlg(m) == nil && !m.quitting, "paste acted: cursor %d dialog %v", m.remote.Cursor(), dlg(m) != nil)

	// "nx" opens the new-folder dialog and types x into it.
	m = update(t, m, runes("nx"))
	want(t, dlg(m) != nil && dlg(m).Kind() == dialog.Input, "no input dialog")
	m, cmd := updateCmd(t, m, keyMsg("enter"))
	done := runCmd(cmd)[0].(dialog.DoneMsg)
	want(t, done.OK && done.Value == "x", "dialog answered %+v", done)
}

// A dialog answers once: "yy" in one read does not delete twice.
func TestDialogAnswersOnce(t *testing.T) {
	m := fedModel(t, 100, 30)
	m = press(t, m, "d")
	m, cmd := updateCmd(t, m, runes("yy"))
	msgs := runCmd(cmd)
	want(t, len(msgs) == 1 && dlg(m) == nil, "answers %d, dialog open %v", len(msgs), dlg(m) != nil)
}

// The delete dialog names the side and enter means no.
func TestDeleteDialogDefaultsToNo(t *testing.T) {
	for _, c := range []struct {
		keys  []string
		title string
	}{{[]string{"d"}, "Delete remote logs?"}, {[]string{"tab", "d"}, "Delete local backup?"}} {
		m := fedModel(t, 100, 30)
		m = press(t, m, c.keys...)
		want(t, dlg(m) != nil && dlg(m).Title() == c.title, "title %q, want %q", dlg(m).Title(), c.title)
		want(t, strings.Contains(m.View(), "y yes · n/enter/esc no"), "footer:\n%s", m.View())
		_, cmd := updateCmd(t, m, keyMsg("enter"))
		done := runCmd(cmd)[0].(dialog.DoneMsg)
		want(t, !done.OK, "enter deleted")
		_, cmd = updateCmd(t, m, keyMsg("y"))
		done = runCmd(cmd)[0].(dialog.DoneMsg)
		want(t, done.OK, "y did not delete")
	}
}

// esc clears a filter accepted with enter (README: "/ filter; esc clears").
func TestEscClearsAcceptedFilter(t *testing.T) {
	m := fedModel(t, 100, 30)
	m = press(t, m, "/", "f", "i", "r", "enter")
	want(t, !m.remote.Filtering() && len(m.remote.Entries()) == 1, "filter not accepted: %d rows", len(m.remote.Entries()))
	m = press(t, m, "esc")
	want(t, m.remote.Filter() == "" && len(m.remote.Entries()) == 6, "esc left filter %q, %d rows", m.remote.Filter(), len(m.remote.Entries()))
}

// A status message never moves the panes: every line above the status
// line is the same with and without one.
func TestStatusMessageKeepsLayout(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {70, 20}} {
		m := fedModel(t, sz[0], sz[1])
		before := strings.Split(m.View(), "\n")
		m.setStatus("queued 3 transfers", false)
		after := strings.Split(m.View(), "\n")
		want(t, len(before) == sz[1] && len(after) == sz[1], "%v: %d and %d lines", sz, len(before), len(after))
		n := m.bodyH
		want(t, strings.Join(before[:n], "\n") == strings.Join(after[:n], "\n"), "%v: panes moved", sz)
		want(t, strings.Contains(after[n], "queued 3 transfers"), "%v: status at line %d: %q", sz, n, after[n])
	}
}

// From 80 columns the file panes stand side by side.
func TestSideBySideFrom80Columns(t *testing.T) {
	for w, side := range map[int]bool{79: false, 80: true, 120: true} {
		m := fedModel(t, w, 24)
		first := strings.Split(m.View(), "\n")[0]
		got := strings.Contains(first, "Remote") && strings.Contains(first, "Local")
		want(t, got == side, "width %d: side by side %v, want %v:\n%s", w, got, side, first)
	}
}

// z gives the focused pane the whole body; z again returns.
func TestZoom(t *testing.T) {
	m := fedModel(t, 80, 24)
	for _, c := range []struct {
		keys []string
		in   string
		out  []string
	}{
		{[]string{"z"}, "Remote /", []string{"Local", "Protocol log", "Queue"}},
		{[]string{"z", "shift+tab"}, "Protocol log", []string{"Remote", "Local", "Queue"}},
		{[]string{"z", "tab", "tab"}, "Queue", []string{"Remote", "Local", "Protocol log"}},
	} {
		z := press(t, m, c.keys...)
		v := z.View()
		want(t, strings.Contains(v, c.in), "%v: %q not shown:\n%s", c.keys, c.in, v)
		for _, o := range c.out {
			want(t, !strings.Contains(v, o), "%v: %q shown while zoomed:\n%s", c.keys, o, v)
		}
		want(t, len(strings.Split(v, "\n")) == 24, "%v: %d lines", c.keys, len(strings.Split(v, "\n")))
		back := press(t, z, "z").View()
		for _, o := range []string{"Remote", "Local", "Queue", "Protocol log"} {
			want(t, strings.Contains(back, o), "%v z: %q missing", c.keys, o)
		}
	}
	// The zoomed pane shows more rows: all six remote entries and the cursor moves over them.
	z := press(t, m, "z", "G")
	want(t, z.remote.Cursor() == 5, "cursor %d", z.remote.Cursor())
}

// While the first connect runs the remote pane says so, not "press o".
func TestConnectingWords(t *testing.T) {
	site := transfer.Site{Host: "ftp.example.com", Port: 21, User: "anonymous"}
	m := New(Options{Session: transfer.NewSession(site, transfer.NewLog(10)), LocalDir: t.TempDir(), NoQueue: true})
	t.Cleanup(m.Close)
	m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	v := ansi.Strip(m.View())
	want(t, strings.Contains(v, "connecting to ftp.example.com:21…"), "no connecting words:\n%s", v)
	want(t, !strings.Contains(v, "press o"), "press o while connecting:\n%s", v)
}

func TestPlural(t *testing.T) {
	for n, w := range map[int]string{0: "0 transfers", 1: "1 transfer", 2: "2 transfers"} {
		want(t, plural(n, "transfer") == w, "plural(%d) = %q", n, plural(n, "transfer"))
	}
	want(t, plural(1, "entry") == "1 entry" && plural(3, "entry") == "3 entries", "entries")
}

// c pressed in the moment between the first listing and the queue coming
// up is kept and runs when the queue is ready (it said "transfers are not
// available in this build").
func TestCopyBeforeQueueIsUp(t *testing.T) {
	srv, err := demoserver.Start(demoserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	site, _, err := transfer.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	site.Timeout = 5 * time.Second
	fq := &addQueue{}
	m := New(Options{Session: transfer.NewSession(site, transfer.NewLog(100)), LocalDir: t.TempDir(),
		NewQueue: func(*transfer.Session) (Queue, error) { return fq, nil }})
	t.Cleanup(m.Close)
	m = update(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	m, cmd := updateCmd(t, m, m.connectCmd()())
	var ready tea.Msg
	for _, msg := range runCmd(cmd) {
		if _, ok := msg.(queueReadyMsg); ok {
			ready = msg // held back: the queue is not up yet
			continue
		}
		if !isSpinner(msg) {
			m = update(t, m, msg)
		}
	}
	want(t, ready != nil && m.queue == nil && len(m.remote.Entries()) > 0, "ready %v, entries %d", ready != nil, len(m.remote.Entries()))
	m = press(t, m, "G", "c")
	want(t, !m.statusErr && strings.Contains(m.status, "when the transfer queue is up"), "status %q", m.status)
	m, cmd = updateCmd(t, m, ready)
	msgs := runCmd(cmd)
	for _, msg := range msgs {
		if q, ok := msg.(queuedMsg); ok {
			m = update(t, m, q)
		}
	}
	last := m.remote.Entries()[len(m.remote.Entries())-1]
	want(t, slices.Equal(fq.added, []string{"/" + last.Name}), "added %v, want %s", fq.added, last.Name)
	want(t, m.status == "queued 1 transfer", "status %q", m.status)
}

// addQueue records downloads added.
type addQueue struct {
	fakeQueue
	added []string
}

func (q *addQueue) AddDownload(_ context.Context, _ *transfer.Conn, remote string, _ bool, _ string) (int, error) {
	q.added = append(q.added, remote)
	return 1, nil
}
func (q *addQueue) Start() {}
func (q *addQueue) Updates() <-chan queue.Summary {
	ch := make(chan queue.Summary)
	close(ch)
	return ch
}
func (q *addQueue) Conflicts() <-chan Conflict { return nil }
func (q *addQueue) Snapshot() queue.Summary    { return queue.Summary{} }

// A server that accepts and never greets: the status line says what was
// waited for and how long, in words ("timed out after 300ms waiting for
// the server's greeting"), never "context deadline exceeded".
func TestGreetingTimeoutInWords(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	site := transfer.Site{Host: "127.0.0.1", Port: port, User: "anonymous", Password: "x", Timeout: 300 * time.Millisecond}
	m := New(Options{Session: transfer.NewSession(site, transfer.NewLog(100)), LocalDir: t.TempDir(), NoQueue: true, DialTimeout: site.Timeout})
	t.Cleanup(m.Close)
	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 30})
	m = update(t, m, m.connectCmd()())
	want(t, m.state == stateFailed, "state %v", m.state)
	want(t, strings.Contains(m.status, "timed out after 300ms waiting for the server's greeting") && !strings.Contains(m.status, "deadline"), "status %q", m.status)
}

// Golden screens: the log pane zoomed, and the delete dialog over the
// panes, at both sizes.
func TestGoldenZoomAndDelete(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run("zoom-log-"+size(sz), func(t *testing.T) {
			golden.RequireEqual(t, view(press(t, fedModel(t, sz[0], sz[1]), "shift+tab", "home", "z")))
		})
		t.Run("delete-"+size(sz), func(t *testing.T) {
			golden.RequireEqual(t, view(press(t, fedModel(t, sz[0], sz[1]), "space", "j", "space", "d")))
		})
	}
}

// Every size draws exactly its height: a small screen gives up the log,
// then the queue, never draws past its last row.
func TestSmallScreensFit(t *testing.T) {
	for _, sz := range [][2]int{{20, 8}, {40, 10}, {60, 12}, {80, 15}, {80, 24}, {200, 60}} {
		m := fedModel(t, sz[0], sz[1])
		for _, keys := range [][]string{nil, {"z"}, {"L"}, {"?"}, {"d"}} {
			v := press(t, m, keys...).View()
			if n := len(strings.Split(v, "\n")); n != sz[1] {
				t.Errorf("%dx%d %v: %d lines", sz[0], sz[1], keys, n)
			}
		}
	}
}
