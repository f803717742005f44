package queue

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

const uploadHelperEnv = "FTPDECK_QUEUE_UPLOAD_HELPER"

// stopReader hands over the first n bytes of r, then blocks until the
// process ends: an upload that stops half-way for the parent to kill.
type stopReader struct {
	r io.Reader
	n int64
}

func (s *stopReader) Read(p []byte) (int, error) {
	if s.n <= 0 {
		select {} // killed here
	}
	if int64(len(p)) > s.n {
		p = p[:s.n]
	}
	n, err := s.r.Read(p)
	s.n -= int64(n)
	return n, err
}

// TestUploadHelperProcess is the child of TestUploadKilledThenRerun: it
// uploads $FTPDECK_QUEUE_FILE to the server's folder, sending half of it
// and then nothing until the parent kills it. It does nothing in a normal
// test run.
func TestUploadHelperProcess(t *testing.T) {
	if os.Getenv(uploadHelperEnv) != "1" {
		t.Skip("helper process for TestUploadKilledThenRerun")
	}
	port, _ := strconv.Atoi(os.Getenv("FTPDECK_QUEUE_PORT"))
	site := transfer.Site{Host: "127.0.0.1", Port: port, User: os.Getenv("FTPDECK_QUEUE_USER"), Password: os.Getenv("FTPDECK_QUEUE_PASSWORD"), Timeout: 10 * time.Second}
	sess := transfer.NewSession(site, transfer.NewLog(100))
	q, err := New(sess, Options{Parallel: 1, Policy: Skip, NoTempUpload: os.Getenv("FTPDECK_QUEUE_NOTEMP") == "1"})
	if err != nil {
		t.Fatal(err)
	}
	half, _ := strconv.ParseInt(os.Getenv("FTPDECK_QUEUE_HALF"), 10, 64)
	q.testReader = func(_ Job, r io.Reader) io.Reader { return &stopReader{r: r, n: half} }
	if _, err := q.AddUpload(testCtx(t, 10*time.Second), dial(t, sess), os.Getenv("FTPDECK_QUEUE_FILE"), "/"); err != nil {
		t.Fatal(err)
	}
	q.Start()
	_ = q.Wait(testCtx(t, 60*time.Second))
}

// TestUploadKilledThenRerun (issue 14, item 2): a process uploading a
// file is killed with SIGKILL half-way; the same plain upload run again
// (policy skip, a fresh queue) continues what the server holds with REST
// and ends with the whole file. With a temporary name the final name
// never holds a cut-short file; with NoTempUpload the cut-short file is
// under the final name, and the rerun resumes it (with a note) instead of
// skipping it.
func TestUploadKilledThenRerun(t *testing.T) {
	for _, kind := range ftpd.Kinds() {
		for _, noTemp := range []bool{false, true} {
			name := string(kind)
			if noTemp {
				name += "/no-temp"
			}
			t.Run(name, func(t *testing.T) { killedUpload(t, kind, noTemp) })
		}
	}
}

func killedUpload(t *testing.T, kind ftpd.Kind, noTemp bool) {
	d := ftpd.Start(t, kind, ftpd.Options{})
	const size = 8 << 20
	data := genData(14, size)
	src := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	final, temp := d.Path(t, "big.bin"), d.Path(t, "big.bin.part")
	growing := temp
	if noTemp {
		growing = final
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestUploadHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), uploadHelperEnv+"=1",
		"FTPDECK_QUEUE_PORT="+strconv.Itoa(d.Port), "FTPDECK_QUEUE_USER="+d.User, "FTPDECK_QUEUE_PASSWORD="+d.Password,
		"FTPDECK_QUEUE_FILE="+src, "FTPDECK_QUEUE_HALF="+strconv.Itoa(size/2), "FTPDECK_QUEUE_NOTEMP="+map[bool]string{true: "1"}[noTemp])
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Kill it once the server holds a good part of the file. No event
	// tells us the server wrote; its file's size is the observable state.
	deadline := time.Now().Add(30 * time.Second)
	var held int64
	for held < size/4 {
		select {
		case err := <-exited:
			t.Fatalf("the helper ended before the kill: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the server never held a quarter of the file\n%s", d.LogTail())
		}
		if !noTemp {
			if _, err := os.Stat(final); err == nil {
				t.Fatal("the final name exists while the upload runs")
			}
		}
		if fi, err := os.Stat(growing); err == nil {
			held = fi.Size()
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-exited
	fi, err := os.Stat(growing)
	if err != nil || fi.Size() >= size {
		t.Fatalf("after the kill the server holds %v, %v; want a cut-short %s", fi, err, growing)
	}
	if !noTemp {
		if _, err := os.Stat(final); err == nil {
			t.Fatal("a cut-short upload stands under the final name")
		}
	}
	// The server may still be writing the last bytes it had received:
	// the rerun asks it for the size and continues from there.
	sess := transfer.NewSession(transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password, Timeout: 10 * time.Second}, transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1, Policy: Skip, NoTempUpload: noTemp})
	if _, err := q.AddUpload(testCtx(t, 10*time.Second), dial(t, sess), src, "/"); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 60*time.Second)
	if s.Done != 1 {
		t.Fatalf("rerun: %s\n%s", failures(s), strings.Join(sentLines(sess.Log()), "\n"))
	}
	if got := d.ReadFile(t, "big.bin"); !bytes.Equal(got, data) {
		t.Fatalf("the server holds %d bytes that differ from the file", len(got))
	}
	if _, err := os.Stat(temp); err == nil {
		t.Error("the temporary file is left on the server")
	}
	sent := sentLines(sess.Log())
	resumed := slices.ContainsFunc(sent, func(l string) bool {
		return strings.HasPrefix(l, "REST ") && l != "REST 0" || strings.HasPrefix(l, "APPE ")
	})
	if !resumed {
		t.Errorf("the rerun sent the whole file again:\n%s", strings.Join(sent, "\n"))
	}
	if noTemp && !strings.Contains(s.Jobs[0].Note, "smaller than the local file") {
		t.Errorf("no note on the resumed job: %q", s.Jobs[0].Note)
	}
	t.Logf("%s: killed at %d bytes on the server; rerun: %s", kind, fi.Size(), strings.Join(slices.DeleteFunc(sent, func(l string) bool {
		return !strings.HasPrefix(l, "REST") && !strings.HasPrefix(l, "STOR") && !strings.HasPrefix(l, "APPE") && !strings.HasPrefix(l, "RN")
	}), ", "))
}

// cutStore is a STOR handler that keeps the first n bytes it receives
// (from the REST offset), then closes the data connection and answers
// 426: an upload cut mid-way by the network.
func cutStore(n int) ftpscript.Handler {
	return func(c *ftpscript.Conn, arg string) {
		off := c.Rest()
		d, err := c.Data()
		if err != nil {
			c.Reply("425 Failed to establish connection.")
			return
		}
		c.Reply("150 Ok to send data.")
		buf := make([]byte, n)
		got, _ := io.ReadFull(d, buf)
		old, _ := c.Server().Files.Get(c.Path(arg))
		c.Server().Files.Put(c.Path(arg), append(old[:min(off, int64(len(old)))], buf[:got]...))
		_ = d.Close()
		c.Reply("426 Connection closed; transfer aborted.")
	}
}

// TestUploadCutResumesFromServerSize (issue 14, item 3): an upload whose
// data connection is cut mid-way is retried from the size the server
// holds (REST+STOR), not from byte 0; where the server refuses REST
// before STOR, it appends (APPE). The final name appears only whole.
func TestUploadCutResumesFromServerSize(t *testing.T) {
	for _, tc := range []struct {
		name                string
		restRefused, noTemp bool
	}{{"rest", false, false}, {"appe", true, false}, {"rest/no-temp", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := ftpscript.Start(t)
			srv.Handle("STOR", ftpscript.Sequence(cutStore(100000), ftpscript.Builtin))
			if tc.restRefused {
				srv.Handle("REST", ftpscript.Reply("502 REST not implemented for uploads."))
			}
			data := genData(31, 300000)
			src := filepath.Join(t.TempDir(), "up.bin")
			if err := os.WriteFile(src, data, 0o644); err != nil {
				t.Fatal(err)
			}
			sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
			q := startQueue(t, sess, Options{Parallel: 1, NoTempUpload: tc.noTemp})
			if _, err := q.AddUpload(testCtx(t, 5*time.Second), dial(t, sess), src, "/"); err != nil {
				t.Fatal(err)
			}
			s := waitDone(t, q, 20*time.Second)
			if s.Done != 1 {
				t.Fatalf("%s", failures(s))
			}
			if got, _ := srv.Files.Get("/up.bin"); !bytes.Equal(got, data) {
				t.Fatalf("the server holds %d bytes that differ", len(got))
			}
			if _, ok := srv.Files.Get("/up.bin.part"); ok {
				t.Error("the temporary file is left on the server")
			}
			tr := srv.Transcript()
			target := "/up.bin.part"
			if tc.noTemp {
				target = "/up.bin"
			}
			want := "REST 100000"
			if tc.restRefused {
				want = "APPE " + target
			}
			if !slices.Contains(tr, want) || count(tr, "STOR "+target) != 1+b2i(!tc.restRefused) {
				t.Errorf("want %q after the cut: %q", want, tr)
			}
			if i := slices.Index(tr, "RNTO /up.bin"); !tc.noTemp && (i < 0 || i < slices.Index(tr, want)) {
				t.Errorf("the final name is not renamed into place after the rest: %q", tr)
			}
		})
	}
}

// TestFolderUploadUsesListing: a folder upload into a folder that exists
// takes what is there from one listing: a temporary file left by an
// earlier run is continued (REST), an existing file is skipped, a new one
// sent, and no SIZE is asked before a transfer (only after, to check).
func TestFolderUploadUsesListing(t *testing.T) {
	srv := ftpscript.Start(t)
	src := filepath.Join(t.TempDir(), "up")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"a.bin": genData(61, 50000), "b.bin": genData(62, 3000), "c.bin": genData(63, 7000)}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(src, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv.Files.Put("/up/a.bin.part", files["a.bin"][:20000])
	srv.Files.Put("/up/b.bin", files["b.bin"])
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1, Policy: Skip})
	if _, err := q.AddUpload(testCtx(t, 5*time.Second), dial(t, sess), src, "/"); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 20*time.Second)
	if s.Done != 2 || s.Skipped != 1 {
		t.Fatalf("want 2 done, 1 skipped:%s", failures(s))
	}
	for n, b := range files {
		if got, _ := srv.Files.Get("/up/" + n); !bytes.Equal(got, b) {
			t.Errorf("%s differs on the server", n)
		}
	}
	tr := srv.Transcript()
	if !slices.Contains(tr, "REST 20000") {
		t.Errorf("the temporary file was not continued: %q", tr)
	}
	if n := count(tr, "SIZE /up/a.bin.part") + count(tr, "SIZE /up/c.bin.part"); n != 2 || count(tr, "SIZE /up/a.bin")+count(tr, "SIZE /up/b.bin")+count(tr, "SIZE /up/c.bin") != 0 {
		t.Errorf("SIZE asked where the listing told: %q", tr)
	}
}

// TestUploadSizeFromListing: a server without SIZE has the upload's size
// checked from its folder's listing; a short file found there is
// continued (REST) before the rename.
func TestUploadSizeFromListing(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("SIZE", ftpscript.Reply("502 Command not implemented."))
	srv.Handle("STOR", ftpscript.Sequence(cutStore(40000), ftpscript.Builtin))
	data := genData(71, 90000)
	src := filepath.Join(t.TempDir(), "up.bin")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1})
	if _, err := q.AddUpload(testCtx(t, 5*time.Second), dial(t, sess), src, "/"); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 20*time.Second)
	if s.Done != 1 {
		t.Fatalf("%s", failures(s))
	}
	if got, _ := srv.Files.Get("/up.bin"); !bytes.Equal(got, data) {
		t.Fatalf("the server holds %d bytes that differ", len(got))
	}
	tr := srv.Transcript()
	if !slices.Contains(tr, "REST 40000") || !slices.ContainsFunc(tr, func(l string) bool { return strings.HasPrefix(l, "LIST") }) {
		t.Errorf("want the size from LIST and REST 40000: %q", tr)
	}
}
