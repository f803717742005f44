package queue

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// remotesAndStates lists the queue as "remote:state".
func remotesAndStates(s Summary) []string {
	var got []string
	for _, j := range s.Jobs {
		got = append(got, j.Remote+":"+j.State.String())
	}
	return got
}

// setState moves job id to st as a worker would have (for tests that
// need failed or finished jobs without a server).
func setState(t *testing.T, q *Queue, id int64, st State) {
	t.Helper()
	q.mu.Lock()
	defer q.mu.Unlock()
	_, j := q.find(id)
	if j == nil {
		t.Fatalf("job %d missing", id)
	}
	q.setStateLocked(j, st)
	q.userChangeLocked()
}

// TestPersistRoundTrip: the queue kept by one Queue comes back in the
// next in order, ids continuing; finished jobs (done, skipped, canceled)
// do not come back, failed ones come back failed, unfinished ones
// paused; the store is 0600.
func TestPersistRoundTrip(t *testing.T) {
	dir := t.TempDir()
	q1, err := New(offlineSession(), Options{StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ids := addN(t, q1, 6) // /r/a … /r/f, Size 10, Local /tmp/x/…
	_ = q1.MoveDown(ids[0])
	_ = q1.Cancel(ids[2])
	setState(t, q1, ids[3], Failed)
	setState(t, q1, ids[4], Skipped)
	_ = q1.Pause(ids[5])
	if err := q1.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, storeName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("store mode %v, want 0600", fi.Mode().Perm())
	}
	q2 := newOffline(t, Options{StateDir: dir})
	got := remotesAndStates(q2.Snapshot())
	want := []string{"/r/b:paused", "/r/a:paused", "/r/d:failed", "/r/f:paused"}
	if !slices.Equal(got, want) {
		t.Fatalf("reloaded %v, want %v", got, want)
	}
	if r := q2.Restored(); r != (Restored{Unfinished: 3, BytesLeft: 30, Failed: 1}) {
		t.Errorf("Restored() = %+v, want 3 unfinished, 30 bytes left, 1 failed", r)
	}
	if n, err := q2.add([]Job{{Dir: Download, Remote: "/r/new", Local: "/tmp/x/new", LocalRoot: "/tmp/x"}}); n != 1 || err != nil {
		t.Fatalf("add: %d %v", n, err)
	}
	if s := q2.Snapshot(); s.Jobs[4].ID <= ids[5] {
		t.Errorf("new id %d reuses an old one (max %d)", s.Jobs[4].ID, ids[5])
	}
	if n := q2.ResumeRestored(); n != 3 {
		t.Errorf("ResumeRestored: %d, want 3", n)
	}
	got = remotesAndStates(q2.Snapshot())
	want = []string{"/r/b:queued", "/r/a:queued", "/r/d:failed", "/r/f:queued", "/r/new:queued"}
	if !slices.Equal(got, want) {
		t.Errorf("after ResumeRestored %v, want %v", got, want)
	}
	if r := q2.Restored(); r != (Restored{Failed: 1}) {
		t.Errorf("Restored() after resuming = %+v, want only the failed one", r)
	}
}

// TestClearRestoredAndFinished: ClearRestored removes last time's jobs
// (not the ones queued since) and the removal is kept; ClearFinished
// removes done, skipped and canceled jobs only.
func TestClearRestoredAndFinished(t *testing.T) {
	dir := t.TempDir()
	q1, err := New(offlineSession(), Options{StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ids := addN(t, q1, 3)
	setState(t, q1, ids[1], Failed)
	if err := q1.Close(); err != nil {
		t.Fatal(err)
	}
	q2, err := New(offlineSession(), Options{StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q2.add([]Job{{Dir: Download, Remote: "/r/new", Local: "/tmp/x/new", LocalRoot: "/tmp/x"}}); err != nil {
		t.Fatal(err)
	}
	if n := q2.ClearRestored(); n != 3 {
		t.Errorf("ClearRestored: %d, want 3", n)
	}
	if got := remotesAndStates(q2.Snapshot()); !slices.Equal(got, []string{"/r/new:queued"}) {
		t.Errorf("after ClearRestored: %v", got)
	}
	if r := q2.Restored(); r != (Restored{}) {
		t.Errorf("Restored() after clearing = %+v", r)
	}
	if err := q2.Close(); err != nil {
		t.Fatal(err)
	}
	q3 := newOffline(t, Options{StateDir: dir})
	if got := remotesAndStates(q3.Snapshot()); !slices.Equal(got, []string{"/r/new:paused"}) {
		t.Fatalf("cleared jobs came back: %v", got)
	}
	ids = addN(t, q3, 5)
	setState(t, q3, ids[0], Done)
	setState(t, q3, ids[1], Skipped)
	setState(t, q3, ids[2], Failed)
	_ = q3.Cancel(ids[3])
	if n := q3.ClearFinished(); n != 3 {
		t.Errorf("ClearFinished: %d, want 3", n)
	}
	got := remotesAndStates(q3.Snapshot())
	if want := []string{"/r/new:paused", "/r/c:failed", "/r/e:queued"}; !slices.Equal(got, want) {
		t.Errorf("after ClearFinished %v, want %v", got, want)
	}
	if n := q3.ClearFinished(); n != 0 {
		t.Errorf("ClearFinished again: %d", n)
	}
}

// writeRecords puts records into the store in dir as a queue that
// stopped would have left them.
func writeRecords(t *testing.T, dir string, recs []record) {
	t.Helper()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.write(recs, nil, nil, 100); err != nil {
		t.Fatal(err)
	}
	if err := st.close(); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, p string, size int, mtime time.Time) {
	t.Helper()
	if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	if !mtime.IsZero() {
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRestoreChecksBySize: on start a download whose "done" was lost is
// known by its target (the job's whole size, written since the job was
// queued) and leaves the queue; a target older than the job is not the
// job's; a job recorded done whose file is not whole comes back; a
// committed download whose rename a crash stopped is renamed.
func TestRestoreChecksBySize(t *testing.T) {
	dir, local := t.TempDir(), t.TempDir()
	added := time.Now().Add(-time.Minute)
	old := added.Add(-time.Hour)
	dl := func(id int64, name string, st State) record {
		return record{Job: Job{ID: id, Dir: Download, Remote: "/" + name, Local: filepath.Join(local, name),
			LocalRoot: local, Size: 100, State: st}, Pos: id, Added: added.UnixNano()}
	}
	writeFile(t, filepath.Join(local, "lost-done"), 100, time.Time{})      // finished after queueing
	writeFile(t, filepath.Join(local, "there-before"), 100, old)           // the user's own file
	writeFile(t, filepath.Join(local, "short"), 40, time.Time{})           // not whole
	writeFile(t, filepath.Join(local, "part.part"), 60, time.Time{})       // a .part to resume
	writeFile(t, filepath.Join(local, "committed.part"), 100, time.Time{}) // complete, not renamed
	writeFile(t, filepath.Join(local, "done-ok"), 100, old)
	writeRecords(t, dir, []record{
		dl(1, "lost-done", Running),
		dl(2, "there-before", Queued),
		dl(3, "short", Done),
		dl(4, "part", Paused),
		dl(5, "committed", Done),
		dl(6, "done-ok", Done),
		dl(7, "gone", Done),
		dl(8, "skipped", Skipped),
		dl(9, "canceled", Canceled),
		dl(10, "failed", Failed),
		{Job: Job{ID: 11, Dir: Upload, Remote: "/up", Local: "/x/up", Size: 100, Done: 30, State: Running}, Pos: 11},
		{Job: Job{ID: 12, Dir: Upload, Remote: "/up2", Local: "/x/up2", Size: 100, Done: 100, State: Done}, Pos: 12},
	})
	q := newOffline(t, Options{StateDir: dir})
	s := q.Snapshot()
	var got []string
	for _, j := range s.Jobs {
		got = append(got, fmt.Sprintf("%s:%s:%d", j.Remote, j.State, j.Done))
	}
	want := []string{"/there-before:paused:0", "/short:paused:0", "/part:paused:60", "/gone:paused:0", "/failed:failed:0", "/up:paused:30"}
	if !slices.Equal(got, want) {
		t.Errorf("restored %v,\nwant %v", got, want)
	}
	if b, err := os.ReadFile(filepath.Join(local, "committed")); err != nil || len(b) != 100 {
		t.Errorf("committed download not renamed into place: %d bytes, %v", len(b), err)
	}
	if r := q.Restored(); r != (Restored{Unfinished: 5, BytesLeft: 100 + 100 + 40 + 100 + 70, Failed: 1}) {
		t.Errorf("Restored() = %+v", r)
	}
	if !strings.Contains(notes(q.sess.Log()), "lost-done was finished") {
		t.Errorf("no note on the job whose done was lost: %s", notes(q.sess.Log()))
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	// What was dropped is gone from the store, not checked again.
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	recs, _, _, err := st.read()
	_ = st.close()
	if err != nil || len(recs) != len(want) {
		t.Errorf("%d records in the store after the restore, want %d (%v)", len(recs), len(want), err)
	}
}

// TestImportLegacyQueueJSON: an old queue.json (as a crash while jobs ran
// left it) is imported once into the store and removed: jobs that were
// queued or running come back paused, a download's Done equal to its
// .part; its done jobs are trusted; a duplicate id is dropped.
func TestImportLegacyQueueJSON(t *testing.T) {
	dir, local := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(local, "big.bin.part"), make([]byte, 12345), 0o644); err != nil {
		t.Fatal(err)
	}
	d := legacyFile{Version: legacyVersion, NextID: 5, Jobs: []Job{
		{ID: 1, Dir: Download, Remote: "/big.bin", Local: filepath.Join(local, "big.bin"), LocalRoot: local, Size: 99999, Done: 5000, State: Running},
		{ID: 2, Dir: Download, Remote: "/small.bin", Local: filepath.Join(local, "small.bin"), LocalRoot: local, Size: 10, Done: 7, State: Queued},
		{ID: 3, Dir: Upload, Remote: "/up.bin", Local: filepath.Join(local, "up.bin"), LocalRoot: local, Size: 100, Done: 40, State: Running},
		{ID: 4, Dir: Download, Remote: "/done.bin", Local: filepath.Join(local, "done.bin"), LocalRoot: local, Size: 3, Done: 3, State: Done},
		{ID: 4, Dir: Download, Remote: "/dup.bin", Local: filepath.Join(local, "dup.bin"), LocalRoot: local, State: Queued},
		{ID: 7, Dir: Download, Remote: "/failed.bin", Local: filepath.Join(local, "failed.bin"), LocalRoot: local, Size: 5, State: Failed, Err: "550 nope"},
	}}
	b, _ := json.Marshal(d)
	legacy := filepath.Join(dir, legacyName)
	if err := os.WriteFile(legacy, b, 0o600); err != nil {
		t.Fatal(err)
	}
	want := []string{"/big.bin:paused:12345", "/small.bin:paused:0", "/up.bin:paused:40", "/failed.bin:failed:0"}
	for run := range 2 {
		q, err := New(offlineSession(), Options{StateDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, j := range q.Snapshot().Jobs {
			got = append(got, fmt.Sprintf("%s:%s:%d", j.Remote, j.State, j.Done))
		}
		if !slices.Equal(got, want) {
			t.Errorf("run %d: %v,\nwant %v", run, got, want)
		}
		if _, err := os.Stat(legacy); !os.IsNotExist(err) {
			t.Errorf("run %d: queue.json still there (%v)", run, err)
		}
		if n, err := q.add([]Job{{Dir: Download, Remote: fmt.Sprint("/new", run), Local: filepath.Join(local, fmt.Sprint("new", run)), LocalRoot: local}}); n != 1 || err != nil {
			t.Fatalf("add: %d %v", n, err)
		}
		if id := q.Snapshot().Jobs[len(want)].ID; id < 8 {
			t.Errorf("run %d: new id %d reuses an imported one", run, id)
		}
		want = append(want, fmt.Sprintf("/new%d:paused:0", run))
		if err := q.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCorruptQueueFileMovedAside(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, legacyName)
	if err := os.WriteFile(p, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	q := newOffline(t, Options{StateDir: dir})
	if n := len(q.Snapshot().Jobs); n != 0 {
		t.Fatalf("%d jobs", n)
	}
	if b, err := os.ReadFile(p + ".corrupt"); err != nil || string(b) != "{not json" {
		t.Fatalf("corrupt file not kept: %q %v", b, err)
	}
}

// TestStoreInUse: a second queue on the same state folder is refused
// with words, not left waiting.
func TestStoreInUse(t *testing.T) {
	dir := t.TempDir()
	newOffline(t, Options{StateDir: dir})
	_, err := New(offlineSession(), Options{StateDir: dir})
	if err == nil || !strings.Contains(err.Error(), "in use by another ftpdeck") {
		t.Fatalf("second queue on one state folder: %v", err)
	}
}

// TestRecordRoundTrip: every field of a record survives the store's
// encoding; a cut or altered encoding is refused, not misread.
func TestRecordRoundTrip(t *testing.T) {
	r := record{Job: Job{ID: 42, Dir: Upload, Remote: "/srv/ä b.bin", Local: "/home/u/ä b.bin", LocalRoot: "/home/u",
		Size: 1 << 40, Done: 12345, State: Failed, Attempts: 3, Err: "550 no", ErrMode: "active", Mode: "passive",
		Resolved: Newer, NoRest: true, Batch: 17, Note: "fell back to passive mode"}, Pos: -7, Added: time.Now().UnixNano()}
	typed := r
	typed.Type, typed.MTime = "ascii", time.Date(2021, 3, 4, 5, 6, 7, 8, time.UTC)
	timed := r
	timed.MTime = typed.MTime
	for _, r := range []record{r, typed, timed} {
		b := appendRecord(nil, &r)
		got, err := decodeRecord(42, b)
		if err != nil || got != r {
			t.Fatalf("round trip: %+v %v,\nwant %+v", got, err, r)
		}
		for i := range b {
			if _, err := decodeRecord(42, b[:i]); err == nil {
				t.Errorf("a record cut to %d of %d bytes was read", i, len(b))
			}
		}
		if _, err := decodeRecord(42, append(b, 0)); err == nil {
			t.Error("a record with a byte too many was read")
		}
	}
}

// FuzzDecodeRecord: whatever a damaged store holds, decoding returns an
// error or a record that encodes back to the same bytes.
func FuzzDecodeRecord(f *testing.F) {
	f.Add(appendRecord(nil, &record{Job: Job{Remote: "/a", Local: "/x/a", LocalRoot: "/x", Size: 10}}))
	f.Add([]byte{recordFormat, 0, 0, 0, 0})
	f.Add(appendRecord(nil, &record{Job: Job{Remote: "/a.txt", Type: "ascii", MTime: time.Unix(1e9, 0).UTC()}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRecord(1, b)
		if err != nil {
			return
		}
		if again := appendRecord(nil, &r); !slices.Equal(again, b) {
			// Varints have one shortest form; a longer one decodes to
			// the same record, which must encode stably from then on.
			r2, err := decodeRecord(1, again)
			if err != nil || r2 != r {
				t.Fatalf("%x decoded to %+v, which re-encodes to %x (%v)", b, r, again, err)
			}
		}
	})
}

// TestGroupCommit: thousands of changes made as fast as the queue takes
// them share commits at least commitEvery apart (queue.json was written
// and synced for each), and once the queue is closed every last change is
// in the store.
func TestGroupCommit(t *testing.T) {
	dir := t.TempDir()
	q, err := New(offlineSession(), Options{StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := q.add(manyJobs(2000)); n != 2000 || err != nil {
		t.Fatalf("add: %d %v", n, err)
	}
	ids := make([]int64, 0, 2000)
	for _, j := range q.Snapshot().Jobs {
		ids = append(ids, j.ID)
	}
	before := q.store.commits.Load()
	start := time.Now()
	changes := 0
	for round := 0; changes < 20000 || time.Since(start) < 3*commitEvery; round++ {
		for _, id := range ids[:500] {
			if round%2 == 0 {
				_ = q.Pause(id)
			} else {
				_ = q.Resume(id)
			}
			changes++
		}
	}
	for _, id := range ids[1000:] { // the last word: canceled (not restored)
		if err := q.Cancel(id); err != nil {
			t.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	commits := q.store.commits.Load() - before
	t.Logf("%d changes in %s: %d commits", changes+1000, elapsed, commits)
	if limit := int64(elapsed/commitEvery) + 2; commits > limit {
		t.Errorf("%d commits in %s, want at most %d (one per %s, and Close's)", commits, elapsed, limit, commitEvery)
	}
	q2 := newOffline(t, Options{StateDir: dir})
	s := q2.Snapshot()
	if len(s.Jobs) != 1000 || s.Paused != 1000 || s.Jobs[999].ID != ids[999] {
		t.Fatalf("after reopening: %d jobs, %d paused; want the 1,000 not canceled, paused", len(s.Jobs), s.Paused)
	}
}
