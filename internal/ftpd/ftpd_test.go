package ftpd

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A tiny raw FTP client, so these tests depend on nothing but the daemons.

type client struct {
	t    testing.TB
	conn net.Conn
	tp   *textproto.Conn
	// dataTLS is set after PROT P: data connections become TLS clients.
	dataTLS *tls.Config
	// wantResume fails data connections that do not resume the session.
	wantResume bool
}

func dial(t testing.TB, addr string) *client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	c := &client{t: t, conn: conn, tp: textproto.NewConn(conn)}
	t.Cleanup(func() { _ = c.tp.Close() })
	c.expect(220, "")
	return c
}

// cmd sends one command (empty: none, just read) and returns the reply.
func (c *client) cmd(line string) (int, string) {
	c.t.Helper()
	if line != "" {
		if err := c.tp.PrintfLine("%s", line); err != nil {
			c.t.Fatalf("send %q: %v", line, err)
		}
	}
	code, msg, err := c.tp.ReadResponse(0)
	if err != nil {
		c.t.Fatalf("reply to %q: %v", line, err)
	}
	return code, msg
}

// expect sends line and fails unless the reply code is want.
func (c *client) expect(want int, line string) string {
	c.t.Helper()
	code, msg := c.cmd(line)
	if code != want {
		c.t.Fatalf("%q: got %d %s, want %d", line, code, msg, want)
	}
	return msg
}

func (c *client) login(user, pass string) {
	c.t.Helper()
	c.expect(331, "USER "+user)
	c.expect(230, "PASS "+pass)
	c.expect(200, "TYPE I")
}

// authTLS upgrades the control connection and protects data connections.
func (c *client) authTLS(conf *tls.Config) *tls.Conn {
	c.t.Helper()
	c.expect(234, "AUTH TLS")
	tc := tls.Client(c.conn, conf)
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("control TLS handshake: %v", err)
	}
	c.conn = tc
	c.tp = textproto.NewConn(tc)
	return tc
}

func (c *client) protP(conf *tls.Config) {
	c.t.Helper()
	c.expect(200, "PBSZ 0")
	c.expect(200, "PROT P")
	c.dataTLS = conf
}

var (
	pasvRE = regexp.MustCompile(`(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)`)
	epsvRE = regexp.MustCompile(`\(\|\|\|(\d+)\|\)`)
)

// prepareData negotiates a data connection in mode (PASV, EPSV, PORT or
// EPRT) and returns a function that yields it once the transfer command
// has been sent.
func (c *client) prepareData(mode string) func() net.Conn {
	c.t.Helper()
	var get func() (net.Conn, error)
	switch mode {
	case "PASV", "EPSV":
		var addr string
		if mode == "PASV" {
			m := pasvRE.FindStringSubmatch(c.expect(227, "PASV"))
			if m == nil {
				c.t.Fatalf("bad 227 reply")
			}
			p1, _ := strconv.Atoi(m[5])
			p2, _ := strconv.Atoi(m[6])
			addr = net.JoinHostPort(strings.Join(m[1:5], "."), strconv.Itoa(p1*256+p2))
		} else {
			m := epsvRE.FindStringSubmatch(c.expect(229, "EPSV"))
			if m == nil {
				c.t.Fatalf("bad 229 reply")
			}
			addr = net.JoinHostPort("127.0.0.1", m[1])
		}
		// Dial now: some servers (pure-ftpd) send 150 only once the
		// data connection is there.
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		get = func() (net.Conn, error) { return conn, err }
	case "PORT", "EPRT":
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			c.t.Fatal(err)
		}
		c.t.Cleanup(func() { _ = l.Close() })
		port := l.Addr().(*net.TCPAddr).Port
		if mode == "PORT" {
			c.expect(200, fmt.Sprintf("PORT 127,0,0,1,%d,%d", port/256, port%256))
		} else {
			c.expect(200, fmt.Sprintf("EPRT |1|127.0.0.1|%d|", port))
		}
		get = func() (net.Conn, error) {
			_ = l.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
			defer l.Close()
			return l.Accept()
		}
	default:
		c.t.Fatalf("unknown mode %q", mode)
	}
	return func() net.Conn {
		c.t.Helper()
		conn, err := get()
		if err != nil {
			c.t.Fatalf("%s data connection: %v", mode, err)
		}
		_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
		if c.dataTLS != nil {
			tc := tls.Client(conn, c.dataTLS)
			if err := tc.Handshake(); err != nil {
				c.t.Fatalf("%s data TLS handshake: %v", mode, err)
			}
			// vsftpd insists on it (require_ssl_reuse). pure-ftpd issues no
			// TLS 1.3 tickets, so it resumes only under TLS 1.2.
			if !tc.ConnectionState().DidResume {
				if c.wantResume {
					c.t.Errorf("%s data connection did not resume the control connection's TLS session", mode)
				} else {
					c.t.Logf("%s data connection: new TLS session (no resumption)", mode)
				}
			}
			return tc
		}
		return conn
	}
}

// retr runs a download-like command (LIST, RETR) and returns the data.
func (c *client) retr(mode, line string) []byte {
	c.t.Helper()
	data := c.prepareData(mode)
	code, msg := c.cmd(line)
	if code != 150 && code != 125 {
		c.t.Fatalf("%s %q: got %d %s", mode, line, code, msg)
	}
	conn := data()
	b, err := io.ReadAll(conn)
	_ = conn.Close()
	if err != nil {
		c.t.Fatalf("%s %q: reading data: %v", mode, line, err)
	}
	c.expect(226, "")
	return b
}

// stor runs an upload command with content b.
func (c *client) stor(mode, line string, b []byte) {
	c.t.Helper()
	data := c.prepareData(mode)
	code, msg := c.cmd(line)
	if code != 150 && code != 125 {
		c.t.Fatalf("%s %q: got %d %s", mode, line, code, msg)
	}
	conn := data()
	if _, err := conn.Write(b); err != nil {
		c.t.Fatalf("%s %q: writing data: %v", mode, line, err)
	}
	if err := conn.Close(); err != nil {
		c.t.Fatalf("%s %q: closing data: %v", mode, line, err)
	}
	c.expect(226, "")
}

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTransfers(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			d := Start(t, kind, Options{})
			seed := randomBytes(t, 300_000)
			d.WriteFile(t, "seed.bin", seed)
			d.MkdirAll(t, "sub/dir")
			for _, mode := range []string{"PASV", "EPSV", "PORT", "EPRT"} {
				t.Run(mode, func(t *testing.T) {
					c := dial(t, d.Addr())
					c.login(d.User, d.Password)
					list := string(c.retr(mode, "LIST"))
					if !strings.Contains(list, "seed.bin") || !strings.Contains(list, "sub") {
						t.Fatalf("LIST / = %q, want seed.bin and sub", list)
					}
					if got := c.retr(mode, "RETR seed.bin"); !bytes.Equal(got, seed) {
						t.Fatalf("RETR seed.bin: got %d bytes, want %d equal bytes", len(got), len(seed))
					}
					up := randomBytes(t, 200_000)
					name := "up-" + mode + ".bin"
					c.stor(mode, "STOR sub/dir/"+name, up)
					if got := d.ReadFile(t, "sub/dir/"+name); !bytes.Equal(got, up) {
						t.Fatalf("stored %s: %d bytes on disk, want %d equal bytes", name, len(got), len(up))
					}
					fi, err := os.Stat(d.Path(t, "sub/dir/"+name))
					if err != nil {
						t.Fatal(err)
					}
					if uid, _ := fileOwner(fi); uid != d.uid {
						t.Errorf("stored file owned by uid %d, want %d", uid, d.uid)
					}
					// Overwrite a seeded file.
					d.WriteFile(t, "over-"+mode, []byte("old content, longer than new"))
					c.stor(mode, "STOR over-"+mode, []byte("new"))
					if got := string(d.ReadFile(t, "over-"+mode)); got != "new" {
						t.Fatalf("overwrite: %q", got)
					}
					c.expect(221, "QUIT")
				})
			}
			t.Run("REST", func(t *testing.T) {
				c := dial(t, d.Addr())
				c.login(d.User, d.Password)
				c.expect(350, "REST 1000")
				if got := c.retr("PASV", "RETR seed.bin"); !bytes.Equal(got, seed[1000:]) {
					t.Fatalf("REST 1000 + RETR: got %d bytes, want the %d after offset 1000", len(got), len(seed)-1000)
				}
				d.WriteFile(t, "partial.bin", seed[:5000])
				c.expect(350, "REST 5000")
				c.stor("PASV", "STOR partial.bin", seed[5000:])
				if got := d.ReadFile(t, "partial.bin"); !bytes.Equal(got, seed) {
					t.Fatalf("REST 5000 + STOR: %d bytes on disk, want %d equal bytes", len(got), len(seed))
				}
			})
		})
	}
}

func TestWrongPassword(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			d := Start(t, kind, Options{})
			c := dial(t, d.Addr())
			c.expect(331, "USER "+d.User)
			c.expect(530, "PASS not-"+d.Password)
		})
	}
}

func TestDisableModes(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			t.Run("DisablePORT", func(t *testing.T) {
				d := Start(t, kind, Options{DisablePORT: true})
				c := dial(t, d.Addr())
				c.login(d.User, d.Password)
				for _, line := range []string{"PORT 127,0,0,1,200,10", "EPRT |1|127.0.0.1|51210|"} {
					if code, msg := c.cmd(line); code/100 != 5 {
						t.Errorf("%q with DisablePORT: got %d %s, want 5xx", line, code, msg)
					}
				}
				// Passive still works.
				if list := string(c.retr("PASV", "LIST")); list != "" {
					t.Errorf("LIST of empty root: %q", list)
				}
			})
			t.Run("DisablePASV", func(t *testing.T) {
				d := Start(t, kind, Options{DisablePASV: true})
				d.WriteFile(t, "f", []byte("x"))
				c := dial(t, d.Addr())
				c.login(d.User, d.Password)
				for _, line := range []string{"PASV", "EPSV"} {
					if code, msg := c.cmd(line); code/100 != 5 {
						t.Errorf("%q with DisablePASV: got %d %s, want 5xx", line, code, msg)
					}
				}
				// Active still works.
				if list := string(c.retr("PORT", "LIST")); !strings.Contains(list, "f") {
					t.Errorf("LIST: %q", list)
				}
			})
		})
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a pool that trusts it.
func selfSigned(t testing.TB) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeFile(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), 0o644)
	writeFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})), 0o600)
	return certFile, keyFile, pool
}

func TestTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	cases := []struct {
		name     string
		min, max string
		want     uint16
	}{
		{"default", "", "", 0},
		{"max1.2", "", "1.2", tls.VersionTLS12},
		{"min1.3", "1.3", "", tls.VersionTLS13},
	}
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					d := Start(t, kind, Options{TLS: &TLSOptions{
						CertFile: certFile, KeyFile: keyFile, Require: true,
						MinVersion: tc.min, MaxVersion: tc.max,
					}})
					d.WriteFile(t, "secret.txt", []byte("over TLS"))

					// Cleartext login is refused when TLS is required.
					plain := dial(t, d.Addr())
					if code, _ := plain.cmd("USER " + d.User); code/100 != 5 {
						if code, msg := plain.cmd("PASS " + d.Password); code == 230 {
							t.Errorf("cleartext login accepted with Require: %d %s", code, msg)
						}
					}

					conf := &tls.Config{
						ServerName:         "127.0.0.1", // same for control and data: one session cache key
						RootCAs:            pool,
						ClientSessionCache: tls.NewLRUClientSessionCache(4),
						MinVersion:         tls.VersionTLS12,
					}
					c := dial(t, d.Addr())
					c.wantResume = kind == Vsftpd
					ctl := c.authTLS(conf)
					if v := ctl.ConnectionState().Version; tc.want != 0 && v != tc.want {
						t.Errorf("negotiated %s, want %s", tls.VersionName(v), tls.VersionName(tc.want))
					}
					c.login(d.User, d.Password)
					c.protP(conf)
					if list := string(c.retr("PASV", "LIST")); !strings.Contains(list, "secret.txt") {
						t.Fatalf("LIST under PROT P: %q", list)
					}
					if got := string(c.retr("EPSV", "RETR secret.txt")); got != "over TLS" {
						t.Fatalf("RETR under PROT P: %q", got)
					}
					c.stor("PORT", "STOR up.txt", []byte("up over TLS"))
					if got := string(d.ReadFile(t, "up.txt")); got != "up over TLS" {
						t.Fatalf("STOR under PROT P: %q", got)
					}
					t.Logf("%s: %s", d.Name, tls.VersionName(ctl.ConnectionState().Version))
				})
			}
		})
	}
}

func TestRootOption(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			// t.TempDir() parents are 0700: the daemons must still serve it.
			root := t.TempDir()
			writeFile(t, filepath.Join(root, "mine.txt"), "from the test", 0o644)
			d := Start(t, kind, Options{Root: root})
			if d.Root != root {
				t.Fatalf("Root = %q, want %q", d.Root, root)
			}
			if want := fmt.Sprintf("ftp://%s:%s@127.0.0.1:%d/", TestUser, TestPassword, d.Port); d.URL() != want {
				t.Errorf("URL() = %q, want %q", d.URL(), want)
			}
			c := dial(t, d.Addr())
			c.login(d.User, d.Password)
			if got := string(c.retr("EPSV", "RETR mine.txt")); got != "from the test" {
				t.Fatalf("RETR mine.txt = %q", got)
			}
			c.stor("EPRT", "STOR back.txt", []byte("back"))
			if got := string(d.ReadFile(t, "/back.txt")); got != "back" {
				t.Fatalf("back.txt = %q", got)
			}
		})
	}
}
