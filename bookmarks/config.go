package bookmarks

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"
)

// ConfigFile is the name of the settings file in the config folder.
const ConfigFile = "config.toml"

// Config holds the defaults of config.toml. Flags override them.
type Config struct {
	Mode       string        `toml:"mode"`        // "passive" or "active"
	Parallel   int           `toml:"parallel"`    // transfer connections, 1..MaxParallel
	Timeout    time.Duration `toml:"timeout"`     // "30s", "2m"
	ShowHidden bool          `toml:"show_hidden"` // show dot files in the panes
	LogLines   int           `toml:"log_lines"`   // protocol log lines kept in the log pane
	TempUpload *bool         `toml:"temp_upload"` // uploads under a temporary name, renamed when whole; nil = on
	// Fallback: a transfer whose data connection fails in one mode for a
	// reason the other mode can fix is tried once in the other mode.
	Fallback bool `toml:"fallback"`
	// TransferType is binary, ascii or auto ("" = binary); ASCIIExtensions
	// are the extensions auto sends as ascii (empty: the default list).
	TransferType    string   `toml:"transfer_type"`
	ASCIIExtensions []string `toml:"ascii_extensions"`
	// KeepTimes false leaves modification times alone; nil = on (a
	// download gets the remote file's time, an upload's remote file the
	// local one's where the server can set it).
	KeepTimes *bool `toml:"keep_times"`
	// Keepalive is how long a connection may sit idle before ftpdeck
	// sends NOOP on it, so the server does not drop it; 0 = never.
	Keepalive time.Duration `toml:"keepalive"`
	// Segments, above 1, fetches each large file (8 MiB or more to come)
	// over this many connections at once (--segments); 0 or 1: one.
	Segments int `toml:"segments"`
	// LimitRate caps the bytes per second of a command's transfers, all
	// its connections together ("500K", "10M"; see ParseRate); "" or "0"
	// = no limit.
	LimitRate Rate `toml:"limit_rate"`
}

// MaxSegments bounds segments and --segments.
const MaxSegments = 32

// DefaultKeepalive is the keepalive setting's default (INTERFACE.md).
const DefaultKeepalive = 60 * time.Second

// DefaultConfig returns the defaults used when config.toml is missing or
// leaves a key out: passive, 2, 30s, false, 5000, fallback on, keepalive 60s.
func DefaultConfig() Config {
	return Config{Mode: ModePassive, Parallel: 2, Timeout: 30 * time.Second, ShowHidden: false, LogLines: 5000, Fallback: true, Keepalive: DefaultKeepalive}
}

// LoadConfig reads dir/config.toml over DefaultConfig. A missing file gives
// the defaults. A malformed file gives an error "PATH:LINE:COL: ...";
// unknown keys and bad values are errors too, naming the key.
func LoadConfig(dir string) (Config, error) {
	c := DefaultConfig()
	path := filepath.Join(dir, ConfigFile)
	data, err := readSmallFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	md, err := decodeTOML(path, data, &c)
	if err != nil {
		return DefaultConfig(), err
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = fmt.Sprintf("%q", k.String())
		}
		return DefaultConfig(), fmt.Errorf("%s: unknown key %s (known: mode, parallel, timeout, show_hidden, log_lines, temp_upload, fallback, keepalive, transfer_type, ascii_extensions, keep_times, segments, limit_rate)", path, strings.Join(keys, ", "))
	}
	if err := c.Validate(); err != nil {
		return DefaultConfig(), fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Validate reports a value out of range.
func (c Config) Validate() error {
	var errs []error
	if c.Mode != ModePassive && c.Mode != ModeActive {
		errs = append(errs, fmt.Errorf("mode %q is not one of passive, active", c.Mode))
	}
	if c.Parallel < 1 || c.Parallel > MaxParallel {
		errs = append(errs, fmt.Errorf("parallel %d is not between 1 and %d", c.Parallel, MaxParallel))
	}
	if c.Timeout < time.Second {
		errs = append(errs, fmt.Errorf("timeout %s is shorter than 1s; write it with a unit, like \"30s\"", c.Timeout))
	}
	if err := validTransferType(c.TransferType); err != nil {
		errs = append(errs, err)
	}
	if err := validKeepalive(c.Keepalive); err != nil {
		errs = append(errs, err)
	}
	if c.Segments < 0 || c.Segments > MaxSegments {
		errs = append(errs, fmt.Errorf("segments %d is not between 1 and %d", c.Segments, MaxSegments))
	}
	if err := validRate(c.LimitRate); err != nil {
		errs = append(errs, err)
	}
	if c.LogLines < 1 {
		errs = append(errs, fmt.Errorf("log_lines %d must be at least 1", c.LogLines))
	}
	return errors.Join(errs...)
}

// The transfer types transfer_type takes.
const (
	TypeBinary = "binary"
	TypeASCII  = "ascii"
	TypeAuto   = "auto"
)

// validTransferType reports a transfer_type that is not binary, ascii,
// auto or empty.
func validTransferType(t string) error {
	switch t {
	case "", TypeBinary, TypeASCII, TypeAuto:
		return nil
	}
	return fmt.Errorf("transfer_type %q is not one of binary, ascii, auto", t)
}

// validKeepalive accepts 0 (off) or at least a second: a bare number in
// TOML is nanoseconds, which is never what was meant.
func validKeepalive(d time.Duration) error {
	if d < 0 || (d > 0 && d < time.Second) {
		return fmt.Errorf("keepalive %s is not 0 (off) or at least 1s; write it with a unit, like \"60s\"", d)
	}
	return nil
}

// ParseKeepalive reads a bookmark's keepalive: a duration such as "60s",
// or "0" / "off" for never; "" is the default (the config's).
func ParseKeepalive(s string) (d time.Duration, set bool, err error) {
	switch strings.TrimSpace(s) {
	case "":
		return 0, false, nil
	case "0", "off":
		return 0, true, nil
	}
	d, err = time.ParseDuration(strings.TrimSpace(s))
	if err == nil {
		err = validKeepalive(d)
	}
	if err != nil {
		return 0, false, fmt.Errorf("keepalive %q: want a duration such as \"60s\", or \"0\" for off", s)
	}
	return d, true, nil
}
