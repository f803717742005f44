package bookmarks

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"unicode"
)

// TLS values of Site.TLS.
const (
	TLSOff      = "off"
	TLSExplicit = "explicit"
	TLSImplicit = "implicit"
)

// Mode values of Site.Mode and Site.LastGoodMode.
const (
	ModePassive = "passive"
	ModeActive  = "active"
)

// Default control ports.
const (
	DefaultPort         = 21
	DefaultImplicitPort = 990
)

// MaxParallel is the largest accepted value of Site.Parallel and
// Config.Parallel.
const MaxParallel = 32

// Encodings lists the accepted values of Site.Encoding (INTERFACE.md,
// --encoding). An empty Encoding means utf-8.
func Encodings() []string {
	return []string{"utf-8", "gbk", "gb18030", "big5", "shift_jis", "euc-kr", "windows-1251", "latin1"}
}

// Site is one saved site: one [[site]] table of bookmarks.toml. Empty
// fields mean "use the default" (see INTERFACE.md).
type Site struct {
	Name             string `toml:"name"`
	Host             string `toml:"host"`
	Port             int    `toml:"port,omitempty"`
	User             string `toml:"user,omitempty"`
	Password         string `toml:"password,omitempty"`
	PasswordCmd      string `toml:"password_cmd,omitempty"`
	TLS              string `toml:"tls,omitempty"`
	Mode             string `toml:"mode,omitempty"`
	ActiveAddr       string `toml:"active_addr,omitempty"`
	ActivePorts      string `toml:"active_ports,omitempty"`
	TrustPASVAddress bool   `toml:"trust_pasv_address,omitempty"`
	RemoteDir        string `toml:"remote_dir,omitempty"`
	LocalDir         string `toml:"local_dir,omitempty"`
	Parallel         int    `toml:"parallel,omitempty"`
	Encoding         string `toml:"encoding,omitempty"`
	LastGoodMode     string `toml:"last_good_mode,omitempty"`
	// TempUpload false sends uploads straight to their final name (for
	// servers that refuse renames or act on every new name); nil means
	// config.toml's setting, else on.
	TempUpload *bool `toml:"temp_upload,omitempty"`
	// Fallback overrides config.toml's fallback for this site when set.
	Fallback  *bool  `toml:"fallback,omitempty"`
	Keepalive string `toml:"keepalive,omitempty"` // "60s"; "0" or "off" = never; "" = config.toml's
	// TransferType and ASCIIExtensions override config.toml's
	// transfer_type and ascii_extensions for this site when set.
	TransferType    string   `toml:"transfer_type,omitempty"`
	ASCIIExtensions []string `toml:"ascii_extensions,omitempty"`
	// KeepTimes overrides config.toml's keep_times for this site when set.
	KeepTimes *bool `toml:"keep_times,omitempty"`
	// Segments overrides config.toml's segments for this site when set
	// (large downloads over that many connections at once).
	Segments int `toml:"segments,omitempty"`
	// LimitRate overrides config.toml's limit_rate for this site when set
	// ("0" = no limit).
	LimitRate Rate `toml:"limit_rate,omitempty"`
}

// EffectivePort returns Port, or the default port for the site's TLS
// setting (990 for implicit TLS, else 21) when Port is 0.
func (s Site) EffectivePort() int {
	if s.Port != 0 {
		return s.Port
	}
	if s.TLS == TLSImplicit {
		return DefaultImplicitPort
	}
	return DefaultPort
}

// EffectiveUser returns User, or "anonymous" when it is empty.
func (s Site) EffectiveUser() string {
	if s.User == "" {
		return "anonymous"
	}
	return s.User
}

// Address returns "user@host:port" for display; it never holds a password.
func (s Site) Address() string {
	return s.EffectiveUser() + "@" + net.JoinHostPort(s.Host, strconv.Itoa(s.EffectivePort()))
}

// Validate reports the first problem with the site's fields, in words a
// user can act on. It never quotes the password.
func (s Site) Validate() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(format, args...))
	}
	switch {
	case strings.TrimSpace(s.Name) == "":
		add("name is empty")
	case hasControl(s.Name):
		add("name %q has control characters", s.Name)
	}
	switch {
	case strings.TrimSpace(s.Host) == "":
		add("host is empty")
	case strings.ContainsFunc(s.Host, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '/' || r == '@' }):
		add("host %q is not a host name or address", s.Host)
	}
	if s.Port < 0 || s.Port > 65535 {
		add("port %d is not between 1 and 65535", s.Port)
	}
	if hasControl(s.User) {
		add("user has control characters")
	}
	if strings.ContainsAny(s.Password, "\r\n\x00") {
		add("password has a line break or NUL, which FTP cannot send")
	}
	if s.PasswordCmd != "" {
		if _, err := SplitCommand(s.PasswordCmd); err != nil {
			add("password_cmd: %v", err)
		}
	}
	switch s.TLS {
	case "", TLSOff, TLSExplicit, TLSImplicit:
	default:
		add("tls %q is not one of off, explicit, implicit", s.TLS)
	}
	if err := validMode(s.Mode); err != nil {
		add("mode %v", err)
	}
	if err := validMode(s.LastGoodMode); err != nil {
		add("last_good_mode %v", err)
	}
	if s.ActiveAddr != "" && s.ActiveAddr != "auto" && net.ParseIP(s.ActiveAddr) == nil {
		add("active_addr %q is not an IP address", s.ActiveAddr)
	}
	if s.ActivePorts != "" {
		if _, _, err := ParsePortRange(s.ActivePorts); err != nil {
			add("active_ports: %v", err)
		}
	}
	if hasControl(s.RemoteDir) {
		add("remote_dir has control characters")
	}
	if s.Parallel < 0 || s.Parallel > MaxParallel {
		add("parallel %d is not between 1 and %d", s.Parallel, MaxParallel)
	}
	if s.Segments < 0 || s.Segments > MaxSegments {
		add("segments %d is not between 1 and %d", s.Segments, MaxSegments)
	}
	if _, _, err := ParseKeepalive(s.Keepalive); err != nil {
		add("%v", err)
	}
	if s.Encoding != "" && !knownEncoding(s.Encoding) {
		add("encoding %q is not one of %s", s.Encoding, strings.Join(Encodings(), ", "))
	}
	if err := validTransferType(s.TransferType); err != nil {
		errs = append(errs, err)
	}
	if err := validRate(s.LimitRate); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("site %q: %w", s.Name, errors.Join(errs...))
}

func validMode(m string) error {
	switch m {
	case "", ModePassive, ModeActive:
		return nil
	}
	return fmt.Errorf("%q is not one of passive, active", m)
}

func knownEncoding(e string) bool {
	for _, k := range Encodings() {
		if strings.EqualFold(e, k) {
			return true
		}
	}
	return false
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

// ParsePortRange parses "LO-HI" (a single "P" means P-P) into a local port
// range with 1 <= lo <= hi <= 65535.
func ParsePortRange(s string) (lo, hi int, err error) {
	a, b, found := strings.Cut(strings.TrimSpace(s), "-")
	if !found {
		b = a
	}
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("%q is not a port range LO-HI", s)
	}
	if lo < 1 || hi > 65535 || lo > hi {
		return 0, 0, fmt.Errorf("%q: ports must satisfy 1 <= LO <= HI <= 65535", s)
	}
	return lo, hi, nil
}
