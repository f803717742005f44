package ftpscript

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"strings"
	"time"
)

// maxLine bounds one command line read from a client.
const maxLine = 1 << 20

// ErrNoReuse is returned by the first Read or Write of a data connection
// when RequireTLSReuse is set and its TLS handshake did not resume a
// session.
var ErrNoReuse = errors.New("ftpscript: data TLS session did not resume the control session")

// Conn is one control connection as seen by handlers. Its methods are meant
// to be called from the handlers running on it (one goroutine); Done and
// ID are safe anywhere.
type Conn struct {
	srv  *Server
	id   int
	raw  net.Conn // TCP
	conn net.Conn // raw or TLS over raw
	r    *bufio.Reader
	tls  *tls.Conn

	verb    string
	ended   bool
	pending *pending

	// state for the built-in handlers
	cwd   string
	rest  int64
	rnfr  string
	protP bool
}

func newConn(s *Server, id int, nc net.Conn) *Conn {
	return &Conn{srv: s, id: id, raw: nc, conn: nc, cwd: "/"}
}

// ID returns the connection's number: 1 for the first control connection
// accepted, 2 for the next, and so on.
func (c *Conn) ID() int { return c.id }

// Server returns the server c belongs to.
func (c *Conn) Server() *Server { return c.srv }

// Verb returns the verb of the command being handled, upper case.
func (c *Conn) Verb() string { return c.verb }

// Done is closed when the server shuts down.
func (c *Conn) Done() <-chan struct{} { return c.srv.done }

// Wait sleeps for d or until the server shuts down; it reports whether the
// full d elapsed.
func (c *Conn) Wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.srv.done:
		return false
	}
}

// Reply writes each line followed by CR LF, in one write. Lines are sent
// exactly as given: a multi-line reply is Reply("211-Features:", " UTF8",
// "211 End"). Write errors (the client hung up) are ignored; the next read
// ends the connection.
func (c *Conn) Reply(lines ...string) {
	n := 0
	for _, l := range lines {
		n += len(l) + 2
	}
	buf := make([]byte, 0, n)
	for _, l := range lines {
		buf = append(buf, l...)
		buf = append(buf, '\r', '\n')
	}
	_, _ = c.conn.Write(buf)
}

// Replyf writes one formatted reply line followed by CR LF.
func (c *Conn) Replyf(format string, args ...any) {
	c.Reply(fmt.Sprintf(format, args...))
}

// RawWrite writes b on the control connection as-is (no CR LF added).
func (c *Conn) RawWrite(b []byte) {
	_, _ = c.conn.Write(b)
}

// Close closes the control connection at once (no TLS close_notify) and
// any pending data listener; the connection's goroutine ends when the
// handler returns.
func (c *Conn) Close() {
	c.ended = true
	c.dropPending()
	_ = c.raw.Close()
}

// Silent never answers: it keeps reading (and recording) whatever the
// client sends until the client hangs up or the server shuts down, then
// ends the connection.
func (c *Conn) Silent() {
	for {
		line, err := c.readLine()
		if err != nil {
			break
		}
		c.srv.record(c.id, line)
	}
	c.ended = true
}

// DropBuffered discards what the client sent that the server has not read
// yet: a server that reads one command per packet and loses the rest of
// a pipelined write.
func (c *Conn) DropBuffered() {
	_, _ = c.r.Discard(c.r.Buffered())
}

// ReadLine reads and records the next command line without dispatching it,
// for handlers that script a dialogue of their own.
func (c *Conn) ReadLine() (string, error) {
	line, err := c.readLine()
	if err == nil {
		c.srv.record(c.id, line)
	}
	return line, err
}

// Builtin runs the built-in handler of the current verb with arg (a reply
// 502 when there is none). Custom handlers use it to add something before
// or after the normal behaviour.
func (c *Conn) Builtin(arg string) {
	if h := builtins[c.verb]; h != nil {
		h(c, arg)
		return
	}
	c.Reply("502 Command not implemented.")
}

// Rest returns the offset of the last REST (0 if none since the last
// transfer command) and clears it.
func (c *Conn) Rest() int64 {
	r := c.rest
	c.rest = 0
	return r
}

// SetRest sets the restart offset used by the next built-in transfer.
func (c *Conn) SetRest(off int64) { c.rest = off }

// Cwd returns the working directory used by the built-in handlers.
func (c *Conn) Cwd() string { return c.cwd }

// Protected reports whether data connections get TLS (after PROT P).
func (c *Conn) Protected() bool { return c.protP }

// SetProtected turns TLS on data connections on or off, as PROT P / PROT C.
func (c *Conn) SetProtected(on bool) { c.protP = on }

// TLS returns the control connection's TLS state, or nil before AUTH TLS
// (and without implicit TLS).
func (c *Conn) TLS() *tls.ConnectionState {
	if c.tls == nil {
		return nil
	}
	st := c.tls.ConnectionState()
	return &st
}

// StartTLS runs the server side of a TLS handshake on the control
// connection (after a 234 reply; Builtin AUTH does both). Bytes the client
// sent before its handshake and that were already read are discarded and
// logged with t.Logf.
func (c *Conn) StartTLS() error {
	if c.srv.tlsConf == nil {
		return errors.New("ftpscript: no certificate: set Server.TLS")
	}
	if c.r != nil && c.r.Buffered() > 0 {
		extra, _ := c.r.Peek(c.r.Buffered())
		c.srv.t.Logf("ftpscript: conn %d: discarding %d clear-text bytes pipelined before the TLS handshake: %q",
			c.id, len(extra), extra)
	}
	tc := tls.Server(c.raw, c.srv.tlsConf)
	ctx, cancel := context.WithTimeout(c.srv.ctx(), c.srv.DataTimeout)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		return fmt.Errorf("ftpscript: control TLS handshake: %w", err)
	}
	c.tls = tc
	c.conn = tc
	c.r = bufio.NewReader(tc)
	return nil
}

func (c *Conn) serve() {
	defer c.finish()
	if c.srv.ImplicitTLS {
		if err := c.StartTLS(); err != nil {
			c.srv.t.Logf("ftpscript: conn %d: implicit TLS: %v", c.id, err)
			return
		}
	} else {
		c.r = bufio.NewReader(c.raw)
	}
	if c.srv.Greeting != "" {
		c.RawWrite([]byte(c.srv.Greeting + "\r\n"))
	}
	for !c.ended {
		line, err := c.readLine()
		if err != nil {
			return
		}
		c.srv.record(c.id, line)
		c.dispatch(line)
	}
}

func (c *Conn) finish() {
	c.dropPending()
	_ = c.raw.Close()
	c.srv.untrack(c.raw)
}

func (c *Conn) dispatch(line string) {
	verb, arg, _ := strings.Cut(line, " ")
	c.verb = strings.ToUpper(verb)
	h := c.srv.handler(c.verb)
	if h == nil {
		h = builtins[c.verb]
	}
	if h == nil {
		if c.verb == "" {
			c.Reply("500 Syntax error, command unrecognized.")
		} else {
			c.Reply("502 Command not implemented.")
		}
		return
	}
	defer func() {
		if r := recover(); r != nil {
			c.srv.errorf("ftpscript: conn %d: handler for %q panicked: %v\n%s", c.id, line, r, debug.Stack())
			c.Close()
		}
	}()
	h(c, arg)
}

// readLine reads one line, CR LF (or bare LF) stripped.
func (c *Conn) readLine() (string, error) {
	var buf []byte
	for {
		frag, err := c.r.ReadSlice('\n')
		buf = append(buf, frag...)
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(buf) > maxLine {
				c.Reply("500 Command line too long.")
				return "", errors.New("ftpscript: command line too long")
			}
			continue
		}
		return "", err
	}
	buf = bytes.TrimSuffix(buf, []byte("\n"))
	buf = bytes.TrimSuffix(buf, []byte("\r"))
	return string(buf), nil
}
