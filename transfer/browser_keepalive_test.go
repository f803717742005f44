package transfer_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/transfer"
)

// TestBrowsingSurvivesIdle: the TUI's browsing connection (Browser), left
// idle past vsftpd's idle_session_timeout, still lists: with keep-alive its
// NOOPs hold it open; without, the server's close is seen before the next
// listing, which goes out on a new connection with a note in the log — the
// user never sees "connection closed".
func TestBrowsingSurvivesIdle(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{IdleTimeout: time.Second})
	d.WriteFile(t, "pub/a.txt", []byte("a"))
	for _, keepalive := range []time.Duration{0, 300 * time.Millisecond} {
		t.Run("keepalive "+keepalive.String(), func(t *testing.T) {
			log := transfer.NewLog(1000)
			events, stop := log.Subscribe(1000)
			defer stop()
			sess := transfer.NewSession(transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password,
				Timeout: 5 * time.Second, Keepalive: keepalive}, log)
			b := transfer.NewBrowser(sess)
			defer b.Close()
			ctx := context.Background()
			list := func() (conn int, names []string, err error) {
				err = b.Do(ctx, func(c *transfer.Conn) error {
					conn = c.ID()
					es, err := c.List(ctx, "/pub", false)
					for _, e := range es {
						names = append(names, e.Name)
					}
					return err
				})
				return conn, names, err
			}
			first, _, err := list()
			if err != nil {
				t.Fatal(err)
			}
			// Idle until the server's limit has passed for this connection:
			// with keep-alive, four NOOPs (1.2s); without, until the close
			// can be seen (polling: nothing announces it).
			if keepalive > 0 {
				deadline := time.After(20 * time.Second)
				for n := 0; n < 4; {
					select {
					case e := <-events:
						if e.Dir == transfer.Sent && e.Text == "NOOP" && e.Conn == first {
							n++
						}
					case <-deadline:
						t.Fatal("no NOOPs")
					}
				}
			} else {
				probe, err := sess.Dial(ctx)
				if err != nil {
					t.Fatal(err)
				}
				_, _ = probe.CurrentDir(ctx)
				for deadline := time.Now().Add(20 * time.Second); !probe.Broken(); time.Sleep(50 * time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatal("the server never closed the idle connection")
					}
				}
				_ = probe.Close()
			}
			second, names, err := list()
			if err != nil || len(names) != 1 || names[0] != "a.txt" {
				t.Fatalf("after idle: %q, %v", names, err)
			}
			var notes []string
			for _, e := range log.Snapshot() {
				if e.Dir == transfer.Note {
					notes = append(notes, e.Note)
				}
			}
			all := strings.Join(notes, "\n")
			if keepalive > 0 && (second != first || strings.Contains(all, "closed this connection")) {
				t.Errorf("keep-alive did not hold the connection:\n%s", all)
			}
			if keepalive == 0 && (second == first || !strings.Contains(all, "idle (421 Timeout.); a new connection replaces it")) {
				t.Errorf("no reconnection with a note:\n%s", all)
			}
		})
	}
}

// TestKeepaliveLearnsIdleLimit: keep-alive set longer than the server's
// idle limit (the default 60 s against vsftpd's idle_session_timeout=60
// loses that race every time) fails once; the session then sends NOOP
// after half the idle time it saw, says so in the log, and the new
// connection outlives the server's limit.
func TestKeepaliveLearnsIdleLimit(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{IdleTimeout: time.Second})
	d.WriteFile(t, "pub/a.txt", []byte("a"))
	log := transfer.NewLog(1000)
	events, stop := log.Subscribe(1000)
	defer stop()
	sess := transfer.NewSession(transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password,
		Timeout: 5 * time.Second, Keepalive: 1500 * time.Millisecond}, log)
	b := transfer.NewBrowser(sess)
	defer b.Close()
	ctx := context.Background()
	list := func() (conn int) {
		t.Helper()
		err := b.Do(ctx, func(c *transfer.Conn) error {
			conn = c.ID()
			es, err := c.List(ctx, "/pub", false)
			if err == nil && (len(es) != 1 || es[0].Name != "a.txt") {
				t.Errorf("listing %v", es)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return conn
	}
	// waitNote waits for a note containing text.
	waitNote := func(text string) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case e := <-events:
				if e.Dir == transfer.Note && strings.Contains(e.Note, text) {
					return
				}
			case <-deadline:
				var all []string
				for _, e := range log.Snapshot() {
					all = append(all, e.String())
				}
				t.Fatalf("no note %q in:\n%s", text, strings.Join(all, "\n"))
			}
		}
	}
	first := list()
	waitNote("keepalive: NOOP failed")
	waitNote("NOOP after 750ms idle from now on")
	second := list() // on a new connection: the first is broken
	if second == first {
		t.Fatal("the broken connection was used again")
	}
	// Three NOOPs answered on the new connection: it has been idle 2.25 s,
	// past the server's 1 s limit, and is still open.
	deadline := time.After(20 * time.Second)
	sent := false
	for n := 0; n < 3; {
		select {
		case e := <-events:
			switch {
			case e.Conn == second && e.Dir == transfer.Sent && e.Text == "NOOP":
				sent = true
			case e.Conn == second && e.Dir == transfer.Received && sent:
				if !strings.HasPrefix(e.Text, "200") {
					t.Fatalf("NOOP answered %q", e.Text)
				}
				n, sent = n+1, false
			}
		case <-deadline:
			t.Fatal("no NOOPs on the new connection")
		}
	}
	if third := list(); third != second {
		t.Errorf("after learning the limit, the connection kept alive was replaced (%d, then %d)", second, third)
	}
}
