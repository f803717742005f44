package filepane

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"
)

// Kind says what an entry is.
type Kind int

// The kinds of entries a pane shows.
const (
	File Kind = iota
	Folder
	Link
)

// Entry is one row of a pane: a file, a folder or a link.
type Entry struct {
	Name   string
	Kind   Kind
	Size   int64
	Time   time.Time
	Target string // a link's target, if known
	Perm   string // the mode as ls -l writes it; "" when unknown
}

// IsDir reports whether the entry can be opened as a folder. Links are
// tried as folders (the listing says whether that worked).
func (e Entry) IsDir() bool { return e.Kind == Folder || e.Kind == Link }

// Lister is one side's file system: the remote server or the local disk.
// Its methods do I/O and are called only inside tea.Cmd closures, never in
// Update. An implementation serializes its own calls where it must (the
// remote one holds one control connection, used by one call at a time).
type Lister interface {
	// Join returns the path of name inside dir.
	Join(dir, name string) string
	// Parent returns the folder holding dir (dir itself at the root).
	Parent(dir string) string
	// List returns the entries of dir; hidden asks the server for dot files too.
	List(ctx context.Context, dir string, hidden bool) ([]Entry, error)
	// Mkdir creates a folder.
	Mkdir(ctx context.Context, dir string) error
	// Rename renames a file or folder.
	Rename(ctx context.Context, from, to string) error
	// Delete deletes a file, or a folder and everything in it.
	Delete(ctx context.Context, p string, isDir bool) error
}

// Local is the Lister of the local disk.
type Local struct{}

// Join implements Lister.
func (Local) Join(dir, name string) string { return filepath.Join(dir, name) }

// Parent implements Lister.
func (Local) Parent(dir string) string { return filepath.Dir(dir) }

// List implements Lister. Entries that vanish while being read are skipped.
func (Local) List(_ context.Context, dir string, _ bool) ([]Entry, error) {
	des, err := os.ReadDir(dir)
	if err != nil && len(des) == 0 {
		return nil, err
	}
	out := make([]Entry, 0, len(des))
	for _, d := range des {
		info, err := d.Info()
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		e := Entry{Name: d.Name()}
		if err == nil {
			e.Size, e.Time, e.Perm = info.Size(), info.ModTime(), info.Mode().String()
		}
		switch {
		case d.IsDir():
			e.Kind, e.Size = Folder, 0
		case d.Type()&os.ModeSymlink != 0:
			e.Kind = Link
			e.Target, _ = os.Readlink(filepath.Join(dir, d.Name()))
			if st, err := os.Stat(filepath.Join(dir, d.Name())); err == nil && st.IsDir() {
				e.Kind = Folder
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// Mkdir implements Lister.
func (Local) Mkdir(_ context.Context, dir string) error { return os.Mkdir(dir, 0o755) }

// Rename implements Lister; it refuses to replace an existing target.
func (Local) Rename(_ context.Context, from, to string) error {
	if _, err := os.Lstat(to); err == nil {
		return &os.PathError{Op: "rename", Path: to, Err: os.ErrExist}
	}
	return os.Rename(from, to)
}

// Delete implements Lister.
func (Local) Delete(_ context.Context, p string, isDir bool) error {
	if isDir {
		return os.RemoveAll(p)
	}
	return os.Remove(p)
}
