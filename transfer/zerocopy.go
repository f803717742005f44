package transfer

import (
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// zeroCopyChunk bounds one splice(2) or sendfile(2) call of a plain-TCP
// transfer. Between chunks the stall deadline is re-armed, an interrupt is
// noticed and progress advances: a 4 MiB step costs a few system calls
// per chunk, nothing per byte.
const zeroCopyChunk = 4 << 20

// plainTCP returns the TCP connection beneath d when nothing sits between
// (no TLS), taking an active-mode connection from the listener first; nil
// when the transfer must go through d's Read and Write.
func (d *dataConn) plainTCP() *net.TCPConn {
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

// zeroCopyTarget reports whether w is a file the kernel can splice into
// (a regular file or a device such as /dev/null).
func zeroCopyTarget(w io.Writer) (*os.File, bool) {
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

// rearm sets the stall deadline for the next chunk; an interrupt that
// landed meanwhile is not undone.
func (d *dataConn) rearm(tcp *net.TCPConn, read bool) {
	t := time.Now().Add(d.stall)
	if read {
		_ = tcp.SetReadDeadline(t)
	} else {
		_ = tcp.SetWriteDeadline(t)
	}
	if d.interrupted() {
		_ = tcp.SetDeadline(time.Unix(1, 0))
	}
}

// spliceTo moves the rest of the transfer from tcp into f without copying
// it through this process (os.File.ReadFrom uses splice(2) for a TCP
// source).
func (d *dataConn) spliceTo(f *os.File, tcp *net.TCPConn, progress *atomic.Int64) (int64, error) {
	return d.zeroCopy(tcp, true, progress, func() (int64, error) {
		return f.ReadFrom(&io.LimitedReader{R: tcp, N: zeroCopyChunk})
	})
}

// sendFrom sends the rest of f on tcp with sendfile(2) (net.TCPConn's
// ReadFrom for a file source), counting into cr.
func (d *dataConn) sendFrom(tcp *net.TCPConn, f *os.File, cr *countingReader) (int64, error) {
	n, err := d.zeroCopy(tcp, false, cr.progress, func() (int64, error) {
		return tcp.ReadFrom(&io.LimitedReader{R: f, N: zeroCopyChunk})
	})
	cr.n += n
	return n, err
}

// zeroCopy calls move, which moves one chunk of at most zeroCopyChunk
// bytes, until it moves nothing, re-arming the stall deadline (for reading
// from tcp, or writing to it) before each chunk. A chunk that times out
// after moving bytes is not a stall: the stall timeout still holds,
// detected within one to two periods.
func (d *dataConn) zeroCopy(tcp *net.TCPConn, read bool, progress *atomic.Int64, move func() (int64, error)) (int64, error) {
	var total int64
	for {
		d.rearm(tcp, read)
		n, err := move()
		total += n
		if progress != nil && n > 0 {
			progress.Add(n)
		}
		switch {
		case err != nil && isTimeout(err) && n > 0 && !d.interrupted():
			continue
		case err != nil && isTimeout(err):
			return total, d.stalled(read, err)
		case err != nil && localErrno(err):
			return total, &LocalError{Err: err}
		case err != nil:
			return total, err
		case n == 0:
			return total, nil // end of file
		}
	}
}

// ReadFrom is what the library's io.Copy of an upload calls: a plain-TCP
// upload of a file (Conn.Store's countingReader over an *os.File) goes
// out with sendfile(2); anything else is copied with a large buffer.
func (d *dataConn) ReadFrom(r io.Reader) (int64, error) {
	if cr, ok := r.(*countingReader); ok {
		if f, ok := cr.r.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
				if tcp := d.plainTCP(); tcp != nil {
					return d.sendFrom(tcp, f, cr)
				}
			}
		}
	}
	return io.CopyBuffer(writerOnly{d}, r, make([]byte, copyBufSize))
}

// writerOnly hides dataConn's ReadFrom from io.CopyBuffer.
type writerOnly struct{ io.Writer }

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
