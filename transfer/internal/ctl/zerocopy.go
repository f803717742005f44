package ctl

import (
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// zeroCopyChunk bounds one splice(2) call of a plain-TCP download.
// Between chunks the stall deadline is re-armed, an interrupt is noticed
// and progress advances: a 4 MiB step costs a few system calls per chunk,
// nothing per byte.
const zeroCopyChunk = 4 << 20

// PlainTCP returns the TCP connection beneath d when nothing sits between
// (no TLS), taking an active-mode connection from the listener first; nil
// when the transfer must go through d's Read and Write.
func (d *DataConn) PlainTCP() *net.TCPConn {
	switch c := d.Conn.(type) {
	case *net.TCPConn:
		return c
	case *activeConn:
		conn, err := c.accept()
		if err != nil {
			return nil // Read or Write reports the same error
		}
		t, _ := conn.(*net.TCPConn)
		return t
	}
	return nil
}

// ZeroCopyTarget reports whether w is a file the kernel can splice into
// (a regular file or a device such as /dev/null).
func ZeroCopyTarget(w io.Writer) (*os.File, bool) {
	f, ok := w.(*os.File)
	if !ok {
		return nil, false
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, false
	}
	m := fi.Mode()
	return f, m.IsRegular() || m&os.ModeCharDevice != 0
}

// rearm sets the deadline for the next chunk; an interrupt that landed
// meanwhile is not undone.
func (d *DataConn) rearm(tcp *net.TCPConn, t time.Time) {
	_ = tcp.SetReadDeadline(t)
	if d.interrupted() {
		_ = tcp.SetDeadline(time.Unix(1, 0))
	}
}

// SpliceTo moves the rest of the transfer from tcp into f without copying
// it through this process (os.File.ReadFrom uses splice(2) for a TCP
// source).
func (d *DataConn) SpliceTo(f *os.File, tcp *net.TCPConn, progress *atomic.Int64) (int64, error) {
	var total int64
	// One chunk at a time, each ended by a deadline at most stall/8 away
	// (or the stall's end, when sooner): splice(2) tells what moved only
	// when it returns, so the time of the last byte is known to stall/8,
	// and a stall is seen within 1⅛ timeouts of the last byte.
	period := max(d.stall/8, time.Millisecond)
	last := time.Now()
	for {
		t := time.Now().Add(period)
		if end := last.Add(d.stall); end.Before(t) {
			t = end
		}
		d.rearm(tcp, t)
		n, err := f.ReadFrom(&io.LimitedReader{R: tcp, N: zeroCopyChunk})
		total += n
		d.read += n
		if n > 0 {
			last = time.Now()
		}
		if progress != nil && n > 0 {
			progress.Add(n)
		}
		switch {
		case err != nil && IsTimeout(err) && !d.interrupted() && time.Since(last) < d.stall:
			continue
		case err != nil && IsTimeout(err):
			return total, d.stalled(StalledReceiving)
		case err != nil && localErrno(err):
			return total, &LocalError{Err: withoutSyscall(err)}
		case err != nil:
			return total, err
		case n == 0:
			d.eof = true
			return total, nil // end of file
		}
	}
}

// uploadBufSize is the size of an upload's writes. Uploads are copied,
// not sent with sendfile(2): the receiving server is the bottleneck of an
// upload, and it copies our bytes out of its socket faster while they are
// still in the CPU's cache from our copy than from page-cache pages that
// sendfile hands it, read from memory. On loopback against vsftpd, 1 GiB
// took 1.28–1.33 s with sendfile, 1.33 s in 256 KiB writes, 1.15–1.18 s in
// 64 KiB writes, 1.04–1.07 s in 32 KiB writes (16 KiB: 1.06–1.09 s) and
// 1.11–1.17 s for curl (docs/performance.md). On a real link the copy
// costs this side a few per cent of a core per gigabit per second.
const uploadBufSize = 32 << 10

// ReadFrom is what the library's io.Copy of an upload calls.
func (d *DataConn) ReadFrom(r io.Reader) (int64, error) {
	return io.CopyBuffer(writerOnly{d}, r, make([]byte, uploadBufSize))
}

// writerOnly hides DataConn's ReadFrom from io.CopyBuffer.
type writerOnly struct{ io.Writer }

// withoutSyscall drops the system call's name from a failed write of a
// file ("write F: splice: no space left on device" reads "write F: no
// space left on device"): the user acts on the file and the errno, and the
// errno is still there for errors.Is.
func withoutSyscall(err error) error {
	var pe *os.PathError
	var se *os.SyscallError
	if errors.As(err, &pe) && errors.As(pe.Err, &se) {
		return &os.PathError{Op: pe.Op, Path: pe.Path, Err: se.Err}
	}
	return err
}

// localErrno reports whether a zero-copy failure is this machine's disk
// (full, quota, read-only, I/O error) rather than the network.
func localErrno(err error) bool {
	for _, e := range []error{syscall.ENOSPC, syscall.EDQUOT, syscall.EFBIG, syscall.EROFS, syscall.EIO} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
