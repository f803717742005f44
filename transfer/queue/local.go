package queue

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// partSuffix names a download in progress: NAME.part beside NAME.
const partSuffix = ".part"

// maxNameBytes is the longest file name most file systems take (ext4,
// xfs, btrfs, tmpfs; NAME_MAX) and most FTP servers' do.
const maxNameBytes = 255

// tempName is the temporary name beside name: name+suffix, or where that
// would pass maxNameBytes, name cut short (at a character boundary) with
// a hash of the whole name, so that it stays one fixed name per target (a
// rerun finds it) and two long names that share a beginning do not share
// it. The final name is never shortened.
func tempName(name, suffix string) string {
	if len(name)+len(suffix) <= maxNameBytes {
		return name + suffix
	}
	sum := sha256.Sum256([]byte(name))
	tag := "~" + hex.EncodeToString(sum[:6])
	keep := maxNameBytes - len(suffix) - len(tag)
	for keep > 0 && !utf8.RuneStart(name[keep]) {
		keep--
	}
	return name[:keep] + tag + suffix
}

// partPath is the path of local's download in progress (NAME.part).
func partPath(local string) string {
	dir, name := filepath.Split(local)
	return dir + tempName(name, partSuffix)
}

// safeRel checks that target lies inside root and that no folder between
// them is a symlink (or anything but a folder), and returns target
// relative to root. The target itself may be missing; if it exists it
// must be a regular file. root itself is the user's choice and is
// trusted as it is.
func safeRel(root, target string) (string, error) {
	if root == "" {
		return "", fmt.Errorf("local target %s: no local folder", target)
	}
	rel, err := filepath.Rel(filepath.Clean(root), filepath.Clean(target))
	if err != nil {
		return "", fmt.Errorf("local target %s: %w", target, err)
	}
	if rel == "." || rel == ".." || filepath.IsAbs(rel) || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("local target %s: outside the chosen folder %s, refused", target, root)
	}
	parts := strings.Split(rel, string(filepath.Separator))
	p := filepath.Clean(root)
	for i, part := range parts {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return rel, nil // nothing further down exists yet
		}
		if err != nil {
			return "", &localErr{fmt.Errorf("local target %s: %w", target, err)}
		}
		switch {
		case i == len(parts)-1:
			if err := checkTarget(target, fi); err != nil {
				return "", err
			}
		case fi.Mode()&fs.ModeSymlink != 0:
			return "", fmt.Errorf("local target %s: %s is a symlink, refusing to write through it", target, p)
		case !fi.IsDir():
			return "", fmt.Errorf("local target %s: %s is not a folder", target, p)
		}
	}
	return rel, nil
}

// localErr marks a local-disk failure found by the queue itself (not by
// the engine's copy loop): permanent, like transfer.LocalError.
type localErr struct{ err error }

func (e *localErr) Error() string { return e.err.Error() }
func (e *localErr) Unwrap() error { return e.err }

// safeMkdirAll creates dir (and its parents) inside root, refusing any
// existing component that is a symlink or not a folder.
func safeMkdirAll(root, dir string) error {
	rel, err := filepath.Rel(filepath.Clean(root), filepath.Clean(dir))
	if err != nil || rel == ".." || filepath.IsAbs(rel) || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("local folder %s: outside the chosen folder %s, refused", dir, root)
	}
	if rel == "." {
		return nil
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return fmt.Errorf("local folder %s: %w", root, err)
	}
	defer r.Close()
	p := ""
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, part)
		fi, err := r.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := r.Mkdir(p, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("local folder %s: %w", filepath.Join(root, p), err)
			}
			continue
		case err != nil:
			return fmt.Errorf("local folder %s: %w", filepath.Join(root, p), err)
		case fi.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("local folder %s: is a symlink, refusing to write through it", filepath.Join(root, p))
		case !fi.IsDir():
			return fmt.Errorf("local folder %s: exists and is not a folder", filepath.Join(root, p))
		}
	}
	// Check again after creating: a component swapped for a link meanwhile
	// is refused here (os.Root kept the creation itself inside root).
	_, err = safeRel(root, filepath.Join(dir, "x"))
	return err
}

// openPart opens NAME.part for writing inside root: an existing one (a
// regular file, never through a link; resume) when keep is set, else a
// fresh one created exclusively. It returns the file and its size.
func openPart(r *os.Root, relPart string, keep bool) (*os.File, int64, error) {
	if keep {
		fi, err := r.Lstat(relPart)
		switch {
		case err == nil && !fi.Mode().IsRegular():
			return nil, 0, fmt.Errorf("%s exists and is not a regular file, refusing to write to it", relPart)
		case err == nil:
			f, err := r.OpenFile(relPart, os.O_WRONLY|oNoFollow, 0)
			if err != nil {
				return nil, 0, err
			}
			st, err := f.Stat()
			if err != nil || !os.SameFile(fi, st) || !st.Mode().IsRegular() {
				_ = f.Close()
				return nil, 0, fmt.Errorf("%s changed while opening it, refusing to write to it", relPart)
			}
			return f, st.Size(), nil
		case !errors.Is(err, fs.ErrNotExist):
			return nil, 0, err
		}
	}
	f, err := r.OpenFile(relPart, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o644)
	if err != nil {
		return nil, 0, err
	}
	return f, 0, nil
}

// partSize returns the size of local+".part" when it is a regular file
// inside root (0 otherwise): what a download has already fetched.
func partSize(root, local string) int64 {
	if n, ok := segmentsDone(root, local); ok {
		return n // a segmented .part has holes (segments.go)
	}
	part := partPath(local)
	if _, err := safeRel(root, part); err != nil {
		return 0
	}
	fi, err := os.Lstat(part)
	if err != nil || !fi.Mode().IsRegular() {
		return 0
	}
	return fi.Size()
}

// numbered returns "name (n).ext" for name "name.ext"; a leading dot
// (".profile") is part of the name, not an extension, and so is the
// ".tar" of "x.tar.gz" (→ "x (1).tar.gz").
func numbered(name string, n int) string {
	base, ext := splitExt(name)
	return base + " (" + strconv.Itoa(n) + ")" + ext
}

func splitExt(name string) (string, string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return name, ""
	}
	base, ext := name[:i], name[i:]
	if strings.HasSuffix(base, ".tar") && len(base) > len(".tar") {
		return base[:len(base)-4], ".tar" + ext
	}
	return base, ext
}

// freeLocalName returns the first "name (n).ext" beside local for which
// neither the file nor its .part exists.
func freeLocalName(local string) (string, error) {
	dir, name := filepath.Split(local)
	for n := 1; n < 10000; n++ {
		cand := filepath.Join(dir, numbered(name, n))
		_, err1 := os.Lstat(cand)
		_, err2 := os.Lstat(partPath(cand))
		if errors.Is(err1, fs.ErrNotExist) && errors.Is(err2, fs.ErrNotExist) {
			return cand, nil
		}
	}
	return "", fmt.Errorf("no free name for %s", local)
}

// copyInto copies the regular file rel (never through a link) into w,
// for the resume policy: the existing target becomes the start of the
// .part and stays untouched itself.
func copyInto(r *os.Root, rel string, w io.Writer) (int64, error) {
	fi, err := r.Lstat(rel)
	if err != nil {
		return 0, err
	}
	if !fi.Mode().IsRegular() {
		return 0, fmt.Errorf("%s is not a regular file", rel)
	}
	f, err := r.OpenFile(rel, os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !os.SameFile(fi, st) {
		return 0, fmt.Errorf("%s changed while opening it", rel)
	}
	return io.Copy(w, f)
}

// localDir is a worker's open handle on the folder its downloads land in.
// A bulk download puts many files in one folder: opening the local root
// for every file and resolving every os.Root operation through the
// folders between (open, act, close each one) cost about twenty system
// calls a file, a third of what a small file costs. The handle is kept
// while the folder's path still names the folder that was opened — one
// lstat per job — so a folder removed, recreated or swapped for a link
// since is opened, and checked, again.
type localDir struct {
	top      string      // the job's local root, which the folder lies in
	path     string      // the folder
	root     *os.Root    // open on path
	info     fs.FileInfo // path's identity when it was opened
	writable bool        // access(2) said the folder takes new files
}

// close releases the handle.
func (d *localDir) close() {
	if d.root != nil {
		_ = d.root.Close()
	}
	*d = localDir{}
}

// open returns a handle on the folder that will hold target (inside top,
// checked like safeRel) and target's name in it, reusing the handle d
// holds when the folder is still the same one.
func (d *localDir) open(top, target string) (*os.Root, string, error) {
	target = filepath.Clean(target)
	parent, name := filepath.Dir(target), filepath.Base(target)
	if d.root != nil && d.path == parent && d.top == top {
		if fi, err := os.Lstat(parent); err == nil && os.SameFile(fi, d.info) {
			return d.root, name, nil
		}
	}
	d.close()
	if _, err := safeRel(top, target); err != nil {
		return nil, "", err
	}
	fi, err := os.Lstat(parent)
	if err != nil {
		return nil, "", &localErr{fmt.Errorf("local folder: %w", err)}
	}
	if !fi.IsDir() {
		return nil, "", fmt.Errorf("local target %s: %s is not a folder", target, parent)
	}
	r, err := os.OpenRoot(parent)
	if err != nil {
		return nil, "", &localErr{fmt.Errorf("local folder: %w", err)}
	}
	// safeRel saw no link on the way; the folder opened must be the one
	// it saw (not a link put there in between).
	if st, err := r.Stat("."); err != nil || !os.SameFile(fi, st) {
		_ = r.Close()
		return nil, "", fmt.Errorf("local folder %s changed while opening it, refused", parent)
	}
	*d = localDir{top: top, path: parent, root: r, info: fi,
		writable: canCreateIn(parent)}
	return r, name, nil
}

// existing returns what stands at name in dir (shown as target in
// errors): nil when nothing does; an error when it cannot be looked at or
// is not a regular file.
func existing(dir *os.Root, name, target string) (fs.FileInfo, error) {
	fi, err := dir.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return fi, checkTarget(target, fi)
}

// checkTarget refuses a target that exists and is not a regular file (a
// link, planted there or not, is never written through or replaced).
func checkTarget(target string, fi fs.FileInfo) error {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("local target %s: is a symlink, refusing to write through it", target)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("local target %s: exists and is not a regular file", target)
	}
	return nil
}
