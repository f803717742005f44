package ctl

import (
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer/wire"
)

// testLog records the protocol log as "> line", "< line" and "* note".
type testLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *testLog) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, s)
}
func (l *testLog) Sent(_ int, line, _ string)     { l.add("> " + line) }
func (l *testLog) Received(_ int, line, _ string) { l.add("< " + line) }
func (l *testLog) Notef(_ int, f string, a ...any) {
	l.add("* " + fmt.Sprintf(f, a...))
}
func (l *testLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// lib plays jlaffaye/ftp's part: it writes command lines to the control
// layer, reads whole replies from it and dials through it.
type lib struct {
	t  *testing.T
	c  *Conn
	rr *wire.ReplyReader
}

func (l *lib) cmd(line string) wire.Reply {
	l.t.Helper()
	if _, err := l.c.Write([]byte(line + "\r\n")); err != nil {
		l.t.Fatalf("write %s: %v", line, err)
	}
	return l.reply()
}

func (l *lib) reply() wire.Reply {
	l.t.Helper()
	r, err := l.rr.ReadReply()
	if err != nil {
		l.t.Fatalf("reply: %v", err)
	}
	return r
}

// dialLayer connects a control layer to srv and logs in.
func dialLayer(t *testing.T, srv *ftpscript.Server, mode Mode) (*lib, *testLog) {
	t.Helper()
	raw, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	log := &testLog{}
	var noPipe atomic.Bool
	c := New(raw, 1, &Config{Addr: srv.Addr(), Timeout: 5 * time.Second, Log: log,
		Mode: func() Mode { return mode }, NoPipeline: &noPipe})
	t.Cleanup(func() { _ = c.Close() })
	if _, err := c.Dial("tcp", srv.Addr()); err != nil { // the library takes the control connection
		t.Fatal(err)
	}
	l := &lib{t: t, c: c, rr: wire.NewReplyReader(c)}
	if r := l.reply(); r.Code != 220 {
		t.Fatalf("greeting %v", r)
	}
	l.cmd("USER u")
	l.cmd("PASS p")
	return l, log
}

// retr downloads p as the library does: EPSV, dial, RETR, data, 226.
func (l *lib) retr(p string) (string, wire.Reply) {
	l.t.Helper()
	if r := l.cmd("EPSV"); r.Code != 229 {
		return "", r
	}
	dc, err := l.c.Dial("tcp", "")
	if err != nil {
		l.t.Fatalf("dial: %v", err)
	}
	defer dc.Close()
	r := l.cmd("RETR " + p)
	if r.Class() != 1 {
		return "", r
	}
	b, err := io.ReadAll(dc)
	if err != nil {
		l.t.Fatalf("data: %v", err)
	}
	_ = dc.Close()
	return string(b), l.reply()
}

// The state of one operation is its own: a transfer the server refused
// ends with its error in the Xfer that End returns, and the next
// operation starts with none of it.
func TestXferIsFreshPerOperation(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Put("/a", []byte("file a"))
	srv.Handle("RETR", ftpscript.Reply("425 Can't open data connection."))
	l, log := dialLayer(t, srv, Passive)

	l.c.Begin(Plan{})
	_, r := l.retr("/a")
	x := l.c.End()
	if r.Code != 425 {
		t.Fatalf("reply %v, want 425\n%s", r, log.text())
	}
	var de *DataConnError
	if !errors.As(x.Err(), &de) || de.Mode != Passive || !strings.Contains(de.Cause, "did not see our data connection") {
		t.Fatalf("transfer error %v, want the passive 425 explained", x.Err())
	}
	if x.Data() == nil {
		t.Error("the refused transfer's data connection is not in its Xfer")
	}

	l.c.Begin(Plan{})
	if r := l.cmd("NOOP"); r.Code != 200 {
		t.Fatalf("NOOP: %v", r)
	}
	y := l.c.End()
	if y == x || y.Err() != nil || y.Data() != nil {
		t.Errorf("the next operation inherited the transfer's state: err %v, data %v", y.Err(), y.Data())
	}
	if x.Err() == nil {
		t.Error("the returned Xfer lost its error when the next operation began")
	}
}

// A probe's forced method is the operation's plan: the library's EPSV is
// sent as PASV for that operation only, and the record is filled; the
// next operation negotiates normally.
func TestPlanForcesMethodForOneOperation(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Put("/a", []byte("file a"))
	l, log := dialLayer(t, srv, Passive)

	var rec Record
	l.c.Begin(Plan{Force: MethodPASV, Record: &rec})
	got, r := l.retr("/a")
	l.c.End()
	if got != "file a" || r.Code != 226 {
		t.Fatalf("forced PASV: %q %v\n%s", got, r, log.text())
	}
	if !strings.HasPrefix(rec.Reply, "227") || !rec.Connected || !rec.Dialed.IsValid() || !strings.HasPrefix(rec.FinalReply, "226") {
		t.Errorf("record %+v", rec)
	}

	l.c.Begin(Plan{})
	got, r = l.retr("/a")
	l.c.End()
	if got != "file a" || r.Code != 226 {
		t.Fatalf("normal: %q %v\n%s", got, r, log.text())
	}
	want := []string{"USER u", "PASS p", "PASV", "RETR /a", "EPSV", "RETR /a"}
	if tr := srv.Transcript(); !slices.Equal(tr, want) {
		t.Errorf("transcript %q, want %q", tr, want)
	}
}

// After EPSV and a transfer worked, the next EPSV goes out with its RETR
// in one write, and the replies stay in step with the commands.
func TestPipelinedEPSVRepliesInStep(t *testing.T) {
	srv := ftpscript.Start(t)
	for _, n := range []string{"a", "b", "c"} {
		srv.Files.Put("/"+n, []byte("file "+n))
	}
	l, log := dialLayer(t, srv, Passive)
	for _, n := range []string{"a", "b", "c"} {
		l.c.Begin(Plan{})
		got, r := l.retr("/" + n)
		x := l.c.End()
		if got != "file "+n || r.Code != 226 || x.Err() != nil {
			t.Fatalf("retr %s: %q %v %v\n%s", n, got, r, x.Err(), log.text())
		}
	}
	if n := strings.Count(log.text(), "> EPSV\n> RETR"); n != 2 {
		t.Errorf("%d EPSVs sent with their RETR, want 2:\n%s", n, log.text())
	}
}
