package transfer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
	"ftpdeck/transfer/trust"
)

// certFiles writes a fresh certificate for 127.0.0.1 (and its key) as PEM
// files and returns their paths and a pool that trusts it.
func certFiles(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	cert, pool := ftpscript.NewCert(t)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeFile(t, certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}))
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	return certFile, keyFile, pool
}

// tlsCase is one daemon and TLS setting of TestFTPSDaemons.
type tlsCase struct {
	kind     ftpd.Kind
	version  string // "1.2" or "1.3": both min and max
	implicit bool
	// resumes says whether the daemon lets a data connection resume the
	// control session at this version (pure-ftpd sends no TLS 1.3
	// tickets, so its data connections cannot resume under 1.3).
	resumes bool
}

// TestFTPSDaemons is issue #7's acceptance test: against real daemons with
// a certificate made here, over explicit (and implicit where the daemon
// has it) TLS 1.2 and 1.3, in passive then active mode on one connection:
// put 20 files, list, get them back with equal SHA-256; every data
// connection is TLS and, where the server can, resumes the session (vsftpd
// runs with require_ssl_reuse=YES and proftpd requires reuse by default,
// so a connection that did not resume would fail there).
func TestFTPSDaemons(t *testing.T) {
	cases := []tlsCase{
		{ftpd.Vsftpd, "1.2", false, true},
		{ftpd.Vsftpd, "1.3", false, true},
		{ftpd.Vsftpd, "1.3", true, true},
		{ftpd.PureFTPd, "1.2", false, true},
		{ftpd.PureFTPd, "1.3", false, false},
		{ftpd.ProFTPD, "1.2", false, true},
		{ftpd.ProFTPD, "1.3", false, true},
		{ftpd.ProFTPD, "1.3", true, true},
	}
	for _, tc := range cases {
		name := fmt.Sprintf("%s/TLS%s", tc.kind, tc.version)
		if tc.implicit {
			name += "/implicit"
		}
		t.Run(name, func(t *testing.T) {
			d, sess, rec := tlsDaemonSession(t, tc.kind, tc.version, tc.implicit, 10000)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			c, err := sess.Dial(ctx)
			if err != nil {
				t.Fatalf("dial: %v\nlog:\n%s", err, rec.text())
			}
			defer c.Close()

			const files = 20
			dataConns := 0
			for _, mode := range []transfer.Mode{transfer.Passive, transfer.Active} {
				sess.SetMode(mode)
				dir := "/" + mode.String()
				if err := c.MakeDir(ctx, dir); err != nil {
					t.Fatalf("%s mkdir: %v", mode, err)
				}
				sums := map[string][sha256.Size]byte{}
				for i := 0; i < files; i++ {
					payload := randomBytes(48<<10+i*997, uint64(i)+7)
					p := fmt.Sprintf("%s/f%02d.bin", dir, i)
					sums[p] = sha256.Sum256(payload)
					if _, err := c.Store(ctx, p, 0, bytes.NewReader(payload), nil); err != nil {
						t.Fatalf("%s put %s: %v\nlog:\n%s", mode, p, err, rec.text())
					}
					dataConns++
				}
				entries, err := c.List(ctx, dir, false)
				dataConns++
				if err != nil || len(entries) != files {
					t.Fatalf("%s list: %d entries, %v\nlog:\n%s", mode, len(entries), err, rec.text())
				}
				for p, want := range sums {
					var got bytes.Buffer
					if _, err := c.Retrieve(ctx, p, 0, &got, nil); err != nil {
						t.Fatalf("%s get %s: %v\nlog:\n%s", mode, p, err, rec.text())
					}
					dataConns++
					if sha256.Sum256(got.Bytes()) != want {
						t.Fatalf("%s get %s: SHA-256 differs", mode, p)
					}
					if sha256.Sum256(readFile(t, d.Path(t, p))) != want {
						t.Fatalf("%s put %s: SHA-256 on the server differs", mode, p)
					}
				}
			}
			text := rec.text()
			resumed := strings.Count(text, "tls: data connection resumed the session (TLS "+tc.version+")")
			notResumed := strings.Count(text, "tls: data connection did NOT resume")
			t.Logf("%s: %d data connections, %d resumed, %d not resumed", name, dataConns, resumed, notResumed)
			if resumed+notResumed != dataConns {
				t.Errorf("%d TLS data connections noted in the log, want %d\n%s", resumed+notResumed, dataConns, text)
			}
			if tc.resumes && resumed != dataConns {
				t.Errorf("%d of %d data connections resumed the session, want all", resumed, dataConns)
			}
			if !strings.Contains(text, "tls: control connection protected (TLS "+tc.version) {
				t.Errorf("log lacks the control upgrade note:\n%s", text)
			}
			if !tc.implicit && strings.Index(text, "> AUTH TLS") > strings.Index(text, "> USER") {
				t.Errorf("USER sent before AUTH TLS:\n%s", text)
			}
		})
	}
}

// tlsDaemonSession starts a daemon of kind that requires TLS of exactly
// version (explicit, or implicit), and returns it with a session to it
// whose protocol log (logSize lines) also goes to rec.
func tlsDaemonSession(t *testing.T, kind ftpd.Kind, version string, implicit bool, logSize int) (*ftpd.Daemon, *transfer.Session, *recorder) {
	t.Helper()
	certFile, keyFile, pool := certFiles(t)
	d := ftpd.Start(t, kind, ftpd.Options{TLS: &ftpd.TLSOptions{
		CertFile: certFile, KeyFile: keyFile, Require: true,
		MinVersion: version, MaxVersion: version, Implicit: implicit,
	}})
	rec := &recorder{}
	log := transfer.NewLog(logSize)
	log.AddSink(rec)
	site := transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password,
		TLS: transfer.TLSExplicit, Timeout: 15 * time.Second, Trust: &trust.Verifier{Roots: pool}}
	if implicit {
		site.TLS = transfer.TLSImplicit
	}
	return d, transfer.NewSession(site, log), rec
}
