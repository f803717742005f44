//go:build windows

package queue

import (
	"fmt"
	"os"
)

// oNoFollow is 0: Windows has no O_NOFOLLOW. Every open that uses it in
// this package is preceded by an Lstat that refuses anything but a
// regular file and followed by a SameFile check of the opened handle
// against that Lstat, so a link at the last component — there from the
// start or swapped in between — is never read or written through; an
// exclusive create (O_CREATE|O_EXCL) opens the reparse point itself and
// fails on any existing name, a link included.
const oNoFollow = 0

// openNoFollow opens name for reading, refusing a link (or any reparse
// point, or anything but a regular file) at its last component: the
// Lstat before the open and the SameFile check after it keep O_NOFOLLOW's
// guarantee.
func openNoFollow(name string) (*os.File, error) {
	fi, err := os.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (a link or device is not followed)", name)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || !os.SameFile(fi, st) {
		_ = f.Close()
		return nil, fmt.Errorf("%s changed while opening it, refused", name)
	}
	return f, nil
}

// canCreateIn is false: Windows has no access(2), so a download opens
// its .part before RETR goes out (the synchronous path), and a folder
// that refuses the file fails there.
func canCreateIn(string) bool { return false }
