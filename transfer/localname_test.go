package transfer

import (
	"runtime"
	"strings"
	"testing"
)

// platforms are the builds ftpdeck ships for: every table below runs for
// each of them on any machine.
var platforms = []string{"linux", "windows", "darwin", "freebsd"}

// TestNameRulesHostileServer feeds names a hostile server could list to
// every platform's rules: each must be refused exactly where its platform
// would turn it into something other than one plain file in the folder.
func TestNameRulesHostileServer(t *testing.T) {
	refusedOn := func(oses ...string) map[string]bool {
		m := map[string]bool{}
		for _, o := range oses {
			m[o] = true
		}
		return m
	}
	all := refusedOn(platforms...)
	win := refusedOn("windows")
	none := refusedOn()
	cases := []struct {
		name    string
		refused map[string]bool
	}{
		{"CON.txt", win}, {"con", win}, {"Con.tar.gz", win}, {"nul", win}, {"NUL .txt", win},
		{"prn.log", win}, {"aux", win}, {"COM1", win}, {"com9.bin", win}, {"LPT1.txt", win},
		{"lpt9", win}, {"COM0", win}, {"COM¹.x", win}, {"CONIN$", win}, {"conout$.log", win},
		{"a:b", all}, {"file.txt:secret", win}, {"ab:c", win}, {"file.txt::$DATA", win},
		{"x.", win}, {"x ", win}, {"x. ", win}, {"...", win},
		{"a<b", win}, {"a>b", win}, {"a|b", win}, {"a?b", win}, {"a*b", win}, {`a"b`, win}, {"a\tb", win},
		{`a\b`, win}, {`..\..\evil`, win}, {"a/b", all}, {"..", all}, {".", all}, {"", all},
		{"a\x00b", all}, {"C:evil", all},
		// Plain names, and names that only look like the above.
		{"CONSOLE.txt", none}, {"COM10", none}, {"LPT", none}, {"nul-report.txt", none}, {"xCON", none},
		{".profile", none}, {"a.b.c", none}, {"name with spaces.txt", none}, {"日本語.txt", none},
		{"it's \"quoted\"", refusedOn("windows")}, {"bad\xffbyte", none},
	}
	for _, goos := range platforms {
		r := RulesFor(goos)
		for _, c := range cases {
			why := r.Problem(c.name)
			if got := why != ""; got != c.refused[goos] {
				t.Errorf("%s: Problem(%q) = %q, want refused=%v", goos, c.name, why, c.refused[goos])
			}
		}
	}
}

// TestNameRulesCase: names that differ only in case (or, on macOS, in
// Unicode normalization) are one file where the file system says so, and
// two files elsewhere.
func TestNameRulesCase(t *testing.T) {
	same := map[string]bool{"windows": true, "darwin": true}
	pairs := []struct {
		a, b  string
		onMac bool // same on macOS only (normalization)
	}{
		{"Report.TXT", "report.txt", false},
		{"ÄRGER", "ärger", false},
		{"caf\u00e9", "cafe\u0301", true}, // NFC and NFD of "café"
	}
	for _, goos := range platforms {
		for _, p := range pairs {
			n := NewLocalNames(RulesFor(goos))
			if why := n.Add(p.a); why != "" {
				t.Fatalf("%s: Add(%q) = %q", goos, p.a, why)
			}
			why := n.Add(p.b)
			want := same[goos] && (!p.onMac || goos == "darwin")
			if got := why != ""; got != want {
				t.Errorf("%s: %q after %q: %q, want conflict=%v", goos, p.b, p.a, why, want)
			}
			if want && !strings.Contains(why, p.a) {
				t.Errorf("%s: conflict %q does not name the first name %q", goos, why, p.a)
			}
			if why := n.Add(p.a); why != "" {
				t.Errorf("%s: the same name twice is not a conflict, got %q", goos, why)
			}
		}
	}
	// Two different invalid names both become U+FFFD on Windows.
	n := NewLocalNames(RulesFor("windows"))
	n.Add("a\xff")
	if n.Add("a\xfe") == "" {
		t.Error("windows: a\\xff and a\\xfe are one file name (U+FFFD), want a conflict")
	}
}

// TestLocalNameProblemIsThisPlatform: the drop-in uses the running
// platform's table.
func TestLocalNameProblemIsThisPlatform(t *testing.T) {
	for _, name := range []string{"CON.txt", "a:b", "x.", "plain.txt", "a/b"} {
		if got, want := LocalNameProblem(name), RulesFor(runtime.GOOS).Problem(name); got != want {
			t.Errorf("LocalNameProblem(%q) = %q, want %s's %q", name, got, runtime.GOOS, want)
		}
	}
}
