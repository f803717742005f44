package transfer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"syscall"

	"github.com/jlaffaye/ftp"
	"golang.org/x/text/encoding"

	"ftpdeck/transfer/internal/ctl"
)

// Session is one site the user is connected to: its settings, its protocol
// log, and the data-connection mode shared by all its connections. The UI's
// browsing connection and every queue worker's connection belong to one
// Session, so a toggle reaches them all. A Session is safe for concurrent
// use; each Conn it dials is not.
type Session struct {
	site Site
	log  *Log
	mode atomic.Int32
	// noPipeline: a pipelined EPSV went wrong on some connection of this
	// session; every connection negotiates one command at a time from then on.
	noPipeline atomic.Bool
	// noEarlyLogin: a login sent in one write went unanswered; every
	// connection logs in one command at a time from then on, and sends
	// no other commands of ours together (Conn.Kind). While it is false,
	// every login of the session went out in one write and was answered.
	noEarlyLogin atomic.Bool
	// proven: what pipelining has worked on some connection of this
	// session (a new connection pipelines from its first transfer)
	proven ctl.Proven
	enc    encoding.Encoding // names on the server; nil = UTF-8
	encErr error             // an unknown Site.Encoding, reported by Dial
	ctl    *ctl.Config       // what the control layer needs of the session
	// idleLimit is the shortest idle time after which the server was seen
	// to close a connection (nanoseconds, 0 = not seen): keep-alive comes
	// sooner than that (keepaliveEvery).
	idleLimit atomic.Int64
}

// NewSession returns a session for site that logs to log (which may be
// shared with other sessions). The site's Mode is the starting mode.
func NewSession(site Site, log *Log) *Session {
	if log == nil {
		log = NewLog(1000)
	}
	s := &Session{site: site, log: log}
	s.mode.Store(int32(site.Mode))
	s.enc, s.encErr = lookupEncoding(site.Encoding)
	s.ctl = &ctl.Config{
		Addr: site.Addr(), Timeout: site.timeout(), TrustPASV: site.TrustPASVAddress,
		ActiveAddr: site.ActiveAddr, ActivePorts: site.ActivePorts, Enc: s.enc,
		Log: ctlLog{log}, Mode: s.Mode, TLS: s.tlsConfig, NoPipeline: &s.noPipeline, Proven: &s.proven,
	}
	return s
}

// Site returns the session's settings.
func (s *Session) Site() Site { return s.site }

// Log returns the session's protocol log.
func (s *Session) Log() *Log { return s.log }

// Mode returns the mode the next data connection will use.
func (s *Session) Mode() Mode { return Mode(s.mode.Load()) }

// SetMode switches the mode for the next data connection of every
// connection of the session, and notes the switch in the log.
func (s *Session) SetMode(m Mode) {
	old := Mode(s.mode.Swap(int32(m)))
	if old != m {
		s.noteMode(old, m)
	}
}

// ToggleMode flips between active and passive and returns the new mode.
func (s *Session) ToggleMode() Mode {
	for {
		old := s.mode.Load()
		nm := Mode(old).Other()
		if s.mode.CompareAndSwap(old, int32(nm)) {
			s.noteMode(Mode(old), nm)
			return nm
		}
	}
}

func (s *Session) noteMode(old, m Mode) {
	s.log.Notef(0, "mode: %s → %s (from the next data connection, on every connection)", old, m)
}

// Dial opens and logs in a new control connection. The context bounds the
// whole dial and login. The login goes out in one write (ctl/early.go); a
// server that answers its first line and then nothing until the timeout
// (one that reads a single command per packet and drops the rest) is
// dialed again with one command at a time, as is every later connection
// of the session.
func (s *Session) Dial(ctx context.Context) (*Conn, error) {
	if s.encErr != nil {
		return nil, s.encErr
	}
	early := !s.noEarlyLogin.Load()
	c, err := s.dial(ctx, early)
	var lt *earlyLoginTimeout
	if err != nil && early && ctx.Err() == nil && errors.As(err, &lt) {
		s.noEarlyLogin.Store(true)
		s.log.Notef(lt.conn, "the server did not answer a login sent in one write within %s; connecting again, one command at a time (for this session)", s.site.timeout())
		return s.dial(ctx, false)
	}
	return c, err
}

// earlyLoginTimeout is a login sent in one write that timed out.
type earlyLoginTimeout struct {
	conn int
	err  error
}

func (e *earlyLoginTimeout) Error() string { return e.err.Error() }
func (e *earlyLoginTimeout) Unwrap() error { return e.err }

// dial is one attempt of Dial; early sends the login in one write.
func (s *Session) dial(ctx context.Context, early bool) (*Conn, error) {
	id := s.log.NextConn()
	site := s.site
	s.log.Notef(id, "connecting to %s (%s, tls %s)", site.Addr(), s.Mode(), site.TLS)
	d := net.Dialer{Timeout: site.timeout()}
	raw, err := d.DialContext(ctx, "tcp", site.Addr())
	if err != nil {
		err = explainDialErr(site, err)
		s.log.Notef(id, "%v", err)
		return nil, err
	}
	s.log.Notef(id, "connected %s → %s", raw.LocalAddr(), raw.RemoteAddr())
	cc := ctl.New(raw, id, s.ctl)
	stop := context.AfterFunc(ctx, cc.Interrupt)
	defer stop()

	conn, err := s.login(cc, early)
	if err != nil {
		_ = raw.Close()
		if early && errors.Is(err, ErrTimeout) && ctx.Err() == nil && cc.EarlyAnswered() {
			// answered, then silent: the rest of the write was lost (a
			// server silent from the start is not helped by a retry)
			err = &earlyLoginTimeout{conn: id, err: err}
		}
		if ctx.Err() != nil {
			err = fmt.Errorf("connect to %s: %w", site.Addr(), ctx.Err())
		}
		s.log.Notef(id, "%v", err)
		return nil, err
	}
	return conn, nil
}

func (s *Session) login(cc *ctl.Conn, early bool) (*Conn, error) {
	site := s.site
	if site.TLS == TLSImplicit {
		if err := cc.StartTLS(); err != nil {
			return nil, err
		}
	}
	greeting, err := cc.ReadReply(nil)
	if err != nil {
		if errors.Is(err, ErrTimeout) {
			return nil, fmt.Errorf("connect to %s: timed out after %s waiting for the server's greeting: %w", site.Addr(), site.timeout(), ErrTimeout)
		}
		return nil, fmt.Errorf("connect to %s: no greeting: %w", site.Addr(), err)
	}
	if greeting.Code != 220 {
		return nil, fmt.Errorf("connect to %s: %w", site.Addr(), &ReplyError{Code: greeting.Code, Text: greeting.Text()})
	}
	if site.TLS == TLSExplicit {
		if err := cc.AuthTLS(); err != nil {
			return nil, err
		}
	}
	if site.TLS != TLSOff {
		if err := cc.ProtectData(early); err != nil {
			return nil, err
		}
	}
	cc.QueueReply(greeting.Lines...)
	if early {
		// The login in one write: the library's USER, PASS, FEAT and
		// TYPE I then cost one round trip together (ctl/early.go).
		if err := cc.SendEarly("USER "+site.User, "PASS "+site.Password, "FEAT", "TYPE I"); err != nil {
			return nil, fmt.Errorf("connect to %s: %w", site.Addr(), err)
		}
	}
	sc, err := ftp.Dial(site.Addr(),
		ftp.DialWithDialFunc(cc.Dial),
		ftp.DialWithTimeout(site.timeout()),
		ftp.DialWithDisabledEPSV(false),        // EPSV reaches our layer in both modes
		ftp.DialWithDisabledUTF8(s.enc != nil), // OPTS UTF8 ON would contradict the site's charset
		ftp.DialWithWritingMDTM(true),          // vsftpd sets times with "MDTM time file" (it has no MFMT)
	)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", site.Addr(), convertErr("", err))
	}
	if err := sc.Login(site.User, site.Password); err != nil {
		err = convertErr("login", err)
		var re *ReplyError
		if errors.As(err, &re) && re.Code == 530 {
			return nil, &loginRefused{user: site.User, re: re}
		}
		return nil, fmt.Errorf("login as %s: %w", site.User, err)
	}
	return &Conn{sc: sc, cc: cc, sess: s}, nil
}

// explainDialErr turns a failed TCP connect into words a user can act on.
func explainDialErr(site Site, err error) error {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("connect to %s: connection refused — no FTP server is listening on that port", site.Addr())
	case isTimeout(err):
		return fmt.Errorf("connect to %s: no answer within %s — the host is down or a firewall drops the connection: %w", site.Addr(), site.timeout(), ErrTimeout)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return fmt.Errorf("connect to %s: cannot resolve host %q: %v", site.Addr(), site.Host, dnsErr.Err)
	}
	return fmt.Errorf("connect to %s: %w", site.Addr(), err)
}

// ctlLog is the session's log as the control layer writes it.
type ctlLog struct{ l *Log }

func (c ctlLog) Sent(conn int, line, note string) {
	c.l.Add(Event{Conn: conn, Dir: Sent, Text: line, Note: note})
}

func (c ctlLog) Received(conn int, line, note string) {
	c.l.Add(Event{Conn: conn, Dir: Received, Text: line, Note: note})
}

func (c ctlLog) Notef(conn int, format string, args ...any) { c.l.Notef(conn, format, args...) }
