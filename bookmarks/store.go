package bookmarks

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

// BookmarksFile is the name of the bookmarks file in the config folder.
const BookmarksFile = "bookmarks.toml"

// ErrNotLoaded is returned (wrapped) by Save when the file on disk could
// not be read or parsed: saving would replace the user's file, so the store
// refuses until the file is fixed by hand.
var ErrNotLoaded = errors.New("not saved: the file on disk could not be loaded, and saving would overwrite it; fix it by hand first")

// Store holds the sites of one bookmarks.toml. It is safe for concurrent
// use: the UI and the engine may call it from different goroutines.
// Changes stay in memory until Save (SetLastGoodMode saves itself).
type Store struct {
	mu      sync.Mutex
	path    string
	sites   []Site // sorted by name, names unique
	loadErr error  // non-nil: the file on disk is not ours to overwrite
}

type bookmarksFile struct {
	Site []Site `toml:"site"`
}

const fileHeader = `# ftpdeck bookmarks: one [[site]] table per saved site.
# Written by ftpdeck (mode 0600); keys are described in INTERFACE.md.

`

// Open loads configDir/bookmarks.toml. A missing file is an empty store,
// not an error. A file that group or others can read is changed to 0600 and
// a Notice says so; unknown keys are reported as Notices too.
//
// When the file cannot be read or parsed (the error says
// "PATH:LINE:COL: ..."), or holds an invalid site or a duplicate name, Open
// returns the error together with an empty store whose Save refuses to
// overwrite the file (ErrNotLoaded), so nothing the user wrote is lost.
func Open(configDir string) (*Store, []Notice, error) {
	s := &Store{path: filepath.Join(configDir, BookmarksFile)}
	notices, err := s.load()
	if err != nil {
		s.loadErr = err
		s.sites = nil
		return s, notices, err
	}
	return s, notices, nil
}

func (s *Store) load() ([]Notice, error) {
	fi, err := os.Stat(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	notices := fixPrivate(s.path, fi)
	data, err := readSmallFile(s.path)
	if err != nil {
		return notices, err
	}
	var f bookmarksFile
	md, err := decodeTOML(s.path, data, &f)
	if err != nil {
		return notices, err
	}
	for _, k := range md.Undecoded() {
		notices = append(notices, Notice{Path: s.path, Text: fmt.Sprintf("unknown key %q ignored (it will be dropped on the next save)", k.String())})
	}
	seen := map[string]int{}
	for i, site := range f.Site {
		if err := site.Validate(); err != nil {
			return notices, fmt.Errorf("%s: [[site]] number %d: %w", s.path, i+1, err)
		}
		if j, dup := seen[site.Name]; dup {
			return notices, fmt.Errorf("%s: site name %q is used twice ([[site]] number %d and %d)", s.path, site.Name, j+1, i+1)
		}
		seen[site.Name] = i
	}
	s.sites = f.Site
	s.sort()
	return notices, nil
}

func (s *Store) sort() {
	slices.SortFunc(s.sites, func(a, b Site) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// Path returns the bookmarks file's path.
func (s *Store) Path() string { return s.path }

// LoadError returns the error Open met, or nil: while it is non-nil, Save
// refuses.
func (s *Store) LoadError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loadErr
}

// List returns a copy of the sites sorted by name (case-insensitively).
func (s *Store) List() []Site {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sites)
}

// Get returns the site with exactly this name.
func (s *Store) Get(name string) (Site, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.index(name); i >= 0 {
		return s.sites[i], true
	}
	return Site{}, false
}

func (s *Store) index(name string) int {
	return slices.IndexFunc(s.sites, func(x Site) bool { return x.Name == name })
}

// Put adds the site, or replaces the site with the same name. It returns
// the site's Validate error, and then changes nothing.
func (s *Store) Put(site Site) error {
	if err := site.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put(site)
	return nil
}

func (s *Store) put(site Site) {
	if i := s.index(site.Name); i >= 0 {
		s.sites[i] = site
		return
	}
	s.sites = append(s.sites, site)
	s.sort()
}

// Replace stores site in place of the site named oldName (an edit that may
// rename it). It fails when site is invalid, when oldName does not exist,
// or when the new name belongs to another site.
func (s *Store) Replace(oldName string, site Site) error {
	if err := site.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.index(oldName)
	if i < 0 {
		return fmt.Errorf("no bookmark named %q", oldName)
	}
	if j := s.index(site.Name); j >= 0 && j != i {
		return fmt.Errorf("a bookmark named %q already exists", site.Name)
	}
	s.sites[i] = site
	s.sort()
	return nil
}

// Delete removes the site with this name.
func (s *Store) Delete(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.index(name)
	if i < 0 {
		return fmt.Errorf("no bookmark named %q", name)
	}
	s.sites = slices.Delete(s.sites, i, i+1)
	return nil
}

// SetLastGoodMode records the data-connection mode ("passive" or "active")
// that last worked for the site, and saves when it changed.
func (s *Store) SetLastGoodMode(name, mode string) error {
	if mode != ModePassive && mode != ModeActive {
		return fmt.Errorf("last good mode %q is not one of passive, active", mode)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.index(name)
	if i < 0 {
		return fmt.Errorf("no bookmark named %q", name)
	}
	if s.sites[i].LastGoodMode == mode {
		return nil
	}
	old := s.sites[i].LastGoodMode
	s.sites[i].LastGoodMode = mode
	if err := s.save(); err != nil {
		s.sites[i].LastGoodMode = old
		return err
	}
	return nil
}

// Save writes the store to its file atomically: a temp file in the same
// folder (0600), fsync, rename; the folder is created 0700 when missing.
// It refuses (ErrNotLoaded) when Open could not load the file.
func (s *Store) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.save()
}

func (s *Store) save() error {
	if s.loadErr != nil {
		return fmt.Errorf("%s: %w (%v)", s.path, ErrNotLoaded, s.loadErr)
	}
	for _, site := range s.sites {
		if err := site.Validate(); err != nil {
			return fmt.Errorf("%s: not saved: %w", s.path, err)
		}
	}
	var buf bytes.Buffer
	buf.WriteString(fileHeader)
	if len(s.sites) > 0 {
		if err := toml.NewEncoder(&buf).Encode(bookmarksFile{Site: s.sites}); err != nil {
			return fmt.Errorf("%s: encode: %w", s.path, err)
		}
	}
	if err := writeFileAtomic(s.path, buf.Bytes()); err != nil {
		return fmt.Errorf("save bookmarks: %w", err)
	}
	return nil
}
