package trust

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// KnownCertsFile is the name of the pin file in the config folder.
const KnownCertsFile = "known_certs"

// Store is the known_certs file: certificates the user accepted for good.
// One line per host and port:
//
//	# comment
//	ftp.example.com:21 sha256:5d4c…(64 hex digits)
//	[2001:db8::1]:990 sha256:…
//
// The file is written 0600 in a 0700 folder, atomically (temp file and
// rename). A Store is safe for concurrent use.
type Store struct {
	path string

	mu   sync.Mutex
	pins map[string]string
}

// OpenStore reads the known_certs file in dir; a missing file is an empty
// store. Lines that do not parse are an error naming the line.
func OpenStore(dir string) (*Store, error) {
	s := &Store{path: filepath.Join(dir, KnownCertsFile), pins: map[string]string{}}
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("%s:%d: want \"HOST:PORT sha256:HEX\"", s.path, n)
		}
		fp, err := ParseFingerprint(f[1])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", s.path, n, err)
		}
		s.pins[f[0]] = fp
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", s.path, err)
	}
	return s, nil
}

// Path returns the file's path.
func (s *Store) Path() string { return s.path }

// Lookup returns the fingerprint pinned for addr (host:port).
func (s *Store) Lookup(addr string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fp, ok := s.pins[addr]
	return fp, ok
}

// Add pins fp for addr (replacing any earlier pin) and saves the file.
func (s *Store) Add(addr, fp string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pins[addr] = fp
	return s.save()
}

func (s *Store) save() error {
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	addrs := make([]string, 0, len(s.pins))
	for a := range s.pins {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	var b strings.Builder
	b.WriteString("# ftpdeck known_certs: server certificates you accepted, by host:port.\n")
	b.WriteString("# Remove a line to be asked again.\n")
	for _, a := range addrs {
		fmt.Fprintf(&b, "%s sha256:%s\n", a, s.pins[a])
	}
	tmp, err := os.CreateTemp(dir, ".known_certs-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(b.String()); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("save %s: %w", s.path, err)
	}
	return nil
}
