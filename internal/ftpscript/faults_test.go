package ftpscript

import (
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestEPSVFaultsThenPASVFallback(t *testing.T) {
	srv := New(t)
	srv.DataTimeout = 300 * time.Millisecond
	srv.Start()
	srv.Files.Put("/f", []byte("fallback"))
	srv.Handle("EPSV", Sequence(EPSVDeadPort(), EPSVNoAccept(), Reply("229 Entering Extended Passive Mode (|||x|)")))
	c := dial(t, srv)
	c.login()

	port := func() int {
		m := epsvRE.FindStringSubmatch(c.cmd(229, "EPSV"))
		if m == nil {
			t.Fatalf("no port in 229")
		}
		p, _ := strconv.Atoi(m[1])
		return p
	}
	// Dead port: refused.
	if nc, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port())), time.Second); err == nil {
		_ = nc.Close()
		t.Errorf("dead EPSV port accepted a connection")
	}
	// Listener that never accepts: the connect completes (backlog), the
	// transfer command fails after DataTimeout.
	nc, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port())), time.Second)
	if err != nil {
		t.Fatalf("backlog connect: %v", err)
	}
	defer func() { _ = nc.Close() }()
	c.cmd(425, "RETR f")
	// Malformed 229, then the client falls back to PASV.
	if msg := c.cmd(229, "EPSV"); epsvRE.MatchString(msg) {
		t.Errorf("229 %q parses", msg)
	}
	if got := c.download("PASV", "RETR f"); string(got) != "fallback" {
		t.Errorf("RETR %q", got)
	}
}

func TestListingFaults(t *testing.T) {
	srv := Start(t)
	hostile := []string{
		ListLine(Entry{Name: ".."}),
		ListLine(Entry{Name: "../x", Size: 1}),
		ListLine(Entry{Name: "/etc/passwd", Size: 1}),
		ListLine(Entry{Name: "nul\x00name", Size: 1}),
		ListLine(Entry{Name: "cr\rlf\nname", Size: 1}),
		ListLine(Entry{Name: "\x1b[2J\x1b[31mred", Size: 1}),
	}
	srv.Handle("LIST", List(hostile...))
	srv.Handle("FEAT", Continuation(211, 1_000_000))
	srv.Handle("PWD", Reply(`257 "/`+strings.Repeat("a", 1<<20)+`"`))
	c := dial(t, srv)
	c.login()
	got := string(c.download("EPSV", "LIST"))
	if want := strings.Join(hostile, "\r\n") + "\r\n"; got != want {
		t.Errorf("LIST %q, want %q", got, want)
	}
	if n := strings.Count(c.cmd(211, "FEAT"), "\n"); n != 1_000_000 {
		t.Errorf("FEAT: %d continuation lines", n)
	}
	if n := len(c.cmd(257, "PWD")); n != 1<<20+3 {
		t.Errorf("PWD reply of %d bytes", n)
	}
}

func TestDownloadFaults(t *testing.T) {
	srv := Start(t)
	srv.Files.Put("/f", []byte("0123456789"))
	c := dial(t, srv)
	c.login()

	readAll := func(d *dataChan) string {
		t.Helper()
		b, err := io.ReadAll(d.get())
		if err != nil {
			t.Fatalf("data: %v", err)
		}
		_ = d.conn.Close()
		return string(b)
	}

	srv.Handle("RETR", Truncated(3))
	if got := c.download("PASV", "RETR f"); string(got) != "012" {
		t.Errorf("Truncated: %q", got)
	}

	srv.Handle("RETR", IgnoreREST())
	c.cmd(350, "REST 5")
	if got := c.download("PORT", "RETR f"); string(got) != "0123456789" {
		t.Errorf("IgnoreREST: %q", got)
	}

	srv.Handle("RETR", EarlyComplete(false))
	d := c.open("EPSV")
	c.cmd(226, "RETR f")
	if got := readAll(d); got != "0123456789" {
		t.Errorf("EarlyComplete(false): %q", got)
	}

	srv.Handle("RETR", EarlyComplete(true))
	d = c.open("EPRT")
	c.send("RETR f")
	c.expect(150)
	c.expect(226)
	if got := readAll(d); got != "0123456789" {
		t.Errorf("EarlyComplete(true): %q", got)
	}

	srv.Handle("RETR", CloseMidTransfer(4))
	d = c.open("PASV")
	c.send("RETR f")
	c.expect(150)
	if got := readAll(d); got != "0123" {
		t.Errorf("CloseMidTransfer: %q", got)
	}
	c.expect(421)
	if _, _, err := c.tp.ReadResponse(0); err == nil {
		t.Errorf("control connection still open after 421")
	}
}

func TestUploadFaults(t *testing.T) {
	srv := Start(t)
	c := dial(t, srv)
	c.login()
	srv.Handle("STOR", StoreReply(0, "552 Exceeded storage allocation."))
	d := c.open("EPSV")
	c.send("STOR big")
	c.expect(150)
	if _, err := d.get().Write([]byte("payload")); err != nil {
		t.Fatal(err)
	}
	_ = d.conn.Close()
	c.expect(552)
	if _, ok := srv.Files.Get("/big"); ok {
		t.Errorf("refused upload stored")
	}

	srv.Handle("STOR", StoreReply(300*time.Millisecond, "226 Transfer complete."))
	start := time.Now()
	c.upload("PASV", []byte("late"), "STOR late")
	if el := time.Since(start); el < 300*time.Millisecond {
		t.Errorf("226 after %v", el)
	}
	if got, _ := srv.Files.Get("/late"); string(got) != "late" {
		t.Errorf("stored %q", got)
	}
}

func TestTLSFaults(t *testing.T) {
	cert, pool := NewCert(t)
	srv := New(t)
	srv.TLS = cert
	srv.Start()
	srv.Handle("AUTH", Sequence(Reply("534 Policy requires no TLS."), AuthPipelined("200 injected\r\n")))
	srv.Handle("PROT", Reply("536 PROT P refused."))
	c := dial(t, srv)
	c.cmd(534, "AUTH TLS")
	c.cmd(234, "AUTH TLS")
	// The injected bytes arrived with the 234: a client must notice them
	// in its buffer before the handshake (here textproto buffered them).
	if n := c.tp.R.Buffered(); n != len("200 injected\r\n") {
		t.Errorf("%d bytes buffered after 234", n)
	}
	c.tlsCfg = clientTLS(pool, true)
	tc := tlsClient(c)
	if err := tc.Handshake(); err != nil {
		t.Fatalf("handshake after pipelined bytes: %v", err)
	}
	c.login()
	c.cmd(200, "PBSZ 0")
	c.cmd(536, "PROT P")
}

func TestNoGreetingAndSilentGreeting(t *testing.T) {
	srv := New(t)
	srv.Greeting = "220-multi\r\n220 line"
	srv.Start()
	c := dial(t, srv)
	c.cmd(331, "USER x")

	srv2 := New(t)
	srv2.Greeting = ""
	srv2.Start()
	nc, err := net.Dial("tcp", srv2.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = nc.Close() }()
	_ = nc.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if b := readRaw(nc); b != "" {
		t.Errorf("greeting %q, want none", b)
	}
}
