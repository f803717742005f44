package ftpscript

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Handler answers one command on one control connection. arg is everything
// after the first space of the command line, exactly as received (it may be
// empty). A handler runs on the connection's own goroutine; the next command
// is read only after it returns.
type Handler func(c *Conn, arg string)

// Server is a scripted FTP server on 127.0.0.1. Build one with New (or Start),
// set its fields, then call Start. Fields must not be changed after Start;
// everything else (Handle, Files, the accessors) is safe for concurrent use.
type Server struct {
	// Greeting is written, followed by CR LF, when a client connects. It may
	// contain CR LF itself (a multi-line greeting). Empty: no greeting at all.
	Greeting string

	// TLS, when set, enables AUTH TLS (and AUTH SSL) with this certificate,
	// and TLS on data connections after PROT P. See NewCert.
	TLS *tls.Certificate

	// ImplicitTLS makes every control connection a TLS server from its first
	// byte (implicit FTPS). It requires TLS.
	ImplicitTLS bool

	// RequireTLSReuse refuses (522) a protected data connection whose TLS
	// handshake did not resume the control connection's session, as vsftpd
	// does with require_ssl_reuse=YES.
	RequireTLSReuse bool

	// DataTimeout bounds waiting for a data connection (passive accept,
	// active connect, data TLS handshake). Default 10s.
	DataTimeout time.Duration

	// Files is the in-memory file system used by the built-in handlers.
	Files *FS

	t       testing.TB
	ln      net.Listener
	base    context.Context
	cancel  context.CancelFunc
	tlsConf *tls.Config
	done    chan struct{}
	wg      sync.WaitGroup

	startOnce sync.Once
	closeOnce sync.Once

	mu         sync.Mutex
	handlers   map[string]Handler
	transcript []Line
	data       []*dataRecord
	closers    map[io.Closer]struct{}
	closed     bool
	nconns     int
}

// Line is one command line received on a control connection.
type Line struct {
	Conn int    // control connection number, from 1
	Text string // the line, CR LF stripped
}

// New binds a server to 127.0.0.1:0 without accepting yet, so that fields can
// be set before Start. t.Cleanup closes everything and waits for every
// goroutine of the server.
func New(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("ftpscript: listen: %v", err)
	}
	base, cancel := context.WithCancel(context.Background())
	s := &Server{
		base:        base,
		cancel:      cancel,
		Greeting:    "220 ftpscript ready",
		DataTimeout: 10 * time.Second,
		Files:       NewFS(),
		t:           t,
		ln:          ln,
		done:        make(chan struct{}),
		handlers:    make(map[string]Handler),
		closers:     make(map[io.Closer]struct{}),
	}
	t.Cleanup(s.Close)
	return s
}

// Start is New followed by (*Server).Start: a server with the default
// settings, already accepting connections.
func Start(t testing.TB) *Server {
	t.Helper()
	return New(t).Start()
}

// Start begins accepting control connections and returns s. Calling it
// again does nothing.
func (s *Server) Start() *Server {
	s.startOnce.Do(func() {
		if s.ImplicitTLS && s.TLS == nil {
			s.t.Fatalf("ftpscript: ImplicitTLS needs TLS (a certificate)")
		}
		if s.TLS != nil {
			s.tlsConf = &tls.Config{
				Certificates: []tls.Certificate{*s.TLS},
				MinVersion:   tls.VersionTLS12,
			}
		}
		if s.DataTimeout <= 0 {
			s.DataTimeout = 10 * time.Second
		}
		s.wg.Add(1)
		go s.acceptLoop()
	})
	return s
}

// Addr returns the control address, "127.0.0.1:port".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Host returns the control host, "127.0.0.1".
func (s *Server) Host() string { return s.ln.Addr().(*net.TCPAddr).IP.String() }

// Port returns the control port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Handle installs h for verb (case-insensitive) on every control connection,
// replacing the built-in handler. A nil h restores the built-in one.
func (s *Server) Handle(verb string, h Handler) {
	verb = strings.ToUpper(verb)
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == nil {
		delete(s.handlers, verb)
		return
	}
	s.handlers[verb] = h
}

// Transcript returns every command line received so far on every control
// connection, in arrival order, CR LF stripped. Nothing is masked.
func (s *Server) Transcript() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.transcript))
	for i, l := range s.transcript {
		out[i] = l.Text
	}
	return out
}

// ConnTranscript returns the command lines received on control connection
// id (numbered from 1 in accept order).
func (s *Server) ConnTranscript(id int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, l := range s.transcript {
		if l.Conn == id {
			out = append(out, l.Text)
		}
	}
	return out
}

// Lines returns the transcript with the connection number of each line.
func (s *Server) Lines() []Line {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Line(nil), s.transcript...)
}

// ConnCount returns how many control connections have been accepted.
func (s *Server) ConnCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nconns
}

// DataConns returns a snapshot of every data connection so far: each one a
// passive listener accepted, and each active connect attempted (failed ones
// too, with Err set).
func (s *Server) DataConns() []DataConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]DataConn, len(s.data))
	for i, r := range s.data {
		out[i] = r.snapshot()
	}
	return out
}

// WaitDataConns waits until at least n data connections are recorded (a
// passive listener records a connection as soon as it accepts it, on its
// own goroutine) or timeout passes, and returns DataConns.
func (s *Server) WaitDataConns(n int, timeout time.Duration) []DataConn {
	deadline := time.Now().Add(timeout)
	for {
		dcs := s.DataConns()
		if len(dcs) >= n || !time.Now().Before(deadline) {
			return dcs
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Close stops the server: closes the listener and every control and data
// connection, unblocks silent and waiting handlers, and waits for all of the
// server's goroutines. It is called by t.Cleanup; calling it again does
// nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		closers := make([]io.Closer, 0, len(s.closers))
		for c := range s.closers {
			closers = append(closers, c)
		}
		s.closers = map[io.Closer]struct{}{}
		s.mu.Unlock()
		close(s.done)
		s.cancel()
		_ = s.ln.Close()
		for _, c := range closers {
			_ = c.Close()
		}
		waited := make(chan struct{})
		go func() { s.wg.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(10 * time.Second):
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			s.t.Errorf("ftpscript: handlers still running 10s after Close "+
				"(a handler blocks on something other than the Conn; use c.Done or c.Wait):\n%s", buf)
		}
	})
}

// track registers c to be closed by Close. It reports false (and closes c)
// when the server is already closed.
func (s *Server) track(c io.Closer) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = c.Close()
		return false
	}
	s.closers[c] = struct{}{}
	s.mu.Unlock()
	return true
}

func (s *Server) untrack(c io.Closer) {
	s.mu.Lock()
	delete(s.closers, c)
	s.mu.Unlock()
}

// goSafe runs f on a goroutine counted by Close.
func (s *Server) goSafe(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = nc.Close()
			return
		}
		s.nconns++
		id := s.nconns
		s.closers[nc] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		c := newConn(s, id, nc)
		go func() {
			defer s.wg.Done()
			c.serve()
		}()
	}
}

func (s *Server) handler(verb string) Handler {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handlers[verb]
}

func (s *Server) record(id int, line string) {
	s.mu.Lock()
	s.transcript = append(s.transcript, Line{Conn: id, Text: line})
	s.mu.Unlock()
}

func (s *Server) addData(r *dataRecord) {
	s.mu.Lock()
	s.data = append(s.data, r)
	s.mu.Unlock()
}

// errorf reports a failure of the test that owns the server.
func (s *Server) errorf(format string, args ...any) {
	s.t.Errorf(format, args...)
}

// PASVReply formats a 227 reply naming host (an IPv4 address, written
// as-is into the six fields) and port.
func PASVReply(host string, port int) string {
	return fmt.Sprintf("227 Entering Passive Mode (%s,%d,%d).",
		strings.ReplaceAll(host, ".", ","), port>>8, port&0xff)
}

// EPSVReply formats a 229 reply naming port.
func EPSVReply(port int) string {
	return fmt.Sprintf("229 Entering Extended Passive Mode (|||%d|)", port)
}

// DeadPort returns a loopback port on which nothing listens (it was bound
// and released just now), for replies that must point at a refusing port.
func DeadPort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		return 0, err
	}
	return port, nil
}

var errServerClosed = errors.New("ftpscript: server closed")

// ctx is cancelled when the server closes.
func (s *Server) ctx() context.Context { return s.base }
