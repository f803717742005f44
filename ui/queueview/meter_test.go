package queueview

import (
	"math"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC)

// feed runs a meter over samples of (interval, bytes) and returns the
// rate after each.
func feed(m *Meter, start time.Time, samples [][2]float64) []float64 {
	now := start
	m.Add(now, 0)
	out := make([]float64, len(samples))
	for i, s := range samples {
		now = now.Add(time.Duration(s[0] * float64(time.Second)))
		m.Add(now, int64(s[1]))
		out[i] = m.Rate()
	}
	return out
}

func TestMeter(t *testing.T) {
	const mib = 1 << 20
	steady := 14.7 * mib
	// The case: a steady 14.7 MiB/s read every 200 ms as bursts
	// between 10 and 19 MiB/s.
	jitter := make([][2]float64, 100)
	for i := range jitter {
		r := 10.0 * mib
		if i%2 == 1 {
			r = 2*steady - r
		}
		jitter[i] = [2]float64{0.2, r * 0.2}
	}
	// The same bytes at uneven intervals.
	uneven := make([][2]float64, 0, 100)
	for i := 0; len(uneven) < 100; i++ {
		dt := []float64{0.1, 0.35, 0.2, 0.15}[i%4]
		uneven = append(uneven, [2]float64{dt, steady * dt})
	}
	// A step from 10 to 20 MiB/s after 20 s.
	step := make([][2]float64, 200)
	for i := range step {
		r := 10.0 * mib
		if i >= 100 {
			r = 20 * mib
		}
		step[i] = [2]float64{0.2, r * 0.2}
	}
	tests := []struct {
		name    string
		samples [][2]float64
		check   func(t *testing.T, rates []float64)
	}{
		{"jitter stays within 3% of the mean", jitter, func(t *testing.T, rates []float64) {
			for i, r := range rates[10:] { // after 2 s
				if math.Abs(r-steady)/steady > 0.03 {
					t.Fatalf("sample %d: %s, want %s ± 3%%", i+10, Rate(r), Rate(steady))
				}
			}
		}},
		{"uneven intervals measure the steady rate", uneven, func(t *testing.T, rates []float64) {
			if r := rates[len(rates)-1]; math.Abs(r-steady)/steady > 0.001 {
				t.Fatalf("%s, want %s", Rate(r), Rate(steady))
			}
		}},
		{"a step shows two thirds of itself after one window", step, func(t *testing.T, rates []float64) {
			// Window (5 s) after the step = sample 100+25-1.
			got := (rates[124] - 10*mib) / (10 * mib)
			if got < 0.6 || got > 0.72 {
				t.Fatalf("after one window %.2f of the step, want about 0.63", got)
			}
			if r := rates[len(rates)-1]; r < 19*mib {
				t.Fatalf("after 20 s at 20 MiB/s still %s", Rate(r))
			}
		}},
		{"samples closer than 100 ms are pooled", [][2]float64{{0.01, 1e6}, {0.01, 0}, {0.08, 0}}, func(t *testing.T, rates []float64) {
			if rates[0] != 0 || rates[1] != 0 {
				t.Fatalf("rate from a 10 ms sample: %v", rates)
			}
			if math.Abs(rates[2]-10e6) > 1 {
				t.Fatalf("pooled rate %v, want 1e6 bytes over 100 ms", rates[2])
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Meter
			tc.check(t, feed(&m, t0, tc.samples))
		})
	}
}

// TestETAHoldsStill: a 1 GiB file at the jittery 14.7 MiB/s. Once
// warmed up, the ETA shown each second is the one before minus about a
// second, give or take two — not the 43 s ↔
// 1m26s swings the issue saw.
func TestETAHoldsStill(t *testing.T) {
	const size = 1 << 30
	var m Meter
	now, done := t0, int64(0)
	m.Add(now, 0)
	var prev time.Duration
	for i := 1; i <= 250; i++ { // 50 s of 200 ms ticks
		r := 10.0 * (1 << 20)
		if i%2 == 0 {
			r = 19.4 * (1 << 20)
		}
		n := int64(r * 0.2)
		now, done = now.Add(200*time.Millisecond), done+n
		m.Add(now, n)
		if i%5 != 0 || i < 25 {
			continue
		}
		left := time.Duration(float64(size-done) / m.Rate() * float64(time.Second))
		if prev != 0 {
			if d := prev - left; d < -time.Second || d > 3*time.Second {
				t.Fatalf("at %ds the ETA went %s → %s", i/5, prev.Round(time.Second), left.Round(time.Second))
			}
		}
		prev = left
	}
}

func TestUnits(t *testing.T) {
	sizes := []struct {
		n    int64
		want string
	}{
		{-1, "?"}, {0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"},
		{99 << 20, "99.0 MiB"}, {650 << 20, "650 MiB"}, {1 << 30, "1.0 GiB"}, {1023 << 20, "1023 MiB"},
	}
	for _, tc := range sizes {
		if got := Size(tc.n); got != tc.want {
			t.Errorf("Size(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	rates := []struct {
		bps  float64
		want string
	}{{0, ""}, {-3, ""}, {512, "512 B/s"}, {14.7 * (1 << 20), "14.7 MiB/s"}, {120 << 20, "120 MiB/s"}}
	for _, tc := range rates {
		if got := Rate(tc.bps); got != tc.want {
			t.Errorf("Rate(%v) = %q, want %q", tc.bps, got, tc.want)
		}
	}
	etas := []struct {
		d    time.Duration
		want string
	}{{-time.Second, ""}, {42 * time.Second, "42s"}, {185 * time.Second, "3m05s"}, {2*time.Hour + 10*time.Minute, "2h10m"}, {100 * time.Hour, ""}}
	for _, tc := range etas {
		if got := ETA(tc.d); got != tc.want {
			t.Errorf("ETA(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
