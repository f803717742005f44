//go:build unix

package queue

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// setFileTime sets the open file f's access and modification times to t
// (futimes: by descriptor, never through a path).
func setFileTime(f *os.File, t time.Time) error {
	tv := unix.NsecToTimeval(t.UnixNano())
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.Futimes(int(fd), []unix.Timeval{tv, tv})
	}); err != nil {
		return err
	}
	return serr
}
