package transfer_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
	"ftpdeck/transfer/trust"
)

// tlsServer starts a scripted server with a fresh certificate; setup runs
// before Start.
func tlsServer(t *testing.T, setup func(*ftpscript.Server)) (*ftpscript.Server, *tls509) {
	t.Helper()
	srv := ftpscript.New(t)
	cert, pool := ftpscript.NewCert(t)
	srv.TLS = cert
	if setup != nil {
		setup(srv)
	}
	srv.Start()
	return srv, &tls509{pool: pool, fp: trust.Fingerprint(cert.Certificate[0])}
}

// tls509 is what a test knows about the server's certificate.
type tls509 struct {
	pool *x509.CertPool
	fp   string
}

// noCredentials fails the test when USER or PASS reached the server.
func noCredentials(t *testing.T, srv *ftpscript.Server) {
	t.Helper()
	for _, l := range srv.Transcript() {
		if strings.HasPrefix(strings.ToUpper(l), "USER") || strings.HasPrefix(strings.ToUpper(l), "PASS") {
			t.Fatalf("%q was sent; transcript %q", l, srv.Transcript())
		}
	}
}

// TestTLSDowngradeStopsBeforeLogin: when TLS was asked for and the server
// refuses AUTH TLS, pipelines bytes after its 234, or refuses PROT P, the
// connection ends before USER and PASS are sent.
func TestTLSDowngradeStopsBeforeLogin(t *testing.T) {
	cases := []struct {
		name  string
		setup func(*ftpscript.Server)
		want  string
	}{
		{"auth refused", func(s *ftpscript.Server) { s.Handle("AUTH", ftpscript.Reply("534 Policy requires clear text")) }, "refused AUTH TLS"},
		{"auth unknown", func(s *ftpscript.Server) { s.Handle("AUTH", ftpscript.Reply("500 AUTH not understood")) }, "refused AUTH TLS"},
		{"234 with pipelined bytes", func(s *ftpscript.Server) { s.Handle("AUTH", ftpscript.AuthPipelined("200 injected\r\n")) }, "possible injection"},
		{"PBSZ refused", func(s *ftpscript.Server) { s.Handle("PBSZ", ftpscript.Reply("500 no")) }, "refused PBSZ 0"},
		{"PROT P refused", func(s *ftpscript.Server) { s.Handle("PROT", ftpscript.Reply("536 PROT P not supported")) }, "refused PROT P"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, crt := tlsServer(t, tc.setup)
			_, _, rec, err := dialScripted(t, srv, func(s *transfer.Site) {
				s.TLS = transfer.TLSExplicit
				s.Trust = &trust.Verifier{Roots: crt.pool}
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("dial: %v, want an error with %q\nlog:\n%s", err, tc.want, rec.text())
			}
			noCredentials(t, srv)
			if strings.Contains(rec.text(), "s3cret") {
				t.Fatal("password in the log")
			}
		})
	}
}

// TestTLSCertificateRefusals: an unknown certificate, one that does not
// match --tls-fingerprint, and a pinned one that changed all stop the
// connection before USER with a *CertError carrying the details.
func TestTLSCertificateRefusals(t *testing.T) {
	t.Run("unknown", func(t *testing.T) {
		srv, crt := tlsServer(t, nil)
		_, _, rec, err := dialScripted(t, srv, func(s *transfer.Site) { s.TLS = transfer.TLSExplicit })
		var ce *transfer.CertError
		if !errors.As(err, &ce) {
			t.Fatalf("dial: %v, want a CertError\n%s", err, rec.text())
		}
		if ce.SHA256 != crt.fp || ce.Changed || ce.Pinned || ce.Subject != "CN=ftpscript test server" ||
			!strings.Contains(ce.Reason, "self-signed") || ce.Port != srv.Port() || ce.NotAfter.IsZero() {
			t.Fatalf("CertError %+v", ce)
		}
		noCredentials(t, srv)
	})
	t.Run("wrong fingerprint", func(t *testing.T) {
		srv, crt := tlsServer(t, func(s *ftpscript.Server) { s.ImplicitTLS = true })
		other := strings.Repeat("ab", 32)
		// Even a certificate the roots trust is refused when the user named
		// another one.
		_, _, _, err := dialScripted(t, srv, func(s *transfer.Site) {
			s.TLS = transfer.TLSImplicit
			s.Trust = &trust.Verifier{Roots: crt.pool, Fingerprint: other}
		})
		var ce *transfer.CertError
		if !errors.As(err, &ce) || !ce.Pinned || !strings.Contains(err.Error(), "does not match --tls-fingerprint") {
			t.Fatalf("dial: %v", err)
		}
		noCredentials(t, srv)
	})
	t.Run("pinned certificate changed", func(t *testing.T) {
		srv, crt := tlsServer(t, nil)
		dir := t.TempDir()
		old := strings.Repeat("0f", 32)
		line := fmt.Sprintf("%s sha256:%s\n", srv.Addr(), trust.FormatFingerprint(old))
		if err := os.WriteFile(filepath.Join(dir, trust.KnownCertsFile), []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
		store, err := trust.OpenStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		_, _, rec, err := dialScripted(t, srv, func(s *transfer.Site) {
			s.TLS = transfer.TLSExplicit
			s.Trust = &trust.Verifier{Known: store}
		})
		var ce *transfer.CertError
		if !errors.As(err, &ce) || !ce.Changed || ce.Previous != old || ce.SHA256 != crt.fp {
			t.Fatalf("dial: %v (%+v)", err, ce)
		}
		if !strings.Contains(err.Error(), "CHANGED since you accepted it") || !strings.Contains(rec.text(), "CHANGED") {
			t.Fatalf("not loud enough: %v\n%s", err, rec.text())
		}
		noCredentials(t, srv)
	})
}

// TestTLSCertificateAcceptance: the right --tls-fingerprint (any spelling)
// is accepted; accepting once works for the process; accepting always
// writes known_certs 0600 in a 0700 folder, and a fresh verifier reading it
// accepts the server.
func TestTLSCertificateAcceptance(t *testing.T) {
	srv, crt := tlsServer(t, nil)
	tlsSite := func(v *trust.Verifier) func(*transfer.Site) {
		return func(s *transfer.Site) { s.TLS = transfer.TLSExplicit; s.Trust = v }
	}
	for _, spelling := range []string{crt.fp, trust.FormatFingerprint(crt.fp), "SHA256:" + strings.ToUpper(crt.fp)} {
		fp, err := trust.ParseFingerprint(spelling)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, rec, err := dialScripted(t, srv, tlsSite(&trust.Verifier{Fingerprint: fp})); err != nil {
			t.Fatalf("fingerprint %s: %v\n%s", spelling, err, rec.text())
		}
	}

	dir := filepath.Join(t.TempDir(), "cfg")
	store, err := trust.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	v := &trust.Verifier{Known: store}
	_, _, _, err = dialScripted(t, srv, tlsSite(v))
	var ce *transfer.CertError
	if !errors.As(err, &ce) {
		t.Fatalf("dial: %v", err)
	}
	v.AcceptOnce(ce.Host, ce.Port, ce.SHA256)
	if _, _, rec, err := dialScripted(t, srv, tlsSite(v)); err != nil {
		t.Fatalf("after accept once: %v\n%s", err, rec.text())
	}
	if _, err := os.Stat(store.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("accept once wrote known_certs: %v", err)
	}
	if _, _, _, err := dialScripted(t, srv, tlsSite(&trust.Verifier{Known: store})); !errors.As(err, &ce) {
		t.Fatalf("another verifier accepted a certificate accepted once elsewhere: %v", err)
	}

	if err := v.AcceptAlways(ce.Host, ce.Port, ce.SHA256); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{store.Path(): 0o600, dir: 0o700} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != want {
			t.Fatalf("%s: %v %v, want %v", p, fi.Mode().Perm(), err, want)
		}
	}
	again, err := trust.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, rec, err := dialScripted(t, srv, tlsSite(&trust.Verifier{Known: again})); err != nil {
		t.Fatalf("after accept always: %v\n%s", err, rec.text())
	}
}

// TestTLSReuseRequiredScripted: against a scripted server that refuses a
// data connection not resuming the session, implicit and explicit TLS,
// passive and active, 1.2 and 1.3: every data connection resumes.
func TestTLSReuseRequiredScripted(t *testing.T) {
	for _, ver := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		for _, implicit := range []bool{false, true} {
			for _, mode := range []transfer.Mode{transfer.Passive, transfer.Active} {
				t.Run(fmt.Sprintf("%s/implicit=%v/%s", tls.VersionName(ver), implicit, mode), func(t *testing.T) {
					reuseScripted(t, ver, implicit, mode)
				})
			}
		}
	}
}

func reuseScripted(t *testing.T, ver uint16, implicit bool, mode transfer.Mode) {
	srv, crt := tlsServer(t, func(s *ftpscript.Server) {
		s.ImplicitTLS = implicit
		s.RequireTLSReuse = true
	})
	srv.Files.Put("/a.txt", []byte("hello over tls"))
	_, c, rec, err := dialScripted(t, srv, func(s *transfer.Site) {
		s.TLS = transfer.TLSExplicit
		if implicit {
			s.TLS = transfer.TLSImplicit
		}
		s.Mode = mode
		s.Trust = &trust.Verifier{Roots: crt.pool}
		s.TLSConfig = &tls.Config{MinVersion: ver, MaxVersion: ver}
	})
	if err != nil {
		t.Fatalf("dial: %v\n%s", err, rec.text())
	}
	ctx := context.Background()
	const n = 10
	for i := 0; i < n; i++ {
		var got bytes.Buffer
		if _, err := c.Retrieve(ctx, "/a.txt", 0, &got, nil); err != nil || got.String() != "hello over tls" {
			t.Fatalf("get %d: %q %v\n%s", i, got.String(), err, rec.text())
		}
		if _, err := c.Store(ctx, fmt.Sprintf("/up%d", i), 0, strings.NewReader("up"), nil); err != nil {
			t.Fatalf("put %d: %v\n%s", i, err, rec.text())
		}
	}
	dcs := srv.WaitDataConns(2*n, 0)
	resumed := 0
	for _, d := range dcs {
		if d.TLS && d.DidResume {
			resumed++
		}
	}
	if len(dcs) != 2*n || resumed != 2*n {
		t.Fatalf("%d data connections, %d resumed; want %d\n%s", len(dcs), resumed, 2*n, rec.text())
	}
	if got := strings.Count(rec.text(), "tls: data connection resumed the session ("+tls.VersionName(ver)+")"); got != 2*n {
		t.Fatalf("%d resume notes, want %d\n%s", got, 2*n, rec.text())
	}
}

// TestTLSNoReuseExplained: a data connection that does not resume (tickets
// switched off here) is refused by a server requiring reuse, and the error
// says so instead of blaming a firewall.
func TestTLSNoReuseExplained(t *testing.T) {
	srv, crt := tlsServer(t, func(s *ftpscript.Server) { s.RequireTLSReuse = true })
	srv.Files.Put("/a.txt", []byte("x"))
	_, c, rec, err := dialScripted(t, srv, func(s *transfer.Site) {
		s.TLS = transfer.TLSExplicit
		s.Trust = &trust.Verifier{Roots: crt.pool}
		s.TLSConfig = &tls.Config{SessionTicketsDisabled: true}
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Retrieve(context.Background(), "/a.txt", 0, &bytes.Buffer{}, nil)
	if err == nil || !strings.Contains(err.Error(), "did not resume the control connection's TLS session") {
		t.Fatalf("retrieve: %v\n%s", err, rec.text())
	}
	if !strings.Contains(rec.text(), "tls: data connection did NOT resume the session (TLS 1.3)") {
		t.Fatalf("no note:\n%s", rec.text())
	}
}

// TestTLSProtectionInOneWrite: PBSZ and PROT go out together, and USER
// only after PROT's answer (credentials only to a server that accepted
// protection). A server that answers PBSZ and loses the PROT written with
// it is dialed again, one command at a time, and the login succeeds.
func TestTLSProtectionInOneWrite(t *testing.T) {
	for _, lost := range []bool{false, true} {
		t.Run(fmt.Sprint("PROT lost ", lost), func(t *testing.T) {
			srv, crt := tlsServer(t, func(s *ftpscript.Server) {
				if lost {
					s.Handle("PBSZ", func(c *ftpscript.Conn, arg string) {
						c.DropBuffered()
						c.Builtin(arg)
					})
				}
			})
			_, c, rec, err := dialScripted(t, srv, func(s *transfer.Site) {
				s.TLS = transfer.TLSExplicit
				s.Trust = &trust.Verifier{Roots: crt.pool}
				s.Timeout = 500 * time.Millisecond
			})
			if err != nil {
				t.Fatalf("dial: %v\n%s", err, rec.text())
			}
			if dir, err := c.CurrentDir(context.Background()); err != nil || dir != "/" {
				t.Fatalf("PWD: %q %v\n%s", dir, err, rec.text())
			}
			log := rec.text()
			if lost {
				if !strings.Contains(log, "one command at a time") {
					t.Errorf("no fallback after the lost PROT:\n%s", log)
				}
				return
			}
			pbszAnswer := strings.Index(log, "< 200 PBSZ")
			prot, protAnswer, user := strings.Index(log, "> PROT P"), strings.Index(log, "< 200 PROT"), strings.Index(log, "> USER")
			if pbszAnswer < 0 || prot < 0 || prot > pbszAnswer {
				t.Errorf("PROT P not sent before PBSZ's answer:\n%s", log)
			}
			if protAnswer < 0 || user < protAnswer {
				t.Errorf("USER sent before PROT's answer:\n%s", log)
			}
		})
	}
}
