package ctl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// Bounds on what a data connection may deliver for a listing: an endless
// listing gives a clear error instead of exhausting memory.
// 64 MiB is about half a million entries in LIST format.
const MaxListingBytes = 64 << 20

// ErrListingTooLarge reports a listing over MaxListingBytes.
var ErrListingTooLarge = fmt.Errorf("listing larger than %d MiB: refusing the rest", MaxListingBytes>>20)

// MaxListingEntries bounds the lines (entries) of one listing. The byte cap
// alone lets short lines ("-rw-r--r-- 1 a b 0 Jan 1 2024 x") reach about
// two million entries, each held parsed in memory; this cap keeps a
// hostile listing to about 100 MB of entries while leaving room for any
// real folder (issue #8, case 10).
const MaxListingEntries = 1_000_000

// ErrListingTooManyEntries reports a listing over MaxListingEntries.
var ErrListingTooManyEntries = fmt.Errorf("listing has more than %d entries: refusing the rest", MaxListingEntries)

// maxListingEntries is MaxListingEntries, lowered by tests.
var maxListingEntries int64 = MaxListingEntries

// DataConn is a data connection with a stall timeout: a connection that is
// open but moves no bytes for the timeout gives an error, not a hang.
// Deadlines are refreshed at most every stall/8 to keep the hot path cheap.
type DataConn struct {
	net.Conn
	ctl       *Conn
	x         *Xfer // the transfer it belongs to (its error is recorded there)
	eof       bool  // a read reached the end of the data
	mode      Mode
	sending   bool // the transfer is an upload (STOR, APPE, STOU)
	stall     time.Duration
	limit     int64 // bytes a listing may read; 0 = no limit
	read      int64
	written   int64
	failed    error // the stall that ended this connection, if one did
	maxLines  int64 // lines (entries) a listing may read; 0 = no limit
	lines     int64
	lastArmed time.Time

	decoded io.Reader // a listing decoded from the site's charset; nil = raw
	sample  []byte    // the start of a UTF-8 listing, kept to spot another charset
	listing bool
	// interrupted reports whether the control connection was interrupted
	// (a cancelled context), so a zero-copy loop does not re-arm a
	// deadline Interrupt set in the past.
	interrupted func() bool
}

// sampleBytes is how much of a UTF-8 listing is kept to check it.
const sampleBytes = 64 << 10

// startListing marks the connection as carrying a listing: it is bounded
// by MaxListingBytes and maxListingEntries, and its bytes are decoded from
// enc to UTF-8, or, for UTF-8 (enc nil), sampled so that a listing in
// another charset can be spotted.
func (d *DataConn) startListing(enc encoding.Encoding) {
	d.listing = true
	d.limit, d.maxLines = MaxListingBytes, maxListingEntries
	if enc != nil {
		d.decoded = transform.NewReader(readerFunc(d.readRaw), enc.NewDecoder())
	}
}

// InvalidUTF8 returns the sampled names when a UTF-8 listing held bytes
// that are not UTF-8, else nil.
func (d *DataConn) InvalidUTF8() []byte {
	if !d.listing || d.decoded != nil {
		return nil
	}
	s := d.sample
	if len(s) == sampleBytes {
		if i := bytes.LastIndexByte(s, '\n'); i >= 0 {
			s = s[:i]
		}
	}
	if utf8.Valid(s) {
		return nil
	}
	return s
}

func (d *DataConn) arm(read bool) error {
	now := time.Now()
	if now.Sub(d.lastArmed) < d.stall/8 {
		return nil
	}
	d.lastArmed = now
	if read {
		return d.Conn.SetReadDeadline(now.Add(d.stall))
	}
	return d.Conn.SetWriteDeadline(now.Add(d.stall))
}

func (d *DataConn) Read(p []byte) (int, error) {
	if d.decoded != nil {
		return d.decoded.Read(p)
	}
	return d.readRaw(p)
}

func (d *DataConn) readRaw(p []byte) (int, error) {
	if err := d.arm(true); err != nil {
		return 0, err
	}
	n, err := d.Conn.Read(p)
	d.read += int64(n)
	if d.listing && d.decoded == nil && len(d.sample) < sampleBytes {
		d.sample = append(d.sample, p[:min(n, sampleBytes-len(d.sample))]...)
	}
	if d.limit > 0 && d.read > d.limit {
		return n, ErrListingTooLarge
	}
	if d.maxLines > 0 {
		d.lines += int64(bytes.Count(p[:n], newline))
		if d.lines > d.maxLines {
			return n, ErrListingTooManyEntries
		}
	}
	if err == io.EOF {
		d.eof = true
	}
	if err != nil && IsTimeout(err) {
		err = d.stalled(StalledReceiving)
	}
	return n, err
}

func (d *DataConn) Write(p []byte) (int, error) {
	if err := d.arm(false); err != nil {
		return 0, err
	}
	n, err := d.Conn.Write(p)
	d.written += int64(n)
	if err != nil && IsTimeout(err) {
		err = d.stalled(StalledSending)
	}
	return n, err
}

// stalled returns the error for a data connection that moved no bytes for
// the stall timeout and keeps it: the Conn method returns it, whatever the
// library joined to it, and the reply after the data is then awaited only
// briefly (see Conn.readRaw). A deadline Interrupt set is not a
// stall: the context's error is returned instead.
func (d *DataConn) stalled(how StallKind) error {
	e := &StallError{Mode: d.mode, Addr: d.RemoteAddr().String(), Kind: how, Idle: d.stall, Bytes: d.read}
	if d.sending {
		e.Bytes = d.written
	}
	if d.failed == nil {
		d.failed = e
	}
	if d.x != nil {
		d.x.fail(e)
	}
	return e
}

// Close ends the data connection. A TLS one is ended the way servers
// expect (tlsDataConn.end), unless it already stalled or was interrupted;
// a server that does not close it within the timeout after that has
// stalled too.
func (d *DataConn) Close() error {
	if t := d.tlsConn(); t != nil && d.failed == nil && !d.interrupted() {
		if err := t.end(d.stall); IsTimeout(err) {
			_ = d.stalled(StalledAtEnd)
		}
	}
	err := d.Conn.Close()
	if d.ctl != nil && d.eof && !d.sending && d.failed == nil && !d.interrupted() {
		d.ctl.prefetchEPSV(d.x)
	}
	return err
}

// tlsConn returns the TLS layer beneath d, accepting an active-mode
// connection the server announced (1xx) first; nil when there is none.
func (d *DataConn) tlsConn() *tlsDataConn {
	switch c := d.Conn.(type) {
	case *tlsDataConn:
		return c
	case *activeConn:
		if !c.x.prelim {
			return nil
		}
		conn, err := c.accept()
		if err != nil {
			return nil
		}
		t, _ := conn.(*tlsDataConn)
		return t
	}
	return nil
}

// Handshake lets jlaffaye/ftp finish an empty upload: it is called when
// nothing was written, so an active-mode connection is accepted and a TLS
// one completes its handshake.
func (d *DataConn) Handshake() error { return handshake(d.Conn) }

// handshake completes c's TLS handshake (or accept) when it has one.
func handshake(c net.Conn) error {
	if h, ok := c.(interface{ Handshake() error }); ok {
		return h.Handshake()
	}
	return nil
}

var newline = []byte{'\n'}

func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// activeConn is the data connection in active mode. The library dials
// before it sends RETR/STOR/LIST, and the server connects only after that
// command, so activeConn accepts lazily: on its first Read, Write,
// Handshake, or (once the server has answered 1xx) Close.
type activeConn struct {
	ctl        *Conn
	x          *Xfer // the transfer it belongs to
	ln         net.Listener
	server     netip.Addr
	advertised netip.AddrPort

	once sync.Once
	conn net.Conn
	err  error

	// Deadlines set before the server connected, applied when it does
	// (the stall timeout is armed before the first Read or Write).
	readDeadline, writeDeadline time.Time
}

// accepted reports whether the server's connection has been taken.
func (a *activeConn) accepted() bool { return a.conn != nil }

// notConnected is the error for a server that did not connect back within d.
func (a *activeConn) notConnected(d time.Duration, err error) error {
	return &DataConnError{Mode: Active, Addr: a.advertised.String(), Err: fmt.Errorf("%w: %w", ErrTimeout, err),
		Cause: fmt.Sprintf("server could not connect back to %s within %s — a NAT or firewall on this side is the usual cause; passive mode may work", a.advertised, d)}
}

func (a *activeConn) accept() (net.Conn, error) {
	a.once.Do(func() {
		a.conn, a.err = a.acceptServer(a.ctl.timeout())
	})
	return a.conn, a.err
}

// acceptServer waits for the server's connection, refusing any other
// address: a third party that connects first is closed and logged.
func (a *activeConn) acceptServer(timeout time.Duration) (net.Conn, error) {
	defer a.ln.Close()
	tl := a.ln.(*net.TCPListener)
	end := time.Now().Add(timeout)
	_ = tl.SetDeadline(end)
	for {
		conn, err := tl.AcceptTCP()
		if err != nil {
			if IsTimeout(err) {
				// Kept, so that the reply after it is awaited only briefly.
				err := a.notConnected(timeout, err)
				a.x.err = err
				return nil, err
			}
			return nil, &DataConnError{Mode: Active, Addr: a.advertised.String(), Err: err, Cause: fmt.Sprintf("waiting for the server to connect back: %v", err)}
		}
		from := conn.RemoteAddr().(*net.TCPAddr).AddrPort()
		if from.Addr().Unmap() != a.server {
			a.ctl.log.Notef(a.ctl.id, "active: refused a data connection from %s: it is not the server (%s)", from, a.server)
			_ = conn.Close()
			continue
		}
		a.ctl.log.Notef(a.ctl.id, "active: server connected from %s", from)
		if rec := a.x.Record; rec != nil {
			rec.Connected, rec.From = true, from
		}
		var nc net.Conn = conn
		if a.ctl.dataTLS != nil {
			nc = a.ctl.tlsData(a.x, conn)
		}
		if !a.readDeadline.IsZero() {
			_ = nc.SetReadDeadline(a.readDeadline)
		}
		if !a.writeDeadline.IsZero() {
			_ = nc.SetWriteDeadline(a.writeDeadline)
		}
		return nc, nil
	}
}

func (a *activeConn) Read(p []byte) (int, error) {
	c, err := a.accept()
	if err != nil {
		return 0, err
	}
	return c.Read(p)
}

func (a *activeConn) Write(p []byte) (int, error) {
	c, err := a.accept()
	if err != nil {
		return 0, err
	}
	return c.Write(p)
}

func (a *activeConn) Handshake() error {
	c, err := a.accept()
	if err != nil {
		return err
	}
	return handshake(c)
}

// Close takes the server's connection first when the server has said it is
// sending (1xx), so the transfer ends cleanly; otherwise it only stops
// listening — the command failed and no connection will come.
func (a *activeConn) Close() error {
	if a.x.prelim {
		_, _ = a.accept()
	} else {
		a.once.Do(func() { a.err = errors.New("closed before the server connected") })
	}
	_ = a.ln.Close()
	if a.conn != nil {
		return a.conn.Close()
	}
	return nil
}

func (a *activeConn) LocalAddr() net.Addr { return a.ln.Addr() }

func (a *activeConn) RemoteAddr() net.Addr {
	if a.conn != nil {
		return a.conn.RemoteAddr()
	}
	return net.TCPAddrFromAddrPort(netip.AddrPortFrom(a.server, 0))
}

func (a *activeConn) SetDeadline(t time.Time) error {
	_ = a.SetReadDeadline(t)
	return a.SetWriteDeadline(t)
}

func (a *activeConn) SetReadDeadline(t time.Time) error {
	a.readDeadline = t
	if a.conn != nil {
		return a.conn.SetReadDeadline(t)
	}
	return nil
}

func (a *activeConn) SetWriteDeadline(t time.Time) error {
	a.writeDeadline = t
	if a.conn != nil {
		return a.conn.SetWriteDeadline(t)
	}
	return nil
}

// SetMaxListingEntries lowers the listing entry cap (for tests) and returns
// a function that restores it.
func SetMaxListingEntries(n int64) (restore func()) {
	old := maxListingEntries
	maxListingEntries = n
	return func() { maxListingEntries = old }
}
