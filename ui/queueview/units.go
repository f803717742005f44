package queueview

import (
	"fmt"
	"time"
)

// Sizes and speeds in the queue pane, its header and the status bar are
// written in one unit system, IEC binary units: 1 KiB = 1024 bytes, and a
// speed is a size per second (MiB/s), as lftp and FileZilla show them.

var iecUnits = [...]string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}

// Size formats n bytes in IEC units: "512 B", "14.7 KiB", "650 MiB",
// "1.0 GiB". Values under 100 keep one decimal; negative sizes are "?".
func Size(n int64) string {
	if n < 0 {
		return "?"
	}
	return scaled(float64(n))
}

// Rate formats a speed in bytes per second: "14.7 MiB/s"; "" when it is
// not positive.
func Rate(bps float64) string {
	if bps <= 0 {
		return ""
	}
	return scaled(bps) + "/s"
}

func scaled(v float64) string {
	i := 0
	for v >= 1024 && i < len(iecUnits)-1 {
		v /= 1024
		i++
	}
	switch {
	case i == 0:
		return fmt.Sprintf("%.0f B", v)
	case v < 99.95:
		return fmt.Sprintf("%.1f %s", v, iecUnits[i])
	}
	return fmt.Sprintf("%.0f %s", v, iecUnits[i])
}

// ETA formats a remaining time: "42s", "3m05s", "2h10m"; "" when it is
// negative or beyond 99 hours.
func ETA(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < 0 || d >= 100*time.Hour:
		return ""
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// eta is the time left for left bytes at bps, "" when unknown.
func eta(left int64, bps float64) string {
	if bps <= 0 || left <= 0 {
		return ""
	}
	return ETA(time.Duration(float64(left) / bps * float64(time.Second)))
}
