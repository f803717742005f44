package cli

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ftpdeck/internal/ftpd"
)

func base(d *ftpd.Daemon) string {
	return "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/"
}

// tree writes n small files under dir/sub (and one deeper) and returns
// their contents by slash path relative to dir.
func tree(n int) map[string][]byte {
	files := map[string][]byte{}
	for i := range n {
		files[fmt.Sprintf("f%03d.txt", i)] = []byte(strings.Repeat(fmt.Sprint(i), 100+i))
	}
	files["deep/er/x.bin"] = payload(300 << 10)
	files["empty"] = nil
	return files
}

func TestGetFolderSeveralSourcesParallel(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	files := tree(20)
	for p, b := range files {
		d.WriteFile(t, "pub/"+p, b)
	}
	d.WriteFile(t, "one.txt", []byte("one"))
	d.WriteFile(t, "two.txt", []byte("two"))
	for _, par := range []string{"1", "4"} {
		for _, mode := range []string{"--passive", "--active"} {
			out := t.TempDir()
			code, stdout, stderr := run(t, "get", mode, "--parallel", par, base(d)+"pub", base(d)+"one.txt", base(d)+"two.txt", out)
			if code != 0 || stdout != "" {
				t.Fatalf("parallel %s %s: exit %d\nstdout %q\n%s", par, mode, code, stdout, stderr)
			}
			for p, b := range files {
				got, err := os.ReadFile(filepath.Join(out, "pub", filepath.FromSlash(p)))
				if err != nil || !bytes.Equal(got, b) {
					t.Errorf("%s: %v, %d bytes, want %d", p, err, len(got), len(b))
				}
			}
			for _, n := range []string{"one.txt", "two.txt"} {
				if got, _ := os.ReadFile(filepath.Join(out, n)); string(got) != strings.TrimSuffix(n, ".txt") {
					t.Errorf("%s: %q", n, got)
				}
			}
			parts, _ := filepath.Glob(filepath.Join(out, "pub", "*.part"))
			if len(parts) > 0 {
				t.Errorf(".part files left: %v", parts)
			}
		}
	}
}

func TestGetFolderAsNewNameAndSkipSummary(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	files := tree(3)
	for p, b := range files {
		d.WriteFile(t, "pub/"+p, b)
	}
	out := filepath.Join(t.TempDir(), "copy")
	if code, _, stderr := run(t, "get", base(d)+"pub", out); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "deep", "er", "x.bin")); !bytes.Equal(got, files["deep/er/x.bin"]) {
		t.Fatalf("folder not copied as %s", out)
	}
	// Again into the same place: every file exists, so every job is
	// skipped, named on stderr and counted; exit 0.
	parent := filepath.Dir(out)
	if err := os.Rename(out, filepath.Join(parent, "pub")); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(parent, "pub", "f001.txt"))
	code, _, stderr := run(t, "get", "--parallel", "3", base(d)+"pub", parent)
	if code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "skipped /pub/f000.txt") || !strings.Contains(stderr, "1 done, 4 skipped, 0 failed") {
		t.Errorf("stderr %q", stderr)
	}
}

func TestGetSeveralWithOneMissing(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	d.WriteFile(t, "a.txt", []byte("a"))
	out := t.TempDir()
	code, _, stderr := run(t, "get", base(d)+"a.txt", base(d)+"nope.txt", out)
	if code != 1 || !strings.Contains(stderr, "get /nope.txt") || !strings.Contains(stderr, "550") || !strings.Contains(stderr, "1 done, 0 skipped, 1 failed") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "a.txt")); string(b) != "a" {
		t.Errorf("a.txt: %q", b)
	}
	// Several sources need a folder.
	if code, _, _ := run(t, "get", base(d)+"a.txt", base(d)+"b.txt", filepath.Join(out, "missing")); code != 2 {
		t.Errorf("several into a non-folder: exit %d, want 2", code)
	}
}

func TestGetStreams(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	data := payload(1<<20 + 3)
	d.WriteFile(t, "s.bin", data)
	code, stdout, stderr := run(t, "get", base(d)+"s.bin", "-")
	if code != 0 || stdout != string(data) {
		t.Fatalf("stdout: exit %d, %d bytes\n%s", code, len(stdout), stderr)
	}
	if code, _, stderr := run(t, "get", "--active", base(d)+"s.bin", base(d)+"s.bin", "/dev/null"); code != 0 {
		t.Fatalf("/dev/null: exit %d\n%s", code, stderr)
	}
}

func TestPutFoldersSeveralSourcesParallel(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	src := t.TempDir()
	files := tree(15)
	for p, b := range files {
		fp := filepath.Join(src, "up", filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(fp), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fp, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	single := filepath.Join(src, "single.txt")
	if err := os.WriteFile(single, []byte("single"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.MkdirAll(t, "in")
	for i, mode := range []string{"--passive", "--active"} {
		par := []string{"1", "4"}[i]
		code, _, stderr := run(t, "put", mode, "--parallel", par, "--on-conflict", "overwrite", filepath.Join(src, "up"), single, base(d)+"in")
		if code != 0 {
			t.Fatalf("put %s: exit %d\n%s", mode, code, stderr)
		}
		for p, b := range files {
			if got := d.ReadFile(t, "in/up/"+p); !bytes.Equal(got, b) {
				t.Errorf("%s %s: %d bytes, want %d", mode, p, len(got), len(b))
			}
		}
		if got := d.ReadFile(t, "in/single.txt"); string(got) != "single" {
			t.Errorf("single: %q", got)
		}
	}
	// A single file to a new remote name, then again: skipped by default.
	if code, _, stderr := run(t, "put", single, base(d)+"renamed.txt"); code != 0 {
		t.Fatalf("put as name: exit %d\n%s", code, stderr)
	}
	if got := d.ReadFile(t, "renamed.txt"); string(got) != "single" {
		t.Errorf("renamed.txt: %q", got)
	}
	code, _, stderr := run(t, "put", single, base(d)+"renamed.txt")
	if code != 0 || !strings.Contains(stderr, "skipped") || !strings.Contains(stderr, "0 done, 1 skipped") {
		t.Errorf("second put: exit %d, %q", code, stderr)
	}
}
