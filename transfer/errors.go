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

	"ftpdeck/transfer/trust"
)

// CertError is a server certificate that was not accepted: unknown,
// invalid, or changed since the user accepted another one. The UI shows it
// and asks; headless commands print the fingerprint and exit.
type CertError = trust.CertError

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
