package queue

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ftpdeck/transfer"
)

// treeFile is one file of the generated test tree.
type treeFile struct {
	Rel  string
	Size int64
}

// treeSpec is the deterministic 300-file tree: nested folders, sizes from
// 0 B to 8 MiB (exactly 8 MiB once, buffer-size edges, empties), about
// 28 MiB in all (the race detector makes bytes slow).
func treeSpec() []treeFile {
	var out []treeFile
	for i := range 300 {
		dir := fmt.Sprintf("d%d", i%6)
		if i%3 == 0 {
			dir += fmt.Sprintf("/s%d", i%4)
		}
		if i%9 == 0 {
			dir += "/deep/er"
		}
		name := fmt.Sprintf("f%03d.bin", i)
		if i%11 == 0 {
			name = fmt.Sprintf("file %03d with spaces.txt", i)
		}
		var size int64
		switch {
		case i == 0:
			size = 8 << 20
		case i%100 == 0:
			size = 4<<20 - int64(i)*1000
		case i%50 == 25:
			size = 512<<10 + int64(i)*7
		case i == 7:
			size = 256 << 10 // the engine's copy buffer, exactly
		case i == 14:
			size = 256<<10 + 1
		case i == 1:
			size = 1
		case i%7 == 0:
			size = 0
		default:
			size = int64(i*7919) % (64 << 10)
		}
		out = append(out, treeFile{Rel: dir + "/" + name, Size: size})
	}
	return out
}

func genData(seed uint64, size int64) []byte {
	b := make([]byte, size)
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 42})
	_, _ = r.Read(b)
	return b
}

// writeTree writes the tree under dir and returns its hashes by
// slash-separated relative path.
func writeTree(t testing.TB, dir string, spec []treeFile) map[string]string {
	t.Helper()
	want := map[string]string{}
	for i, f := range spec {
		p := filepath.Join(dir, filepath.FromSlash(f.Rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		b := genData(uint64(i), f.Size)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		want[f.Rel] = hex.EncodeToString(sum[:])
	}
	return want
}

// hashTree returns the hashes of every file under dir (any .part left
// over shows up as an extra entry).
func hashTree(t testing.TB, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		sum := sha256.Sum256(b)
		got[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func compareTrees(t testing.TB, what string, got, want map[string]string) {
	t.Helper()
	bad := 0
	for k, w := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("%s: %s missing", what, k)
			bad++
		} else if g != w {
			t.Errorf("%s: %s differs", what, k)
			bad++
		}
		if bad > 10 {
			t.Fatalf("%s: too many differences", what)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: unexpected file %s", what, k)
		}
	}
}

func testCtx(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// fastBackoff keeps retry tests quick.
var fastBackoff = []time.Duration{time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond}

func dial(t testing.TB, sess *transfer.Session) *transfer.Conn {
	t.Helper()
	c, err := sess.Dial(testCtx(t, 20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func startQueue(t testing.TB, sess *transfer.Session, opts Options) *Queue {
	t.Helper()
	if opts.Backoff == nil {
		opts.Backoff = fastBackoff
	}
	q, err := New(sess, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close() })
	return q
}

// waitDone runs the queue until nothing is queued or running and returns
// the summary.
func waitDone(t testing.TB, q *Queue, d time.Duration) Summary {
	t.Helper()
	q.Start()
	if err := q.Wait(testCtx(t, d)); err != nil {
		s := q.Snapshot()
		t.Fatalf("wait: %v (running %d, queued %d, done %d)", err, s.Running, s.Queued, s.Done)
	}
	return q.Snapshot()
}

// helperQueue is a helper process's queue: a session on the demo server
// its parent started ($FTPDECK_QUEUE_PORT), persisted in the parent's state
// folder ($FTPDECK_QUEUE_STATE), conflicts asked.
func helperQueue(t testing.TB, user, password string, parallel int) (*transfer.Session, *Queue) {
	t.Helper()
	port, _ := strconv.Atoi(os.Getenv("FTPDECK_QUEUE_PORT"))
	site := transfer.Site{Host: "127.0.0.1", Port: port, User: user, Password: password, Timeout: 10 * time.Second}
	sess := transfer.NewSession(site, transfer.NewLog(100))
	q, err := New(sess, Options{Parallel: parallel, StateDir: os.Getenv("FTPDECK_QUEUE_STATE"), Policy: Ask})
	if err != nil {
		t.Fatal(err)
	}
	return sess, q
}

// getFile downloads /f.bin into local and waits for the queue; the test
// failuresName checks that every failed job's error names what.
func failuresName(t testing.TB, s Summary, what string) {
	t.Helper()
	for _, j := range s.Jobs {
		if j.State == Failed && !strings.Contains(j.Err, what) {
			t.Errorf("job %s failed without naming the %s: %s", j.Remote, what, j.Err)
		}
	}
}

// fails unless the job is done and the file holds want.
func getFile(t testing.TB, q *Queue, sess *transfer.Session, local string, want []byte) Summary {
	t.Helper()
	if _, err := q.AddDownload(testCtx(t, 5*time.Second), dial(t, sess), "/f.bin", false, local); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 20*time.Second)
	if s.Done != 1 {
		t.Fatalf("%s", failures(s))
	}
	if got, _ := os.ReadFile(filepath.Join(local, "f.bin")); !bytes.Equal(got, want) {
		t.Fatal("file differs")
	}
	return s
}

func failures(s Summary) string {
	var b strings.Builder
	for _, j := range s.Jobs {
		if j.State != Done {
			fmt.Fprintf(&b, "\n  %d %s %s: %s %s", j.ID, j.Dir, j.Remote, j.State, j.Err)
		}
	}
	return b.String()
}

// sentLines returns the commands sent on any connection, as logged.
func sentLines(l *transfer.Log) []string {
	var out []string
	for _, e := range l.Snapshot() {
		if e.Dir == transfer.Sent {
			out = append(out, e.Text)
		}
	}
	return out
}

func notes(l *transfer.Log) string {
	var b strings.Builder
	for _, e := range l.Snapshot() {
		if e.Dir == transfer.Note {
			b.WriteString(e.Note)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
