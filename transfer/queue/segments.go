package queue

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"ftpdeck/transfer"
)

// Segmented downloads (Options.Segments, --segments N; lftp's pget -n N).
//
// One large file is fetched over several connections at once: its bytes
// still to come are cut into segments, each fetched on a connection of
// its own with REST to the segment's start and RETR, read up to the
// segment's end and then stopped (the data connection closed early; the
// server's 426, or 226 when it had sent everything, is read, and a NOOP
// before the connection's next command checks that no reply was left
// over). Every segment writes into the one NAME.part at its own offsets.
// A new download starts as one segment, the whole file, on the worker's
// connection; each extra connection, once logged in, cuts the segment
// with the most to come in two and takes the second half. The extras
// arrive a login later than the worker's connection (on a far server,
// half a second of bytes already in), so cutting what is left when each
// arrives shares the file out evenly, where cutting it up front left the
// first connection done early and cutting again at the end. A cut is
// made only while it pays: when the segment's connection would need less
// than twice what a transfer takes to start (its round trips, measured
// here) to finish it alone, no connection takes half of it.
//
// The segments' state, each one's start, end and bytes done, is kept
// beside the .part in NAME.part.segments (written before the first byte,
// then every second and when the attempt ends, always by a rename), so a
// run that is killed continues every segment where it stopped. While that
// file exists the .part may have holes: its size says nothing, and every
// reader of the .part (a rerun, the queue's Done) reads the state instead.
// The state is removed once every segment is whole, before the size check
// and the rename, which are a single download's.
//
// The worker's own connection fetches segments too, and whatever the
// others leave: an extra connection the server refuses (421, too many
// connections) or that fails only means fewer segments at a time, never a
// failed file. A server that refuses REST has the job start over on one
// connection (the single download's own fallback), and so has one that
// ignores it: each transfer from an offset asks for segmentOverlap bytes
// before it, compared with the .part once every segment is whole.

const (
	// segmentMinFile: a file with fewer bytes to come is fetched on one
	// connection (a connection's login costs more than it would save).
	segmentMinFile = 8 << 20
	// segmentMinPart is the least a segment holds: a file gets fewer
	// segments than asked rather than smaller ones.
	segmentMinPart = 1 << 20
	// segmentsSuffix names the segments' state beside the target.
	segmentsSuffix = ".part.segments"
	// segmentSaveEvery is how often the state is written while bytes
	// arrive.
	segmentSaveEvery = time.Second
	// segmentOverlap is how many bytes before its offset a transfer
	// asks for: they are compared, once every segment is whole, with
	// what the .part holds there, which catches a server that answers
	// REST with 350 and then sends the file from byte 0 anyway.
	segmentOverlap = 512
)

// errSegmentEnd is what a segment's writer returns once the segment's
// last byte is on disk: it stops the transfer (not a failure).
var errSegmentEnd = errors.New("segment complete")

// segment is one range of the file, [start, end), of which done bytes
// from start are on disk. end moves down when another connection takes
// over the segment's second half (segPlan.take); its transfer may then
// have written a little past the new end (the file's own bytes, written
// again by the other), which have counts as none.
type segment struct {
	start int64
	end   atomic.Int64
	done  atomic.Int64
	taken bool // a connection is fetching it (segPlan.mu)
	// since and sinceDone: when the current transfer's first byte
	// landed (unix nanoseconds, 0 before it) and done then, for its rate
	since, sinceDone atomic.Int64
}

// secondsLeft estimates how long the segment's transfer needs to finish
// at its rate so far; ok is false while it has no rate yet.
func (s *segment) secondsLeft(now time.Time) (float64, bool) {
	at := s.since.Load()
	if at == 0 {
		return 0, false
	}
	el := now.Sub(time.Unix(0, at)).Seconds()
	got := s.done.Load() - s.sinceDone.Load()
	if el < 0.05 || got <= 0 {
		return 0, false
	}
	return float64(s.left()) / (float64(got) / el), true
}

func (s *segment) whole() bool { return s.start+s.done.Load() >= s.end.Load() }

// have returns the segment's bytes on disk, within its range.
func (s *segment) have() int64 { return min(s.done.Load(), s.end.Load()-s.start) }

// left returns the bytes still to come.
func (s *segment) left() int64 { return s.end.Load() - s.start - s.have() }

// segRecord is a segment in the state file.
type segRecord struct {
	Start int64 `json:"start"`
	End   int64 `json:"end"`
	Done  int64 `json:"done"`
}

// segFile is the state file's content.
type segFile struct {
	Size     int64       `json:"size"`
	Segments []segRecord `json:"segments"`
}

// segPlan is one attempt's segmented download. Its segments are shared
// by the connections' goroutines: taken under mu, done counted with
// atomics.
type segPlan struct {
	d      *download
	f      *os.File
	size   int64
	segs   []*segment
	state  string // the state file's name in d.dir
	mu     sync.Mutex
	checks []overlap  // under mu
	saved  sync.Mutex // one write of the state file at a time
	// startCost is the longest a transfer here took from being taken to
	// its first byte (nanoseconds): what a cut costs the connection that
	// takes the half
	startCost atomic.Int64
}

// overlap is what a transfer sent for the bytes before its offset, to be
// compared with the .part's at the end.
type overlap struct {
	at int64
	b  []byte
}

// segmentsName is the state file's name beside target name.
func segmentsName(name string) string { return tempName(name, segmentsSuffix) }

// readSegments reads the state file name in dir; nil when there is none
// or it cannot be read or makes no sense for a file of size bytes (then
// the .part's holes are unknown).
func readSegments(dir *os.Root, name string, size, partSize int64) (*segFile, bool) {
	b, err := dir.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	var st segFile
	if err != nil || len(b) > 1<<20 || json.Unmarshal(b, &st) != nil || st.Size != size || len(st.Segments) == 0 {
		return nil, true
	}
	// the segments follow each other from byte 0 to the end: no part of
	// the file is left to no segment
	prev := int64(0)
	for _, r := range st.Segments {
		if r.Start != prev || r.End <= r.Start || r.Done < 0 || r.Start+r.Done > r.End || (r.Done > 0 && r.Start+r.Done > partSize) {
			return nil, true
		}
		prev = r.End
	}
	if prev != size {
		return nil, true
	}
	return &st, true
}

// segmentsDone returns the bytes on disk of local's segmented download in
// progress, from its state file; ok is false when it has none.
func segmentsDone(root, local string) (n int64, ok bool) {
	dir, name := filepath.Split(local)
	p := dir + segmentsName(name)
	if _, err := safeRel(root, p); err != nil {
		return 0, false
	}
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > 1<<20 {
		return 0, false
	}
	b, err := os.ReadFile(p)
	var st segFile
	if err != nil || json.Unmarshal(b, &st) != nil {
		return 0, false
	}
	for _, r := range st.Segments {
		n += r.Done
	}
	return n, true
}

// segmented runs the download as segments when it should: a state file
// from an earlier run is continued whatever Options.Segments says (its
// .part has holes); otherwise a binary file of known size with at least
// segmentMinFile bytes to come, when Options.Segments > 1. It reports
// whether it took the transfer over.
func (d *download) segmented(ctx context.Context) (bool, error) {
	cannot := d.ASCII() || d.NoRest || d.q.testWriter != nil
	worth := func() bool {
		return d.q.opts.Segments >= 2 && !cannot && d.expected >= 0 && d.expected-d.off >= segmentMinFile
	}
	// A .part this attempt is creating has no state of its own: a
	// download that is not to be segmented neither waits for it nor
	// looks for one (a batch of small files pays nothing).
	if d.opening != nil && !worth() {
		return false, nil
	}
	name := segmentsName(d.name)
	st, found := readSegments(d.dir, name, d.expected, d.off)
	if !found && !worth() {
		if d.q.opts.Segments >= 2 && !cannot && d.expected < 0 {
			d.note("segments: size unknown, one connection")
		}
		return false, nil
	}
	f, err := d.opened()
	if err != nil {
		return true, err
	}
	if found && (st == nil || cannot) {
		// The holes of the .part are unknown, or this transfer cannot
		// fill them: start over.
		if st == nil {
			d.note("segments: %s is unreadable or does not fit the file (%d bytes); starting over", name, d.expected)
		}
		if err := f.Truncate(0); err != nil {
			return true, &localErr{err}
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return true, &localErr{err}
		}
		d.off = 0
		_ = d.dir.Remove(name)
		st = nil
		if !worth() {
			return false, nil
		}
	}
	if st == nil {
		// one segment: the extra connections cut it as they arrive
		st = &segFile{Size: d.expected, Segments: []segRecord{{Start: d.off, End: d.expected}}}
		if d.off > 0 {
			// the .part's beginning, whole already (a single download's)
			st.Segments = append([]segRecord{{Start: 0, End: d.off, Done: d.off}}, st.Segments...)
		}
	} else {
		d.note("segments: continuing %d segments from %s", len(st.Segments), name)
	}
	d.outOfOrder = true
	p := &segPlan{d: d, f: f, size: d.expected, state: name}
	for _, r := range st.Segments {
		s := &segment{start: r.Start}
		s.end.Store(r.End)
		s.done.Store(r.Done)
		p.segs = append(p.segs, s)
	}
	// on disk before any byte lands past the .part's end
	if err := p.save(); err != nil {
		return true, err
	}
	return true, p.run(ctx)
}

// save writes the state file (a temporary file, synced, renamed over
// it). The .part is synced first: the state then claims only bytes that
// are on the disk for good. Segments write the .part out of order, so
// after a power cut its size says nothing of the bytes below it, and a
// state naming bytes the disk never got would have the rerun keep zeros.
func (p *segPlan) save() error {
	p.saved.Lock()
	defer p.saved.Unlock()
	st := segFile{Size: p.size}
	p.mu.Lock()
	for _, s := range p.segs {
		st.Segments = append(st.Segments, segRecord{Start: s.start, End: s.end.Load(), Done: s.have()})
	}
	p.mu.Unlock()
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := p.f.Sync(); err != nil {
		return &localErr{fmt.Errorf("segments: %w", err)}
	}
	tmp := tempName(p.d.name, segmentsSuffix+".tmp")
	if err := writeSynced(p.d.dir, tmp, b); err != nil {
		return &localErr{fmt.Errorf("segments state: %w", err)}
	}
	if err := p.d.dir.Rename(tmp, p.state); err != nil {
		return &localErr{fmt.Errorf("segments state: %w", err)}
	}
	return nil
}

// writeSynced writes b to name in dir and syncs it.
func writeSynced(dir *os.Root, name string, b []byte) error {
	f, err := dir.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// done returns the bytes on disk over all segments.
func (p *segPlan) done() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var n int64
	for _, s := range p.segs {
		n += s.have()
	}
	return n
}

// take gives the next segment that is neither whole nor being fetched;
// when there is none, it cuts the segment being fetched with the most
// bytes to come in two (each half at least segmentMinPart) and gives the
// second half, so no connection sits idle while another has far to go.
func (p *segPlan) take() *segment {
	p.mu.Lock()
	defer p.mu.Unlock()
	var most *segment
	at := 0
	for i, s := range p.segs {
		if !s.taken && !s.whole() {
			s.taken = true
			return s
		}
		if s.taken && (most == nil || s.left() > most.left()) {
			most, at = s, i
		}
	}
	now := time.Now()
	if most == nil || most.left() < 2*segmentMinPart || !p.worthCutting(most, now) {
		return nil
	}
	end := most.end.Load()
	mid := end - most.left()/2
	ns := &segment{start: mid, taken: true}
	ns.end.Store(end)
	most.end.Store(mid)
	p.segs = append(p.segs[:at+1], append([]*segment{ns}, p.segs[at+1:]...)...)
	return ns
}

// worthCutting reports whether cutting s in two saves time: s's
// connection alone would need more than three times what a transfer here
// takes to start (the connection that takes the half also starts slow:
// TCP's slow start, a NOOP before it). Before either is known (no rate
// yet, no transfer started) it is worth it.
func (p *segPlan) worthCutting(s *segment, now time.Time) bool {
	secs, ok := s.secondsLeft(now)
	if !ok {
		return true
	}
	return secs > 3*time.Duration(p.startCost.Load()).Seconds()
}

// started records that a transfer taken at t0 had its first byte now.
func (p *segPlan) started(t0 time.Time) {
	d := int64(time.Since(t0))
	for {
		old := p.startCost.Load()
		if d <= old || p.startCost.CompareAndSwap(old, d) {
			return
		}
	}
}

func (p *segPlan) release(s *segment) {
	p.mu.Lock()
	s.taken = false
	p.mu.Unlock()
}

// open counts the segments not whole yet.
func (p *segPlan) open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, s := range p.segs {
		if !s.whole() {
			n++
		}
	}
	return n
}

// run fetches the segments (fetchSegments) while their state is saved
// every segmentSaveEvery, then settles the outcome (settle).
func (p *segPlan) run(ctx context.Context) error {
	d := p.d
	d.j.progress.Store(p.done())
	stop := p.saveEvery()
	main, err := p.fetchSegments(ctx)
	stop()
	d.c = main.c
	return p.settle(ctx, main, err)
}

// saveEvery saves the state every segmentSaveEvery until the returned
// function is called.
func (p *segPlan) saveEvery() (stop func()) {
	done := make(chan struct{})
	var saving sync.WaitGroup
	saving.Go(func() {
		t := time.NewTicker(segmentSaveEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				_ = p.save()
			case <-done:
				return
			}
		}
	})
	return func() {
		close(done)
		saving.Wait()
	}
}

// fetchSegments fetches on the worker's connection and up to
// Options.Segments-1 more, each taking the next segment left (or half of
// one) when its own is whole; what the extra connections could not do,
// the worker's connection does after them. It returns the worker's
// connection (replaced if it fell out of step) and the first failure of
// the worker's connection, or why segments are left.
func (p *segPlan) fetchSegments(ctx context.Context) (*segConn, error) {
	d := p.d
	left := p.size - p.done()
	// as many connections as segments, or as halves of segmentMinPart
	// and more can be cut for them (a state with one big segment left)
	want := min(max(d.q.opts.Segments, 1), max(p.open(), int(left/(2*segmentMinPart))))
	d.note("segments: %d bytes to come over %d connections, %d segments so far (each connection that joins cuts one in two)", left, want, p.open())
	main := &segConn{c: d.c, redial: func() (*transfer.Conn, error) {
		d.w.drop() // the worker's connection: replaced as the worker's
		c, err := d.w.connect(ctx)
		if err == nil {
			p.pin(c)
		}
		return c, err
	}}
	rctx, cancel := context.WithCancel(ctx)
	var extras sync.WaitGroup
	for i := 1; i < want; i++ {
		extras.Go(func() { p.extra(rctx, i) })
	}
	err := p.fetchAll(rctx, main)
	if err != nil {
		cancel()
	}
	extras.Wait()
	cancel()
	if err == nil && ctx.Err() == nil && p.open() > 0 {
		// what failed extra connections left
		err = p.fetchAll(ctx, main)
	}
	if err == nil && p.open() > 0 {
		// stopped while the worker's connection waited for the others
		err = cmp.Or(ctx.Err(), errors.New("segments left unfetched"))
	}
	return main, err
}

// settle ends the attempt after fetchSegments: a REST refused or ignored
// starts the job over on one connection; a whole file loses its state
// and goes on to verify (its bytes counted in d.n), checked in step on
// the worker's connection; anything else keeps the state for the next
// attempt.
func (p *segPlan) settle(ctx context.Context, main *segConn, err error) error {
	d := p.d
	// verify compares d.off+d.n with the remote size: the segments
	// cover the file from byte 0, so once every one is whole their bytes
	// are its size
	d.n = p.done() - d.off
	if err != nil && restRefused(err) {
		_ = d.dir.Remove(p.state)
		if terr := d.truncate(); terr != nil {
			return terr
		}
		return d.restart("segments: the server refused REST")
	}
	if err != nil || p.open() > 0 {
		if serr := p.save(); serr != nil && err == nil {
			err = serr
		}
		return err
	}
	if at, ok := p.overlapsMatch(); !ok {
		_ = d.dir.Remove(p.state)
		if terr := d.truncate(); terr != nil {
			return terr
		}
		return d.restart(fmt.Sprintf("segments: the server ignored REST (the bytes sent for offset %d are not the file's there)", at))
	}
	if rerr := d.dir.Remove(p.state); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		return &localErr{rerr}
	}
	// in step for what follows (SIZE, MDTM)
	_ = p.inStep(ctx, main)
	d.c = main.c
	return nil
}

// overlapsMatch compares each transfer's overlap with the .part (opened
// again to read: the download's handle only writes); it returns the
// offset of the first that differs.
func (p *segPlan) overlapsMatch() (int64, bool) {
	if len(p.checks) == 0 {
		return 0, true
	}
	r, err := p.d.dir.Open(p.d.part)
	if err != nil {
		return 0, false
	}
	defer r.Close()
	fr, err1 := r.Stat()
	fw, err2 := p.f.Stat()
	if err1 != nil || err2 != nil || !os.SameFile(fr, fw) {
		return 0, false
	}
	for _, o := range p.checks {
		b := make([]byte, len(o.b))
		if _, err := r.ReadAt(b, o.at); err != nil || !bytes.Equal(b, o.b) {
			return o.at, false
		}
	}
	return 0, true
}

// segConn is one connection fetching segments.
type segConn struct {
	c *transfer.Conn
	// fetched: it has made a transfer since its last check (NOOP),
	// which comes before it is used again
	fetched bool
	// redial replaces c when it is out of step; nil gives up on it
	redial func() (*transfer.Conn, error)
}

// errOutOfStep is a connection whose replies no longer match its
// commands after a segment's transfer.
var errOutOfStep = errors.New("the connection is out of step after a segment's transfer")

// inStep checks sc's connection after a segment's transfer, one round
// trip per segment: a server that answered a data connection closed
// early with two replies (426, then 226), or a transfer with one reply
// too many, has one left over, which NOOP reads instead of its own.
// Such a connection is replaced, or given up.
func (p *segPlan) inStep(ctx context.Context, sc *segConn) error {
	if !sc.fetched {
		return nil
	}
	sc.fetched = false
	if err := sc.c.NoOp(ctx); err == nil || ctx.Err() != nil {
		return ctx.Err()
	}
	if sc.redial == nil {
		return errOutOfStep
	}
	p.note(sc.c.ID(), "%v; reconnecting", errOutOfStep)
	c, err := sc.redial()
	if err != nil {
		return err
	}
	sc.c = c
	return nil
}

// note writes a line about the segmented download in the protocol log,
// under connection id.
func (p *segPlan) note(id int, format string, args ...any) {
	p.d.log.Notef(id, "queue: job %d %s: segments: %s", p.d.ID, p.d.Remote, fmt.Sprintf(format, args...))
}

// pin puts c in the job's pinned mode, if it has one.
func (p *segPlan) pin(c *transfer.Conn) {
	if p.d.Mode != "" {
		if m, err := transfer.ParseMode(p.d.Mode); err == nil {
			c.PinMode(m)
		}
	}
}

// extra runs one extra connection: it logs in, fetches segments until
// none is left, and quits. Any failure ends only this connection: its
// segment goes back to the others.
func (p *segPlan) extra(ctx context.Context, i int) {
	c, err := p.d.q.sess.Dial(ctx)
	if err != nil {
		if ctx.Err() == nil {
			why := "could not connect"
			if transfer.IsConnLimit(err) {
				why = "the server refused another connection"
			}
			p.note(0, "connection %d: %s (%v); carrying on with fewer", i+1, why, err)
		}
		return
	}
	p.pin(c)
	sc := &segConn{c: c}
	if err := p.fetchAll(ctx, sc); err != nil && ctx.Err() == nil {
		p.note(sc.c.ID(), "this connection failed (%v); the others carry on", err)
	}
	_ = sc.c.Close()
}

// fetchAll fetches segments on sc until none is left to take.
func (p *segPlan) fetchAll(ctx context.Context, sc *segConn) error {
	for {
		s := p.take()
		if s == nil {
			return nil
		}
		t0 := time.Now()
		if err := p.inStep(ctx, sc); err != nil {
			p.release(s)
			return err
		}
		err := p.fetch(ctx, sc.c, s, t0)
		sc.fetched = true
		p.release(s)
		if err != nil {
			return err
		}
	}
}

// fetch fetches what is left of s on c (REST to it, RETR), stopping the
// transfer at the segment's end; t0 is when s was taken.
func (p *segPlan) fetch(ctx context.Context, c *transfer.Conn, s *segment, t0 time.Time) error {
	d := p.d
	from := s.start + s.done.Load()
	s.since.Store(0)
	defer s.since.Store(0)
	w := &segWriter{f: p.f, s: s, size: p.size, progress: &d.j.progress,
		first: func() { p.started(t0) }}
	if from > 0 {
		w.over = make([]byte, 0, min(from, segmentOverlap))
	}
	// every connection's bytes pay into the queue's one limit
	// (--limit-rate is the total)
	lw := d.q.rateLimit().Writer(ctx, w)
	_, err := c.RetrieveTo(ctx, d.Remote, from-int64(cap(w.over)), func() (io.Writer, error) { return lw, nil }, &d.j.progress)
	if len(w.over) > 0 {
		p.mu.Lock()
		p.checks = append(p.checks, overlap{at: from - int64(cap(w.over)), b: w.over})
		p.mu.Unlock()
	}
	if errors.Is(err, errSegmentEnd) {
		return nil
	}
	if err == nil && !s.whole() {
		// the file ended before the segment did: it shrank
		return &shortError{got: s.start + s.done.Load(), want: s.end.Load()}
	}
	return err
}

// segWriter writes a segment's bytes at their offsets in the .part and
// stops the transfer (errSegmentEnd) at the segment's end: at once for
// every segment but the last, which reads on to the server's end of file
// and stops only if more comes (the file grew). The first cap(over)
// bytes are the overlap, kept aside (and not counted as progress).
type segWriter struct {
	f        *os.File
	s        *segment
	size     int64 // the file's: the last segment's end
	over     []byte
	progress *atomic.Int64
	first    func() // called at the transfer's first byte (nil: none)
}

func (w *segWriter) Write(b []byte) (int, error) {
	if k := min(cap(w.over)-len(w.over), len(b)); k > 0 {
		w.over = append(w.over, b[:k]...)
		w.progress.Add(-int64(k))
		n, err := w.Write(b[k:])
		return k + n, err
	}
	if len(b) == 0 {
		return 0, nil
	}
	s := w.s
	pos := s.start + s.done.Load()
	if s.since.Load() == 0 {
		s.sinceDone.Store(s.done.Load())
		s.since.Store(time.Now().UnixNano())
		if w.first != nil {
			w.first()
		}
	}
	end := s.end.Load()
	left := end - pos
	if left <= 0 {
		return 0, errSegmentEnd // cut short by take meanwhile
	}
	stop := false
	if int64(len(b)) > left || (end != w.size && int64(len(b)) == left) {
		b, stop = b[:left], true
	}
	n, err := w.f.WriteAt(b, pos)
	s.done.Add(int64(n))
	if over := pos + int64(n) - s.end.Load(); over > 0 {
		// take moved the end meanwhile: the bytes past it are the
		// other half's, counted there
		w.progress.Add(-over)
		stop = true
	}
	if err != nil {
		return n, err
	}
	if stop {
		return n, errSegmentEnd
	}
	return n, nil
}
