//go:build unix

package cli

import (
	"io/fs"
	"syscall"
)

// inode is fi's inode number: a file replaced has a new one.
func inode(fi fs.FileInfo) uint64 { return fi.Sys().(*syscall.Stat_t).Ino }
