package ctl

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"ftpdeck/transfer/wire"
)

// Pipelined EPSV. jlaffaye/ftp sends EPSV, waits for 229, connects, then
// sends the transfer command and waits again: two round trips before a
// byte moves, which is most of what a small file costs on a real network.
// Once EPSV, its port and a transfer have all worked on a connection, the
// layer answers the library's EPSV itself and sends the real one together
// with the transfer command that follows ("EPSV\r\nRETR x\r\n" in one
// write). A server reads its commands in order from the stream: it
// answers 229, then takes RETR and waits for the data connection, which
// we open as soon as the 229 arrives. One round trip per transfer is
// gone (lftp does the same with ftp:sync-mode off).
//
// When a pipelined EPSV goes wrong, the session stops pipelining and the
// connection either gets back in step (EPSV refused: the server answers
// the transfer command with 425, then PASV is tried one command at a
// time) or is dropped as out of step (its port did not answer: the server
// waits for a connection with the transfer command already read), which
// callers retry on a new connection like any transient failure.

// errNotNegotiated is what the library's data connection answers before
// its deferred EPSV has been sent.
var errNotNegotiated = errors.New("data connection not negotiated yet")

// unnegotiated stands in beneath the library's data connection until
// attachData gives it its socket (see newDataConn).
type unnegotiated struct{}

func (unnegotiated) Read([]byte) (int, error)         { return 0, errNotNegotiated }
func (unnegotiated) Write([]byte) (int, error)        { return 0, errNotNegotiated }
func (unnegotiated) Close() error                     { return nil }
func (unnegotiated) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (unnegotiated) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (unnegotiated) SetDeadline(time.Time) error      { return nil }
func (unnegotiated) SetReadDeadline(time.Time) error  { return nil }
func (unnegotiated) SetWriteDeadline(time.Time) error { return nil }

// canPipeline reports whether the library's verb may be answered here and
// sent later with the transfer command: passive mode (m), EPSV proven on
// this connection, no probe, and no earlier trouble in this session.
func (c *Conn) canPipeline(verb string, m Mode, force Method) bool {
	return verb == "EPSV" && m == Passive && c.epsvProven() && !c.epsvBroken &&
		force == MethodAuto && !c.cfg.NoPipeline.Load()
}

// deferEPSV answers the library's EPSV with a 229 and hands its dial a
// data connection that is connected when the transfer command goes out.
func (c *Conn) deferEPSV(x *Xfer) {
	d := c.newDataConn(x)
	x.data, x.pending, x.deferred = d, d, d
	c.QueueReply("229 Entering Extended Passive Mode (|||1|)")
}

// epsvNote decodes a 229 line into *port (or *decodeErr) and returns the
// log note for it.
func epsvNote(peer netip.Addr, port *uint16, decodeErr *error) func(string) string {
	return func(line string) string {
		if !strings.HasPrefix(line, "229") {
			return ""
		}
		*port, *decodeErr = wire.DecodeEPSV(line)
		if *decodeErr != nil {
			return "passive: malformed EPSV reply; will try PASV"
		}
		return fmt.Sprintf("passive: port %d on the control peer %s (%s)", *port, peer, wire.Classify(peer))
	}
}

// epsvUnreachable is the error for an EPSV port that did not answer.
func epsvUnreachable(target netip.AddrPort, err error) *DataConnError {
	return &DataConnError{Mode: Passive, Addr: target.String(), Err: err,
		Cause: fmt.Sprintf("EPSV was accepted but its port %s did not answer (%v) — the server's firewall may block its passive ports; active mode may work", target, RootCause(err))}
}

// resolveDeferred negotiates d's data connection one command at a time
// (a command other than the transfer came first, e.g. REST).
func (c *Conn) resolveDeferred(x *Xfer, d *DataConn) error {
	conn, err := c.openPassive(x, MethodAuto, nil)
	if err != nil {
		x.err = err
		return err
	}
	c.attachData(x, d, conn, Passive)
	return nil
}

// sendPipelined sends EPSV and the transfer command line in one write,
// reads the EPSV reply and connects d. The library then reads the
// transfer command's reply as usual.
func (c *Conn) sendPipelined(x *Xfer, d *DataConn, line string) error {
	if err := c.send(command{"EPSV", "pipelined: sent with the next command"}, command{line, ""}); err != nil {
		return err
	}
	peer := c.Peer().Addr().Unmap()
	var port uint16
	var decodeErr error
	r, err := c.ReadReply(epsvNote(peer, &port, &decodeErr))
	if err != nil {
		return err
	}
	if r.Code == 229 && decodeErr == nil {
		target := netip.AddrPortFrom(peer, port)
		conn, derr := c.dialData(target)
		if derr == nil {
			c.attachData(x, d, conn, Passive)
			return nil
		}
		// The server has read the transfer command and waits for this
		// connection: the control connection is out of step.
		c.cfg.NoPipeline.Store(true)
		c.SetBroken()
		c.log.Notef(c.id, "passive: EPSV port %s did not answer (%v); this connection is out of step and will be dropped, the next one negotiates one command at a time", target, derr)
		x.err = epsvUnreachable(target, derr)
		return x.err
	}
	// EPSV refused or not understood: the server answers the transfer
	// command next, without a data connection (425 or 503).
	c.cfg.NoPipeline.Store(true)
	c.epsvBroken = true
	c.log.Notef(c.id, "passive: pipelined EPSV failed (%s); waiting for the reply to %s, then PASV one command at a time", lastLine(r), VerbOf(line))
	r2, err := c.ReadReply(nil)
	if err != nil {
		return err
	}
	if r2.Class() == 1 {
		// The server started the transfer anyway (to a default port?):
		// nothing on this connection can be trusted to be in step.
		c.SetBroken()
		x.err = &DataConnError{Mode: Passive, Err: errors.New(lastLine(r2)),
			Cause: fmt.Sprintf("server refused EPSV (%s) yet started %s: connection dropped", lastLine(r), VerbOf(line))}
		return x.err
	}
	x.err = nil
	if err := c.resolveDeferred(x, d); err != nil {
		return err
	}
	return c.sendLine(line, "")
}

// Pipelined PORT and EPRT. In active mode nothing waits for the reply to
// PORT before the transfer command can go: this side listens first. Once
// PORT (or EPRT) and a transfer have worked on a connection, the layer
// answers the library's EPSV itself with a listener and sends PORT with
// the transfer command in one write: one round trip fewer per transfer.
// A refused PORT is followed by the server's refusal of the transfer
// command (425 or 503, no data connection): both are read, the connection
// is in step, the operation fails as a refused PORT does, and the session
// stops pipelining.

// canPipelinePort reports whether a data connection in mode m may be
// prepared here and its PORT sent later with the transfer command.
func (c *Conn) canPipelinePort(m Mode, force Method) bool {
	return m == Active && c.activeProven() && force == MethodAuto && !c.cfg.NoPipeline.Load()
}

// deferPort listens for x's data connection and keeps its PORT line for
// the transfer command; the library's dial gets the listener.
func (c *Conn) deferPort(x *Xfer) error {
	pc, err := c.listenPort(MethodAuto, nil)
	if err != nil {
		return err
	}
	pc.note += "; pipelined: sent with the next command"
	x.deferredPort = pc
	x.pending = c.attachData(x, c.newDataConn(x), c.newActive(x, pc), Active)
	return nil
}

// sendPipelinedPort sends pc's PORT and the transfer command line in one
// write and reads PORT's reply; the library then reads the transfer
// command's reply as usual.
func (c *Conn) sendPipelinedPort(x *Xfer, pc *portCmd, line string) error {
	if err := c.send(command{pc.line, pc.note}, command{line, ""}); err != nil {
		_ = pc.ln.Close()
		return err
	}
	// PORT's reply is not the transfer's (no 425 taken for it).
	x.cmd = false
	r, err := c.ReadReply(nil)
	x.cmd = true
	if err != nil {
		return err
	}
	if r.Class() == 2 {
		return nil
	}
	_ = pc.ln.Close()
	c.cfg.NoPipeline.Store(true)
	c.log.Notef(c.id, "active: pipelined %s failed (%s); waiting for the reply to %s; no more pipelining in this session", VerbOf(pc.line), lastLine(r), VerbOf(line))
	x.cmd = false
	r2, err := c.ReadReply(nil)
	x.cmd = true
	if err != nil {
		return err
	}
	if r2.Class() == 1 {
		// The server started the transfer anyway: nothing on this
		// connection can be trusted to be in step.
		c.SetBroken()
		x.err = &DataConnError{Mode: Active, Err: errors.New(lastLine(r2)),
			Cause: fmt.Sprintf("server refused %s (%s) yet started %s: connection dropped", VerbOf(pc.line), lastLine(r), VerbOf(line))}
		return x.err
	}
	// The library reads the transfer command's refusal; the operation
	// returns the refused PORT. (An error from Write would stay with the
	// library's writer for good.)
	x.err = refused(Active, pc.adv.String(), VerbOf(pc.line), r, "passive mode may work")
	c.QueueReply(r2.Lines...)
	return nil
}

// Pipeline sends lines of ours in one write (the library is between
// commands) and reads a reply to each, in order. Only for a server that
// has shown it reads commands written together (its login sent early was
// answered in full): the caller decides.
func (c *Conn) Pipeline(lines ...string) ([]wire.Reply, error) {
	if err := c.settleAhead(true); err != nil {
		return nil, err
	}
	if err := c.dropEarly(); err != nil {
		return nil, err
	}
	cmds := make([]command, len(lines))
	for i, l := range lines {
		note := ""
		if i > 0 {
			note = "pipelined with the command before"
		}
		cmds[i] = command{l, note}
	}
	if err := c.send(cmds...); err != nil {
		return nil, err
	}
	out := make([]wire.Reply, 0, len(lines))
	for range lines {
		r, err := c.ReadReply(nil)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}
