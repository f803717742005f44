package demoserver

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"

	ftpserver "goftp.io/server/v2"
)

// fsDriver serves a folder. It replaces the library's driver/file, which
// appends on REST+STOR whatever the offset (O_APPEND plus a seek from the
// end), deletes folders recursively on RMD, succeeds on MKD of an existing
// folder (MkdirAll), opens folders for RETR and reports local times.
//
// Paths come from the library's BuildPath (always absolute, cleaned, so
// ".." cannot leave the root); we clean them again to be safe.
type fsDriver struct{ root string }

var _ ftpserver.Driver = (*fsDriver)(nil)

var errRoot = errors.New("not allowed on the root folder")

func (d *fsDriver) real(p string) string {
	return filepath.Join(d.root, filepath.FromSlash(path.Clean("/"+p)))
}

func isRoot(p string) bool { return path.Clean("/"+p) == "/" }

// utcInfo reports modification times in UTC: MDTM and MLSD must be UTC
// (RFC 3659), and LIST then agrees with them (as vsftpd does by default).
type utcInfo struct{ fs.FileInfo }

func (u utcInfo) ModTime() time.Time { return u.FileInfo.ModTime().UTC() }

func (d *fsDriver) Stat(_ *ftpserver.Context, p string) (os.FileInfo, error) {
	fi, err := os.Lstat(d.real(p))
	if err != nil {
		return nil, err
	}
	return utcInfo{fi}, nil
}

func (d *fsDriver) ListDir(_ *ftpserver.Context, p string, fn func(os.FileInfo) error) error {
	entries, err := os.ReadDir(d.real(p))
	if err != nil {
		return err
	}
	for _, e := range entries { // sorted by name
		fi, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		if err := fn(utcInfo{fi}); err != nil {
			return err
		}
	}
	return nil
}

func (d *fsDriver) DeleteDir(_ *ftpserver.Context, p string) error {
	if isRoot(p) {
		return errRoot
	}
	rp := d.real(p)
	fi, err := os.Lstat(rp)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return errors.New("not a folder")
	}
	return os.Remove(rp) // fails on a non-empty folder, like real servers
}

func (d *fsDriver) DeleteFile(_ *ftpserver.Context, p string) error {
	rp := d.real(p)
	fi, err := os.Lstat(rp)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return errors.New("is a folder")
	}
	return os.Remove(rp)
}

func (d *fsDriver) Rename(_ *ftpserver.Context, from, to string) error {
	// The library calls Rename with from == "" on RNTO without RNFR.
	if from == "" || isRoot(from) || isRoot(to) {
		return errors.New("RNFR required first")
	}
	return os.Rename(d.real(from), d.real(to))
}

func (d *fsDriver) MakeDir(_ *ftpserver.Context, p string) error {
	if isRoot(p) {
		return errRoot
	}
	return os.Mkdir(d.real(p), 0o755)
}

// GetFile opens a file for RETR, positioned at offset. It returns the
// number of bytes that will be sent.
func (d *fsDriver) GetFile(_ *ftpserver.Context, p string, offset int64) (int64, io.ReadCloser, error) {
	f, err := os.Open(d.real(p))
	if err != nil {
		return 0, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return 0, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return 0, nil, errors.New("not a plain file")
	}
	if offset < 0 {
		offset = 0
	}
	if offset > fi.Size() {
		offset = fi.Size()
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		f.Close()
		return 0, nil, err
	}
	return fi.Size() - offset, f, nil
}

// PutFile writes r to p. offset < 0: create or truncate. offset >= 0 (REST
// before STOR): keep the first offset bytes, drop the rest and write from
// there; offset beyond the end of the file is an error.
func (d *fsDriver) PutFile(_ *ftpserver.Context, p string, r io.Reader, offset int64) (int64, error) {
	if isRoot(p) {
		return 0, errRoot
	}
	rp := d.real(p)
	if fi, err := os.Lstat(rp); err == nil && !fi.Mode().IsRegular() {
		return 0, errors.New("not a plain file")
	}
	flags := os.O_WRONLY | os.O_CREATE
	if offset < 0 {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(rp, flags, 0o644)
	if err != nil {
		return 0, err
	}
	if offset >= 0 {
		if err := restartAt(f, offset); err != nil {
			f.Close()
			return 0, err
		}
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// restartAt keeps the first offset bytes of f, drops the rest and
// positions f there; offset beyond the end is an error.
func restartAt(f *os.File, offset int64) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if offset > fi.Size() {
		return fmt.Errorf("restart offset %d is beyond the end of the file (%d bytes)", offset, fi.Size())
	}
	if err := f.Truncate(offset); err != nil {
		return err
	}
	_, err = f.Seek(offset, io.SeekStart)
	return err
}

// size returns the size of the file at p, for APPE.
func (d *fsDriver) size(p string) (int64, bool) {
	fi, err := os.Lstat(d.real(p))
	if err != nil || !fi.Mode().IsRegular() {
		return 0, false
	}
	return fi.Size(), true
}
