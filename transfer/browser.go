package transfer

import (
	"context"
	"strings"
	"sync"
)

// Browser is a session's browsing connection: the one Conn that lists
// folders, makes and removes them and renames, and on which the queue
// walks folders it expands. It is dialed on first use and dialed again
// when it broke (a timeout or a cancel left it out of sync).
//
// Concurrency: every method may be called from any goroutine. mu is held
// for the whole of a call, so the Conn is used by one goroutine at a time
// and a second caller waits for the first.
type Browser struct {
	sess *Session

	mu   sync.Mutex
	conn *Conn
}

// NewBrowser returns the browsing connection of sess; nothing is dialed
// before the first call.
func NewBrowser(sess *Session) *Browser { return &Browser{sess: sess} }

// Session returns the session the browser dials.
func (b *Browser) Session() *Session { return b.sess }

// Do runs f on a live connection, dialing one when needed. Every wait of
// the dial is bounded by the site's timeout (with its own words for each
// step); ctx can end it sooner.
func (b *Browser) Do(ctx context.Context, f func(*Conn) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn != nil && b.conn.Broken() {
		_ = b.conn.Close()
		b.conn = nil
	}
	if b.conn == nil {
		c, err := b.sess.Dial(ctx)
		if err != nil {
			return err
		}
		b.conn = c
	}
	return f(b.conn)
}

// Start dials (if needed) and returns the starting folder: the site's
// path resolved against the login folder (the login folder itself when the
// site names none), as the server names it; "/" when it names none.
func (b *Browser) Start(ctx context.Context) (string, error) {
	var dir string
	err := b.Do(ctx, func(c *Conn) error {
		d, err := c.Abs(ctx, b.sess.Site().Path)
		dir = strings.TrimSuffix(d, "/")
		return err
	})
	if dir == "" {
		dir = "/"
	}
	return dir, err
}

// Close ends the browsing connection; a later call dials again.
func (b *Browser) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn != nil {
		_ = b.conn.Close()
		b.conn = nil
	}
}
