package bookmarks

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Notice is something the user should know that is not an error: a file
// whose permissions were fixed, an unknown key that was ignored. It never
// holds a password.
type Notice struct {
	Path string // the file concerned
	Text string // what happened, in words
}

// String returns "PATH: TEXT".
func (n Notice) String() string {
	if n.Path == "" {
		return n.Text
	}
	return n.Path + ": " + n.Text
}

// maxFileSize bounds the files this package reads whole.
const maxFileSize = 8 << 20

// readSmallFile reads a file of at most maxFileSize bytes.
func readSmallFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxFileSize)
	}
	return b, nil
}

// fixPrivate makes a secret-holding file 0600 when group or others can
// read or write it, and says so.
func fixPrivate(path string, fi os.FileInfo) []Notice {
	perm := fi.Mode().Perm()
	if !fi.Mode().IsRegular() || perm&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return []Notice{{Path: path, Text: fmt.Sprintf("permissions are %04o (others can read it) and could not be changed: %v; run chmod 600 on it", perm, err)}}
	}
	return []Notice{{Path: path, Text: fmt.Sprintf("permissions were %04o (others could read it); changed to 0600", perm)}}
}

var tomlLineErr = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// decodeTOML decodes data into v. Errors name the file and, when known,
// the line and column as "PATH:LINE:COL: message".
func decodeTOML(path string, data []byte, v any) (toml.MetaData, error) {
	md, err := toml.Decode(string(data), v)
	if err == nil {
		return md, nil
	}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if lineHasPassword(data, pe.Position.Line) {
			// The parser may quote the bad text, which is a password here.
			msg = "the password value is malformed (not shown); write it as a quoted TOML string"
		} else if pe.LastKey != "" {
			msg = fmt.Sprintf("%s (key %s)", msg, pe.LastKey)
		}
		return md, fmt.Errorf("%s:%d:%d: %s", path, pe.Position.Line, max(pe.Position.Col, 1), msg)
	}
	if m := tomlLineErr.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return md, fmt.Errorf("%s:%d:1: key %s: %s", path, line, m[2], m[3])
	}
	return md, fmt.Errorf("%s: %w", path, err)
}

// lineHasPassword reports whether line n (from 1) of data sets a key
// named password.
func lineHasPassword(data []byte, n int) bool {
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		return false
	}
	l := strings.TrimSpace(lines[n-1])
	l = strings.TrimLeft(l, "\"'")
	if !strings.HasPrefix(l, "password") {
		return false
	}
	rest := strings.TrimLeft(strings.TrimPrefix(l, "password"), "\"' \t")
	return strings.HasPrefix(rest, "=")
}

// writeFileAtomic writes data to path through a temp file in the same
// folder: created 0600, fsynced, renamed over path, and the folder synced.
// The folder is created 0700 when missing. When path is a symbolic link,
// the file it points to is replaced and the link kept.
func writeFileAtomic(path string, data []byte) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmpName, path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: not every file system syncs folders
		d.Close()
	}
	return nil
}
