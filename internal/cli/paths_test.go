package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ftpdeck/internal/ftpd"
)

// TestURLPathsBothServerShapes runs ls, get and put with URL paths as
// users write them against every daemon, chrooted and as Debian ships
// vsftpd (no chroot): the path is relative to the login folder, "%2F"
// (or "//") starts at the server's root.
func TestURLPathsBothServerShapes(t *testing.T) {
	for _, kind := range ftpd.Kinds() {
		for _, noChroot := range []bool{false, true} {
			name := fmt.Sprintf("%s/chroot", kind)
			if noChroot {
				name = fmt.Sprintf("%s/no-chroot", kind)
			}
			t.Run(name, func(t *testing.T) {
				d := ftpd.Start(t, kind, ftpd.Options{NoChroot: noChroot})
				checkURLPaths(t, d, noChroot)
			})
		}
	}
}

func checkURLPaths(t *testing.T, d *ftpd.Daemon, noChroot bool) {
	small := payload(2048)
	d.WriteFile(t, "small2k", small)
	d.WriteFile(t, "pub/a.txt", []byte("alpha\n"))
	d.WriteFile(t, "pub/deep/b.txt", []byte("beta\n"))
	u := base(d) // ftp://user:pw@host:port/

	// ls of the URL's root is the login folder, whatever "/" is.
	code, stdout, stderr := run(t, "ls", u)
	if code != 0 || !hasEntry(stdout, "small2k") || !hasEntry(stdout, "pub") {
		t.Fatalf("ls %s: exit %d\n%s%s", u, code, stdout, stderr)
	}
	code, stdout, stderr = run(t, "ls", u+"pub")
	if code != 0 || !hasEntry(stdout, "a.txt") || !hasEntry(stdout, "deep") {
		t.Fatalf("ls pub: exit %d\n%s%s", code, stdout, stderr)
	}
	// %2F and // start at the server's root: the machine's root when not
	// chrooted (it has etc and tmp), the login folder when chrooted.
	for _, root := range []string{u + "%2F", u + "/"} {
		code, stdout, stderr = run(t, "ls", root)
		if code != 0 {
			t.Fatalf("ls %s: exit %d\n%s", root, code, stderr)
		}
		if noChroot != hasEntry(stdout, "etc") || noChroot == hasEntry(stdout, "small2k") {
			t.Fatalf("ls %s (no chroot %v) listed:\n%s", root, noChroot, stdout)
		}
	}
	// The login folder by its absolute name.
	abs := u + "%2F" + strings.TrimPrefix(d.Home, "/")
	if d.Home != "/" {
		abs += "/"
	}
	code, stdout, stderr = run(t, "ls", abs+"pub")
	if code != 0 || !hasEntry(stdout, "a.txt") {
		t.Fatalf("ls %spub: exit %d\n%s%s", abs, code, stdout, stderr)
	}

	out := t.TempDir()
	if code, _, stderr = run(t, "get", u+"small2k", u+"pub", out); code != 0 {
		t.Fatalf("get: exit %d\n%s", code, stderr)
	}
	for rel, want := range map[string][]byte{"small2k": small, "pub/a.txt": []byte("alpha\n"), "pub/deep/b.txt": []byte("beta\n")} {
		if got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel))); err != nil || !bytes.Equal(got, want) {
			t.Errorf("get %s: %v, %q", rel, err, got)
		}
	}
	// A single file to a named target, through the absolute form.
	one := filepath.Join(out, "one")
	if code, _, stderr = run(t, "get", abs+"pub/deep/b.txt", one); code != 0 {
		t.Fatalf("get absolute: exit %d\n%s", code, stderr)
	}
	if got, _ := os.ReadFile(one); string(got) != "beta\n" {
		t.Errorf("get absolute: %q", got)
	}

	src := filepath.Join(t.TempDir(), "up.bin")
	data := payload(70 << 10)
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr = run(t, "put", src, u+"pub/"); code != 0 {
		t.Fatalf("put into pub/: exit %d\n%s", code, stderr)
	}
	if code, _, stderr = run(t, "put", src, u+"renamed.bin"); code != 0 {
		t.Fatalf("put as renamed.bin: exit %d\n%s", code, stderr)
	}
	for _, rel := range []string{"pub/up.bin", "renamed.bin"} {
		if got := d.ReadFile(t, rel); !bytes.Equal(got, data) {
			t.Errorf("put %s: server has %d bytes, want %d", rel, len(got), len(data))
		}
	}
}

// hasEntry tells whether ls output has an entry named name.
func hasEntry(ls, name string) bool {
	for _, l := range strings.Split(ls, "\n") {
		if strings.HasSuffix(l, " "+name) {
			return true
		}
	}
	return false
}

// TestBookmarkRemoteDirRelativeToLoginFolder: a bookmark's remote_dir and
// NAME/PATH follow the URL rule on a server that does not chroot: "pub" is
// under the login folder, "/…" is absolute.
func TestBookmarkRemoteDirRelativeToLoginFolder(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{NoChroot: true})
	d.WriteFile(t, "pub/a.txt", []byte("alpha\n"))
	d.WriteFile(t, "pub/deep/b.txt", []byte("beta\n"))
	cfg := t.TempDir()
	site := func(name, dir string) string {
		return fmt.Sprintf("[[site]]\nname = %q\nhost = %q\nport = %d\nuser = %q\npassword = %q\nremote_dir = %q\n",
			name, d.Host, d.Port, d.User, d.Password, dir)
	}
	toml := site("rel", "pub") + site("abs", d.Home+"/pub") + site("none", "")
	if err := os.WriteFile(filepath.Join(cfg, "bookmarks.toml"), []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{"rel", "abs", "none/pub", "rel/deep/..", "abs/"} {
		code, stdout, stderr := run(t, "ls", "--config", cfg, arg)
		if code != 0 || !hasEntry(stdout, "a.txt") || !hasEntry(stdout, "deep") {
			t.Errorf("ls %s: exit %d\n%s%s", arg, code, stdout, stderr)
		}
	}
	out := filepath.Join(t.TempDir(), "b.txt")
	if code, _, stderr := run(t, "get", "--config", cfg, "rel/deep/b.txt", out); code != 0 {
		t.Fatalf("get rel/deep/b.txt: exit %d\n%s", code, stderr)
	}
	if got, _ := os.ReadFile(out); string(got) != "beta\n" {
		t.Errorf("got %q", got)
	}
}

func TestSubPath(t *testing.T) {
	for _, c := range []struct{ dir, sub, want string }{
		{"", "a/b", "a/b"},
		{"", "a/", "a/"},
		{"pub", "a", "pub/a"},
		{"/srv", "a/", "/srv/a/"},
		{"/", "x", "/x"},
		{"/srv", "/", "/srv/"},
	} {
		if got := subPath(c.dir, c.sub); got != c.want {
			t.Errorf("subPath(%q, %q) = %q, want %q", c.dir, c.sub, got, c.want)
		}
	}
}
