package transfer

import "fmt"

// HumanBytes formats a byte count (or a rate in bytes per second) in IEC
// units with one decimal, as every part of ftpdeck shows sizes: "512 B",
// "1.5 MiB", "2.0 GiB".
func HumanBytes(b float64) string {
	const unit = 1024
	if b < unit {
		return fmt.Sprintf("%.0f B", b)
	}
	div, exp := float64(unit), 0
	for n := b / unit; n >= unit && exp < 4; n /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", b/div, "KMGTP"[exp])
}
