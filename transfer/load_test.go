package transfer_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// Case 10, entries: an endless listing of short lines reaches the entry
// cap (lowered here so the test stays small; the byte cap test uses the
// real one) and ends with a clear error; a listing of exactly the cap
// passes.
func TestEndlessShortListingEntryCap(t *testing.T) {
	defer transfer.SetMaxListingEntries(10_000)()
	srv := ftpscript.Start(t)
	srv.Handle("LIST", ftpscript.Endless("-rw-r--r-- 1 a b 0 Jan 01 2024 x"))
	_, c, _, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.List(context.Background(), "/", false)
	if !errors.Is(err, transfer.ErrListingTooManyEntries) {
		t.Fatalf("err = %v, want ErrListingTooManyEntries", err)
	}
	if err := c.NoOp(context.Background()); err != nil {
		t.Errorf("out of sync after the refused listing: %v", err)
	}

	srv2 := ftpscript.Start(t)
	for i := range 10_000 {
		srv2.Files.Put(fmt.Sprintf("/d/f%05d", i), nil)
	}
	_, c2, _, err := dialScripted(t, srv2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if es, err := c2.List(context.Background(), "/d", false); err != nil || len(es) != 10_000 {
		t.Fatalf("a listing of exactly the cap: %d entries, %v", len(es), err)
	}
}

// Load case: a 100,000-entry folder is listed with bounded memory. The
// entries themselves are the only thing kept (a few hundred bytes each);
// the listing is never held whole as text.
func TestList100kBoundedMemory(t *testing.T) {
	const n = 100_000
	srv := ftpscript.Start(t)
	for i := range n {
		srv.Files.Put(fmt.Sprintf("/big/file-%06d.dat", i), nil)
	}
	_, c, _, err := dialScripted(t, srv, func(s *transfer.Site) { s.Timeout = 30 * time.Second })
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	es, err := c.List(context.Background(), "/big", false)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if err != nil || len(es) != n {
		t.Fatalf("%d entries, %v", len(es), err)
	}
	kept := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("100k entries: %d MiB kept (%d bytes per entry), %d MiB allocated in all (server included)",
		kept>>20, kept/n, (after.TotalAlloc-before.TotalAlloc)>>20)
	if kept > 48<<20 {
		t.Errorf("listing 100k entries keeps %d MiB", kept>>20)
	}
	runtime.KeepAlive(es)
}
