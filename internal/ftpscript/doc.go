// Package ftpscript is a scripted FTP server for tests: exact command
// transcripts, and faults and hostile behaviour that real daemons never
// show. It is test infrastructure, imported only from _test.go files.
//
// The server listens on 127.0.0.1:0. Every verb has a built-in handler
// that behaves like a small, lenient Unix server over an in-memory file
// system (any USER/PASS; FEAT without MLST, so clients use LIST; PASV,
// EPSV, PORT and EPRT that really work; LIST, NLST, RETR, STOR and APPE
// honouring REST; SIZE, MDTM, CWD, PWD, MKD, RMD, DELE, RNFR/RNTO; AUTH TLS,
// PBSZ, PROT). A test replaces any verb with its own Handler, and canned
// fault handlers cover the common cases.
//
//	func TestRetrPassiveElsewhere(t *testing.T) {
//		srv := ftpscript.Start(t) // closed, and its goroutines awaited, by t.Cleanup
//		srv.Files.Put("/a.txt", []byte("hello"))
//		srv.Handle("PASV", ftpscript.PassiveAt("10.9.8.7")) // listens on 127.0.0.1 anyway
//		srv.Handle("SITE", func(c *ftpscript.Conn, arg string) {
//			c.Reply("200-one", "200 two")
//		})
//
//		// ... run the client against srv.Addr() ...
//
//		want := []string{"USER anonymous", "PASS secret", "TYPE I", "PASV", "RETR a.txt", "QUIT"}
//		if got := srv.Transcript(); !slices.Equal(got, want) {
//			t.Errorf("transcript %q, want %q", got, want)
//		}
//		if dc := srv.DataConns(); len(dc) != 1 || !dc[0].Connected {
//			t.Errorf("data connections %+v", dc)
//		}
//	}
//
// To set fields (Greeting, TLS, ImplicitTLS, RequireTLSReuse, DataTimeout)
// use New, set them, then Start:
//
//	cert, pool := ftpscript.NewCert(t)
//	srv := ftpscript.New(t)
//	srv.TLS = cert
//	srv.Start()
//
// Handlers run on the control connection's goroutine, one command at a
// time. A handler that blocks must block on the Conn (Silent, Wait, Data,
// Done) so that Close, run at cleanup, can end it; Close reports handlers
// still running after 10s as a test error. A panicking handler fails the
// test (t.Errorf) and closes its connection instead of crashing the binary.
package ftpscript
