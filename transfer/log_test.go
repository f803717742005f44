package transfer

import (
	"strings"
	"testing"
	"time"
)

func TestEventString(t *testing.T) {
	at := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	tests := []struct {
		e    Event
		want string
	}{
		{Event{Time: at, Conn: 2, Dir: Sent, Text: "PORT 127,0,0,1,195,80", Note: "active: listening on 127.0.0.1:50000"},
			"15:04:05.000 [2] > PORT 127,0,0,1,195,80                    ; active: listening on 127.0.0.1:50000"},
		{Event{Time: at, Conn: 2, Dir: Received, Text: "200 PORT command successful"},
			"15:04:05.000 [2] < 200 PORT command successful"},
		{Event{Time: at, Conn: 0, Dir: Note, Note: "mode: passive → active"},
			"15:04:05.000 [0] * mode: passive → active"},
		{Event{Time: at, Conn: 1, Dir: Received, Text: "550 \x1b[31mevil\x1b]0;t\x07"},
			`15:04:05.000 [1] < 550 \x1b[31mevil\x1b]0;t\x07`},
	}
	for _, tt := range tests {
		if got := tt.e.String(); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}

func TestLogRingIsBounded(t *testing.T) {
	l := NewLog(3)
	for i := 0; i < 5; i++ {
		l.Add(Event{Dir: Note, Note: string(rune('a' + i))})
	}
	got := l.Snapshot()
	if len(got) != 3 || got[0].Note != "c" || got[2].Note != "e" {
		t.Fatalf("snapshot %+v", got)
	}
}

func TestLogSubscriberNeverBlocks(t *testing.T) {
	l := NewLog(10)
	ch, cancel := l.Subscribe(2)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 100; i++ {
			l.Add(Event{Dir: Note, Note: "x"})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Add blocked on a slow subscriber")
	}
	if n := len(ch); n != 2 {
		t.Errorf("subscriber got %d buffered events, want 2", n)
	}
	cancel()
	cancel() // twice is safe
	for range ch {
	}
}

func TestLogSink(t *testing.T) {
	var b strings.Builder
	l := NewLog(10)
	l.AddSink(&b)
	l.Add(Event{Conn: 1, Dir: Sent, Text: "NOOP"})
	if !strings.HasSuffix(b.String(), " [1] > NOOP\n") {
		t.Errorf("sink got %q", b.String())
	}
}

func BenchmarkLogAdd(b *testing.B) {
	l := NewLog(5000)
	ch, cancel := l.Subscribe(1024)
	defer cancel()
	go func() {
		for range ch {
		}
	}()
	e := Event{Conn: 1, Dir: Received, Text: "226 Transfer complete."}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		l.Add(e)
	}
}
