package wire

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrUnsafeArgument is returned for a command argument holding CR, LF or
// NUL: sent as is, it would end the command early and let the rest be read
// by the server as a second command (CRLF injection).
var ErrUnsafeArgument = errors.New("argument holds CR, LF or NUL")

// CheckArg is the one place every path or name that goes into a command is
// checked before it is sent.
func CheckArg(what, s string) error {
	if strings.ContainsAny(s, "\r\n\x00") {
		return fmt.Errorf("%s %q: %w", what, s, ErrUnsafeArgument)
	}
	return nil
}

// CheckLine checks a whole command line (verb and arguments, without the
// trailing CRLF).
func CheckLine(line string) error {
	if strings.ContainsAny(line, "\r\n\x00") {
		return fmt.Errorf("command %q: %w", Escape(line), ErrUnsafeArgument)
	}
	return nil
}

// Escape renders s with control characters and invalid UTF-8 made visible,
// so that a name or reply from a server can never move the cursor, change
// colours, set the terminal title or hide text (ANSI/OSC sequences).
func Escape(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0: // C1 controls, including the 8-bit CSI
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == 0x2028 || r == 0x2029 || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
			fmt.Fprintf(&b, `\u%04x`, r) // line separators and bidi overrides
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}
