package bookmarks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleNetrc = `# my netrc
machine ftp.example.com login bob password bobpw
machine ftp.example.com
  login alice
  password "with space \"and\" quote\\"
  account ignored-acct

macdef init
machine evil.example.com login mallory password fromMacro
cd /pub

machine Files.Example.org login carol password pw#not-a-comment # a comment
machine nologin.example.net password onlypw
default login anonymous password me@example.com
`

func TestLookupNetrc(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "netrc")
	writeFile(t, path, sampleNetrc, 0o600)
	tests := []struct {
		name, host, user    string
		wantLogin, wantPass string
		wantOK              bool
	}{
		{"first machine entry without user", "ftp.example.com", "", "bob", "bobpw", true},
		{"machine and login", "ftp.example.com", "bob", "bob", "bobpw", true},
		{"second entry for host, quoted password", "ftp.example.com", "alice", "alice", `with space "and" quote\`, true},
		{"login mismatch does not fall to default", "ftp.example.com", "dave", "", "", false},
		{"macdef body skipped", "evil.example.com", "", "anonymous", "me@example.com", true},
		{"host case-insensitive, # inside a token", "files.example.org", "carol", "carol", "pw#not-a-comment", true},
		{"entry without login matches any user", "nologin.example.net", "zed", "zed", "onlypw", true},
		{"default for unknown host", "other.example.com", "", "anonymous", "me@example.com", true},
		{"default login mismatch", "other.example.com", "bob", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			login, pw, ok, err := LookupNetrc(path, tt.host, tt.user)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.wantOK || login != tt.wantLogin || pw != tt.wantPass {
				t.Errorf("LookupNetrc(%q, %q) = %q, %q, %v; want %q, %q, %v", tt.host, tt.user, login, pw, ok, tt.wantLogin, tt.wantPass, tt.wantOK)
			}
		})
	}
}

func TestLookupNetrcMissingAndEnv(t *testing.T) {
	dir := t.TempDir()
	if _, _, ok, err := LookupNetrc(filepath.Join(dir, "none"), "h", ""); ok || err != nil {
		t.Errorf("missing file: ok=%v err=%v", ok, err)
	}
	path := filepath.Join(dir, "custom")
	writeFile(t, path, "machine h login u password p\n", 0o600)
	t.Setenv("NETRC", path)
	if NetrcPath() != path {
		t.Errorf("NetrcPath = %q", NetrcPath())
	}
	if _, pw, ok, err := LookupNetrc("", "h", "u"); !ok || err != nil || pw != "p" {
		t.Errorf("via $NETRC: %q %v %v", pw, ok, err)
	}
	t.Setenv("NETRC", "")
	t.Setenv("HOME", dir)
	if got := NetrcPath(); got != filepath.Join(dir, ".netrc") {
		t.Errorf("NetrcPath = %q", got)
	}
}

func TestParseNetrcErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"machine h login u password \"secret", "line 1: unterminated"},
		{"machine h login", "login without a value"},
		{"machine", "machine without a value"},
	}
	for _, tt := range tests {
		_, err := ParseNetrc(tt.text)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseNetrc(%q) = %v, want %q", tt.text, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

func TestParseNetrcMacdefAtEnd(t *testing.T) {
	entries, err := ParseNetrc("machine a login x password y\nmacdef m\nline1\nmachine b login z password w")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Machine != "a" {
		t.Errorf("entries = %+v, want only machine a (the rest is the macro)", entries)
	}
}

func TestNetrcNotices(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "netrc")
	writeFile(t, path, "machine h password p\n", 0o644)
	n := NetrcNotices(path)
	if len(n) != 1 || !strings.Contains(n[0].Text, "chmod 600") {
		t.Errorf("notices = %v", n)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Error("NetrcNotices changed the user's file")
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if n := NetrcNotices(path); len(n) != 0 {
		t.Errorf("notices for 0600: %v", n)
	}
}
