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
