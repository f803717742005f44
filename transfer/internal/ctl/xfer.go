package ctl

import "net"

// Plan is what one operation asks of the control layer beyond the
// library's commands: a probe's forced method and the record it fills in,
// and the verb a listing is sent as. The Conn method passes it to Begin.
type Plan struct {
	Force    Method  // the one negotiation method to use; MethodAuto = normal
	Record   *Record // a probe's record of what the negotiation did; nil = none
	ListVerb string  // sent in place of the library's next NLST or RETR (raw lines, our parser)
	ListAll  bool    // send "LIST -a" for LIST (hidden files)
}

// Xfer is the state of one operation and of the data transfer it may
// make: made fresh by Begin for each operation (and for the login), and
// returned by end with the operation's result, so nothing of it outlives
// the operation on the connection. The connection's own state (TLS,
// pipelining proven, EPSV broken, the pinned mode) stays on Conn.
type Xfer struct {
	Plan

	cmd        bool // the last command sent opens a data transfer
	prelim     bool // a 1xx reply to that command arrived
	replayFail bool // answer the library's PASV-after-EPSV with the same failure

	pending      net.Conn     // data connection prepared for the library's next dial
	deferred     *DataConn    // the library's data connection, its EPSV not sent yet (pipeline.go)
	deferredPort *portCmd     // its PORT or EPRT, not sent yet (pipeline.go)
	data         *DataConn    // the current data connection
	active       *activeConn  // its active listener, in active mode
	tls          *tlsDataConn // its TLS layer, if any
	epsvDialed   bool         // it came from EPSV, one command at a time

	// err is why the data connection failed, in full (a stall, a server
	// that never connected back, a refused 425): the operation returns it
	// in place of whatever the library made of it.
	err error
}

// Err is why the transfer's data connection failed, in full, or nil: the
// operation returns it in place of whatever the library made of it.
func (x *Xfer) Err() error { return x.err }

// Data is the transfer's data connection, nil if it had none.
func (x *Xfer) Data() *DataConn { return x.data }

// newData forgets the previous data connection of the operation, for a
// new negotiation (the library's PASV after a failed EPSV keeps replayFail).
func (x *Xfer) newData() {
	x.err = nil
	x.data, x.active, x.tls = nil, nil, nil
	x.epsvDialed = false
}

// fail records err as the transfer's failure unless one is recorded.
func (x *Xfer) fail(err error) {
	if x.err == nil {
		x.err = err
	}
}

// afterData reports whether the server has announced the transfer (1xx)
// of the last command: its next reply ends the transfer.
func (x *Xfer) afterData() bool { return x.cmd && x.prelim }

// dropPending closes a data connection prepared but not taken.
func (x *Xfer) dropPending() {
	x.deferred = nil
	if pc := x.deferredPort; pc != nil {
		_ = pc.ln.Close()
		x.deferredPort = nil
	}
	if x.pending != nil {
		_ = x.pending.Close()
		x.pending = nil
	}
}

// Begin starts an operation with p: its state is fresh.
func (c *Conn) Begin(p Plan) {
	c.x.dropPending()
	c.x = &Xfer{Plan: p}
}

// end ends the operation and returns its state (its data connection, its
// error). The next operation's Begin replaces it (not End: a cancelled
// context's Interrupt may still be reading it).
func (c *Conn) End() *Xfer {
	c.x.dropPending()
	return c.x
}
