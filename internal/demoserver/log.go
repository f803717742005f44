package demoserver

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// logger writes protocol-log lines to an optional io.Writer:
//
//	15:04:05.000 [3] > RETR big/ubuntu-sample.bin
//	15:04:05.001 [3] < 150 Opening BINARY mode data connection (25165824 bytes)
//	15:04:05.001 [3] * data: accepted 127.0.0.1:50123
//
// [0] is the server itself. After Close it drops everything, so nothing is
// written to the caller's writer once Close has returned.
type logger struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

func newLogger(w io.Writer) *logger { return &logger{w: w} }

func (l *logger) enabled() bool { return l.w != nil }

func (l *logger) line(id int, dir, text string) {
	if l.w == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	fmt.Fprintf(l.w, "%s [%d] %s %s\n", time.Now().Format("15:04:05.000"), id, dir, text)
}

func (l *logger) note(id int, format string, args ...any) {
	l.line(id, "*", fmt.Sprintf(format, args...))
}

func (l *logger) shut() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
}

// libLogger receives the library's own log calls. Commands and replies are
// ignored (ctrlConn logs the real bytes; the library also gives every
// session of a server the same session id, so its lines cannot be told
// apart); its free-form messages become server notes.
type libLogger struct{ l *logger }

func (g libLogger) Print(_ string, message any) {
	switch fmt.Sprint(message) {
	case "Connection Established", "Connection Terminated":
		return // we log these per connection ourselves
	}
	g.l.note(0, "lib: %v", message)
}

func (g libLogger) Printf(_ string, format string, v ...any) {
	g.l.note(0, "lib: "+format, v...)
}

func (libLogger) PrintCommand(string, string, string) {}
func (libLogger) PrintResponse(string, int, string)   {}

// lineBuf splits a byte stream into lines (without CR LF), keeping a
// partial last line for the next feed. A runaway line is cut at 4 KiB.
type lineBuf struct{ buf []byte }

func (b *lineBuf) feed(p []byte) []string {
	b.buf = append(b.buf, p...)
	var lines []string
	for {
		i := bytes.IndexByte(b.buf, '\n')
		if i < 0 {
			break
		}
		lines = append(lines, strings.TrimRight(string(b.buf[:i]), "\r"))
		b.buf = b.buf[i+1:]
	}
	if len(b.buf) > 4096 {
		lines = append(lines, string(b.buf)+" [...]")
		b.buf = nil
	}
	if len(b.buf) == 0 {
		b.buf = nil
	}
	return lines
}

func maskPass(line string) string {
	if len(line) >= 4 && strings.EqualFold(line[:4], "PASS") {
		return "PASS ****"
	}
	return line
}
