package demoserver

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	ftpserver "goftp.io/server/v2"
)

const (
	acceptTimeout = 30 * time.Second // passive: wait for the client to connect
	dialTimeout   = 10 * time.Second // active: connect to the client
)

// session is our per-control-connection state. Its data fields are used by
// the library's session goroutine; mu guards them against Close.
type session struct {
	srv     *Server
	id      int
	ctrl    *ctrlConn
	peerIP  net.IP
	localIP net.IP

	// rest is the offset set by REST, used and reset by the next RETR, STOR
	// or APPE, whatever comes in between (vsftpd does the same; clients
	// such as jlaffaye/ftp send PASV/EPSV or PORT between REST and RETR).
	rest int64

	mu         sync.Mutex
	closed     bool
	pasv       net.Listener // after PASV/EPSV, until the transfer command
	activeAddr string       // after PORT/EPRT, until the transfer command
	data       net.Conn     // during a transfer
}

func (s *Server) sessionOf(sess *ftpserver.Session) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[sess.RemoteAddr().String()]
}

// shutdown is called by Server.Close: it closes the control connection
// underneath the library (which then ends the session) and any data
// connection or passive listener.
func (ss *session) shutdown() {
	_ = ss.ctrl.Conn.Close()
	ss.closeData()
}

func (ss *session) closeData() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.closed = true
	ss.resetLocked()
}

func (ss *session) resetLocked() {
	if ss.pasv != nil {
		_ = ss.pasv.Close()
		ss.pasv = nil
	}
	if ss.data != nil {
		_ = ss.data.Close()
		ss.data = nil
	}
	ss.activeAddr = ""
}

func (ss *session) takeRest() int64 {
	n := ss.rest
	ss.rest = 0
	return n
}

var errNoDataMode = errors.New("use PORT, EPRT, PASV or EPSV first")

// openData opens the data connection prepared by the last PASV/EPSV (accept)
// or PORT/EPRT (dial). It is consumed: the next transfer needs a new one.
func (ss *session) openData() (net.Conn, error) {
	ss.mu.Lock()
	ln, addr := ss.pasv, ss.activeAddr
	ss.activeAddr = ""
	closed := ss.closed
	ss.mu.Unlock()
	if closed {
		return nil, net.ErrClosed
	}

	var conn net.Conn
	switch {
	case ln != nil:
		c, err := ss.acceptPeer(ln)
		ss.mu.Lock()
		if ss.pasv == ln {
			ss.pasv = nil
		}
		ss.mu.Unlock()
		_ = ln.Close()
		if err != nil {
			return nil, err
		}
		conn = c
	case addr != "":
		ss.srv.log.note(ss.id, "data: connecting to %s", addr)
		d := net.Dialer{Timeout: dialTimeout}
		c, err := d.DialContext(ss.srv.ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		conn = c
	default:
		return nil, errNoDataMode
	}

	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closed {
		_ = conn.Close()
		return nil, net.ErrClosed
	}
	ss.data = conn
	return conn, nil
}

// acceptPeer accepts on the passive listener ln, for acceptTimeout, the
// first connection from the control connection's peer; others are refused.
func (ss *session) acceptPeer(ln net.Listener) (net.Conn, error) {
	if tl, ok := ln.(*net.TCPListener); ok {
		_ = tl.SetDeadline(time.Now().Add(acceptTimeout))
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			return nil, err
		}
		if rip := c.RemoteAddr().(*net.TCPAddr).IP; !rip.Equal(ss.peerIP) {
			ss.srv.log.note(ss.id, "data: refused connection from %s (control peer is %s)", c.RemoteAddr(), ss.peerIP)
			_ = c.Close()
			continue
		}
		ss.srv.log.note(ss.id, "data: accepted %s", c.RemoteAddr())
		return c, nil
	}
}

func (ss *session) doneData() {
	ss.mu.Lock()
	if ss.data != nil {
		_ = ss.data.Close()
		ss.data = nil
	}
	ss.mu.Unlock()
}

// setPassive replaces any prepared data connection with a new passive
// listener on the control connection's local address (127.0.0.1), on a port
// chosen by the kernel.
func (ss *session) setPassive() (int, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(ss.localIP.String(), "0"))
	if err != nil {
		return 0, err
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closed {
		_ = ln.Close()
		return 0, net.ErrClosed
	}
	ss.resetLocked()
	ss.pasv = ln
	port := ln.Addr().(*net.TCPAddr).Port
	ss.srv.log.note(ss.id, "data: passive, listening on %s", ln.Addr())
	return port, nil
}

func (ss *session) setActive(ip net.IP, port int) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.resetLocked()
	ss.activeAddr = net.JoinHostPort(ip.String(), strconv.Itoa(port))
}

// cmd adapts a function to the library's Command interface.
type cmd struct {
	param, auth, extend bool
	run                 func(sess *ftpserver.Session, ss *session, param string)
	srv                 *Server
}

func (c cmd) IsExtend() bool     { return c.extend }
func (c cmd) RequireParam() bool { return c.param }
func (c cmd) RequireAuth() bool  { return c.auth }
func (c cmd) Execute(sess *ftpserver.Session, param string) {
	ss := c.srv.sessionOf(sess)
	if ss == nil {
		sess.WriteMessage(421, "Service not available, closing control connection")
		return
	}
	c.run(sess, ss, param)
}

// reply writes a multi-line reply (code-first line, middle lines, code
// last line, CRLF each) straight to the control connection. The library can
// only write single-line replies correctly (its multi-line writer separates
// lines with a bare LF), and it flushes its buffered writer after every
// reply, so writing underneath it between replies is safe.
func (ss *session) reply(code int, first string, middle []string, last string) {
	var b strings.Builder
	fmt.Fprintf(&b, "%d-%s\r\n", code, first)
	for _, l := range middle {
		b.WriteString(" " + l + "\r\n")
	}
	fmt.Fprintf(&b, "%d %s\r\n", code, last)
	_, _ = io.WriteString(ss.ctrl, b.String())
}

// features is the FEAT reply: what this server really supports, in a fixed
// order (the library builds it from a map, with SIZE, MDTM and REST missing).
var features = []string{
	"EPRT", "EPSV", "MDTM", "MLST type*;size*;modify*;perm*;", "PASV", "REST STREAM", "SIZE", "TVFS", "UTF8",
}

func (s *Server) commands() map[string]ftpserver.Command {
	lib := ftpserver.DefaultCommands()
	m := make(map[string]ftpserver.Command, len(lib)+8)
	for k, v := range lib {
		m[k] = v
	}
	delete(m, "LPRT") // dereferences a nil data socket; nobody needs it

	data := func(run func(*ftpserver.Session, *session, string), param bool) cmd {
		return cmd{param: param, auth: true, run: run, srv: s}
	}
	m["PASV"] = data(s.cmdPasv, false)
	m["EPSV"] = cmd{auth: true, extend: true, run: s.cmdEpsv, srv: s}
	m["PORT"] = data(s.cmdPort, true)
	m["EPRT"] = cmd{param: true, auth: true, extend: true, run: s.cmdEprt, srv: s}
	m["LIST"] = data(s.cmdList, false)
	m["NLST"] = data(s.cmdNlst, false)
	m["MLSD"] = data(s.cmdMlsd, false)
	m["RETR"] = data(s.cmdRetr, true)
	m["STOR"] = data(s.cmdStor, true)
	m["APPE"] = data(s.cmdAppe, true)
	m["REST"] = data(s.cmdRest, true)
	m["SIZE"] = cmd{param: true, auth: true, extend: true, run: s.cmdSize, srv: s}
	m["MKD"] = data(s.cmdMkd, true)
	m["XMKD"] = m["MKD"]
	m["ABOR"] = cmd{auth: false, srv: s, run: func(sess *ftpserver.Session, _ *session, _ string) {
		sess.WriteMessage(225, "No transfer to ABOR")
	}}
	m["STAT"] = statCmd{Command: lib["STAT"], srv: s}
	m["FEAT"] = cmd{srv: s, run: func(_ *ftpserver.Session, ss *session, _ string) {
		ss.reply(211, "Features:", features, "End")
	}}
	m["MLST"] = cmd{auth: true, run: s.cmdMlst, srv: s}
	return m
}

// ---- data-connection set-up ----

func (s *Server) cmdPasv(sess *ftpserver.Session, ss *session, _ string) {
	ip4 := ss.localIP.To4()
	if ip4 == nil {
		sess.WriteMessage(522, "PASV is IPv4 only, use EPSV")
		return
	}
	port, err := ss.setPassive()
	if err != nil {
		sess.WriteMessage(425, "Cannot open passive connection")
		return
	}
	sess.WriteMessage(227, fmt.Sprintf("Entering Passive Mode (%d,%d,%d,%d,%d,%d).",
		ip4[0], ip4[1], ip4[2], ip4[3], port/256, port%256))
}

func (s *Server) cmdEpsv(sess *ftpserver.Session, ss *session, param string) {
	switch strings.ToUpper(strings.TrimSpace(param)) {
	case "", "1", "2":
	case "ALL":
		sess.WriteMessage(200, "EPSV ALL ok")
		return
	default:
		sess.WriteMessage(522, "Bad network protocol, use (1,2)")
		return
	}
	port, err := ss.setPassive()
	if err != nil {
		sess.WriteMessage(425, "Cannot open passive connection")
		return
	}
	sess.WriteMessage(229, fmt.Sprintf("Entering Extended Passive Mode (|||%d|)", port))
}

// checkActive refuses addresses other than the control connection's peer
// (the FTP bounce attack; vsftpd does the same by default).
func (s *Server) checkActive(sess *ftpserver.Session, ss *session, ip net.IP, port int, cmd string) bool {
	if port < 1 || port > 65535 {
		sess.WriteMessage(501, "Illegal "+cmd+" command: bad port")
		return false
	}
	if !ip.Equal(ss.peerIP) {
		s.log.note(ss.id, "data: refused %s to %s (control peer is %s)", cmd, ip, ss.peerIP)
		sess.WriteMessage(500, "Illegal "+cmd+" command: address must be the client's ("+ss.peerIP.String()+")")
		return false
	}
	return true
}

func (s *Server) cmdPort(sess *ftpserver.Session, ss *session, param string) {
	f := strings.Split(strings.TrimSpace(param), ",")
	var b [6]int
	ok := len(f) == 6
	for i := 0; ok && i < 6; i++ {
		n, err := strconv.Atoi(strings.TrimSpace(f[i]))
		ok = err == nil && n >= 0 && n <= 255
		b[i] = n
	}
	if !ok {
		sess.WriteMessage(501, "Illegal PORT command: expected h1,h2,h3,h4,p1,p2")
		return
	}
	ip := net.IPv4(byte(b[0]), byte(b[1]), byte(b[2]), byte(b[3]))
	port := b[4]*256 + b[5]
	if !s.checkActive(sess, ss, ip, port, "PORT") {
		return
	}
	ss.setActive(ip, port)
	sess.WriteMessage(200, "PORT command successful. Consider using PASV.")
}

func (s *Server) cmdEprt(sess *ftpserver.Session, ss *session, param string) {
	param = strings.TrimSpace(param)
	bad := func() { sess.WriteMessage(501, "Illegal EPRT command: expected |1|a.b.c.d|port| or |2|ipv6|port|") }
	if len(param) < 2 {
		bad()
		return
	}
	f := strings.Split(param, param[:1])
	if len(f) != 5 || f[0] != "" || f[4] != "" {
		bad()
		return
	}
	ip := net.ParseIP(f[2])
	port, err := strconv.Atoi(f[3])
	if ip == nil || err != nil {
		bad()
		return
	}
	switch {
	case f[1] == "1" && ip.To4() != nil:
	case f[1] == "2" && ip.To4() == nil:
	case f[1] == "1" || f[1] == "2":
		bad()
		return
	default:
		sess.WriteMessage(522, "Bad network protocol, use (1,2)")
		return
	}
	if !s.checkActive(sess, ss, ip, port, "EPRT") {
		return
	}
	ss.setActive(ip, port)
	sess.WriteMessage(200, "EPRT command successful. Consider using EPSV.")
}

// ---- transfers ----

// withData opens the data connection, sends 150, runs fn, closes the data
// connection and sends the final reply that fn returns.
func (s *Server) withData(sess *ftpserver.Session, ss *session, opening string, fn func(net.Conn) (int, string)) {
	conn, err := ss.openData()
	if err != nil {
		if errors.Is(err, errNoDataMode) {
			sess.WriteMessage(425, "Use PORT, EPRT, PASV or EPSV first")
		} else {
			s.log.note(ss.id, "data: %v", err)
			sess.WriteMessage(425, "Failed to establish data connection")
		}
		return
	}
	sess.WriteMessage(150, opening)
	code, msg := fn(conn)
	ss.doneData()
	sess.WriteMessage(code, msg)
}

func (s *Server) cmdRest(sess *ftpserver.Session, ss *session, param string) {
	n, err := strconv.ParseInt(strings.TrimSpace(param), 10, 64)
	if err != nil || n < 0 {
		sess.WriteMessage(501, "REST requires a byte offset")
		return
	}
	ss.rest = n
	sess.WriteMessage(350, fmt.Sprintf("Restart position accepted (%d).", n))
}

func (s *Server) cmdRetr(sess *ftpserver.Session, ss *session, param string) {
	p := sess.BuildPath(param)
	offset := ss.takeRest()
	n, r, err := s.drv.GetFile(nil, p, offset)
	if err != nil {
		sess.WriteMessage(550, "Failed to open file.")
		return
	}
	defer r.Close()
	s.withData(sess, ss, fmt.Sprintf("Opening BINARY mode data connection for %s (%d bytes).", path.Base(p), n),
		func(c net.Conn) (int, string) {
			if _, err := io.Copy(c, r); err != nil {
				s.log.note(ss.id, "data: %v", err)
				return 426, "Failure writing network stream."
			}
			return 226, "Transfer complete."
		})
}

func (s *Server) store(sess *ftpserver.Session, ss *session, p string, offset int64) {
	s.withData(sess, ss, "Ok to send data.", func(c net.Conn) (int, string) {
		if _, err := s.drv.PutFile(nil, p, c, offset); err != nil {
			s.log.note(ss.id, "data: %v", err)
			var ne net.Error
			if errors.As(err, &ne) || errors.Is(err, net.ErrClosed) {
				return 426, "Failure reading network stream."
			}
			return 553, "Could not create file."
		}
		return 226, "Transfer complete."
	})
}

func (s *Server) cmdStor(sess *ftpserver.Session, ss *session, param string) {
	offset := int64(-1) // create or truncate
	if n := ss.takeRest(); n > 0 {
		offset = n
	}
	s.store(sess, ss, sess.BuildPath(param), offset)
}

func (s *Server) cmdAppe(sess *ftpserver.Session, ss *session, param string) {
	p := sess.BuildPath(param)
	ss.takeRest()
	offset := int64(-1)
	if n, ok := s.drv.size(p); ok {
		offset = n
	}
	s.store(sess, ss, p, offset)
}

// listPath extracts the path from LIST/NLST arguments, skipping options
// such as -a or -la (clients send them; names starting with '-' lose).
func listPath(param string) string {
	f := strings.Fields(param)
	i := 0
	for i < len(f) && strings.HasPrefix(f[i], "-") {
		i++
	}
	if i == 0 {
		return strings.TrimSpace(param)
	}
	rest := strings.TrimLeft(param, " ")
	for j := 0; j < i; j++ {
		rest = strings.TrimLeft(strings.TrimPrefix(rest, f[j]), " ")
	}
	return rest
}

// entries lists p: the folder's entries, or the file itself.
func (s *Server) entries(p string) ([]os.FileInfo, bool, error) {
	fi, err := s.drv.Stat(nil, p)
	if err != nil {
		return nil, false, err
	}
	if !fi.IsDir() {
		return []os.FileInfo{fi}, false, nil
	}
	var list []os.FileInfo
	err = s.drv.ListDir(nil, p, func(fi os.FileInfo) error {
		list = append(list, fi)
		return nil
	})
	return list, true, err
}

func (s *Server) cmdList(sess *ftpserver.Session, ss *session, param string) {
	list, _, err := s.entries(sess.BuildPath(listPath(param)))
	if err != nil {
		sess.WriteMessage(550, "No such file or folder.")
		return
	}
	s.sendListing(sess, ss, "Here comes the directory listing.", formatList(list, time.Now()))
}

func (s *Server) cmdNlst(sess *ftpserver.Session, ss *session, param string) {
	list, _, err := s.entries(sess.BuildPath(listPath(param)))
	if err != nil {
		sess.WriteMessage(550, "No such file or folder.")
		return
	}
	var b strings.Builder
	for _, fi := range list {
		b.WriteString(fi.Name() + "\r\n")
	}
	s.sendListing(sess, ss, "Here comes the name list.", b.String())
}

func (s *Server) cmdMlsd(sess *ftpserver.Session, ss *session, param string) {
	list, isDir, err := s.entries(sess.BuildPath(param))
	if err != nil {
		sess.WriteMessage(550, "No such folder.")
		return
	}
	if !isDir {
		sess.WriteMessage(501, "MLSD needs a folder; use MLST for a file.")
		return
	}
	var b strings.Builder
	for _, fi := range list {
		b.WriteString(formatMLSx(fi) + "\r\n")
	}
	s.sendListing(sess, ss, "Here comes the machine-readable listing.", b.String())
}

func (s *Server) sendListing(sess *ftpserver.Session, ss *session, opening, text string) {
	s.withData(sess, ss, opening, func(c net.Conn) (int, string) {
		if _, err := io.WriteString(c, text); err != nil {
			s.log.note(ss.id, "data: %v", err)
			return 426, "Failure writing network stream."
		}
		return 226, "Directory send OK."
	})
}

// formatList writes an ls -l style listing, as vsftpd does.
func formatList(list []os.FileInfo, now time.Time) string {
	var b strings.Builder
	for _, fi := range list {
		mode := "-rw-r--r--"
		if fi.IsDir() {
			mode = "drwxr-xr-x"
		}
		t := fi.ModTime()
		var when string
		if t.After(now.AddDate(0, -6, 0)) && t.Before(now.Add(24*time.Hour)) {
			when = t.Format("Jan _2 15:04")
		} else {
			when = t.Format("Jan _2  2006")
		}
		fmt.Fprintf(&b, "%s    1 demo     demo     %12d %s %s\r\n", mode, fi.Size(), when, fi.Name())
	}
	return b.String()
}

func formatMLSx(fi os.FileInfo) string {
	typ, perm := "file", "adfrw"
	if fi.IsDir() {
		typ, perm = "dir", "flcdmpe"
	}
	return fmt.Sprintf("type=%s;size=%d;modify=%s;perm=%s; %s",
		typ, fi.Size(), fi.ModTime().UTC().Format("20060102150405"), perm, fi.Name())
}

// ---- other commands ----

func (s *Server) cmdMlst(sess *ftpserver.Session, ss *session, param string) {
	p := sess.BuildPath(param)
	fi, err := s.drv.Stat(nil, p)
	if err != nil {
		sess.WriteMessage(550, "No such file or folder.")
		return
	}
	fact := formatMLSx(fi)
	fact = fact[:strings.Index(fact, "; ")+2] + p // facts, then the full path
	ss.reply(250, "Listing "+p, []string{fact}, "End")
}

func (s *Server) cmdSize(sess *ftpserver.Session, _ *session, param string) {
	// The library's SIZE writes errors to the standard logger (stderr) and
	// answers 213 for folders.
	fi, err := s.drv.Stat(nil, sess.BuildPath(param))
	if err != nil || !fi.Mode().IsRegular() {
		sess.WriteMessage(550, "Could not get file size.")
		return
	}
	sess.WriteMessage(213, strconv.FormatInt(fi.Size(), 10))
}

func (s *Server) cmdMkd(sess *ftpserver.Session, _ *session, param string) {
	p := sess.BuildPath(param)
	if err := s.drv.MakeDir(nil, p); err != nil {
		sess.WriteMessage(550, "Create directory operation failed.")
		return
	}
	sess.WriteMessage(257, `"`+strings.ReplaceAll(p, `"`, `""`)+`" created`)
}

// statCmd keeps the library's STAT but answers a missing path itself: the
// library writes that error to the standard logger (stderr).
type statCmd struct {
	ftpserver.Command
	srv *Server
}

func (c statCmd) Execute(sess *ftpserver.Session, param string) {
	if param != "" {
		if _, err := c.srv.drv.Stat(nil, sess.BuildPath(param)); err != nil {
			sess.WriteMessage(450, "No such file or folder.")
			return
		}
	}
	c.Command.Execute(sess, param)
}
