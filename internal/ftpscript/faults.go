package ftpscript

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// Reply returns a handler that answers with these lines, as Conn.Reply.
func Reply(lines ...string) Handler {
	return func(c *Conn, _ string) { c.Reply(lines...) }
}

// Builtin is a handler that runs the built-in behaviour of the verb it is
// called for (see Conn.Builtin); useful inside Sequence and Delay.
func Builtin(c *Conn, arg string) { c.Builtin(arg) }

// Silent returns a handler that never answers (see Conn.Silent).
func Silent() Handler {
	return func(c *Conn, _ string) { c.Silent() }
}

// Delay returns a handler that waits d (or until shutdown) and then runs h.
func Delay(d time.Duration, h Handler) Handler {
	return func(c *Conn, arg string) {
		if c.Wait(d) {
			h(c, arg)
		}
	}
}

// Sequence returns a handler whose n-th call, counted across all control
// connections, runs hs[n]; once they are used up the last one repeats.
func Sequence(hs ...Handler) Handler {
	if len(hs) == 0 {
		panic("ftpscript: Sequence needs at least one handler")
	}
	var mu sync.Mutex
	n := 0
	return func(c *Conn, arg string) {
		mu.Lock()
		i := n
		n++
		mu.Unlock()
		if i >= len(hs) {
			i = len(hs) - 1
		}
		hs[i](c, arg)
	}
}

// PassiveAt returns a PASV handler that listens on 127.0.0.1 but announces
// host (e.g. "10.9.8.7") in its 227 reply. DataConns shows whether the
// client connected anyway (to the control peer, as it should).
func PassiveAt(host string) Handler {
	return func(c *Conn, _ string) {
		port, err := c.ListenPassive()
		if err != nil {
			c.Replyf("425 %v", err)
			return
		}
		c.Reply(PASVReply(host, port))
	}
}

// EPSVDeadPort returns an EPSV handler whose 229 names a loopback port on
// which nothing listens (connects are refused).
func EPSVDeadPort() Handler {
	return func(c *Conn, _ string) {
		c.dropPending()
		port, err := DeadPort()
		if err != nil {
			c.Replyf("425 %v", err)
			return
		}
		c.Reply(EPSVReply(port))
	}
}

// EPSVNoAccept returns an EPSV handler whose 229 names a listener that never
// accepts (see Conn.ListenNoAccept).
func EPSVNoAccept() Handler {
	return func(c *Conn, _ string) {
		port, err := c.ListenNoAccept()
		if err != nil {
			c.Replyf("425 %v", err)
			return
		}
		c.Reply(EPSVReply(port))
	}
}

// ConnectDelay returns a PORT/EPRT handler that accepts the address like the
// built-in one but connects back only d after the transfer command; d < 0
// never connects (the transfer command then fails with 425 after
// DataTimeout).
func ConnectDelay(d time.Duration) Handler {
	return func(c *Conn, arg string) {
		c.Builtin(arg)
		c.SetDataDelay(d)
	}
}

// List returns a LIST/NLST handler that sends these raw lines (each
// followed by CR LF) as the listing: hostile names, odd formats. See
// ListLine to format an entry.
func List(lines ...string) Handler {
	return func(c *Conn, _ string) {
		var b strings.Builder
		for _, l := range lines {
			b.WriteString(l)
			b.WriteString("\r\n")
		}
		c.send("150 Here comes the directory listing.", []byte(b.String()))
	}
}

// Endless returns a LIST/NLST/RETR handler that sends line + CR LF on the
// data connection forever, until the client closes it (then 426) or the
// server shuts down.
func Endless(line string) Handler {
	return func(c *Conn, _ string) {
		c.Rest()
		d := c.openData("150 Here it comes, endlessly.")
		if d == nil {
			return
		}
		chunk := []byte(strings.Repeat(line+"\r\n", 1+(32<<10)/(len(line)+2)))
		for {
			if _, err := d.Write(chunk); err != nil {
				break
			}
		}
		_ = d.Close()
		c.Reply("426 Connection closed; transfer aborted.")
	}
}

// Continuation returns a handler that answers with n continuation lines
// "code-line i" and a final "code End".
func Continuation(code, n int) Handler {
	return func(c *Conn, _ string) {
		buf := make([]byte, 0, 64<<10)
		for i := 0; i < n; i++ {
			buf = fmt.Appendf(buf, "%d-line %d\r\n", code, i)
			if len(buf) > 60<<10 {
				c.RawWrite(buf)
				buf = buf[:0]
			}
		}
		c.RawWrite(fmt.Appendf(buf, "%d End\r\n", code))
	}
}

// CloseMidTransfer returns a RETR handler that sends the first n bytes of
// the file (from the REST offset), then "421" on the control connection and
// closes both connections.
func CloseMidTransfer(n int64) Handler {
	return retr(func(c *Conn, data []byte) {
		d := c.openData("150 Opening BINARY mode data connection.")
		if d == nil {
			return
		}
		_, _ = d.Write(data[:min(n, int64(len(data)))])
		c.Reply("421 Service not available, closing control connection.")
		_ = d.Close()
		c.Close()
	})
}

// EarlyComplete returns a RETR handler that opens the data connection,
// replies 226 before sending any data (with150: "150" and "226" in one
// write; else "226" alone), and only then sends the file and closes.
func EarlyComplete(with150 bool) Handler {
	return retr(func(c *Conn, data []byte) {
		if !c.HasPending() {
			c.Reply("425 Use PORT or PASV first.")
			return
		}
		d, err := c.Data()
		if err != nil {
			c.Reply("425 Failed to establish connection.")
			return
		}
		if with150 {
			c.Reply("150 Opening BINARY mode data connection.", "226 Transfer complete.")
		} else {
			c.Reply("226 Transfer complete.")
		}
		_, _ = d.Write(data)
		_ = d.Close()
	})
}

// Truncated returns a RETR handler that sends only the first n bytes of the
// file (from the REST offset) and then reports success: data shorter than
// SIZE.
func Truncated(n int64) Handler {
	return retr(func(c *Conn, data []byte) {
		c.send("150 Opening BINARY mode data connection.", data[:min(n, int64(len(data)))])
	})
}

// IgnoreREST returns a RETR handler that accepts a preceding REST (the REST
// itself was answered 350 by the built-in handler) but sends the file from
// byte 0.
func IgnoreREST() Handler {
	return func(c *Conn, arg string) {
		c.Rest()
		c.Builtin(arg)
	}
}

// Stall returns a transfer handler (RETR, LIST, STOR) that opens the data
// connection and replies 150, then neither sends nor reads anything until
// the client closes the data connection (then 426) or the server shuts
// down.
func Stall() Handler {
	return func(c *Conn, _ string) {
		c.Rest()
		d := c.openData("150 Opening BINARY mode data connection.")
		if d == nil {
			return
		}
		c.stallUntilClosed(d)
	}
}

// stallUntilClosed neither sends nor closes d until the client closes it
// or the server shuts down, then replies 426. Data a client uploads
// meanwhile is read and dropped.
func (c *Conn) stallUntilClosed(d net.Conn) {
	var one [1]byte
	for {
		if _, err := d.Read(one[:]); err != nil {
			break
		}
	}
	_ = d.Close()
	c.Reply("426 Connection closed; transfer aborted.")
}

// StoreReply returns a STOR handler that receives all the data, waits delay
// (or until shutdown), then answers with lines: "552 ..." refuses after the
// data; a late "226 ..." tests the client's patience. The file is stored
// only when the first line starts with '2'.
func StoreReply(delay time.Duration, lines ...string) Handler {
	return func(c *Conn, arg string) {
		off := c.Rest()
		data, ok := c.receive()
		if !ok {
			return
		}
		if !c.Wait(delay) {
			return
		}
		if len(lines) > 0 && strings.HasPrefix(lines[0], "2") {
			c.srv.Files.write(c.Path(arg), off, data, c.verb == "APPE")
		}
		c.Reply(lines...)
	}
}

// AuthPipelined returns an AUTH handler that writes "234 ..." and extra in
// one write (bytes the client must not take as a reply after the TLS
// switch), then runs the TLS handshake.
func AuthPipelined(extra string) Handler {
	return func(c *Conn, _ string) {
		c.RawWrite([]byte("234 Proceed with negotiation.\r\n" + extra))
		if err := c.StartTLS(); err != nil {
			c.srv.t.Logf("ftpscript: conn %d: %v", c.id, err)
			c.Close()
		}
	}
}

// retr wraps a download script: it resolves the file (550 when missing)
// and passes its bytes from the REST offset.
func retr(f func(c *Conn, data []byte)) Handler {
	return func(c *Conn, arg string) {
		if data, off, ok := c.retrFile(arg); ok {
			f(c, data[off:])
		}
	}
}

// StallAfter returns a RETR handler that sends the first n bytes of the
// file (from the REST offset), then neither sends nor closes until the
// client closes the data connection (then 426) or the server shuts down:
// a transfer that stops moving half-way.
func StallAfter(n int64) Handler {
	return retr(func(c *Conn, data []byte) {
		d := c.openData("150 Opening BINARY mode data connection.")
		if d == nil {
			return
		}
		_, _ = d.Write(data[:min(n, int64(len(data)))])
		c.stallUntilClosed(d)
	})
}
