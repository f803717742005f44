package ftpscript

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultModTime is the modification time of files and directories unless
// set with FS.PutAt.
var DefaultModTime = time.Date(2024, time.January, 2, 3, 4, 5, 0, time.UTC)

// FS is the in-memory file system served by the built-in handlers. Paths
// are absolute and slash-separated; parents of a file exist implicitly. It
// is safe for concurrent use; data is copied in and out.
type FS struct {
	mu    sync.Mutex
	files map[string]fsEntry
	dirs  map[string]time.Time
}

type fsEntry struct {
	data  []byte
	mtime time.Time
}

// NewFS returns an empty file system holding only "/".
func NewFS() *FS {
	return &FS{files: map[string]fsEntry{}, dirs: map[string]time.Time{"/": DefaultModTime}}
}

// Put stores a copy of data at name (cleaned, made absolute).
func (f *FS) Put(name string, data []byte) { f.PutAt(name, data, DefaultModTime) }

// PutAt stores a copy of data at name with modification time mtime.
func (f *FS) PutAt(name string, data []byte, mtime time.Time) {
	name = clean(name)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[name] = fsEntry{data: append([]byte(nil), data...), mtime: mtime}
}

// Get returns a copy of the file at name.
func (f *FS) Get(name string) ([]byte, bool) {
	name = clean(name)
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.files[name]
	if !ok {
		return nil, false
	}
	return append([]byte(nil), e.data...), true
}

// Mkdir creates the directory name (an empty directory shows in listings).
func (f *FS) Mkdir(name string) {
	name = clean(name)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dirs[name] = DefaultModTime
}

// Remove deletes the file or directory name (a directory with everything
// under it) and reports whether anything existed.
func (f *FS) Remove(name string) bool {
	name = clean(name)
	f.mu.Lock()
	defer f.mu.Unlock()
	found := false
	if _, ok := f.files[name]; ok {
		delete(f.files, name)
		found = true
	}
	prefix := strings.TrimSuffix(name, "/") + "/"
	for p := range f.files {
		if strings.HasPrefix(p, prefix) {
			delete(f.files, p)
			found = true
		}
	}
	for p := range f.dirs {
		if p != "/" && (p == name || strings.HasPrefix(p, prefix)) {
			delete(f.dirs, p)
			found = true
		}
	}
	return found
}

// Names returns the paths of all files, sorted.
func (f *FS) Names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(f.files))
	for p := range f.files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// IsDir reports whether name is a directory (explicit, or a parent of a
// file).
func (f *FS) IsDir(name string) bool {
	name = clean(name)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.isDirLocked(name)
}

func (f *FS) isDirLocked(name string) bool {
	if _, ok := f.dirs[name]; ok {
		return true
	}
	prefix := strings.TrimSuffix(name, "/") + "/"
	for p := range f.files {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	for p := range f.dirs {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// Entry is one item of a directory listing.
type Entry struct {
	Name  string
	Dir   bool
	Size  int64
	MTime time.Time
}

// List returns the entries directly inside directory dir, sorted by name,
// or false when dir does not exist. A file lists itself.
func (f *FS) List(dir string) ([]Entry, bool) {
	dir = clean(dir)
	f.mu.Lock()
	defer f.mu.Unlock()
	if e, ok := f.files[dir]; ok {
		return []Entry{{Name: path.Base(dir), Size: int64(len(e.data)), MTime: e.mtime}}, true
	}
	if !f.isDirLocked(dir) {
		return nil, false
	}
	prefix := strings.TrimSuffix(dir, "/") + "/"
	seen := map[string]Entry{}
	for p, e := range f.files {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok {
			continue
		}
		if name, _, sub := strings.Cut(rest, "/"); sub {
			seen[name] = Entry{Name: name, Dir: true, MTime: DefaultModTime}
		} else {
			seen[name] = Entry{Name: name, Size: int64(len(e.data)), MTime: e.mtime}
		}
	}
	for p, mt := range f.dirs {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok || rest == "" {
			continue
		}
		name, _, _ := strings.Cut(rest, "/")
		if _, dup := seen[name]; !dup {
			seen[name] = Entry{Name: name, Dir: true, MTime: mt}
		}
	}
	out := make([]Entry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, true
}

// rename moves a file or directory tree.
func (f *FS) rename(from, to string) bool {
	from, to = clean(from), clean(to)
	f.mu.Lock()
	defer f.mu.Unlock()
	if e, ok := f.files[from]; ok {
		delete(f.files, from)
		f.files[to] = e
		return true
	}
	if !f.isDirLocked(from) || from == "/" {
		return false
	}
	prefix := from + "/"
	for p, e := range f.files {
		if rest, ok := strings.CutPrefix(p, prefix); ok {
			delete(f.files, p)
			f.files[to+"/"+rest] = e
		}
	}
	for p, mt := range f.dirs {
		if p == from {
			delete(f.dirs, p)
			f.dirs[to] = mt
		} else if rest, ok := strings.CutPrefix(p, prefix); ok {
			delete(f.dirs, p)
			f.dirs[to+"/"+rest] = mt
		}
	}
	return true
}

// write stores data at off (off 0: replace; off > 0: keep the first off
// bytes; append: add at the end).
func (f *FS) write(name string, off int64, data []byte, appendMode bool) {
	name = clean(name)
	f.mu.Lock()
	defer f.mu.Unlock()
	old := f.files[name].data
	var nd []byte
	switch {
	case appendMode:
		nd = append(append([]byte(nil), old...), data...)
	case off > 0:
		if off > int64(len(old)) {
			nd = append(append([]byte(nil), old...), make([]byte, off-int64(len(old)))...)
		} else {
			nd = append([]byte(nil), old[:off]...)
		}
		nd = append(nd, data...)
	default:
		nd = append([]byte(nil), data...)
	}
	f.files[name] = fsEntry{data: nd, mtime: DefaultModTime}
}

func (f *FS) stat(name string) (fsEntry, bool) {
	name = clean(name)
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.files[name]
	return e, ok
}

func clean(name string) string {
	return path.Clean("/" + name)
}

// ListLine formats an entry as a Unix `ls -l` line (without CR LF), the
// format the built-in LIST sends.
func ListLine(e Entry) string {
	mode, size := "-rw-r--r--", e.Size
	if e.Dir {
		mode, size = "drwxr-xr-x", 4096
	}
	mt := e.MTime
	if mt.IsZero() {
		mt = DefaultModTime
	}
	return fmt.Sprintf("%s 1 ftp ftp %12d %s %s", mode, size, mt.UTC().Format("Jan _2  2006"), e.Name)
}
