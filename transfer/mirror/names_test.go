package mirror

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// TestListerAppliesLocalNameRules: names a hostile server lists that the
// local platform cannot hold (Windows: devices, streams, a trailing dot;
// case twins where case is ignored) are left out of the tree and said.
func TestListerAppliesLocalNameRules(t *testing.T) {
	srv := ftpscript.Start(t)
	var lines []string
	for _, n := range []string{"CON.txt", "a:b", "x.", "ok.txt", "Same.txt", "same.txt"} {
		lines = append(lines, ftpscript.ListLine(ftpscript.Entry{Name: n, Size: 1}))
	}
	srv.Handle("LIST", ftpscript.List(lines...))
	srv.Handle("MLSD", ftpscript.Reply("500 no MLSD here"))
	site := transfer.Site{Host: srv.Host(), Port: srv.Port(), User: "bob", Password: "s3cret", Timeout: 2 * time.Second}
	sess := transfer.NewSession(site, transfer.NewLog(100))
	c, err := sess.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, tc := range []struct {
		goos    string
		want    []string
		skipped int
	}{
		// a:b looks like a drive path: Conn.List drops it on every platform.
		{"windows", []string{"Same.txt", "ok.txt"}, 3},
		{"linux", []string{"CON.txt", "Same.txt", "ok.txt", "same.txt", "x."}, 0},
	} {
		l := Lister{Conns: []*transfer.Conn{c}, Rules: transfer.RulesFor(tc.goos)}
		tree, err := l.List(context.Background(), "/")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range tree {
			got = append(got, e.Rel)
		}
		if !slices.Equal(got, tc.want) || len(l.Skipped) != tc.skipped {
			t.Errorf("%s: tree %q, skipped %q", tc.goos, got, l.Skipped)
		}
		for _, s := range l.Skipped {
			if !strings.HasPrefix(s, "/") {
				t.Errorf("%s: skipped %q does not name the path", tc.goos, s)
			}
		}
	}
}
