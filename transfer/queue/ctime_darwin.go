package queue

import (
	"io/fs"
	"syscall"
	"time"
)

// changeTime is when fi's file last changed in any way (its inode: data,
// rename, times set), which time keeping cannot set back; fi.ModTime()
// where the system does not say.
func changeTime(fi fs.FileInfo) time.Time {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return time.Unix(st.Ctimespec.Unix())
	}
	return fi.ModTime()
}
