package ctl

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/text/encoding"

	"ftpdeck/transfer/wire"
)

// Conn is the control connection as jlaffaye/ftp sees it. It sits
// between the library and the socket:
//
//   - every command the library writes and every reply line the server
//     sends is framed, bounded, deadline-guarded and logged once;
//   - the library's EPSV and PASV are never sent as they are: the layer
//     negotiates the data connection itself (EPSV then PASV in passive
//     mode, PORT or EPRT in active mode), prepares the connection, and
//     answers the library with a 229 that sends its data dial to us.
//
// jlaffaye/ftp uses a Conn from one goroutine at a time; only
// Interrupt (from a context's AfterFunc) and broken may be used
// concurrently.
type Conn struct {
	raw net.Conn // TCP, or TLS once upgraded
	tcp net.Conn // the TCP connection beneath raw, for addresses
	rr  *wire.ReplyReader
	id  int
	cfg *Config
	log Logger

	toLib     bytes.Buffer // reply bytes the library has yet to read
	fromLib   []byte       // a partial command line written by the library
	early     []string     // lines sent early whose replies are still due (early.go)
	replies   int          // replies read so far
	earlyMark int          // replies read when the early lines went out
	libDialed bool         // the library has taken the control connection

	// The connection's state, for its whole life.
	epsvBroken bool              // the server refused or botched EPSV: use PASV
	proven     *Proven           // what pipelining has worked: the session's (Config.Proven), else this connection's own
	pinned     *Mode             // the mode its data connections use, whatever the session's
	dataTLS    *tls.Config       // non-nil when data connections must be TLS
	enc        encoding.Encoding // the site's charset for names; nil = UTF-8
	lastVerb   string            // the verb of the last command sent: whose reply a failure is
	prefetch   bool              // send the next transfer's EPSV ahead (prefetch.go)
	ahead      *ahead            // a prefetched EPSV, between operations

	broken      atomic.Bool
	interrupted atomic.Bool // set by Interrupt, from any goroutine

	// x is the state of the operation under way and its data transfer
	// (xfer.go): made fresh for each one by Begin, returned by End.
	x *Xfer
}

// New wraps raw, the TCP connection to the server, numbered id in the log.
func New(raw net.Conn, id int, cfg *Config) *Conn {
	c := &Conn{raw: raw, tcp: raw, id: id, cfg: cfg, log: cfg.Log, enc: cfg.Enc, x: &Xfer{}, proven: cfg.Proven}
	if c.proven == nil {
		c.proven = &Proven{}
	}
	c.rr = wire.NewReplyReader(readerFunc(c.readRaw))
	return c
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func (c *Conn) timeout() time.Duration { return c.cfg.Timeout }

// afterFailedData bounds the wait for the reply that follows a data
// connection that already failed (stalled, or the server never connected
// back): the timeout has been spent once, and a server that is alive
// answers the data connection's close at once (426). Without a reply in
// that time the connection is out of step and dropped, and the data
// connection's error is returned.
func afterFailedData(timeout time.Duration) time.Duration {
	return min(timeout/4, time.Second)
}

// readRaw reads from the socket with a deadline, so a silent server gives
// a timeout error, not a hang. Every wait is the user's timeout (DESIGN.md,
// "Every wait has the user's timeout"), the reply after a data transfer's
// last byte too; after a failed data connection, see afterFailedData.
func (c *Conn) readRaw(p []byte) (int, error) {
	d := c.timeout()
	x := c.x
	afterData := x.afterData()
	if afterData && x.err != nil {
		d = afterFailedData(d)
	}
	if err := c.raw.SetReadDeadline(time.Now().Add(d)); err != nil {
		return 0, err
	}
	n, err := c.raw.Read(p)
	if err != nil && IsTimeout(err) {
		if c.wasInterrupted() {
			return n, fmt.Errorf("interrupted: %w", err)
		}
		if a := x.active; a != nil && x.cmd && !x.prelim && !a.accepted() {
			// In active mode the server answers a transfer command only
			// once it has connected back (or given up): silence here
			// means it could not reach our listener.
			x.err = a.notConnected(d, err)
			return n, x.err
		}
		if afterData {
			return n, TimeoutError("waiting for the reply after the data connection", d, err)
		}
		return n, TimeoutError("waiting for reply", d, err)
	}
	return n, err
}

func (c *Conn) wasInterrupted() bool { return c.interrupted.Load() }

// Interrupt unblocks any read or write in progress (a cancelled context).
// The connection is out of sync afterwards.
func (c *Conn) Interrupt() {
	c.interrupted.Store(true)
	c.SetBroken()
	_ = c.raw.SetDeadline(time.Unix(1, 0))
	if d := c.x.data; d != nil {
		_ = d.SetDeadline(time.Unix(1, 0))
	}
}

// --- what Conn asks of the control connection ---

// ID is the connection's number in the protocol log.
func (c *Conn) ID() int { return c.id }

// epsvProven reports whether a pipelined EPSV may be sent here: EPSV, its
// port and a transfer worked on this connection or, by now, on another
// of the session.
func (c *Conn) epsvProven() bool { return c.proven.EPSV.Load() }

// activeProven is epsvProven for PORT and EPRT.
func (c *Conn) activeProven() bool { return c.proven.Active.Load() }

// Broken reports a connection that is out of step or closed.
func (c *Conn) Broken() bool { return c.broken.Load() }

// SetBroken marks the connection out of step: it must be replaced.
func (c *Conn) SetBroken() { c.broken.Store(true) }

// pin makes the data connections use *m whatever the session's mode (nil:
// the session's mode again).
func (c *Conn) Pin(m *Mode) { c.pinned = m }

// FailedVerb is the verb of the last command sent: a failure reply is
// that command's.
func (c *Conn) FailedVerb() string { return c.lastVerb }

// data is the data connection of the operation under way, nil if none.
func (c *Conn) Data() *DataConn { return c.x.data }

// Simple sends one command of ours on the control connection (the library
// is between commands) and reads its reply.
func (c *Conn) Simple(line string) (wire.Reply, error) {
	if err := c.settleAhead(true); err != nil {
		return wire.Reply{}, err
	}
	return c.exchange(line, nil)
}

// peekWait bounds the look: long enough for the kernel to hand over bytes
// that have already arrived (a 421 before a close), no longer.
const peekWait = time.Millisecond

// ClosedByServer looks, without sending anything, whether the server has
// closed the control connection or said something unasked (a 421 before
// closing). Between commands nothing may arrive, so anything that has is
// the end of the connection; its first line is returned for the log.
func (c *Conn) ClosedByServer() (said string, closed bool) {
	if c.settleAhead(true) != nil {
		return "", true
	}
	if c.rr.Buffered() > 0 {
		return "", true
	}
	buf := make([]byte, 512)
	if err := c.raw.SetReadDeadline(time.Now().Add(peekWait)); err != nil {
		return "", true
	}
	n, err := c.raw.Read(buf)
	_ = c.raw.SetReadDeadline(time.Time{})
	if n > 0 {
		line, _, _ := bytes.Cut(buf[:n], []byte("\n"))
		said = strings.TrimRight(string(line), "\r")
		c.log.Received(c.id, DecodeLine(c.enc, said), "")
		return said, true
	}
	switch {
	case err == nil, IsTimeout(err):
		return "", false
	case errors.Is(err, io.EOF):
		return "", true
	}
	return "", true // reset, or any other error: the connection is gone
}

// command is one line to send and the note its log line carries.
type command struct{ line, note string }

// sendLine writes one command to the server and logs it.
func (c *Conn) sendLine(line, note string) error {
	return c.send(command{line, note})
}

// send writes commands to the server in one write (a pipeline, when there
// are several) and logs each. A reply that follows answers the first.
func (c *Conn) send(cmds ...command) error {
	var buf []byte
	verbs := make([]string, len(cmds))
	for i, cmd := range cmds {
		if err := wire.CheckLine(cmd.line); err != nil {
			return err
		}
		onWire, err := EncodeLine(c.enc, cmd.line)
		if err != nil {
			return err
		}
		buf = append(append(buf, onWire...), "\r\n"...)
		verbs[i] = VerbOf(cmd.line)
	}
	// A failure reply is blamed on the last command (see Conn.do).
	c.lastVerb = verbs[len(verbs)-1]
	for _, cmd := range cmds {
		c.log.Sent(c.id, maskCommand(cmd.line), cmd.note)
	}
	if err := c.raw.SetWriteDeadline(time.Now().Add(c.timeout())); err != nil {
		return err
	}
	if _, err := c.raw.Write(buf); err != nil {
		c.SetBroken()
		return fmt.Errorf("send %s: %w", strings.Join(verbs, " and "), err)
	}
	return nil
}

// ReadReply reads one reply from the server, logging each line as it
// arrives; note, when set, decodes a line into a log note.
func (c *Conn) ReadReply(note func(line string) string) (wire.Reply, error) {
	c.rr.OnLine = func(line string) {
		line = DecodeLine(c.enc, line)
		n := ""
		if note != nil {
			n = note(line)
		}
		c.log.Received(c.id, line, n)
	}
	r, err := c.rr.ReadReply()
	for i, l := range r.Lines {
		r.Lines[i] = DecodeLine(c.enc, l)
	}
	if err != nil {
		c.SetBroken()
		if errors.Is(err, ErrTimeout) {
			return r, err
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
			// A bare "EOF" tells a user nothing: say who hung up (issue
			// #8, case 22). The cause stays wrapped, so it is still
			// transient.
			return r, fmt.Errorf("the server closed the connection (it stopped, or dropped this session): %w", err)
		}
		return r, fmt.Errorf("reading reply: %w", err)
	}
	c.replies++
	x := c.x
	if x.cmd && r.Class() == 1 {
		x.prelim = true
		if x.epsvDialed {
			c.proven.EPSV.Store(true) // EPSV, its port and a transfer all worked here
		}
		if x.active != nil {
			c.proven.Active.Store(true) // PORT or EPRT and a transfer worked here
		}
	}
	if x.cmd && x.Record != nil {
		x.Record.FinalReply = lastLine(r)
	}
	if x.cmd && (r.Code == 425 || r.Code == 522) && x.err == nil {
		x.err = dataRefused(x, r)
	}
	return r, nil
}

// exchange sends a command and reads its reply.
func (c *Conn) exchange(line string, note func(string) string) (wire.Reply, error) {
	if err := c.sendLine(line, ""); err != nil {
		return wire.Reply{}, err
	}
	return c.ReadReply(note)
}

// --- net.Conn, as seen by jlaffaye/ftp ---

// Read hands the library whole replies: from our queue of synthesized or
// replayed replies, else the next reply from the server.
func (c *Conn) Read(p []byte) (int, error) {
	if c.toLib.Len() == 0 {
		errBefore := c.x.err
		r, err := c.ReadReply(nil)
		if a := c.ahead; err == nil && a != nil && !a.read {
			r, err = c.transferReply(r, errBefore)
		}
		if err != nil {
			return 0, err
		}
		if x := c.x; x.cmd && !x.prelim && (r.Code == 226 || r.Code == 250) && x.data != nil {
			// The transfer's completion came with no 1xx before it (some
			// servers answer so when the data is already sent): the data
			// is still on its connection, so hand the library the 150 it
			// waits for, then the 226 (issue #8, case 18).
			x.prelim = true
			c.log.Notef(c.id, "server sent %d before any 150: reading the data connection anyway", r.Code)
			c.QueueReply("150 (ftpdeck: no preliminary reply from the server)")
		}
		c.QueueReply(r.Lines...)
	}
	return c.toLib.Read(p)
}

func (c *Conn) QueueReply(lines ...string) {
	for _, l := range lines {
		c.toLib.WriteString(l)
		c.toLib.WriteString("\r\n")
	}
}

// Write takes the library's commands, one line at a time.
func (c *Conn) Write(p []byte) (int, error) {
	c.fromLib = append(c.fromLib, p...)
	for {
		i := bytes.Index(c.fromLib, []byte("\r\n"))
		if i < 0 {
			break
		}
		line := string(c.fromLib[:i])
		c.fromLib = c.fromLib[i+2:]
		if err := c.handleCommand(line); err != nil {
			c.fromLib = c.fromLib[:0]
			return 0, err
		}
	}
	return len(p), nil
}

func (c *Conn) handleCommand(line string) error {
	if sent, err := c.takeEarly(line); sent || err != nil {
		return err
	}
	verb := VerbOf(line)
	if err := c.settleAhead(verb != "QUIT"); err != nil {
		return err
	}
	x := c.x
	switch verb {
	case "EPSV", "PASV":
		c.negotiate(x, verb)
		return nil
	}
	if (verb == "NLST" || verb == "RETR") && x.ListVerb != "" {
		// The library's NLST or RETR stands for the listing (RETR gives
		// its data as a stream). "RETR " with no path is the login folder.
		rest := line[4:]
		if rest == " " {
			rest = ""
		}
		line, verb = x.ListVerb+rest, VerbOf(x.ListVerb)
		x.ListVerb = ""
	}
	x.replayFail = false
	x.cmd, x.prelim = isDataCommand(verb), false
	if verb == "LIST" && x.ListAll && !strings.HasPrefix(line, "LIST -") {
		// jlaffaye/ftp only adds -a by turning MLSD off; we keep MLSD
		// where it works and ask LIST for hidden files here.
		line = "LIST -a" + line[4:]
	}
	if x.cmd && x.data != nil {
		if isListCommand(verb) {
			x.data.startListing(c.enc)
		}
		x.data.sending = isUpload(verb)
	}
	if pc := x.deferredPort; pc != nil {
		x.deferredPort = nil
		if x.cmd {
			return c.sendPipelinedPort(x, pc, line)
		}
		// Anything else before the transfer command (REST): PORT now,
		// one command at a time. A refusal is the answer to this command
		// (not sent): the library's writer must not fail, or it keeps
		// failing.
		if err := c.sendPort(x, pc, nil); err != nil {
			x.err = err
			if c.Broken() {
				return err
			}
			c.QueueReply("425 " + OneLine(err.Error()))
			return nil
		}
	}
	if d := x.deferred; d != nil {
		x.deferred = nil
		if x.cmd {
			return c.sendPipelined(x, d, line)
		}
		// Anything else before the transfer command (REST): negotiate
		// now, one command at a time.
		if err := c.resolveDeferred(x, d); err != nil {
			return err
		}
	}
	return c.sendLine(line, "")
}

// Close closes the socket and any prepared data connection.
func (c *Conn) Close() error {
	c.x.dropPending()
	c.dropAhead()
	return c.raw.Close()
}

func (c *Conn) LocalAddr() net.Addr  { return c.tcp.LocalAddr() }
func (c *Conn) RemoteAddr() net.Addr { return c.tcp.RemoteAddr() }

// SetDeadline and friends are accepted but our own per-read deadlines rule.
func (c *Conn) SetDeadline(time.Time) error      { return nil }
func (c *Conn) SetReadDeadline(time.Time) error  { return nil }
func (c *Conn) SetWriteDeadline(time.Time) error { return nil }

// Dial is given to jlaffaye/ftp with DialWithDialFunc. The first call takes
// the control connection; every later call takes the data connection that
// negotiate prepared, whatever address the library computed.
func (c *Conn) Dial(_, _ string) (net.Conn, error) {
	if !c.libDialed {
		c.libDialed = true
		return c, nil
	}
	x := c.x
	dc := x.pending
	x.pending = nil
	if dc == nil {
		if x.err != nil {
			return nil, x.err
		}
		return nil, errors.New("no data connection was negotiated")
	}
	return dc, nil
}

// --- data-connection negotiation ---

// mode is the mode of the next data connection: the one force belongs to,
// else the connection's pinned mode, else the session's.
func (c *Conn) mode(force Method) Mode {
	if force != MethodAuto {
		return force.Mode()
	}
	if c.pinned != nil {
		return *c.pinned
	}
	return c.cfg.Mode()
}

// negotiate answers the library's EPSV or PASV. On success it queues a 229
// (or 227) for the library and keeps the connection for its dial; on
// failure a 425 carrying our explanation (the full error is kept in
// x.err, for the Conn method to return).
func (c *Conn) negotiate(x *Xfer, verb string) {
	if verb == "PASV" && x.replayFail {
		// The library retries PASV after our EPSV answer failed: same
		// failure, nothing sent.
		x.replayFail = false
		c.QueueReply("425 " + OneLine(x.err.Error()))
		return
	}
	x.dropPending()
	x.newData()
	m := c.mode(x.Force)
	if conn := c.takeAhead(m, x.Force); conn != nil {
		x.epsvDialed = true
		x.pending = c.attachData(x, c.newDataConn(x), conn, Passive)
		c.QueueReply(fakePassiveReply(verb))
		return
	}
	if c.canPipeline(verb, m, x.Force) {
		c.deferEPSV(x)
		return
	}
	if c.canPipelinePort(m, x.Force) {
		if err := c.deferPort(x); err != nil {
			x.err = err
			x.replayFail = verb == "EPSV"
			c.QueueReply("425 " + OneLine(err.Error()))
			return
		}
		c.QueueReply(fakePassiveReply(verb))
		return
	}
	var dc net.Conn
	var err error
	if m == Active {
		dc, err = c.openActive(x, x.Force, x.Record)
	} else {
		dc, err = c.openPassive(x, x.Force, x.Record)
	}
	if err != nil {
		x.err = err
		x.replayFail = verb == "EPSV"
		c.QueueReply("425 " + OneLine(err.Error()))
		return
	}
	x.pending = c.attachData(x, c.newDataConn(x), dc, m)
	c.QueueReply(fakePassiveReply(verb))
}

// fakePassiveReply is the reply the library gets for its verb (EPSV or
// PASV) once the data connection is prepared. The library ignores the
// address (it dials through us); it only needs a reply it can parse.
func fakePassiveReply(verb string) string {
	if verb == "PASV" {
		return "227 Entering Passive Mode (127,0,0,1,0,1)"
	}
	return "229 Entering Extended Passive Mode (|||1|)"
}

func (c *Conn) Peer() netip.AddrPort  { return addrPort(c.tcp.RemoteAddr()) }
func (c *Conn) Local() netip.AddrPort { return addrPort(c.tcp.LocalAddr()) }

// addrPort returns a socket address as a netip.AddrPort (zero if it is
// not an IP address).
func addrPort(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.AddrPort()
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return ap
}

// openPassive tries EPSV, then PASV, and connects; it returns the TCP
// connection (attachData layers the rest). A probe forces exactly one of
// them (force) and has what happened recorded in rec (nil: not recorded).
func (c *Conn) openPassive(x *Xfer, force Method, rec *Record) (net.Conn, error) {
	peer := c.Peer().Addr().Unmap()
	if rec == nil {
		rec = &Record{} // filled and dropped: one code path with and without a probe
	}
	if force == MethodEPSV || (force == MethodAuto && !c.epsvBroken) {
		var port uint16
		var decodeErr error
		r, err := c.exchange("EPSV", epsvNote(peer, &port, &decodeErr))
		if err != nil {
			return nil, err
		}
		rec.Reply = lastLine(r)
		var failed error
		switch {
		case r.Code == 229 && decodeErr == nil:
			target := netip.AddrPortFrom(peer, port)
			rec.Dialed = target
			conn, derr := c.dialData(target)
			if derr == nil {
				rec.Connected = true
				x.epsvDialed = force == MethodAuto
				return conn, nil
			}
			rec.DialErr = derr
			c.log.Notef(c.id, "passive: EPSV port %s did not answer (%v); falling back to PASV", target, derr)
			failed = epsvUnreachable(target, derr)
		case r.Code == 229:
			c.log.Notef(c.id, "passive: EPSV reply not understood; using PASV on this connection")
			failed = &DataConnError{Mode: Passive, Err: decodeErr, Cause: fmt.Sprintf("server sent a malformed EPSV reply (%v); nothing was dialed", decodeErr)}
		default:
			c.log.Notef(c.id, "passive: server refused EPSV; using PASV on this connection")
			failed = refused(Passive, "", "EPSV", r, "PASV or active mode may work")
		}
		if force == MethodEPSV {
			return nil, failed
		}
		c.epsvBroken = true
	}

	var named netip.AddrPort
	var target netip.AddrPort
	var decodeErr error
	r, err := c.exchange("PASV", func(line string) string {
		if !strings.HasPrefix(line, "227") {
			return ""
		}
		named, decodeErr = wire.DecodePASV(line[3:])
		if decodeErr != nil {
			return "passive: malformed PASV reply; not connecting anywhere"
		}
		target = c.choosePASVTarget(peer, named)
		return pasvNote(named, target, c.cfg.TrustPASV)
	})
	if err != nil {
		return nil, err
	}
	rec.Reply, rec.Named = lastLine(r), named
	if r.Code != 227 {
		return nil, refused(Passive, "", "PASV", r, "active mode may work")
	}
	if decodeErr != nil {
		return nil, &DataConnError{Mode: Passive, Cause: fmt.Sprintf("server sent a malformed PASV reply (%v); nothing was dialed", decodeErr), Err: decodeErr}
	}
	rec.Dialed = target
	conn, err := c.dialData(target)
	if err != nil {
		rec.DialErr = err
		return nil, &DataConnError{Mode: Passive, Addr: target.String(), Err: err,
			Cause: fmt.Sprintf("could not connect to %s, the port the server opened for the data connection (%v) — the server's firewall may block its passive ports; active mode may work", target, RootCause(err))}
	}
	rec.Connected = true
	return conn, nil
}

// choosePASVTarget decides where to connect after a 227: the control peer,
// unless the user trusts PASV addresses and the named one is plausible.
func (c *Conn) choosePASVTarget(peer netip.Addr, named netip.AddrPort) netip.AddrPort {
	if c.cfg.TrustPASV && !bogusDataAddr(peer, named.Addr()) {
		return named
	}
	return netip.AddrPortFrom(peer, named.Port())
}

// bogusDataAddr reports a PASV address we refuse even when trusting PASV:
// one of another kind than the control peer (private vs public, loopback),
// multicast or unspecified (the checks lftp uses).
func bogusDataAddr(peer, named netip.Addr) bool {
	named = named.Unmap()
	return named.IsMulticast() || named.IsUnspecified() ||
		peer.IsPrivate() != named.IsPrivate() || peer.IsLoopback() != named.IsLoopback()
}

func pasvNote(named, target netip.AddrPort, trust bool) string {
	na := named.Addr()
	switch {
	case target == named:
		return fmt.Sprintf("passive: %s (%s), as the server named it", named, wire.Classify(na))
	case trust:
		return fmt.Sprintf("passive: server named %s (%s); refused, connecting to the control peer %s instead", named, wire.Classify(na), target)
	default:
		return fmt.Sprintf("passive: server named %s (%s); connecting to the control peer %s instead", named, wire.Classify(na), target)
	}
}

func (c *Conn) dialData(target netip.AddrPort) (net.Conn, error) {
	// No keep-alive: a data connection lives for one transfer and has its
	// own stall timeout (and the probes cost four system calls per file).
	d := net.Dialer{Timeout: c.timeout(), KeepAlive: -1}
	if d.Timeout > 15*time.Second {
		d.Timeout = 15 * time.Second
	}
	return d.Dial("tcp", target.String())
}

// openActive listens, sends PORT or EPRT, and returns a connection that
// accepts the server's connection on first use. PORT carries IPv4 only;
// EPRT is used for IPv6, or when a probe forces it (force); a probe's
// record is rec (nil: not recorded).
func (c *Conn) openActive(x *Xfer, force Method, rec *Record) (net.Conn, error) {
	pc, err := c.listenPort(force, rec)
	if err != nil {
		return nil, err
	}
	if err := c.sendPort(x, pc, rec); err != nil {
		return nil, err
	}
	return c.newActive(x, pc), nil
}

// portCmd is an active-mode listener and the PORT or EPRT line that tells
// the server where it is.
type portCmd struct {
	ln         net.Listener
	line, note string
	adv        netip.AddrPort // the address the line advertises
}

// listenPort listens for the server's data connection and makes the
// PORT (IPv4) or EPRT line for it.
func (c *Conn) listenPort(force Method, rec *Record) (*portCmd, error) {
	local := c.Local().Addr()
	adv := local
	if c.cfg.ActiveAddr.IsValid() {
		adv = c.cfg.ActiveAddr
	}
	adv = adv.Unmap()
	if force == MethodPORT && !adv.Is4() {
		return nil, &DataConnError{Mode: Active, Err: errors.ErrUnsupported, Cause: fmt.Sprintf("PORT cannot carry the IPv6 address %s; EPRT can", adv)}
	}
	ln, err := listenActive(local, c.cfg.ActivePorts)
	if err != nil {
		return nil, &DataConnError{Mode: Active, Err: err, Cause: fmt.Sprintf("could not listen on %s for the server to connect back (%v)", local, err)}
	}
	listen := addrPort(ln.Addr())
	advAP := netip.AddrPortFrom(adv, listen.Port())
	if rec != nil {
		rec.Advertised, rec.Listen = advAP, listen
	}
	var line string
	if adv.Is4() && force != MethodEPRT {
		arg, _ := wire.EncodePORT(advAP)
		line = "PORT " + arg
	} else {
		arg, _ := wire.EncodeEPRT(advAP)
		line = "EPRT " + arg
	}
	note := fmt.Sprintf("active: listening on %s; server to connect to %s (%s)", ln.Addr(), advAP, wire.Classify(advAP.Addr()))
	if c.cfg.ActiveAddr.IsValid() {
		note += ", the configured --active-addr"
	}
	return &portCmd{ln: ln, line: line, note: note, adv: advAP}, nil
}

// sendPort sends pc's line on its own and reads the reply; on a refusal
// the listener is closed and the error returned.
func (c *Conn) sendPort(x *Xfer, pc *portCmd, rec *Record) error {
	if err := c.sendLine(pc.line, pc.note); err != nil {
		_ = pc.ln.Close()
		return err
	}
	r, err := c.ReadReply(nil)
	if err != nil {
		_ = pc.ln.Close()
		return err
	}
	if rec != nil {
		rec.Reply = lastLine(r)
	}
	if r.Class() != 2 {
		_ = pc.ln.Close()
		return refused(Active, pc.adv.String(), VerbOf(pc.line), r, "passive mode may work")
	}
	return nil
}

// newActive makes pc's listener x's active data connection.
func (c *Conn) newActive(x *Xfer, pc *portCmd) *activeConn {
	x.active = &activeConn{ctl: c, x: x, ln: pc.ln, server: c.Peer().Addr().Unmap(), advertised: pc.adv}
	return x.active
}

func listenActive(local netip.Addr, pr PortRange) (net.Listener, error) {
	if pr.Lo == 0 {
		return net.Listen("tcp", netip.AddrPortFrom(local, 0).String())
	}
	n := int(pr.Hi) - int(pr.Lo) + 1
	start := int(time.Now().UnixNano() % int64(n))
	var lastErr error
	for i := 0; i < n; i++ {
		p := uint16(int(pr.Lo) + (start+i)%n)
		ln, err := net.Listen("tcp", netip.AddrPortFrom(local, p).String())
		if err == nil {
			return ln, nil
		}
		lastErr = err
	}
	return nil, fmt.Errorf("no free port in %s: %w", pr, lastErr)
}

// wrapData adds the stall timeout and, for a passive connection under
// TLS, the TLS client (an active one is wrapped when it is accepted).
// newDataConn returns the data connection handed to the library; until
// attachData gives it a socket, it answers every read and write with an
// error.
func (c *Conn) newDataConn(x *Xfer) *DataConn {
	return &DataConn{Conn: unnegotiated{}, ctl: c, x: x, stall: c.timeout(), interrupted: c.wasInterrupted}
}

// attachData puts conn beneath d (through TLS for a passive connection of
// a protected session; an active one starts TLS once the server connects)
// and makes d the current data connection of x.
func (c *Conn) attachData(x *Xfer, d *DataConn, conn net.Conn, m Mode) *DataConn {
	if c.dataTLS != nil && m == Passive {
		conn = c.tlsData(x, conn)
	}
	d.Conn, d.mode = conn, m
	x.data = d
	return d
}

// lastLine returns a reply's final line, as received.
func lastLine(r wire.Reply) string {
	if len(r.Lines) == 0 {
		return ""
	}
	return r.Lines[len(r.Lines)-1]
}

func OneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

func VerbOf(line string) string {
	v, _, _ := strings.Cut(line, " ")
	return strings.ToUpper(v)
}

func isDataCommand(verb string) bool {
	switch verb {
	case "RETR", "STOR", "APPE", "STOU", "LIST", "NLST", "MLSD":
		return true
	}
	return false
}

func isUpload(verb string) bool {
	return verb == "STOR" || verb == "APPE" || verb == "STOU"
}

func isListCommand(verb string) bool {
	return verb == "LIST" || verb == "NLST" || verb == "MLSD"
}

// maskCommand hides the argument of PASS (and ACCT) in the log.
func maskCommand(line string) string {
	switch VerbOf(line) {
	case "PASS", "ACCT":
		return line[:4] + " ****"
	}
	return line
}

func RootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// refused is the error for a server that refused verb, the command that
// sets up a data connection in mode m; advice says what may work instead.
func refused(m Mode, addr, verb string, r wire.Reply, advice string) *DataConnError {
	return &DataConnError{Mode: m, Addr: addr, Err: &ReplyError{Cmd: verb, Code: r.Code, Text: r.Text()},
		Cause: fmt.Sprintf("server refused %s: %d %s — %s", verb, r.Code, wire.Escape(r.Text()), advice)}
}

// dataRefused explains a 425 ("can't open data connection") to a transfer
// command in terms of the mode x's data connection was negotiated in.
func dataRefused(x *Xfer, r wire.Reply) error {
	re := &ReplyError{Code: r.Code, Text: r.Text()}
	if t := x.tls; t != nil && t.noted && !t.resumed {
		m := Passive
		if x.active != nil {
			m = Active
		}
		return &DataConnError{Mode: m, Err: re,
			Cause: fmt.Sprintf("server refused the TLS data connection (%d %s): it did not resume the control connection's TLS session, and this server requires that (vsftpd's require_ssl_reuse) — switching modes will not help", r.Code, wire.Escape(r.Text()))}
	}
	if a := x.active; a != nil {
		return &DataConnError{Mode: Active, Addr: a.advertised.String(), Err: re,
			Cause: fmt.Sprintf("server could not connect back to %s (%d %s) — a NAT or firewall on this side is the usual cause; passive mode may work", a.advertised, r.Code, wire.Escape(r.Text()))}
	}
	return &DataConnError{Mode: Passive, Err: re,
		Cause: fmt.Sprintf("server did not see our data connection (%d %s) — a firewall between us may block its passive ports; active mode may work", r.Code, wire.Escape(r.Text()))}
}
