package queueview

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"ftpdeck/transfer/queue"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// clock is a fake clock the tests move by hand.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "delete":
		return tea.KeyMsg{Type: tea.KeyDelete}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// batch is a queue of n 4 KiB downloads with done finished ones first,
// then running ones, then the rest queued, counted as the queue does.
func batch(n, done, running int) queue.Summary {
	var s queue.Summary
	for i := range n {
		j := queue.Job{ID: int64(i + 1), Dir: queue.Download, Remote: fmt.Sprintf("/data/f%05d", i+1), Size: 4096}
		switch {
		case i < done:
			j.State, j.Done = queue.Done, 4096
			s.Done++
		case i < done+running:
			j.State, j.Done = queue.Running, 1024
			s.Running++
		default:
			j.State = queue.Queued
			s.Queued++
		}
		s.BytesDone += j.Done
		s.BytesTotal += j.Size
		s.Jobs = append(s.Jobs, &j)
	}
	return s
}

func pane(w, h int, s queue.Summary) (Model, *clock) {
	c := &clock{now: t0}
	m := New()
	m.SetClock(c.Now)
	m.SetSize(w, h)
	m.Focus()
	m.SetSummary(s)
	return m, c
}

// press feeds keys and returns the model and the messages of the
// commands they returned (batches flattened).
func press(m Model, keys ...string) (Model, []tea.Msg) {
	var msgs []tea.Msg
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = m.Update(keyMsg(k))
		msgs = append(msgs, run(cmd)...)
	}
	return m, msgs
}

func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, run(c)...)
		}
		return out
	case nil:
		return nil
	default:
		return []tea.Msg{msg}
	}
}

func TestRunningJobsOnScreenInALongQueue(t *testing.T) {
	// 5,000 jobs: 4,000 done before the two that run.
	m, _ := pane(100, 6, batch(5000, 4000, 2))
	v := m.View()
	for _, name := range []string{"f04001", "f04002"} {
		if !strings.Contains(v, name) {
			t.Fatalf("running job %s not on screen:\n%s", name, v)
		}
	}
	lines := strings.Split(v, "\n")
	if len(lines) != 6 || !strings.Contains(lines[1], "running") || !strings.Contains(lines[3], "queued") {
		t.Fatalf("want the running jobs first, then the queued:\n%s", v)
	}
	// The next summary: the batch moved on; a cursor on the first row
	// stays there, so the view follows what runs.
	m.SetSummary(batch(5000, 4500, 2))
	if v := m.View(); !strings.Contains(v, "f04501") || m.Cursor() != 0 {
		t.Fatalf("view did not follow the running jobs (cursor %d):\n%s", m.Cursor(), v)
	}
}

func TestCursorStaysOnItsJob(t *testing.T) {
	m, _ := pane(100, 6, batch(50, 10, 2))
	m, _ = press(m, "j", "j", "j") // running, running, queued f00013, f00014
	j, _ := m.Current()
	if j.ID != 14 {
		t.Fatalf("cursor on job %d, want 14", j.ID)
	}
	m.SetSummary(batch(50, 11, 2)) // job 11 done, 12-13 run: job 14 moves up a row
	if j, _ := m.Current(); j.ID != 14 {
		t.Fatalf("cursor moved to job %d, want it kept on 14", j.ID)
	}
}

func TestScrollKeys(t *testing.T) {
	tests := []struct {
		keys []string
		want int // cursor row
	}{
		{[]string{"j", "j", "j"}, 3},
		{[]string{"jjj"}, 3}, // one key message holding three runes (issue 16)
		{[]string{"jjjjj", "kk"}, 3},
		{[]string{"pgdown"}, 5},
		{[]string{"pgdown", "pgdown", "pgup"}, 5},
		{[]string{"G"}, 99},
		{[]string{"end", "k"}, 98},
		{[]string{"G", "g"}, 0},
		{[]string{"G", "home"}, 0},
		{[]string{"k"}, 0},
		{[]string{"GGj"}, 99},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.keys, ","), func(t *testing.T) {
			m, _ := pane(100, 6, batch(100, 0, 2))
			m, _ = press(m, tc.keys...)
			if m.Cursor() != tc.want {
				t.Fatalf("cursor %d, want %d", m.Cursor(), tc.want)
			}
			// The cursor's row is on screen.
			j, _ := m.Current()
			if !strings.Contains(m.View(), strings.TrimPrefix(j.Remote, "/data/")) {
				t.Fatalf("job %s under the cursor is not shown:\n%s", j.Remote, m.View())
			}
		})
	}
}

func TestKeysIgnoredUnfocusedOrPasted(t *testing.T) {
	m, _ := pane(100, 6, batch(100, 0, 2))
	m.Blur()
	m, msgs := press(m, "j", "x")
	if m.Cursor() != 0 || len(msgs) != 0 {
		t.Fatalf("an unfocused pane moved to %d or sent %v", m.Cursor(), msgs)
	}
	m.Focus()
	m, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjxX"), Paste: true})
	if m.Cursor() != 0 || cmd != nil {
		t.Fatal("pasted text acted as keys")
	}
}

func TestActionKeys(t *testing.T) {
	s := batch(5, 1, 1)
	s.Jobs[4].State, s.Jobs[4].Err = queue.Failed, "retr /data/f00005: 550 Permission denied"
	s.Queued, s.Failed = 2, 1
	tests := []struct {
		keys []string
		want []tea.Msg
	}{
		{[]string{"space"}, []tea.Msg{ActionMsg{Op: PauseResume, Job: *s.Jobs[1]}}},
		{[]string{"x"}, []tea.Msg{ActionMsg{Op: CancelRemove, Job: *s.Jobs[1]}}},
		{[]string{"j", "delete"}, []tea.Msg{ActionMsg{Op: CancelRemove, Job: *s.Jobs[4]}}}, // failed comes second
		{[]string{"j", "r"}, []tea.Msg{ActionMsg{Op: Retry, Job: *s.Jobs[4]}}},
		{[]string{"j", "m"}, []tea.Msg{ActionMsg{Op: RetryOther, Job: *s.Jobs[4]}}},
		{[]string{"jjK"}, []tea.Msg{ActionMsg{Op: MoveUp, Job: *s.Jobs[2]}}},
		{[]string{"jjJ"}, []tea.Msg{ActionMsg{Op: MoveDown, Job: *s.Jobs[2]}}},
		{[]string{"P"}, []tea.Msg{ActionMsg{Op: PauseResumeAll}}},
		{[]string{"X"}, []tea.Msg{ActionMsg{Op: ClearFinished}}},
		{[]string{"j", "enter"}, []tea.Msg{DetailMsg{Job: *s.Jobs[4]}}},
		{[]string{"rr"}, []tea.Msg{ActionMsg{Op: Retry, Job: *s.Jobs[1]}, ActionMsg{Op: Retry, Job: *s.Jobs[1]}}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.keys, ","), func(t *testing.T) {
			m, _ := pane(100, 8, s)
			_, msgs := press(m, tc.keys...)
			if fmt.Sprint(msgs) != fmt.Sprint(tc.want) {
				t.Fatalf("sent %v, want %v", msgs, tc.want)
			}
		})
	}
	// An empty queue: nothing to act on, but X and P still ask.
	m, _ := pane(100, 8, queue.Summary{})
	if _, msgs := press(m, "space", "x", "enter", "r"); len(msgs) != 0 {
		t.Fatalf("actions on no job: %v", msgs)
	}
}

// TestProgressMeasured feeds a batch as the queue reports it, five times
// a second on a fake clock: the header and StatusText show the files,
// bytes, %, averaged speed and ETA; a row shows its bytes, %, speed, ETA.
func TestProgressMeasured(t *testing.T) {
	const mib = 1 << 20
	big := queue.Job{ID: 1, Dir: queue.Download, Remote: "/iso/big.iso", Size: 1 << 30, State: queue.Running}
	small := queue.Job{ID: 2, Dir: queue.Download, Remote: "/iso/small.txt", Size: 4 * mib, State: queue.Queued}
	sum := func() queue.Summary {
		s := queue.Summary{Jobs: []*queue.Job{&big, &small}, BytesDone: big.Done + small.Done, BytesTotal: big.Size + small.Size}
		for _, j := range s.Jobs {
			switch j.State {
			case queue.Running:
				s.Running++
			case queue.Queued:
				s.Queued++
			case queue.Done:
				s.Done++
			}
		}
		return s
	}
	m, c := pane(120, 6, sum())
	for range 50 { // 10 s at 16 MiB/s
		c.now = c.now.Add(200 * time.Millisecond)
		big.Done += 16 * mib / 5
		m.SetSummary(sum())
	}
	p := m.Progress()
	if p.Speed < 15.9*mib || p.Speed > 16.1*mib || m.JobSpeed(1) < 15.9*mib {
		t.Fatalf("speed %s (job %s), want 16.0 MiB/s", Rate(p.Speed), Rate(m.JobSpeed(1)))
	}
	v := m.View()
	for _, want := range []string{
		"Queue  15%", "0/2 files", "160 MiB/1.0 GiB", "16.0 MiB/s", "ETA 54s", "1 running", "1 queued",
		"160 MiB/1.0 GiB", " 15% ", "54s", // left: 864+4 MiB at 16 MiB/s; the row: 864 MiB
	} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if st := m.StatusText(); st != "1 running · 1 queued · 15% · 16.0 MiB/s · ETA 54s" {
		t.Errorf("StatusText %q", st)
	}
	// The big one finishes, the small one runs: the bytes the big one
	// moved in its last moments count, and the small one gets a meter.
	c.now = c.now.Add(200 * time.Millisecond)
	big.Done, big.State, small.State = big.Size, queue.Done, queue.Running
	m.SetSummary(sum())
	if m.JobSpeed(1) != 0 || m.Progress().FilesDone != 1 {
		t.Fatalf("a done job kept its meter, or was not counted: %+v", m.Progress())
	}
	// Nothing runs: no speed, no ETA.
	c.now = c.now.Add(time.Minute)
	small.Done, small.State = small.Size, queue.Done
	m.SetSummary(sum())
	c.now = c.now.Add(time.Second)
	m.SetSummary(sum())
	if p := m.Progress(); p.Speed != 0 || p.ETA() != "" || !strings.Contains(m.View(), "Queue  100% · 2/2 files") {
		t.Fatalf("idle queue: speed %v ETA %q\n%s", p.Speed, p.ETA(), m.View())
	}
}

// TestRowsFitEveryWidth: every line of the view is exactly the width,
// at the widths the layout hands down, and a failed job's error is cut
// only with an ellipsis (enter shows it whole).
func TestRowsFitEveryWidth(t *testing.T) {
	s := batch(20, 5, 2)
	s.Jobs[9].State, s.Jobs[9].Err = queue.Failed, "stor /work/steering/"+strings.Repeat("b", 200)
	for _, w := range []int{40, 80, 99, 100, 120, 200} {
		m, _ := pane(w, 8, s)
		for i, l := range strings.Split(m.View(), "\n") {
			if lipgloss.Width(l) != w {
				t.Fatalf("width %d: line %d is %d wide: %q", w, i, lipgloss.Width(l), l)
			}
		}
		want := "failed:…"
		if w >= 80 {
			want = "failed: stor /work"
		}
		if v := m.View(); !strings.Contains(v, want) || !strings.Contains(v, "…") {
			t.Fatalf("width %d: failed row:\n%s", w, v)
		}
	}
}

// TestSmallFilesMeasured: a batch of 4 KiB files where each is added, run
// and done between two summaries (the demo server's case) still has a
// speed: 40 files a tick is 800 KiB/s.
func TestSmallFilesMeasured(t *testing.T) {
	s := batch(40, 0, 0)
	m, c := pane(100, 6, queue.Summary{})
	m.SetSummary(s) // the first jobs queued
	for tick := range 25 {
		c.now = c.now.Add(200 * time.Millisecond)
		// All done, 40 more queued and done; as the queue does, a job
		// that changed is a new *Job (snapshots share the others).
		jobs := make([]*queue.Job, 0, len(s.Jobs)+40)
		for _, j := range s.Jobs {
			if j.State != queue.Done {
				c := *j
				c.State, c.Done = queue.Done, 4096
				j = &c
			}
			jobs = append(jobs, j)
		}
		s.Jobs = jobs
		for i := range 40 {
			s.Jobs = append(s.Jobs, &queue.Job{ID: int64(len(s.Jobs) + 1), Remote: fmt.Sprintf("/data/g%d-%d", tick, i), Size: 4096, Done: 4096, State: queue.Done})
		}
		s.Running, s.Queued = 1, 1 // the queue still busy
		m.SetSummary(s)
	}
	if r := m.Progress().Speed; r < 790*1024 || r > 810*1024 {
		t.Fatalf("speed %s, want 800 KiB/s", Rate(r))
	}
	// The queue empties: no speed is left standing.
	s.Running, s.Queued = 0, 0
	c.now = c.now.Add(200 * time.Millisecond)
	m.SetSummary(s)
	if r := m.Progress().Speed; r != 0 || strings.Contains(m.View(), "/s") {
		t.Fatalf("idle queue shows a speed: %s\n%s", Rate(r), m.View())
	}
}

func TestHeaderOnlySkipped(t *testing.T) {
	s := queue.Summary{Skipped: 2, Jobs: []*queue.Job{
		{ID: 1, Remote: "/a", Size: 10, State: queue.Skipped},
		{ID: 2, Remote: "/b", Size: 10, State: queue.Skipped},
	}}
	m, _ := pane(100, 4, s)
	if title := strings.Split(m.View(), "\n")[0]; strings.TrimSpace(title) != "Queue  2 skipped" {
		t.Fatalf("title %q", title)
	}
}

// TestETAOfAMixedQueue: small files move at 200 files (800 KiB) a second
// with 500 more queued. Alone, the ETA is the bytes left at that speed.
// With a 3 GiB file queued behind them, bytes over that speed would say
// an hour, though the small files tell nothing of how fast a large one
// goes: the ETA is the lower bound the files give, "≥ 3s".
func TestETAOfAMixedQueue(t *testing.T) {
	for _, tc := range []struct {
		name string
		big  bool
		want string
	}{
		{"small files only", false, "2s"},
		{"a large file behind them", true, "≥ 3s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var jobs []*queue.Job
			id := int64(0)
			add := func(size int64, st queue.State) {
				id++
				j := queue.Job{ID: id, Remote: fmt.Sprintf("/d/f%d", id), Size: size, State: st}
				if st == queue.Done {
					j.Done = size
				}
				jobs = append(jobs, &j)
			}
			for range 500 {
				add(4096, queue.Queued)
			}
			if tc.big {
				add(3<<30, queue.Queued)
			}
			sum := func() queue.Summary {
				s := queue.Summary{Jobs: jobs}
				for _, j := range jobs {
					switch j.State {
					case queue.Queued:
						s.Queued++
					case queue.Done:
						s.Done++
					}
					s.BytesDone += j.Done
					s.BytesTotal += j.Size
				}
				s.Running = 1
				s.Queued--
				return s
			}
			m, c := pane(120, 6, sum())
			for range 25 { // 5 s: 40 new files a tick, each added and done between summaries
				c.now = c.now.Add(200 * time.Millisecond)
				for range 40 {
					add(4096, queue.Done)
				}
				m.SetSummary(sum())
			}
			p := m.Progress()
			if p.FileRate < 190 || p.FileRate > 210 {
				t.Fatalf("file rate %.0f/s, want 200", p.FileRate)
			}
			if got := p.ETA(); got != tc.want {
				t.Fatalf("ETA %q, want %q (speed %s, %d queued)", got, tc.want, Rate(p.Speed), p.Queued)
			}
		})
	}
}

// TestLargeFileAfterSmallOnes: after seconds of small files at 50 KiB/s,
// a large file runs at 200 MiB/s; one second in, the queue's speed is
// the large file's, not the average still full of the small files.
func TestLargeFileAfterSmallOnes(t *testing.T) {
	const mib = 1 << 20
	big := queue.Job{ID: 1000, Remote: "/big.img", Size: 3 << 30, State: queue.Queued}
	var jobs []*queue.Job
	sum := func() queue.Summary {
		b := big // a new *Job for each summary, as the queue makes for a changed job
		s := queue.Summary{Jobs: append(append([]*queue.Job(nil), jobs...), &b)}
		for _, j := range s.Jobs {
			switch j.State {
			case queue.Running:
				s.Running++
			case queue.Queued:
				s.Queued++
			}
		}
		s.Running = max(s.Running, 1) // a small file runs at each summary
		return s
	}
	m, c := pane(120, 6, sum())
	for i := range 50 { // 10 s of small files: one every other tick, 50 KiB/s
		c.now = c.now.Add(200 * time.Millisecond)
		if i%2 == 0 {
			jobs = append(jobs, &queue.Job{ID: int64(i + 1), Remote: fmt.Sprintf("/s%d", i), Size: 10240, Done: 10240, State: queue.Done})
		}
		m.SetSummary(sum())
	}
	big.State = queue.Running
	for range 5 { // one second of the large file
		c.now = c.now.Add(200 * time.Millisecond)
		big.Done += 40 * mib
		m.SetSummary(sum())
	}
	if r := m.Progress().Speed; r < 190*mib {
		t.Fatalf("queue speed %s one second into a 200 MiB/s file", Rate(r))
	}
}

// TestRowShowsType (issue 21): an ascii job's row says so; a binary one
// says nothing of its type.
func TestRowShowsType(t *testing.T) {
	for _, c := range []struct {
		typ  string
		want bool
	}{{"ascii", true}, {"", false}} {
		got := stateText(&queue.Job{State: queue.Queued, Type: c.typ})
		if strings.Contains(got, "[ascii]") != c.want {
			t.Errorf("type %q: row says %q", c.typ, got)
		}
	}
}
