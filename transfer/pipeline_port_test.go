package transfer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// verbs returns the transcript's verbs without the login preamble.
func verbs(srv *ftpscript.Server) []string {
	var out []string
	for _, l := range commands(srv) {
		v, _, _ := strings.Cut(l, " ")
		out = append(out, v)
	}
	return out
}

// portSentWith counts the PORT or EPRT lines sent in one write with the
// transfer command after them: the log has the command line right after
// the PORT line, before PORT's reply.
func portSentWith(log string) int {
	lines := strings.Split(log, "\n")
	n := 0
	for i, l := range lines {
		if (strings.Contains(l, "> PORT ") || strings.Contains(l, "> EPRT ")) && strings.Contains(l, "pipelined: sent with the next command") &&
			i+1 < len(lines) && strings.Contains(lines[i+1], "] > ") {
			n++
		}
	}
	return n
}

// In active mode, once PORT and a transfer have worked on a connection,
// the next PORT goes out with its transfer command in one write, and the
// replies stay in step on every real server: downloads, a resumed one
// (REST between), an upload and a listing.
func TestPipelinedPORTStaysInStep(t *testing.T) {
	for name, start := range servers() {
		t.Run(name, func(t *testing.T) {
			srv := start(t)
			for i := range 3 {
				srv.seed(t, fmt.Sprintf("a/f%d", i), []byte(fmt.Sprintf("active file %d", i)))
			}
			c, _, rec := srv.dial(t, transfer.Active)
			ctx := context.Background()
			get := func(p string, off int64) string {
				t.Helper()
				got, err := retrieve(t, c, p, off)
				if err != nil {
					t.Fatalf("retrieve %s: %v\n%s", p, err, rec.text())
				}
				return got
			}
			for i := range 3 {
				p := fmt.Sprintf("/a/f%d", i)
				if got, want := get(p, 0), fmt.Sprintf("active file %d", i); got != want {
					t.Fatalf("%s: %q, want %q", p, got, want)
				}
			}
			if got := get("/a/f1", 7); got != "file 1" {
				t.Fatalf("resumed: %q", got)
			}
			if _, err := c.Store(ctx, "/a/up", 0, strings.NewReader("sent back"), nil); err != nil {
				t.Fatalf("store: %v\n%s", err, rec.text())
			}
			if es, err := c.List(ctx, "/a", false); err != nil || len(es) != 4 {
				t.Fatalf("list: %d entries, %v\n%s", len(es), err, rec.text())
			}
			if b, err := os.ReadFile(filepath.Join(srv.root, "a", "up")); err != nil || string(b) != "sent back" {
				t.Fatalf("on the server: %q %v", b, err)
			}
			if c.Broken() {
				t.Fatalf("connection broken\n%s", rec.text())
			}
			// The first PORT proves it; f1, f2, the upload and the listing
			// send theirs with the command (the resumed one has REST
			// between, so PORT goes alone).
			if n := portSentWith(rec.text()); n != 4 {
				t.Errorf("%d PORTs sent with their command, want 4\n%s", n, rec.text())
			}
		})
	}
}

// A pipelined PORT the server refuses: the transfer fails as a refused
// PORT does (a DataConnError in active mode, for the queue's fallback),
// both replies are read so the connection stays in step, and the session
// sends PORT one command at a time from then on.
func TestPipelinedPORTRefused(t *testing.T) {
	srv := ftpscript.Start(t)
	for _, n := range []string{"a", "b", "c"} {
		srv.Files.Put("/"+n, []byte("file "+n))
	}
	srv.Handle("PORT", epsvSequence(builtinEPSV, ftpscript.Reply("500 PORT switched off"), builtinEPSV))
	_, c, rec, err := dialScripted(t, srv, func(s *transfer.Site) { s.Mode = transfer.Active })
	if err != nil {
		t.Fatal(err)
	}
	if got, err := retrieve(t, c, "/a", 0); err != nil || got != "file a" {
		t.Fatalf("retrieve a: %q %v\n%s", got, err, rec.text())
	}
	_, err = retrieve(t, c, "/b", 0)
	var de *transfer.DataConnError
	if !errors.As(err, &de) || de.Mode != transfer.Active || !strings.Contains(de.Cause, "server refused PORT: 500") {
		t.Fatalf("retrieve b: %v, want the refused PORT\n%s", err, rec.text())
	}
	if got, err := retrieve(t, c, "/c", 0); err != nil || got != "file c" {
		t.Fatalf("retrieve c: %q %v\n%s", got, err, rec.text())
	}
	want := []string{"PORT", "RETR", "PORT", "RETR", "PORT", "RETR"}
	if got := verbs(srv); !slices.Equal(got, want) {
		t.Errorf("transcript %q, want %q", got, want)
	}
	if n := portSentWith(rec.text()); n != 1 {
		t.Errorf("%d PORTs sent with their command, want 1 (b's; c's alone after the refusal)\n%s", n, rec.text())
	}
	if c.Broken() {
		t.Error("connection broken")
	}
}
