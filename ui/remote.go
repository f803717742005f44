package ui

import (
	"context"
	"path"
	"strings"
	"sync"
	"time"

	"ftpdeck/transfer"
	"ftpdeck/ui/filepane"
)

// remoteFS is the remote pane's Lister over the session's browsing
// connection. Concurrency: every method runs inside a tea.Cmd; mu is held
// for the whole operation, so the Conn is used by one goroutine at a time.
// A Conn that became Broken (timeout, cancel) is closed and re-dialed by
// the next operation.
type remoteFS struct {
	sess    *transfer.Session
	timeout time.Duration

	mu   sync.Mutex
	conn *transfer.Conn
}

func newRemoteFS(sess *transfer.Session, timeout time.Duration) *remoteFS {
	if timeout <= 0 {
		timeout = transfer.DefaultTimeout
	}
	return &remoteFS{sess: sess, timeout: timeout}
}

// with runs f on a live connection, dialing one when needed.
func (r *remoteFS) with(ctx context.Context, f func(*transfer.Conn) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn != nil && r.conn.Broken() {
		_ = r.conn.Close()
		r.conn = nil
	}
	if r.conn == nil {
		dctx, cancel := context.WithTimeout(ctx, r.timeout)
		c, err := r.sess.Dial(dctx)
		cancel()
		if err != nil {
			return err
		}
		r.conn = c
	}
	return f(r.conn)
}

// connect dials (if needed) and returns the starting folder: the site's
// path resolved against the login folder (the login folder itself when the
// site names none), as the server names it.
func (r *remoteFS) connect(ctx context.Context) (string, error) {
	var dir string
	err := r.with(ctx, func(c *transfer.Conn) error {
		d, err := c.Abs(ctx, r.sess.Site().Path)
		dir = strings.TrimSuffix(d, "/")
		return err
	})
	if dir == "" {
		dir = "/"
	}
	return dir, err
}

// close ends the browsing connection.
func (r *remoteFS) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn != nil {
		_ = r.conn.Close()
		r.conn = nil
	}
}

func (r *remoteFS) Join(dir, name string) string { return path.Join(dir, name) }

func (r *remoteFS) Parent(dir string) string { return path.Dir(dir) }

func (r *remoteFS) List(ctx context.Context, dir string, hidden bool) ([]filepane.Entry, error) {
	var out []filepane.Entry
	err := r.with(ctx, func(c *transfer.Conn) error {
		es, err := c.List(ctx, dir, hidden)
		if err != nil {
			return err
		}
		out = make([]filepane.Entry, len(es))
		for i, e := range es {
			k := filepane.File
			switch e.Type {
			case transfer.Folder:
				k = filepane.Folder
			case transfer.Link:
				k = filepane.Link
			case transfer.File:
			}
			out[i] = filepane.Entry{Name: e.Name, Kind: k, Size: e.Size, Time: e.Time, Target: e.Target}
		}
		return nil
	})
	return out, err
}

func (r *remoteFS) Mkdir(ctx context.Context, dir string) error {
	return r.with(ctx, func(c *transfer.Conn) error { return c.MakeDir(ctx, dir) })
}

func (r *remoteFS) Rename(ctx context.Context, from, to string) error {
	return r.with(ctx, func(c *transfer.Conn) error { return c.Rename(ctx, from, to) })
}

func (r *remoteFS) Delete(ctx context.Context, p string, isDir bool) error {
	return r.with(ctx, func(c *transfer.Conn) error {
		if isDir {
			return c.RemoveAll(ctx, p)
		}
		return c.Delete(ctx, p)
	})
}
