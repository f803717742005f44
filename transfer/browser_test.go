package transfer_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ftpdeck/internal/demoserver"
	"ftpdeck/transfer"
)

// The browsing connection dials on first use, runs one call at a time,
// and dials again after Close.
func TestBrowser(t *testing.T) {
	srv, err := demoserver.Start(demoserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	site, _, err := transfer.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	site.Timeout = 5 * time.Second
	b := transfer.NewBrowser(transfer.NewSession(site, transfer.NewLog(100)))
	t.Cleanup(b.Close)
	ctx := context.Background()
	dir, err := b.Start(ctx)
	if err != nil || dir != "/" {
		t.Fatalf("Start: %q, %v", dir, err)
	}
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	var conns sync.Map
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := b.Do(ctx, func(c *transfer.Conn) error {
				n := inside.Add(1)
				defer inside.Add(-1)
				if n > most.Load() {
					most.Store(n)
				}
				conns.Store(c, true)
				_, err := c.List(ctx, "/", false)
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	n := 0
	conns.Range(func(any, any) bool { n++; return true })
	if most.Load() != 1 || n != 1 {
		t.Fatalf("%d calls at once on %d connections; want 1 on 1", most.Load(), n)
	}
	b.Close()
	var again *transfer.Conn
	if err := b.Do(ctx, func(c *transfer.Conn) error { again = c; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, old := conns.Load(again); old {
		t.Fatal("Do after Close used the closed connection")
	}
}
