package queue

import (
	"io/fs"
	"syscall"
	"time"
)

// changeTime is, on Windows, when fi's file was created (a download's
// .part is created after the job was queued, and the rename keeps it),
// which time keeping does not set back; fi.ModTime() where it is not known.
func changeTime(fi fs.FileInfo) time.Time {
	if d, ok := fi.Sys().(*syscall.Win32FileAttributeData); ok {
		return time.Unix(0, d.CreationTime.Nanoseconds())
	}
	return fi.ModTime()
}
