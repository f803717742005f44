package ftpscript

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// client is a deliberately raw FTP client built on net/textproto, so that
// the server is tested without any client library.
type client struct {
	t      testing.TB
	nc     net.Conn
	tp     *textproto.Conn
	tlsCfg *tls.Config // set after AUTH TLS or for implicit TLS
	protP  bool
}

func dial(t testing.TB, srv *Server) *client {
	t.Helper()
	nc, err := net.DialTimeout("tcp", srv.Addr(), 5*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c := &client{t: t, nc: nc, tp: textproto.NewConn(nc)}
	t.Cleanup(func() { _ = nc.Close() })
	c.expect(220)
	return c
}

// deadline bounds each exchange: long enough for a million-line reply
// under -race on a loaded two-core machine (10 s was not), short enough
// that a hang still fails the test.
func (c *client) deadline() { _ = c.nc.SetDeadline(time.Now().Add(60 * time.Second)) }

// send writes one command line.
func (c *client) send(format string, args ...any) {
	c.t.Helper()
	c.deadline()
	if err := c.tp.PrintfLine(format, args...); err != nil {
		c.t.Fatalf("send %q: %v", fmt.Sprintf(format, args...), err)
	}
}

// expect reads one (possibly multi-line) reply and checks its code.
func (c *client) expect(code int) string {
	c.t.Helper()
	c.deadline()
	got, msg, err := c.tp.ReadResponse(0)
	if err != nil {
		c.t.Fatalf("read reply (want %d): %v", code, err)
	}
	if got != code {
		c.t.Fatalf("reply %d %q, want %d", got, msg, code)
	}
	return msg
}

func (c *client) cmd(code int, format string, args ...any) string {
	c.t.Helper()
	c.send(format, args...)
	return c.expect(code)
}

func (c *client) login() {
	c.t.Helper()
	c.cmd(331, "USER alice")
	c.cmd(230, "PASS s3cret")
	c.cmd(200, "TYPE I")
}

var (
	pasvRE = regexp.MustCompile(`\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)`)
	epsvRE = regexp.MustCompile(`\(\|\|\|(\d+)\|\)`)
)

// parsePASV returns the host named in a 227 message and its port.
func parsePASV(t testing.TB, msg string) (string, int) {
	t.Helper()
	m := pasvRE.FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("bad 227 %q", msg)
	}
	p1, _ := strconv.Atoi(m[5])
	p2, _ := strconv.Atoi(m[6])
	return strings.Join(m[1:5], "."), p1*256 + p2
}

// dataChan is an opened (passive) or listening (active) data channel.
type dataChan struct {
	c    *client
	conn net.Conn
	ln   net.Listener
}

// open sets up a data channel in mode: PASV and EPSV dial the control
// peer (whatever address the reply named), PORT and EPRT listen.
func (c *client) open(mode string) *dataChan {
	c.t.Helper()
	d := &dataChan{c: c}
	peer := c.nc.RemoteAddr().(*net.TCPAddr).IP.String()
	switch mode {
	case "PASV", "EPSV":
		var port int
		if mode == "PASV" {
			_, port = parsePASV(c.t, c.cmd(227, "PASV"))
		} else {
			m := epsvRE.FindStringSubmatch(c.cmd(229, "EPSV"))
			if m == nil {
				c.t.Fatalf("bad 229")
			}
			port, _ = strconv.Atoi(m[1])
		}
		nc, err := net.DialTimeout("tcp", net.JoinHostPort(peer, strconv.Itoa(port)), 5*time.Second)
		if err != nil {
			c.t.Fatalf("data dial: %v", err)
		}
		d.conn = nc
	case "PORT", "EPRT":
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			c.t.Fatal(err)
		}
		d.ln = ln
		port := ln.Addr().(*net.TCPAddr).Port
		if mode == "PORT" {
			c.cmd(200, "PORT 127,0,0,1,%d,%d", port>>8, port&0xff)
		} else {
			c.cmd(200, "EPRT |1|127.0.0.1|%d|", port)
		}
	default:
		c.t.Fatalf("mode %q", mode)
	}
	return d
}

// conn returns the data connection, accepting it in active mode, wrapped
// in TLS after PROT P.
func (d *dataChan) get() net.Conn {
	d.c.t.Helper()
	if d.conn == nil {
		_ = d.ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
		nc, err := d.ln.Accept()
		_ = d.ln.Close()
		if err != nil {
			d.c.t.Fatalf("data accept: %v", err)
		}
		d.conn = nc
	}
	_ = d.conn.SetDeadline(time.Now().Add(10 * time.Second))
	if d.c.protP {
		tc := tls.Client(d.conn, d.c.tlsCfg)
		if err := tc.Handshake(); err != nil {
			d.c.t.Fatalf("data TLS: %v", err)
		}
		d.conn = tc
	}
	return d.conn
}

// download runs cmd (RETR, LIST, NLST) in mode and returns the data.
func (c *client) download(mode, format string, args ...any) []byte {
	c.t.Helper()
	d := c.open(mode)
	c.send(format, args...)
	c.expect(150)
	conn := d.get()
	data, err := io.ReadAll(conn)
	if err != nil {
		c.t.Fatalf("data read: %v", err)
	}
	_ = conn.Close()
	c.expect(226)
	return data
}

// upload runs cmd (STOR, APPE) in mode sending data.
func (c *client) upload(mode string, data []byte, format string, args ...any) {
	c.t.Helper()
	d := c.open(mode)
	c.send(format, args...)
	c.expect(150)
	conn := d.get()
	if _, err := conn.Write(data); err != nil {
		c.t.Fatalf("data write: %v", err)
	}
	if err := conn.Close(); err != nil {
		c.t.Fatalf("data close: %v", err)
	}
	c.expect(226)
}

// startTLS sends AUTH TLS and upgrades the control connection. A session
// cache lets data connections resume the control session.
func (c *client) startTLS(pool *x509.CertPool, cache bool) {
	c.t.Helper()
	c.cmd(234, "AUTH TLS")
	c.tlsCfg = clientTLS(pool, cache)
	if err := tlsClient(c).Handshake(); err != nil {
		c.t.Fatalf("control TLS: %v", err)
	}
}

// tlsClient wraps the control connection in TLS with c.tlsCfg.
func tlsClient(c *client) *tls.Conn {
	tc := tls.Client(c.nc, c.tlsCfg)
	c.nc = tc
	c.tp = textproto.NewConn(tc)
	c.deadline()
	return tc
}

func (c *client) protect() {
	c.t.Helper()
	c.cmd(200, "PBSZ 0")
	c.cmd(200, "PROT P")
	c.protP = true
}

// readRaw reads whatever arrives on the control connection until EOF or
// the deadline, for replies too odd for textproto.
func readRaw(r io.Reader) string {
	b, _ := io.ReadAll(bufio.NewReader(r))
	return string(b)
}

func clientTLS(pool *x509.CertPool, cache bool) *tls.Config {
	cfg := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	if cache {
		cfg.ClientSessionCache = tls.NewLRUClientSessionCache(8)
	}
	return cfg
}
