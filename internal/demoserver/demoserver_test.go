package demoserver

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ---- a tiny raw FTP client ----

type mode string

const (
	pasv mode = "PASV"
	epsv mode = "EPSV"
	port mode = "PORT"
	eprt mode = "EPRT"
)

var allModes = []mode{pasv, epsv, port, eprt}

type client struct {
	t    *testing.T
	conn net.Conn
	tp   *textproto.Conn
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	c := &client{t: t, conn: conn, tp: textproto.NewConn(conn)}
	t.Cleanup(func() { c.tp.Close() })
	c.expect(220)
	return c
}

// expect reads one reply and checks its code.
func (c *client) expect(code int) string {
	c.t.Helper()
	got, msg, err := c.tp.ReadResponse(0)
	if err != nil && got == 0 {
		c.t.Fatalf("reading reply (want %d): %v", code, err)
	}
	if got != code {
		c.t.Fatalf("got %d %q, want %d", got, msg, code)
	}
	return msg
}

// do sends a command and checks the reply code.
func (c *client) do(code int, format string, args ...any) string {
	c.t.Helper()
	if err := c.tp.PrintfLine(format, args...); err != nil {
		c.t.Fatal(err)
	}
	return c.expect(code)
}

func (c *client) login() {
	c.t.Helper()
	c.do(331, "USER demo")
	c.do(230, "PASS demo")
	c.do(200, "TYPE I")
}

var pasvRE = regexp.MustCompile(`\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)`)
var epsvRE = regexp.MustCompile(`\(\|\|\|(\d+)\|\)`)

// prepare sets up a data connection in mode m and returns a function to call
// after the transfer command has been sent, which yields the connection.
func (c *client) prepare(m mode) func() net.Conn {
	c.t.Helper()
	switch m {
	case pasv, epsv:
		var addr string
		if m == pasv {
			msg := c.do(227, "PASV")
			g := pasvRE.FindStringSubmatch(msg)
			if g == nil {
				c.t.Fatalf("bad 227 %q", msg)
			}
			p1, _ := strconv.Atoi(g[5])
			p2, _ := strconv.Atoi(g[6])
			host := strings.Join(g[1:5], ".")
			if host != "127.0.0.1" {
				c.t.Fatalf("PASV advertises %s, want 127.0.0.1", host)
			}
			addr = net.JoinHostPort(host, strconv.Itoa(p1*256+p2))
		} else {
			msg := c.do(229, "EPSV")
			g := epsvRE.FindStringSubmatch(msg)
			if g == nil {
				c.t.Fatalf("bad 229 %q", msg)
			}
			addr = net.JoinHostPort("127.0.0.1", g[1])
		}
		// Like jlaffaye/ftp: connect before sending the command.
		dc, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			c.t.Fatal(err)
		}
		return func() net.Conn { return dc }
	default:
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			c.t.Fatal(err)
		}
		p := ln.Addr().(*net.TCPAddr).Port
		if m == port {
			c.do(200, "PORT 127,0,0,1,%d,%d", p/256, p%256)
		} else {
			c.do(200, "EPRT |1|127.0.0.1|%d|", p)
		}
		return func() net.Conn {
			defer ln.Close()
			_ = ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
			dc, err := ln.Accept()
			if err != nil {
				c.t.Fatal(err)
			}
			return dc
		}
	}
}

// download runs a command that sends data to us (LIST, RETR, ...).
func (c *client) download(m mode, format string, args ...any) []byte {
	c.t.Helper()
	get := c.prepare(m)
	c.do(150, format, args...)
	dc := get()
	_ = dc.SetDeadline(time.Now().Add(60 * time.Second))
	data, err := io.ReadAll(dc)
	dc.Close()
	if err != nil {
		c.t.Fatal(err)
	}
	c.expect(226)
	return data
}

// upload runs STOR/APPE.
func (c *client) upload(m mode, data []byte, format string, args ...any) {
	c.t.Helper()
	get := c.prepare(m)
	c.do(150, format, args...)
	dc := get()
	_ = dc.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := dc.Write(data); err != nil {
		c.t.Fatal(err)
	}
	dc.Close()
	c.expect(226)
}

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// ---- tests ----

func TestLogin(t *testing.T) {
	s := start(t, Options{})
	if want := fmt.Sprintf("ftp://demo:demo@127.0.0.1:%d/", s.Port()); s.URL() != want {
		t.Errorf("URL = %q, want %q", s.URL(), want)
	}
	if s.Addr() != fmt.Sprintf("127.0.0.1:%d", s.Port()) {
		t.Errorf("Addr = %q", s.Addr())
	}

	c := dial(t, s.Addr())
	c.do(530, "LIST")
	c.do(331, "USER demo")
	c.do(530, "PASS wrong")
	c.do(530, "PWD")
	c.login()
	c.do(257, "PWD")
	c.do(221, "QUIT")

	custom := start(t, Options{User: "alice", Password: "s3cret"})
	c = dial(t, custom.Addr())
	c.do(331, "USER demo")
	c.do(530, "PASS demo")
	c.do(331, "USER alice")
	c.do(230, "PASS s3cret")
}

var rootEntries = []string{
	"README.txt", ".hidden-config", "Quarterly Report 2024.txt", "Übersicht.txt",
	"日本語のファイル.txt", "docs", "photos", "projects", "big", "empty folder",
}

func TestListAllModes(t *testing.T) {
	s := start(t, Options{})
	c := dial(t, s.Addr())
	c.login()
	for _, m := range allModes {
		t.Run(string(m), func(t *testing.T) {
			c.t = t
			listing := string(c.download(m, "LIST /"))
			for _, name := range rootEntries {
				if !regexp.MustCompile(`(?m) ` + regexp.QuoteMeta(name) + "\r$").MatchString(listing) {
					t.Errorf("LIST / in %s lacks %q:\n%s", m, name, listing)
				}
			}
			if !strings.Contains(listing, "drwxr-xr-x") || !strings.Contains(listing, "\r\n") {
				t.Errorf("LIST format:\n%s", listing)
			}
		})
	}
	c.t = t

	mlsd := string(c.download(pasv, "MLSD /docs"))
	for _, want := range []string{
		"type=dir;size=", "; manuals\r\n",
		"type=file;size=", "; résumé.pdf\r\n",
		"modify=20240314163000;perm=adfrw; meeting-minutes 2024-03-14.txt\r\n",
	} {
		if !strings.Contains(mlsd, want) {
			t.Errorf("MLSD lacks %q:\n%s", want, mlsd)
		}
	}
	nlst := string(c.download(eprt, "NLST photos/2024"))
	if nlst != "Straße in München.txt\r\nbeach.jpg.txt\r\nteam outing.jpg.txt\r\n" {
		t.Errorf("NLST = %q", nlst)
	}
	list := string(c.download(port, "LIST -la /docs/manuals"))
	if !strings.Contains(list, "plc-backup.txt") || !strings.Contains(list, "Oct  7  2021") {
		t.Errorf("LIST -la /docs/manuals:\n%s", list)
	}
	list = string(c.download(epsv, "LIST Quarterly Report 2024.txt"))
	if !strings.HasSuffix(list, " Quarterly Report 2024.txt\r\n") || strings.Count(list, "\n") != 1 {
		t.Errorf("LIST of a file: %q", list)
	}
	c.do(550, "LIST /nope")
}

func sha(b []byte) [32]byte { return sha256.Sum256(b) }

func TestRetrBigFile(t *testing.T) {
	s := start(t, Options{})
	want, err := os.ReadFile(filepath.Join(s.Root(), BigFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != BigFileSize {
		t.Fatalf("big file is %d bytes", len(want))
	}
	c := dial(t, s.Addr())
	c.login()
	if got := c.do(213, "SIZE %s", BigFile); got != strconv.Itoa(BigFileSize) {
		t.Errorf("SIZE = %s", got)
	}
	for _, m := range allModes {
		got := c.download(m, "RETR %s", BigFile)
		if sha(got) != sha(want) {
			t.Errorf("RETR in %s: %d bytes, SHA-256 differs", m, len(got))
		}
	}
}

func TestStor(t *testing.T) {
	s := start(t, Options{})
	c := dial(t, s.Addr())
	c.login()
	for i, m := range allModes {
		data := bytes.Repeat([]byte(fmt.Sprintf("line %d of an upload in %s mode\n", i, m)), 50000+i)
		name := fmt.Sprintf("incoming/upload %s ü.bin", m)
		c.upload(m, data, "STOR %s", name)
		got, err := os.ReadFile(filepath.Join(s.Root(), filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if sha(got) != sha(data) {
			t.Errorf("STOR in %s: %d bytes on disk, want %d", m, len(got), len(data))
		}
		if size := c.do(213, "SIZE %s", name); size != strconv.Itoa(len(data)) {
			t.Errorf("SIZE after STOR = %s", size)
		}
	}
	// Overwrite with something shorter: truncated.
	c.upload(pasv, []byte("short"), "STOR incoming/upload PASV ü.bin")
	if b, _ := os.ReadFile(filepath.Join(s.Root(), "incoming/upload PASV ü.bin")); string(b) != "short" {
		t.Errorf("overwrite: %q", b)
	}
	// APPE appends.
	c.upload(port, []byte(" and more"), "APPE incoming/upload PASV ü.bin")
	if b, _ := os.ReadFile(filepath.Join(s.Root(), "incoming/upload PASV ü.bin")); string(b) != "short and more" {
		t.Errorf("APPE: %q", b)
	}
}

func TestRest(t *testing.T) {
	s := start(t, Options{})
	big, err := os.ReadFile(filepath.Join(s.Root(), BigFile))
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, s.Addr())
	c.login()
	for _, m := range []mode{pasv, port} {
		c.do(350, "REST 1000")
		got := c.download(m, "RETR %s", BigFile)
		if len(got) != len(big)-1000 || sha(got) != sha(big[1000:]) {
			t.Errorf("REST 1000 + RETR in %s: %d bytes, want the last %d", m, len(got), len(big)-1000)
		}
	}
	// REST applies to the next transfer only, whatever comes in between.
	c.do(350, "REST 8")
	c.do(200, "NOOP")
	if got := c.download(epsv, "RETR README.txt"); !strings.HasPrefix(string(got), "to the ftpdeck demo") {
		t.Errorf("REST 8, NOOP, RETR: %q", got[:20])
	}
	if got := c.download(epsv, "RETR README.txt"); !strings.HasPrefix(string(got), "Welcome to the ftpdeck demo") {
		t.Errorf("REST leaked into a second RETR: %q", got[:20])
	}
	c.do(501, "REST abc")

	// Resumed upload: send the first 3 MiB, then the rest from there.
	data := big[:5<<20]
	name := "incoming/resumed.bin"
	c.upload(pasv, data[:3<<20], "STOR %s", name)
	c.do(350, "REST %d", 3<<20)
	c.upload(port, data[3<<20:], "STOR %s", name)
	disk, _ := os.ReadFile(filepath.Join(s.Root(), name))
	if sha(disk) != sha(data) {
		t.Errorf("REST+STOR: %d bytes on disk, want %d", len(disk), len(data))
	}
	// Resume from an earlier offset (the client's last good byte): the tail
	// is replaced, not appended (the library's driver appended).
	c.do(350, "REST 1000")
	c.upload(epsv, data[1000:2000], "STOR %s", name)
	disk, _ = os.ReadFile(filepath.Join(s.Root(), name))
	if sha(disk) != sha(data[:2000]) {
		t.Errorf("REST 1000 + STOR: %d bytes on disk, want 2000", len(disk))
	}
	// Beyond the end of the file: refused.
	c.do(350, "REST 999999")
	get := c.prepare(pasv)
	c.do(150, "STOR %s", name)
	dc := get()
	dc.Close()
	c.expect(553)
}

func TestFileCommands(t *testing.T) {
	s := start(t, Options{})
	c := dial(t, s.Addr())
	c.login()
	root := s.Root()

	if _, err := c.tp.Cmd("FEAT"); err != nil {
		t.Fatal(err)
	}
	_, feat, err := c.tp.ReadResponse(211)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"EPSV", "EPRT", "SIZE", "MDTM", "REST STREAM", "MLST", "UTF8"} {
		if !regexp.MustCompile(`(?m)^ ?` + f + `( |$)`).MatchString(feat) {
			t.Errorf("FEAT lacks %s:\n%s", f, feat)
		}
	}

	if strings.Contains(feat, "\n") && !regexp.MustCompile(`^Features:\n( [A-Z].*\n)+End$`).MatchString(feat) {
		t.Errorf("FEAT reply shape: %q", feat)
	}
	if _, err := c.tp.Cmd("MLST docs/résumé.pdf"); err != nil {
		t.Fatal(err)
	}
	if _, mlst, err := c.tp.ReadResponse(250); err != nil || !strings.HasSuffix(mlst, "\n type=file;size=108;modify=20230912100500;perm=adfrw; /docs/résumé.pdf\nEnd") {
		t.Errorf("MLST: %q %v", mlst, err)
	}
	c.do(550, "MLST nope")

	if got := c.do(213, "MDTM Quarterly Report 2024.txt"); got != "20250115174200" {
		t.Errorf("MDTM = %s (must be UTC)", got)
	}
	c.do(550, "SIZE docs")
	c.do(550, "SIZE nope.txt")
	if got := c.do(213, "SIZE Übersicht.txt"); got == "0" {
		t.Errorf("SIZE Übersicht.txt = %s", got)
	}

	c.do(250, "CWD docs/manuals")
	if got := c.do(257, "PWD"); got != `"/docs/manuals" is the current directory` {
		t.Errorf("PWD = %q", got)
	}
	c.do(250, "CDUP")
	c.do(250, "CWD /")
	c.do(550, "CWD README.txt")

	if got := c.do(257, "MKD new folder"); got != `"/new folder" created` {
		t.Errorf("MKD = %q", got)
	}
	c.do(550, "MKD new folder")
	c.do(257, "MKD new folder/sub")
	c.do(550, "RMD new folder") // not empty
	c.do(250, "RMD new folder/sub")
	c.do(250, "RMD /new folder")
	if _, err := os.Stat(filepath.Join(root, "new folder")); !os.IsNotExist(err) {
		t.Errorf("RMD left the folder: %v", err)
	}
	c.do(550, "RMD docs") // not empty
	c.do(250, "RMD empty folder")

	c.do(350, "RNFR Übersicht.txt")
	c.do(250, "RNTO docs/Overview.txt")
	if _, err := os.Stat(filepath.Join(root, "docs", "Overview.txt")); err != nil {
		t.Error(err)
	}
	c.do(550, "RNFR nope.txt")
	c.do(550, "RNTO whatever.txt") // no RNFR

	c.do(250, "DELE docs/Overview.txt")
	c.do(550, "DELE docs/Overview.txt")
	c.do(550, "DELE docs")

	// Data commands without PORT/PASV, malformed and foreign addresses.
	c.do(425, "LIST")
	c.do(425, "RETR README.txt")
	c.do(425, "STOR x.txt")
	if _, err := os.Stat(filepath.Join(root, "x.txt")); !os.IsNotExist(err) {
		t.Errorf("STOR without data connection created the file")
	}
	c.do(501, "PORT 1,2,3")
	c.do(501, "PORT 127,0,0,1,300,1")
	c.do(500, "PORT 10,1,2,3,4,5")
	c.do(501, "EPRT |1|")
	c.do(501, "EPRT |1|::1|2000|")
	c.do(522, "EPRT |3|127.0.0.1|2000|")
	c.do(500, "EPRT |1|192.0.2.1|2000|")
	c.do(550, "RETR nope.bin")
	c.do(550, "RETR docs")
	c.do(500, "LPRT 4,4,127,0,0,1,2,0,21")
	c.do(225, "ABOR")

	// Path escapes stay inside the root.
	c.do(250, "CWD /../../..")
	if got := c.do(257, "PWD"); got != `"/" is the current directory` {
		t.Errorf("PWD after escape = %q", got)
	}
	got := c.download(pasv, "RETR ../../README.txt")
	if !strings.HasPrefix(string(got), "Welcome to the ftpdeck demo") {
		t.Errorf("RETR ../../README.txt: %q", got)
	}

	// Active mode to a port nobody listens on: 425 at the transfer.
	ln, _ := net.Listen("tcp4", "127.0.0.1:0")
	p := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	c.do(200, "PORT 127,0,0,1,%d,%d", p/256, p%256)
	c.do(425, "LIST")
	c.do(200, "NOOP")
}

// TestConcurrentSessions runs several clients at once, like the engine's
// browse connection plus queue workers.
func TestConcurrentSessions(t *testing.T) {
	s := start(t, Options{})
	want, _ := os.ReadFile(filepath.Join(s.Root(), "docs", "notes.md"))
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", s.Addr())
			if err != nil {
				errs <- err.Error()
				return
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
			tp := textproto.NewConn(conn)
			step := func(code int, format string, args ...any) string {
				if format != "" {
					if err := tp.PrintfLine(format, args...); err != nil {
						panic(err)
					}
				}
				got, msg, err := tp.ReadResponse(code)
				if err != nil {
					errs <- fmt.Sprintf("%q: %d %s %v", format, got, msg, err)
				}
				return msg
			}
			step(220, "")
			step(331, "USER demo")
			step(230, "PASS demo")
			for j := range 10 {
				m := allModes[(i+j)%4]
				var dc net.Conn
				var ln net.Listener
				switch m {
				case pasv, epsv:
					msg := step(227, "PASV")
					g := pasvRE.FindStringSubmatch(msg)
					if g == nil {
						errs <- "bad PASV " + msg
						return
					}
					p1, _ := strconv.Atoi(g[5])
					p2, _ := strconv.Atoi(g[6])
					dc, err = net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p1*256+p2))
					if err != nil {
						errs <- err.Error()
						return
					}
				default:
					ln, _ = net.Listen("tcp4", "127.0.0.1:0")
					step(200, "EPRT |1|127.0.0.1|%d|", ln.Addr().(*net.TCPAddr).Port)
				}
				step(150, "RETR docs/notes.md")
				if ln != nil {
					dc, err = ln.Accept()
					ln.Close()
					if err != nil {
						errs <- err.Error()
						return
					}
				}
				got, _ := io.ReadAll(dc)
				dc.Close()
				step(226, "")
				if !bytes.Equal(got, want) {
					errs <- fmt.Sprintf("session %d transfer %d: got %d bytes", i, j, len(got))
				}
			}
			step(221, "QUIT")
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// ourGoroutines returns the stacks of goroutines running server code.
func ourGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var ours []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "goftp.io/server") ||
			strings.Contains(g, "demoserver.(*") ||
			strings.Contains(g, "demoserver.Start") {
			ours = append(ours, g)
		}
	}
	return ours
}

func TestStartCloseLoop(t *testing.T) {
	var ports []int
	for i := range 20 {
		s, err := Start(Options{})
		if err != nil {
			t.Fatal(err)
		}
		root := s.Root()
		ports = append(ports, s.Port())
		// Every other round, leave sessions in awkward states: logged in
		// with a passive listener nobody connects to, mid-greeting, and
		// waiting in the accept of a transfer.
		if i%2 == 1 {
			c := dial(t, s.Addr())
			c.login()
			c.do(227, "PASV")
			c2 := dial(t, s.Addr())
			c2.login()
			c2.do(229, "EPSV")
			if err := c2.tp.PrintfLine("RETR %s", BigFile); err != nil {
				t.Fatal(err)
			}
			if _, err := net.Dial("tcp", s.Addr()); err != nil { // never reads
				t.Fatal(err)
			}
			time.Sleep(5 * time.Millisecond) // let RETR reach the accept
		}
		done := make(chan error, 1)
		go func() { done <- s.Close() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(20 * time.Second): // a hang detector, generous for busy CI
			t.Fatalf("Close blocked:\n%s", strings.Join(ourGoroutines(), "\n\n"))
		}
		if _, err := os.Stat(root); !os.IsNotExist(err) {
			t.Fatalf("temp root %s still there after Close (err %v)", root, err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	}
	for _, p := range ports {
		if stillServes(p) {
			t.Errorf("port %d still accepts after Close", p)
		}
	}
	// Session goroutines end right after they close their connection;
	// allow them a moment.
	var left []string
	for range 100 {
		if left = ourGoroutines(); len(left) == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(left) > 0 {
		t.Errorf("%d server goroutines left:\n%s", len(left), strings.Join(left, "\n\n"))
	}
}

func TestCallerRootKept(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mine.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Start(Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, s.Addr())
	c.login()
	if got := string(c.download(pasv, "NLST")); got != "mine.txt\r\n" {
		t.Errorf("NLST = %q", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "mine.txt")); err != nil {
		t.Errorf("Close touched the caller's root: %v", err)
	}
	if _, err := Start(Options{Root: filepath.Join(dir, "mine.txt")}); err == nil {
		t.Error("Start with a file as root: no error")
	}
}

// syncBuffer is a goroutine-safe bytes.Buffer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestLog(t *testing.T) {
	var log syncBuffer
	s, err := Start(Options{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, s.Addr())
	c.login()
	c.download(port, "LIST")
	c.do(221, "QUIT")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	for _, want := range []string{
		"[1] > USER demo\n", "[1] > PASS ****\n", "[1] < 230 ", "[1] > PORT 127,0,0,1,",
		"[1] * data: connecting to 127.0.0.1:", "[1] < 226 ", "[0] * stopped\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "PASS demo") {
		t.Error("log shows the password")
	}
	if !regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d\d\d \[0\] \* listening on 127\.0\.0\.1:\d+`).MatchString(out) {
		t.Errorf("log format:\n%s", out)
	}
}

func TestWriteSampleTree(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Now()
	if err := WriteSampleTree(dir); err != nil {
		t.Fatal(err)
	}
	t.Logf("WriteSampleTree took %v", time.Since(t0))
	// Generating the 24 MiB stream is what must be fast (writing it to a
	// busy disk may not be, so that is only logged).
	t1 := time.Now()
	if n, err := io.Copy(io.Discard, io.LimitReader(rand.NewChaCha8(bigSeed), BigFileSize)); err != nil || n != BigFileSize {
		t.Fatal(n, err)
	}
	gen := time.Since(t1)
	t.Logf("generating %d MiB took %v", BigFileSize>>20, gen)
	if gen > 500*time.Millisecond && !raceEnabled {
		t.Errorf("generating the big file took %v", gen)
	}
	var files, dirs int
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs++
		} else {
			files++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 || dirs < 8 {
		t.Errorf("%d files, %d folders", files, dirs)
	}
	for _, p := range []string{"README.txt", ".hidden-config", "Quarterly Report 2024.txt", "Übersicht.txt",
		"日本語のファイル.txt", "docs/résumé.pdf", "docs/manuals", "photos/2024", "projects/ftpdeck/src/main.go", "empty folder"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Error(err)
		}
	}
	// Deterministic: a second tree has the same big file.
	dir2 := t.TempDir()
	if err := WriteSampleTree(dir2); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, BigFile))
	b, _ := os.ReadFile(filepath.Join(dir2, BigFile))
	if len(a) != BigFileSize || !bytes.Equal(a, b) {
		t.Errorf("big file: %d bytes, equal=%v", len(a), bytes.Equal(a, b))
	}
	if bytes.Count(a[:1<<20], []byte{0}) > 1<<14 {
		t.Error("big file does not look random")
	}
}

// stillServes reports whether a demo server still answers on port. A port
// freed by Close may be bound at once by another test binary running in
// parallel (go test runs packages at the same time), so a bare accepted
// connection proves nothing: only our own greeting does.
func stillServes(port int) bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.Contains(line, "ftpdeck demo server ready")
}
