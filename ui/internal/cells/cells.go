// Package cells holds the width-aware text helpers every pane and dialog
// renders with, so they cut, pad and size the same way. It imports nothing
// of ui, so any of ui's packages may use it.
package cells

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Fit truncates (with "…") or pads s to exactly w cells; "" when w <= 0.
func Fit(s string, w int) string {
	if sw := ansi.StringWidth(s); sw <= w {
		return s + strings.Repeat(" ", w-sw)
	}
	return ansi.Truncate(s, w, "…")
}

// Truncate cuts s to at most w cells, ending it with "…" when cut. It does
// not pad.
func Truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }

// HumanSize formats n bytes in at most 7 cells: 512, 1.5K, 23M, 4.0G.
func HumanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d", n)
	}
	f := float64(n)
	for _, u := range []string{"K", "M", "G", "T", "P"} {
		f /= unit
		if f < unit {
			if f < 10 {
				return fmt.Sprintf("%.1f%s", f, u)
			}
			return fmt.Sprintf("%.0f%s", f, u)
		}
	}
	return fmt.Sprintf("%.0fE", f/unit)
}

// Break cuts s into lines of at most first cells, then rest cells each: at
// the line's last space when that is in its second half (the space is
// dropped: the line break stands for it), else at the width. No other
// character is lost or added.
func Break(s string, first, rest int) []string {
	var out []string
	w := max(first, 1)
	for ansi.StringWidth(s) > w {
		head := ansi.Truncate(s, w, "")
		next := s[len(head):]
		if i := strings.LastIndexByte(head, ' '); i > len(head)/2 {
			head, next = head[:i], s[i+1:]
		}
		out = append(out, head)
		s, w = next, max(rest, 1)
	}
	return append(out, s)
}

// Window is what a scrolled view of lines shows in room rows: the lines
// from offset (held back so the last page is full), each cut to w cells.
// The lines passed in are not changed.
func Window(lines []string, offset, room, w int) []string {
	room = max(room, 1)
	off := min(max(offset, 0), max(len(lines)-room, 0))
	shown := append([]string(nil), lines[off:min(off+room, len(lines))]...)
	for i, l := range shown {
		shown[i] = Truncate(l, w)
	}
	return shown
}
