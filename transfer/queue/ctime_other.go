//go:build !linux && !darwin && !windows

package queue

import (
	"io/fs"
	"time"
)

// changeTime is fi.ModTime() here (see ctime_linux.go).
func changeTime(fi fs.FileInfo) time.Time { return fi.ModTime() }
