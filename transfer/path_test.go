package transfer

import "testing"

func TestURLPathsRelativeToLoginFolder(t *testing.T) {
	cases := []struct {
		url, path string
	}{
		{"ftp://h", ""},
		{"ftp://h/", ""},
		{"ftp://h/pub/a.txt", "pub/a.txt"},
		{"ftp://h/pub/", "pub/"},
		{"ftp://h/%2Fetc/motd", "/etc/motd"},
		{"ftp://h/%2fetc/motd", "/etc/motd"},
		{"ftp://h/%2F", "/"},
		{"ftp://h//etc/motd", "/etc/motd"},
		{"ftp://h//", "/"},
		{"ftp://h/a%20b/%C3%BC.txt", "a b/ü.txt"},
		{"ftp://h/pub/a.txt;type=i", "pub/a.txt"},
		{"ftp://h/pub/a;type=x", "pub/a;type=x"},
		{"ftp://h/100%25.txt", "100%.txt"},
	}
	for _, c := range cases {
		site, _, err := ParseURL(c.url)
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		if site.Path != c.path {
			t.Errorf("%s: path %q, want %q", c.url, site.Path, c.path)
		}
	}
}

func TestResolvePath(t *testing.T) {
	cases := []struct {
		home, p, want string
	}{
		{"/home/alice", "", "/home/alice"},
		{"/home/alice", "pub/a.txt", "/home/alice/pub/a.txt"},
		{"/home/alice", "pub/", "/home/alice/pub/"},
		{"/home/alice", "../bob/x", "/home/bob/x"},
		{"/", "pub", "/pub"},
		{"/", "", "/"},
		{"/home/alice", "/etc/motd", "/etc/motd"},
		{"/home/alice", "/", "/"},
		{"/home/alice", "//srv//x/", "/srv/x/"},
		{"C:/users/alice", "pub", "pub"},
		{"", "pub", "pub"},
	}
	for _, c := range cases {
		if got := ResolvePath(c.home, c.p); got != c.want {
			t.Errorf("ResolvePath(%q, %q) = %q, want %q", c.home, c.p, got, c.want)
		}
	}
}
