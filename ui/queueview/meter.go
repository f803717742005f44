package queueview

import (
	"math"
	"time"
)

// Window is the time constant of the speed average: a change in speed
// shows about two thirds of itself after Window, so a steady transfer
// reads steady and its ETA counts down instead of jumping.
const Window = 3 * time.Second

// minSample pools samples closer together than this: a rate measured over
// a few milliseconds says more about the scheduler than the link.
const minSample = 100 * time.Millisecond

// Meter is a byte rate averaged exponentially over time. Each sample
// moves the rate toward the sample's own rate by 1 - exp(-dt/Window), so
// a sample weighs as much as the time it covers, however often samples
// come. The zero value is an empty meter; the clock is the caller's.
type Meter struct {
	rate   float64
	last   time.Time
	pend   int64
	based  bool // last is set: the next sample has an interval
	primed bool // rate holds a measurement
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
	if !m.primed {
		m.rate, m.primed = inst, true
	} else {
		a := 1 - math.Exp(-float64(dt)/float64(Window))
		m.rate += a * (inst - m.rate)
	}
	m.last, m.pend = now, 0
}

// Rate returns the averaged bytes per second (0 before two samples).
func (m Meter) Rate() float64 { return m.rate }

// Reset forgets the history: the next Add starts the clock again.
func (m *Meter) Reset() { *m = Meter{} }
