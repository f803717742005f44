package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"syscall"
	"time"

	"ftpdeck/transfer/trust"
	"ftpdeck/transfer/wire"
)

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

// CertError is a server certificate that was not accepted: unknown,
// invalid, or changed since the user accepted another one. The UI shows it
// and asks; headless commands print the fingerprint and exit.
type CertError = trust.CertError

// ErrTimeout marks a server that did not answer within the timeout.
var ErrTimeout = errors.New("timed out")

// ErrConnBroken is returned by a Conn whose control connection is no longer
// in a known state (a timeout or cancel mid-reply); dial a new one.
var ErrConnBroken = errors.New("control connection out of sync; reconnect")

// IsTransient reports whether err is worth retrying on a fresh connection:
// 4xx replies, timeouts, resets, closed connections and data-connection
// failures. 5xx replies and local errors are permanent.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	var re *ReplyError
	if errors.As(err, &re) {
		return re.Code >= 400 && re.Code < 500
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code >= 400 && te.Code < 500
	}
	var le *LocalError
	if errors.As(err, &le) {
		return false
	}
	var ce *CertError
	if errors.As(err, &ce) {
		return false // the user decides, not a retry
	}
	var pe *os.PathError
	if errors.As(err, &pe) && !errors.Is(err, ErrTimeout) {
		if !isNetErr(pe.Err) {
			return false // local disk errors
		}
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	var de *DataConnError
	if errors.As(err, &de) {
		return true
	}
	return errors.Is(err, ErrTimeout) || errors.Is(err, ErrConnBroken) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, os.ErrDeadlineExceeded) || isNetErr(err)
}

// isNetErr reports a network error (*net.OpError is one too).
func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

// convertErr turns errors from jlaffaye/ftp into our own types so that the
// UI never needs the library: textproto errors become ReplyError, deadline
// errors ErrTimeout.
func convertErr(cmd string, err error) error {
	if err == nil {
		return nil
	}
	// Our own verdicts come first: jlaffaye/ftp joins them with the reply
	// the server sent after we gave up (a 426), which would hide the cause.
	for _, ours := range []error{ErrListingTooLarge, ErrListingTooManyEntries, ErrTimeout} {
		if errors.Is(err, ours) {
			return err
		}
	}
	var le *LocalError
	if errors.As(err, &le) {
		return le
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return &ReplyError{Cmd: cmd, Code: te.Code, Text: te.Msg}
	}
	if isTimeout(err) {
		return fmt.Errorf("%s: %w: %w", cmd, ErrTimeout, err)
	}
	return err
}

// timeoutError builds the error for a server that said nothing for d.
func timeoutError(what string, d time.Duration, err error) error {
	return fmt.Errorf("%s: server sent nothing for %s: %w (%w)", what, d, ErrTimeout, err)
}
