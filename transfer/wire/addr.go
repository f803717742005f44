// Package wire holds the pure, allocation-light parts of the FTP protocol
// that ftpdeck must get exactly right: encoding PORT/EPRT, decoding
// 227/229 replies, framing replies with bounds, classifying addresses, and
// refusing arguments that would smuggle a second command.
//
// Nothing here does I/O except ReplyReader, which reads from an io.Reader it
// is given. Every function that takes server input is fuzzed.
package wire

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ErrMalformed marks a reply that does not follow the grammar we expect.
var ErrMalformed = errors.New("malformed reply")

// EncodePORT returns the argument of a PORT command for an IPv4 address:
// h1,h2,h3,h4,p1,p2 where port = p1*256 + p2.
func EncodePORT(ap netip.AddrPort) (string, error) {
	a := ap.Addr().Unmap()
	if !a.Is4() {
		return "", fmt.Errorf("PORT needs an IPv4 address, got %s", a)
	}
	if ap.Port() == 0 {
		return "", errors.New("PORT needs a non-zero port")
	}
	b := a.As4()
	p := ap.Port()
	return fmt.Sprintf("%d,%d,%d,%d,%d,%d", b[0], b[1], b[2], b[3], p>>8, p&0xff), nil
}

// EncodeEPRT returns the argument of an EPRT command (RFC 2428):
// |1|a.b.c.d|port| or |2|v6addr|port|.
func EncodeEPRT(ap netip.AddrPort) (string, error) {
	a := ap.Addr()
	if ap.Port() == 0 {
		return "", errors.New("EPRT needs a non-zero port")
	}
	if a.Is4() || a.Is4In6() {
		return fmt.Sprintf("|1|%s|%d|", a.Unmap(), ap.Port()), nil
	}
	return fmt.Sprintf("|2|%s|%d|", a.WithZone(""), ap.Port()), nil
}

// DecodeHostPort decodes six comma-separated decimal fields
// h1,h2,h3,h4,p1,p2 as found in PORT arguments and 227 replies. Every field
// must be a decimal number 0..255 (no names, no signs, no spaces inside);
// the port must not be 0.
func DecodeHostPort(s string) (netip.AddrPort, error) {
	fields := strings.Split(strings.TrimSpace(s), ",")
	if len(fields) != 6 {
		return netip.AddrPort{}, fmt.Errorf("%w: want 6 comma-separated numbers, got %d fields", ErrMalformed, len(fields))
	}
	var n [6]byte
	for i, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" || len(f) > 3 {
			return netip.AddrPort{}, fmt.Errorf("%w: field %d %q is not a number 0-255", ErrMalformed, i+1, f)
		}
		v := 0
		for _, c := range []byte(f) {
			if c < '0' || c > '9' {
				return netip.AddrPort{}, fmt.Errorf("%w: field %d %q is not a number 0-255", ErrMalformed, i+1, f)
			}
			v = v*10 + int(c-'0')
		}
		if v > 255 {
			return netip.AddrPort{}, fmt.Errorf("%w: field %d %q is out of range 0-255", ErrMalformed, i+1, f)
		}
		n[i] = byte(v)
	}
	port := uint16(n[4])<<8 | uint16(n[5])
	if port == 0 {
		return netip.AddrPort{}, fmt.Errorf("%w: port 0", ErrMalformed)
	}
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{n[0], n[1], n[2], n[3]}), port), nil
}

// DecodePASV extracts the address from a 227 reply text such as
// "Entering Passive Mode (192,168,0,1,55,66)." The parentheses are optional
// (RFC 1123 allows servers to omit them); the first run of six
// comma-separated fields is used.
func DecodePASV(text string) (netip.AddrPort, error) {
	if i := strings.IndexByte(text, '('); i >= 0 {
		j := strings.IndexByte(text[i:], ')')
		if j < 0 {
			return netip.AddrPort{}, fmt.Errorf("%w: 227 without closing parenthesis", ErrMalformed)
		}
		return DecodeHostPort(text[i+1 : i+j])
	}
	// No parentheses: find the first digit that starts h1,...,p2.
	for i := 0; i < len(text); i++ {
		if text[i] >= '0' && text[i] <= '9' && (i == 0 || text[i-1] == ' ' || text[i-1] == '=') {
			end := i
			for end < len(text) && (text[end] == ',' || (text[end] >= '0' && text[end] <= '9')) {
				end++
			}
			if strings.Count(text[i:end], ",") == 5 {
				return DecodeHostPort(text[i:end])
			}
		}
	}
	return netip.AddrPort{}, fmt.Errorf("%w: no address in 227 reply", ErrMalformed)
}

// DecodeEPSV extracts the port from a 229 reply text such as
// "Entering Extended Passive Mode (|||6446|)". The delimiter is the first
// character after '(' and must be printable ASCII in 33..126 (RFC 2428).
func DecodeEPSV(text string) (uint16, error) {
	i := strings.IndexByte(text, '(')
	if i < 0 || i+1 >= len(text) {
		return 0, fmt.Errorf("%w: 229 without (|||port|)", ErrMalformed)
	}
	d := text[i+1]
	if d < 33 || d > 126 || (d >= '0' && d <= '9') {
		return 0, fmt.Errorf("%w: 229 with bad delimiter %q", ErrMalformed, d)
	}
	rest := text[i+1:]
	// Expect d d d port d )
	if len(rest) < 5 || rest[1] != d || rest[2] != d {
		return 0, fmt.Errorf("%w: 229 not of the form (|||port|)", ErrMalformed)
	}
	end := strings.IndexByte(rest[3:], d)
	if end <= 0 {
		return 0, fmt.Errorf("%w: 229 without port", ErrMalformed)
	}
	if 3+end+1 >= len(rest) || rest[3+end+1] != ')' {
		return 0, fmt.Errorf("%w: 229 not closed by ')'", ErrMalformed)
	}
	return parsePort(rest[3 : 3+end])
}

// DecodeEPRT decodes an EPRT argument |proto|addr|port|.
func DecodeEPRT(arg string) (netip.AddrPort, error) {
	if len(arg) < 7 {
		return netip.AddrPort{}, fmt.Errorf("%w: EPRT argument too short", ErrMalformed)
	}
	d := arg[0]
	parts := strings.Split(arg[1:], string(d))
	if len(parts) != 4 || parts[3] != "" {
		return netip.AddrPort{}, fmt.Errorf("%w: EPRT not of the form |proto|addr|port|", ErrMalformed)
	}
	a, err := netip.ParseAddr(parts[1])
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("%w: EPRT address: %v", ErrMalformed, err)
	}
	switch parts[0] {
	case "1":
		if !a.Is4() {
			return netip.AddrPort{}, fmt.Errorf("%w: EPRT protocol 1 with non-IPv4 address", ErrMalformed)
		}
	case "2":
		if !a.Is6() || a.Is4In6() {
			return netip.AddrPort{}, fmt.Errorf("%w: EPRT protocol 2 with non-IPv6 address", ErrMalformed)
		}
	default:
		return netip.AddrPort{}, fmt.Errorf("%w: EPRT protocol %q", ErrMalformed, parts[0])
	}
	p, err := parsePort(parts[2])
	if err != nil {
		return netip.AddrPort{}, err
	}
	return netip.AddrPortFrom(a, p), nil
}

func parsePort(s string) (uint16, error) {
	if s == "" || len(s) > 5 {
		return 0, fmt.Errorf("%w: port %q", ErrMalformed, s)
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: port %q is not a number", ErrMalformed, s)
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 || v > 65535 {
		return 0, fmt.Errorf("%w: port %q out of range 1-65535", ErrMalformed, s)
	}
	return uint16(v), nil
}

// Scope says what kind of network an address belongs to; the log names it
// so a user sees at once when a server advertises a private address.
type Scope string

// The scopes an address can have.
const (
	ScopeLoopback    Scope = "loopback"
	ScopePrivate     Scope = "private"
	ScopeLinkLocal   Scope = "link-local"
	ScopePublic      Scope = "public"
	ScopeUnspecified Scope = "unspecified"
	ScopeMulticast   Scope = "multicast"
)

// Classify returns the scope of an address.
func Classify(a netip.Addr) Scope {
	a = a.Unmap()
	switch {
	case a.IsLoopback():
		return ScopeLoopback
	case a.IsUnspecified():
		return ScopeUnspecified
	case a.IsMulticast():
		return ScopeMulticast
	case a.IsLinkLocalUnicast():
		return ScopeLinkLocal
	case a.IsPrivate() || isCGNAT(a):
		return ScopePrivate
	default:
		return ScopePublic
	}
}

// isCGNAT reports 100.64.0.0/10, the carrier-grade NAT range, which is as
// unreachable from outside as RFC 1918 space.
func isCGNAT(a netip.Addr) bool {
	if !a.Is4() {
		return false
	}
	b := a.As4()
	return b[0] == 100 && b[1]&0xc0 == 64
}
