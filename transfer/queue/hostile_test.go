package queue

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// The queue's half of the hostile-server cases of issue #8 (see
// docs/hardening.md): each test asserts the commands the server saw and
// the files on disk, not only the error.

// count returns how many transcript lines equal line.
func count(tr []string, line string) int {
	n := 0
	for _, l := range tr {
		if l == line {
			n++
		}
	}
	return n
}

// Case 11: a server silent after USER (on the worker's first connection)
// and then silent after RETR: each attempt times out within the timeout,
// the queue retries on a new connection, and the file ends byte-exact.
func TestQueueSilentServerRetried(t *testing.T) {
	srv := ftpscript.Start(t)
	data := genData(11, 200000)
	srv.Files.Put("/f.bin", data)
	// USER 1 is the test's own connection (it lists); USER 2 the worker's
	// first one.
	srv.Handle("USER", ftpscript.Sequence(ftpscript.Builtin, ftpscript.Silent(), ftpscript.Builtin))
	srv.Handle("RETR", ftpscript.Sequence(ftpscript.Silent(), ftpscript.Builtin))
	site := scriptSite(srv)
	site.Timeout = 500 * time.Millisecond
	sess := transfer.NewSession(site, transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1})
	local := t.TempDir()
	if _, err := q.AddDownload(testCtx(t, 5*time.Second), dial(t, sess), "/f.bin", false, local); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s := waitDone(t, q, 30*time.Second)
	if s.Done != 1 {
		t.Fatalf("%s", failures(s))
	}
	// Two timeouts of 0.5s, generously bounded (shared CI machines).
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("took %s", d)
	}
	if got, _ := os.ReadFile(filepath.Join(local, "f.bin")); !bytes.Equal(got, data) {
		t.Fatal("file differs")
	}
	tr := srv.Transcript()
	if n := count(tr, "USER u"); n != 4 {
		t.Errorf("%d USER, want 4 (test, silent, retry, retry after the silent RETR): %q", n, tr)
	}
	if n := count(tr, "RETR /f.bin"); n != 2 {
		t.Errorf("%d RETR, want 2 (silent, retry): %q", n, tr)
	}
	if s.Jobs[0].Attempts != 3 {
		t.Errorf("attempts %d, want 3", s.Jobs[0].Attempts)
	}
	if n := strings.Count(notes(sess.Log()), "timed out"); n < 2 {
		t.Errorf("want two timeout notes:\n%s", notes(sess.Log()))
	}
}

// Case 12: a data connection that stops moving half-way fails the job
// with a stall timeout (no retries allowed here), its .part is kept, and
// after a restart of the queue a Retry resumes it with REST, byte-exact.
func TestQueueStallKeepsPartResumedLater(t *testing.T) {
	srv := ftpscript.Start(t)
	data := genData(12, 300000)
	srv.Files.Put("/f.bin", data)
	srv.Handle("RETR", ftpscript.Sequence(ftpscript.StallAfter(100000), ftpscript.Builtin))
	site := scriptSite(srv)
	site.Timeout = 700 * time.Millisecond
	sess := transfer.NewSession(site, transfer.NewLog(1000))
	state, local := t.TempDir(), t.TempDir()
	q := startQueue(t, sess, Options{Parallel: 1, StateDir: state, Backoff: []time.Duration{}})
	if _, err := q.AddDownload(testCtx(t, 5*time.Second), dial(t, sess), "/f.bin", false, local); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 20*time.Second)
	if s.Failed != 1 || !strings.Contains(s.Jobs[0].Err, "stalled") {
		t.Fatalf("want a failed job with a stall error:%s", failures(s))
	}
	part := filepath.Join(local, "f.bin.part")
	if b, err := os.ReadFile(part); err != nil || !bytes.Equal(b, data[:100000]) {
		t.Fatalf(".part not kept as it was: %d bytes, %v", len(b), err)
	}
	if _, err := os.Stat(filepath.Join(local, "f.bin")); err == nil {
		t.Fatal("target exists after a failed download")
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}

	// Later: a new queue from the same state folder.
	q = startQueue(t, sess, Options{Parallel: 1, StateDir: state})
	s = q.Snapshot()
	if len(s.Jobs) != 1 || s.Jobs[0].State != Failed || s.Jobs[0].Done != 100000 {
		t.Fatalf("after restart: %+v", s.Jobs)
	}
	if err := q.Retry(s.Jobs[0].ID, false); err != nil {
		t.Fatal(err)
	}
	if s := waitDone(t, q, 20*time.Second); s.Done != 1 {
		t.Fatalf("%s", failures(s))
	}
	if got, _ := os.ReadFile(filepath.Join(local, "f.bin")); !bytes.Equal(got, data) {
		t.Fatal("file differs after resume")
	}
	if _, err := os.Stat(part); err == nil {
		t.Error(".part left after success")
	}
	tr := srv.Transcript()
	if i, j := slices.Index(tr, "REST 100000"), slices.Index(tr, "RETR /f.bin"); i < 0 || count(tr, "RETR /f.bin") != 2 || i < j {
		t.Errorf("want RETR, then REST 100000 and RETR: %q", tr)
	}
}

// Case 15: a server that always answers 226 after fewer bytes than SIZE
// said: the job ends failed (after its retries, each resuming), never
// done, and the target is not created.
func TestQueueShortTransferFails(t *testing.T) {
	srv := ftpscript.Start(t)
	data := genData(15, 500000)
	srv.Files.Put("/f.bin", data)
	srv.Handle("RETR", ftpscript.Truncated(1000))
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1})
	local := t.TempDir()
	if _, err := q.AddDownload(testCtx(t, 5*time.Second), dial(t, sess), "/f.bin", false, local); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 20*time.Second)
	if s.Failed != 1 || s.Done != 0 || !strings.Contains(s.Jobs[0].Err, "short transfer") || !strings.Contains(s.Jobs[0].Err, "of 500000 bytes") {
		t.Fatalf("want failed with a short-transfer error:%s", failures(s))
	}
	if _, err := os.Stat(filepath.Join(local, "f.bin")); err == nil {
		t.Fatal("target created from a short transfer")
	}
	attempts := 1 + len(fastBackoff)
	if b, _ := os.ReadFile(filepath.Join(local, "f.bin.part")); !bytes.Equal(b, data[:1000*attempts]) {
		t.Errorf(".part holds %d bytes, want the %d that arrived", len(b), 1000*attempts)
	}
	tr := srv.Transcript()
	if count(tr, "RETR /f.bin") != attempts || !slices.Contains(tr, "REST 1000") || !slices.Contains(tr, "REST 3000") {
		t.Errorf("transcript %q", tr)
	}
}

// listingHandler serves a LIST per folder from lines, whatever the
// options ("LIST -a /dir").
func listingHandler(byDir map[string][]string) ftpscript.Handler {
	return func(c *ftpscript.Conn, arg string) {
		f := strings.Fields(arg)
		for len(f) > 0 && strings.HasPrefix(f[0], "-") {
			f = f[1:]
		}
		lines, ok := byDir[c.Path(strings.Join(f, " "))]
		if !ok {
			c.Reply("550 No such folder.")
			return
		}
		ftpscript.List(lines...)(c, arg)
	}
}

// Case 6: a server lists a symlink d → a folder outside, a name "d/payload",
// a folder d holding payload, and a file the user has a symlink for at
// the destination. A recursive download writes nothing outside the
// chosen folder and nothing through a link, whether the local link was
// there before queueing (the whole folder is refused, clearly) or planted
// after (that one job fails, the others complete).
func TestHostileSymlinkTreeDownload(t *testing.T) {
	outside := t.TempDir()
	victim := filepath.Join(outside, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := ftpscript.Start(t)
	for _, f := range []string{"/top/ok.bin", "/top/planted.bin", "/top/d/payload", "/top/sub/payload"} {
		srv.Files.Put(f, []byte("server bytes of "+f))
	}
	file := func(name string) string { return ftpscript.ListLine(ftpscript.Entry{Name: name, Size: 30}) }
	dir := func(name string) string { return ftpscript.ListLine(ftpscript.Entry{Name: name, Dir: true}) }
	srv.Handle("LIST", listingHandler(map[string][]string{
		"/top": {
			"lrwxrwxrwx 1 ftp ftp 12 Jan 01  2024 d -> " + outside,
			file("d/payload"),
			file("../payload"),
			dir("d"),
			dir("sub"),
			file("ok.bin"),
			file("planted.bin"),
		},
		"/top/d":   {file("payload")},
		"/top/sub": {file("payload")},
	}))
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(5000))
	c := dial(t, sess)

	checkOutside := func(what string) {
		t.Helper()
		if b, _ := os.ReadFile(victim); string(b) != "precious" {
			t.Errorf("%s: victim changed: %q", what, b)
		}
		es, _ := os.ReadDir(outside)
		if len(es) != 1 {
			t.Errorf("%s: something was written outside: %v", what, es)
		}
	}

	// (a) The link is there before queueing: the folder is refused.
	local := t.TempDir()
	if err := os.MkdirAll(filepath.Join(local, "top"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(local, "top", "planted.bin")); err != nil {
		t.Fatal(err)
	}
	q := startQueue(t, sess, Options{Parallel: 2, Policy: Overwrite})
	n, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/top", true, local)
	if err == nil || n != 0 || !strings.Contains(err.Error(), "symlink") {
		t.Errorf("queueing over a planted link: %d jobs, err %v", n, err)
	}
	checkOutside("planted before")

	// (b) Planted after queueing: that job fails, the rest complete.
	local = t.TempDir()
	q = startQueue(t, sess, Options{Parallel: 2, Policy: Overwrite})
	if n, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/top", true, local); n != 4 || err != nil {
		t.Fatalf("AddDownload: %d jobs, %v (want d/payload, ok.bin, planted.bin, sub/payload)", n, err)
	}
	if err := os.Symlink(victim, filepath.Join(local, "top", "planted.bin")); err != nil {
		t.Fatal(err)
	}
	// And a folder swapped for a link to outside.
	if err := os.Remove(filepath.Join(local, "top", "sub")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(local, "top", "sub")); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 20*time.Second)
	if s.Done != 2 || s.Failed != 2 {
		t.Fatalf("done %d failed %d, want 2 and 2:%s", s.Done, s.Failed, failures(s))
	}
	failuresName(t, s, "symlink")
	checkOutside("planted after")
	for rel, want := range map[string]string{"top/ok.bin": "/top/ok.bin", "top/d/payload": "/top/d/payload"} {
		fi, err := os.Lstat(filepath.Join(local, rel))
		b, _ := os.ReadFile(filepath.Join(local, rel))
		if err != nil || !fi.Mode().IsRegular() || string(b) != "server bytes of "+want {
			t.Errorf("%s: %v %q", rel, err, b)
		}
	}
	for _, l := range srv.Transcript() {
		if strings.HasPrefix(l, "RETR") && strings.Contains(l, "..") || l == "RETR /top/d/payload/" {
			t.Errorf("sent %q", l)
		}
	}
	if lg := notes(sess.Log()); !strings.Contains(lg, `skipped listing entry "d/payload"`) ||
		!strings.Contains(lg, `skipped listing entry "../payload"`) || !strings.Contains(lg, "skipped link /top/d → "+outside) {
		t.Errorf("log lacks the skip notes:\n%s", lg)
	}
}

// mountTmpfs mounts a tmpfs of size (e.g. "1m") on a new temporary folder
// and unmounts it at cleanup; it skips the test when mounting is not
// possible (not root, or no CAP_SYS_ADMIN in a container).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// Case 21, disk full: downloads into a 1 MiB filesystem. The jobs that fit
// complete; a big one fails at once (a local error is not retried) with
// words naming the disk; an existing file it would overwrite is untouched;
// a job into another folder goes on. The failed job's .part is kept so a
// Retry can resume once space is freed.
func TestQueueDiskFull(t *testing.T) {
	small := mountTmpfs(t, "1m")
	srv := ftpscript.Start(t)
	big := genData(21, 3<<20)
	a, b := genData(1, 100000), genData(2, 100000)
	srv.Files.Put("/d/a.bin", a)
	srv.Files.Put("/d/b.bin", b)
	srv.Files.Put("/d/keep.bin", big)
	srv.Files.Put("/other.bin", big)
	if err := os.Mkdir(filepath.Join(small, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(small, "d", "keep.bin")
	if err := os.WriteFile(keep, []byte("precious old contents"), 0o644); err != nil {
		t.Fatal(err)
	}
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(5000))
	c := dial(t, sess)
	q := startQueue(t, sess, Options{Parallel: 1, Policy: Overwrite})
	if n, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/d", true, small); n != 3 || err != nil {
		t.Fatalf("%d %v", n, err)
	}
	elsewhere := t.TempDir()
	if n, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/other.bin", false, elsewhere); n != 1 || err != nil {
		t.Fatalf("%d %v", n, err)
	}
	s := waitDone(t, q, 30*time.Second)
	states := map[string]*Job{}
	for _, j := range s.Jobs {
		states[j.Remote] = j
	}
	for _, r := range []string{"/d/a.bin", "/d/b.bin", "/other.bin"} {
		if states[r].State != Done {
			t.Errorf("%s: %s %s", r, states[r].State, states[r].Err)
		}
	}
	kj := states["/d/keep.bin"]
	if kj.State != Failed || kj.Attempts != 1 || !strings.Contains(kj.Err, "write "+keep+partSuffix+": no space left on device") {
		t.Errorf("keep.bin: %s after %d attempts: %q, want failed at once naming the .part and the full disk (not the system call)", kj.State, kj.Attempts, kj.Err)
	}
	if got, _ := os.ReadFile(keep); string(got) != "precious old contents" {
		t.Errorf("existing file damaged: %q", got)
	}
	for name, want := range map[string][]byte{"d/a.bin": a, "d/b.bin": b} {
		if got, _ := os.ReadFile(filepath.Join(small, name)); !bytes.Equal(got, want) {
			t.Errorf("%s differs", name)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(elsewhere, "other.bin")); !bytes.Equal(got, big) {
		t.Error("other.bin differs")
	}
	if fi, err := os.Stat(keep + partSuffix); err != nil || fi.Size() == 0 || fi.Size() != kj.Done {
		t.Errorf("the failed job's .part: %v %v (job Done %d)", fi, err, kj.Done)
	}
}

// Case 21, permission denied / read-only: jobs into a folder that cannot
// be written fail at once with the system's words; an existing file there
// is untouched; a job into another folder completes. As root, permission
// bits do not stop writes, so the folder is a tmpfs remounted read-only;
// otherwise it is chmod 0555.
func TestQueueUnwritableFolder(t *testing.T) {
	srv := ftpscript.Start(t)
	data := genData(22, 50000)
	srv.Files.Put("/d/new.bin", data)
	srv.Files.Put("/d/keep.bin", data)
	srv.Files.Put("/other.bin", data)
	var dir string
	want := "permission denied"
	if os.Geteuid() == 0 {
		dir = mountTmpfs(t, "1m")
		want = "read-only file system"
	} else {
		dir = t.TempDir()
	}
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(dir, "d", "keep.bin")
	if err := os.WriteFile(keep, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(5000))
	c := dial(t, sess)
	q := startQueue(t, sess, Options{Parallel: 2, Policy: Overwrite})
	if n, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/d", true, dir); n != 2 || err != nil {
		t.Fatalf("%d %v", n, err)
	}
	elsewhere := t.TempDir()
	if n, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/other.bin", false, elsewhere); n != 1 || err != nil {
		t.Fatalf("%d %v", n, err)
	}
	if os.Geteuid() == 0 {
		if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
			t.Skipf("cannot remount read-only: %v %s", err, out)
		}
	} else {
		if err := os.Chmod(filepath.Join(dir, "d"), 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(filepath.Join(dir, "d"), 0o755) })
	}
	s := waitDone(t, q, 30*time.Second)
	for _, j := range s.Jobs {
		switch {
		case j.Remote == "/other.bin":
			if j.State != Done {
				t.Errorf("other.bin: %s %s", j.State, j.Err)
			}
		case j.State != Failed || j.Attempts != 1 || !strings.Contains(j.Err, want):
			t.Errorf("%s: %s after %d attempts: %q, want failed at once with %q", j.Remote, j.State, j.Attempts, j.Err, want)
		}
	}
	if got, _ := os.ReadFile(keep); string(got) != "precious" {
		t.Errorf("existing file damaged: %q", got)
	}
	if got, _ := os.ReadFile(filepath.Join(elsewhere, "other.bin")); !bytes.Equal(got, data) {
		t.Error("other.bin differs")
	}
	// Nothing was sent for the jobs that could not open their .part.
	if n := count(srv.Transcript(), "RETR /d/new.bin"); n != 0 {
		t.Errorf("RETR sent %d times for a job that cannot write", n)
	}
}

// Case 20: 552 after an upload's data: the job fails at once (a 5xx is
// not retried) with the server's words, and the server keeps nothing.
func TestQueueUpload552Fails(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("STOR", ftpscript.StoreReply(0, "552 Exceeded storage allocation."))
	dir := t.TempDir()
	src := filepath.Join(dir, "up.bin")
	if err := os.WriteFile(src, genData(20, 100000), 0o644); err != nil {
		t.Fatal(err)
	}
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1})
	if _, err := q.AddUpload(testCtx(t, 5*time.Second), dial(t, sess), src, "/"); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 20*time.Second)
	if s.Failed != 1 || s.Jobs[0].Attempts != 1 || !strings.Contains(s.Jobs[0].Err, "552 Exceeded storage allocation.") {
		t.Fatalf("want failed once with the server's words:%s (attempts %d)", failures(s), s.Jobs[0].Attempts)
	}
	for _, p := range []string{"/up.bin", "/up.bin.part"} {
		if _, ok := srv.Files.Get(p); ok {
			t.Errorf("the server stored the refused file as %s", p)
		}
	}
	if n := count(srv.Transcript(), "STOR /up.bin.part"); n != 1 {
		t.Errorf("%d STOR, want 1: %q", n, srv.Transcript())
	}
}
