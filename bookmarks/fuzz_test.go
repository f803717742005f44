package bookmarks

import (
	"strings"
	"testing"
)

func FuzzParseNetrc(f *testing.F) {
	f.Add(sampleNetrc)
	f.Add("macdef x\n\n\"unterminated")
	f.Fuzz(func(t *testing.T, text string) {
		entries, err := ParseNetrc(text)
		if err != nil && len(entries) > 0 {
			t.Fatal("entries with an error")
		}
	})
}

func FuzzSplitCommand(f *testing.F) {
	for _, s := range []string{`a 'b c' "d\"e" f\ g`, `'`, `"\`, "x\ty"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := SplitCommand(s)
		if err == nil && len(words) == 0 {
			t.Fatal("no words and no error")
		}
	})
}

func FuzzFileZillaPath(f *testing.F) {
	for _, s := range []string{"1 0 4 home 3 bob", "1 0", "1 0 99 x", "0 1 x 1 y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := fileZillaPath(s)
		if ok && p != "" && !strings.HasPrefix(p, "/") && !strings.Contains(p, "/") {
			t.Fatalf("path %q", p)
		}
		if ok && strings.Contains(p, "/../") {
			t.Fatalf("path %q climbs", p)
		}
	})
}

func FuzzLftpSite(f *testing.F) {
	f.Add("ftp://bob:s%40cret@ftp.example.com:2121/pub/")
	f.Add("ftp://u:p@host:99999/")
	f.Add("000000000@h:000000000") // the port may read like a password
	f.Fuzz(func(t *testing.T, raw string) {
		site, reason := lftpSite("n", raw)
		if reason != "" {
			if secret := quotedSecret(raw, reason); secret != "" {
				t.Fatalf("reason %q quotes the URL's credentials %q", reason, secret)
			}
			return
		}
		if site.Host == "" {
			t.Fatal("site without host")
		}
	})
}

// quotedSecret returns the user name, password or whole user part of raw
// that reason quotes, when that text is long enough to be telling (more
// than 8 bytes) and is found nowhere else in the URL: the host and port
// after the last "@" may be quoted, even when a password reads the same.
func quotedSecret(raw, reason string) string {
	_, authority, ok := strings.Cut(raw, "://")
	if !ok {
		authority = raw
	}
	if end := strings.IndexAny(authority, "/?#"); end >= 0 {
		authority = authority[:end]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return ""
	}
	userinfo := authority[:at]
	rest := strings.Replace(raw, userinfo+"@", "@", 1)
	user, password, _ := strings.Cut(userinfo, ":")
	for _, secret := range []string{userinfo, user, password} {
		if len(secret) > 8 && strings.Contains(reason, secret) && !strings.Contains(rest, secret) {
			return secret
		}
	}
	return ""
}
