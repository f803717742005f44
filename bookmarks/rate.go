package bookmarks

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxRate is the largest rate ParseRate accepts: 1 PiB/s, far above any
// link, and far below what overflows.
const MaxRate = 1 << 50

// ParseRate reads a transfer rate limit (--limit-rate, limit_rate) in
// bytes per second: a number, whole or with a fraction, with an optional
// unit K, M or G (any case, optionally followed by "iB" or "B", and
// "/s"). Units are binary, as ftpdeck shows sizes and speeds and as curl,
// wget and lftp read them: 500K is 500 KiB/s, 1.5M is 1.5 MiB/s, 2G is
// 2 GiB/s; a bare number is bytes. "" and "0" mean no limit (0). The
// error says what is wanted.
func ParseRate(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, nil
	}
	num := strings.TrimSuffix(strings.ToLower(t), "/s")
	mult := 1.0
	for _, u := range []string{"ib", "b"} {
		if strings.HasSuffix(num, u) && len(num) > len(u) && strings.ContainsRune("kmg", rune(num[len(num)-len(u)-1])) {
			num = num[:len(num)-len(u)]
			break
		}
	}
	if num != "" {
		switch num[len(num)-1] {
		case 'k':
			mult = 1 << 10
		case 'm':
			mult = 1 << 20
		case 'g':
			mult = 1 << 30
		case 'b':
			num = num[:len(num)-1] // "100B"
		}
		if mult > 1 {
			num = num[:len(num)-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("%q %s: want bytes per second such as 500K, 10M or 1.5M (K, M, G are KiB, MiB, GiB; 0 = no limit)", s, why)
	}
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(num, "xp_"):
		return bad("is not a rate")
	case v < 0:
		return bad("is negative")
	case v*mult > MaxRate:
		return bad("is too large")
	}
	bps := int64(math.Round(v * mult))
	if v > 0 && bps < 1 {
		return bad("is less than one byte per second")
	}
	return bps, nil
}

// FormatRate writes bps the way ParseRate reads it, shortest first:
// "10M", "1.5M", "500K", "1000"; "0" for no limit.
func FormatRate(bps int64) string {
	for _, u := range []struct {
		div  int64
		unit string
	}{{1 << 30, "G"}, {1 << 20, "M"}, {1 << 10, "K"}} {
		if bps >= u.div {
			v := float64(bps) / float64(u.div)
			s := strconv.FormatFloat(v, 'f', -1, 64)
			if r, _ := ParseRate(s + u.unit); r == bps && len(s) <= 6 {
				return s + u.unit
			}
		}
	}
	return strconv.FormatInt(bps, 10)
}

// validRate reports a limit_rate ParseRate refuses, naming the key.
func validRate(r Rate) error {
	s := string(r)
	if _, err := ParseRate(s); err != nil {
		return fmt.Errorf("limit_rate %w", err)
	}
	return nil
}

// Rate is limit_rate as written in config.toml or bookmarks.toml: a string
// ParseRate reads ("10M", "500K"), or a plain number of bytes per second
// (limit_rate = 1048576), which is as natural to write in TOML.
type Rate string

// UnmarshalTOML takes a string or a non-negative integer.
func (r *Rate) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*r = Rate(v)
	case int64:
		if v < 0 {
			return fmt.Errorf("limit_rate %d: a rate cannot be negative", v)
		}
		*r = Rate(strconv.FormatInt(v, 10))
	default:
		return fmt.Errorf("limit_rate %v: want bytes per second, as a number (1048576) or a string (\"1M\", \"500K\")", v)
	}
	return nil
}
