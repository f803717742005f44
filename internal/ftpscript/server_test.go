package ftpscript

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDefaultsAllModes(t *testing.T) {
	for _, mode := range []string{"PASV", "EPSV", "PORT", "EPRT"} {
		t.Run(mode, func(t *testing.T) {
			srv := Start(t)
			srv.Files.Put("/pub/a.txt", []byte("hello, world\n"))
			c := dial(t, srv)
			c.login()
			c.cmd(250, "CWD pub")
			if msg := c.cmd(257, "PWD"); !strings.Contains(msg, `"/pub"`) {
				t.Errorf("PWD %q", msg)
			}
			list := string(c.download(mode, "LIST"))
			wantLine := ListLine(Entry{Name: "a.txt", Size: 13}) + "\r\n"
			if list != wantLine {
				t.Errorf("LIST %q, want %q", list, wantLine)
			}
			if got := c.download(mode, "RETR a.txt"); string(got) != "hello, world\n" {
				t.Errorf("RETR %q", got)
			}
			up := bytes.Repeat([]byte("0123456789"), 10000)
			c.upload(mode, up, "STOR up.bin")
			if got, ok := srv.Files.Get("/pub/up.bin"); !ok || !bytes.Equal(got, up) {
				t.Errorf("stored %d bytes (%v), want %d", len(got), ok, len(up))
			}
			if msg := c.cmd(213, "SIZE up.bin"); msg != "100000" {
				t.Errorf("SIZE %q", msg)
			}
			c.cmd(221, "QUIT")

			setup := mode
			switch mode {
			case "PORT", "EPRT":
				setup = "" // filled below: the argument names the client's port
			}
			got := srv.Transcript()
			want := []string{"USER alice", "PASS s3cret", "TYPE I", "CWD pub", "PWD",
				setup, "LIST", setup, "RETR a.txt", setup, "STOR up.bin", "SIZE up.bin", "QUIT"}
			if len(got) != len(want) {
				t.Fatalf("transcript %q, want %q", got, want)
			}
			for i := range want {
				if want[i] == "" && strings.HasPrefix(got[i], mode+" ") {
					continue
				}
				if got[i] != want[i] {
					t.Errorf("transcript[%d] = %q, want %q", i, got[i], want[i])
				}
			}

			dcs := srv.DataConns()
			if len(dcs) != 3 {
				t.Fatalf("%d data connections, want 3: %+v", len(dcs), dcs)
			}
			passive := mode == "PASV" || mode == "EPSV"
			for i, dc := range dcs {
				if dc.Mode != mode || dc.Passive != passive || !dc.Connected || !dc.Used || !dc.Closed || dc.Conn != 1 || dc.Err != "" {
					t.Errorf("data conn %d: %+v", i, dc)
				}
			}
			if dcs[1].Sent != 13 || dcs[2].Received != int64(len(up)) {
				t.Errorf("byte counts: RETR sent %d, STOR received %d", dcs[1].Sent, dcs[2].Received)
			}
		})
	}
}

func TestRestHonoured(t *testing.T) {
	srv := Start(t)
	srv.Files.Put("/f", []byte("0123456789"))
	c := dial(t, srv)
	c.login()
	c.cmd(350, "REST 4")
	if got := c.download("EPSV", "RETR f"); string(got) != "456789" {
		t.Errorf("RETR after REST 4: %q", got)
	}
	// The offset applies to one transfer only.
	if got := c.download("EPSV", "RETR f"); string(got) != "0123456789" {
		t.Errorf("second RETR: %q", got)
	}
	// Resumed upload keeps the first 6 bytes.
	c.cmd(350, "REST 6")
	c.upload("PASV", []byte("abc"), "STOR f")
	if got, _ := srv.Files.Get("/f"); string(got) != "012345abc" {
		t.Errorf("after REST 6 + STOR: %q", got)
	}
	c.upload("PORT", []byte("!"), "APPE f")
	if got, _ := srv.Files.Get("/f"); string(got) != "012345abc!" {
		t.Errorf("after APPE: %q", got)
	}
}

func TestFileCommands(t *testing.T) {
	srv := Start(t)
	srv.Files.Put("/d/x", []byte("x"))
	c := dial(t, srv)
	c.login()
	c.cmd(257, "MKD e")
	c.cmd(550, "MKD e")
	c.cmd(350, "RNFR d/x")
	c.cmd(250, "RNTO e/y")
	c.cmd(550, "DELE d/x")
	c.cmd(250, "DELE e/y")
	c.cmd(250, "RMD e")
	c.cmd(550, "CWD e")
	c.cmd(550, "MDTM d") // d was implicit: it went with its last file
	if names := srv.Files.Names(); len(names) != 0 {
		t.Errorf("files left: %q", names)
	}
}

func TestTranscriptExact(t *testing.T) {
	srv := Start(t)
	c := dial(t, srv)
	// Odd spacing, lower case and a bare LF are kept as sent.
	c.cmd(331, "user  alice ")
	c.cmd(230, "PASS hunter2")
	c.deadline()
	if _, err := c.nc.Write([]byte("NOOP\n" + "XYZZY a\tb\r\n")); err != nil {
		t.Fatal(err)
	}
	c.expect(200)
	c.expect(502)
	c.cmd(221, "QUIT")
	want := []string{"user  alice ", "PASS hunter2", "NOOP", "XYZZY a\tb", "QUIT"}
	if got := srv.Transcript(); !slices.Equal(got, want) {
		t.Errorf("transcript %q, want %q", got, want)
	}
}

func TestCustomHandlerAndFEAT(t *testing.T) {
	srv := Start(t)
	var args []string
	var mu sync.Mutex
	srv.Handle("site", func(c *Conn, arg string) {
		mu.Lock()
		args = append(args, arg)
		mu.Unlock()
		c.Reply("200-first", "200 second")
	})
	srv.Handle("PASS", Reply("530 Login incorrect."))
	c := dial(t, srv)
	c.cmd(331, "USER bob")
	c.cmd(530, "PASS nope")
	if msg := c.cmd(200, "SITE CHMOD 644 x"); msg != "first\nsecond" {
		t.Errorf("SITE reply %q", msg)
	}
	feat := c.cmd(211, "FEAT")
	if strings.Contains(feat, "MLST") || !strings.Contains(feat, "EPSV") || strings.Contains(feat, "AUTH") {
		t.Errorf("FEAT %q", feat)
	}
	srv.Handle("PASS", nil) // built-in again
	c.cmd(230, "PASS yes")
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(args, []string{"CHMOD 644 x"}) {
		t.Errorf("args %q", args)
	}
}

// PASV names another host while the server listens on 127.0.0.1: a client
// that dials the control peer gets its data; one that does not is seen too.
func TestPassiveAtOtherHost(t *testing.T) {
	t.Run("client dials control peer", func(t *testing.T) {
		srv := Start(t)
		srv.Files.Put("/f", []byte("data"))
		srv.Handle("PASV", PassiveAt("10.9.8.7"))
		c := dial(t, srv)
		c.login()
		host, _ := parsePASV(t, c.cmd(227, "PASV"))
		if host != "10.9.8.7" {
			t.Errorf("227 names %s", host)
		}
		// A download, dialing the control peer as a client should.
		if got := c.download("PASV", "RETR f"); string(got) != "data" {
			t.Errorf("RETR %q", got)
		}
		dcs := srv.DataConns()
		if len(dcs) != 1 || !dcs[0].Connected || !strings.HasPrefix(dcs[0].Remote, "127.0.0.1:") || !dcs[0].Used {
			t.Errorf("data conns %+v", dcs)
		}
	})
	t.Run("client does not connect", func(t *testing.T) {
		srv := Start(t)
		srv.Handle("PASV", PassiveAt("203.0.113.9"))
		c := dial(t, srv)
		c.login()
		c.cmd(227, "PASV")
		c.cmd(221, "QUIT")
		if dcs := srv.DataConns(); len(dcs) != 0 {
			t.Errorf("data conns %+v, want none", dcs)
		}
	})
	t.Run("client connects to the named port, sends no command", func(t *testing.T) {
		srv := Start(t)
		srv.Handle("PASV", PassiveAt("10.9.8.7"))
		c := dial(t, srv)
		c.login()
		_, port := parsePASV(t, c.cmd(227, "PASV"))
		nc, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", fmt.Sprint(port)))
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = nc.Close() }()
		dcs := srv.WaitDataConns(1, 5*time.Second)
		if len(dcs) != 1 || !dcs[0].Connected || dcs[0].Used || dcs[0].Mode != "PASV" ||
			dcs[0].Listen != fmt.Sprintf("127.0.0.1:%d", port) {
			t.Errorf("data conns %+v", dcs)
		}
		c.cmd(221, "QUIT")
	})
}

func TestActiveThirdPartyAndNeverConnect(t *testing.T) {
	srv := New(t)
	srv.DataTimeout = 300 * time.Millisecond
	srv.Start()
	srv.Files.Put("/f", []byte("data"))
	seen := make(chan string, 1)
	srv.Handle("RETR", func(c *Conn, arg string) {
		seen <- c.ActiveTarget()
		c.Builtin(arg)
	})
	srv.Handle("PORT", ConnectDelay(-1))
	c := dial(t, srv)
	c.login()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	port := ln.Addr().(*net.TCPAddr).Port
	c.cmd(200, "PORT 127,0,0,1,%d,%d", port>>8, port&0xff)
	c.cmd(425, "RETR f")
	if got := <-seen; got != fmt.Sprintf("127.0.0.1:%d", port) {
		t.Errorf("ActiveTarget %q", got)
	}
	dcs := srv.DataConns()
	if len(dcs) != 1 || dcs[0].Connected || dcs[0].Err == "" || dcs[0].Passive {
		t.Errorf("data conns %+v", dcs)
	}
}

// goroutinesOfServer lists goroutines running server code.
func goroutinesOfServer() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "ftpscript.(*Server)") || strings.Contains(g, "ftpscript.(*Conn)") {
			out = append(out, g)
		}
	}
	return out
}

func assertNoServerGoroutines(t *testing.T) {
	t.Helper()
	var left []string
	for range 50 {
		if left = goroutinesOfServer(); len(left) == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("server goroutines left after cleanup:\n%s", strings.Join(left, "\n\n"))
}

func TestSilentCleanupIsPrompt(t *testing.T) {
	start := time.Now()
	t.Run("inner", func(t *testing.T) {
		srv := Start(t)
		srv.Handle("LIST", Silent())
		srv.Files.Put("/big", bytes.Repeat([]byte("x"), 1<<20))
		srv.Handle("RETR", Stall())
		c := dial(t, srv)
		c.login()
		// A second connection stalls mid-transfer with its data open.
		c2 := dial(t, srv)
		c2.login()
		d := c2.open("EPSV")
		c2.send("RETR big")
		c2.expect(150)
		_ = d.get()

		c.open("PASV")
		c.send("LIST")
		c.send("NOOP") // recorded while silent, never answered
		deadline := time.Now().Add(5 * time.Second)
		for !slices.Contains(srv.ConnTranscript(1), "NOOP") && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if got := srv.ConnTranscript(1); !slices.Equal(got, []string{"USER alice", "PASS s3cret", "TYPE I", "PASV", "LIST", "NOOP"}) {
			t.Errorf("conn 1 transcript %q", got)
		}
	})
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("test with silent handler took %v", d)
	}
	assertNoServerGoroutines(t)
}

func TestClientHangsUpMidCommand(t *testing.T) {
	t.Run("inner", func(t *testing.T) {
		srv := Start(t)
		srv.Files.Put("/f", bytes.Repeat([]byte("y"), 4<<20))
		srv.Handle("LIST", Endless(ListLine(Entry{Name: "again"})))
		c := dial(t, srv)
		c.login()
		d := c.open("EPSV")
		c.send("LIST")
		c.expect(150)
		conn := d.get()
		if _, err := io.ReadFull(conn, make([]byte, 1<<20)); err != nil {
			t.Fatal(err)
		}
		_ = conn.Close()
		c.expect(426)
		// Hang up during a big RETR without reading it.
		d = c.open("PASV")
		c.send("RETR f")
		c.expect(150)
		_ = d.get()
		_ = c.nc.Close()
		_ = d.conn.Close()
	})
	assertNoServerGoroutines(t)
}

// fakeTB records errors and cleanups so failure paths can be tested.
type fakeTB struct {
	testing.TB
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeTB) runCleanups() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestHandlerPanicFailsTest(t *testing.T) {
	ft := &fakeTB{TB: t}
	srv := Start(ft)
	srv.Handle("NOOP", func(*Conn, string) { panic("boom") })
	c := dial(t, srv)
	c.send("NOOP")
	c.deadline()
	if _, _, err := c.tp.ReadResponse(0); err == nil {
		t.Errorf("connection not closed after panic")
	}
	ft.runCleanups()
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if len(ft.errs) != 1 || !strings.Contains(ft.errs[0], `handler for "NOOP" panicked: boom`) {
		t.Errorf("errors %q", ft.errs)
	}
}

func TestTLSUpgradeAndResumption(t *testing.T) {
	cert, pool := NewCert(t)
	for _, tc := range []struct {
		name         string
		cache        bool
		requireReuse bool
	}{
		{"resumed", true, false},
		{"not resumed", false, false},
		{"reuse required", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := New(t)
			srv.TLS = cert
			srv.RequireTLSReuse = tc.requireReuse
			srv.Start()
			srv.Files.Put("/secret", []byte("top secret"))
			c := dial(t, srv)
			if !strings.Contains(c.cmd(211, "FEAT"), "AUTH TLS") {
				t.Errorf("FEAT lacks AUTH TLS")
			}
			c.startTLS(pool, tc.cache)
			c.login()
			c.protect()
			if tc.requireReuse {
				d := c.open("PASV")
				c.send("RETR secret")
				c.expect(150)
				conn := tls.Client(d.conn, c.tlsCfg)
				_ = conn.Handshake() // succeeds; the server then drops it
				c.expect(522)
			} else if got := c.download("PASV", "RETR secret"); string(got) != "top secret" {
				t.Errorf("RETR %q", got)
			}
			dcs := srv.DataConns()
			if len(dcs) != 1 || !dcs[0].TLS || dcs[0].DidResume != tc.cache {
				t.Errorf("data conns %+v, want TLS with DidResume=%v", dcs, tc.cache)
			}
			if want := []string{"FEAT", "AUTH TLS", "USER alice", "PASS s3cret", "TYPE I", "PBSZ 0", "PROT P", "PASV", "RETR secret"}; !slices.Equal(srv.Transcript(), want) {
				t.Errorf("transcript %q", srv.Transcript())
			}
		})
	}
}

func TestImplicitTLS(t *testing.T) {
	cert, pool := NewCert(t)
	srv := New(t)
	srv.TLS = cert
	srv.ImplicitTLS = true
	srv.Start()
	srv.Files.Put("/a", []byte("abc"))
	cfg := clientTLS(pool, true)
	nc, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", srv.Addr(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	c := &client{t: t, nc: nc, tp: textproto.NewConn(nc), tlsCfg: cfg}
	c.expect(220)
	c.login()
	c.protect()
	if got := c.download("EPSV", "RETR a"); string(got) != "abc" {
		t.Errorf("RETR %q", got)
	}
	if dcs := srv.DataConns(); len(dcs) != 1 || !dcs[0].TLS || !dcs[0].DidResume {
		t.Errorf("data conns %+v", dcs)
	}
}

func TestConcurrentConnections(t *testing.T) {
	srv := Start(t)
	for i := range 4 {
		srv.Files.Put(fmt.Sprintf("/f%d", i), bytes.Repeat([]byte{byte('a' + i)}, 100000))
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := dial(t, srv)
			c.login()
			mode := []string{"PASV", "EPSV", "PORT", "EPRT"}[i]
			got := c.download(mode, "RETR f%d", i)
			if len(got) != 100000 || got[0] != byte('a'+i) {
				t.Errorf("conn %d: %d bytes", i, len(got))
			}
			c.cmd(221, "QUIT")
		}()
	}
	wg.Wait()
	if n := srv.ConnCount(); n != 4 {
		t.Errorf("ConnCount %d", n)
	}
	for id := 1; id <= 4; id++ {
		if got := srv.ConnTranscript(id); len(got) != 6 || got[5] != "QUIT" {
			t.Errorf("conn %d transcript %q", id, got)
		}
	}
}
