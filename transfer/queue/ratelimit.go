package queue

import (
	"context"
	"io"
	"sync/atomic"

	"golang.org/x/time/rate"
)

// RateLimit is a limit on the bytes per second of transfers, shared by
// every worker of the queues (and streams) given it: --limit-rate is the
// total of a command's connections, not each one's. It is a token bucket
// (golang.org/x/time/rate) that a download pays into before it writes to
// its file and an upload after it reads from its file, so the data
// connection is held back by TCP's own flow control.
//
// All its methods are safe for concurrent use; Set takes effect at once on
// the transfers that go through it, running ones included. A nil
// *RateLimit is no limit.
type RateLimit struct {
	bps atomic.Int64 // bytes per second; 0 = unlimited
	lim *rate.Limiter
}

// NewRateLimit returns a limit of bps bytes per second (0 or less: none,
// until Set).
func NewRateLimit(bps int64) *RateLimit {
	l := &RateLimit{lim: rate.NewLimiter(rate.Inf, 1)}
	l.Set(bps)
	return l
}

// Set changes the limit to bps bytes per second; 0 or less lifts it.
// Transfers waiting on the old limit finish their current wait (a burst's
// worth of time, at most about a second) and then go at the new one.
func (l *RateLimit) Set(bps int64) {
	if bps <= 0 {
		l.bps.Store(0)
		l.lim.SetLimit(rate.Inf)
		return
	}
	l.lim.SetBurst(burstFor(bps))
	l.lim.SetLimit(rate.Limit(bps))
	l.bps.Store(bps)
}

// Get returns the limit in bytes per second, 0 when there is none.
func (l *RateLimit) Get() int64 {
	if l == nil {
		return 0
	}
	return l.bps.Load()
}

// maxBurst bounds one wait's bytes: the copy buffer of a download
// (transfer's copyBufSize), so a fast limit pays for a whole read at once.
const maxBurst = 256 << 10

// burstFor is the bucket's size for bps: an eighth of a second of traffic,
// so the bytes flow in small steps and the first step (the bucket starts
// full) adds little to the average, at most maxBurst, and for a small
// limit at least 1 KiB but never more than one second of it.
func burstFor(bps int64) int {
	b := min(bps/8, maxBurst)
	if b < 1024 {
		b = min(1024, bps)
	}
	return int(max(b, 1))
}

// wait takes n bytes' worth of tokens, in steps no larger than the bucket,
// or returns ctx's error once ctx ends (a job paused or canceled stops
// waiting at once).
func (l *RateLimit) wait(ctx context.Context, n int) error {
	for n > 0 {
		if l.bps.Load() == 0 {
			return nil
		}
		k := min(n, l.lim.Burst())
		if err := l.lim.WaitN(ctx, k); err != nil {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			if k > l.lim.Burst() {
				continue // Set made the bucket smaller meanwhile
			}
			return err
		}
		n -= k
	}
	return nil
}

// Writer returns w with every write paid for first, in steps no larger
// than the bucket so the bytes leave evenly; a write stops with ctx's
// error once ctx ends. With a nil l it returns w.
func (l *RateLimit) Writer(ctx context.Context, w io.Writer) io.Writer {
	if l == nil {
		return w
	}
	return &limitedWriter{ctx: ctx, l: l, w: w}
}

// Reader returns r with every read paid for after it returns (so a short
// read costs only what it read), each read no larger than the bucket.
// With a nil l it returns r.
func (l *RateLimit) Reader(ctx context.Context, r io.Reader) io.Reader {
	if l == nil {
		return r
	}
	return &limitedReader{ctx: ctx, l: l, r: r}
}

type limitedWriter struct {
	ctx context.Context
	l   *RateLimit
	w   io.Writer
}

func (lw *limitedWriter) Write(p []byte) (int, error) {
	if lw.l.bps.Load() == 0 {
		return lw.w.Write(p)
	}
	var done int
	for len(p) > 0 {
		k := min(len(p), lw.l.lim.Burst())
		if err := lw.l.wait(lw.ctx, k); err != nil {
			return done, err
		}
		n, err := lw.w.Write(p[:k])
		done += n
		if err != nil {
			return done, err
		}
		p = p[k:]
	}
	return done, nil
}

type limitedReader struct {
	ctx context.Context
	l   *RateLimit
	r   io.Reader
}

func (lr *limitedReader) Read(p []byte) (int, error) {
	if lr.l.bps.Load() == 0 {
		return lr.r.Read(p)
	}
	if b := lr.l.lim.Burst(); len(p) > b {
		p = p[:b]
	}
	n, err := lr.r.Read(p)
	if werr := lr.l.wait(lr.ctx, n); werr != nil {
		return 0, werr
	}
	return n, err
}

// SetRateLimit changes the queue's limit to bps bytes per second (0: none)
// for every transfer that goes through it, running ones included. A queue
// made without Options.RateLimit gets one now, which holds for the
// transfers that start from now on.
func (q *Queue) SetRateLimit(bps int64) {
	q.mu.Lock()
	l := q.opts.RateLimit
	if l == nil {
		l = NewRateLimit(0)
		q.opts.RateLimit = l
	}
	q.mu.Unlock()
	l.Set(bps)
}

// RateLimit returns the queue's limit in bytes per second, 0 when none.
func (q *Queue) RateLimit() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.opts.RateLimit.Get()
}

// rateLimit returns the limit transfers starting now go through: nil when
// there is none and none was asked for, so a download that is not limited
// keeps its zero-copy path.
func (q *Queue) rateLimit() *RateLimit {
	q.mu.Lock()
	defer q.mu.Unlock()
	l := q.opts.RateLimit
	if l == nil || (l.Get() == 0 && !q.opts.RateAdjustable) {
		return nil
	}
	return l
}
