package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/internal/demoserver"
	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/ui/dialog"
	"ftpdeck/ui/filepane"
)

// TestKeys feeds every key of INTERFACE.md's main screen to Update and
// checks the state it leads to and the command it returns.
func TestKeys(t *testing.T) {
	cases := []struct {
		name  string
		keys  []string
		check func(t *testing.T, m Model, cmd tea.Cmd)
	}{
		{"tab", []string{"tab"}, func(t *testing.T, m Model, _ tea.Cmd) { want(t, m.focus == focusLocal, "focus %v", m.focus) }},
		{"shift+tab", []string{"shift+tab"}, func(t *testing.T, m Model, _ tea.Cmd) { want(t, m.focus == focusLog, "focus %v", m.focus) }},
		{"down/j", []string{"down", "j"}, cursorAt(2)},
		{"up/k", []string{"j", "j", "j", "up", "k"}, cursorAt(1)},
		{"pgdn/pgup", []string{"pgdown", "pgup"}, cursorAt(0)},
		{"end/G", []string{"end"}, cursorAt(5)},
		{"G", []string{"G"}, cursorAt(5)},
		{"home/g", []string{"G", "home"}, cursorAt(0)},
		{"g", []string{"G", "g"}, cursorAt(0)},
		{"enter opens", []string{"enter"}, opensList("/logs")},
		{"right opens", []string{"right"}, opensList("/logs")},
		{"l opens", []string{"l"}, opensList("/logs")},
		{"space marks", []string{"space"}, marked(1)},
		{"insert marks", []string{"insert", "insert"}, marked(2)},
		{"a marks all", []string{"a"}, marked(6)},
		{"a twice unmarks", []string{"a", "a"}, marked(0)},
		{"r refreshes", []string{"r"}, loading},
		{"ctrl+r refreshes", []string{"ctrl+r"}, loading},
		{". hidden", []string{"."}, func(t *testing.T, m Model, cmd tea.Cmd) {
			want(t, m.remote.ShowHidden() && m.remote.Loading() && cmd != nil, "hidden %v", m.remote.ShowHidden())
		}},
		{"s sorts", []string{"s"}, func(t *testing.T, m Model, _ tea.Cmd) {
			want(t, m.remote.SortOrder() == filepane.BySize, "sort %v", m.remote.SortOrder())
			es := m.remote.Entries()
			want(t, es[2].Name == "firmware-2.1.bin", "first file %q", es[2].Name)
		}},
		{"/ filters, esc clears", []string{"/", "f", "i", "r", "m"}, func(t *testing.T, m Model, _ tea.Cmd) {
			want(t, len(m.remote.Entries()) == 1 && m.remote.Filtering(), "entries %d", len(m.remote.Entries()))
			m = press(t, m, "esc")
			want(t, len(m.remote.Entries()) == 6 && !m.remote.Filtering(), "after esc %d", len(m.remote.Entries()))
		}},
		{"/ keeps q", []string{"/", "q"}, func(t *testing.T, m Model, _ tea.Cmd) {
			want(t, !m.quitting && m.remote.Filter() == "q", "filter %q", m.remote.Filter())
		}},
		{"p toggles", []string{"p"}, func(t *testing.T, m Model, _ tea.Cmd) {
			want(t, m.sess.Mode() == transfer.Active && strings.Contains(m.statusBar(120), "ACTIVE"), "mode %v", m.sess.Mode())
			want(t, strings.Contains(strings.Join(m.logv.Lines(), "\n"), "mode: passive → active"), "log note missing")
		}},
		{"n new folder", []string{"n"}, dialogKind(dialog.Input, "New folder in /")},
		{"f7 new folder", []string{"f7"}, dialogKind(dialog.Input, "New folder in /")},
		{"R rename", []string{"R"}, dialogKind(dialog.Input, "Rename logs")},
		{"f6 rename", []string{"f6"}, dialogKind(dialog.Input, "Rename logs")},
		{"d delete", []string{"d"}, dialogKind(dialog.Confirm, "Delete remote logs?")},
		{"delete", []string{"delete"}, dialogKind(dialog.Confirm, "Delete remote logs?")},
		{"f8 delete", []string{"space", "f8"}, dialogKind(dialog.Confirm, "Delete remote logs?")},
		{"o connect", []string{"o"}, dialogKind(dialog.Connect, "Open a connection")},
		{"b bookmarks disabled without a store", []string{"b"}, func(t *testing.T, m Model, _ tea.Cmd) { want(t, dlg(m) == nil, "dialog open") }},
		{"L hides log", []string{"L"}, func(t *testing.T, m Model, _ tea.Cmd) {
			want(t, !m.showLog && !strings.Contains(m.View(), "Protocol log"), "log shown")
		}},
		{"D doctor", []string{"D"}, func(t *testing.T, m Model, _ tea.Cmd) {
			want(t, strings.Contains(m.status, "mode doctor"), "status %q", m.status)
		}},
		{"? help", []string{"?"}, func(t *testing.T, m Model, _ tea.Cmd) {
			want(t, helpOpen(m) && strings.Contains(m.View(), "ftpdeck keys"), "help")
			m = press(t, m, "G")
			want(t, strings.Contains(m.View(), "retry in other mode"), "help's end")
			m = press(t, m, "esc")
			want(t, !helpOpen(m), "esc closes help")
		}},
		{"q quits", []string{"q"}, quits},
		{"ctrl+c quits", []string{"ctrl+c"}, quits},
		{"c without queue", []string{"c"}, func(t *testing.T, m Model, _ tea.Cmd) {
			want(t, m.statusErr && strings.Contains(m.status, "queue"), "status %q", m.status)
		}},
		{"f5 without queue", []string{"f5"}, func(t *testing.T, m Model, _ tea.Cmd) { want(t, m.statusErr, "status %q", m.status) }},
		{"backspace parent", []string{"enter"}, func(t *testing.T, m Model, _ tea.Cmd) {
			m = update(t, m, filepane.ListedMsg{Pane: remotePane, Req: m.remote.Request(), Dir: "/logs"})
			for _, k := range []string{"backspace", "left", "h"} {
				mm, cmd := updateCmd(t, m, keyMsg(k))
				want(t, mm.remote.Loading() && cmd != nil, "%s: no listing", k)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := fedModel(t, 100, 30)
			var cmd tea.Cmd
			for _, k := range c.keys {
				m, cmd = updateCmd(t, m, keyMsg(k))
			}
			c.check(t, m, cmd)
		})
	}
}

func want(t *testing.T, ok bool, f string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(f, args...)
	}
}

func cursorAt(i int) func(*testing.T, Model, tea.Cmd) {
	return func(t *testing.T, m Model, _ tea.Cmd) {
		want(t, m.remote.Cursor() == i, "cursor %d, want %d", m.remote.Cursor(), i)
	}
}

func marked(n int) func(*testing.T, Model, tea.Cmd) {
	return func(t *testing.T, m Model, _ tea.Cmd) {
		want(t, len(m.remote.Marked()) == n, "marked %d, want %d", len(m.remote.Marked()), n)
	}
}

func loading(t *testing.T, m Model, cmd tea.Cmd) {
	want(t, m.remote.Loading() && cmd != nil, "not loading")
}

func opensList(dir string) func(*testing.T, Model, tea.Cmd) {
	return func(t *testing.T, m Model, cmd tea.Cmd) {
		want(t, m.remote.Loading() && cmd != nil, "not loading")
		// A stale answer (older request) is dropped; the current one lands.
		m = update(t, m, filepane.ListedMsg{Pane: remotePane, Req: m.remote.Request() - 1, Dir: "/old"})
		want(t, m.remote.Dir() == "/", "stale listing applied: %s", m.remote.Dir())
		m = update(t, m, filepane.ListedMsg{Pane: remotePane, Req: m.remote.Request(), Dir: dir})
		want(t, m.remote.Dir() == dir, "dir %s", m.remote.Dir())
	}
}

func dialogKind(k dialog.Kind, title string) func(*testing.T, Model, tea.Cmd) {
	return func(t *testing.T, m Model, _ tea.Cmd) {
		want(t, dlg(m) != nil && dlg(m).Kind() == k && dlg(m).Title() == title, "dialog %+v", dlg(m))
		m, cmd := updateCmd(t, m, keyMsg("esc"))
		want(t, dlg(m) == nil, "esc did not close")
		msgs := runCmd(cmd)
		want(t, len(msgs) == 1, "esc answered %d times", len(msgs))
		done, ok := msgs[0].(dialog.DoneMsg)
		want(t, ok && !done.OK, "esc answered %#v", msgs[0])
	}
}

func quits(t *testing.T, m Model, cmd tea.Cmd) {
	want(t, cmd != nil, "no command")
	_, ok := cmd().(tea.QuitMsg)
	want(t, ok, "not tea.Quit")
}

type fakeQueue struct {
	Queue
	sum   queue.Summary
	calls []string
}

func (f *fakeQueue) Snapshot() queue.Summary { return f.sum }
func (f *fakeQueue) NewBatch() int64         { return 0 }
func (f *fakeQueue) Warm()                   { f.calls = append(f.calls, "warm") }
func (f *fakeQueue) Pause(id int64) error    { f.calls = append(f.calls, "pause"); return nil }
func (f *fakeQueue) Cancel(id int64) error   { f.calls = append(f.calls, "cancel"); return nil }
func (f *fakeQueue) Remove(id int64) error   { f.calls = append(f.calls, "remove"); return nil }
func (f *fakeQueue) Retry(id int64, o bool) error {
	f.calls = append(f.calls, map[bool]string{false: "retry", true: "retry-other"}[o])
	return nil
}
func (f *fakeQueue) MoveUp(id int64) error   { f.calls = append(f.calls, "up"); return nil }
func (f *fakeQueue) MoveDown(id int64) error { f.calls = append(f.calls, "down"); return nil }
func (f *fakeQueue) PauseAll()               { f.calls = append(f.calls, "pause-all") }
func (f *fakeQueue) Close() error            { return nil }

// TestQueueKeys drives the queue pane's keys through the root to the queue,
// and checks q asks while transfers run.
func TestQueueKeys(t *testing.T) {
	m := fedModel(t, 100, 30)
	fq := &fakeQueue{sum: queue.Summary{Running: 1, Queued: 1, Jobs: []*queue.Job{
		{ID: 1, Dir: queue.Download, Remote: "/pub/a.bin", Size: 1000, Done: 500, State: queue.Running, Speed: 2e6},
		{ID: 2, Dir: queue.Upload, Local: "/tmp/b.txt", Size: 10, State: queue.Failed, Err: "active: server could not connect back"},
	}}}
	m.queue = fq
	m = update(t, m, queueMsg{gen: m.gen, sum: fq.sum, closed: true})
	m = press(t, m, "tab", "tab") // remote → local → queue
	want(t, m.focus == focusQueue, "focus %v", m.focus)
	for _, k := range []string{"space", "x", "j", "r", "m", "delete", "K", "J", "P"} {
		var cmd tea.Cmd
		m, cmd = updateCmd(t, m, keyMsg(k))
		for _, msg := range runCmd(cmd) {
			m, cmd = updateCmd(t, m, msg)
			runCmd(cmd)
		}
	}
	got := strings.Join(fq.calls, ",")
	want(t, got == "pause,cancel,retry,retry-other,remove,up,down,pause-all", "calls %s", got)
	m, cmd := updateCmd(t, m, keyMsg("q"))
	want(t, cmd == nil && dlg(m) != nil && dlg(m).Kind() == dialog.Confirm, "q did not ask")
	m, cmd = updateCmd(t, m, keyMsg("y"))
	m, cmd = updateCmd(t, m, runCmd(cmd)[0])
	quits(t, m, cmd)
}

// TestConflictDialog shows a conflict and passes the answer to Decide.
func TestConflictDialog(t *testing.T) {
	m := fedModel(t, 80, 24)
	m.queue = &fakeQueue{}
	var got queue.Policy
	var all bool
	c := Conflict{Job: queue.Job{Local: "/tmp/a.txt", Size: 2048}, ExistingSize: 1024, Decide: func(p queue.Policy, a bool) { got, all = p, a }}
	m.conflicts = append(m.conflicts, c)
	nm, _ := m.nextConflict()
	m = nm.(Model)
	want(t, dlg(m) != nil && dlg(m).Kind() == dialog.Choice, "no dialog")
	m, cmd := updateCmd(t, m, keyMsg("R"))
	m = update(t, m, runCmd(cmd)[0])
	want(t, got == queue.Resume && all && dlg(m) == nil, "got %v %v", got, all)
}

// TestLiveDemo runs the real engine against the embedded demo server:
// connect, list, open a folder, toggle to active and list again (PORT in
// the log), create and delete a local folder, download a file.
func TestLiveDemo(t *testing.T) {
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
	lg := transfer.NewLog(1000)
	local := t.TempDir()
	m := New(Options{Session: transfer.NewSession(site, lg), Log: lg, LocalDir: local, Parallel: 1})
	defer func() { m.Close() }()
	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = pump(t, m, m.Init())
	want(t, m.state == stateConnected, "state %v status %q", m.state, m.status)
	want(t, len(m.remote.Entries()) > 3, "remote entries %d", len(m.remote.Entries()))
	for i, e := range m.remote.Entries() {
		if e.Name == "docs" {
			m = press(t, m, "home")
			for range i {
				m = press(t, m, "j")
			}
			break
		}
	}
	m, cmd := updateCmd(t, m, keyMsg("enter"))
	m = pump(t, m, cmd)
	want(t, m.remote.Dir() == "/docs", "dir %s", m.remote.Dir())
	m = press(t, m, "p")
	m, cmd = updateCmd(t, m, keyMsg("r"))
	m = pump(t, m, cmd)
	want(t, m.remote.Err() == nil, "active listing: %v", m.remote.Err())
	log := ""
	for _, e := range lg.Snapshot() {
		log += e.String() + "\n"
	}
	want(t, strings.Contains(log, "> PORT 127,0,0,1,") || strings.Contains(log, "> EPRT"), "no PORT in log")

	// Download the file under the cursor into the local folder.
	m = press(t, m, "home")
	for e, ok := m.remote.Current(); ok && e.Kind == filepane.Folder; e, ok = m.remote.Current() {
		m = press(t, m, "j")
	}
	file, _ := m.remote.Current()
	m, cmd = updateCmd(t, m, keyMsg("c"))
	m = pump(t, m, cmd)
	want(t, !m.statusErr, "copy: %s", m.status)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(filepath.Join(local, file.Name)); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, err = os.Stat(filepath.Join(local, file.Name))
	want(t, err == nil, "download of %s: %v (status %q)", file.Name, err, m.status)

	// New folder and delete on the local side.
	m = press(t, m, "tab", "n", "n", "e", "w")
	m, cmd = updateCmd(t, m, keyMsg("enter"))
	m = pump(t, m, cmd)
	_, err = os.Stat(filepath.Join(local, "new"))
	want(t, err == nil, "mkdir: %v (%s)", err, m.status)
}

// pump runs cmd and feeds its messages back, breadth first, for a while.
func pump(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for i := 0; i < 200 && len(queue) > 0; i++ {
		c := queue[0]
		queue = queue[1:]
		for _, msg := range runCmd(c) {
			if isSpinner(msg) || isWait(msg) {
				continue
			}
			var next tea.Cmd
			m, next = updateCmd(t, m, msg)
			if next != nil {
				queue = append(queue, next)
			}
		}
	}
	return m
}
