package ftpscript

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"
)

// pending is the data connection set up by the last PASV, EPSV, PORT or
// EPRT, opened by the next Conn.Data.
type pending struct {
	mode    string
	passive bool

	// passive
	ln       net.Listener
	noAccept bool
	ch       chan accepted // closed when the acceptor ends

	// active
	target string
	delay  time.Duration // < 0: never connect
}

type accepted struct {
	nc  net.Conn
	rec *dataRecord
}

// ListenPassive opens a data listener on 127.0.0.1 (a new port) that
// accepts in the background, recording every connection in DataConns, and
// makes it the pending data connection: the next Data returns the first
// connection it accepted. It returns the port; the handler sends whatever
// reply it likes (see PASVReply, EPSVReply). The built-in PASV and EPSV use
// it.
func (c *Conn) ListenPassive() (int, error) {
	ln, err := c.listen()
	if err != nil {
		return 0, err
	}
	p := &pending{mode: c.verb, passive: true, ln: ln, ch: make(chan accepted, 8)}
	if !c.srv.goSafe(func() { c.srv.acceptData(c.id, p) }) {
		c.srv.untrack(ln)
		_ = ln.Close()
		return 0, errServerClosed
	}
	c.pending = p
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// ListenNoAccept opens a data listener on 127.0.0.1 that never calls
// Accept, makes it the pending data connection and returns its port. The
// kernel still completes TCP handshakes into the listen backlog, so a
// client's connect succeeds but nothing is ever read or written; Data waits
// DataTimeout and fails.
func (c *Conn) ListenNoAccept() (int, error) {
	ln, err := c.listen()
	if err != nil {
		return 0, err
	}
	c.pending = &pending{mode: c.verb, passive: true, ln: ln, noAccept: true}
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// listen drops any pending data connection and opens a new loopback
// listener, tracked for Close.
func (c *Conn) listen() (net.Listener, error) {
	c.dropPending()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("ftpscript: passive listen: %w", err)
	}
	if !c.srv.track(ln) {
		return nil, errServerClosed
	}
	return ln, nil
}

// SetActive makes addr ("host:port") the pending data connection: the next
// Data connects to it after delay (delay < 0: never; Data then waits
// DataTimeout and fails). Only loopback addresses are dialed. The built-in
// PORT and EPRT use it with delay 0.
func (c *Conn) SetActive(addr string, delay time.Duration) {
	c.dropPending()
	c.pending = &pending{mode: c.verb, target: addr, delay: delay}
}

// SetDataDelay changes the delay of a pending active data connection (see
// SetActive); it does nothing when the pending one is passive or absent.
func (c *Conn) SetDataDelay(delay time.Duration) {
	if c.pending != nil && !c.pending.passive {
		c.pending.delay = delay
	}
}

// ActiveTarget returns the address ("host:port") named by the last PORT or
// EPRT that is still pending, or "".
func (c *Conn) ActiveTarget() string {
	if c.pending == nil || c.pending.passive {
		return ""
	}
	return c.pending.target
}

// PassivePort returns the port of the pending passive listener, or 0.
func (c *Conn) PassivePort() int {
	if c.pending == nil || !c.pending.passive {
		return 0
	}
	return c.pending.ln.Addr().(*net.TCPAddr).Port
}

// HasPending reports whether a data connection has been set up (PASV, EPSV,
// PORT, EPRT) and not yet opened by Data.
func (c *Conn) HasPending() bool { return c.pending != nil }

// Data opens the pending data connection set up by the last PASV, EPSV,
// PORT or EPRT: passive, it waits (up to DataTimeout) for the first
// connection the listener accepted; active, it connects to the address the
// client named. The pending state is consumed either way. After PROT P the
// connection is a TLS server whose handshake runs at the first Read or
// Write (so after the handler's 150 reply, as vsftpd does; clients wait for
// the 150 before their handshake); handshake failures, and ErrNoReuse, are
// returned by that Read or Write. Closing the connection ends the transfer.
func (c *Conn) Data() (net.Conn, error) {
	p := c.pending
	c.pending = nil
	if p == nil {
		return nil, errors.New("ftpscript: no PASV, EPSV, PORT or EPRT before this command")
	}
	s := c.srv
	timeout := time.NewTimer(s.DataTimeout)
	defer timeout.Stop()

	var raw net.Conn
	var rec *dataRecord
	if p.passive {
		defer p.close(s)
		if p.noAccept {
			select {
			case <-timeout.C:
				return nil, errors.New("ftpscript: passive listener never accepts (scripted)")
			case <-s.done:
				return nil, errServerClosed
			}
		}
		select {
		case a, ok := <-p.ch:
			if !ok {
				return nil, errServerClosed
			}
			raw, rec = a.nc, a.rec
		case <-timeout.C:
			return nil, fmt.Errorf("ftpscript: no data connection to %s within %v", p.ln.Addr(), s.DataTimeout)
		case <-s.done:
			return nil, errServerClosed
		}
	} else {
		rec = &dataRecord{info: DataConn{Conn: c.id, Mode: p.mode, Remote: p.target}}
		s.addData(rec)
		fail := func(err error) (net.Conn, error) {
			s.update(rec, func(i *DataConn) { i.Err = err.Error() })
			return nil, err
		}
		if p.delay < 0 {
			select {
			case <-timeout.C:
				return fail(errors.New("ftpscript: never connecting (scripted)"))
			case <-s.done:
				return fail(errServerClosed)
			}
		}
		if p.delay > 0 && !c.Wait(p.delay) {
			return fail(errServerClosed)
		}
		if err := checkLoopback(p.target); err != nil {
			return fail(err)
		}
		ctx, cancel := context.WithTimeout(s.ctx(), s.DataTimeout)
		var d net.Dialer
		nc, err := d.DialContext(ctx, "tcp", p.target)
		cancel()
		if err != nil {
			return fail(fmt.Errorf("ftpscript: connect to %s: %w", p.target, err))
		}
		if !s.track(nc) {
			return fail(errServerClosed)
		}
		s.update(rec, func(i *DataConn) {
			i.Connected = true
			i.Local = nc.LocalAddr().String()
		})
		raw = nc
	}

	s.update(rec, func(i *DataConn) { i.Used = true })
	d := &dataConn{Conn: raw, raw: raw, srv: s, rec: rec}
	if c.protP && s.tlsConf != nil {
		d.tls = tls.Server(raw, s.tlsConf)
		d.Conn = d.tls
	}
	return d, nil
}

// dropPending closes a pending passive listener that was never used.
func (c *Conn) dropPending() {
	if c.pending != nil {
		c.pending.close(c.srv)
		c.pending = nil
	}
}

// close closes a passive listener and every connection it accepted that
// no handler took.
func (p *pending) close(s *Server) {
	if !p.passive {
		return
	}
	_ = p.ln.Close()
	s.untrack(p.ln)
	if p.ch == nil {
		return
	}
	for a := range p.ch {
		_ = a.nc.Close()
		s.untrack(a.nc)
		s.update(a.rec, func(i *DataConn) { i.Closed = true })
	}
}

// acceptData accepts on a passive listener until it is closed.
func (s *Server) acceptData(id int, p *pending) {
	defer close(p.ch)
	for {
		nc, err := p.ln.Accept()
		if err != nil {
			return
		}
		rec := &dataRecord{info: DataConn{
			Conn:      id,
			Mode:      p.mode,
			Passive:   true,
			Listen:    p.ln.Addr().String(),
			Local:     nc.LocalAddr().String(),
			Remote:    nc.RemoteAddr().String(),
			Connected: true,
		}}
		s.addData(rec)
		if !s.track(nc) {
			s.update(rec, func(i *DataConn) { i.Closed = true })
			return
		}
		select {
		case p.ch <- accepted{nc, rec}:
		default:
			_ = nc.Close()
			s.untrack(nc)
			s.update(rec, func(i *DataConn) { i.Closed = true })
		}
	}
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("ftpscript: bad active address %q: %w", addr, err)
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("ftpscript: refusing to connect to non-loopback address %s (tests stay on loopback)", addr)
	}
	return nil
}
