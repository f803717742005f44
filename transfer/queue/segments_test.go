package queue

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
	"ftpdeck/transfer/trust"
)

// segSize is the test file: 9 MiB, over segmentMinFile, so four segments
// of 2.25 MiB.
const segSize = 9<<20 + 12345

// retrOverlap returns how many RETRs the log shows running at once at
// most (from the RETR sent to its connection's final reply), and on how
// many connections RETR was sent.
func retrOverlap(l *transfer.Log) (most, conns int) {
	running := map[int]bool{}
	seen := map[int]bool{}
	for _, e := range l.Snapshot() {
		switch {
		case e.Dir == transfer.Sent && strings.HasPrefix(e.Text, "RETR "):
			running[e.Conn], seen[e.Conn] = true, true
			n := 0
			for _, r := range running {
				if r {
					n++
				}
			}
			most = max(most, n)
		case e.Dir == transfer.Received && running[e.Conn] && len(e.Text) > 3 && e.Text[3] == ' ' && e.Text[0] != '1':
			running[e.Conn] = false
		}
	}
	return most, len(seen)
}

// restOffsets returns the offsets of the REST commands sent.
func restOffsets(l *transfer.Log) []int64 {
	var out []int64
	for _, s := range sentLines(l) {
		if v, ok := strings.CutPrefix(s, "REST "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			out = append(out, n)
		}
	}
	return out
}

// getSegmented downloads /f.bin into local over a queue with opts and
// fails unless it arrived whole, with nothing left beside it.
func getSegmented(t *testing.T, sess *transfer.Session, opts Options, local string, want []byte) Job {
	t.Helper()
	q := startQueue(t, sess, opts)
	if _, err := q.AddDownload(testCtx(t, 10*time.Second), dial(t, sess), "/f.bin", false, local); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 60*time.Second)
	if s.Done != 1 {
		t.Fatalf("%s\nnotes:\n%s", failures(s), notes(sess.Log()))
	}
	got, err := os.ReadFile(filepath.Join(local, "f.bin"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("file differs: %d bytes, want %d (%v)", len(got), len(want), err)
	}
	for _, n := range []string{"f.bin.part", "f.bin.part.segments"} {
		if _, err := os.Lstat(filepath.Join(local, n)); err == nil {
			t.Errorf("%s left behind", n)
		}
	}
	if j := s.Jobs[0]; j.Done != int64(len(want)) {
		t.Errorf("job done %d, want %d", j.Done, len(want))
	}
	return *s.Jobs[0]
}

// wholeFirstTime fails when j had to start over from byte 0 (REST
// refused or ignored, or so the download believed).
func wholeFirstTime(t *testing.T, j Job) {
	t.Helper()
	if j.NoRest || j.Attempts != 1 {
		t.Errorf("job started over: NoRest %v, %d attempts, note %q", j.NoRest, j.Attempts, j.Note)
	}
}

// TestSegmentsDaemons: a file of random bytes fetched in segments
// arrives byte for byte from each daemon, in both modes. vsftpd capped
// per connection shows the file cut as the extra connections join: four
// running at once, one transfer from an offset for each extra.
// On proftpd and pure-ftpd (uncapped: the worker's connection may fetch
// it all before the others log in) the download continues a state of
// four segments, each fetched with REST at its start (less the overlap
// compared at the end) and stopped at its end: every connection stays in
// step with every server.
func TestSegmentsDaemons(t *testing.T) {
	data := genData(19, segSize)
	for _, kind := range daemonKinds {
		t.Run(string(kind), func(t *testing.T) {
			opts := ftpd.Options{}
			if kind == ftpd.Vsftpd {
				opts.MaxRate = 2 << 20 // a segment takes a second: the others log in meanwhile
			}
			d := ftpd.Start(t, kind, opts)
			d.WriteFile(t, "f.bin", data)
			for _, mode := range []transfer.Mode{transfer.Passive, transfer.Active} {
				t.Run(mode.String(), func(t *testing.T) {
					sess, lg := daemonSession(d)
					sess.SetMode(mode)
					local := t.TempDir()
					capped := kind == ftpd.Vsftpd
					if !capped {
						seedSegments(t, local, 4)
					}
					wholeFirstTime(t, getSegmented(t, sess, Options{Parallel: 1, Segments: 4, Policy: Overwrite}, local, data))
					most, conns := retrOverlap(lg)
					if capped && (conns != 4 || most < 2) {
						t.Errorf("RETR on %d connections, at most %d at once: the segments did not run in parallel\n%s", conns, most, notes(lg))
					}
					if n := notes(lg); strings.Contains(n, "out of step") || strings.Contains(n, "failed") || strings.Contains(n, "starting over") {
						t.Errorf("notes:\n%s", n)
					}
					rests := restOffsets(lg)
					if capped {
						if len(rests) < 3 {
							t.Errorf("REST %v: want a cut for each of the three extra connections", rests)
						}
					} else {
						for i := int64(1); i < 4; i++ {
							if off := segSize*i/4 - segmentOverlap; !containsInt(rests, off) {
								t.Errorf("no REST %d (segment %d) in %v", off, i, rests)
							}
						}
					}
					t.Logf("%s %s: %d RETR at once at most", kind, mode, most)
				})
			}
		})
	}
}

// seedSegments leaves in local what a segmented download of /f.bin
// stopped before its first byte leaves: an empty f.bin.part and a state
// of n equal segments, none begun.
func seedSegments(t *testing.T, local string, n int64) {
	t.Helper()
	st := segFile{Size: segSize}
	for i := range n {
		st.Segments = append(st.Segments, segRecord{Start: segSize * i / n, End: segSize * (i + 1) / n})
	}
	b, _ := json.Marshal(st)
	if err := os.WriteFile(filepath.Join(local, "f.bin.part"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(local, "f.bin.part.segments"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func containsInt(s []int64, v int64) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestSegmentsResume: a segmented download canceled half-way leaves its
// .part and the segments' state (bytes done in several segments); the
// same download run again continues each segment where it stopped (REST
// to each one's start plus done) and the file arrives whole.
func TestSegmentsResume(t *testing.T) {
	data := genData(20, segSize)
	d := ftpd.StartVsftpd(t, ftpd.Options{MaxRate: 2 << 20})
	d.WriteFile(t, "f.bin", data)
	local := t.TempDir()
	state := filepath.Join(local, "f.bin.part.segments")

	sess, _ := daemonSession(d)
	q := startQueue(t, sess, Options{Parallel: 1, Segments: 4, Policy: Overwrite})
	if _, err := q.AddDownload(testCtx(t, 10*time.Second), dial(t, sess), "/f.bin", false, local); err != nil {
		t.Fatal(err)
	}
	q.Start()
	// No event says "a second of bytes is on disk": poll the state file.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if n, ok := segmentsDone(local, filepath.Join(local, "f.bin")); ok && n >= 2<<20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no segments' state with 2 MiB done within 30s\n%s", notes(sess.Log()))
		}
		time.Sleep(20 * time.Millisecond)
	}
	id := q.Snapshot().Jobs[0].ID
	if err := q.Cancel(id); err != nil {
		t.Fatal(err)
	}
	j := waitState(t, q, id, Canceled)
	_ = q.Close()

	b, err := os.ReadFile(state)
	if err != nil {
		t.Fatalf("no segments' state after the cancel: %v", err)
	}
	var st segFile
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	var done int64
	started := 0
	var resumeAt []int64
	for _, r := range st.Segments {
		done += r.Done
		if r.Done > 0 {
			started++
		}
		if r.Start+r.Done < r.End {
			resumeAt = append(resumeAt, r.Start+r.Done)
		}
	}
	if st.Size != segSize || len(st.Segments) != 4 || started < 2 || done >= segSize || len(resumeAt) == 0 {
		t.Fatalf("state after the cancel: %s", b)
	}
	if j.Done != done {
		t.Errorf("canceled job's Done %d, the state's %d", j.Done, done)
	}
	part, _ := os.ReadFile(filepath.Join(local, "f.bin.part"))
	for _, r := range st.Segments {
		if !bytes.Equal(part[r.Start:r.Start+r.Done], data[r.Start:r.Start+r.Done]) {
			t.Fatalf("segment at %d: the %d bytes done differ from the file's", r.Start, r.Done)
		}
	}

	sess2, lg2 := daemonSession(d)
	wholeFirstTime(t, getSegmented(t, sess2, Options{Parallel: 1, Segments: 4, Policy: Overwrite}, local, data))
	rests := restOffsets(lg2)
	for _, off := range resumeAt {
		if off > 0 && !containsInt(rests, off-min(off, segmentOverlap)) {
			t.Errorf("the rerun sent no REST %d (a segment's start plus done); sent %v", off, rests)
		}
	}
	if !strings.Contains(notes(lg2), "continuing 4 segments") {
		t.Errorf("no note of the continued segments:\n%s", notes(lg2))
	}
}

// TestSegmentsRestRefusedOrIgnored: a server that refuses REST, or
// answers it 350 and sends the file from byte 0 anyway (caught by the
// overlaps), gets the file on one connection from byte 0 (the job marked
// NoRest), whole.
func TestSegmentsRestRefusedOrIgnored(t *testing.T) {
	cases := map[string]func(*ftpscript.Server){
		"refused": func(s *ftpscript.Server) { s.Handle("REST", ftpscript.Reply("502 REST not implemented.")) },
		"ignored": func(s *ftpscript.Server) { s.Handle("RETR", ftpscript.IgnoreREST()) },
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) { restRefusedOrIgnored(t, name, setup) })
	}
}

func restRefusedOrIgnored(t *testing.T, name string, setup func(*ftpscript.Server)) {
	srv := ftpscript.Start(t)
	data := genData(21, segSize)
	srv.Files.Put("/f.bin", data)
	setup(srv)
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(2000))
	j := getSegmented(t, sess, Options{Parallel: 1, Segments: 4, Policy: Overwrite, Backoff: []time.Duration{}}, t.TempDir(), data)
	if !j.NoRest || !strings.Contains(notes(sess.Log()), name+" REST") {
		t.Errorf("NoRest %v, notes:\n%s", j.NoRest, notes(sess.Log()))
	}
	// the last RETR, the whole file, went without REST
	tr := srv.Transcript()
	last := -1
	for i, c := range tr {
		if strings.HasPrefix(c, "RETR ") {
			last = i
		}
	}
	if last < 1 || strings.HasPrefix(tr[last-1], "REST ") {
		t.Errorf("transcript %q", tr)
	}
}

// TestSegmentsConnLimit: a server that takes fewer connections than
// segments (vsftpd max_per_ip, 421 at the greeting) refuses the extra
// ones; the download carries on with those it has and the file arrives
// whole.
func TestSegmentsConnLimit(t *testing.T) {
	data := genData(22, segSize)
	// the test's own connection (AddDownload), the worker's, one more
	// (capped, so the worker's connection does not fetch it all before
	// the others have tried to log in)
	d := ftpd.StartVsftpd(t, ftpd.Options{MaxPerIP: 3, MaxRate: 2 << 20})
	d.WriteFile(t, "f.bin", data)
	sess, lg := daemonSession(d)
	wholeFirstTime(t, getSegmented(t, sess, Options{Parallel: 1, Segments: 4, Policy: Overwrite}, t.TempDir(), data))
	if !strings.Contains(notes(lg), "refused another connection") {
		t.Errorf("no note of the refused connections:\n%s", notes(lg))
	}
	if _, conns := retrOverlap(lg); conns != 2 {
		t.Errorf("RETR on %d connections, want 2 (the server takes 3, the test holds one)", conns)
	}
}

// TestSegmentsSmallFile: below segmentMinFile a file goes on one
// connection, whatever Segments says.
func TestSegmentsSmallFile(t *testing.T) {
	data := genData(23, segmentMinFile-1)
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	d.WriteFile(t, "f.bin", data)
	sess, lg := daemonSession(d)
	getSegmented(t, sess, Options{Parallel: 1, Segments: 4, Policy: Overwrite}, t.TempDir(), data)
	if _, conns := retrOverlap(lg); conns != 1 {
		t.Errorf("RETR on %d connections, want 1", conns)
	}
}

// TestSegmentsTakeSplits: with no segment left to take, take cuts the
// one being fetched with the most to come in two halves and hands out
// the second; below two segmentMinPart to come it hands out nothing.
func TestSegmentsTakeSplits(t *testing.T) {
	seg := func(start, end, done int64, taken bool) *segment {
		s := &segment{start: start, taken: taken}
		s.end.Store(end)
		s.done.Store(done)
		return s
	}
	p := &segPlan{segs: []*segment{
		seg(0, 10<<20, 10<<20, false),    // whole
		seg(10<<20, 20<<20, 2<<20, true), // 8 MiB to come
		seg(20<<20, 30<<20, 7<<20, true), // 3 MiB to come
		seg(30<<20, 40<<20, 9<<20, true), // 1 MiB to come
	}}
	ns := p.take()
	if ns == nil || ns.start != 16<<20 || ns.end.Load() != 20<<20 || ns.done.Load() != 0 || !ns.taken {
		t.Fatalf("took %+v", ns)
	}
	if got := p.segs[1].end.Load(); got != 16<<20 || p.segs[2] != ns || len(p.segs) != 5 {
		t.Fatalf("the cut segment ends at %d; segments %d, the half at index 2: %v", got, len(p.segs), p.segs[2] == ns)
	}
	// left now: 4, 4, 3, 1 MiB: the 4 MiB one (first) is cut again
	if ns2 := p.take(); ns2 == nil || ns2.start != 14<<20 {
		t.Fatalf("second take: %+v", ns2)
	}
	for _, s := range p.segs[1:] {
		s.done.Store(s.end.Load() - s.start - 1<<20) // 1 MiB to come each
	}
	if ns3 := p.take(); ns3 != nil {
		t.Fatalf("took %d..%d with 1 MiB to come everywhere", ns3.start, ns3.end.Load())
	}
	// A cut is made only while it pays: 8 MiB to come at 8 MiB/s is a
	// second, not more than three times a start of 400 ms; with starts of
	// 100 ms it is.
	running := seg(0, 16<<20, 8<<20, true)
	running.since.Store(time.Now().Add(-time.Second).UnixNano())
	running.sinceDone.Store(0)
	slow := &segPlan{segs: []*segment{running}}
	slow.startCost.Store(int64(400 * time.Millisecond))
	if ns := slow.take(); ns != nil {
		t.Fatalf("cut %d..%d: a second to go, starts of 400ms", ns.start, ns.end.Load())
	}
	slow.startCost.Store(int64(100 * time.Millisecond))
	if ns := slow.take(); ns == nil || ns.start != 12<<20 {
		t.Fatalf("with starts of 100ms: took %+v, want the cut at 12 MiB", ns)
	}
	// the writer of a segment cut under it stops at the new end, and
	// what it wrote past it counts as none
	s := seg(0, 4<<20, 0, true)
	f, err := os.Create(filepath.Join(t.TempDir(), "part"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var progress atomic.Int64
	w := &segWriter{f: f, s: s, size: 8 << 20, progress: &progress}
	if n, err := w.Write(make([]byte, 3<<20)); n != 3<<20 || err != nil {
		t.Fatalf("write: %d %v", n, err)
	}
	s.end.Store(2 << 20)
	if s.have() != 2<<20 || !s.whole() {
		t.Errorf("have %d, whole %v", s.have(), s.whole())
	}
	if n, err := w.Write(make([]byte, 10)); n != 0 || err != errSegmentEnd {
		t.Errorf("write past the new end: %d %v", n, err)
	}
}

// TestSegmentsResumeSplits: a state with one segment far from whole (a
// run stopped early) is continued over four connections: the others cut
// it in halves, and the file arrives whole.
func TestSegmentsResumeSplits(t *testing.T) {
	data := genData(24, segSize)
	d := ftpd.StartVsftpd(t, ftpd.Options{MaxRate: 4 << 20})
	d.WriteFile(t, "f.bin", data)
	local := t.TempDir()
	if err := os.WriteFile(filepath.Join(local, "f.bin.part"), data[:1<<20], 0o644); err != nil {
		t.Fatal(err)
	}
	st, _ := json.Marshal(segFile{Size: segSize, Segments: []segRecord{{Start: 0, End: segSize, Done: 1 << 20}}})
	if err := os.WriteFile(filepath.Join(local, "f.bin.part.segments"), st, 0o644); err != nil {
		t.Fatal(err)
	}
	sess, lg := daemonSession(d)
	wholeFirstTime(t, getSegmented(t, sess, Options{Parallel: 1, Segments: 4, Policy: Overwrite}, local, data))
	if most, conns := retrOverlap(lg); conns < 3 || most < 2 {
		t.Errorf("RETR on %d connections, at most %d at once: the segment was not cut for the others\n%s", conns, most, notes(lg))
	}
	if rests := restOffsets(lg); !containsInt(rests, 1<<20-segmentOverlap) {
		t.Errorf("no REST at the segment's done offset: %v", rests)
	}
}

// TestSegmentsStateWithoutSegments: a .part with holes and its state is
// continued segment by segment even when segments are off (one
// connection); a state that does not fit the file (another size) has the
// download start over. Either way the file arrives whole.
func TestSegmentsStateWithoutSegments(t *testing.T) {
	data := genData(25, segSize)
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	d.WriteFile(t, "f.bin", data)
	half := int64(segSize / 2)
	for name, size := range map[string]int64{"fits": segSize, "another size": segSize + 1} {
		t.Run(name, func(t *testing.T) {
			local := t.TempDir()
			// 1 MiB of each half on disk, the rest holes (zeros)
			part := make([]byte, half+1<<20)
			copy(part, data[:1<<20])
			copy(part[half:], data[half:half+1<<20])
			if err := os.WriteFile(filepath.Join(local, "f.bin.part"), part, 0o644); err != nil {
				t.Fatal(err)
			}
			st, _ := json.Marshal(segFile{Size: size, Segments: []segRecord{{0, half, 1 << 20}, {half, size, 1 << 20}}})
			if err := os.WriteFile(filepath.Join(local, "f.bin.part.segments"), st, 0o644); err != nil {
				t.Fatal(err)
			}
			sess, lg := daemonSession(d)
			getSegmented(t, sess, Options{Parallel: 1, Policy: Overwrite}, local, data)
			if _, conns := retrOverlap(lg); conns != 1 {
				t.Errorf("RETR on %d connections, want 1", conns)
			}
			rests := restOffsets(lg)
			if size == segSize && (!strings.Contains(notes(lg), "continuing 2 segments") || !containsInt(rests, 1<<20-segmentOverlap) || !containsInt(rests, half+1<<20-segmentOverlap)) {
				t.Errorf("not continued where the segments stopped: REST %v\n%s", rests, notes(lg))
			}
			if size != segSize && (!strings.Contains(notes(lg), "does not fit") || len(rests) != 0) {
				t.Errorf("not started over: REST %v\n%s", rests, notes(lg))
			}
		})
	}
}

// TestSegmentsTLS: over explicit TLS (vsftpd requiring it, with its data
// connections resuming the control session), every extra connection
// logs in with TLS too, each segment's data connection is ended early
// the TLS way, and the file arrives whole.
func TestSegmentsTLS(t *testing.T) {
	cert, pool := ftpscript.NewCert(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	if os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600) != nil ||
		os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600) != nil {
		t.Fatal("writing the certificate")
	}
	data := genData(26, segSize)
	d := ftpd.StartVsftpd(t, ftpd.Options{MaxRate: 2 << 20, TLS: &ftpd.TLSOptions{CertFile: certFile, KeyFile: keyFile, Require: true}})
	d.WriteFile(t, "f.bin", data)
	lg := transfer.NewLog(5000)
	sess := transfer.NewSession(transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password,
		TLS: transfer.TLSExplicit, Timeout: 10 * time.Second, Trust: &trust.Verifier{Roots: pool}}, lg)
	wholeFirstTime(t, getSegmented(t, sess, Options{Parallel: 1, Segments: 4, Policy: Overwrite}, t.TempDir(), data))
	if most, conns := retrOverlap(lg); conns != 4 || most < 2 {
		t.Errorf("RETR on %d connections, at most %d at once\n%s", conns, most, notes(lg))
	}
	if n := notes(lg); strings.Contains(n, "out of step") || strings.Contains(n, "failed") || strings.Contains(n, "did NOT resume") {
		t.Errorf("notes:\n%s", n)
	}
}

// TestReadSegments: a state is taken only when its segments cover the
// file from byte 0 to its end, one after another, for the file's size,
// with no more done than the .part holds.
func TestReadSegments(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for _, c := range []struct {
		name  string
		state string
		part  int64
		ok    bool
	}{
		{"covers", `{"size":100,"segments":[{"start":0,"end":50,"done":10},{"start":50,"end":100,"done":5}]}`, 55, true},
		{"a later segment not begun, past the .part's end", `{"size":100,"segments":[{"start":0,"end":50,"done":10},{"start":50,"end":100,"done":0}]}`, 10, true},
		{"gap", `{"size":100,"segments":[{"start":0,"end":40,"done":10},{"start":50,"end":100,"done":5}]}`, 55, false},
		{"overlap", `{"size":100,"segments":[{"start":0,"end":60,"done":10},{"start":50,"end":100,"done":5}]}`, 55, false},
		{"short of the end", `{"size":100,"segments":[{"start":0,"end":90,"done":10}]}`, 55, false},
		{"not from 0", `{"size":100,"segments":[{"start":10,"end":100,"done":10}]}`, 55, false},
		{"another size", `{"size":99,"segments":[{"start":0,"end":100,"done":10}]}`, 55, false},
		{"more done than the .part", `{"size":100,"segments":[{"start":0,"end":50,"done":10},{"start":50,"end":100,"done":5}]}`, 54, false},
		{"done past its end", `{"size":100,"segments":[{"start":0,"end":50,"done":51},{"start":50,"end":100}]}`, 100, false},
		{"not json", `{"size":100,`, 100, false},
		{"no segments", `{"size":100,"segments":[]}`, 100, false},
	} {
		if err := os.WriteFile(filepath.Join(dir, "s"), []byte(c.state), 0o644); err != nil {
			t.Fatal(err)
		}
		st, found := readSegments(root, "s", 100, c.part)
		if !found || (st != nil) != c.ok {
			t.Errorf("%s: found %v, taken %v, want taken %v", c.name, found, st != nil, c.ok)
		}
	}
	if _, found := readSegments(root, "none", 100, 0); found {
		t.Error("a missing state was found")
	}
}

// TestSegmentsStopWhileWaiting: a job stopped while the worker's
// connection has fetched all it can and waits for another connection
// (here one whose transfer the server stalls) is canceled with its .part
// and state kept: never taken for done, never renamed with holes.
func TestSegmentsStopWhileWaiting(t *testing.T) {
	srv := ftpscript.Start(t)
	data := genData(27, segSize)
	srv.Files.Put("/f.bin", data)
	half := int64(segSize / 2)
	claimed := make(chan struct{})
	var once sync.Once
	var cut atomic.Int64 // the REST of the other connection's half
	srv.Handle("RETR", func(c *ftpscript.Conn, arg string) {
		off := c.Rest()
		c.SetRest(off)
		switch {
		case off == 0: // the worker's first segment: once the other has its own
			select {
			case <-claimed:
			case <-time.After(20 * time.Second):
			}
			c.Builtin(arg)
		case cut.CompareAndSwap(0, off) || cut.Load() == off: // the other connection's: stalled
			once.Do(func() { close(claimed) })
			ftpscript.Stall()(c, arg)
		default: // the halves the worker cuts from it
			c.Builtin(arg)
		}
	})
	lg := transfer.NewLog(5000)
	events, unsubscribe := lg.Subscribe(5000)
	defer unsubscribe()
	site := scriptSite(srv)
	site.Timeout = time.Minute // the stall lasts until the cancel
	sess := transfer.NewSession(site, lg)
	local := t.TempDir()
	q := startQueue(t, sess, Options{Parallel: 1, Segments: 2, Policy: Overwrite})
	if _, err := q.AddDownload(testCtx(t, 10*time.Second), dial(t, sess), "/f.bin", false, local); err != nil {
		t.Fatal(err)
	}
	q.Start()
	// The worker's connection: its first segment, then two halves cut
	// from the stalled one (4.5 MiB, then 2.25 MiB to come; 1.1 MiB is
	// too little to cut). Each line logged wakes the count of its three
	// transfers' final replies.
	deadline := time.After(30 * time.Second)
	for finals := 0; finals < 3; {
		select {
		case <-events:
		case <-deadline:
			t.Fatalf("the worker's connection did not finish three transfers\n%s", notes(lg))
		}
		worker, retr := 0, false // the worker's connection notes the plan
		finals = 0
		for _, e := range lg.Snapshot() {
			switch {
			case e.Dir == transfer.Note && strings.Contains(e.Note, "bytes to come over"):
				worker = e.Conn
			case e.Dir == transfer.Sent && e.Text == "RETR /f.bin" && e.Conn == worker:
				retr = true
			case e.Dir == transfer.Received && e.Conn == worker && retr && len(e.Text) > 3 && e.Text[3] == ' ' && e.Text[0] != '1':
				finals, retr = finals+1, false
			}
		}
	}
	id := q.Snapshot().Jobs[0].ID
	if err := q.Cancel(id); err != nil {
		t.Fatal(err)
	}
	j := waitState(t, q, id, Canceled)
	if _, err := os.Lstat(filepath.Join(local, "f.bin")); err == nil {
		t.Fatal("the file was renamed into place with a segment missing")
	}
	if _, err := os.Lstat(filepath.Join(local, "f.bin.part.segments")); err != nil {
		t.Errorf("state not kept: %v", err)
	}
	if j.Done <= half || j.Done >= segSize {
		t.Errorf("canceled with %d of %d bytes", j.Done, segSize)
	}
}

// TestSegmentsAfterSingle: a .part a single download left (no state) is
// kept as the file's beginning and only the rest is cut into segments:
// every transfer starts past it.
func TestSegmentsAfterSingle(t *testing.T) {
	data := genData(28, segSize+3<<20)
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	d.WriteFile(t, "f.bin", data)
	local := t.TempDir()
	if err := os.WriteFile(filepath.Join(local, "f.bin.part"), data[:3<<20], 0o644); err != nil {
		t.Fatal(err)
	}
	sess, lg := daemonSession(d)
	wholeFirstTime(t, getSegmented(t, sess, Options{Parallel: 1, Segments: 4, Policy: Overwrite}, local, data))
	rests := restOffsets(lg)
	retrs := 0
	for _, s := range sentLines(lg) {
		if strings.HasPrefix(s, "RETR ") {
			retrs++
		}
	}
	if !containsInt(rests, 3<<20-segmentOverlap) || len(rests) != retrs || slices.Min(rests) < 3<<20-segmentOverlap {
		t.Errorf("%d RETR, REST %v: want every transfer from the .part's end (%d) on", retrs, rests, 3<<20)
	}
	if !strings.Contains(notes(lg), "over 4 connections") {
		t.Errorf("notes:\n%s", notes(lg))
	}
}

// TestSegmentsStrayReply: a server that answers a transfer from an
// offset with two replies (its own, then a stray 226) leaves every
// connection that goes on after it out of step; the check after a
// transfer stopped early finds it, the worker's connection is replaced
// and an extra one given up, and the file arrives whole.
func TestSegmentsStrayReply(t *testing.T) {
	srv := ftpscript.Start(t)
	data := genData(29, segSize)
	srv.Files.Put("/f.bin", data)
	srv.Handle("RETR", func(c *ftpscript.Conn, arg string) {
		off := c.Rest()
		c.SetRest(off)
		c.Builtin(arg)
		if off > 0 {
			c.Reply("226 Transfer complete.")
		}
	})
	lg := transfer.NewLog(5000)
	sess := transfer.NewSession(scriptSite(srv), lg)
	local := t.TempDir()
	seedSegments(t, local, 4) // transfers from offsets, whichever connection is first
	wholeFirstTime(t, getSegmented(t, sess, Options{Parallel: 1, Segments: 4, Policy: Overwrite}, local, data))
	if !strings.Contains(notes(lg), "out of step") {
		t.Errorf("no connection found out of step:\n%s", notes(lg))
	}
}

// TestSegmentsRateLimit: --limit-rate is the total of all of a
// segmented download's connections, not each one's.
func TestSegmentsRateLimit(t *testing.T) {
	const limit = 4 << 20
	data := genData(30, segSize)
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	d.WriteFile(t, "f.bin", data)
	sess, lg := daemonSession(d)
	began := time.Now()
	wholeFirstTime(t, getSegmented(t, sess, Options{Parallel: 1, Segments: 4, Policy: Overwrite, RateLimit: NewRateLimit(limit)}, t.TempDir(), data))
	elapsed := time.Since(began)
	if _, conns := retrOverlap(lg); conns < 2 {
		t.Errorf("RETR on %d connections, want several", conns)
	}
	checkRate(t, "4 segments, download", segSize, elapsed, limit)
}
