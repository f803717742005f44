package cells

import (
	"strings"
	"testing"
)

func TestFit(t *testing.T) {
	for _, c := range []struct {
		s    string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abc", 3, "abc"},
		{"abcdef", 4, "abc…"},
		{"abc", 0, ""},
		{"", -1, ""},
		{"日本", 3, "日…"},
	} {
		if got := Fit(c.s, c.w); got != c.want {
			t.Errorf("Fit(%q, %d) = %q, want %q", c.s, c.w, got, c.want)
		}
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 1023: "1023", 1536: "1.5K", 23 << 20: "23M", 4 << 30: "4.0G", 1 << 50: "1.0P"} {
		if got := HumanSize(n); got != want {
			t.Errorf("HumanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestBreak(t *testing.T) {
	tests := []struct {
		text        string
		first, rest int
		want        []string
	}{
		{"short", 10, 6, []string{"short"}},
		{"aaaa bbbb cccc", 10, 6, []string{"aaaa bbbb", "cccc"}},
		{"aaaaaaaaaaaaaa", 10, 6, []string{"aaaaaaaaaa", "aaaa"}},
		{"a bbbbbbbbbbbbbbb", 10, 6, []string{"a bbbbbbbb", "bbbbbb", "b"}}, // a space early in the line is not a break
		{"日本語の名前です", 6, 4, []string{"日本語", "の名", "前で", "す"}},
	}
	for _, tc := range tests {
		if got := Break(tc.text, tc.first, tc.rest); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Break(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestWindow(t *testing.T) {
	lines := []string{"one", "two", "three", "a long fourth line"}
	for _, c := range []struct {
		offset, room, w int
		want            string
	}{
		{0, 2, 10, "one|two"},
		{1, 2, 10, "two|three"},
		{9, 2, 10, "three|a long fo…"}, // held back: the last page is full
		{-3, 9, 10, "one|two|three|a long fo…"},
		{0, 0, 10, "one"}, // at least one row
	} {
		if got := strings.Join(Window(lines, c.offset, c.room, c.w), "|"); got != c.want {
			t.Errorf("Window(%d, %d, %d) = %q, want %q", c.offset, c.room, c.w, got, c.want)
		}
	}
	if lines[3] != "a long fourth line" {
		t.Error("Window changed its input")
	}
}
