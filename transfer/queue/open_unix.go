//go:build unix

package queue

import (
	"os"
	"syscall"
)

// oNoFollow makes an open refuse a symlink as the last component.
const oNoFollow = syscall.O_NOFOLLOW

// openNoFollow opens name for reading, refusing a symlink at its last
// component (O_NOFOLLOW).
func openNoFollow(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|oNoFollow, 0)
}

// accessWrite is access(2)'s W_OK.
const accessWrite = 2

// canCreateIn reports whether access(2) says dir takes new files.
func canCreateIn(dir string) bool { return syscall.Access(dir, accessWrite) == nil }
