package ftpscript

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
)

// DataConn describes one data connection: one a passive listener accepted,
// or one active connect the server attempted.
type DataConn struct {
	Conn      int    // control connection number
	Mode      string // verb that set the connection up: PASV, EPSV, PORT, EPRT
	Passive   bool   // true: the client connected to us; false: we dialed
	Listen    string // passive: the address the server listened on
	Local     string // the server's end of the connection
	Remote    string // passive: the peer that connected; active: the address dialed
	Connected bool   // the TCP connection was established
	Used      bool   // a handler took it with Conn.Data (and ran any TLS handshake)
	TLS       bool   // TLS was negotiated on it (PROT P)
	DidResume bool   // the data TLS handshake resumed a session (tls.ConnectionState.DidResume)
	Err       string // why connecting, or the TLS handshake, failed
	Sent      int64  // payload bytes written by the server
	Received  int64  // payload bytes read by the server
	Closed    bool   // the server closed it
}

// dataRecord is the live form of DataConn; its fields other than the
// counters are guarded by Server.mu.
type dataRecord struct {
	info     DataConn
	sent     atomic.Int64
	received atomic.Int64
}

func (r *dataRecord) snapshot() DataConn {
	d := r.info
	d.Sent = r.sent.Load()
	d.Received = r.received.Load()
	return d
}

// update changes r under the server lock.
func (s *Server) update(r *dataRecord, f func(*DataConn)) {
	s.mu.Lock()
	f(&r.info)
	s.mu.Unlock()
}

// dataConn is the net.Conn handed to handlers: it counts payload bytes and
// marks the record closed.
type dataConn struct {
	net.Conn
	raw  net.Conn  // the TCP connection under any TLS
	tls  *tls.Conn // nil without PROT P
	srv  *Server
	rec  *dataRecord
	once sync.Once

	hsOnce sync.Once
	hsErr  error
}

// handshake runs the TLS server handshake once, recording the outcome.
func (d *dataConn) handshake() error {
	if d.tls == nil {
		return nil
	}
	d.hsOnce.Do(func() {
		s := d.srv
		ctx, cancel := context.WithTimeout(s.ctx(), s.DataTimeout)
		err := d.tls.HandshakeContext(ctx)
		cancel()
		if err != nil {
			d.hsErr = fmt.Errorf("ftpscript: data TLS handshake: %w", err)
			s.update(d.rec, func(i *DataConn) { i.Err = d.hsErr.Error() })
			return
		}
		resumed := d.tls.ConnectionState().DidResume
		s.update(d.rec, func(i *DataConn) {
			i.TLS = true
			i.DidResume = resumed
		})
		if s.RequireTLSReuse && !resumed {
			d.hsErr = ErrNoReuse
			s.update(d.rec, func(i *DataConn) { i.Err = ErrNoReuse.Error() })
		}
	})
	return d.hsErr
}

func (d *dataConn) Read(p []byte) (int, error) {
	if err := d.handshake(); err != nil {
		return 0, err
	}
	n, err := d.Conn.Read(p)
	d.rec.received.Add(int64(n))
	return n, err
}

func (d *dataConn) Write(p []byte) (int, error) {
	if err := d.handshake(); err != nil {
		return 0, err
	}
	n, err := d.Conn.Write(p)
	d.rec.sent.Add(int64(n))
	return n, err
}

// Close closes the connection (sending a TLS close_notify first when TLS is
// on) and marks it closed in DataConns.
func (d *dataConn) Close() error {
	var err error
	if d.hsErr == nil {
		err = d.Conn.Close()
	}
	d.once.Do(func() {
		_ = d.raw.Close()
		d.srv.untrack(d.raw)
		d.srv.update(d.rec, func(i *DataConn) { i.Closed = true })
	})
	return err
}

// CloseWrite half-closes a plain TCP data connection (TLS: closes fully).
func (d *dataConn) CloseWrite() error {
	if tc, ok := d.Conn.(*net.TCPConn); ok {
		return tc.CloseWrite()
	}
	return d.Close()
}
