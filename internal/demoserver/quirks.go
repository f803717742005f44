package demoserver

// Quirks of goftp.io/server/v2 v2.0.3 and how this package works around them.
//
// Data connections (all replaced by our commands in commands.go, through
// the library's Options.Commands; the library's own data sockets are never
// created):
//
//   - PORT/EPRT: the library connects to the client at PORT time, not at the
//     transfer command, without a timeout, to any address (FTP bounce). Its
//     parsers index fields without checking, so a short "PORT 1,2,3" or
//     "EPRT |1|" panics; the panic is recovered but no reply is sent and the
//     client hangs. We parse strictly (501), accept only the control
//     connection's peer address (500, like vsftpd), and dial at the transfer
//     (10 s timeout, cancelled by Close), answering 425 if that fails.
//   - PASV/EPSV: the library's listener binds every interface, accepts the
//     first connection from anyone, and its accept goroutine holds a lock for
//     up to 60 s, so a PASV nobody connects to blocks the session's Close
//     (and a second PASV leaks the first listener for 60 s). We listen on the
//     control connection's local address (127.0.0.1) on a kernel-chosen port
//     (no range, so parallel servers never collide), accept only the
//     control peer's address, for 30 s, and Close closes the listener.
//   - A data command without PORT/PASV: the library sends 150 and then
//     panics on the nil socket (no final reply, client hangs; STOR also
//     creates an empty file). We answer 425 and touch nothing.
//   - STOR never closes its data socket. We close after every transfer.
//   - REST only counted when it was the command immediately before
//     RETR/STOR, so PASV, REST... works but REST, PASV, RETR silently starts
//     at 0. Ours, like vsftpd, keeps the offset until the next RETR/STOR/APPE.
//   - LPRT dereferences a nil data socket: removed (500).
//
// Driver (driver.go replaces driver/file):
//
//   - REST n + STOR opened the file O_APPEND and seeked from the end: it
//     always appended, so a resume from an offset smaller than the file's
//     size corrupted it. Ours truncates to n and writes from n; n beyond
//     the end is refused (553).
//   - RMD removed folders recursively (os.RemoveAll); MKD of an existing
//     folder succeeded (MkdirAll). Ours fail like real servers (550).
//   - MDTM and MLSD/MLST reported local time; RFC 3659 wants UTC. Our
//     driver reports UTC modification times (LIST shows UTC as well, as
//     vsftpd does by default).
//   - RETR of a folder sent 150 and then failed; ours answers 550 first.
//   - RNTO without RNFR renamed the root folder ("" maps to the root); ours
//     answers 550.
//
// Replies and logging:
//
//   - SIZE and STAT of a missing path call the standard log package, which
//     writes to stderr (fatal for a TUI). Ours answer without logging; SIZE
//     of a folder is 550, not 213.
//   - FEAT is built from a map (random order) and leaves out SIZE, MDTM and
//     REST STREAM (jlaffaye/ftp needs MDTM in FEAT for GetTime). Its
//     multi-line replies (FEAT, MLST) separate lines with a bare LF. Ours
//     write CRLF multi-line replies, with a fixed feature list.
//   - MKD's 257 reply did not quote the path; ours does ("/path" created).
//   - The default logger writes to stderr; every session of a server shares
//     one session id. We give the library a logger that drops commands and
//     replies and log the real bytes of each control connection ourselves,
//     numbered per connection, only to Options.Log.
//   - ABOR is not implemented; ours answers 225 (transfers run on the
//     session goroutine, so an ABOR is only read after the transfer ended;
//     a client aborts by closing the data connection and gets 426).
//
// Lifecycle (demoserver.go):
//
//   - Shutdown only closes the listener: connected sessions keep running.
//     Shutdown also reads fields that Serve writes in its own goroutine (a
//     data race if called early). We wrap the listener: Start returns once
//     Serve is inside Accept (after it set those fields), so Shutdown is
//     race-free; Close then closes every control and data connection and
//     waits until each session has closed its control connection (the
//     session goroutine's last step that can block).
//   - newSessionID is called once per Serve, so ids do not tell sessions
//     apart; we key our state by the control connection's remote address.
