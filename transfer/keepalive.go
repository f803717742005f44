package transfer

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"ftpdeck/transfer/internal/ctl"
	"ftpdeck/transfer/wire"
)

// Long sessions. A connection that sits idle (the TUI's browsing
// connection while the user reads, a queue worker between batches) is
// kept open by a NOOP once it has been idle for Site.Keepalive, sent from
// a timer between operations, never during one (Conn.mu). Servers may
// close it anyway: their limit is shorter than ours, or NOOP does not
// count for them (proftpd's TimeoutNoTransfer). Broken finds that out
// without a round trip before the connection is used again, so its owner
// dials a new one instead of showing "connection closed" to the user.

// DefaultKeepalive is the keepalive setting's default (INTERFACE.md,
// config.toml): ParseURL sets it, config.toml and bookmarks change it.
const DefaultKeepalive = 60 * time.Second

// staleAfter is how long a connection must have been idle before Broken
// looks whether the server has closed it: the look costs up to a
// millisecond, so a queue worker going from one file to the next, or a
// command that follows another, never pays it.
const staleAfter = time.Second

// opDone ends an operation: it records the time and arms the keep-alive
// timer for the connection's next idle period.
func (c *Conn) opDone() {
	c.last.Store(time.Now().UnixNano())
	if d := c.sess.keepaliveEvery(); d > 0 && !c.closed {
		if c.ka == nil {
			c.ka = time.AfterFunc(d, c.keepalive)
		} else {
			c.ka.Reset(d)
		}
	}
	c.mu.Unlock()
}

// keepalive runs on the timer: it sends NOOP when the connection has been
// idle for the keep-alive interval. A connection in use is left alone (the
// operation's end arms the timer again). A NOOP that fails marks the
// connection broken, so its owner replaces it on next use.
func (c *Conn) keepalive() {
	if !c.mu.TryLock() {
		return
	}
	defer c.mu.Unlock()
	d := c.sess.keepaliveEvery()
	if c.closed || c.cc.Broken() {
		return
	}
	idle := time.Since(time.Unix(0, c.last.Load()))
	if idle < d {
		c.ka.Reset(d - idle)
		return
	}
	c.cc.Begin(ctl.Plan{})
	err := c.sc.NoOp()
	c.cc.End()
	c.last.Store(time.Now().UnixNano())
	if err != nil {
		c.cc.SetBroken()
		err = convertErr("NOOP", err)
		c.sess.log.Notef(c.ID(), "keepalive: NOOP failed (%v); a new connection will replace this one when it is next needed", err)
		if !errors.Is(err, ErrTimeout) {
			c.sess.learnIdleLimit(c.ID(), idle)
		}
		return
	}
	c.ka.Reset(d)
}

// keepaliveEvery is how long a connection may sit idle before NOOP: the
// keepalive setting, or less once a server has shown that it closes idle
// connections sooner (learnIdleLimit); 0 when keep-alive is off.
func (s *Session) keepaliveEvery() time.Duration {
	d := s.site.Keepalive
	if l := time.Duration(s.idleLimit.Load()); d > 0 && l > 0 {
		d = min(d, max(l/2, min(minKeepalive, d/4)))
	}
	return d
}

// minKeepalive is the shortest interval learnIdleLimit brings keep-alive
// down to (a quarter of the setting when that is shorter), so that a NOOP
// that failed for another reason cannot make the session send NOOPs in a
// storm.
const minKeepalive = 5 * time.Second

// learnIdleLimit records that the server closed a connection of this
// session that had been idle for idle, while keep-alive waited longer
// than that (a 60 s setting against vsftpd's idle_session_timeout=60
// loses the race every time). From then on the session's connections
// send NOOP after half of it, and the log says so once per change.
func (s *Session) learnIdleLimit(conn int, idle time.Duration) {
	before := s.keepaliveEvery()
	for {
		old := s.idleLimit.Load()
		if old > 0 && time.Duration(old) <= idle {
			return
		}
		if s.idleLimit.CompareAndSwap(old, int64(idle)) {
			break
		}
	}
	if after := s.keepaliveEvery(); after < before {
		s.log.Notef(conn, "keepalive: the server closes connections idle for %s or less; NOOP after %s idle from now on", idle.Round(10*time.Millisecond), after.Round(10*time.Millisecond))
	}
}

// stopKeepalive stops the timer and waits for a NOOP in flight.
func (c *Conn) stopKeepalive() {
	c.mu.Lock()
	c.closed = true
	if c.ka != nil {
		c.ka.Stop()
	}
	c.mu.Unlock()
}

// Broken reports whether the connection must be replaced: it broke in use
// (a timeout, a cancel, a closed connection), a keep-alive NOOP failed,
// or, after it sat idle, the server has closed it (vsftpd's "421
// Timeout.", proftpd's idle limits) — seen without a round trip, and
// noted in the log.
func (c *Conn) Broken() bool {
	if c.cc.Broken() {
		return true
	}
	last := c.last.Load()
	if last == 0 || time.Since(time.Unix(0, last)) < staleAfter {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.cc.Broken() {
		return true
	}
	said, closed := c.cc.ClosedByServer()
	if !closed {
		return false
	}
	c.cc.SetBroken()
	idle := time.Since(time.Unix(0, last))
	if d := c.sess.keepaliveEvery(); d > 0 && idle < d {
		c.sess.learnIdleLimit(c.ID(), idle) // closed before our NOOP was due
	}
	idle = idle.Round(time.Second)
	if said != "" {
		c.sess.log.Notef(c.ID(), "the server closed this connection after %s idle (%s); a new connection replaces it", idle, said)
	} else {
		c.sess.log.Notef(c.ID(), "the server closed this connection after %s idle; a new connection replaces it", idle)
	}
	return true
}

// IsConnLimit reports a connection the server refused because it has too
// many: a 421 at the greeting or to the login (vsftpd max_clients and
// max_per_ip, pure-ftpd -c and -C, proftpd MaxClients), or a 530 whose
// words say so (servers that refuse at USER). Worth trying again later,
// with fewer connections.
func IsConnLimit(err error) bool {
	var re *ReplyError
	if !errors.As(err, &re) {
		return false
	}
	if re.Code == 421 {
		return true
	}
	t := strings.ToLower(re.Text)
	return re.Code == 530 && (strings.Contains(t, "too many") || strings.Contains(t, "maximum number"))
}

// loginRefused is a login the server refused with a 5xx reply: the
// server's words, and the reply itself for errors.As (IsConnLimit).
type loginRefused struct {
	user string
	re   *ReplyError
}

func (e *loginRefused) Error() string {
	return fmt.Sprintf("login as %s refused: %d %s", e.user, e.re.Code, wire.Escape(e.re.Text))
}

func (e *loginRefused) Unwrap() error { return e.re }
