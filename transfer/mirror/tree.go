// Package mirror plans and carries out the making of one folder equal to
// another, across the connection: the remote folder to a local one
// (download side) or the local folder to a remote one (upload side). The
// plan is a pure comparison of two trees (Compare); the trees come from
// parallel remote listings (ListRemote) and a local walk (ListLocal).
// It imports nothing from the UI.
package mirror

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"ftpdeck/transfer"
)

// Kind is what an entry is.
type Kind int

// The kinds of entry a tree holds.
const (
	File Kind = iota
	Folder
	Link
)

// String names the kind for plans and JSON.
func (k Kind) String() string {
	switch k {
	case Folder:
		return "folder"
	case Link:
		return "link"
	default:
		return "file"
	}
}

// Entry is one file, folder or link of a tree, by its slash-separated path
// relative to the tree's top.
type Entry struct {
	Rel    string
	Kind   Kind
	Size   int64
	Time   time.Time
	Target string // a link's target, as the listing gave it
}

// maxDepth bounds recursion, as the queue does.
const maxDepth = 64

// Excluded reports whether rel (slash-separated, relative to the top) is
// left out by one of the globs: a glob with a "/" is matched against the
// whole relative path, one without against every path element, so
// "*.tmp" leaves out a.tmp at any depth and "cache" a folder of that name
// anywhere (with everything below it). Bad patterns were refused by
// CheckExcludes.
func Excluded(rel string, globs []string) bool {
	for _, g := range globs {
		if strings.Contains(g, "/") {
			g = strings.TrimPrefix(g, "/")
			if ok, _ := path.Match(g, rel); ok {
				return true
			}
			continue
		}
		for _, el := range strings.Split(rel, "/") {
			if ok, _ := path.Match(g, el); ok {
				return true
			}
		}
	}
	return false
}

// CheckExcludes refuses malformed globs before anything is listed.
func CheckExcludes(globs []string) error {
	for _, g := range globs {
		if _, err := path.Match(g, ""); err != nil {
			return fmt.Errorf("--exclude %q: %w", g, err)
		}
	}
	return nil
}

// Lister lists a remote tree over several connections at once.
type Lister struct {
	// Conns are the connections to list with; each is used by one
	// goroutine while List runs. Dial, when set, opens more (up to
	// Parallel in all), in parallel with the listing, so their logins
	// cost no waiting; the ones it opened are appended to Conns.
	Conns    []*transfer.Conn
	Dial     func(context.Context) (*transfer.Conn, error)
	Parallel int
	Excludes []string
	// Rules are the local names' rules the remote names are checked with
	// (zero: this machine's, transfer.LocalRules); a name they refuse, or
	// a second name for the same local file where case is ignored, is
	// left out and said in Skipped.
	Rules   transfer.NameRules
	Skipped []string
}

func (l *Lister) rules() transfer.NameRules {
	if l.Rules.GOOS == "" {
		return transfer.LocalRules
	}
	return l.Rules
}

// ListRemote lists top over conns (see Lister.List).
func ListRemote(ctx context.Context, conns []*transfer.Conn, top string, excludes []string) ([]Entry, error) {
	l := Lister{Conns: conns, Excludes: excludes}
	return l.List(ctx, top)
}

// List lists the remote folder top recursively, one folder per listing,
// with every connection listing in parallel. Names a local folder could not
// hold were already dropped by Conn.List. Entries are sorted by Rel.
func (l *Lister) List(ctx context.Context, top string) ([]Entry, error) {
	if len(l.Conns) == 0 {
		return nil, errors.New("mirror: no connection to list with")
	}
	excludes := l.Excludes
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type folder struct {
		rel   string
		depth int
	}
	var (
		mu      sync.Mutex
		out     []Entry
		pending = 1 // folders queued or being listed
		firstEr error
	)
	queue := []folder{{"", 0}}
	cond := sync.NewCond(&mu)
	// next hands out the next folder, or ok=false when all are listed or
	// listing failed.
	next := func() (folder, bool) {
		mu.Lock()
		defer mu.Unlock()
		for len(queue) == 0 && pending > 0 && firstEr == nil {
			cond.Wait()
		}
		if firstEr != nil || len(queue) == 0 {
			return folder{}, false
		}
		f := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		return f, true
	}
	done := func(f folder, entries []transfer.Entry, err error) {
		mu.Lock()
		defer mu.Unlock()
		defer cond.Broadcast()
		pending--
		if err != nil {
			if firstEr == nil {
				firstEr = fmt.Errorf("list %s: %w", path.Join(top, f.rel), err)
			}
			return
		}
		names := transfer.NewLocalNames(l.rules())
		for _, e := range entries {
			rel := path.Join(f.rel, e.Name)
			if Excluded(rel, excludes) {
				continue
			}
			if why := names.Add(e.Name); why != "" {
				l.Skipped = append(l.Skipped, fmt.Sprintf("%s: the name %s", path.Join(top, rel), why))
				continue
			}
			en := Entry{Rel: rel, Size: e.Size, Time: e.Time, Target: e.Target}
			switch e.Type {
			case transfer.Folder:
				en.Kind = Folder
				if f.depth+1 > maxDepth {
					if firstEr == nil {
						firstEr = fmt.Errorf("list %s: deeper than %d folders, stopped", path.Join(top, rel), maxDepth)
					}
					return
				}
				queue = append(queue, folder{rel, f.depth + 1})
				pending++
			case transfer.Link:
				en.Kind = Link
			}
			out = append(out, en)
		}
	}
	var wg sync.WaitGroup
	work := func(c *transfer.Conn) {
		defer wg.Done()
		for {
			f, ok := next()
			if !ok {
				return
			}
			entries, err := c.List(ctx, path.Join(top, f.rel), true)
			done(f, entries, err)
		}
	}
	for _, c := range l.Conns {
		wg.Add(1)
		go work(c)
	}
	if l.Dial != nil {
		for range l.Parallel - len(l.Conns) {
			wg.Add(1)
			go func() {
				c, err := l.Dial(ctx)
				if err != nil {
					wg.Done() // the others list without it; the queue will say why later
					return
				}
				mu.Lock()
				l.Conns = append(l.Conns, c)
				mu.Unlock()
				work(c)
			}()
		}
	}
	wg.Wait()
	if firstEr != nil {
		return nil, firstEr
	}
	sortEntries(out)
	return out, nil
}

// ListLocal walks the local folder top without following links (a link is
// an entry of kind Link). A missing top is an empty tree.
func ListLocal(top string, excludes []string) ([]Entry, error) {
	var out []Entry
	err := filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == top && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if p == top {
			if !d.IsDir() {
				return fmt.Errorf("%s is not a folder", top)
			}
			return nil
		}
		r, err := filepath.Rel(top, p)
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(r)
		if Excluded(rel, excludes) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		en := Entry{Rel: rel, Size: info.Size(), Time: info.ModTime()}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			en.Kind, en.Size = Link, 0
			en.Target, _ = os.Readlink(p)
		case d.IsDir():
			en.Kind, en.Size = Folder, 0
		case !d.Type().IsRegular():
			return nil // devices, sockets, pipes: not mirrored
		}
		out = append(out, en)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortEntries(out)
	return out, nil
}

func sortEntries(es []Entry) {
	sort.Slice(es, func(i, j int) bool { return es[i].Rel < es[j].Rel })
}
