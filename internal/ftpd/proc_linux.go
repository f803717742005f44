package ftpd

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// daemonProcAttr puts a daemon in its own process group, so cleanup
// reaches the per-session children; Pdeathsig kills the daemon if the test
// binary dies first.
func daemonProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// fileOwner returns the owner and group of fi.
func fileOwner(fi fs.FileInfo) (uid, gid int) {
	st := fi.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid)
}

// lockExclusive takes an exclusive flock on f and returns its release.
func lockExclusive(f *os.File) (func(), error) {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return nil, err
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }, nil
}

// stop kills the daemon and every process it started, and waits until they
// are gone. The process group is not enough: vsftpd's session processes
// call setsid. So the leader is stopped (no new sessions), its descendants
// are found in /proc and killed, then the group.
func (d *Daemon) stop() {
	pid := d.cmd.Process.Pid
	_ = syscall.Kill(pid, syscall.SIGSTOP)
	procs := descendants(pid)
	for _, p := range procs {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	select {
	case <-d.exited:
	case <-time.After(10 * time.Second):
	}
	// No pid is reused while it still names a live process or group, so
	// these signals cannot reach a stranger.
	for i := 0; i < 100; i++ {
		alive := false
		if err := syscall.Kill(-pid, syscall.SIGKILL); !errors.Is(err, syscall.ESRCH) {
			alive = true
		}
		for _, p := range procs {
			if running(p) {
				_ = syscall.Kill(p, syscall.SIGKILL)
				alive = true
			}
		}
		if !alive {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// descendants returns the pids of all processes below pid, from /proc.
func descendants(pid int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if _, ppid, ok := procStat(p); ok {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// procStat returns the state letter and parent pid of process p.
func procStat(p int) (state byte, ppid int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// "pid (comm) S ppid ...": comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, 0, false
	}
	ppid, err = strconv.Atoi(f[1])
	return f[0][0], ppid, err == nil
}

// running reports whether process p exists and is not a zombie.
func running(p int) bool {
	st, _, ok := procStat(p)
	return ok && st != 'Z' && st != 'X'
}
