package bookmarks

import (
	"strings"
	"testing"
)

// TestParseRate: the forms curl, wget and lftp users write, in IEC units.
func TestParseRate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"", 0}, {"0", 0}, {" 0 ", 0}, {"0K", 0},
		{"1", 1}, {"1048576", 1 << 20}, {"100B", 100},
		{"500K", 500 << 10}, {"500k", 500 << 10}, {"500KB", 500 << 10}, {"500KiB", 500 << 10}, {"500kib/s", 500 << 10},
		{"10M", 10 << 20}, {"10m", 10 << 20}, {"10MiB/s", 10 << 20},
		{"1.5M", 3 << 19}, {"2G", 2 << 30}, {"0.5K", 512}, {"1e3", 1000},
	} {
		got, err := ParseRate(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"fast", "K", "-1M", "10T", "1.5.5M", "0.1", "inf", "NaN", "0x10", "1_000", "10 Mbit", "5ib", "9999999G"} {
		if got, err := ParseRate(in); err == nil || !strings.Contains(err.Error(), "want bytes per second such as 500K") {
			t.Errorf("ParseRate(%q) = %d, %v; want an error saying what is wanted", in, got, err)
		}
	}
}

// TestFormatRate: FormatRate writes what ParseRate reads back to the same
// number, in the shortest unit that is exact.
func TestFormatRate(t *testing.T) {
	for _, c := range []struct {
		in   int64
		want string
	}{{0, "0"}, {1000, "1000"}, {1024, "1K"}, {500 << 10, "500K"}, {3 << 19, "1.5M"}, {10 << 20, "10M"}, {2 << 30, "2G"}, {1536000, "1500K"}, {1234567, "1234567"}} {
		got := FormatRate(c.in)
		if got != c.want {
			t.Errorf("FormatRate(%d) = %q, want %q", c.in, got, c.want)
		}
		if back, err := ParseRate(got); err != nil || back != c.in {
			t.Errorf("ParseRate(FormatRate(%d)) = %d, %v", c.in, back, err)
		}
	}
}
