package transfer

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ftpdeck/transfer/trust"
)

// ParseMode parses "active" or "passive" (case-insensitive).
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "passive", "pasv", "":
		return Passive, nil
	case "active", "port":
		return Active, nil
	}
	return Passive, fmt.Errorf("unknown mode %q (want passive or active)", s)
}

// TLSMode is how TLS protects the control connection.
type TLSMode int

// The TLS settings of INTERFACE.md.
const (
	TLSOff      TLSMode = iota // plain FTP
	TLSExplicit                // ftpes://: AUTH TLS on the plain port
	TLSImplicit                // ftps://: TLS from the first byte, port 990
)

// String returns "off", "explicit" or "implicit".
func (t TLSMode) String() string {
	switch t {
	case TLSExplicit:
		return "explicit"
	case TLSImplicit:
		return "implicit"
	default:
		return "off"
	}
}

// ParseTLSMode parses "off", "explicit" or "implicit".
func ParseTLSMode(s string) (TLSMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "off", "no", "none":
		return TLSOff, nil
	case "explicit", "ftpes":
		return TLSExplicit, nil
	case "implicit", "ftps":
		return TLSImplicit, nil
	}
	return TLSOff, fmt.Errorf("unknown tls setting %q (want off, explicit or implicit)", s)
}

// ParsePortRange parses "LO-HI" (or a single port).
func ParsePortRange(s string) (PortRange, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return PortRange{}, nil
	}
	lo, hi, found := strings.Cut(s, "-")
	if !found {
		hi = lo
	}
	l, err1 := strconv.ParseUint(strings.TrimSpace(lo), 10, 16)
	h, err2 := strconv.ParseUint(strings.TrimSpace(hi), 10, 16)
	if err1 != nil || err2 != nil || l == 0 || h < l {
		return PortRange{}, fmt.Errorf("port range %q: want LO-HI with 1 <= LO <= HI <= 65535", s)
	}
	return PortRange{Lo: uint16(l), Hi: uint16(h)}, nil
}

// Site is everything needed to reach and log in to one server, and how to
// open its data connections.
type Site struct {
	Host     string
	Port     int
	User     string
	Password string // never logged
	TLS      TLSMode

	Mode             Mode       // starting mode; the session's toggle changes it
	ActiveAddr       netip.Addr // advertised in PORT/EPRT; zero = control conn's local address
	ActivePorts      PortRange  // local ports to listen on in active mode
	TrustPASVAddress bool       // connect where PASV says instead of the control peer

	Timeout time.Duration // connect, idle-reply and data-stall timeout
	// Path is the remote path from the URL or bookmark: relative to the
	// login folder, or absolute when it starts with "/" (see urlPath);
	// "" is the login folder itself. Conn.Abs resolves it.
	Path      string
	TLSConfig *tls.Config // base TLS settings (roots, versions); ServerName is set per site
	// Trust decides which certificates are accepted (roots, known_certs,
	// accepted once, --tls-fingerprint); nil verifies against TLSConfig's
	// RootCAs, else the system roots, with no pins.
	Trust    *trust.Verifier
	Encoding string // charset of names on the server ("" = utf-8)
	// Keepalive is how long a connection may sit idle before NOOP is sent
	// on it (keepalive.go); 0 = never.
	Keepalive time.Duration
}

// DefaultTimeout is INTERFACE.md's --timeout default.
const DefaultTimeout = 30 * time.Second

// Addr returns host:port.
func (s Site) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Display returns user@host:port for the status bar (never the password).
func (s Site) Display() string { return s.User + "@" + s.Addr() }

func (s Site) timeout() time.Duration {
	if s.Timeout <= 0 {
		return DefaultTimeout
	}
	return s.Timeout
}

// ParseURL parses ftp://, ftps:// (implicit TLS) and ftpes:// (explicit TLS)
// URLs per INTERFACE.md: percent-escapes decoded, no user means anonymous.
// The path is returned in Site.Path as urlPath reads it: relative to the
// login folder unless it starts with "/" ("" when the URL has none).
// hasPassword tells whether the URL carried a password (even an empty one).
func ParseURL(raw string) (site Site, hasPassword bool, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Site{}, false, fmt.Errorf("bad URL: %w", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "ftp":
		site.TLS, site.Port = TLSOff, 21
	case "ftpes":
		site.TLS, site.Port = TLSExplicit, 21
	case "ftps":
		site.TLS, site.Port = TLSImplicit, 990
	default:
		return Site{}, false, fmt.Errorf("bad URL %q: scheme must be ftp, ftps or ftpes", redactURL(raw))
	}
	site.Host = u.Hostname()
	if site.Host == "" {
		return Site{}, false, fmt.Errorf("bad URL %q: no host", redactURL(raw))
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Site{}, false, fmt.Errorf("bad URL %q: port %q", redactURL(raw), p)
		}
		site.Port = n
	}
	if u.User != nil {
		site.User = u.User.Username()
		site.Password, hasPassword = u.User.Password()
	}
	if site.User == "" {
		site.User = "anonymous"
		if !hasPassword {
			site.Password, hasPassword = "ftpdeck@", true
		}
	}
	if site.Path, err = urlPath(u); err != nil {
		return Site{}, false, fmt.Errorf("bad URL %q: %w", redactURL(raw), err)
	}
	site.Timeout = DefaultTimeout
	site.Keepalive = DefaultKeepalive
	return site, hasPassword, nil
}

// urlPath reads a URL's path the way RFC 1738 (section 3.2.2), curl, lftp,
// wget and browsers do: its segments are walked from the folder the server
// puts the user in after login, so the result is relative ("pub/a.txt",
// "" for the login folder itself) unless the first segment is empty or an
// escaped slash: "/%2Fetc/motd" and "//etc/motd" both give "/etc/motd".
// A trailing slash is kept (it says "a folder"), and the RFC's ";type=X"
// suffix is dropped.
func urlPath(u *url.URL) (string, error) {
	escaped := strings.TrimPrefix(u.EscapedPath(), "/")
	if escaped == "" {
		return "", nil
	}
	if i := strings.LastIndex(escaped, ";type="); i >= 0 && len(escaped) == i+7 && strings.ContainsRune("aAiIdD", rune(escaped[i+6])) {
		escaped = escaped[:i]
	}
	segs := strings.Split(escaped, "/")
	for i, s := range segs {
		d, err := url.PathUnescape(s)
		if err != nil {
			return "", fmt.Errorf("path segment %q: %w", s, err)
		}
		segs[i] = d
	}
	p := strings.Join(segs, "/")
	if segs[0] == "" { // "//x": an empty first segment starts at the root
		p = "/" + strings.TrimLeft(p, "/")
	}
	return p, nil
}

// redactURL hides a password in a URL for error messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			if j := strings.Index(raw, "://"); j >= 0 && j < i {
				return raw[:j+3] + "…@" + raw[i+1:]
			}
		}
		return raw
	}
	return u.Redacted()
}
