package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/ui/dialog"
	"ftpdeck/ui/filepane"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

var t0 = time.Date(2024, 5, 17, 9, 30, 0, 0, time.UTC)

// fixedLocal makes a local folder whose files have fixed times.
func fixedLocal(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []struct {
		name string
		size int
	}{{"notes.txt", 120}, {"photo.jpg", 48000}, {".profile", 10}} {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, make([]byte, f.size), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o644); err != nil { // whatever the umask: the goldens show it
			t.Fatal(err)
		}
		if err := os.Chtimes(p, t0, t0); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "backup"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "backup"), 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.Chtimes(filepath.Join(dir, "backup"), t0, t0)
	return dir
}

var remoteEntries = []filepane.Entry{
	{Name: "README.txt", Size: 1024, Time: t0},
	{Name: "pub", Kind: filepane.Folder, Time: t0},
	{Name: "firmware-2.1.bin", Size: 3 << 20, Time: t0.Add(-48 * time.Hour)},
	{Name: "evil\x1b[31mname", Size: 1, Time: t0},
	{Name: "logs", Kind: filepane.Folder, Time: t0},
	{Name: "current", Kind: filepane.Link, Target: "pub", Time: t0},
}

// fedModel is a connected model built from fed messages only: no network.
func fedModel(t *testing.T, w, h int) Model {
	t.Helper()
	lg := transfer.NewLog(100)
	site := transfer.Site{Host: "127.0.0.1", Port: 2121, User: "demo", Password: "demo"}
	sess := transfer.NewSession(site, lg)
	m := feedConnected(t, New(Options{Session: sess, Log: lg, LocalDir: fixedLocal(t), NoQueue: true, Title: "ftpdeck"}), w, h)
	return update(t, m, logMsg{events: portExchange()})
}

// feedConnected sizes m and feeds it a connect and both panes' listings
// (remoteEntries, the fixed local folder shown as ~/work); m is closed
// when the test ends.
func feedConnected(t *testing.T, m Model, w, h int) Model {
	t.Helper()
	t.Cleanup(m.Close)
	m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	m = update(t, m, connectedMsg{gen: m.gen, dir: "/"})
	m = update(t, m, filepane.ListedMsg{Pane: remotePane, Req: m.remote.Request(), Dir: "/", Entries: remoteEntries})
	es, err := filepane.Local{}.List(context.Background(), m.local.Dir(), false)
	if err != nil {
		t.Fatal(err)
	}
	m = update(t, m, filepane.ListedMsg{Pane: localPane, Req: m.local.Request(), Dir: m.local.Dir(), Entries: es})
	dir := m.local.Dir()
	m.local.SetDirLabel(func(s string) string { return strings.Replace(s, dir, "~/work", 1) })
	return m
}

func portExchange() []transfer.Event {
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	return []transfer.Event{
		{Time: at(0), Conn: 0, Dir: transfer.Note, Note: "mode: passive → active (from the next data connection, on every connection)"},
		{Time: at(1), Conn: 1, Dir: transfer.Sent, Text: "PORT 127,0,0,1,195,80", Note: "active: listening on 127.0.0.1:50000"},
		{Time: at(2), Conn: 1, Dir: transfer.Received, Text: "200 PORT command successful"},
		{Time: at(3), Conn: 1, Dir: transfer.Sent, Text: "MLSD /"},
		{Time: at(4), Conn: 1, Dir: transfer.Received, Text: "150 Here comes the listing"},
		{Time: at(5), Conn: 1, Dir: transfer.Received, Text: "226 Directory send OK"},
		{Time: at(6), Conn: 1, Dir: transfer.Sent, Text: "DELE nope"},
		{Time: at(7), Conn: 1, Dir: transfer.Received, Text: "550 No such file"},
	}
}

func update(t *testing.T, m Model, msg tea.Msg) Model {
	t.Helper()
	nm, _ := m.Update(msg)
	return nm.(Model)
}

func updateCmd(t *testing.T, m Model, msg tea.Msg) (Model, tea.Cmd) {
	t.Helper()
	nm, cmd := m.Update(msg)
	return nm.(Model), cmd
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "delete":
		return tea.KeyMsg{Type: tea.KeyDelete}
	case "insert":
		return tea.KeyMsg{Type: tea.KeyInsert}
	case "space", " ":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "ctrl+r":
		return tea.KeyMsg{Type: tea.KeyCtrlR}
	case "f5":
		return tea.KeyMsg{Type: tea.KeyF5}
	case "f6":
		return tea.KeyMsg{Type: tea.KeyF6}
	case "f7":
		return tea.KeyMsg{Type: tea.KeyF7}
	case "f8":
		return tea.KeyMsg{Type: tea.KeyF8}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func press(t *testing.T, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		m = update(t, m, keyMsg(k))
	}
	return m
}

// runCmd executes cmd (batches concurrently) and returns the messages
// that arrive within a short time; subscriptions that wait are left behind.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	ch := make(chan []tea.Msg, 1)
	go func() {
		msg := cmd()
		switch msg := msg.(type) {
		case tea.BatchMsg:
			var mu sync.Mutex
			var wg sync.WaitGroup
			var out []tea.Msg
			for _, c := range msg {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := runCmd(c)
					mu.Lock()
					out = append(out, r...)
					mu.Unlock()
				}()
			}
			wg.Wait()
			ch <- out
		case nil:
			ch <- nil
		default:
			ch <- []tea.Msg{msg}
		}
	}()
	select {
	case out := <-ch:
		return out
	case <-time.After(2 * time.Second):
		return nil
	}
}

func view(m Model) []byte { return []byte(m.View() + "\n") }

func TestGoldenConnected(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(size(sz), func(t *testing.T) {
			golden.RequireEqual(t, view(fedModel(t, sz[0], sz[1])))
		})
	}
}

func TestGoldenActiveModeAndLogFocused(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(size(sz), func(t *testing.T) {
			m := fedModel(t, sz[0], sz[1])
			m = press(t, m, "p", "shift+tab", "home") // active, focus the log, oldest first
			golden.RequireEqual(t, view(m))
		})
	}
}

func TestGoldenHelp(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(size(sz), func(t *testing.T) {
			golden.RequireEqual(t, view(press(t, fedModel(t, sz[0], sz[1]), "?")))
		})
	}
}

func TestGoldenConnectDialog(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(size(sz), func(t *testing.T) {
			m := press(t, fedModel(t, sz[0], sz[1]), "o", "tab", "tab", "tab", "s", "3", "c", "r")
			golden.RequireEqual(t, view(m))
		})
	}
}

func TestGoldenDataConnError(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(size(sz), func(t *testing.T) {
			m := fedModel(t, sz[0], sz[1])
			m = press(t, m, "p", "enter") // open pub in active mode
			err := &transfer.DataConnError{Mode: transfer.Active, Addr: "192.168.0.107:50123",
				Cause: "server could not connect back to 192.168.0.107:50123 within 30s — a NAT or firewall on this side is the usual cause; passive mode may work"}
			m = update(t, m, filepane.ListedMsg{Pane: remotePane, Req: m.remote.Request(), Dir: "/pub", Err: fmt.Errorf("list /pub: %w", err)})
			golden.RequireEqual(t, view(m))
		})
	}
}

func TestGoldenConnectRefused(t *testing.T) {
	m := fedModel(t, 80, 24)
	m = update(t, m, connectedMsg{gen: m.gen, err: errors.New("connect to 127.0.0.1:1: connection refused — no FTP server is listening on that port")})
	if m.focus != focusLocal || m.state != stateFailed {
		t.Fatalf("focus %v state %v", m.focus, m.state)
	}
	golden.RequireEqual(t, view(m))
}

func size(sz [2]int) string { return fmt.Sprintf("%dx%d", sz[0], sz[1]) }

var (
	_ = queue.Summary{}
	_ = dialog.Form{}
)

func isSpinner(msg tea.Msg) bool { return strings.Contains(fmt.Sprintf("%T", msg), "spinner.") }

func isWait(msg tea.Msg) bool {
	switch msg.(type) {
	case logMsg, queueMsg:
		return true
	}
	return false
}
