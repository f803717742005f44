package queueview

import (
	"math"
	"time"
)

// Window is the time constant of the speed average: a change in speed
// shows about two thirds of itself after Window, so a steady transfer
// reads steady and its ETA counts down instead of jumping.
const Window = 5 * time.Second

// minSample pools samples closer together than this: a rate measured over
// a few milliseconds says more about the scheduler than the link.
const minSample = 100 * time.Millisecond

// Meter is a byte rate averaged exponentially over time. Each sample
// moves the average toward the sample's own rate by 1 - exp(-dt/Window),
// so a sample weighs as much as the time it covers, however often samples
// come. The average starts at zero and is divided by the weight gathered
// so far (1 - exp(-elapsed/Window)), so the first seconds read as the
// plain mean of what was seen instead of the first sample or zero. The
// zero value is an empty meter; the clock is the caller's.
type Meter struct {
	avg    float64 // the average, biased toward zero while young
	weight float64 // 1 - exp(-elapsed/Window)
	last   time.Time
	pend   int64
	based  bool // last is set: the next sample has an interval
}

// Add records that n bytes moved since the previous call, at now. The
// first call after New or Reset only starts the clock.
func (m *Meter) Add(now time.Time, n int64) {
	if !m.based {
		m.last, m.based = now, true
		return
	}
	m.pend += n
	dt := now.Sub(m.last)
	if dt < minSample {
		return
	}
	inst := float64(m.pend) / dt.Seconds()
	a := 1 - math.Exp(-float64(dt)/float64(Window))
	m.avg += a * (inst - m.avg)
	m.weight += a * (1 - m.weight)
	m.last, m.pend = now, 0
}

// Rate returns the averaged bytes per second (0 before a sample).
func (m Meter) Rate() float64 {
	if m.weight == 0 {
		return 0
	}
	return m.avg / m.weight
}

// Reset forgets the history: the next Add starts the clock again.
func (m *Meter) Reset() { *m = Meter{} }
