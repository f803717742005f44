package transfer_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// TestListIISMLSD: a server whose FEAT offers MLST gets MLSD, and IIS's
// lines (capitalised facts, fractions of a second, a cdir entry) all come
// through; jlaffaye/ftp's own parser dropped every line with a fraction.
func TestListIISMLSD(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("FEAT", ftpscript.Reply("211-Extended features supported:", " SIZE", " MDTM", " MLST Type*;Size*;Modify*;", " EPSV", "211 END"))
	srv.Handle("MLSD", ftpscript.List(
		"Type=cdir;Modify=20261130142500.123; /site",
		"Type=dir;Modify=20261130142500.997; aspnet_client",
		"Type=file;Modify=20261130142501.5;Size=42; web.config",
		"Type=file;Size=3;Modify=20261129080000;  two  spaces ",
	))
	_, c, rec, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	es, err := c.List(context.Background(), "/site", false)
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	if got := names(es); !slices.Equal(got, []string{" two  spaces ", "aspnet_client", "web.config"}) {
		t.Fatalf("names %q\n%s", got, rec.text())
	}
	for _, e := range es {
		if e.Name == "web.config" && (e.Size != 42 || !e.Time.Equal(time.Date(2026, 11, 30, 14, 25, 1, 5e8, time.UTC))) {
			t.Errorf("web.config: %+v", e)
		}
		if e.Name == "aspnet_client" && e.Type != transfer.Folder {
			t.Errorf("aspnet_client: %+v", e)
		}
	}
}

// TestListDOS: an IIS server without MLSD answers LIST in MS-DOS style,
// with a name that starts with spaces; a line nobody understands is left
// out with a log note, not silently.
func TestListDOS(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("LIST", ftpscript.List(
		"11-30-26  02:25PM       <DIR>          Photos",
		"11-30-26  09:05AM                 1234 report.pdf",
		"11-30-26  09:05AM                    7   indented.txt",
		"this is not a listing line",
	))
	_, c, rec, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	es, err := c.List(context.Background(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(es); !slices.Equal(got, []string{"  indented.txt", "Photos", "report.pdf"}) {
		t.Fatalf("names %q", got)
	}
	if !strings.Contains(rec.text(), `listing line not understood, left out: "this is not a listing line"`) {
		t.Errorf("no note of the odd line:\n%s", rec.text())
	}
}

// TestBareServer: a server without MLSD, SIZE, MDTM, EPSV and REST still
// lists (LIST, PASV after EPSV is refused), and a missing folder it lists
// as empty is found out with CWD; the exact commands are checked.
func TestBareServer(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Put("/pub/a.txt", []byte("hello"))
	srv.Handle("FEAT", ftpscript.Reply("500 FEAT not understood."))
	for _, v := range []string{"SIZE", "MDTM", "EPSV", "REST", "MLSD", "MLST"} {
		srv.Handle(v, ftpscript.Reply("502 Command not implemented."))
	}
	// Like vsftpd: LIST of anything missing is an empty listing.
	srv.Handle("LIST", func(c *ftpscript.Conn, arg string) {
		if strings.Contains(arg, "nowhere") {
			ftpscript.List()(c, arg)
			return
		}
		c.Builtin(arg)
	})
	_, c, rec, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	es, err := c.List(ctx, "/pub", false)
	if err != nil || !slices.Equal(names(es), []string{"a.txt"}) || es[0].Size != 5 {
		t.Fatalf("list /pub: %+v, %v\n%s", es, err, rec.text())
	}
	_, err = c.List(ctx, "/nowhere", false)
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("missing folder: %v", err)
	}
	var buf bytes.Buffer
	if _, err := c.Retrieve(ctx, "/pub/a.txt", 0, &buf, nil); err != nil || buf.String() != "hello" {
		t.Fatalf("retr: %q, %v", buf.String(), err)
	}
	want := []string{"USER bob", "PASS s3cret", "FEAT", "TYPE I",
		"EPSV", "PASV", "LIST /pub",
		"PASV", "LIST /nowhere", "PWD", "CWD /nowhere",
		"PASV", "RETR /pub/a.txt"}
	if got := srv.Transcript(); !slices.Equal(got, want) {
		t.Errorf("transcript\n got %q\nwant %q", got, want)
	}
}

// A listing of many blocks (parsed on every processor at once) comes back
// in the server's order, whole, and the lines nobody understands are
// noted in that order too: the first five, then how many more.
func TestListManyBlocksInOrder(t *testing.T) {
	const n = 20000
	var lines, want, bad []string
	for i := n; i > 0; i-- { // not in name order: nothing is sorted here
		name := fmt.Sprintf("f%06d", i)
		lines = append(lines, fmt.Sprintf("-rw-r--r--    1 1000     1000         %5d Jan 02 15:04 %s", i, name))
		want = append(want, name)
		if i%2500 == 0 {
			l := fmt.Sprintf("garbage line %d", i)
			lines = append(lines, l)
			bad = append(bad, l)
		}
	}
	srv := ftpscript.Start(t)
	srv.Handle("LIST", ftpscript.List(lines...))
	_, c, rec, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	es, err := c.List(context.Background(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(es))
	for i, e := range es {
		got[i] = e.Name
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%d entries, not the server's %d in its order", len(got), len(want))
	}
	log := rec.text()
	at := 0
	for _, l := range bad[:5] {
		i := strings.Index(log[at:], fmt.Sprintf("left out: %q", l))
		if i < 0 {
			t.Fatalf("no note of %q after the ones before it:\n%s", l, log)
		}
		at += i
	}
	if strings.Contains(log, bad[5]) || !strings.Contains(log, fmt.Sprintf("%d more listing lines not understood", len(bad)-5)) {
		t.Errorf("notes past the fifth:\n%s", log)
	}
}
