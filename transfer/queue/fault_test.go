package queue

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ftpdeck/internal/demoserver"
	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// cutAfter returns a test hook that pauses job id once n bytes of it have
// gone through: the transfer is cut mid-way by its context.
type cutter struct {
	q    *Queue
	n    int64
	once sync.Once
	seen atomic.Int64
}

// errCut ends a transfer at the cut. Pause cancels the job at once, but
// bytes already handed over could still fill the loopback socket buffers
// and finish an 8 MiB transfer before the cancel lands: the cut must also
// stop the bytes.
var errCut = errors.New("cut by the test")

// cut counts n bytes and reports whether the transfer is past the cut; the
// first time it is, the job is paused.
func (c *cutter) cut(id int64, n int) bool {
	if c.seen.Add(int64(n)) < c.n {
		return false
	}
	c.once.Do(func() { _ = c.q.Pause(id) })
	return true
}

type cutWriter struct {
	c  *cutter
	id int64
	w  io.Writer
}

func (w *cutWriter) Write(p []byte) (int, error) {
	cut := w.c.cut(w.id, len(p))
	n, err := w.w.Write(p)
	if err == nil && cut {
		err = errCut
	}
	return n, err
}

type cutReader struct {
	c  *cutter
	id int64
	r  io.Reader
}

func (r *cutReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if r.c.cut(r.id, n) && err == nil {
		err = errCut
	}
	return n, err
}

func demoSite(t *testing.T, root string) transfer.Site {
	t.Helper()
	srv, err := demoserver.Start(demoserver.Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return transfer.Site{Host: "127.0.0.1", Port: srv.Port(), User: "demo", Password: "demo", Timeout: 10 * time.Second}
}

func scriptSite(srv *ftpscript.Server) transfer.Site {
	return transfer.Site{Host: srv.Host(), Port: srv.Port(), User: "u", Password: "p", Timeout: 5 * time.Second}
}

func waitState(t *testing.T, q *Queue, id int64, want State) Job {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, j := range q.Snapshot().Jobs {
			if j.ID == id && j.State == want {
				return *j
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("job %d never became %s: %+v", id, want, q.Snapshot().Jobs)
	return Job{}
}

func hasREST(l *transfer.Log, off int64) bool {
	return slices.Contains(sentLines(l), "REST "+itoa(off))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestCutThenResumeDemo: a download and an upload cut mid-way (the job's
// context cancelled after 3 MiB) come back Paused with their offset, and
// after Resume continue with REST and end byte-exact.
func TestCutThenResumeDemo(t *testing.T) {
	for _, m := range []transfer.Mode{transfer.Passive, transfer.Active} {
		t.Run(m.String(), func(t *testing.T) {
			root := t.TempDir()
			data := genData(7, 8<<20+123)
			if err := os.WriteFile(filepath.Join(root, "big.bin"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			sess := transfer.NewSession(demoSite(t, root), transfer.NewLog(1000))
			sess.SetMode(m)
			q := startQueue(t, sess, Options{Parallel: 1, StateDir: t.TempDir()})
			cut := &cutter{q: q, n: 3 << 20}
			q.testWriter = func(j Job, w io.Writer) io.Writer { return &cutWriter{c: cut, id: j.ID, w: w} }
			q.testReader = func(j Job, r io.Reader) io.Reader { return &cutReader{c: cut, id: j.ID, r: r} }
			c := dial(t, sess)
			local := t.TempDir()
			if n, err := q.AddDownload(testCtx(t, 10*time.Second), c, "/big.bin", false, local); n != 1 || err != nil {
				t.Fatalf("AddDownload: %d %v", n, err)
			}
			id := q.Snapshot().Jobs[0].ID
			q.Start()
			j := waitState(t, q, id, Paused)
			fi, err := os.Stat(filepath.Join(local, "big.bin.part"))
			if err != nil || fi.Size() != j.Done || j.Done < 3<<20 || j.Done >= int64(len(data)) {
				t.Fatalf("after the cut: .part %v (%v), job Done %d", fi, err, j.Done)
			}
			if _, err := os.Stat(filepath.Join(local, "big.bin")); err == nil {
				t.Fatal("target exists before the download finished")
			}
			cut.once = sync.Once{}
			cut.n = 1 << 62 // no more cuts
			if err := q.Resume(id); err != nil {
				t.Fatal(err)
			}
			if err := q.Wait(testCtx(t, 30*time.Second)); err != nil {
				t.Fatal(err)
			}
			if s := q.Snapshot(); s.Done != 1 {
				t.Fatalf("download:%s", failures(s))
			}
			if !hasREST(sess.Log(), j.Done) {
				t.Errorf("no REST %d in the log: %q", j.Done, sentLines(sess.Log()))
			}
			if got, _ := os.ReadFile(filepath.Join(local, "big.bin")); !bytes.Equal(got, data) {
				t.Fatal("download differs after resume")
			}

			// The same for an upload: REST+STOR from the server's size.
			cut.once, cut.n = sync.Once{}, cut.seen.Load()+3<<20
			// The folder first: the workers run, and take the job at once.
			if err := c.MakeDir(testCtx(t, 5*time.Second), "/up"); err != nil {
				t.Fatal(err)
			}
			if n, err := q.AddUpload(testCtx(t, 10*time.Second), c, filepath.Join(local, "big.bin"), "/up"); n != 1 || err != nil {
				t.Fatalf("AddUpload: %d %v", n, err)
			}
			uid := q.Snapshot().Jobs[1].ID
			ju := waitState(t, q, uid, Paused)
			if ju.Done <= 0 || ju.Done >= int64(len(data)) {
				t.Fatalf("upload after the cut: Done %d", ju.Done)
			}
			cut.once = sync.Once{}
			cut.n = 1 << 62
			_ = q.Resume(uid)
			if err := q.Wait(testCtx(t, 30*time.Second)); err != nil {
				t.Fatal(err)
			}
			if s := q.Snapshot(); s.Done != 2 {
				t.Fatalf("upload:%s", failures(s))
			}
			got, _ := os.ReadFile(filepath.Join(root, "up", "big.bin"))
			if !bytes.Equal(got, data) {
				t.Fatalf("upload differs after resume (%d bytes)", len(got))
			}
			// A REST after the upload's first STOR (its offset may equal
			// the download's: both cuts are 3 MiB in).
			sent := sentLines(sess.Log())
			first := slices.IndexFunc(sent, func(l string) bool { return strings.HasPrefix(l, "STOR /up/") })
			restUp := first >= 0 && slices.ContainsFunc(sent[first:], func(l string) bool { return strings.HasPrefix(l, "REST ") })
			if !restUp {
				t.Errorf("upload resumed without REST: %q", sentLines(sess.Log()))
			}
		})
	}
}

// TestTransientCutRetried: the server sends part of the file, then 421
// and closes: the worker reconnects and resumes with REST.
func TestTransientCutRetried(t *testing.T) {
	srv := ftpscript.Start(t)
	data := genData(1, 1<<20)
	srv.Files.Put("/f.bin", data)
	srv.Handle("RETR", ftpscript.Sequence(ftpscript.CloseMidTransfer(300000), ftpscript.Builtin))
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1})
	s := getFile(t, q, sess, t.TempDir(), data)
	if !slices.Contains(srv.Transcript(), "REST 300000") {
		t.Errorf("no REST 300000 in %q", srv.Transcript())
	}
	if s.Jobs[0].Attempts != 2 || srv.ConnCount() < 3 {
		t.Errorf("attempts %d, connections %d: want 2 attempts on a new connection", s.Jobs[0].Attempts, srv.ConnCount())
	}
}

// TestShortTransferRetried: a 226 after too few bytes is not success.
func TestShortTransferRetried(t *testing.T) {
	srv := ftpscript.Start(t)
	data := genData(2, 500000)
	srv.Files.Put("/f.bin", data)
	srv.Handle("RETR", ftpscript.Sequence(ftpscript.Truncated(1000), ftpscript.Builtin))
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1})
	getFile(t, q, sess, t.TempDir(), data)
	if !slices.Contains(srv.Transcript(), "REST 1000") {
		t.Errorf("no REST 1000 in %q", srv.Transcript())
	}
}

// TestRestRefusedOrIgnored: with a .part present, a server that refuses
// REST (502) or ignores it (sends from byte 0) ends with a clean
// download from byte 0, not a corrupt file.
func TestRestRefusedOrIgnored(t *testing.T) {
	cases := map[string]func(*ftpscript.Server){
		"refused": func(s *ftpscript.Server) { s.Handle("REST", ftpscript.Reply("502 REST not implemented.")) },
		"ignored": func(s *ftpscript.Server) { s.Handle("RETR", ftpscript.IgnoreREST()) },
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			srv := ftpscript.Start(t)
			data := genData(3, 300000)
			srv.Files.Put("/f.bin", data)
			setup(srv)
			local := t.TempDir()
			// A stale .part whose bytes are not the file's.
			if err := os.WriteFile(filepath.Join(local, "f.bin.part"), bytes.Repeat([]byte("x"), 4000), 0o644); err != nil {
				t.Fatal(err)
			}
			sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
			q := startQueue(t, sess, Options{Parallel: 1, Backoff: []time.Duration{}})
			s := getFile(t, q, sess, local, data)
			if !s.Jobs[0].NoRest || !strings.Contains(notes(sess.Log()), name+" REST") {
				t.Errorf("NoRest %v, notes:\n%s", s.Jobs[0].NoRest, notes(sess.Log()))
			}
			tr := srv.Transcript()
			if !slices.Contains(tr, "REST 4000") || slices.Index(tr, "REST 4000") > slices.Index(tr, "RETR /f.bin") && name == "refused" {
				t.Errorf("transcript %q", tr)
			}
		})
	}
}

// TestPermanentFailureOthersContinue: a 550 fails its job with the
// server's words, once, while the others complete.
func TestPermanentFailureOthersContinue(t *testing.T) {
	srv := ftpscript.Start(t)
	for _, n := range []string{"a", "b", "bad", "c"} {
		srv.Files.Put("/d/"+n, genData(uint64(len(n)), 50000))
	}
	srv.Handle("RETR", func(c *ftpscript.Conn, arg string) {
		if strings.HasSuffix(arg, "/bad") {
			c.Reply("550 Permission denied.")
			return
		}
		c.Builtin(arg)
	})
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 2})
	local := t.TempDir()
	if n, err := q.AddDownload(testCtx(t, 5*time.Second), dial(t, sess), "/d", true, local); n != 4 || err != nil {
		t.Fatalf("%d %v", n, err)
	}
	s := waitDone(t, q, 20*time.Second)
	if s.Done != 3 || s.Failed != 1 {
		t.Fatalf("done %d failed %d:%s", s.Done, s.Failed, failures(s))
	}
	for _, j := range s.Jobs {
		if j.State == Failed && (!strings.Contains(j.Err, "550 Permission denied") || j.Attempts != 1) {
			t.Errorf("failed job: %q after %d attempts", j.Err, j.Attempts)
		}
	}
	if _, err := os.Stat(filepath.Join(local, "d", "bad")); err == nil {
		t.Error("failed target exists")
	}
}

// TestOverwriteKeepsOldUntilSuccess: a failing overwrite leaves the old
// file as it was; the retried one replaces it.
func TestOverwriteKeepsOldUntilSuccess(t *testing.T) {
	srv := ftpscript.Start(t)
	data := genData(4, 200000)
	srv.Files.Put("/f.bin", data)
	var fail atomic.Bool
	fail.Store(true)
	srv.Handle("RETR", func(c *ftpscript.Conn, arg string) {
		if fail.Load() {
			ftpscript.CloseMidTransfer(1000)(c, arg)
			return
		}
		c.Builtin(arg)
	})
	local := t.TempDir()
	target := filepath.Join(local, "f.bin")
	if err := os.WriteFile(target, []byte("OLD"), 0o644); err != nil {
		t.Fatal(err)
	}
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1, Policy: Overwrite})
	if _, err := q.AddDownload(testCtx(t, 5*time.Second), dial(t, sess), "/f.bin", false, local); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 20*time.Second)
	if s.Failed != 1 || s.Jobs[0].Attempts != 1+len(fastBackoff) {
		t.Fatalf("want failed after %d attempts:%s (attempts %d)", 1+len(fastBackoff), failures(s), s.Jobs[0].Attempts)
	}
	if got, _ := os.ReadFile(target); string(got) != "OLD" {
		t.Fatalf("old file lost to a failed transfer: %q", got)
	}
	fail.Store(false)
	if err := q.Retry(s.Jobs[0].ID, false); err != nil {
		t.Fatal(err)
	}
	if s := waitDone(t, q, 20*time.Second); s.Done != 1 {
		t.Fatalf("%s", failures(s))
	}
	if got, _ := os.ReadFile(target); !bytes.Equal(got, data) {
		t.Fatal("not replaced after success")
	}
	if _, err := os.Stat(target + partSuffix); err == nil {
		t.Error(".part left after success")
	}
}

// TestConflictPolicies: skip leaves the target, rename writes "f (1).bin",
// resume continues the existing file, ask waits for Decide.
func TestConflictPolicies(t *testing.T) {
	srv := ftpscript.Start(t)
	data := genData(5, 100000)
	srv.Files.Put("/f.bin", data)
	site := scriptSite(srv)
	for _, p := range []Policy{Skip, Rename, Resume, Ask} {
		t.Run(p.String(), func(t *testing.T) {
			local := t.TempDir()
			target := filepath.Join(local, "f.bin")
			old := data[:30000]
			if err := os.WriteFile(target, old, 0o644); err != nil {
				t.Fatal(err)
			}
			sess := transfer.NewSession(site, transfer.NewLog(1000))
			q := startQueue(t, sess, Options{Parallel: 1, Policy: p})
			if _, err := q.AddDownload(testCtx(t, 5*time.Second), dial(t, sess), "/f.bin", false, local); err != nil {
				t.Fatal(err)
			}
			if p == Ask {
				q.Start()
				select {
				case c := <-q.Conflicts():
					if c.ExistingSize != int64(len(old)) || c.Target != target {
						t.Errorf("conflict %+v", c)
					}
					c.Decide(Overwrite, false)
				case <-time.After(10 * time.Second):
					t.Fatal("no conflict asked")
				}
			}
			s := waitDone(t, q, 20*time.Second)
			got, _ := os.ReadFile(target)
			switch p {
			case Skip:
				if s.Skipped != 1 || !bytes.Equal(got, old) {
					t.Errorf("skip: %+v, target %d bytes", s.Jobs[0], len(got))
				}
			case Rename:
				renamed, _ := os.ReadFile(filepath.Join(local, "f (1).bin"))
				if s.Done != 1 || !bytes.Equal(got, old) || !bytes.Equal(renamed, data) || s.Jobs[0].Local != filepath.Join(local, "f (1).bin") {
					t.Errorf("rename: %+v", s.Jobs[0])
				}
			case Resume, Ask:
				if s.Done != 1 || !bytes.Equal(got, data) {
					t.Errorf("%s: %+v", p, s.Jobs[0])
				}
			}
			if p == Resume && !slices.Contains(srv.Transcript(), "REST 30000") {
				t.Errorf("resume without REST 30000")
			}
		})
	}
}

// linkTargets starts a scripted server holding files (path → content)
// and returns a session on it, a connection, and a folder outside every
// download holding one file, victim ("precious"), for links to point at.
func linkTargets(t *testing.T, files map[string]string) (*transfer.Session, *transfer.Conn, string, string) {
	t.Helper()
	srv := ftpscript.Start(t)
	for p, content := range files {
		srv.Files.Put(p, []byte(content))
	}
	outside := t.TempDir()
	victim := filepath.Join(outside, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	return sess, dial(t, sess), outside, victim
}

// TestSymlinksNeverWrittenThrough: a link planted at the target, at the
// .part, or as a folder on the way is refused and nothing outside changes.
func TestSymlinksNeverWrittenThrough(t *testing.T) {
	sess, c, outside, victim := linkTargets(t, map[string]string{"/f.bin": "evil", "/tree/g.bin": "evil"})
	for _, plant := range []string{"f.bin", "f.bin.part"} {
		local := t.TempDir()
		q := startQueue(t, sess, Options{Parallel: 1, Policy: Overwrite})
		if _, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/f.bin", false, local); err != nil {
			t.Fatal(err)
		}
		// Planted after queueing, before the worker runs.
		if err := os.Symlink(victim, filepath.Join(local, plant)); err != nil {
			t.Fatal(err)
		}
		if n, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/f.bin", false, t.TempDir()); n != 1 || err != nil {
			t.Fatal(n, err)
		}
		if plant == "f.bin" {
			planted := t.TempDir()
			_ = os.Symlink(victim, filepath.Join(planted, "f.bin"))
			if n, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/f.bin", false, planted); err == nil {
				t.Errorf("queueing over a link: %d jobs, no error", n)
			}
		}
		s := waitDone(t, q, 10*time.Second)
		if s.Failed != 1 || s.Done != 1 || !strings.Contains(s.Jobs[0].Err, "symlink") {
			t.Errorf("link at %s: %s", plant, failures(s))
		}
		_ = q.Close()
	}
	// A folder on the way is a link to outside.
	local := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(local, "tree")); err != nil {
		t.Fatal(err)
	}
	q := startQueue(t, sess, Options{Parallel: 1, Policy: Overwrite})
	if n, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/tree", true, local); err == nil || n != 0 {
		t.Errorf("download into a symlinked folder: %d jobs, %v", n, err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Error("victim overwritten")
	}
	if _, err := os.Stat(filepath.Join(outside, "g.bin")); err == nil {
		t.Error("file written outside the chosen folder")
	}
}

// hookWriter calls hook once, at the first write of a job's data.
type hookWriter struct {
	w    io.Writer
	once sync.Once
	hook func()
}

func (h *hookWriter) Write(p []byte) (int, error) {
	h.once.Do(h.hook)
	return h.w.Write(p)
}

// TestLinksPlantedMidTransferRefused: a link put at the target while its
// data arrives is refused at the rename, not replaced; and a folder
// swapped for a link to outside between two jobs is noticed although the
// worker keeps the folder open from job to job (localDir): the second
// job fails naming the link and nothing is written outside.
func TestLinksPlantedMidTransferRefused(t *testing.T) {
	sess, c, outside, victim := linkTargets(t, map[string]string{"/d/a.bin": "first", "/d/b.bin": "second"})

	t.Run("target", func(t *testing.T) {
		local := t.TempDir()
		q := startQueue(t, sess, Options{Parallel: 1, Policy: Overwrite})
		q.testWriter = func(j Job, w io.Writer) io.Writer {
			return &hookWriter{w: w, hook: func() {
				if err := os.Symlink(victim, j.Local); err != nil {
					t.Error(err)
				}
			}}
		}
		if n, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/d/a.bin", false, local); n != 1 || err != nil {
			t.Fatal(n, err)
		}
		s := waitDone(t, q, 10*time.Second)
		if s.Failed != 1 || !strings.Contains(s.Jobs[0].Err, "symlink") {
			t.Errorf("link planted mid-transfer: %s", failures(s))
		}
		if fi, err := os.Lstat(filepath.Join(local, "a.bin")); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("the planted link was replaced: %v %v", fi, err)
		}
	})

	t.Run("folder", func(t *testing.T) {
		local := t.TempDir()
		q := startQueue(t, sess, Options{Parallel: 1, Policy: Overwrite})
		d := filepath.Join(local, "d")
		q.testWriter = func(j Job, w io.Writer) io.Writer {
			if filepath.Base(j.Local) != "a.bin" {
				return w
			}
			// During the first job: the folder moves away and a link to
			// outside takes its name.
			return &hookWriter{w: w, hook: func() {
				if err := os.Rename(d, filepath.Join(local, "moved")); err != nil {
					t.Error(err)
				}
				if err := os.Symlink(outside, d); err != nil {
					t.Error(err)
				}
			}}
		}
		if n, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/d", true, local); n != 2 || err != nil {
			t.Fatal(n, err)
		}
		s := waitDone(t, q, 10*time.Second)
		if s.Done != 1 || s.Failed != 1 {
			t.Fatalf("done %d failed %d, want 1 and 1:%s", s.Done, s.Failed, failures(s))
		}
		failuresName(t, s, "symlink")
		if b, err := os.ReadFile(filepath.Join(local, "moved", "a.bin")); err != nil || string(b) != "first" {
			t.Errorf("the first job's file: %q %v", b, err)
		}
		if es, _ := os.ReadDir(outside); len(es) != 1 {
			t.Errorf("written outside: %v", es)
		}
	})
}
