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

	"ftpdeck/transfer"
)

// TestListingsTellTheTruth lists, on every real server: a folder holding
// names with leading and trailing spaces and a symlink, an empty folder, a
// file, and a folder that does not exist — in both modes of listing
// (hidden or not). A missing folder is an error with the server's reply
// (vsftpd lists it as empty), a file lists as itself (pure-ftpd and
// proftpd refuse MLSD of a file).
func TestListingsTellTheTruth(t *testing.T) {
	for name, start := range servers() {
		t.Run(name, func(t *testing.T) {
			srv := start(t)
			srv.seed(t, "d/plain.txt", []byte("hello"))
			srv.seed(t, "d/ lead", []byte("1"))
			srv.seed(t, "d/trail ", []byte("22"))
			srv.seed(t, "d/.hidden", []byte("333"))
			srv.seed(t, "d/sub/x", []byte("x"))
			if err := os.Mkdir(filepath.Join(srv.root, "empty"), 0o777); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("plain.txt", filepath.Join(srv.root, "d", "link")); err != nil {
				t.Fatal(err)
			}
			c, _, rec := srv.dial(t, transfer.Passive)
			ctx := context.Background()

			es, err := c.List(ctx, "/d", true)
			if err != nil {
				t.Fatalf("list /d: %v\n%s", err, rec.text())
			}
			got := map[string]transfer.Entry{}
			for _, e := range es {
				got[e.Name] = e
			}
			for n, size := range map[string]int64{"plain.txt": 5, " lead": 1, "trail ": 2, ".hidden": 3} {
				e, ok := got[n]
				if !ok || e.Type != transfer.File || e.Size != size {
					t.Errorf("entry %q: got %+v (present %v); all: %q\n%s", n, e, ok, names(es), rec.text())
				}
			}
			if e, ok := got["sub"]; !ok || e.Type != transfer.Folder {
				t.Errorf("sub: %+v, all %q", e, names(es))
			}
			// Servers show a link as a link (LIST "l", proftpd's MLSD
			// OS.unix=slink) or, in MLSD, as what it points to.
			if e, ok := got["link"]; !ok || (e.Type != transfer.Link && e.Type != transfer.File) {
				t.Errorf("link: %+v, all %q", e, names(es))
			}
			if len(es) != 6 {
				t.Errorf("want 6 entries, got %q", names(es))
			}

			es, err = c.List(ctx, "/empty", false)
			if err != nil || len(es) != 0 {
				t.Errorf("empty folder: %q, %v", names(es), err)
			}

			es, err = c.List(ctx, "/d/plain.txt", false)
			if err != nil || len(es) != 1 || es[0].Name != "plain.txt" || es[0].Size != 5 || es[0].Type != transfer.File {
				t.Errorf("list of a file: %+v, %v\n%s", es, err, rec.text())
			}

			for _, hidden := range []bool{false, true} {
				es, err = c.List(ctx, "/no-such-folder", hidden)
				var re *transfer.ReplyError
				if !errors.As(err, &re) || re.Code/100 != 5 && re.Code != 450 {
					t.Errorf("missing folder (hidden %v): %q, %v\n%s", hidden, names(es), err, rec.text())
				}
			}
			if os.Getenv("SHOWLOG") != "" {
				t.Log(rec.text())
			}
			// The login folder (the library's RETR with no path, sent as
			// the listing verb with none).
			es, err = c.List(ctx, "", false)
			if n := names(es); err != nil || !slices.Contains(n, "d") || !slices.Contains(n, "empty") {
				t.Errorf("login folder: %q, %v\n%s", n, err, rec.text())
			}

			// A listing of many reads, parsed as it arrives: every name once.
			if err := os.Mkdir(filepath.Join(srv.root, "many"), 0o777); err != nil {
				t.Fatal(err)
			}
			want := make([]string, 3000)
			for i := range want {
				want[i] = fmt.Sprintf("file-%05d-%s", i, strings.Repeat("x", i%40))
				if err := os.WriteFile(filepath.Join(srv.root, "many", want[i]), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			slices.Sort(want)
			es, err = c.List(ctx, "/many", false)
			if got := names(es); err != nil || !slices.Equal(got, want) {
				t.Errorf("3,000 names: %d listed, %v", len(got), err)
			}

			// The connection is where it was: a relative listing still works.
			es, err = c.List(ctx, "d/sub", false)
			if err != nil || !slices.Equal(names(es), []string{"x"}) {
				t.Errorf("after the checks: %q, %v", names(es), err)
			}
		})
	}
}

func names(es []transfer.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name
	}
	slices.Sort(out)
	return out
}
