package queue

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
)

// TestBurstFor: an eighth of a second of traffic, between 1 KiB (never
// more than a second of it) and the copy buffer.
func TestBurstFor(t *testing.T) {
	for _, c := range []struct {
		bps  int64
		want int
	}{
		{1, 1}, {100, 100}, {1000, 1000}, {4096, 1024}, {64 << 10, 8 << 10},
		{2 << 20, 256 << 10}, {10 << 20, 256 << 10}, {1 << 40, 256 << 10},
	} {
		if got := burstFor(c.bps); got != c.want {
			t.Errorf("burstFor(%d) = %d, want %d", c.bps, got, c.want)
		}
	}
}

// TestRateLimitNil: no limit wraps nothing, so a download keeps its
// zero-copy path (transfer.Conn splices into an *os.File only).
func TestRateLimitNil(t *testing.T) {
	var l *RateLimit
	var b bytes.Buffer
	if w := l.Writer(context.Background(), &b); w != io.Writer(&b) {
		t.Errorf("nil limit wrapped the writer: %T", w)
	}
	q := &Queue{}
	if q.rateLimit() != nil {
		t.Error("a queue without a limit gives one")
	}
	q.opts.RateLimit = NewRateLimit(0)
	if q.rateLimit() != nil {
		t.Error("a limit of 0, not adjustable, is used")
	}
	q.opts.RateAdjustable = true
	if q.rateLimit() == nil {
		t.Error("an adjustable limit of 0 is not used")
	}
}

// TestRateLimitWaitEndsWithContext: a write that the limit holds back
// for seconds returns as soon as its context ends, with the context's
// cause.
func TestRateLimitWaitEndsWithContext(t *testing.T) {
	l := NewRateLimit(1024) // 1 KiB/s: 64 KiB takes a minute
	ctx, cancel := context.WithCancelCause(context.Background())
	w := l.Writer(ctx, io.Discard)
	res := make(chan error, 1)
	go func() {
		_, err := w.Write(make([]byte, 64<<10))
		res <- err
	}()
	cancel(errPause)
	select {
	case err := <-res:
		if !errors.Is(err, errPause) {
			t.Fatalf("write after cancel: %v, want %v", err, errPause)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the write did not end with its context")
	}
}

// rateFiles writes n files of size bytes named f0.bin… into a fresh
// vsftpd root and returns the daemon and the files' contents.
func rateFiles(t *testing.T, n int, size int64) (*ftpd.Daemon, [][]byte) {
	t.Helper()
	root := t.TempDir()
	var data [][]byte
	for i := range n {
		b := genData(uint64(100+i), size)
		if err := os.WriteFile(filepath.Join(root, "f"+string(rune('0'+i))+".bin"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		data = append(data, b)
	}
	return ftpd.StartVsftpd(t, ftpd.Options{Root: root}), data
}

// runCounting runs the queue until it is done and returns when it was
// done and how many jobs ran at once at most (from its updates).
func runCounting(t *testing.T, q *Queue, d time.Duration) (time.Time, int) {
	t.Helper()
	most := make(chan int, 1)
	stop := make(chan struct{})
	go func() {
		m := 0
		for {
			select {
			case s := <-q.Updates():
				m = max(m, s.Running)
			case <-stop:
				most <- m
				return
			}
		}
	}()
	q.Start()
	err := q.Wait(testCtx(t, d))
	end := time.Now()
	close(stop)
	if err != nil {
		t.Fatalf("queue not done in %s: %v %s", d, err, failures(q.Snapshot()))
	}
	return end, <-most
}

// checkRate fails unless bytes moved in elapsed at no more than limit
// allows (the bucket starts full: at most one burst more than
// limit × elapsed, which is exact) and at no less than 80% of it (the
// time of logging in, listing and renaming, on a loaded machine).
func checkRate(t *testing.T, what string, bytes int64, elapsed time.Duration, limit int64) {
	t.Helper()
	got := float64(bytes) / elapsed.Seconds()
	most := float64(limit) * float64(bytes) / float64(bytes-int64(burstFor(limit)))
	t.Logf("%s: %d bytes in %s = %.0f B/s (limit %d B/s, %.1f%%)", what, bytes, elapsed.Round(time.Millisecond), got, limit, 100*got/float64(limit))
	if got > most*1.01 || got < float64(limit)*0.8 {
		t.Errorf("%s: %.0f B/s, want between %.0f and %.0f", what, got, float64(limit)*0.8, most)
	}
}

// TestRateLimitTotalOfWorkers (issue 19): with a limit of 2 MiB/s, two
// workers that download at once from vsftpd share it: 6 MiB take about
// three seconds in all, not one and a half as two limits of 2 MiB/s each
// would give.
func TestRateLimitTotalOfWorkers(t *testing.T) {
	const limit, size = 2 << 20, 3 << 20
	d, data := rateFiles(t, 2, size)
	sess, _ := daemonSession(d)
	q := startQueue(t, sess, Options{Parallel: 2, RateLimit: NewRateLimit(limit)})
	local := t.TempDir()
	c := dial(t, sess)
	for i := range data {
		if _, err := q.AddDownload(testCtx(t, 5*time.Second), c, "/f"+string(rune('0'+i))+".bin", false, local); err != nil {
			t.Fatal(err)
		}
	}
	began := time.Now()
	end, most := runCounting(t, q, 30*time.Second)
	elapsed := end.Sub(began)
	if s := q.Snapshot(); s.Done != 2 {
		t.Fatalf("not all done: %s", failures(s))
	}
	if most != 2 {
		t.Errorf("at most %d jobs ran at once, want 2", most)
	}
	for i, want := range data {
		if got, _ := os.ReadFile(filepath.Join(local, "f"+string(rune('0'+i))+".bin")); !bytes.Equal(got, want) {
			t.Errorf("f%d.bin differs", i)
		}
	}
	checkRate(t, "2 workers, download", int64(len(data))*size, elapsed, limit)
}

// TestRateLimitUpload: an upload reads its file no faster than the limit.
func TestRateLimitUpload(t *testing.T) {
	const limit, size = 2 << 20, 4 << 20
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	sess, _ := daemonSession(d)
	src := filepath.Join(t.TempDir(), "up.bin")
	want := genData(7, size)
	if err := os.WriteFile(src, want, 0o644); err != nil {
		t.Fatal(err)
	}
	q := startQueue(t, sess, Options{Parallel: 1, RateLimit: NewRateLimit(limit)})
	if _, err := q.AddUpload(testCtx(t, 5*time.Second), dial(t, sess), src, "/"); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	s := waitDone(t, q, 30*time.Second)
	elapsed := time.Since(began)
	if s.Done != 1 {
		t.Fatalf("%s", failures(s))
	}
	if got, _ := os.ReadFile(filepath.Join(d.Root, "up.bin")); !bytes.Equal(got, want) {
		t.Fatal("uploaded file differs")
	}
	checkRate(t, "upload", size, elapsed, limit)
}

// progressAt waits for an update and returns the bytes done of the job
// and when the update came.
func progressAt(t *testing.T, q *Queue, ctx context.Context) (int64, time.Time) {
	t.Helper()
	select {
	case s := <-q.Updates():
		return s.BytesDone, time.Now()
	case <-ctx.Done():
		t.Fatalf("no update: %s", failures(q.Snapshot()))
	}
	return 0, time.Time{}
}

// TestRateLimitSetWhileRunning (issue 19, the TUI's key): SetRateLimit
// reaches a download already running. At 4 MiB/s it is lowered to
// 256 KiB/s: the next two seconds move no more than that allows (plus the
// bursts already granted); then lifted: the rest (tens of seconds at
// 256 KiB/s) arrives at once, and the file is whole.
func TestRateLimitSetWhileRunning(t *testing.T) {
	const size = 24 << 20
	d, data := rateFiles(t, 1, size)
	sess, _ := daemonSession(d)
	q := startQueue(t, sess, Options{Parallel: 1, RateLimit: NewRateLimit(4 << 20), RateAdjustable: true})
	local := t.TempDir()
	if _, err := q.AddDownload(testCtx(t, 5*time.Second), dial(t, sess), "/f0.bin", false, local); err != nil {
		t.Fatal(err)
	}
	q.Start()
	ctx := testCtx(t, 60*time.Second)
	for done, _ := progressAt(t, q, ctx); done < 1<<20; done, _ = progressAt(t, q, ctx) {
	}
	const slow = 256 << 10
	q.SetRateLimit(slow)
	if got := q.RateLimit(); got != slow {
		t.Errorf("RateLimit() = %d after SetRateLimit(%d)", got, slow)
	}
	p1, t1 := progressAt(t, q, ctx)
	p2, t2 := p1, t1
	for t2.Sub(t1) < 2*time.Second {
		p2, t2 = progressAt(t, q, ctx)
	}
	// What the old limit had granted before the change (one burst of
	// 4 MiB/s) may still land in the window, and one of the new.
	allowed := slow*t2.Sub(t1).Seconds() + float64(burstFor(4<<20)+burstFor(slow))
	t.Logf("after lowering to %d B/s: %d bytes in %s (%.0f B/s)", slow, p2-p1, t2.Sub(t1).Round(time.Millisecond), float64(p2-p1)/t2.Sub(t1).Seconds())
	if float64(p2-p1) > allowed {
		t.Errorf("after lowering the limit to %d B/s, %d bytes moved in %s (allowed %.0f)", slow, p2-p1, t2.Sub(t1), allowed)
	}
	if p2 >= size {
		t.Fatal("the download finished at the lowered limit")
	}
	q.SetRateLimit(0)
	lifted := time.Now()
	if err := q.Wait(testCtx(t, 15*time.Second)); err != nil {
		t.Fatalf("after lifting the limit, %d of %d bytes left %s later: %v", size-q.Snapshot().BytesDone, size, time.Since(lifted), err)
	}
	if s := q.Snapshot(); s.Done != 1 {
		t.Fatalf("%s", failures(s))
	}
	if got, _ := os.ReadFile(filepath.Join(local, "f0.bin")); !bytes.Equal(got, data[0]) {
		t.Fatal("file differs")
	}
}

// TestRateLimitPausePrompt: a download held back by a small limit pauses
// at once: the wait honours the job's context. It runs at 1 MiB/s until
// bytes arrive, then at 16 KiB/s, where one 256 KiB write waits 16
// seconds.
func TestRateLimitPausePrompt(t *testing.T) {
	d, _ := rateFiles(t, 1, 8<<20)
	sess, _ := daemonSession(d)
	q := startQueue(t, sess, Options{Parallel: 1, RateLimit: NewRateLimit(1 << 20)})
	local := t.TempDir()
	if _, err := q.AddDownload(testCtx(t, 5*time.Second), dial(t, sess), "/f0.bin", false, local); err != nil {
		t.Fatal(err)
	}
	q.Start()
	ctx := testCtx(t, 30*time.Second)
	for done, _ := progressAt(t, q, ctx); done == 0; done, _ = progressAt(t, q, ctx) {
	}
	q.SetRateLimit(16 << 10)
	progressAt(t, q, ctx) // the worker is now in a write of many seconds
	id := q.Snapshot().Jobs[0].ID
	if err := q.Pause(id); err != nil {
		t.Fatal(err)
	}
	asked := time.Now()
	pctx := testCtx(t, 5*time.Second)
	for q.Snapshot().Jobs[0].State != Paused {
		select {
		case <-q.Updates():
		case <-pctx.Done():
			t.Fatalf("job still %s %s after Pause", q.Snapshot().Jobs[0].State, time.Since(asked))
		}
	}
	t.Logf("paused %s after asking", time.Since(asked).Round(time.Millisecond))
}
