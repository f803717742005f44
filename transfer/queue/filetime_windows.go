package queue

import (
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// setFileTime sets the open file f's access and modification times to t
// (SetFileTime on its handle, never through a path).
func setFileTime(f *os.File, t time.Time) error {
	ft := windows.NsecToFiletime(t.UnixNano())
	return windows.SetFileTime(windows.Handle(f.Fd()), nil, &ft, &ft)
}
