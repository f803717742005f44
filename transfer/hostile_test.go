package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// Case 5: names that could escape a local folder are dropped from listings,
// each with a log note.
func TestHostileListingNamesSkipped(t *testing.T) {
	srv := ftpscript.Start(t)
	var lines []string
	// A backslash is an ordinary character of a name: a listing keeps
	// it (on Windows the local-name rules refuse it at download).
	want := []string{"good.txt", `x\..\y`}
	for _, n := range []string{"..", "../x", "/abs", "a/../../x", `x\..\y`, `C:\x`, "file:/x", "good.txt", "C:x"} {
		lines = append(lines, ftpscript.ListLine(ftpscript.Entry{Name: n, Size: 1}))
	}
	lines = append(lines, "-rw-r--r--   1 ftp ftp 1 Jan 01 2024 nul\x00name")
	srv.Handle("LIST", ftpscript.List(lines...))
	_, c, rec, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	es, err := c.List(context.Background(), "/", false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("entries %q, want %q", got, want)
	}
	if n := strings.Count(rec.text(), "skipped listing entry"); n < 9-len(want) {
		t.Errorf("%d skip notes, want one per hostile name:\n%s", n, rec.text())
	}
}

// Case 8: escape sequences in names and replies are escaped in the log.
func TestEscapesShownEscapedInLog(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("CWD", ftpscript.Reply("550 \x1b[2J\x1b]0;pwned\x07 no such folder"))
	_, c, rec, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = c.ChangeDir(context.Background(), "x")
	if err == nil || strings.ContainsRune(err.Error(), 0x1b) {
		t.Fatalf("error %q carries a raw escape", err)
	}
	if strings.ContainsRune(rec.text(), 0x1b) || !strings.Contains(rec.text(), `\x1b[2J`) {
		t.Errorf("log not escaped:\n%q", rec.text())
	}
}

// Case 9: a huge reply line and a million continuation lines give a clear
// error with bounded memory.
func TestHugeRepliesBounded(t *testing.T) {
	for name, h := range map[string]ftpscript.Handler{
		"100 MB line": func(c *ftpscript.Conn, _ string) {
			// Written in 1 MiB pieces so the server's own memory stays small.
			chunk := bytes.Repeat([]byte("a"), 1<<20)
			c.RawWrite([]byte("257 \"/"))
			for i := 0; i < 100; i++ {
				c.RawWrite(chunk)
			}
			c.RawWrite([]byte("\"\r\n"))
		},
		"1M continuation": ftpscript.Continuation(257, 1_000_000),
	} {
		t.Run(name, func(t *testing.T) {
			srv := ftpscript.Start(t)
			srv.Handle("PWD", h)
			_, c, _, err := dialScripted(t, srv, func(s *transfer.Site) { s.Timeout = 10 * time.Second })
			if err != nil {
				t.Fatal(err)
			}
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err = c.CurrentDir(context.Background())
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), "too long") {
				t.Fatalf("err = %v, want a too-long error", err)
			}
			if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 32<<20 {
				t.Errorf("heap grew by %d MiB", grew>>20)
			}
		})
	}
}

// Case 10: an endless listing ends with a clear error, not exhausted memory.
func TestEndlessListingCapped(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("LIST", ftpscript.Endless(ftpscript.ListLine(ftpscript.Entry{Name: strings.Repeat("f", 200), Size: 1})))
	_, c, _, err := dialScripted(t, srv, func(s *transfer.Site) { s.Timeout = 20 * time.Second })
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.List(context.Background(), "/", false)
	if !errors.Is(err, transfer.ErrListingTooLarge) {
		t.Fatalf("err = %v, want ErrListingTooLarge", err)
	}
}

// Case 12: a data connection that opens and sends nothing times out.
func TestStalledDataConnection(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Put("/a.bin", []byte("data"))
	srv.Handle("RETR", ftpscript.Stall())
	_, c, _, err := dialScripted(t, srv, func(s *transfer.Site) { s.Timeout = 700 * time.Millisecond })
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.Retrieve(context.Background(), "/a.bin", 0, &bytes.Buffer{}, nil)
	if !errors.Is(err, transfer.ErrTimeout) || !strings.Contains(err.Error(), "stalled") || !transfer.IsTransient(err) {
		t.Fatalf("err = %v, want a transient stall timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}

// Case 18: 150 and 226 before the data: all data is still read.
func TestCompletionBeforeData(t *testing.T) {
	for _, with150 := range []bool{true, false} {
		srv := ftpscript.Start(t)
		payload := bytes.Repeat([]byte("0123456789"), 100_000)
		srv.Files.Put("/a.bin", payload)
		srv.Handle("RETR", ftpscript.EarlyComplete(with150))
		_, c, _, err := dialScripted(t, srv, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if _, err := c.Retrieve(context.Background(), "/a.bin", 0, &got, nil); err != nil || !bytes.Equal(got.Bytes(), payload) {
			t.Errorf("with150=%v: %d bytes, err %v", with150, got.Len(), err)
		}
		if err := c.NoOp(context.Background()); err != nil {
			t.Errorf("with150=%v: out of sync afterwards: %v", with150, err)
		}
	}
}

// Case 19: 425, 421 or no 150 after RETR: a defined error, and the control
// connection stays in sync for the next command (except after 421, which
// closes it).
func TestRETRFailuresKeepSync(t *testing.T) {
	for _, reply := range []string{"425 Can't open data connection.", "550 No such file.", "450 Busy."} {
		srv := ftpscript.Start(t)
		srv.Files.Put("/a.bin", []byte("x"))
		srv.Handle("RETR", ftpscript.Reply(reply))
		_, c, _, err := dialScripted(t, srv, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Retrieve(context.Background(), "/a.bin", 0, &bytes.Buffer{}, nil)
		if err == nil || !strings.Contains(err.Error(), reply[:3]) {
			t.Errorf("%q: err = %v", reply, err)
		}
		if err := c.NoOp(context.Background()); err != nil {
			t.Errorf("%q: out of sync afterwards: %v", reply, err)
		}
	}
	srv := ftpscript.Start(t)
	srv.Files.Put("/a.bin", []byte("x"))
	srv.Handle("RETR", func(c *ftpscript.Conn, _ string) { c.Reply("421 Service closing."); c.Close() })
	_, c, _, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Retrieve(context.Background(), "/a.bin", 0, &bytes.Buffer{}, nil)
	if err == nil || !transfer.IsTransient(err) {
		t.Errorf("421: err = %v, want transient", err)
	}
}

// Case 20: 552 after STOR data: the server's words.
func TestStore552(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("STOR", ftpscript.StoreReply(0, "552 Exceeded storage allocation."))
	_, c, _, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Store(context.Background(), "/up.bin", 0, strings.NewReader("payload"), nil)
	if err == nil || !strings.Contains(err.Error(), "552 Exceeded storage allocation.") || transfer.IsTransient(err) {
		t.Fatalf("err = %v, want the permanent 552 with the server's words", err)
	}
}

// Case 14 (engine part): 421 and close mid-RETR is transient, so the queue
// retries it.
func TestCloseMidRETRIsTransient(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Put("/a.bin", bytes.Repeat([]byte("z"), 1<<20))
	srv.Handle("RETR", ftpscript.CloseMidTransfer(4096))
	_, c, _, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	_, err = c.Retrieve(context.Background(), "/a.bin", 0, &got, nil)
	if err == nil || !transfer.IsTransient(err) {
		t.Fatalf("err = %v (got %d bytes), want transient", err, got.Len())
	}
}

// Case 5: every hostile name of the issue is refused as a path element,
// the empty one included (a listing line cannot carry it whole).
func TestUnsafeNames(t *testing.T) {
	for _, n := range []string{"", ".", "..", "../x", "/abs", "a/../../x", `C:\x`, "C:x", "nul\x00", "file:/x"} {
		if transfer.UnsafeName(n) == "" {
			t.Errorf("%q accepted", n)
		}
	}
	// A backslash is an ordinary character of a name (issue 14, item 6);
	// Windows refuses it in its own rules (LocalNameProblem).
	backslash := []string{`x\..\y`, `a\b.txt`}
	for _, n := range append([]string{"a.txt", "..hidden", "x..y", "名前", "with space"}, backslash...) {
		if why := transfer.UnsafeName(n); why != "" {
			t.Errorf("%q refused: %s", n, why)
		}
	}
}
