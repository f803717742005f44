package transfer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

func logText(es []transfer.Event) string {
	var b strings.Builder
	for _, ev := range es {
		b.WriteString(ev.String() + "\n")
	}
	return b.String()
}

// prefetchedBeforeReply counts the EPSVs sent ahead before the reply that
// ends the transfer before them (226, or 250 on some servers) was read:
// each is a round trip saved.
func prefetchedBeforeReply(es []transfer.Event) int {
	n := 0
	for i, e := range es {
		if e.Dir != transfer.Sent || e.Text != "EPSV" || !strings.HasPrefix(e.Note, "prefetch") {
			continue
		}
		for _, f := range es[i+1:] {
			if c := f.ReplyCode(); c != 0 {
				if c == 226 || c == 250 {
					n++
				}
				break
			}
		}
	}
	return n
}

// With prefetching (a queue worker's connection), the next transfer's
// EPSV goes out when a transfer's data has all moved, before the server's
// 226, and the replies stay in step on every real server: downloads, a
// resumed download (REST), an upload, a listing and commands without data
// in between, each with the right content.
func TestPrefetchStaysInStep(t *testing.T) {
	for name, start := range servers() {
		t.Run(name, func(t *testing.T) {
			srv := start(t)
			for i := range 4 {
				srv.seed(t, fmt.Sprintf("p/f%d", i), []byte(fmt.Sprintf("file %d of the prefetch test", i)))
			}
			c, log, _ := srv.dial(t, transfer.Passive)
			c.SetPrefetch(true)
			ctx := context.Background()
			get := func(p string, off int64) string {
				t.Helper()
				got, err := retrieve(t, c, p, off)
				if err != nil {
					t.Fatalf("retrieve %s: %v\n%s", p, err, logText(log.Snapshot()))
				}
				return got
			}
			for i := range 3 {
				p := fmt.Sprintf("/p/f%d", i)
				if got, want := get(p, 0), fmt.Sprintf("file %d of the prefetch test", i); got != want {
					t.Fatalf("%s: %q, want %q", p, got, want)
				}
			}
			if _, err := c.ModTime(ctx, "/p/f0"); err != nil {
				t.Fatalf("mdtm after a prefetch: %v\n%s", err, logText(log.Snapshot()))
			}
			if got := get("/p/f3", 5); got != "3 of the prefetch test" {
				t.Fatalf("resumed: %q", got)
			}
			if _, err := c.Store(ctx, "/p/up", 0, strings.NewReader("uploaded"), nil); err != nil {
				t.Fatalf("store: %v\n%s", err, logText(log.Snapshot()))
			}
			es, err := c.List(ctx, "/p", false)
			if err != nil || len(es) != 5 {
				t.Fatalf("list: %d entries, %v\n%s", len(es), err, logText(log.Snapshot()))
			}
			if n, err := c.Size(ctx, "/p/up"); err != nil || n != 8 {
				t.Fatalf("size after the listing: %d %v\n%s", n, err, logText(log.Snapshot()))
			}
			if got := get("/p/up", 0); got != "uploaded" {
				t.Fatalf("read back: %q", got)
			}
			if b, err := os.ReadFile(filepath.Join(srv.root, "p", "up")); err != nil || string(b) != "uploaded" {
				t.Fatalf("on the server: %q %v", b, err)
			}
			if c.Broken() {
				t.Fatalf("connection broken\n%s", logText(log.Snapshot()))
			}
			// f0 proves EPSV; the EPSVs of f1, f2, f3 (after an MDTM), the
			// upload and the last download (after a SIZE) went ahead, each
			// at the end of the download or listing before it, and one
			// after the last download, not used yet; an upload sends none
			// ahead.
			lt := logText(log.Snapshot())
			if n := prefetchedBeforeReply(log.Snapshot()); n != 6 {
				t.Errorf("%d EPSVs sent before the previous transfer's reply, want 6\n%s", n, lt)
			}
			if n := strings.Count(lt, "prefetch: connected"); n != 5 {
				t.Errorf("%d prefetched connections, want 5\n%s", n, lt)
			}
			if strings.Contains(lt, "no longer sends EPSV ahead") {
				t.Errorf("prefetching stopped:\n%s", lt)
			}
		})
	}
}

// Servers that get the prefetched EPSV wrong, or fail the transfer before
// it: the replies are taken for what they are, the connection stays in
// step (every later transfer succeeds on it), and it sends no EPSV ahead
// from then on.
//   - early229: the server reads the EPSV during the transfer and answers
//     it (229) before the transfer's 226;
//   - early450: the same, refusing it ("450 EPSV: data transfer in
//     progress", as proftpd does during an upload), then 226;
//   - fails: the transfer fails after its data (426), then the EPSV is
//     answered in turn: the 426 is the transfer's error.
func TestPrefetchOutOfStepServers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		early   string // the reply to the EPSV read during the first transfer ("" = none)
		end     string // the first transfer's last reply
		wantErr bool
		note    string
		want    []string // the server's transcript
	}{
		{"early229", "229", "226 Transfer complete.", false, "answered EPSV before the transfer's reply",
			[]string{"EPSV", "RETR /a", "EPSV", "RETR /b", "EPSV", "RETR /c", "EPSV", "RETR /d"}},
		{"early450", "450 EPSV: data transfer in progress", "226 Transfer complete.", false, `"450 EPSV: data transfer in progress" came where the transfer's reply was due`,
			[]string{"EPSV", "RETR /a", "EPSV", "EPSV", "RETR /b", "EPSV", "RETR /c", "EPSV", "RETR /d"}},
		{"fails", "", "426 Connection closed; transfer aborted.", true, `"426 Connection closed; transfer aborted." came where the transfer's reply was due`,
			[]string{"EPSV", "RETR /a", "EPSV", "RETR /b", "EPSV", "RETR /c", "EPSV", "RETR /d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := ftpscript.Start(t)
			for _, n := range []string{"a", "b", "c", "d"} {
				srv.Files.Put("/"+n, []byte("file "+n))
			}
			var once sync.Once
			srv.Handle("RETR", func(c *ftpscript.Conn, arg string) {
				data, ok := c.Server().Files.Get(c.Path(arg))
				if !ok {
					c.Reply("550 No such file.")
					return
				}
				d, err := c.Data()
				if err != nil {
					c.Reply("425 Failed to establish connection.")
					return
				}
				c.Reply("150 Opening BINARY mode data connection.")
				_, _ = d.Write(data)
				_ = d.Close()
				end := "226 Transfer complete."
				once.Do(func() {
					end = tc.end
					if tc.early == "" {
						return
					}
					// The first transfer proves EPSV, so the client sends
					// the next one ahead: read and answer it first.
					line, err := c.ReadLine()
					if err != nil || line != "EPSV" {
						c.Reply("500 expected EPSV, got " + line)
						return
					}
					if tc.early != "229" {
						c.Reply(tc.early)
						return
					}
					port, err := c.ListenPassive()
					if err != nil {
						c.Reply("425 " + err.Error())
						return
					}
					c.Replyf("229 Entering Extended Passive Mode (|||%d|)", port)
				})
				c.Reply(end)
			})
			_, c, rec, err := dialScripted(t, srv, nil)
			if err != nil {
				t.Fatal(err)
			}
			c.SetPrefetch(true)
			for i, n := range []string{"a", "b", "c", "d"} {
				got, err := retrieve(t, c, "/"+n, 0)
				if i == 0 && tc.wantErr {
					var re *transfer.ReplyError
					if !errors.As(err, &re) || re.Code != 426 {
						t.Fatalf("retrieve %s: %v, want the 426\n%s", n, err, rec.text())
					}
					continue
				}
				if err != nil || got != "file "+n {
					t.Fatalf("retrieve %s: %q %v\n%s", n, got, err, rec.text())
				}
			}
			log := rec.text()
			if !strings.Contains(log, tc.note) {
				t.Errorf("no note %q:\n%s", tc.note, log)
			}
			if n := strings.Count(log, "prefetch: the next"); n != 1 {
				t.Errorf("%d EPSVs sent ahead, want 1 (none after the server got it wrong):\n%s", n, log)
			}
			if got := commands(srv); !slices.Equal(got, tc.want) {
				t.Errorf("transcript %q, want %q", got, tc.want)
			}
			if c.Broken() {
				t.Error("connection broken")
			}
		})
	}
}
