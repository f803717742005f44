package bookmarks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask
		t.Fatal(err)
	}
}

func fullSite() Site {
	return Site{
		Name: "work", Host: "ftp.example.com", Port: 2121, User: "bob",
		Password: `se"cr\et#1`, TLS: TLSExplicit, Mode: ModeActive,
		ActiveAddr: "203.0.113.7", ActivePorts: "50000-50100", TrustPASVAddress: true,
		RemoteDir: "/pub/中文", LocalDir: "/home/bob/dl", Parallel: 4, Encoding: "gbk",
		LastGoodMode: ModePassive,
	}
}

func TestOpenMissingIsEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg")
	s, notices, err := Open(dir)
	if err != nil || len(notices) != 0 {
		t.Fatalf("Open: %v %v", notices, err)
	}
	if len(s.List()) != 0 {
		t.Fatalf("List = %v", s.List())
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open created the folder: %v", err)
	}
}

func TestSaveRoundTripAndPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "ftpdeck")
	s, _, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sites := []Site{
		fullSite(),
		{Name: "Anon", Host: "ftp.gnu.org"},
		{Name: "cam", Host: "192.168.1.20", User: "admin", PasswordCmd: "pass show cam"},
	}
	for _, site := range sites {
		if err := s.Put(site); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("folder mode = %04o, want 0700", got)
	}
	fi, err = os.Stat(filepath.Join(dir, BookmarksFile))
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("file mode = %04o, want 0600", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only %s (no temp files): %v", len(entries), BookmarksFile, entries)
	}

	s2, notices, err := Open(dir)
	if err != nil || len(notices) != 0 {
		t.Fatalf("reopen: %v %v", notices, err)
	}
	got := s2.List()
	want := []Site{sites[1], sites[2], sites[0]} // Anon, cam, work
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	data, _ := os.ReadFile(filepath.Join(dir, BookmarksFile))
	for _, key := range []string{"[[site]]", "name = ", "password_cmd = ", "tls = ", "active_ports = ", "trust_pasv_address = ", "last_good_mode = "} {
		if !strings.Contains(string(data), key) {
			t.Errorf("file lacks %q:\n%s", key, data)
		}
	}
	if strings.Count(string(data), "password = ") != 1 {
		t.Errorf("password written for a site that has none:\n%s", data)
	}
}

func TestStoreEdits(t *testing.T) {
	dir := t.TempDir()
	s, _, _ := Open(dir)
	if err := s.Put(Site{Name: "x", Host: "h"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(Site{Name: "x", Host: "h2"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get("x"); got.Host != "h2" || len(s.List()) != 1 {
		t.Fatalf("Put did not replace: %+v", s.List())
	}
	if err := s.Put(Site{Name: "bad", Host: "h", TLS: "yes"}); err == nil {
		t.Error("Put accepted tls = yes")
	}
	if err := s.Put(Site{Name: "y", Host: "h"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Replace("x", Site{Name: "y", Host: "h"}); err == nil {
		t.Error("Replace onto an existing name succeeded")
	}
	if err := s.Replace("x", Site{Name: "z", Host: "h3"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Get("x"); ok {
		t.Error("old name still there after Replace")
	}
	if err := s.Delete("z"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("z"); err == nil {
		t.Error("Delete of a missing name succeeded")
	}
	if names := siteNames(s.List()); !reflect.DeepEqual(names, []string{"y"}) {
		t.Errorf("names = %v", names)
	}
}

func siteNames(sites []Site) []string {
	var n []string
	for _, s := range sites {
		n = append(n, s.Name)
	}
	return n
}

func TestSetLastGoodModeSaves(t *testing.T) {
	dir := t.TempDir()
	s, _, _ := Open(dir)
	if err := s.Put(Site{Name: "plc", Host: "10.0.0.5"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLastGoodMode("plc", ModeActive); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLastGoodMode("plc", "sideways"); err == nil {
		t.Error("accepted mode sideways")
	}
	if err := s.SetLastGoodMode("nope", ModeActive); err == nil {
		t.Error("accepted a missing site")
	}
	s2, _, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s2.Get("plc"); got.LastGoodMode != ModeActive {
		t.Errorf("last_good_mode = %q after reopen", got.LastGoodMode)
	}
}

func TestWidePermissionsFixed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, BookmarksFile)
	writeFile(t, path, "[[site]]\nname = \"a\"\nhost = \"h\"\npassword = \"pw\"\n", 0o644)
	s, notices, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || !strings.Contains(notices[0].String(), "0644") || !strings.Contains(notices[0].String(), "0600") {
		t.Errorf("notices = %v, want one naming 0644 and 0600", notices)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %04o after Open, want 0600", fi.Mode().Perm())
	}
	if len(s.List()) != 1 {
		t.Errorf("sites = %v", s.List())
	}
}

func TestUnknownKeyNotice(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, BookmarksFile), "[[site]]\nname = \"a\"\nhost = \"h\"\nprot = 1\n", 0o600)
	_, notices, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || !strings.Contains(notices[0].Text, "site.prot") {
		t.Errorf("notices = %v", notices)
	}
}

func TestBadFilesAreNeverOverwritten(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"syntax", "[[site]]\nname = \"a\"\nhost = \"h\n", "bookmarks.toml:3:"},
		{"bad value", "[[site]]\nname = \"a\"\nhost = h\n", "bookmarks.toml:3:8:"},
		{"type mismatch", "[[site]]\nname = \"a\"\nhost = \"h\"\nport = \"x\"\n", "bookmarks.toml:4:"},
		{"password not quoted", "[[site]]\nname = \"a\"\nhost = \"h\"\npassword = hunter2\n", "bookmarks.toml:4:"},
		{"unknown tls", "[[site]]\nname = \"a\"\nhost = \"h\"\ntls = \"yes\"\n", `tls "yes" is not one of`},
		{"unknown transfer type", "[[site]]\nname = \"a\"\nhost = \"h\"\ntransfer_type = \"ebcdic\"\n", `transfer_type "ebcdic" is not one of`},
		{"unknown mode", "[[site]]\nname = \"a\"\nhost = \"h\"\nmode = \"pasv\"\n", `mode "pasv"`},
		{"bad port range", "[[site]]\nname = \"a\"\nhost = \"h\"\nactive_ports = \"9-1\"\n", "active_ports"},
		{"empty host", "[[site]]\nname = \"a\"\n", "host is empty"},
		{"duplicate", "[[site]]\nname = \"a\"\nhost = \"h\"\n[[site]]\nname = \"a\"\nhost = \"i\"\n", `"a" is used twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, BookmarksFile)
			writeFile(t, path, tt.text, 0o600)
			s, _, err := Open(dir)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			t.Log(err)
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows the password: %v", err)
			}
			if s == nil {
				t.Fatal("Open returned no store")
			}
			if err := s.Put(Site{Name: "new", Host: "n"}); err != nil {
				t.Fatal(err)
			}
			if err := s.Save(); !errors.Is(err, ErrNotLoaded) {
				t.Errorf("Save = %v, want ErrNotLoaded", err)
			}
			if err := s.Put(Site{Name: "a", Host: "h"}); err != nil {
				t.Fatal(err)
			}
			if err := s.SetLastGoodMode("a", ModeActive); !errors.Is(err, ErrNotLoaded) {
				t.Errorf("SetLastGoodMode = %v, want ErrNotLoaded", err)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tt.text {
				t.Errorf("file changed:\n%s", got)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("folder holds %v", entries)
			}
		})
	}
}

func TestSaveThroughSymlinkKeepsLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "bookmarks.toml")
	writeFile(t, real, "", 0o600)
	cfg := filepath.Join(dir, "cfg")
	if err := os.MkdirAll(cfg, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(cfg, BookmarksFile)); err != nil {
		t.Skip(err)
	}
	s, _, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(Site{Name: "a", Host: "h"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(filepath.Join(cfg, BookmarksFile))
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("link replaced: %v %v", fi, err)
	}
	if data, _ := os.ReadFile(real); !strings.Contains(string(data), `name = "a"`) {
		t.Errorf("target not written:\n%s", data)
	}
}

func TestConcurrentUse(t *testing.T) {
	dir := t.TempDir()
	s, _, _ := Open(dir)
	if err := s.Put(Site{Name: "a", Host: "h"}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	for i := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			mode := ModePassive
			if i%2 == 0 {
				mode = ModeActive
			}
			for range 20 {
				_ = s.SetLastGoodMode("a", mode)
				_ = s.List()
				_, _ = s.Get("a")
			}
		}()
	}
	for range 4 {
		<-done
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("folder holds %v", entries)
	}
}

// A site's fallback is kept as written: false and true survive a save,
// and a site without the key leaves it unset (config.toml decides).
func TestFallbackKey(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "bookmarks.toml"),
		"[[site]]\nname = \"off\"\nhost = \"h\"\nfallback = false\n\n[[site]]\nname = \"on\"\nhost = \"h\"\nfallback = true\n\n[[site]]\nname = \"unset\"\nhost = \"h\"\n", 0o600)
	s, notices, err := Open(dir)
	if err != nil || len(notices) > 0 {
		t.Fatalf("Open: %v %v", notices, err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s, _, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"off": "false", "on": "true", "unset": "unset"} {
		b, _ := s.Get(name)
		got := "unset"
		if b.Fallback != nil {
			got = fmt.Sprint(*b.Fallback)
		}
		if got != want {
			t.Errorf("%s: fallback %s after a save, want %s", name, got, want)
		}
	}
}
