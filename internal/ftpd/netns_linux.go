package ftpd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// InNetns runs fn on a thread switched into the named network namespace
// ("" runs it as is). A socket belongs to the namespace it was created in
// and keeps it when used from any thread later, so fn may dial or listen
// and hand the socket out. A thread that cannot be switched back is left
// locked, so the runtime ends it with its goroutine.
func InNetns(netns string, fn func() error) error {
	if netns == "" {
		return fn()
	}
	target, err := os.Open(filepath.Join(netnsDir, netns))
	if err != nil {
		return err
	}
	defer target.Close()
	runtime.LockOSThread()
	self, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", syscall.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer self.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter network namespace %s: %w", netns, err)
	}
	fnErr := fn()
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("leave network namespace %s: %w", netns, errors.Join(err, fnErr))
	}
	runtime.UnlockOSThread()
	return fnErr
}
