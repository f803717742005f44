package queue

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdeck/transfer"
)

// offlineSession is a session nobody dials: enough for the queue's state
// machine and persistence.
func offlineSession() *transfer.Session {
	return transfer.NewSession(transfer.Site{Host: "127.0.0.1", Port: 1, User: "u"}, transfer.NewLog(100))
}

func newOffline(t *testing.T, opts Options) *Queue {
	t.Helper()
	q, err := New(offlineSession(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close() })
	return q
}

func addN(t *testing.T, q *Queue, n int) []int64 {
	t.Helper()
	var jobs []Job
	for i := range n {
		name := string(rune('a' + i))
		jobs = append(jobs, Job{Dir: Download, Remote: "/r/" + name, Local: "/tmp/x/" + name, LocalRoot: "/tmp/x", Size: 10})
	}
	got, err := q.add(jobs)
	if err != nil || got != n {
		t.Fatalf("add: %d, %v", got, err)
	}
	var ids []int64
	for _, j := range q.Snapshot().Jobs[len(q.Snapshot().Jobs)-n:] {
		ids = append(ids, j.ID)
	}
	return ids
}

func stateOf(t *testing.T, q *Queue, id int64) State {
	t.Helper()
	for _, j := range q.Snapshot().Jobs {
		if j.ID == id {
			return j.State
		}
	}
	t.Fatalf("job %d missing", id)
	return 0
}

func TestStateMachine(t *testing.T) {
	q := newOffline(t, Options{})
	ids := addN(t, q, 3)
	a, b, c := ids[0], ids[1], ids[2]
	if s := q.Snapshot(); s.Queued != 3 || s.BytesTotal != 30 {
		t.Fatalf("summary %+v", s)
	}
	steps := []struct {
		name string
		do   func() error
		id   int64
		want State
	}{
		{"pause queued", func() error { return q.Pause(a) }, a, Paused},
		{"pause again", func() error { return q.Pause(a) }, a, Paused},
		{"resume", func() error { return q.Resume(a) }, a, Queued},
		{"cancel queued", func() error { return q.Cancel(b) }, b, Canceled},
		{"retry canceled", func() error { return q.Retry(b, false) }, b, Queued},
		{"cancel paused", func() error { _ = q.Pause(c); return q.Cancel(c) }, c, Canceled},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := stateOf(t, q, s.id); got != s.want {
			t.Fatalf("%s: state %s, want %s", s.name, got, s.want)
		}
	}
	if err := q.Resume(c); err == nil {
		t.Error("resume of a canceled job: no error (retry is the way)")
	}
	q.PauseAll()
	if s := q.Snapshot(); s.Paused != 2 || s.Canceled != 1 {
		t.Fatalf("after PauseAll %+v", s)
	}
	q.ResumeAll()
	if s := q.Snapshot(); s.Queued != 2 {
		t.Fatalf("after ResumeAll %+v", s)
	}
	if err := q.Remove(c); err != nil {
		t.Fatal(err)
	}
	if n := len(q.Snapshot().Jobs); n != 2 {
		t.Fatalf("%d jobs after remove", n)
	}
	for _, f := range []func(int64) error{q.Pause, q.Resume, q.Cancel, q.Remove, q.MoveUp, q.MoveDown} {
		if err := f(999); !errors.Is(err, ErrNoJob) {
			t.Errorf("unknown id: %v", err)
		}
	}
	if err := q.Retry(999, true); !errors.Is(err, ErrNoJob) {
		t.Errorf("unknown id: %v", err)
	}
	// A running job: Remove refuses, Pause stops it through its context.
	q.mu.Lock()
	_, ja := q.find(a)
	ctx, cancel := context.WithCancelCause(context.Background())
	ja.State, ja.cancel = Running, cancel
	q.mu.Unlock()
	if err := q.Remove(a); err == nil {
		t.Error("remove of a running job: no error")
	}
	_ = q.Pause(a)
	if !errors.Is(context.Cause(ctx), errPause) {
		t.Errorf("running job's context: %v", context.Cause(ctx))
	}
	_ = q.Resume(a) // while it stops: it goes back to the queue
	q.finish(ja, 0, context.Canceled, ctx)
	if got := stateOf(t, q, a); got != Queued {
		t.Errorf("paused then resumed while stopping: %s, want queued", got)
	}
}

func TestRetryOtherModeNotesLog(t *testing.T) {
	q := newOffline(t, Options{})
	id := addN(t, q, 1)[0]
	q.mu.Lock()
	q.jobs[0].State, q.jobs[0].Err = Failed, "425 no data connection"
	q.mu.Unlock()
	if err := q.Retry(id, true); err != nil {
		t.Fatal(err)
	}
	j := q.Snapshot().Jobs[0]
	if j.State != Queued || j.Mode != "active" || j.Err != "" {
		t.Fatalf("after retry in the other mode: %+v", j)
	}
	found := false
	for _, e := range q.sess.Log().Snapshot() {
		found = found || strings.Contains(e.Note, "in active mode")
	}
	if !found {
		t.Error("no log note for the retry in the other mode")
	}
	if err := q.Retry(id, false); err == nil {
		t.Error("retry of a queued job: no error")
	}
}

func TestMoveUpDown(t *testing.T) {
	q := newOffline(t, Options{})
	ids := addN(t, q, 4)
	order := func() []int64 {
		var out []int64
		for _, j := range q.Snapshot().Jobs {
			out = append(out, j.ID)
		}
		return out
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(q.MoveUp(ids[2]))
	must(q.MoveUp(ids[0])) // already first: no-op
	must(q.MoveDown(ids[3]))
	must(q.MoveDown(ids[0]))
	want := []int64{ids[2], ids[0], ids[1], ids[3]}
	if got := order(); !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestAddSkipsPendingDuplicates(t *testing.T) {
	q := newOffline(t, Options{})
	addN(t, q, 2)
	n, err := q.add([]Job{{Dir: Download, Remote: "/r/a", Local: "/tmp/x/a", LocalRoot: "/tmp/x"}, {Dir: Download, Remote: "/r/z", Local: "/tmp/x/z", LocalRoot: "/tmp/x"}})
	if err != nil || n != 1 {
		t.Fatalf("add: %d %v, want 1 (a is already queued)", n, err)
	}
}

func TestParsePolicyAndNames(t *testing.T) {
	for i, n := range policyNames {
		p, err := ParsePolicy(strings.ToUpper(n))
		if err != nil || p != Policy(i) || p.String() != n {
			t.Errorf("%s: %v %v", n, p, err)
		}
	}
	if _, err := ParsePolicy("maybe"); err == nil {
		t.Error("bad policy accepted")
	}
	for s := Queued; s <= Canceled; s++ {
		var back State
		b, _ := s.MarshalText()
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("state %s round trip: %v", s, err)
		}
	}
}

func TestNumberedNames(t *testing.T) {
	cases := map[string]string{
		"report.pdf":     "report (2).pdf",
		"archive.tar.gz": "archive (2).tar.gz",
		".profile":       ".profile (2)",
		"README":         "README (2)",
		"a.b.c":          "a.b (2).c",
	}
	for in, want := range cases {
		if got := numbered(in, 2); got != want {
			t.Errorf("numbered(%q) = %q, want %q", in, got, want)
		}
	}
	dir := t.TempDir()
	for _, n := range []string{"f.txt", "f (1).txt", "f (2).txt.part"} {
		_ = os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	got, err := freeLocalName(filepath.Join(dir, "f.txt"))
	if err != nil || filepath.Base(got) != "f (3).txt" {
		t.Errorf("freeLocalName: %q %v, want f (3).txt (a .part counts as taken)", got, err)
	}
}

func TestSafeRel(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir(filepath.Join(root, "sub"), 0o755))
	must(os.Symlink(outside, filepath.Join(root, "linkdir")))
	must(os.Symlink(filepath.Join(outside, "victim"), filepath.Join(root, "sub", "linkfile")))
	must(os.WriteFile(filepath.Join(root, "sub", "plain"), nil, 0o644))
	must(os.Mkdir(filepath.Join(root, "sub", "adir"), 0o755))
	ok := []string{"sub/new.txt", "sub/plain", "new/deeper/file"}
	bad := []string{"../escape", "sub/../../escape", "linkdir/file", "linkdir/x/y", "sub/linkfile", "sub/adir", "sub/plain/x", "."}
	for _, p := range ok {
		if _, err := safeRel(root, filepath.Join(root, p)); err != nil {
			t.Errorf("%s refused: %v", p, err)
		}
	}
	for _, p := range bad {
		if _, err := safeRel(root, filepath.Join(root, p)); err == nil {
			t.Errorf("%s accepted", p)
		}
	}
	if err := safeMkdirAll(root, filepath.Join(root, "linkdir", "made")); err == nil {
		t.Error("mkdir through a symlinked folder accepted")
	}
	if _, err := os.Lstat(filepath.Join(outside, "made")); err == nil {
		t.Error("folder created outside the root")
	}
	must(safeMkdirAll(root, filepath.Join(root, "a", "b", "c")))
	if fi, err := os.Lstat(filepath.Join(root, "a", "b", "c")); err != nil || !fi.IsDir() {
		t.Errorf("safeMkdirAll: %v", err)
	}
}

func TestOpenPartNeverFollowsLinks(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	victim := filepath.Join(outside, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// A link planted where the .part goes, pointing inside and outside.
	if err := os.Symlink(victim, filepath.Join(root, "f.part")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "inside"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("inside", filepath.Join(root, "g.part")); err != nil {
		t.Fatal(err)
	}
	for _, keep := range []bool{true, false} {
		for _, name := range []string{"f.part", "g.part"} {
			if f, _, err := openPart(r, name, keep); err == nil {
				_ = f.Close()
				t.Errorf("openPart(%s, keep=%v) opened a link", name, keep)
			}
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Error("victim changed")
	}
	f, n, err := openPart(r, "new.part", true)
	if err != nil || n != 0 {
		t.Fatalf("fresh part: %d %v", n, err)
	}
	_, _ = f.Write([]byte("12345"))
	_ = f.Close()
	f, n, err = openPart(r, "new.part", true)
	if err != nil || n != 5 {
		t.Fatalf("existing part: %d %v", n, err)
	}
	_ = f.Close()
}

// TestConflictDecideForAll: an answer for all reaches the conflicts of its
// batch, waiting or later, and no job queued in another batch (issue 14:
// "overwrite all" became the queue's policy for the rest of the session).
func TestConflictDecideForAll(t *testing.T) {
	q := newOffline(t, Options{Policy: Ask})
	addN(t, q, 2)
	ctx := context.Background()
	type res struct {
		p   Policy
		err error
	}
	s := sides{target: "/x", srcSize: 2, dstSize: 1}
	out := make(chan res, 2)
	for i := range 2 {
		go func() {
			p, err := q.decide(ctx, q.jobs[i], s)
			out <- res{p, err}
		}()
	}
	c := <-q.Conflicts()
	c.Decide(Rename, true)
	for range 2 {
		if r := <-out; r.err != nil || r.p != Rename {
			t.Fatalf("decision %v %v, want rename for both", r.p, r.err)
		}
	}
	if p, _ := q.decide(ctx, q.jobs[0], s); p != Rename {
		t.Errorf("later conflict in the batch: %v, want the policy set for all", p)
	}
	// The next batch asks again.
	if _, err := q.add([]Job{{Dir: Download, Remote: "/r/z", Local: "/tmp/x/z", LocalRoot: "/tmp/x", Size: 10}}); err != nil {
		t.Fatal(err)
	}
	later := q.jobs[len(q.jobs)-1]
	go func() {
		p, err := q.decide(ctx, later, s)
		out <- res{p, err}
	}()
	for c = nextConflict(t, q); isDone(c); c = nextConflict(t, q) {
		// answered for all already (they were on the channel before it)
	}
	if c.Job.ID != later.ID {
		t.Fatalf("conflict for job %d, want %d", c.Job.ID, later.ID)
	}
	c.Decide(Skip, false)
	if r := <-out; r.p != Skip {
		t.Errorf("next batch: %v, want its own answer (skip)", r.p)
	}
	// A stopped job stops waiting.
	q2 := newOffline(t, Options{Policy: Ask})
	addN(t, q2, 1)
	cctx, cancel := context.WithCancelCause(ctx)
	go func() { c := <-q2.Conflicts(); _ = c; cancel(errPause) }()
	if _, err := q2.decide(cctx, q2.jobs[0], s); !errors.Is(err, errPause) {
		t.Errorf("stopped while asking: %v", err)
	}
}

// nextConflict waits a while for q's next conflict.
func nextConflict(t *testing.T, q *Queue) *Conflict {
	t.Helper()
	select {
	case c := <-q.Conflicts():
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no conflict asked")
		return nil
	}
}

func isDone(c *Conflict) bool {
	select {
	case <-c.Done():
		return true
	default:
		return false
	}
}

// TestNewerPolicy: newer overwrites when the source is newer or another
// size, and skips otherwise.
func TestNewerPolicy(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		s    sides
		want Policy
	}{
		{sides{srcSize: 5, dstSize: 5, srcTime: t0.Add(time.Hour), dstTime: t0}, Overwrite},
		{sides{srcSize: 5, dstSize: 4, srcTime: t0, dstTime: t0.Add(time.Hour)}, Overwrite},
		{sides{srcSize: 5, dstSize: 5, srcTime: t0, dstTime: t0.Add(time.Hour)}, Skip},
		{sides{srcSize: 5, dstSize: 5, srcTime: t0, dstTime: t0}, Skip},
		{sides{srcSize: 5, dstSize: 5, srcTime: t0.Add(500 * time.Millisecond), dstTime: t0}, Skip},
	} {
		q := newOffline(t, Options{Policy: Newer})
		addN(t, q, 1)
		if p, err := q.decide(context.Background(), q.jobs[0], tc.s); err != nil || p != tc.want {
			t.Errorf("%+v: %v %v, want %v", tc.s, p, err, tc.want)
		}
	}
	if p, err := ParsePolicy("Newer"); err != nil || p != Newer {
		t.Errorf("ParsePolicy(Newer) = %v, %v", p, err)
	}
}

func TestUpdatesCoalescedAndFinal(t *testing.T) {
	q := newOffline(t, Options{})
	ids := addN(t, q, 3)
	for range 50 {
		_ = q.Pause(ids[0])
		_ = q.Resume(ids[0])
	}
	_ = q.Cancel(ids[1])
	deadline := time.After(3 * time.Second)
	for {
		select {
		case s := <-q.Updates():
			if s.Canceled == 1 && s.Queued == 2 {
				return // the latest state arrived
			}
		case <-deadline:
			t.Fatal("latest state never arrived on Updates")
		}
	}
}

// Wait is woken once, when the last active job ends, from whatever made
// it end; the count it relies on matches the jobs after every step.
func TestWaitFollowsActiveJobs(t *testing.T) {
	q := newOffline(t, Options{})
	ids := addN(t, q, 3)
	a, b, c := ids[0], ids[1], ids[2]
	recount := func() (counted, kept int) {
		q.mu.Lock()
		defer q.mu.Unlock()
		for _, j := range q.jobs {
			if j.State.active() {
				counted++
			}
		}
		return counted, q.active
	}
	idleNow := func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		return q.Wait(ctx) == nil
	}
	steps := []struct {
		name string
		do   func() error
		idle bool
	}{
		{"added", func() error { return nil }, false},
		{"pause all", func() error { q.PauseAll(); return nil }, true},
		{"resume one", func() error { return q.Resume(a) }, false},
		{"cancel it", func() error { return q.Cancel(a) }, true},
		{"retry a canceled one", func() error { return q.Retry(a, false) }, false},
		{"remove it", func() error { return q.Remove(a) }, true},
		{"resume all", func() error { q.ResumeAll(); return nil }, false},
		{"cancel one of two", func() error { return q.Cancel(b) }, false},
		{"pause the other", func() error { return q.Pause(c) }, true},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if counted, kept := recount(); counted != kept {
			t.Fatalf("%s: %d active jobs, count says %d", s.name, counted, kept)
		}
		if got := idleNow(); got != s.idle {
			t.Fatalf("%s: Wait returned %v, want %v", s.name, got, s.idle)
		}
	}
	// A Wait already blocked is woken by the change that ends the last
	// active job.
	if err := q.Resume(c); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- q.Wait(context.Background()) }()
	time.Sleep(20 * time.Millisecond)
	if err := q.Cancel(c); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Wait was not woken when the last active job was canceled")
	}
}
