package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/internal/demoserver"
	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/ui/dialog"
	"ftpdeck/ui/viewer"
)

// driver runs a model's commands as the program would: each in a
// goroutine, their messages fed back in order of arrival.
type driver struct {
	t    *testing.T
	ch   chan tea.Msg
	done chan struct{}
}

func newDriver(t *testing.T) *driver {
	d := &driver{t: t, ch: make(chan tea.Msg, 64), done: make(chan struct{})}
	t.Cleanup(func() { close(d.done) })
	return d
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		switch msg := cmd().(type) {
		case nil:
		case tea.BatchMsg:
			for _, c := range msg {
				d.run(c)
			}
		default:
			select {
			case d.ch <- msg:
			case <-d.done:
			}
		}
	}()
}

// key presses k and runs its command.
func (d *driver) key(m Model, keys ...string) Model {
	d.t.Helper()
	for _, k := range keys {
		msg := keyMsg(k)
		switch k {
		case "f3":
			msg = tea.KeyMsg{Type: tea.KeyF3}
		case "f4":
			msg = tea.KeyMsg{Type: tea.KeyF4}
		}
		var cmd tea.Cmd
		m, cmd = updateCmd(d.t, m, msg)
		d.run(cmd)
	}
	return m
}

// until feeds messages to m until cond holds.
func (d *driver) until(m Model, what string, cond func(Model) bool) Model {
	d.t.Helper()
	deadline := time.After(20 * time.Second)
	for !cond(m) {
		select {
		case msg := <-d.ch:
			var cmd tea.Cmd
			m, cmd = updateCmd(d.t, m, msg)
			d.run(cmd)
		case <-deadline:
			d.t.Fatalf("never %s; status %q; screen:\n%s", what, m.status, m.View())
		}
	}
	return m
}

// demoModel is a model connected to the embedded server over root, with
// local as the local pane's folder and (withQueue) a real queue, both
// panes listed.
func demoModel(t *testing.T, d *driver, root, local string, withQueue bool) Model {
	t.Helper()
	srv, err := demoserver.Start(demoserver.Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return urlModel(t, d, srv.URL(), local, withQueue)
}

// urlModel is demoModel on the server at u.
func urlModel(t *testing.T, d *driver, u, local string, withQueue bool) Model {
	t.Helper()
	site, _, err := transfer.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	site.Timeout = 5 * time.Second
	lg := transfer.NewLog(1000)
	opts := Options{Session: transfer.NewSession(site, lg), Log: lg, LocalDir: local, NoQueue: !withQueue}
	if withQueue {
		opts.NewQueue = DefaultQueueFactory(1, "", queue.Ask)
	}
	m := New(opts)
	t.Cleanup(func() { m.Close() })
	m = update(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	d.run(m.Init())
	return d.until(m, "listed both panes", func(m Model) bool {
		return m.state == stateConnected && !m.remote.Loading() && !m.local.Loading() &&
			(!withQueue || m.queue != nil)
	})
}

// topViewer returns the viewer on top, if one is.
func topViewer(m Model) (viewer.Model, bool) {
	o, ok := m.top().(viewerOverlay)
	return o.v, ok
}

func TestViewLocalFileSearchAndClose(t *testing.T) {
	local := t.TempDir()
	if err := os.WriteFile(filepath.Join(local, "a.txt"), []byte("hello\nsecond line\nworld\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t)
	m := demoModel(t, d, t.TempDir()+"/", local, false)
	m = d.key(m, "tab")
	want(t, m.focus == focusLocal, "focus %v", m.focus)
	m = d.key(m, "v")
	m = d.until(m, "read the file", func(m Model) bool { v, ok := topViewer(m); return ok && v.EOF() })
	want(t, strings.Contains(m.View(), "second line"), "the viewer does not show the file:\n%s", m.View())
	m = update(t, m, tea.WindowSizeMsg{Width: 90, Height: 20})
	v, _ := topViewer(m)
	want(t, strings.Contains(v.View(), "line 1 of 3") && len(strings.Split(v.View(), "\n")) == m.bodyH, "resized viewer:\n%s", v.View())
	m = d.key(m, "/", "WORLD", "enter")
	v, _ = topViewer(m)
	want(t, v.Match() == 2, "search: match %d, want 2", v.Match())
	m = d.key(m, "q")
	_, open := topViewer(m)
	want(t, !open, "q did not close the viewer")
	want(t, m.focus == focusLocal, "focus moved: %v", m.focus)
}

// A remote file larger than a window: the first window shows at once (on
// a connection of the viewer's own), the rest is read on demand, and
// nothing is written to disk.
func TestViewRemoteLargeFileReadsFirstWindow(t *testing.T) {
	root, local, tmp := t.TempDir(), t.TempDir(), t.TempDir()
	t.Setenv("TMPDIR", tmp)
	f, err := os.Create(filepath.Join(root, "big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\x00\x01binary head"); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(5 * viewer.Window / 2); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	d := newDriver(t)
	m := demoModel(t, d, root, local, false)
	start := time.Now()
	m = d.key(m, "f3")
	m = d.until(m, "read the first window", func(m Model) bool { v, ok := topViewer(m); return ok && v.Read() > 0 })
	took := time.Since(start)
	v, _ := topViewer(m)
	want(t, v.Hex() && !v.EOF() && v.Read() == viewer.Window, "hex %v eof %v read %d", v.Hex(), v.EOF(), v.Read())
	want(t, strings.Contains(m.View(), "00000000  00 01 62 69"), "no hex on screen:\n%s", m.View())
	t.Logf("first window of a %d-byte remote file in %v", 5*viewer.Window/2, took)
	m = d.key(m, "G")
	m = d.until(m, "read to the end", func(m Model) bool { v, _ := topViewer(m); return v.EOF() || v.Err() != nil })
	v, _ = topViewer(m)
	want(t, v.Err() == nil, "read: %v", v.Err())
	v, _ = topViewer(m)
	want(t, v.Read() == 5*viewer.Window/2, "read %d bytes", v.Read())
	m = d.key(m, "esc")
	_, open := topViewer(m)
	want(t, !open, "esc did not close the viewer")
	for _, dir := range []string{local, tmp} {
		es, _ := os.ReadDir(dir)
		want(t, len(es) == 0, "viewing left files in %s: %v", dir, es)
	}
}

// editorScript writes an editor that runs body with the file as $1 and
// makes it $VISUAL.
func editorScript(t *testing.T, body string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ed.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VISUAL", p)
}

// editModel is a demo model whose editor runs without a terminal, with
// TMPDIR a folder of the test's.
func editModel(t *testing.T, d *driver, root, local string) (Model, string) {
	t.Helper()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	m := demoModel(t, d, root, local, true)
	m.runEditor = func(c *exec.Cmd, cb tea.ExecCallback) tea.Cmd {
		return func() tea.Msg { return cb(c.Run()) }
	}
	return m, tmp
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEditRemoteUploadsTheChange(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "conf.ini"), []byte("a=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	editorScript(t, `echo "b=2" >> "$1"`)
	d := newDriver(t)
	m, tmp := editModel(t, d, root, t.TempDir())
	m = d.key(m, "e")
	m = d.until(m, "uploaded", func(m Model) bool { return strings.HasPrefix(m.status, "uploaded conf.ini") })
	want(t, readFile(t, filepath.Join(root, "conf.ini")) == "a=1\nb=2\n", "server has %q", readFile(t, filepath.Join(root, "conf.ini")))
	m = d.until(m, "removed the copy", func(m Model) bool { return len(m.edits) == 0 })
	_ = m
	d.until(m, "copy gone", func(Model) bool { es, _ := os.ReadDir(tmp); return len(es) == 0 })
}

func TestEditUnchangedOrFailedEditorUploadsNothing(t *testing.T) {
	for _, tc := range []struct{ name, script, status string }{
		{"unchanged", `true`, "conf.ini unchanged: nothing uploaded"},
		{"editor fails", `echo "b=2" >> "$1"; exit 3`, "editor failed (exit status 3): nothing uploaded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			if err := os.WriteFile(filepath.Join(root, "conf.ini"), []byte("a=1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			editorScript(t, tc.script)
			d := newDriver(t)
			m, tmp := editModel(t, d, root, t.TempDir())
			m = d.key(m, "f4")
			m = d.until(m, "said "+tc.status, func(m Model) bool { return m.status == tc.status })
			d.until(m, "copy gone", func(Model) bool { es, _ := os.ReadDir(tmp); return len(es) == 0 })
			want(t, readFile(t, filepath.Join(root, "conf.ini")) == "a=1\n", "server file changed")
			want(t, len(m.queue.Snapshot().Jobs) == 0, "a job was queued: %+v", m.queue.Snapshot().Jobs)
		})
	}
}

// The server's copy changes while the editor runs: the upload asks, and
// "no" leaves the server's copy.
func TestEditRemoteChangedMeanwhileAsks(t *testing.T) {
	for _, answer := range []string{"esc", "y"} {
		t.Run(answer, func(t *testing.T) {
			root := t.TempDir()
			srvFile := filepath.Join(root, "conf.ini")
			if err := os.WriteFile(srvFile, []byte("a=1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			editorScript(t, `echo "b=2" >> "$1"; echo "someone else" >> "`+srvFile+`"`)
			d := newDriver(t)
			m, tmp := editModel(t, d, root, t.TempDir())
			m = d.key(m, "e")
			m = d.until(m, "asked", func(m Model) bool { return dlg(m) != nil })
			want(t, dlg(m).Kind() == dialog.Confirm && strings.Contains(m.View(), "changed while you edited"), "dialog:\n%s", m.View())
			m = d.key(m, answer)
			if answer == "esc" {
				m = d.until(m, "said not uploaded", func(m Model) bool { return strings.Contains(m.status, "not uploaded") })
				want(t, readFile(t, srvFile) == "a=1\nsomeone else\n", "server has %q", readFile(t, srvFile))
			} else {
				m = d.until(m, "uploaded", func(m Model) bool { return strings.HasPrefix(m.status, "uploaded") })
				want(t, readFile(t, srvFile) == "a=1\nb=2\n", "server has %q", readFile(t, srvFile))
			}
			d.until(m, "copy gone", func(Model) bool { es, _ := os.ReadDir(tmp); return len(es) == 0 })
		})
	}
}

func TestEditLocalInPlace(t *testing.T) {
	local := t.TempDir()
	p := filepath.Join(local, "notes.txt")
	if err := os.WriteFile(p, []byte("one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	editorScript(t, `echo two >> "$1"`)
	d := newDriver(t)
	m, _ := editModel(t, d, t.TempDir()+"/", local)
	m = d.key(m, "tab", "e")
	d.until(m, "edited", func(m Model) bool { return m.status == "edited notes.txt" })
	want(t, readFile(t, p) == "one\ntwo\n", "local file %q", readFile(t, p))
}
