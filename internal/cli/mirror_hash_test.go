package cli

import (
	"strconv"
	"strings"
	"testing"

	"ftpdeck/internal/ftpd"
	"ftpdeck/transfer/wire"
)

func TestPickHash(t *testing.T) {
	cases := []struct {
		feat []string
		want string
	}{
		{[]string{"211-Features:", " MDTM", " XMD5", " XSHA1", " XSHA256", " XCRC", "211 End"}, "XSHA256"},
		{[]string{"211-Features:", " XCRC", " XMD5", "211 End"}, "XMD5"},
		{[]string{"211-Features:", " HASH SHA-1;SHA-256*;MD5", "211 End"}, "HASH"},
		{[]string{"211-Features:", " HASH SHA-512*;SHA-1", "211 End"}, ""},
		{[]string{"211-Features:", " MDTM", " SIZE", "211 End"}, ""},
	}
	for _, c := range cases {
		hc, ok := pickHash(c.feat)
		if got := hc.verb; ok != (c.want != "") || got != c.want {
			t.Errorf("%q: got %q %v, want %q", c.feat, got, ok, c.want)
		}
	}
}

func TestParseHashReply(t *testing.T) {
	sha := "61be55a8e2f6b4e172338bddf184d6dbee29c98853e0a0485ecee7f27b9af0b4"
	cases := []struct {
		verb  string
		lines []string
		size  int
		want  string
	}{
		{"XSHA256", []string{"213 " + sha}, 32, sha},
		{"XSHA256", []string{"250-Computing SHA256 digest", "250 61BE55A8E2F6B4E172338BDDF184D6DBEE29C98853E0A0485ECEE7F27B9AF0B4"}, 32, sha},
		{"HASH", []string{"213 SHA-256 0-4 " + sha + " a.txt"}, 32, sha},
		{"XCRC", []string{"250 1B2C3D4E"}, 4, "1b2c3d4e"},
		{"XMD5", []string{"550 a.txt: No such file"}, 16, ""},
		{"XMD5", []string{"213 notahash"}, 16, ""},
		{"XSHA256", []string{"213 " + sha[:60]}, 32, ""},
	}
	for _, c := range cases {
		r := wire.Reply{Lines: c.lines}
		r.Code, _ = strconv.Atoi(c.lines[len(c.lines)-1][:3])
		got, err := parseHashReply(c.verb, r, c.size)
		if got != c.want || (err == nil) != (c.want != "") {
			t.Errorf("%s %q: got %q, %v; want %q", c.verb, c.lines, got, err, c.want)
		}
	}
}

// TestQuoteAgainstDaemons: quote prints each reply whole (multi-line too)
// and exits 1 on a 4xx/5xx, on every daemon; a command that needs a data
// connection is refused before connecting (exit 2).
func TestQuoteAgainstDaemons(t *testing.T) {
	for _, kind := range ftpd.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			d := ftpd.Start(t, kind, ftpd.Options{})
			code, stdout, stderr := run(t, "quote", "--log", "-", base(d), "STAT", "SITE HELP")
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if len(lines) < 3 || !strings.HasPrefix(lines[0], "211") || !strings.HasPrefix(lines[len(lines)-1], "214") {
				t.Errorf("replies:\n%s", stdout)
			}
			if !strings.Contains(stderr, "> STAT") || !strings.Contains(stderr, "> SITE HELP") {
				t.Errorf("the log lacks the commands:\n%s", stderr)
			}
			code, stdout, _ = run(t, "quote", base(d), "SITE NOSUCHTHING", "NOOP")
			if code != 1 || !strings.Contains(stdout, "200") {
				t.Errorf("SITE NOSUCHTHING then NOOP: exit %d\n%s", code, stdout)
			}
		})
	}
	code, _, stderr := run(t, "quote", "ftp://127.0.0.1:1/", "RETR x")
	if code != 2 || !strings.Contains(stderr, "needs a data connection") {
		t.Errorf("RETR: exit %d %s", code, stderr)
	}
}

// TestPermissionsListed: after SITE CHMOD 600, a listing shows the file as
// -rw------- on every daemon (vsftpd's LIST, pure-ftpd's and proftpd's
// MLSD UNIX.mode), in ls --json's perm.
func TestPermissionsListed(t *testing.T) {
	for _, kind := range ftpd.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			d := ftpd.Start(t, kind, ftpd.Options{})
			d.WriteFile(t, "p/f.txt", []byte("secret"))
			if code, out, errs := run(t, "quote", base(d), "SITE CHMOD 600 p/f.txt"); code != 0 {
				t.Fatalf("chmod: exit %d %s%s", code, out, errs)
			}
			code, out, errs := run(t, "ls", "--json", base(d)+"p")
			if code != 0 || !strings.Contains(out, `"name":"f.txt"`) || !strings.Contains(out, `"perm":"-rw-------"`) {
				t.Fatalf("ls --json: exit %d\n%s%s", code, out, errs)
			}
		})
	}
}
