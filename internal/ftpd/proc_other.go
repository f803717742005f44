//go:build !linux

package ftpd

import (
	"io/fs"
	"os"
	"syscall"
)

// The daemons are Debian's and run on Linux only; elsewhere this package
// compiles (so every package's tests build and vet on every platform) and
// a daemon fails to start, which skips its tests (or fails them under
// FTPDECK_REQUIRE_SERVERS=1).

func daemonProcAttr() *syscall.SysProcAttr { return nil }

func fileOwner(fs.FileInfo) (uid, gid int) { return -1, -1 }

func lockExclusive(*os.File) (func(), error) { return func() {}, nil }

// stop kills the daemon and waits until it is gone.
func (d *Daemon) stop() {
	_ = d.cmd.Process.Kill()
	<-d.exited
}
