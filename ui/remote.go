package ui

import (
	"context"
	"path"

	"ftpdeck/transfer"
	"ftpdeck/ui/filepane"
)

// remoteLister is the remote pane's filepane.Lister over the session's
// browsing connection (transfer.Browser, which serializes the calls and
// dials again after a break). It only turns engine entries into pane
// entries. Its methods run inside tea.Cmd closures.
type remoteLister struct{ b *transfer.Browser }

func (r remoteLister) Join(dir, name string) string { return path.Join(dir, name) }

func (r remoteLister) Parent(dir string) string { return path.Dir(dir) }

func (r remoteLister) List(ctx context.Context, dir string, hidden bool) ([]filepane.Entry, error) {
	var out []filepane.Entry
	err := r.b.Do(ctx, func(c *transfer.Conn) error {
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
			out[i] = filepane.Entry{Name: e.Name, Kind: k, Size: e.Size, Time: e.Time, Target: e.Target, Perm: e.Perm}
		}
		return nil
	})
	return out, err
}

func (r remoteLister) Mkdir(ctx context.Context, dir string) error {
	return r.b.Do(ctx, func(c *transfer.Conn) error { return c.MakeDir(ctx, dir) })
}

func (r remoteLister) Rename(ctx context.Context, from, to string) error {
	return r.b.Do(ctx, func(c *transfer.Conn) error { return c.Rename(ctx, from, to) })
}

func (r remoteLister) Delete(ctx context.Context, p string, isDir bool) error {
	return r.b.Do(ctx, func(c *transfer.Conn) error {
		if isDir {
			return c.RemoveAll(ctx, p)
		}
		return c.Delete(ctx, p)
	})
}
