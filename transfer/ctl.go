package transfer

import "ftpdeck/transfer/internal/ctl"

// The control layer lives in transfer/internal/ctl; these are its types
// under the names callers have always used.

// Mode is the data-connection mode.
type Mode = ctl.Mode

// The two data-connection modes.
const (
	Passive = ctl.Passive // the client connects to the server (PASV/EPSV)
	Active  = ctl.Active  // the server connects to the client (PORT/EPRT)
)

// Method is one way of opening a data connection.
type Method = ctl.Method

// The methods a probe tries, one at a time. MethodAuto is normal operation:
// the session's mode, EPSV then PASV in passive mode.
const (
	MethodAuto = ctl.MethodAuto
	MethodEPSV = ctl.MethodEPSV
	MethodPASV = ctl.MethodPASV
	MethodEPRT = ctl.MethodEPRT
	MethodPORT = ctl.MethodPORT
)

// PortRange is an inclusive range of local ports for active-mode listeners.
// The zero value means "any free port".
type PortRange = ctl.PortRange

// ReplyError is a failure reply from the server: its code and its words.
type ReplyError = ctl.ReplyError

// DataConnError is a data connection that could not be made. Its message
// names the mode, the addresses involved and the likely cause, in words a
// user can act on.
type DataConnError = ctl.DataConnError

// StallError is a data connection that stopped moving (see ctl.StallError).
// It wraps ErrTimeout: worth retrying.
type StallError = ctl.StallError

// StallKind says which way a data connection stalled.
type StallKind = ctl.StallKind

// The ways a data connection stalls.
const (
	StalledReceiving = ctl.StalledReceiving // the server sent nothing
	StalledSending   = ctl.StalledSending   // the server took nothing
	StalledAtEnd     = ctl.StalledAtEnd     // the server did not close it after this side ended it
)

// LocalError marks a failure on this machine's side of a transfer (disk
// full, permission denied): not worth retrying against the server.
type LocalError = ctl.LocalError

// ErrTimeout marks a server that did not answer within the timeout.
var ErrTimeout = ctl.ErrTimeout

// Bounds on what a data connection may deliver for a listing: an endless
// listing gives a clear error instead of exhausting memory.
// 64 MiB is about half a million entries in LIST format.
const MaxListingBytes = ctl.MaxListingBytes

// ErrListingTooLarge reports a listing over MaxListingBytes.
var ErrListingTooLarge = ctl.ErrListingTooLarge

// MaxListingEntries bounds the lines (entries) of one listing (see
// ctl.MaxListingEntries).
const MaxListingEntries = ctl.MaxListingEntries

// ErrListingTooManyEntries reports a listing over MaxListingEntries.
var ErrListingTooManyEntries = ctl.ErrListingTooManyEntries

func verbOf(line string) string { return ctl.VerbOf(line) }
func isTimeout(err error) bool  { return ctl.IsTimeout(err) }
func rootCause(err error) error { return ctl.RootCause(err) }
func oneLine(s string) string   { return ctl.OneLine(s) }

// NegotiationRecord is what one data-connection negotiation did: the
// replies, the addresses named, dialed and listened on (a probe's Attempt
// carries one).
type NegotiationRecord = ctl.Record
