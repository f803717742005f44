package transfer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"ftpdeck/internal/demoserver"
	"ftpdeck/internal/ftpd"
	"ftpdeck/transfer"
)

// server is one real FTP server under test: where it is and where its files
// live on disk.
type server struct {
	name, host string
	port       int
	user, pass string
	root       string
	seed       func(t *testing.T, rel string, data []byte)
}

// servers starts the embedded server and the three Debian daemons. The
// daemons skip (or fail under FTPDECK_REQUIRE_SERVERS=1) when missing.
func servers() map[string]func(t *testing.T) server {
	daemon := func(k ftpd.Kind) func(t *testing.T) server {
		return func(t *testing.T) server {
			d := ftpd.Start(t, k, ftpd.Options{})
			return server{name: string(k), host: d.Host, port: d.Port, user: d.User, pass: d.Password, root: d.Root,
				seed: func(t *testing.T, rel string, data []byte) { d.WriteFile(t, rel, data) }}
		}
	}
	return map[string]func(t *testing.T) server{
		"embedded": func(t *testing.T) server {
			dir := t.TempDir()
			s, err := demoserver.Start(demoserver.Options{Root: dir})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return server{name: "embedded", host: "127.0.0.1", port: s.Port(), user: "demo", pass: "demo", root: dir,
				seed: func(t *testing.T, rel string, data []byte) { writeFile(t, dir+"/"+rel, data) }}
		},
		"vsftpd":    daemon(ftpd.Vsftpd),
		"pure-ftpd": daemon(ftpd.PureFTPd),
		"proftpd":   daemon(ftpd.ProFTPD),
	}
}

// dial logs in to s in mode, with a log whose lines rec keeps; the
// connection is closed when the test ends.
func (s server) dial(t *testing.T, mode transfer.Mode) (*transfer.Conn, *transfer.Log, *recorder) {
	t.Helper()
	rec := &recorder{}
	log := transfer.NewLog(1000)
	log.AddSink(rec)
	site := transfer.Site{Host: s.host, Port: s.port, User: s.user, Password: s.pass, Mode: mode}
	c, err := transfer.NewSession(site, log).Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, log, rec
}

// recorder keeps every log line, for assertions.
type recorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "\n")
}

func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

func dial(t *testing.T, s server, mode transfer.Mode) (*transfer.Session, *transfer.Conn, *recorder) {
	t.Helper()
	rec := &recorder{}
	log := transfer.NewLog(10000)
	log.AddSink(rec)
	sess := transfer.NewSession(transfer.Site{Host: s.host, Port: s.port, User: s.user, Password: s.pass, Mode: mode, Timeout: 10 * time.Second}, log)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := sess.Dial(ctx)
	if err != nil {
		t.Fatalf("dial %s: %v\nlog:\n%s", s.name, err, rec.text())
	}
	t.Cleanup(func() { _ = c.Close() })
	return sess, c, rec
}

// TestTransfersBothModes is the engine's main acceptance test: against each
// real server, list, get and put a 32 MiB random file in passive mode, then
// toggle to active on the same connection and do it again; the log shows
// the two negotiations with decoded notes and never the password.
func TestTransfersBothModes(t *testing.T) {
	payload := randomBytes(32<<20, 1)
	want := sha256.Sum256(payload)
	for name, start := range servers() {
		t.Run(name, func(t *testing.T) {
			s := start(t)
			s.seed(t, "big.bin", payload)
			sess, c, rec := dial(t, s, transfer.Passive)
			ctx := context.Background()

			for i, mode := range []transfer.Mode{transfer.Passive, transfer.Active} {
				sess.SetMode(mode)
				entries, err := c.List(ctx, "/", false)
				if err != nil {
					t.Fatalf("%s list: %v\nlog:\n%s", mode, err, rec.text())
				}
				if !hasEntry(entries, "big.bin", 32<<20) {
					t.Fatalf("%s list: big.bin (32 MiB) not in %+v", mode, entries)
				}
				var got bytes.Buffer
				n, err := c.Retrieve(ctx, "/big.bin", 0, &got, nil)
				if err != nil || n != int64(len(payload)) || sha256.Sum256(got.Bytes()) != want {
					t.Fatalf("%s get: n=%d err=%v sha equal=%v\nlog:\n%s", mode, n, err, sha256.Sum256(got.Bytes()) == want, rec.text())
				}
				up := "/up-" + mode.String() + ".bin"
				if _, err := c.Store(ctx, up, 0, bytes.NewReader(payload), nil); err != nil {
					t.Fatalf("%s put: %v\nlog:\n%s", mode, err, rec.text())
				}
				if got := sha256.Sum256(readFile(t, s.root+up)); got != want {
					t.Fatalf("%s put: SHA-256 on the server differs", mode)
				}
				size, err := c.Size(ctx, up)
				if err != nil || size != int64(len(payload)) {
					t.Fatalf("%s size: %d %v", mode, size, err)
				}
				_ = i
			}
			log := rec.text()
			for _, want := range []string{"> EPSV", "; passive: port", "> PORT 127,0,0,1,", "; active: listening on 127.0.0.1:", "active: server connected from 127.0.0.1:", "mode: passive → active", "> PASS ****"} {
				if !strings.Contains(log, want) {
					t.Errorf("log lacks %q:\n%s", want, log)
				}
			}
			for _, line := range strings.Split(log, "\n") {
				if strings.Contains(line, "PASS") && !strings.Contains(line, "PASS ****") || (s.pass != s.user && strings.Contains(line, s.pass)) {
					t.Errorf("log shows the password: %q", line)
				}
			}
		})
	}
}

func hasEntry(es []transfer.Entry, name string, size int64) bool {
	for _, e := range es {
		if e.Name == name && e.Size == size {
			return true
		}
	}
	return false
}
