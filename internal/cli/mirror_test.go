package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
)

// fileState is what "not touched at all" means for a file: its inode, its
// modification time and its content.
type fileState struct {
	ino  uint64
	mod  time.Time
	data string
}

// snapshot returns every regular file under dir by slash path.
func snapshot(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = fileState{inode(fi), fi.ModTime(), string(b)}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// changedFiles names the files of after that are new, or whose inode,
// time or content differ from before, and those that went.
func changedFiles(before, after map[string]fileState) []string {
	var out []string
	for p, a := range after {
		if b, ok := before[p]; !ok || a != b {
			out = append(out, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			out = append(out, "-"+p)
		}
	}
	return out
}

func sameSet(a []string, b ...string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range b {
		found := false
		for _, y := range a {
			found = found || x == y
		}
		if !found {
			return false
		}
	}
	return true
}

// TestMirrorAgainstVsftpd is issue 17's walk-through against vsftpd as
// Debian ships it (no chroot): 200 files in two levels, a second run that
// touches nothing, one change and one addition fetched alone, extras kept
// without --delete and removed with it, --dry-run changing nothing.
func TestMirrorAgainstVsftpd(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{NoChroot: true})
	hourAgo := time.Now().Add(-time.Hour)
	for i := range 200 {
		rel := fmt.Sprintf("site/d%02d/f%03d.txt", i/20, i)
		d.WriteFile(t, rel, bytes.Repeat([]byte{byte('a' + i%26)}, 100+i*13))
		if err := os.Chtimes(d.Path(t, rel), hourAgo, hourAgo); err != nil {
			t.Fatal(err)
		}
	}
	u := base(d) + "site"
	local := filepath.Join(t.TempDir(), "copy")

	code, stdout, stderr := run(t, "mirror", u, local)
	if code != 0 || !strings.Contains(stdout, "mirror: 200 new, 0 changed, 0 deleted, 0 unchanged") {
		t.Fatalf("first mirror: exit %d\n%s%s", code, stdout, stderr)
	}
	first := snapshot(t, local)
	if len(first) != 200 {
		t.Fatalf("%d files mirrored, want 200", len(first))
	}
	for p, st := range first {
		if got := string(d.ReadFile(t, "site/"+p)); got != st.data {
			t.Fatalf("%s differs from the server's copy", p)
		}
	}

	// Again: nothing local changes, not even a time.
	code, stdout, stderr = run(t, "mirror", u, local)
	if code != 0 || !strings.Contains(stdout, "0 new, 0 changed, 0 deleted, 200 unchanged") {
		t.Fatalf("second mirror: exit %d\n%s%s", code, stdout, stderr)
	}
	if ch := changedFiles(first, snapshot(t, local)); len(ch) != 0 {
		t.Fatalf("second mirror touched %v", ch)
	}

	// One remote file changed (longer), one changed to as many bytes (its
	// time moves on: an hour after the copy's), one added: only those
	// three come.
	d.WriteFile(t, "site/d03/f070.txt", []byte("changed and longer than before ......................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................."))
	same := first["d04/f080.txt"].data
	d.WriteFile(t, "site/d04/f080.txt", []byte(strings.ToUpper(same[:1])+same[1:]))
	d.WriteFile(t, "site/d09/new.txt", []byte("new"))
	before := snapshot(t, local)
	code, stdout, stderr = run(t, "mirror", u, local)
	if code != 0 || !strings.Contains(stdout, "1 new, 2 changed, 0 deleted, 198 unchanged") {
		t.Fatalf("third mirror: exit %d\n%s%s", code, stdout, stderr)
	}
	if ch := changedFiles(before, snapshot(t, local)); !sameSet(ch, "d03/f070.txt", "d04/f080.txt", "d09/new.txt") {
		t.Fatalf("third mirror changed %v", ch)
	}

	// A local extra stays without --delete; --dry-run changes nothing and
	// says what --delete would do; --delete removes it.
	if err := os.WriteFile(filepath.Join(local, "d01", "extra.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(local, "extradir", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	before = snapshot(t, local)
	if code, _, stderr = run(t, "mirror", u, local); code != 0 {
		t.Fatalf("mirror: exit %d %s", code, stderr)
	}
	if ch := changedFiles(before, snapshot(t, local)); len(ch) != 0 {
		t.Fatalf("mirror without --delete changed %v", ch)
	}
	code, stdout, stderr = run(t, "mirror", "--delete", "--dry-run", u, local)
	if code != 0 || !strings.Contains(stdout, "delete") || !strings.Contains(stdout, "d01/extra.txt") ||
		!strings.Contains(stdout, "plan: 0 new, 0 changed, 2 deleted, 201 unchanged") {
		t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
	}
	if ch := changedFiles(before, snapshot(t, local)); len(ch) != 0 {
		t.Fatalf("--dry-run changed %v", ch)
	}
	if _, err := os.Stat(filepath.Join(local, "extradir")); err != nil {
		t.Fatalf("--dry-run removed a folder: %v", err)
	}
	code, stdout, stderr = run(t, "mirror", "--delete", u, local)
	if code != 0 || !strings.Contains(stdout, "0 new, 0 changed, 2 deleted, 201 unchanged") {
		t.Fatalf("mirror --delete: exit %d\n%s%s", code, stdout, stderr)
	}
	if ch := changedFiles(before, snapshot(t, local)); !sameSet(ch, "-d01/extra.txt") {
		t.Fatalf("mirror --delete changed %v", ch)
	}
	if _, err := os.Stat(filepath.Join(local, "extradir")); !os.IsNotExist(err) {
		t.Fatalf("extradir survived --delete: %v", err)
	}

	// --exclude leaves paths out on both sides (an excluded local file is
	// not deleted either).
	if err := os.WriteFile(filepath.Join(local, "keep.tmp"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.WriteFile(t, "site/skip.tmp", []byte("remote tmp"))
	code, stdout, stderr = run(t, "mirror", "--delete", "--exclude", "*.tmp", "--exclude", "d0[0-8]", u, local)
	if code != 0 || !strings.Contains(stdout, "0 new, 0 changed, 0 deleted, 21 unchanged") {
		t.Fatalf("mirror --exclude: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(local, "keep.tmp")); err != nil {
		t.Errorf("excluded local file removed: %v", err)
	}
}

// TestMirrorReverseIntoMissingPath: a reverse mirror into a path whose
// folders are not there makes them, as lftp's mirror -R does, on a
// chrooted server and on one that is not; a second run finds nothing to do.
func TestMirrorReverseIntoMissingPath(t *testing.T) {
	local := t.TempDir()
	files := map[string][]byte{"a.bin": payload(3000), "sub/b.bin": payload(70000)}
	for rel, b := range files {
		p := filepath.Join(local, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, noChroot := range []bool{false, true} {
		t.Run(fmt.Sprintf("not chrooted %v", noChroot), func(t *testing.T) {
			d := ftpd.StartVsftpd(t, ftpd.Options{NoChroot: noChroot})
			u := base(d) + "x/y/z/"
			code, stdout, stderr := run(t, "mirror", "--reverse", local, u)
			if code != 0 || !strings.Contains(stdout, "2 new, 0 changed") {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			for rel, b := range files {
				if got, err := os.ReadFile(d.Path(t, "x/y/z/"+rel)); err != nil || !bytes.Equal(got, b) {
					t.Errorf("%s on the server: %d bytes, %v", rel, len(got), err)
				}
			}
			if code, stdout, stderr = run(t, "mirror", "--reverse", local, u); code != 0 || !strings.Contains(stdout, "0 new, 0 changed, 0 deleted, 2 unchanged") {
				t.Errorf("again: exit %d\n%s%s", code, stdout, stderr)
			}
		})
	}
}

// TestMirrorReverseAgainstVsftpd: the same towards the server, compared
// on the server's side (inodes and times of the server's files).
func TestMirrorReverseAgainstVsftpd(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{NoChroot: true})
	local := t.TempDir()
	for i := range 40 {
		p := filepath.Join(local, fmt.Sprintf("d%d", i/10), fmt.Sprintf("f%02d.bin", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, payload(1000+i*700), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	u := base(d) + "up"
	code, stdout, stderr := run(t, "mirror", "--reverse", local, u)
	if code != 0 || !strings.Contains(stdout, "40 new, 0 changed, 0 deleted, 0 unchanged") {
		t.Fatalf("reverse: exit %d\n%s%s", code, stdout, stderr)
	}
	server := snapshot(t, d.Path(t, "up"))
	mine := snapshot(t, local)
	if len(server) != 40 {
		t.Fatalf("server has %d files", len(server))
	}
	for p, st := range mine {
		if server[p].data != st.data {
			t.Fatalf("%s differs on the server", p)
		}
		if !server[p].mod.Equal(st.mod.Truncate(time.Second)) {
			t.Errorf("%s: server time %v, local %v (times are kept with MDTM)", p, server[p].mod, st.mod)
		}
	}
	code, stdout, stderr = run(t, "mirror", "--reverse", local, u)
	if code != 0 || !strings.Contains(stdout, "0 new, 0 changed, 0 deleted, 40 unchanged") {
		t.Fatalf("reverse again: exit %d\n%s%s", code, stdout, stderr)
	}
	if ch := changedFiles(server, snapshot(t, d.Path(t, "up"))); len(ch) != 0 {
		t.Fatalf("second reverse mirror touched %v on the server", ch)
	}
	if err := os.WriteFile(filepath.Join(local, "d1", "f12.bin"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(local, "d3", "added.bin"), []byte("added"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.WriteFile(t, "up/d0/remote-extra.bin", []byte("extra"))
	server = snapshot(t, d.Path(t, "up"))
	code, stdout, stderr = run(t, "mirror", "--reverse", local, u)
	if code != 0 || !strings.Contains(stdout, "1 new, 1 changed, 0 deleted, 39 unchanged") {
		t.Fatalf("reverse after changes: exit %d\n%s%s", code, stdout, stderr)
	}
	if ch := changedFiles(server, snapshot(t, d.Path(t, "up"))); !sameSet(ch, "d1/f12.bin", "d3/added.bin") {
		t.Fatalf("reverse mirror changed %v on the server", ch)
	}
	code, stdout, stderr = run(t, "mirror", "--reverse", "--delete", local, u)
	if code != 0 || !strings.Contains(stdout, "0 new, 0 changed, 1 deleted, 41 unchanged") {
		t.Fatalf("reverse --delete: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(d.Path(t, "up/d0/remote-extra.bin")); !os.IsNotExist(err) {
		t.Errorf("remote extra survived --delete: %v", err)
	}
}

// TestMirrorChecksum: files of the same size and time whose content
// differs are found by the server's hash (proftpd's mod_digest), and a
// server without hash commands says so and falls back.
func TestMirrorChecksum(t *testing.T) {
	d := ftpd.StartProFTPD(t, ftpd.Options{Hashes: true})
	d.WriteFile(t, "h/a.txt", []byte("aaaa"))
	d.WriteFile(t, "h/b.txt", []byte("bbbb"))
	local := filepath.Join(t.TempDir(), "h")
	if code, stdout, stderr := run(t, "mirror", base(d)+"h", local); code != 0 {
		t.Fatalf("mirror: exit %d\n%s%s", code, stdout, stderr)
	}
	// Same size, same time, other bytes: only a hash can tell.
	fi, _ := os.Stat(filepath.Join(local, "a.txt"))
	if err := os.WriteFile(filepath.Join(local, "a.txt"), []byte("AAAA"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(local, "a.txt"), fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "mirror", base(d)+"h", local)
	if code != 0 || !strings.Contains(stdout, "0 changed") {
		t.Fatalf("without --checksum the change is invisible: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, "mirror", "--checksum", base(d)+"h", local)
	if code != 0 || !strings.Contains(stdout, "0 new, 1 changed, 0 deleted, 1 unchanged") {
		t.Fatalf("--checksum: exit %d\n%s%s", code, stdout, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(local, "a.txt")); string(b) != "aaaa" {
		t.Errorf("a.txt is %q", b)
	}

	v := ftpd.StartVsftpd(t, ftpd.Options{})
	v.WriteFile(t, "h/a.txt", []byte("aaaa"))
	code, stdout, stderr = run(t, "mirror", "--checksum", base(v)+"h", filepath.Join(t.TempDir(), "v"))
	if code != 0 || !strings.Contains(stderr, "offers no hash command") || !strings.Contains(stdout, "1 new") {
		t.Fatalf("--checksum on vsftpd: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestMirrorKilledThenRerunEndsEqual kills a mirror (SIGKILL, as a crash
// or a power cut would) while it downloads a large file, then runs the
// same command: it continues from the .part and ends equal.
func TestMirrorKilledThenRerunEndsEqual(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{MaxRate: 8 << 20}) // 48 MiB take 6 s
	big := payload(48 << 20)
	d.WriteFile(t, "k/big.bin", big)
	for i := range 20 {
		d.WriteFile(t, fmt.Sprintf("k/s/%02d.txt", i), []byte(strings.Repeat("x", i)))
	}
	local := filepath.Join(t.TempDir(), "k")
	args := []string{"mirror", "--parallel", "1", base(d) + "k", local}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMirrorHelperProcess$")
	cmd.Env = append(os.Environ(), "FTPDECK_MIRROR_CHILD="+strings.Join(args, "\x1f"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(local, "big.bin.part")
	deadline := time.Now().Add(60 * time.Second)
	for {
		if fi, err := os.Stat(part); err == nil && fi.Size() > 8<<20 {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("the child never got 8 MiB into big.bin.part")
		}
		time.Sleep(20 * time.Millisecond) // polling a file's size: there is no event to wait on
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	fi, err := os.Stat(part)
	if err != nil || fi.Size() >= int64(len(big)) {
		t.Fatalf("after the kill: %v, %v", fi, err)
	}
	code, stdout, stderr := run(t, args...)
	if code != 0 {
		t.Fatalf("rerun: exit %d\n%s%s", code, stdout, stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(local, "big.bin")); !bytes.Equal(got, big) {
		t.Fatal("big.bin differs after the rerun")
	}
	if _, err := os.Stat(part); !os.IsNotExist(err) {
		t.Errorf(".part left: %v", err)
	}
	if got := snapshot(t, local); len(got) != 21 {
		t.Errorf("%d files after the rerun, want 21", len(got))
	}
	code, stdout, _ = run(t, args...)
	if code != 0 || !strings.Contains(stdout, "0 new, 0 changed, 0 deleted, 21 unchanged") {
		t.Errorf("third run: exit %d\n%s", code, stdout)
	}
}

// TestMirrorHelperProcess is the child of TestMirrorKilledThenRerunEndsEqual.
func TestMirrorHelperProcess(t *testing.T) {
	args := os.Getenv("FTPDECK_MIRROR_CHILD")
	if args == "" {
		return // not a child
	}
	os.Exit(Main(strings.Split(args, "\x1f"), DefaultEnv()))
}
