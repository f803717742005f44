package ctl

import (
	"crypto/tls"
	"net/netip"
	"sync/atomic"
	"time"

	"golang.org/x/text/encoding"
)

// Config is what the control layer needs from the session it belongs to.
// It is shared by every connection of the session and not changed after
// the first New.
type Config struct {
	Addr        string        // host:port, for messages
	Timeout     time.Duration // every wait (DESIGN.md, "Every wait has the user's timeout")
	TrustPASV   bool          // connect to the address PASV names (when plausible)
	ActiveAddr  netip.Addr    // the address PORT/EPRT advertise; invalid = the control connection's
	ActivePorts PortRange     // where active-mode listeners listen; zero = any port
	Enc         encoding.Encoding
	Log         Logger

	// Mode is the session's data-connection mode (it may change at any
	// time: the user's toggle).
	Mode func() Mode
	// TLS returns a fresh client configuration for the control connection.
	TLS func() *tls.Config
	// NoPipeline is set when a pipelined EPSV went wrong on some
	// connection of the session: every connection negotiates one command
	// at a time from then on.
	NoPipeline *atomic.Bool
	// Proven holds what worked on some connection of the session: a
	// pipelined EPSV or PORT works on every connection to the same server
	// (its firewall, its command reader), so a new connection pipelines
	// from its first transfer on. Nil: each connection proves its own.
	Proven *Proven
}

// Proven is what a session's connections have shown its server to do.
type Proven struct {
	EPSV   atomic.Bool // EPSV, its port and a transfer worked
	Active atomic.Bool // PORT or EPRT and a transfer worked
}

// Logger is the session's protocol log as the control layer writes it.
type Logger interface {
	// Sent logs a command line sent on connection conn, with a note.
	Sent(conn int, line, note string)
	// Received logs a reply line received on connection conn, with a note.
	Received(conn int, line, note string)
	// Notef logs a note of the client's own.
	Notef(conn int, format string, args ...any)
}

// Record is what one negotiation did, filled in as it goes, for the probe
// (a probe's transfer.Attempt embeds it).
type Record struct {
	Reply      string         // the server's reply to EPSV, PASV, EPRT or PORT
	FinalReply string         // the server's last reply to the listing command
	Named      netip.AddrPort // the address PASV named
	Dialed     netip.AddrPort // where we connected (passive)
	DialErr    error          // why that connect failed
	Advertised netip.AddrPort // what PORT/EPRT told the server (active)
	Listen     netip.AddrPort // where we listened (active)
	From       netip.AddrPort // where the server connected from (active)
	Connected  bool           // a data connection was made
}
