package wire

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits on what a server may send on the control connection. A reply line
// longer than MaxLineBytes or a reply of more than MaxReplyLines lines is
// an error, so a hostile server cannot make us hold unbounded memory.
const (
	MaxLineBytes  = 8 << 10
	MaxReplyLines = 4096
	MaxReplyBytes = 1 << 20
)

// ErrLineTooLong and ErrReplyTooLong report a server that exceeded the
// limits above.
var (
	ErrLineTooLong  = errors.New("reply line too long")
	ErrReplyTooLong = errors.New("reply too long")
)

// Reply is one complete server reply: a three-digit code and its lines as
// received (without CRLF); Text returns its message.
type Reply struct {
	Code  int
	Lines []string
}

// Text returns the reply's message: the final line without its code, or for
// a multi-line reply all lines joined by "\n" with the first line's code and
// the final line's code removed.
func (r Reply) Text() string {
	if len(r.Lines) == 1 {
		return trimCode(r.Lines[0])
	}
	parts := make([]string, 0, len(r.Lines))
	for i, l := range r.Lines {
		if i == 0 || i == len(r.Lines)-1 {
			l = trimCode(l)
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, "\n")
}

// Class returns the first digit of the code: 1 preliminary, 2 completion,
// 3 intermediate, 4 transient failure, 5 permanent failure.
func (r Reply) Class() int { return r.Code / 100 }

func trimCode(l string) string {
	if len(l) >= 4 {
		return l[4:]
	}
	return ""
}

// ReplyReader reads replies line by line with the limits above.
type ReplyReader struct {
	r *bufio.Reader
	// OnLine, when set, is called for every line as soon as it is read,
	// before the reply is complete: the protocol log shows a line even when
	// the rest of its reply never comes.
	OnLine func(line string)
}

// NewReplyReader returns a reader of replies from r.
func NewReplyReader(r io.Reader) *ReplyReader {
	return &ReplyReader{r: bufio.NewReaderSize(r, 4096)}
}

// Buffered reports how many bytes have been read from the connection but not
// yet consumed; after a 234 reply to AUTH TLS it must be zero, or the server
// pipelined clear text that an attacker could have injected.
func (rr *ReplyReader) Buffered() int { return rr.r.Buffered() }

// ReadLine reads one line without its CRLF (a bare LF is accepted too).
func (rr *ReplyReader) ReadLine() (string, error) {
	var buf []byte
	for {
		chunk, isPrefix, err := rr.r.ReadLine()
		if err != nil {
			if err == io.EOF && len(buf) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		if len(buf)+len(chunk) > MaxLineBytes {
			// The rest of the line is left unread: the reader is out of
			// step with the server from here, and its owner must drop it.
			return "", fmt.Errorf("%w: more than %d bytes", ErrLineTooLong, MaxLineBytes)
		}
		buf = append(buf, chunk...)
		if !isPrefix {
			return string(buf), nil
		}
	}
}

// ReadReply reads one complete reply. A multi-line reply starts with
// "NNN-" and ends with a line "NNN " with the same code (RFC 959 4.2);
// lines in between may hold anything.
func (rr *ReplyReader) ReadReply() (Reply, error) {
	first, err := rr.ReadLine()
	if err != nil {
		return Reply{}, err
	}
	if rr.OnLine != nil {
		rr.OnLine(first)
	}
	code, sep, err := ParseCode(first)
	if err != nil {
		return Reply{Lines: []string{first}}, err
	}
	r := Reply{Code: code, Lines: []string{first}}
	if sep != '-' {
		return r, nil
	}
	size := len(first)
	prefix := first[:3] + " "
	for {
		line, err := rr.ReadLine()
		if err != nil {
			return r, err
		}
		if rr.OnLine != nil {
			rr.OnLine(line)
		}
		size += len(line)
		r.Lines = append(r.Lines, line)
		if strings.HasPrefix(line, prefix) || line == first[:3] {
			return r, nil
		}
		if len(r.Lines) >= MaxReplyLines || size > MaxReplyBytes {
			return r, fmt.Errorf("%w: more than %d lines or %d bytes", ErrReplyTooLong, MaxReplyLines, MaxReplyBytes)
		}
	}
}

// ParseCode reads the three-digit code and the separator (' ' or '-') at
// the start of a reply line. A line of exactly three digits is accepted
// with separator ' '.
func ParseCode(line string) (code int, sep byte, err error) {
	if len(line) < 3 {
		return 0, 0, fmt.Errorf("%w: %q has no reply code", ErrMalformed, Escape(line))
	}
	for i := 0; i < 3; i++ {
		if line[i] < '0' || line[i] > '9' {
			return 0, 0, fmt.Errorf("%w: %q has no reply code", ErrMalformed, Escape(truncate(line, 80)))
		}
	}
	code, _ = strconv.Atoi(line[:3])
	if code < 100 || code > 599 {
		return 0, 0, fmt.Errorf("%w: reply code %d out of range", ErrMalformed, code)
	}
	if len(line) == 3 {
		return code, ' ', nil
	}
	switch line[3] {
	case ' ', '-':
		return code, line[3], nil
	default:
		return 0, 0, fmt.Errorf("%w: %q: code not followed by space or '-'", ErrMalformed, Escape(truncate(line, 80)))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
