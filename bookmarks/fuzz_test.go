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
	f.Fuzz(func(t *testing.T, raw string) {
		site, reason := lftpSite("n", raw)
		if reason != "" {
			if u := strings.Index(raw, "@"); u > 0 && strings.Contains(reason, raw[:u]) && len(raw[:u]) > 8 {
				t.Fatalf("reason %q quotes the URL's credentials", reason)
			}
			return
		}
		if site.Host == "" {
			t.Fatal("site without host")
		}
	})
}
