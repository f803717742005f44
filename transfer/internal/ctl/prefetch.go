package ctl

import (
	"fmt"
	"net"
	"net/netip"
	"time"

	"ftpdeck/transfer/wire"
)

// Prefetched EPSV (issue 19). A queue worker runs transfers back to back,
// and each costs a round trip for its EPSV even when it is pipelined with
// the transfer command. With SetPrefetch, once a download's (or a
// listing's) data has all arrived, the layer sends the next transfer's
// EPSV at once, before the server's reply to this one: a server reads its
// commands in order, so it answers 226, then 229, in the same round trip.
// The 229 is read before the next command goes out and its port dialed,
// and the library's next EPSV is answered with that connection: per small
// file, one round trip fewer. Nothing but EPSV is sent ahead, so a next
// command that is not a transfer (MDTM, QUIT) costs nothing but an unused
// passive port. Not after an upload: the server is still reading it when
// this side has written its last byte (proftpd answers "450 EPSV: data
// transfer in progress").
//
// A server that gets it wrong is told apart (transferReply): a reply to
// the EPSV before the transfer's own (a 229, or a refusal followed by the
// 226) is taken for the EPSV's, and prefetching stops on the connection;
// an EPSV refused in turn, or a port that does not answer, leaves the
// connection in step (nothing waits for that port) and the next transfer
// negotiates its own.

// aheadFresh bounds how long a prefetched data connection is kept for
// the next transfer: a server may drop a passive port that waits longer
// (a queue worker's next file follows within milliseconds).
const aheadFresh = 10 * time.Second

// ahead is a prefetched EPSV: sent, then its reply read and its port
// dialed.
type ahead struct {
	read bool      // its reply has been read
	conn net.Conn  // the data connection to its port; nil = none
	at   time.Time // when conn was dialed
}

// SetPrefetch turns prefetching on or off for this connection (see the
// comment above). Off is the default.
func (c *Conn) SetPrefetch(on bool) { c.prefetch = on }

// prefetchEPSV sends the next transfer's EPSV when x's data has all moved
// and the connection qualifies: prefetching on, passive mode, EPSV and
// pipelining proven here, no probe, no trouble in the session.
func (c *Conn) prefetchEPSV(x *Xfer) {
	if !c.prefetch || c.ahead != nil || !x.cmd || !x.prelim || x.Force != MethodAuto ||
		!c.epsvProven() || c.epsvBroken || c.cfg.NoPipeline.Load() || c.Broken() || c.mode(MethodAuto) != Passive {
		return
	}
	last := c.lastVerb // a failure reply still answers the transfer command
	err := c.send(command{"EPSV", "prefetch: the next transfer's, sent before this one's reply"})
	c.lastVerb = last
	if err == nil {
		c.ahead = &ahead{}
	}
}

// settleAhead reads the reply to a prefetched EPSV, if it is due, and
// dials its port (unless the next command is QUIT: dial false), so that
// the connection is in step before the next command goes out.
func (c *Conn) settleAhead(dial bool) error {
	a := c.ahead
	if a == nil || a.read {
		return nil
	}
	// The reply belongs to no operation: read it outside the current one.
	x := c.x
	c.x = &Xfer{}
	defer func() { c.x = x }()
	r, err := c.ReadReply(nil)
	if err != nil {
		c.ahead = nil
		return err
	}
	if !dial {
		c.ahead = nil
		return nil
	}
	c.aheadReply(r)
	return nil
}

// aheadReply takes r, the reply to the prefetched EPSV: on a 229 its port
// is dialed and kept for the next transfer; anything else turns
// prefetching off here.
func (c *Conn) aheadReply(r wire.Reply) {
	a := c.ahead
	a.read = true
	port, derr := wire.DecodeEPSV(lastLine(r))
	if r.Code != 229 || derr != nil {
		c.ahead = nil
		c.stopPrefetch(fmt.Sprintf("EPSV answered %q", lastLine(r)))
		return
	}
	target := netip.AddrPortFrom(c.Peer().Addr().Unmap(), port)
	conn, err := c.dialData(target)
	if err != nil {
		c.ahead = nil
		c.log.Notef(c.id, "prefetch: EPSV port %s did not answer (%v); the next transfer negotiates its own", target, err)
		return
	}
	c.log.Notef(c.id, "prefetch: connected to %s for the next transfer", target)
	a.conn, a.at = conn, time.Now()
}

// takeAhead returns the prefetched data connection for a transfer in mode
// m with force, or nil; one that cannot be used (active mode, a probe,
// too old) is closed.
func (c *Conn) takeAhead(m Mode, force Method) net.Conn {
	a := c.ahead
	if a == nil || !a.read {
		return nil
	}
	c.ahead = nil
	if a.conn == nil {
		return nil
	}
	if m != Passive || force != MethodAuto || time.Since(a.at) > aheadFresh {
		_ = a.conn.Close()
		return nil
	}
	return a.conn
}

// dropAhead closes a prefetched data connection (the control connection
// is closing).
func (c *Conn) dropAhead() {
	if a := c.ahead; a != nil && a.conn != nil {
		_ = a.conn.Close()
	}
	c.ahead = nil
}

// transferReply takes r, the reply read where the transfer's own was due
// while a prefetched EPSV is unanswered, and returns the transfer's reply.
// A server in step answers the transfer first (r is its 226); a server
// that read the EPSV during the transfer answers it first: its 229, or a
// refusal (proftpd: "450 EPSV: data transfer in progress") followed by
// the transfer's 226. A failure reply is told apart by the one after it.
// Either disorder stops prefetching here. errBefore is the transfer's
// error before r was read (a 425 taken for the transfer's is undone when
// it was the EPSV's).
func (c *Conn) transferReply(r wire.Reply, errBefore error) (wire.Reply, error) {
	if r.Class() == 1 || (r.Class() == 2 && r.Code != 229) {
		return r, nil
	}
	if r.Code == 229 {
		c.stopPrefetch("the server answered EPSV before the transfer's reply")
		c.aheadReply(r)
		return c.ReadReply(nil)
	}
	r2, err := c.ReadReply(nil)
	if err != nil {
		c.ahead = nil
		return r2, err
	}
	c.stopPrefetch(fmt.Sprintf("%q came where the transfer's reply was due", lastLine(r)))
	switch {
	case r2.Code == 229: // r is the transfer's failure, r2 the EPSV's
		c.aheadReply(r2)
		return r, nil
	case r2.Class() == 2: // r refused the EPSV, r2 ends the transfer
		c.ahead = nil
		c.x.err = errBefore
		return r2, nil
	}
	c.ahead = nil // both failed: the first answers the transfer
	return r, nil
}

// stopPrefetch turns prefetching off on this connection and says why.
func (c *Conn) stopPrefetch(why string) {
	if c.prefetch {
		c.prefetch = false
		c.log.Notef(c.id, "prefetch: %s; this connection no longer sends EPSV ahead", why)
	}
}
