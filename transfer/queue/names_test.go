package queue

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// TestTempNameFits: a temporary name never passes 255 bytes, is the same
// for the same name, differs for long names that share their beginning,
// and never cuts a character in two; short names just get the suffix.
func TestTempNameFits(t *testing.T) {
	if got := tempName("a.bin", partSuffix); got != "a.bin.part" {
		t.Errorf("short name: %q", got)
	}
	long1 := strings.Repeat("é", 126) + "1.bin" // 257 bytes
	long2 := strings.Repeat("é", 126) + "2.bin"
	a, b := tempName(long1, partSuffix), tempName(long2, partSuffix)
	for _, n := range []string{a, b} {
		if len(n) > maxNameBytes || !utf8.ValidString(n) || !strings.HasSuffix(n, partSuffix) {
			t.Errorf("%q: %d bytes, valid %v", n, len(n), utf8.ValidString(n))
		}
	}
	if a == b || a != tempName(long1, partSuffix) {
		t.Errorf("not one fixed name per target: %q %q", a, b)
	}
	edge := strings.Repeat("x", maxNameBytes-len(partSuffix))
	if got := tempName(edge, partSuffix); got != edge+partSuffix {
		t.Errorf("a name that fits with its suffix was shortened: %d bytes", len(got))
	}
}

// TestLocalNames (issue 14, item 6): a remote file with a 255-byte name
// downloads under that name (its .part would be 260 bytes: a shorter
// temporary name is used), a name with a backslash downloads as it is on
// Linux, and a 550 before any byte leaves no .part.
func TestLocalNames(t *testing.T) {
	srv := ftpscript.Start(t)
	long := strings.Repeat("n", maxNameBytes-4) + ".bin"
	data := genData(51, 70000)
	srv.Files.Put("/d/"+long, data)
	srv.Files.Put(`/d/back\slash.txt`, data[:100])
	srv.Files.Put("/gone.bin", data[:10])
	srv.Handle("RETR", func(c *ftpscript.Conn, arg string) {
		if strings.HasSuffix(arg, "gone.bin") {
			c.Reply("550 No such file or directory.")
			return
		}
		c.Builtin(arg)
	})
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1})
	local := t.TempDir()
	c := dial(t, sess)
	if n, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/d", true, local); err != nil || n != 2 {
		t.Fatalf("AddDownload: %d jobs, %v", n, err)
	}
	if _, err := q.AddDownloadTo(testCtx(t, 5*time.Second), c, "/gone.bin", false, 10, filepath.Join(local, "gone.bin")); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 20*time.Second)
	if s.Done != 2 || s.Failed != 1 {
		t.Fatalf("want 2 done, 1 failed:%s", failures(s))
	}
	if got, err := os.ReadFile(filepath.Join(local, "d", long)); err != nil || !bytes.Equal(got, data) {
		t.Errorf("the 255-byte name: %v", err)
	}
	if got, err := os.ReadFile(filepath.Join(local, "d", `back\slash.txt`)); err != nil || !bytes.Equal(got, data[:100]) {
		t.Errorf("the name with a backslash: %v", err)
	}
	ents, _ := os.ReadDir(local)
	ents2, _ := os.ReadDir(filepath.Join(local, "d"))
	for _, e := range append(ents, ents2...) {
		if e.Name() != "d" && e.Name() != long && e.Name() != `back\slash.txt` {
			t.Errorf("left behind: %q", e.Name())
		}
	}
}

// TestResumeCompleteIsSkip (issue 14, item 7): under resume, a target
// that already holds the whole file is skipped with a note: no copy into
// a .part, no transfer, both ways.
func TestResumeCompleteIsSkip(t *testing.T) {
	srv := ftpscript.Start(t)
	data := genData(52, 90000)
	srv.Files.Put("/f.bin", data)
	local := t.TempDir()
	target := filepath.Join(local, "f.bin")
	if err := os.WriteFile(target, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1, Policy: Resume})
	c := dial(t, sess)
	if _, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/f.bin", false, local); err != nil {
		t.Fatal(err)
	}
	if _, err := q.AddUploadTo(testCtx(t, 5*time.Second), c, target, "/f.bin"); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 20*time.Second)
	if s.Skipped != 2 {
		t.Fatalf("want both skipped:%s", failures(s))
	}
	for _, j := range s.Jobs {
		if !strings.Contains(j.Note, "already complete") {
			t.Errorf("%s job: note %q", j.Dir, j.Note)
		}
	}
	tr := srv.Transcript()
	for _, l := range tr {
		if strings.HasPrefix(l, "RETR") || strings.HasPrefix(l, "STOR") || strings.HasPrefix(l, "APPE") {
			t.Errorf("sent %q for a complete file", l)
		}
	}
	if _, err := os.Stat(target + partSuffix); err == nil {
		t.Error("the complete file was copied into a .part")
	}
}

// TestNewerTransfers: under newer, a download overwrites a local file
// older than the server's and skips one that is not; an upload the same
// way round; another size always overwrites.
func TestNewerTransfers(t *testing.T) {
	srv := ftpscript.Start(t)
	old, recent := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	same := genData(53, 5000)
	srv.Files.PutAt("/new.bin", same, recent)    // newer than the local copy: fetched
	srv.Files.PutAt("/old.bin", same, old)       // older: skipped
	srv.Files.PutAt("/up-old.bin", same, old)    // the local file is newer: sent
	srv.Files.PutAt("/up-new.bin", same, recent) // the server's is newer: skipped
	srv.Files.PutAt("/sized.bin", same[:10], recent)
	local := t.TempDir()
	write := func(name string, b []byte, mt time.Time) string {
		p := filepath.Join(local, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mid := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	localCopy := bytes.Repeat([]byte("L"), len(same))
	write("new.bin", localCopy, mid)
	write("old.bin", localCopy, mid)
	write("sized.bin", localCopy, time.Now())
	upOld := write("up-old.bin", same, mid)
	upNew := write("up-new.bin", bytes.Repeat([]byte("U"), len(same)), mid)
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1, Policy: Newer})
	c := dial(t, sess)
	for _, n := range []string{"new.bin", "old.bin", "sized.bin"} {
		if _, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/"+n, false, local); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{upOld, upNew} {
		if _, err := q.AddUploadTo(testCtx(t, 5*time.Second), c, p, "/"+filepath.Base(p)); err != nil {
			t.Fatal(err)
		}
	}
	s := waitDone(t, q, 20*time.Second)
	got := map[string]State{}
	for _, j := range s.Jobs {
		got[path.Base(j.Remote)] = j.State
	}
	want := map[string]State{"new.bin": Done, "old.bin": Skipped, "sized.bin": Done, "up-old.bin": Done, "up-new.bin": Skipped}
	for n, st := range want {
		if got[n] != st {
			t.Errorf("%s: %s, want %s", n, got[n], st)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(local, "old.bin")); !bytes.Equal(b, localCopy) {
		t.Error("old.bin was replaced")
	}
	if b, _ := srv.Files.Get("/up-new.bin"); !bytes.Equal(b, same) {
		t.Error("up-new.bin was replaced on the server")
	}
}
