package ctl

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"ftpdeck/transfer/trust"
	"ftpdeck/transfer/wire"
)

// TLS on the control connection (implicit, or AUTH TLS then PBSZ/PROT)
// and on data connections (a client resuming the control connection's
// session, ended the way servers expect).

// StartTLS wraps the control connection in TLS (implicit TLS, or after a
// 234 to AUTH TLS). Each control connection gets its own session cache, so
// its data connections resume exactly its session.
func (c *Conn) StartTLS() error {
	cfg := c.cfg.TLS()
	cfg.ClientSessionCache = tls.NewLRUClientSessionCache(8)
	tc := tls.Client(c.tcp, cfg)
	_ = c.tcp.SetDeadline(time.Now().Add(c.timeout()))
	if err := tc.Handshake(); err != nil {
		var ce *trust.CertError
		if errors.As(err, &ce) {
			c.log.Notef(c.id, "tls: %v", ce)
			return ce
		}
		return fmt.Errorf("tls handshake with %s: %w", c.cfg.Addr, err)
	}
	_ = c.tcp.SetDeadline(time.Time{})
	st := tc.ConnectionState()
	c.log.Notef(c.id, "tls: control connection protected (%s, %s)", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
	c.raw = tc
	c.rr = wire.NewReplyReader(readerFunc(c.readRaw))
	c.dataTLS = cfg.Clone() // the clone shares cfg's session cache: data connections resume
	return nil
}

// AuthTLS upgrades an explicit-TLS connection before the library sees it.
// Anything the server sends after its 234 and before the handshake could
// have been injected by a man in the middle, so it ends the connection.
func (c *Conn) AuthTLS() error {
	r, err := c.exchange("AUTH TLS", nil)
	if err != nil {
		return fmt.Errorf("auth tls: %w", err)
	}
	if r.Code != 234 {
		return fmt.Errorf("server refused AUTH TLS (%d %s): not sending the password in clear text", r.Code, wire.Escape(r.Text()))
	}
	if c.rr.Buffered() > 0 {
		return fmt.Errorf("server sent %d bytes after its 234 reply, before TLS started: possible injection, connection stopped", c.rr.Buffered())
	}
	return c.StartTLS()
}

// ProtectData sends PBSZ 0 and PROT P so data connections are encrypted
// too; a refusal stops the connection before USER and PASS. together
// writes both at once, sent early (early.go): one round trip, not two, and
// a server that answers PBSZ and loses PROT is seen as one that lost a
// login sent in one write (EarlyAnswered). The login itself still waits
// for PROT's answer: credentials go only to a server that accepted
// protection.
func (c *Conn) ProtectData(together bool) error {
	cmds := []string{"PBSZ 0", "PROT P"}
	if together {
		if err := c.SendEarly(cmds...); err != nil {
			return err
		}
	}
	for _, cmd := range cmds {
		var r wire.Reply
		var err error
		if sent, terr := c.takeEarly(cmd); terr != nil {
			err = terr
		} else if sent {
			r, err = c.ReadReply(nil)
		} else {
			r, err = c.exchange(cmd, nil)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", cmd, err)
		}
		if r.Class() != 2 {
			return fmt.Errorf("server refused %s (%d %s): not continuing without protected data connections", cmd, r.Code, wire.Escape(r.Text()))
		}
	}
	return nil
}

// tlsData wraps a data connection as a TLS client that resumes the control
// connection's session (servers such as vsftpd require it). The handshake
// runs on first use, after the transfer command has been sent.
func (c *Conn) tlsData(x *Xfer, conn net.Conn) net.Conn {
	t := &tlsDataConn{Conn: tls.Client(conn, c.dataTLS), ctl: c}
	x.tls = t
	return t
}

// tlsDataConn is a TLS data connection that notes in the log, once its
// handshake is done, whether it resumed the control connection's session
// and which TLS version it speaks.
type tlsDataConn struct {
	*tls.Conn
	ctl     *Conn
	noted   bool // the handshake is done and noted in the log
	resumed bool // it resumed the control connection's session
}

// Handshake runs the handshake (once) and notes its outcome.
func (t *tlsDataConn) Handshake() error {
	err := t.Conn.Handshake()
	if err != nil {
		var ce *trust.CertError
		if errors.As(err, &ce) {
			return ce
		}
		return fmt.Errorf("tls handshake on the data connection: %w", err)
	}
	if !t.noted {
		t.noted = true
		st := t.Conn.ConnectionState()
		t.resumed = st.DidResume
		v := tls.VersionName(st.Version)
		if st.DidResume {
			t.ctl.log.Notef(t.ctl.id, "tls: data connection resumed the session (%s)", v)
		} else {
			t.ctl.log.Notef(t.ctl.id, "tls: data connection did NOT resume the session (%s) — servers requiring reuse will refuse it", v)
		}
	}
	return nil
}

// drainLimit bounds what Close reads after its close_notify: a server's
// session tickets and close_notify are a few hundred bytes; a download cut
// short by this side may still be arriving, and is not worth reading.
const drainLimit = 256 << 10

// end ends the TLS data connection the way servers expect (DESIGN.md, "A
// TLS data connection has to be ended, not dropped"): close_notify, then
// read what the server still sends (TLS 1.3 session tickets, its own
// close_notify) until it closes, for at most timeout; Close follows.
// Closing a socket with bytes unread makes the kernel reset the
// connection, and a server still reading an upload (vsftpd) throws away
// what it had not read: 426 Failure reading network stream. The verdict on
// the transfer is the server's reply, so only a timeout is returned (the
// server did not close it): a failed close_notify or a reset is not the
// caller's concern.
func (t *tlsDataConn) end(timeout time.Duration) error {
	if !t.Conn.ConnectionState().HandshakeComplete {
		return nil
	}
	_ = t.Conn.CloseWrite()
	_ = t.Conn.SetReadDeadline(time.Now().Add(timeout))
	if _, err := io.CopyN(io.Discard, t.Conn, drainLimit); IsTimeout(err) {
		return err
	}
	return nil
}

func (t *tlsDataConn) Read(p []byte) (int, error) {
	if err := t.Handshake(); err != nil {
		return 0, err
	}
	return t.Conn.Read(p)
}

func (t *tlsDataConn) Write(p []byte) (int, error) {
	if err := t.Handshake(); err != nil {
		return 0, err
	}
	return t.Conn.Write(p)
}
