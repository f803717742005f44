// Package ctl is ftpdeck's control layer: the control connection as
// jlaffaye/ftp sees it (a net.Conn that frames, bounds, times and logs
// every command and reply), the data connections it negotiates itself
// (EPSV, PASV, PORT, EPRT, pipelined EPSV, TLS resuming the control
// connection's session) and their stall timeouts.
//
// The connection's state (TLS, EPSV broken, pipelining proven, a pinned
// mode) lives on Conn for its whole life; the state of one operation and
// its transfer (the prepared data connection, the deferred EPSV, the
// replies seen, the error) is an Xfer made fresh by Begin and returned by
// End. Package transfer wraps it: Conn's methods, the session's Config,
// and the shared types under their public names.
package ctl
