package transfer

import (
	"context"
	"fmt"
	"io"
	"path"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/jlaffaye/ftp"
)

// TransferType is how a file's bytes go over the data connection: Binary
// (TYPE I, byte for byte) or ASCII (TYPE A: text with CRLF line ends on
// the wire, RFC 959, converted by the server from its own form and by
// ftpdeck to and from this machine's line ends).
type TransferType int

// The transfer types.
const (
	Binary TransferType = iota
	ASCII
)

// String returns "binary" or "ascii".
func (t TransferType) String() string {
	if t == ASCII {
		return "ascii"
	}
	return "binary"
}

// TypeMode is the setting --type, transfer_type and the TUI's t choose
// from: binary, ascii, or auto (ascii for the extensions in
// ascii_extensions, binary for the rest).
type TypeMode int

// The type modes.
const (
	TypeBinary TypeMode = iota
	TypeASCII
	TypeAuto
)

var typeModeNames = [...]string{"binary", "ascii", "auto"}

// String returns the mode's name as --type spells it.
func (m TypeMode) String() string {
	if m < 0 || int(m) >= len(typeModeNames) {
		return fmt.Sprintf("typemode(%d)", int(m))
	}
	return typeModeNames[m]
}

// Next returns the mode after m in the TUI's cycle binary → ascii → auto.
func (m TypeMode) Next() TypeMode { return (m + 1) % TypeMode(len(typeModeNames)) }

// ParseTypeMode parses binary, ascii or auto ("" is binary; i and a, as
// FTP spells the types, are accepted too).
func ParseTypeMode(s string) (TypeMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "binary", "bin", "image", "i":
		return TypeBinary, nil
	case "ascii", "text", "a":
		return TypeASCII, nil
	case "auto":
		return TypeAuto, nil
	}
	return TypeBinary, fmt.Errorf("unknown transfer type %q (want binary, ascii or auto)", s)
}

// DefaultASCIIExtensions are the extensions auto sends as ascii when the
// setting ascii_extensions does not name others.
var DefaultASCIIExtensions = []string{
	"txt", "csv", "htm", "html", "xml", "json", "log", "cfg", "ini",
	"sh", "bat", "jcl", "cbl", "sql",
}

// TypeFor returns the type a file named name is transferred in under m:
// under auto, ascii when its extension (case-insensitive, without the
// dot) is in exts (DefaultASCIIExtensions when exts is nil).
func (m TypeMode) TypeFor(name string, exts []string) TransferType {
	switch m {
	case TypeASCII:
		return ASCII
	case TypeAuto:
		if exts == nil {
			exts = DefaultASCIIExtensions
		}
		ext := strings.TrimPrefix(path.Ext(strings.ReplaceAll(name, "\\", "/")), ".")
		if ext == "" {
			return Binary
		}
		for _, e := range exts {
			if strings.EqualFold(strings.TrimPrefix(strings.TrimSpace(e), "."), ext) {
				return ASCII
			}
		}
	}
	return Binary
}

// localCRLF: this machine's text files end lines with CRLF, as the wire
// does, so ASCII data is written and read as it is.
var localCRLF = runtime.GOOS == "windows"

// RetrieveASCII downloads remote p in TYPE A from byte 0 (no REST: the
// bytes on the wire are not the file's, so an offset means nothing) and
// writes it with this machine's line ends: CRLF becomes LF (kept as CRLF
// on Windows). The connection is back in TYPE I afterwards, also after a
// failure that leaves it usable. It returns the bytes that came over the
// wire and the bytes written; progress counts the wire's.
func (c *Conn) RetrieveASCII(ctx context.Context, p string, open func() (io.Writer, error), progress *atomic.Int64) (wire, written int64, err error) {
	if err := c.setType(ctx, p, ftp.TransferTypeASCII); err != nil {
		return 0, 0, err
	}
	var lw *lfWriter
	wire, err = c.RetrieveTo(ctx, p, 0, func() (io.Writer, error) {
		w, err := open()
		if err != nil || localCRLF {
			return w, err
		}
		lw = &lfWriter{w: w}
		return lw, nil
	}, progress)
	written = wire
	if lw != nil {
		if ferr := lw.flush(); ferr != nil && err == nil {
			err = &LocalError{Err: ferr}
		}
		written = lw.n
	}
	if terr := c.setType(ctx, p, ftp.TransferTypeBinary); terr != nil && err == nil {
		err = terr
	}
	return wire, written, err
}

// StoreASCII uploads r to remote p in TYPE A from byte 0 (no REST),
// sending each line end as CRLF (a bare LF gets a CR; a CRLF already there
// stays as it is). The connection is back in TYPE I afterwards. It returns
// the bytes read from r and the bytes sent; progress counts those read.
func (c *Conn) StoreASCII(ctx context.Context, p string, r io.Reader, progress *atomic.Int64) (read, sent int64, err error) {
	if err := c.setType(ctx, p, ftp.TransferTypeASCII); err != nil {
		return 0, 0, err
	}
	cr := &countingReader{r: r, progress: progress}
	var src io.Reader = cr
	var conv *crlfReader
	if !localCRLF {
		conv = &crlfReader{r: cr}
		src = conv
	}
	err = c.do(ctx, "stor "+p, []string{p}, func() error { return c.sc.Stor(p, src) })
	sent = cr.n
	if conv != nil {
		sent = conv.n
	}
	if terr := c.setType(ctx, p, ftp.TransferTypeBinary); terr != nil && err == nil {
		err = terr
	}
	return cr.n, sent, err
}

// setType sends TYPE t before or after a transfer of p. A refusal names
// the type, so a server that has no ASCII mode says so plainly.
func (c *Conn) setType(ctx context.Context, p string, t ftp.TransferType) error {
	name := "binary"
	if t == ftp.TransferTypeASCII {
		name = "ascii"
	}
	err := c.do(ctx, "type "+string(t), nil, func() error { return c.sc.Type(t) })
	if err != nil {
		return fmt.Errorf("%s: the server refused TYPE %s (%s transfer): %w", p, t, name, err)
	}
	return nil
}

// lfWriter turns CRLF into LF on its way to w; a CR that ends one write is
// held until the next shows whether an LF follows.
type lfWriter struct {
	w      io.Writer
	n      int64 // bytes written to w
	heldCR bool
	buf    []byte
}

func (l *lfWriter) Write(p []byte) (int, error) {
	out := l.buf[:0]
	if l.heldCR {
		l.heldCR = false
		if len(p) == 0 || p[0] != '\n' {
			out = append(out, '\r')
		}
	}
	for i := 0; i < len(p); i++ {
		b := p[i]
		if b == '\r' {
			if i+1 == len(p) {
				l.heldCR = true
				continue
			}
			if p[i+1] == '\n' {
				continue
			}
		}
		out = append(out, b)
	}
	l.buf = out
	m, err := l.w.Write(out)
	l.n += int64(m)
	if err == nil && m != len(out) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// flush writes a CR held at the end of the data.
func (l *lfWriter) flush() error {
	if !l.heldCR {
		return nil
	}
	l.heldCR = false
	m, err := l.w.Write([]byte{'\r'})
	l.n += int64(m)
	return err
}

// crlfReader gives r's bytes with a CR put before every LF that has none.
type crlfReader struct {
	r      io.Reader
	n      int64 // bytes given
	lastCR bool  // the last byte given was CR
	buf    []byte
	pend   []byte // converted bytes not yet given
}

func (c *crlfReader) Read(p []byte) (int, error) {
	if len(c.pend) == 0 {
		if cap(c.buf) < len(p)/2+1 {
			c.buf = make([]byte, len(p)/2+1)
		}
		in := c.buf[:len(p)/2+1]
		n, err := c.r.Read(in)
		if n == 0 {
			return 0, err
		}
		out := c.pend[:0]
		for _, b := range in[:n] {
			if b == '\n' && !c.lastCR {
				out = append(out, '\r')
			}
			out = append(out, b)
			c.lastCR = b == '\r'
		}
		c.pend = out
		if err != nil && err != io.EOF {
			return 0, err
		}
	}
	m := copy(p, c.pend)
	c.pend = c.pend[m:]
	c.n += int64(m)
	return m, nil
}
