package ctl

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/text/encoding"

	"ftpdeck/transfer/wire"
)

// The small types the control layer shares with package transfer, which
// gives them their public names (type aliases): modes and methods, the
// errors a transfer ends with, the charset of command and reply lines.

// ReplyError is a failure reply from the server: its code and its words.
type ReplyError struct {
	Cmd  string // the command verb it answered ("RETR"), if known
	Code int
	Text string
}

func (e *ReplyError) Error() string {
	if e.Cmd != "" {
		return fmt.Sprintf("%s: server replied %d %s", e.Cmd, e.Code, wire.Escape(e.Text))
	}
	return fmt.Sprintf("server replied %d %s", e.Code, wire.Escape(e.Text))
}

// DataConnError is a data connection that could not be made. Its message
// names the mode, the addresses involved and the likely cause, in words a
// user can act on.
type DataConnError struct {
	Mode  Mode
	Addr  string // the address we dialed (passive) or listened on / advertised (active)
	Cause string // the plain-language explanation
	Err   error
}

func (e *DataConnError) Error() string {
	return fmt.Sprintf("%s: %s", e.Mode, e.Cause)
}

func (e *DataConnError) Unwrap() error { return e.Err }

// StallError is a data connection that stopped moving: for the timeout
// the server sent nothing (a download or a listing), took nothing (an
// upload), or did not close the connection after this side ended it. It
// wraps ErrTimeout: worth retrying.
type StallError struct {
	Mode  Mode
	Addr  string // the server's end of the data connection
	Kind  StallKind
	Idle  time.Duration // how long nothing moved: the timeout
	Bytes int64         // bytes moved before the stall
}

// StallKind says which way a data connection stalled.
type StallKind int

// The ways a data connection stalls.
const (
	StalledReceiving StallKind = iota // the server sent nothing
	StalledSending                    // the server took nothing
	StalledAtEnd                      // the server did not close it after this side ended it
)

func (e *StallError) Error() string {
	head := fmt.Sprintf("data connection stalled (%s mode, server %s)", e.Mode, e.Addr)
	switch e.Kind {
	case StalledSending:
		return fmt.Sprintf("%s: the server took no bytes for %s, after %d bytes sent", head, e.Idle, e.Bytes)
	case StalledAtEnd:
		return fmt.Sprintf("%s: the server did not close it within %s after all %d bytes", head, e.Idle, e.Bytes)
	}
	return fmt.Sprintf("%s: the server sent no bytes for %s, after %d bytes received", head, e.Idle, e.Bytes)
}

// Unwrap makes a stall an ErrTimeout.
func (e *StallError) Unwrap() error { return ErrTimeout }

// ErrTimeout marks a server that did not answer within the timeout.
var ErrTimeout = errors.New("timed out")

// TimeoutError builds the error for a server that said nothing for d.
func TimeoutError(what string, d time.Duration, err error) error {
	return fmt.Errorf("%s: server sent nothing for %s: %w (%w)", what, d, ErrTimeout, err)
}

// Mode is the data-connection mode.
type Mode int32

// The two data-connection modes.
const (
	Passive Mode = iota // the client connects to the server (PASV/EPSV)
	Active              // the server connects to the client (PORT/EPRT)
)

// String returns "passive" or "active".
func (m Mode) String() string {
	if m == Active {
		return "active"
	}
	return "passive"
}

// Other returns the other mode.
func (m Mode) Other() Mode {
	if m == Active {
		return Passive
	}
	return Active
}

// PortRange is an inclusive range of local ports for active-mode listeners.
// The zero value means "any free port".
type PortRange struct{ Lo, Hi uint16 }

// String returns "LO-HI", or "" for any port.
func (r PortRange) String() string {
	if r.Lo == 0 {
		return ""
	}
	return fmt.Sprintf("%d-%d", r.Lo, r.Hi)
}

// Method is one way of opening a data connection.
type Method int

// The methods a probe tries, one at a time. MethodAuto is normal operation:
// the session's mode, EPSV then PASV in passive mode.
const (
	MethodAuto Method = iota
	MethodEPSV
	MethodPASV
	MethodEPRT
	MethodPORT
)

// String returns the command's name ("EPSV"), or "auto".
func (m Method) String() string {
	switch m {
	case MethodEPSV:
		return "EPSV"
	case MethodPASV:
		return "PASV"
	case MethodEPRT:
		return "EPRT"
	case MethodPORT:
		return "PORT"
	case MethodAuto:
	}
	return "auto"
}

// Mode returns the mode the method belongs to.
func (m Method) Mode() Mode {
	if m == MethodEPRT || m == MethodPORT {
		return Active
	}
	return Passive
}

// LocalError marks a failure on this machine's side of a transfer (disk
// full, permission denied): not worth retrying against the server.
type LocalError struct{ Err error }

func (e *LocalError) Error() string { return "local: " + e.Err.Error() }
func (e *LocalError) Unwrap() error { return e.Err }

// DecodeLine turns a reply line from the site's charset into UTF-8.
func DecodeLine(enc encoding.Encoding, line string) string {
	if enc == nil || isASCII(line) {
		return line
	}
	s, err := enc.NewDecoder().String(line)
	if err != nil {
		return line
	}
	return s
}

// EncodeLine turns a command line into the site's charset.
func EncodeLine(enc encoding.Encoding, line string) (string, error) {
	if enc == nil || isASCII(line) {
		return line, nil
	}
	s, err := enc.NewEncoder().String(line)
	if err != nil {
		return "", fmt.Errorf("%s: a character of %q cannot be written in the site's encoding: %w", VerbOf(line), line, err)
	}
	return s, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
