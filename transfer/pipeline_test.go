package transfer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// sentBefore reports whether, in the log, the command line want was sent
// before the first 229 reply that follows the n-th "> EPSV": proof that
// EPSV and the command went out together, not one round trip apart.
func sentBefore(log string, n int, want string) bool {
	lines := strings.Split(log, "\n")
	seen := 0
	for i, l := range lines {
		if !strings.Contains(l, "> EPSV") {
			continue
		}
		seen++
		if seen != n {
			continue
		}
		for _, m := range lines[i+1:] {
			if strings.Contains(m, "< 229") {
				return false
			}
			if strings.Contains(m, "> "+want) {
				return true
			}
		}
		return false
	}
	return false
}

// epsvSequence answers EPSV with the handlers in turn (the last one for
// every later EPSV).
func epsvSequence(hs ...ftpscript.Handler) ftpscript.Handler {
	var n atomic.Int32
	return func(c *ftpscript.Conn, arg string) {
		i := int(n.Add(1)) - 1
		hs[min(i, len(hs)-1)](c, arg)
	}
}

func builtinEPSV(c *ftpscript.Conn, arg string) { c.Builtin(arg) }

// redial opens another connection of sess, closed when the test ends.
func redial(t *testing.T, sess *transfer.Session) *transfer.Conn {
	t.Helper()
	c, err := sess.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func retrieve(t *testing.T, c *transfer.Conn, p string, off int64) (string, error) {
	t.Helper()
	var got bytes.Buffer
	_, err := c.Retrieve(context.Background(), p, off, &got, nil)
	return got.String(), err
}

// After EPSV and a transfer have worked on a connection, the next EPSV
// goes out with its transfer command in one write; the first never does.
func TestPipelinedEPSV(t *testing.T) {
	srv := ftpscript.Start(t)
	for _, n := range []string{"a", "b", "c"} {
		srv.Files.Put("/"+n, []byte("file "+n))
	}
	_, c, rec, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b", "c"} {
		if got, err := retrieve(t, c, "/"+n, 0); err != nil || got != "file "+n {
			t.Fatalf("retrieve %s: %q %v\n%s", n, got, err, rec.text())
		}
	}
	want := []string{"EPSV", "RETR /a", "EPSV", "RETR /b", "EPSV", "RETR /c"}
	if got := commands(srv); !slices.Equal(got, want) {
		t.Errorf("transcript %q, want %q", got, want)
	}
	log := rec.text()
	if sentBefore(log, 1, "RETR /a") {
		t.Errorf("the first EPSV was pipelined:\n%s", log)
	}
	for i, cmd := range map[int]string{2: "RETR /b", 3: "RETR /c"} {
		if !sentBefore(log, i, cmd) {
			t.Errorf("EPSV %d was not sent with %s:\n%s", i, cmd, log)
		}
	}
	if n := strings.Count(log, "pipelined: sent with the next command"); n != 2 {
		t.Errorf("%d pipelining notes, want 2:\n%s", n, log)
	}
}

// A pipelined EPSV that the server refuses: it answers the transfer
// command with 425, then PASV is negotiated one command at a time and
// the transfer succeeds on the same connection; the session pipelines no
// more.
func TestPipelinedEPSVRefusedFallsBackToPASV(t *testing.T) {
	srv := ftpscript.Start(t)
	for _, n := range []string{"a", "b", "c", "d"} {
		srv.Files.Put("/"+n, []byte("file "+n))
	}
	srv.Handle("EPSV", epsvSequence(builtinEPSV, ftpscript.Reply("500 EPSV switched off")))
	sess, c, rec, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b", "c"} {
		if got, err := retrieve(t, c, "/"+n, 0); err != nil || got != "file "+n {
			t.Fatalf("retrieve %s: %q %v\n%s", n, got, err, rec.text())
		}
	}
	want := []string{"EPSV", "RETR /a", "EPSV", "RETR /b", "PASV", "RETR /b", "PASV", "RETR /c"}
	if got := commands(srv); !slices.Equal(got, want) {
		t.Errorf("transcript %q, want %q", got, want)
	}
	if !strings.Contains(rec.text(), "pipelined EPSV failed (500 EPSV switched off); waiting for the reply to RETR") {
		t.Errorf("log lacks the fallback note:\n%s", rec.text())
	}
	c2 := redial(t, sess)
	notes := strings.Count(rec.text(), "pipelined: sent")
	for _, n := range []string{"d", "a"} {
		if got, err := retrieve(t, c2, "/"+n, 0); err != nil || got != "file "+n {
			t.Fatalf("new connection, retrieve %s: %q %v\n%s", n, got, err, rec.text())
		}
	}
	if strings.Count(rec.text(), "pipelined: sent") != notes {
		t.Errorf("the session pipelined again after a failure:\n%s", rec.text())
	}
}

// A pipelined EPSV whose port does not answer leaves the server waiting
// with RETR read: the connection is dropped as out of step with a
// transient data-connection error, and a new connection of the session
// works one command at a time.
func TestPipelinedEPSVDeadPortDropsConnection(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Put("/a", []byte("file a"))
	srv.Files.Put("/b", []byte("file b"))
	srv.Handle("EPSV", epsvSequence(builtinEPSV, ftpscript.EPSVDeadPort(), builtinEPSV))
	sess, c, rec, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := retrieve(t, c, "/a", 0); err != nil || got != "file a" {
		t.Fatalf("retrieve a: %q %v\n%s", got, err, rec.text())
	}
	_, err = retrieve(t, c, "/b", 0)
	var de *transfer.DataConnError
	if !errors.As(err, &de) || de.Mode != transfer.Passive || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("retrieve b: %v, want a passive DataConnError naming the dead port\n%s", err, rec.text())
	}
	if !transfer.IsTransient(err) || !c.Broken() {
		t.Errorf("transient=%v broken=%v, want both", transfer.IsTransient(err), c.Broken())
	}
	if !strings.Contains(rec.text(), "out of step and will be dropped") {
		t.Errorf("log lacks the note:\n%s", rec.text())
	}
	c2 := redial(t, sess)
	if got, err := retrieve(t, c2, "/b", 0); err != nil || got != "file b" {
		t.Fatalf("new connection, retrieve b: %q %v\n%s", got, err, rec.text())
	}
	if n := strings.Count(rec.text(), "pipelined: sent"); n != 1 {
		t.Errorf("%d pipelined EPSVs, want only the failed one:\n%s", n, rec.text())
	}
}

// A resumed transfer sends REST before RETR: the deferred EPSV goes out
// alone first, so REST's reply is never mistaken for EPSV's.
func TestPipelineWaitsForREST(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Put("/a", []byte("file a"))
	srv.Files.Put("/b", []byte("0123456789"))
	_, c, rec, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := retrieve(t, c, "/a", 0); err != nil {
		t.Fatal(err)
	}
	if got, err := retrieve(t, c, "/b", 4); err != nil || got != "456789" {
		t.Fatalf("resume b: %q %v\n%s", got, err, rec.text())
	}
	want := []string{"EPSV", "RETR /a", "EPSV", "REST 4", "RETR /b"}
	if got := commands(srv); !slices.Equal(got, want) {
		t.Errorf("transcript %q, want %q", got, want)
	}
	if sentBefore(rec.text(), 2, "REST 4") || sentBefore(rec.text(), 2, "RETR /b") {
		t.Errorf("REST or RETR went out before EPSV's reply:\n%s", rec.text())
	}
}

// Against every real server: listings, downloads and uploads in a row on
// one connection in passive mode, all after the first pipelined, with
// every byte intact.
func TestPipelinedTransfersOnServers(t *testing.T) {
	for name, start := range servers() {
		t.Run(name, func(t *testing.T) {
			s := start(t)
			const n = 6
			want := map[string][32]byte{}
			for i := range n {
				data := randomBytes(64<<10+i*1000, uint64(i)+7)
				p := fmt.Sprintf("f%d.bin", i)
				s.seed(t, p, data)
				want[p] = sha256.Sum256(data)
			}
			sess, c, rec := dial(t, s, transfer.Passive)
			c2 := redial(t, sess) // logged in before anything is proven
			ctx := context.Background()
			for i := range n {
				p := fmt.Sprintf("f%d.bin", i)
				var got bytes.Buffer
				if _, err := c.Retrieve(ctx, "/"+p, 0, &got, nil); err != nil || sha256.Sum256(got.Bytes()) != want[p] {
					t.Fatalf("get %s: %v (sha equal %v)\n%s", p, err, sha256.Sum256(got.Bytes()) == want[p], rec.text())
				}
				up := fmt.Sprintf("/up%d.bin", i)
				if _, err := c.Store(ctx, up, 0, bytes.NewReader(got.Bytes()), nil); err != nil {
					t.Fatalf("put %s: %v\n%s", up, err, rec.text())
				}
				if sha256.Sum256(readFile(t, s.root+up)) != want[p] {
					t.Fatalf("put %s: SHA-256 on the server differs", up)
				}
				if es, err := c.List(ctx, "/", false); err != nil || !hasEntry(es, p, int64(got.Len())) {
					t.Fatalf("list after %s: %v\n%s", p, err, rec.text())
				}
			}
			// 3n data connections; only the first negotiates alone.
			if got := strings.Count(rec.text(), "pipelined: sent"); got != 3*n-1 {
				t.Errorf("%d pipelined EPSVs, want %d:\n%s", got, 3*n-1, rec.text())
			}
			// Another connection of the session pipelines from its first
			// transfer on: the server has shown it takes them.
			var got bytes.Buffer
			if _, err := c2.Retrieve(ctx, "/f0.bin", 0, &got, nil); err != nil || sha256.Sum256(got.Bytes()) != want["f0.bin"] {
				t.Fatalf("get f0.bin on a second connection: %v\n%s", err, rec.text())
			}
			if got := strings.Count(rec.text(), "pipelined: sent"); got != 3*n {
				t.Errorf("the second connection's first EPSV was not pipelined:\n%s", rec.text())
			}
		})
	}
}

// Kind tells a folder from a file and a missing path on every server,
// with SIZE, CWD and the CWD back in one write (the server took the login
// in one), and leaves the connection in step in its working folder.
func TestKindOnServers(t *testing.T) {
	for name, start := range servers() {
		t.Run(name, func(t *testing.T) {
			s := start(t)
			s.seed(t, "d/f.bin", randomBytes(12345, 3))
			_, c, rec := dial(t, s, transfer.Passive)
			ctx := context.Background()
			home, err := c.CurrentDir(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sizeRefused := 0
			for _, tc := range []struct {
				p     string
				isDir bool
				size  int64
			}{{"/d", true, -1}, {"/d/f.bin", false, 12345}, {"/no-such", false, -1}} {
				isDir, size, err := c.Kind(ctx, tc.p, func() { sizeRefused++ })
				if err != nil || isDir != tc.isDir || size != tc.size {
					t.Errorf("Kind(%s) = %v, %d, %v; want %v, %d\n%s", tc.p, isDir, size, err, tc.isDir, tc.size, rec.text())
				}
			}
			if sizeRefused != 2 {
				t.Errorf("sizeRefused called %d times, want 2 (the folder, the missing path)", sizeRefused)
			}
			if n := strings.Count(rec.text(), "pipelined with the command before"); n != 6 {
				t.Errorf("%d commands pipelined, want 6 (CWD and CWD back, three times):\n%s", n, rec.text())
			}
			if dir, err := c.CurrentDir(ctx); err != nil || dir != home {
				t.Errorf("working folder after: %q %v, want %q", dir, err, home)
			}
			if es, err := c.List(ctx, "/d", false); err != nil || !hasEntry(es, "f.bin", 12345) {
				t.Errorf("list after: %v\n%s", err, rec.text())
			}
		})
	}
}
