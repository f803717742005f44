package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// dialScripted logs in to a scripted server with a short timeout.
func dialScripted(t *testing.T, srv *ftpscript.Server, mut func(*transfer.Site)) (*transfer.Session, *transfer.Conn, *recorder, error) {
	t.Helper()
	rec := &recorder{}
	log := transfer.NewLog(10000)
	log.AddSink(rec)
	site := transfer.Site{Host: srv.Host(), Port: srv.Port(), User: "bob", Password: "s3cret", Timeout: 2 * time.Second}
	if mut != nil {
		mut(&site)
	}
	sess := transfer.NewSession(site, log)
	c, err := sess.Dial(context.Background())
	if err == nil {
		t.Cleanup(func() { _ = c.Close() })
	}
	return sess, c, rec, err
}

// commands returns the transcript without the login preamble, so tests
// assert the commands their operation caused.
func commands(srv *ftpscript.Server) []string {
	tr := srv.Transcript()
	start := 0
	for i, l := range tr {
		if l == "TYPE I" || l == "OPTS UTF8 ON" {
			start = i + 1
		}
	}
	return tr[start:]
}

func TestPASVNamingAnotherHostDialsControlPeer(t *testing.T) {
	for _, trust := range []bool{false, true} {
		srv := ftpscript.Start(t)
		srv.Files.Put("/a.txt", []byte("hello"))
		srv.Handle("EPSV", ftpscript.Reply("502 EPSV not implemented"))
		srv.Handle("PASV", ftpscript.PassiveAt("10.9.8.7"))
		_, c, rec, err := dialScripted(t, srv, func(s *transfer.Site) { s.TrustPASVAddress = trust })
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if _, err := c.Retrieve(context.Background(), "/a.txt", 0, &got, nil); err != nil || got.String() != "hello" {
			t.Fatalf("trust=%v: retrieve: %q %v\n%s", trust, got.String(), err, rec.text())
		}
		if want := []string{"EPSV", "PASV", "RETR /a.txt"}; !slices.Equal(commands(srv), want) {
			t.Errorf("trust=%v: transcript %q, want %q", trust, commands(srv), want)
		}
		dc := srv.DataConns()
		if len(dc) != 1 || !dc[0].Connected || !strings.HasPrefix(dc[0].Remote, "127.0.0.1:") {
			t.Errorf("trust=%v: data connections %+v", trust, dc)
		}
		if !strings.Contains(rec.text(), "server named 10.9.8.7:") || !strings.Contains(rec.text(), "(private)") ||
			!strings.Contains(rec.text(), "connecting to the control peer 127.0.0.1:") {
			t.Errorf("trust=%v: log lacks the replaced-address note:\n%s", trust, rec.text())
		}
	}
}

func TestMalformedPASVIsRefusedWithoutDialing(t *testing.T) {
	for _, reply := range []string{
		"227 Entering Passive Mode (evil,example,com,1,4,1)",
		"227 Entering Passive Mode (127,0,0,1,0,0)",
		"227 Entering Passive Mode (127,0,0,1,256,1)",
		"227 Entering Passive Mode (127,0,0,1,300,300)",
		"227 garbage",
	} {
		srv := ftpscript.Start(t)
		srv.Files.Put("/a.txt", []byte("hello"))
		srv.Handle("EPSV", ftpscript.Reply("500 no"))
		srv.Handle("PASV", ftpscript.Reply(reply))
		_, c, rec, err := dialScripted(t, srv, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Retrieve(context.Background(), "/a.txt", 0, &bytes.Buffer{}, nil)
		var de *transfer.DataConnError
		if !errors.As(err, &de) || de.Mode != transfer.Passive || !strings.Contains(err.Error(), "malformed PASV reply") {
			t.Errorf("%q: err = %v, want a passive DataConnError about a malformed reply", reply, err)
		}
		if len(srv.DataConns()) != 0 {
			t.Errorf("%q: something was dialed: %+v", reply, srv.DataConns())
		}
		if slices.Contains(commands(srv), "RETR /a.txt") {
			t.Errorf("%q: RETR sent without a data connection: %q", reply, commands(srv))
		}
		// The control connection is still in sync.
		if err := c.NoOp(context.Background()); err != nil {
			t.Errorf("%q: NOOP after the failure: %v\n%s", reply, err, rec.text())
		}
	}
}

func TestEPSVDeadPortFallsBackToPASV(t *testing.T) {
	for name, h := range map[string]ftpscript.Handler{
		"refused":   ftpscript.EPSVDeadPort(),
		"malformed": ftpscript.Reply("229 Entering Extended Passive Mode (|||0|)"),
		"too big":   ftpscript.Reply("229 Entering Extended Passive Mode (|||99999|)"),
		"letters":   ftpscript.Reply("229 Entering Extended Passive Mode (|||abc|)"),
		"no parens": ftpscript.Reply("229 Entering Extended Passive Mode"),
		"bad delim": ftpscript.Reply("229 Entering Extended Passive Mode (|1|2|3|4|)"),
	} {
		srv := ftpscript.Start(t)
		srv.Files.Put("/a.txt", []byte("hello"))
		srv.Handle("EPSV", h)
		_, c, rec, err := dialScripted(t, srv, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if _, err := c.Retrieve(context.Background(), "/a.txt", 0, &got, nil); err != nil || got.String() != "hello" {
			t.Fatalf("%s: %q %v\n%s", name, got.String(), err, rec.text())
		}
		if want := []string{"EPSV", "PASV", "RETR /a.txt"}; !slices.Equal(commands(srv), want) {
			t.Errorf("%s: transcript %q, want %q", name, commands(srv), want)
		}
	}
}

func TestActiveRefusesThirdParty(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Put("/a.txt", []byte("payload"))
	intruder := make(chan error, 1)
	srv.Handle("PORT", func(c *ftpscript.Conn, arg string) {
		addr, err := ftpscript.ParsePORT(arg)
		if err != nil {
			c.Replyf("501 %v", err)
			return
		}
		// A third party on another address connects first.
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: time.Second}
		nc, err := d.Dial("tcp", addr)
		if err != nil {
			intruder <- err
		} else {
			_, _ = nc.Write([]byte("evil"))
			go func() {
				defer nc.Close()
				_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, err := nc.Read(make([]byte, 1)) // EOF once the client closes it
				intruder <- err
			}()
		}
		// Give the intruder a head start so it is first in the backlog.
		time.Sleep(50 * time.Millisecond)
		c.Builtin(arg)
	})
	_, c, rec, err := dialScripted(t, srv, func(s *transfer.Site) { s.Mode = transfer.Active })
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if _, err := c.Retrieve(context.Background(), "/a.txt", 0, &got, nil); err != nil || got.String() != "payload" {
		t.Fatalf("retrieve: %q %v\n%s", got.String(), err, rec.text())
	}
	if err := <-intruder; err == nil || isTimeoutErr(err) {
		t.Errorf("the intruder's connection was not closed by the client: %v", err)
	}
	if !strings.Contains(rec.text(), "refused a data connection from 127.0.0.2:") {
		t.Errorf("log lacks the refusal:\n%s", rec.text())
	}
	if tr := commands(srv); len(tr) != 2 || !strings.HasPrefix(tr[0], "PORT 127,0,0,1,") || tr[1] != "RETR /a.txt" {
		t.Errorf("transcript %q", tr)
	}
}

func TestActiveServerNeverConnects(t *testing.T) {
	srv := ftpscript.New(t)
	srv.DataTimeout = 5 * time.Second
	srv.Start()
	srv.Files.Put("/a.txt", []byte("payload"))
	srv.Handle("PORT", ftpscript.ConnectDelay(-1))
	_, c, rec, err := dialScripted(t, srv, func(s *transfer.Site) { s.Mode = transfer.Active; s.Timeout = time.Second })
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.Retrieve(context.Background(), "/a.txt", 0, &bytes.Buffer{}, nil)
	var de *transfer.DataConnError
	if !errors.As(err, &de) || de.Mode != transfer.Active {
		t.Fatalf("err = %v, want an active DataConnError\n%s", err, rec.text())
	}
	for _, want := range []string{"server could not connect back to 127.0.0.1:", "NAT or firewall", "passive mode may work"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("took %s", d)
	}
}

func TestSilentServerTimesOut(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("USER", ftpscript.Silent())
	start := time.Now()
	_, _, _, err := dialScripted(t, srv, func(s *transfer.Site) { s.Timeout = 500 * time.Millisecond })
	if !errors.Is(err, transfer.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("timed out after %s, want about 0.5s", d)
	}
}

func TestSilentAfterRETRTimesOut(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Put("/a.txt", []byte("x"))
	srv.Handle("RETR", ftpscript.Silent())
	_, c, _, err := dialScripted(t, srv, func(s *transfer.Site) { s.Timeout = 500 * time.Millisecond })
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.Retrieve(context.Background(), "/a.txt", 0, &bytes.Buffer{}, nil)
	if !errors.Is(err, transfer.ErrTimeout) || !transfer.IsTransient(err) {
		t.Fatalf("err = %v, want a transient ErrTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("timed out after %s", d)
	}
	if !c.Broken() {
		t.Error("connection not marked broken after a timeout mid-command")
	}
}

func TestCRLFNeverSent(t *testing.T) {
	srv := ftpscript.Start(t)
	_, c, _, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, p := range []string{"x\r\nDELE y", "a\nb", "nul\x00"} {
		if err := c.ChangeDir(ctx, p); err == nil {
			t.Errorf("ChangeDir(%q) accepted", p)
		}
		if _, err := c.Retrieve(ctx, p, 0, &bytes.Buffer{}, nil); err == nil {
			t.Errorf("Retrieve(%q) accepted", p)
		}
	}
	for _, l := range srv.Transcript() {
		if strings.HasPrefix(l, "DELE") || strings.HasPrefix(l, "b") || strings.HasPrefix(l, "CWD") || strings.HasPrefix(l, "RETR") {
			t.Errorf("sent %q", l)
		}
	}
}

func TestWrongPasswordGivesServerWords(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("PASS", ftpscript.Reply("530 Login incorrect."))
	_, _, rec, err := dialScripted(t, srv, nil)
	if err == nil || !strings.Contains(err.Error(), "530 Login incorrect.") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(rec.text(), "s3cret") {
		t.Errorf("password in the log:\n%s", rec.text())
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	sess := transfer.NewSession(transfer.Site{Host: "127.0.0.1", Port: port, User: "u", Password: "p", Timeout: time.Second}, nil)
	_, err := sess.Dial(context.Background())
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v", err)
	}
}

func isTimeoutErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Case 7: a PWD reply holding a bare CR (a line the reply reader keeps
// whole) is never sent back inside a command.
func TestCRInPWDReplyNeverSentBack(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("PWD", func(c *ftpscript.Conn, _ string) {
		c.RawWrite([]byte("257 \"/a\rDELE victim\" is the current directory.\r\n"))
	})
	_, c, _, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dir, err := c.CurrentDir(ctx)
	if err != nil {
		t.Fatalf("pwd: %v", err)
	}
	if err := c.ChangeDir(ctx, dir); err == nil {
		t.Errorf("ChangeDir(%q) accepted", dir)
	}
	if _, err := c.List(ctx, dir, false); err == nil {
		t.Errorf("List(%q) accepted", dir)
	}
	if err := c.NoOp(ctx); err != nil {
		t.Errorf("out of sync: %v", err)
	}
	if want := []string{"PWD", "NOOP"}; !slices.Equal(commands(srv), want) {
		t.Errorf("transcript %q, want %q", commands(srv), want)
	}
}

// PWD is asked once: the working folder is remembered until a CWD moves
// elsewhere, and known again after a CWD back to the folder PWD named (a
// folder check's CWD and back costs no second PWD).
func TestCurrentDirRemembered(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Put("/sub/a.txt", []byte("a"))
	_, c, _, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	steps := []struct {
		op   string
		want string // the working folder CurrentDir returns
	}{
		{"pwd", "/"}, {"pwd", "/"}, {"cwd /sub", ""}, {"pwd", "/sub"}, {"cwd /", ""}, {"pwd", "/"}, {"cwd /no-such", ""}, {"pwd", "/"},
	}
	for _, s := range steps {
		if dir, ok := strings.CutPrefix(s.op, "cwd "); ok {
			_ = c.ChangeDir(ctx, dir)
			continue
		}
		if got, err := c.CurrentDir(ctx); err != nil || got != s.want {
			t.Fatalf("after %v: CurrentDir %q %v, want %q", s, got, err, s.want)
		}
	}
	// PWD: the first; after CWD /sub; after CWD / (not the folder PWD
	// last named, /sub); none after the refused CWD
	if got := strings.Count(strings.Join(commands(srv), "\n"), "PWD"); got != 3 {
		t.Errorf("%d PWD sent, want 3: %q", got, commands(srv))
	}
}

// The login goes out in one write: USER, PASS, FEAT and TYPE I before
// the server's first answer (one round trip, not four). A server that
// logs the user in at USER (230, no password asked) answers the PASS sent
// early too; that reply is read and dropped, and the connection stays in
// step.
func TestLoginPipelined(t *testing.T) {
	for _, noPassword := range []bool{false, true} {
		t.Run(fmt.Sprint("no password ", noPassword), func(t *testing.T) {
			srv := ftpscript.Start(t)
			if noPassword {
				srv.Handle("USER", func(c *ftpscript.Conn, _ string) { c.Reply("230 Welcome, no password needed.") })
				srv.Handle("PASS", func(c *ftpscript.Conn, _ string) { c.Reply("503 Already logged in.") })
			}
			_, c, rec, err := dialScripted(t, srv, nil)
			if err != nil {
				t.Fatal(err)
			}
			log := rec.text()
			user := strings.Index(log, "> USER")
			if i, j := strings.Index(log, "> TYPE I"), strings.Index(log[max(user, 0):], "< "); user < 0 || i < 0 || j < 0 || i > user+j {
				t.Errorf("TYPE I was not sent before the first answer to the login:\n%s", log)
			}
			if noPassword && !strings.Contains(log, "503 Already logged in.") {
				t.Errorf("the early PASS's reply was not read:\n%s", log)
			}
			if dir, err := c.CurrentDir(context.Background()); err != nil || dir != "/" {
				t.Errorf("PWD after the login: %q %v\n%s", dir, err, rec.text())
			}
		})
	}
}

// A server that reads one command per packet and loses the rest of a
// pipelined write leaves the login unanswered: after the timeout the
// session dials again, one command at a time, and keeps to that for its
// later connections.
func TestLoginPipelineLost(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("USER", func(c *ftpscript.Conn, arg string) {
		c.DropBuffered()
		c.Builtin(arg)
	})
	sess, c, rec, err := dialScripted(t, srv, func(s *transfer.Site) { s.Timeout = 500 * time.Millisecond })
	if err != nil {
		t.Fatalf("dial: %v\n%s", err, rec.text())
	}
	if dir, err := c.CurrentDir(context.Background()); err != nil || dir != "/" {
		t.Fatalf("PWD: %q %v\n%s", dir, err, rec.text())
	}
	if !strings.Contains(rec.text(), "one command at a time") {
		t.Errorf("no note of the fallback:\n%s", rec.text())
	}
	before := strings.Count(rec.text(), "sent early")
	c2 := redial(t, sess)
	if _, err := c2.CurrentDir(context.Background()); err != nil {
		t.Fatal(err)
	}
	if strings.Count(rec.text(), "sent early") != before {
		t.Errorf("a later connection sent its login in one write again:\n%s", rec.text())
	}
	// nor does Kind pipeline on such a server
	srv.Files.Put("/sub/a.txt", []byte("a"))
	if isDir, _, err := c2.Kind(context.Background(), "/sub", nil); err != nil || !isDir || strings.Contains(rec.text(), "pipelined with the command before") {
		t.Errorf("Kind(/sub) = %v %v, one command at a time wanted:\n%s", isDir, err, rec.text())
	}
}
