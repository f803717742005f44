package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer/trust"
)

// TestHeadlessCertificate: an unknown certificate makes a headless command
// exit 1 naming the fingerprint and the flag; --tls-fingerprint with it
// (colons or not) succeeds; another fingerprint, or a known_certs pin that
// no longer matches, is refused before USER.
func TestHeadlessCertificate(t *testing.T) {
	srv := ftpscript.New(t)
	cert, _ := ftpscript.NewCert(t)
	srv.TLS = cert
	srv.Start()
	srv.Files.Put("/hello.txt", []byte("hi"))
	fp := trust.Fingerprint(cert.Certificate[0])
	cfg := t.TempDir()
	u := fmt.Sprintf("ftpes://bob:pw@%s/", srv.Addr())

	code, _, stderr := run(t, "ls", "--config", cfg, u)
	if code != 1 || !strings.Contains(stderr, "is not trusted") || !strings.Contains(stderr, "--tls-fingerprint "+fp) ||
		!strings.Contains(stderr, trust.FormatFingerprint(fp)) || !strings.Contains(stderr, "subject:  CN=ftpscript test server") {
		t.Fatalf("unknown certificate: exit %d\n%s", code, stderr)
	}
	for _, spelling := range []string{fp, trust.FormatFingerprint(fp)} {
		code, stdout, stderr := run(t, "ls", "--config", cfg, "--tls-fingerprint", spelling, u)
		if code != 0 || !strings.Contains(stdout, "hello.txt") {
			t.Fatalf("--tls-fingerprint %s: exit %d\n%s%s", spelling, code, stdout, stderr)
		}
	}
	users := func() int {
		n := 0
		for _, l := range srv.Transcript() {
			if strings.HasPrefix(l, "USER") {
				n++
			}
		}
		return n
	}
	before := users()
	code, _, stderr = run(t, "ls", "--config", cfg, "--tls-fingerprint", strings.Repeat("1", 64), u)
	if code != 1 || !strings.Contains(stderr, "does not match --tls-fingerprint") {
		t.Fatalf("wrong fingerprint: exit %d\n%s", code, stderr)
	}
	if err := os.WriteFile(filepath.Join(cfg, "known_certs"), []byte(srv.Addr()+" sha256:"+strings.Repeat("2", 64)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, "ls", "--config", cfg, u)
	if code != 1 || !strings.Contains(stderr, "CHANGED since you accepted it") {
		t.Fatalf("changed pin: exit %d\n%s", code, stderr)
	}
	if users() != before {
		t.Fatalf("USER sent after a refused certificate: %q", srv.Transcript())
	}
	if code, _, stderr := run(t, "ls", "--tls-fingerprint", "nothex", u); code != 2 {
		t.Fatalf("bad fingerprint: exit %d\n%s", code, stderr)
	}
}
