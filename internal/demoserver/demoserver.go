// Package demoserver runs a small FTP server on 127.0.0.1 for `ftpdeck --demo`
// and for hermetic tests of the engine.
//
// It is built on goftp.io/server/v2 (v2.0.3), which provides the control
// connection loop, authentication and the simple commands (USER, PASS, CWD,
// PWD, DELE, RNFR/RNTO, RMD, MDTM, TYPE, ...). Everything that touches a data
// connection (PASV, EPSV, PORT, EPRT, LIST, NLST, MLSD, RETR, STOR, APPE,
// REST), a few replies (FEAT, MLST, SIZE, MKD, ABOR) and the file system
// driver are our own, because the library's versions have bugs that matter
// to an FTP client's test bed; see quirks.go for the list.
//
// The server never writes to the terminal: its log goes only to
// Options.Log, if set.
package demoserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	ftpserver "goftp.io/server/v2"
)

// Options configures a demo server. The zero value is usable.
type Options struct {
	// Root is the folder to serve. "" means a new temporary folder filled
	// with the sample tree (WriteSampleTree), removed again by Close.
	Root string
	// User and Password default to "demo" / "demo".
	User, Password string
	// Log receives the server's protocol log (every command and reply on
	// every control connection, and data-connection events). nil discards.
	Log io.Writer
}

// Server is a running demo server.
type Server struct {
	root    string
	ownRoot bool // root is a temp folder created by Start
	user    string
	pass    string
	port    int
	log     *logger

	ftp   *ftpserver.Server
	ln    *trackingListener
	drv   *fsDriver
	ctx   context.Context // cancelled by Close: aborts active-mode dials
	stop  context.CancelFunc
	serve chan error // result of ftp.Serve

	mu       sync.Mutex
	closed   bool
	sessions map[string]*session // by control connection's remote address
	nextID   int
	wg       sync.WaitGroup // one per accepted control connection

	closeOnce sync.Once
	closeErr  error
}

// Start starts a server listening on 127.0.0.1 on a free port and returns
// once it accepts connections.
func Start(opts Options) (*Server, error) {
	s := &Server{
		user:     opts.User,
		pass:     opts.Password,
		log:      newLogger(opts.Log),
		sessions: make(map[string]*session),
		serve:    make(chan error, 1),
	}
	if s.user == "" {
		s.user = "demo"
	}
	if s.pass == "" {
		s.pass = "demo"
	}

	if opts.Root == "" {
		dir, err := os.MkdirTemp("", "ftpdeck-demo-")
		if err != nil {
			return nil, err
		}
		if err := WriteSampleTree(dir); err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
		s.root, s.ownRoot = dir, true
	} else {
		abs, err := filepath.Abs(opts.Root)
		if err != nil {
			return nil, err
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("demoserver: root %s is not a folder", abs)
		}
		s.root = abs
	}
	s.drv = &fsDriver{root: s.root}
	s.ctx, s.stop = context.WithCancel(context.Background())
	fail := func(err error) (*Server, error) {
		s.stop()
		if s.ownRoot {
			_ = os.RemoveAll(s.root)
		}
		return nil, err
	}

	tcp, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	s.port = tcp.Addr().(*net.TCPAddr).Port
	s.ln = &trackingListener{Listener: tcp, srv: s, accepting: make(chan struct{})}

	ftp, err := ftpserver.NewServer(&ftpserver.Options{
		Name:           "ftpdeck demo",
		WelcomeMessage: "ftpdeck demo server ready (user " + s.user + ")",
		Hostname:       "127.0.0.1",
		Port:           s.port,
		PublicIP:       "127.0.0.1",
		Driver:         s.drv,
		Auth:           &ftpserver.SimpleAuth{Name: s.user, Password: s.pass},
		Perm:           ftpserver.NewSimplePerm("demo", "demo"),
		Logger:         libLogger{s.log},
		Commands:       s.commands(),
	})
	if err != nil {
		_ = tcp.Close()
		return fail(err)
	}
	s.ftp = ftp

	go func() { s.serve <- ftp.Serve(s.ln) }()
	// Serve sets its internal listener and context before its first Accept;
	// waiting for that call makes Shutdown race-free and means we are ready.
	select {
	case <-s.ln.accepting:
	case err := <-s.serve:
		_ = tcp.Close()
		return fail(fmt.Errorf("demoserver: serve: %w", err))
	}
	s.log.note(0, "listening on %s, serving %s", s.Addr(), s.root)
	return s, nil
}

// Addr returns "127.0.0.1:PORT".
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Port returns the control port.
func (s *Server) Port() int { return s.port }

// Root returns the folder being served.
func (s *Server) Root() string { return s.root }

// URL returns ftp://USER:PASSWORD@127.0.0.1:PORT/.
func (s *Server) URL() string {
	u := url.URL{Scheme: "ftp", User: url.UserPassword(s.user, s.pass), Host: s.Addr(), Path: "/"}
	return u.String()
}

// Close stops the server: it stops accepting, closes every control and data
// connection, waits for the session goroutines to finish and removes the
// temporary root it created (never a Root given by the caller). It is safe
// to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		sessions := make([]*session, 0, len(s.sessions))
		for _, ss := range s.sessions {
			sessions = append(sessions, ss)
		}
		s.mu.Unlock()

		s.stop()
		if err := s.ftp.Shutdown(); err != nil && !errors.Is(err, net.ErrClosed) {
			s.closeErr = err
		}
		if err := <-s.serve; err != nil && !errors.Is(err, ftpserver.ErrServerClosed) {
			s.log.note(0, "serve: %v", err)
		}
		for _, ss := range sessions {
			ss.shutdown()
		}
		s.wg.Wait()
		s.log.note(0, "stopped")
		s.log.shut()
		if s.ownRoot {
			if err := os.RemoveAll(s.root); err != nil && s.closeErr == nil {
				s.closeErr = err
			}
		}
	})
	return s.closeErr
}

// trackingListener hands the library wrapped control connections, so that
// Close can end sessions (the library's Shutdown leaves them running) and
// wait for them, and so that the log shows every line on the wire.
type trackingListener struct {
	net.Listener
	srv       *Server
	once      sync.Once
	accepting chan struct{}
}

func (l *trackingListener) Accept() (net.Conn, error) {
	l.once.Do(func() { close(l.accepting) })
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ss := l.srv.addSession(c)
		if ss == nil {
			_ = c.Close()
			continue
		}
		return ss.ctrl, nil
	}
}

func (s *Server) addSession(c net.Conn) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.nextID++
	ss := &session{srv: s, id: s.nextID}
	ss.ctrl = &ctrlConn{Conn: c, ss: ss}
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		ss.peerIP = ta.IP
	}
	if ta, ok := c.LocalAddr().(*net.TCPAddr); ok {
		ss.localIP = ta.IP
	}
	s.sessions[c.RemoteAddr().String()] = ss
	s.wg.Add(1)
	s.log.note(ss.id, "control connection from %s", c.RemoteAddr())
	return ss
}

func (s *Server) removeSession(ss *session) {
	s.mu.Lock()
	if s.sessions[ss.ctrl.RemoteAddr().String()] == ss {
		delete(s.sessions, ss.ctrl.RemoteAddr().String())
	}
	s.mu.Unlock()
}

// ctrlConn is a control connection as the library sees it.
type ctrlConn struct {
	net.Conn
	ss    *session
	once  sync.Once
	in    lineBuf
	out   lineBuf
	logMu sync.Mutex
}

func (c *ctrlConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && c.ss.srv.log.enabled() {
		c.logMu.Lock()
		for _, line := range c.in.feed(p[:n]) {
			c.ss.srv.log.line(c.ss.id, ">", maskPass(line))
		}
		c.logMu.Unlock()
	}
	return n, err
}

func (c *ctrlConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 && c.ss.srv.log.enabled() {
		c.logMu.Lock()
		for _, line := range c.out.feed(p[:n]) {
			c.ss.srv.log.line(c.ss.id, "<", line)
		}
		c.logMu.Unlock()
	}
	return n, err
}

// Close is called by the library's session goroutine when the session ends
// (QUIT, read error). That is the session's last use of the connection:
// after it the goroutine only resets fields and logs, so this is where we
// count the session as finished.
func (c *ctrlConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.ss.closeData()
		c.ss.srv.removeSession(c.ss)
		c.ss.srv.log.note(c.ss.id, "control connection closed")
		c.ss.srv.wg.Done()
	})
	return err
}
