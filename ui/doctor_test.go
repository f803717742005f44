package ui

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"ftpdeck/bookmarks"
	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// natReport is the seed's NAT case as a probe would report it: passive
// works, active fails because the server cannot reach 192.168.0.107.
func natReport() transfer.Report {
	ap := netip.MustParseAddrPort
	r := transfer.Report{
		Site: "alice@ftp.example.com:21", Encoding: "utf-8", Timeout: 5 * time.Second,
		Local: ap("192.168.0.107:50412"), Server: ap("203.0.113.7:21"),
		Attempts: []transfer.Attempt{
			{Method: transfer.MethodEPSV, Result: transfer.ResultOK, Time: 41 * time.Millisecond, Entries: 12, NegotiationRecord: transfer.NegotiationRecord{
				Reply: "229 Entering Extended Passive Mode (|||30001|)", Dialed: ap("203.0.113.7:30001"), Connected: true}},
			{Method: transfer.MethodPASV, Result: transfer.ResultOK, Time: 38 * time.Millisecond, Entries: 12, NegotiationRecord: transfer.NegotiationRecord{
				Reply: "227 Entering Passive Mode (10,0,0,5,117,50).", Named: ap("10.0.0.5:30002"), Dialed: ap("203.0.113.7:30002"), Connected: true}},
			{Method: transfer.MethodEPRT, Result: transfer.ResultNoConnect, Time: 5 * time.Second, Err: errors.New("425 Failed to establish connection."),
				NegotiationRecord: transfer.NegotiationRecord{Reply: "200 EPRT command successful.", Advertised: ap("192.168.0.107:50123"),
					Listen: ap("192.168.0.107:50123"), FinalReply: "425 Failed to establish connection."}},
			{Method: transfer.MethodPORT, Result: transfer.ResultNoConnect, Time: 5 * time.Second, Err: errors.New("425 Failed to establish connection."),
				NegotiationRecord: transfer.NegotiationRecord{Reply: "200 PORT command successful.", Advertised: ap("192.168.0.107:50124"),
					Listen: ap("192.168.0.107:50124"), FinalReply: "425 Failed to establish connection."}},
		},
	}
	r.Verdict = r.Decide()
	return r
}

func TestGoldenModeDoctor(t *testing.T) {
	rep := natReport()
	if !strings.Contains(rep.Verdict.Text, "this machine is behind NAT") {
		t.Fatalf("verdict: %s", rep.Verdict.Text)
	}
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(size(sz), func(t *testing.T) {
			m := fedModel(t, sz[0], sz[1])
			m = update(t, m, probeDoneMsg{gen: m.gen, report: rep, saved: "saved: last_good_mode = passive for bookmark work"})
			golden.RequireEqual(t, view(m))
		})
	}
}

func TestModeDoctorKeys(t *testing.T) {
	m := fedModel(t, 80, 24)
	m = update(t, m, probeDoneMsg{gen: m.gen, report: natReport()})
	if doc(m) == nil {
		t.Fatal("overlay not open")
	}
	m = press(t, m, "down", "down")
	if doc(m).Offset() != 2 {
		t.Errorf("offset %d after two downs", doc(m).Offset())
	}
	m = press(t, m, "esc")
	if doc(m) != nil {
		t.Error("esc did not close the overlay")
	}
	// A probe of a session the user has left is dropped.
	m = update(t, m, probeDoneMsg{gen: m.gen - 1, report: natReport()})
	if doc(m) != nil {
		t.Error("stale probe opened the overlay")
	}
}

// TestModeDoctorProbesAndSavesBookmark presses D on a session made from a
// bookmark, against a scripted server whose EPSV port is dead and whose
// PASV is refused: the overlay shows the table, the verdict says active,
// and the bookmark's last_good_mode becomes active.
func TestModeDoctorProbesAndSavesBookmark(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("EPSV", ftpscript.EPSVDeadPort())
	srv.Handle("PASV", ftpscript.Reply("502 PASV not implemented"))
	cfg := t.TempDir()
	store, _, err := bookmarks.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Put(bookmarks.Site{Name: "box", Host: srv.Host(), Port: srv.Port()}); err != nil {
		t.Fatal(err)
	}
	if err := store.Save(); err != nil {
		t.Fatal(err)
	}
	lg := transfer.NewLog(1000)
	sess := transfer.NewSession(transfer.Site{Host: srv.Host(), Port: srv.Port(), User: "anonymous", Password: "x", Timeout: 2 * time.Second}, lg)
	m := New(Options{Session: sess, Log: lg, LocalDir: fixedLocal(t), NoQueue: true, Bookmarks: store, Bookmark: "box"})
	t.Cleanup(m.Close)
	m = update(t, m, tea.WindowSizeMsg{Width: 100, Height: 40})
	m = update(t, m, connectedMsg{gen: m.gen, dir: "/"})
	m, cmd := updateCmd(t, m, keyMsg("D"))
	if doc(m) == nil || !doc(m).Running() || cmd == nil {
		t.Fatalf("D did not start the probe: %+v", doc(m))
	}
	if !strings.Contains(m.View(), "probing EPSV, PASV, EPRT and PORT") {
		t.Errorf("no progress shown:\n%s", m.View())
	}
	msg, ok := cmd().(probeDoneMsg)
	if !ok {
		t.Fatalf("command returned %T", msg)
	}
	m = update(t, m, msg)
	v := m.View()
	for _, want := range []string{"EPSV    no connection", "PASV    refused", "PORT    ok", "verdict: use active.", "saved: last_good_mode = active for bookmark box"} {
		if !strings.Contains(v, want) {
			t.Errorf("overlay lacks %q:\n%s", want, v)
		}
	}
	if !strings.Contains(m.status, "use ACTIVE — press p") {
		t.Errorf("status %q", m.status)
	}
	re, _, _ := bookmarks.Open(cfg)
	if b, _ := re.Get("box"); b.LastGoodMode != "active" {
		t.Errorf("last_good_mode %q, want active", b.LastGoodMode)
	}
	var noted bool
	for _, e := range lg.Snapshot() {
		if strings.Contains(e.Note, "bookmark box: last_good_mode = active saved") {
			noted = true
		}
	}
	if !noted {
		t.Error("the log does not note the saved mode")
	}
}
