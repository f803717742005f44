package trust

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func selfSigned(t *testing.T, notAfter time.Time, ips ...net.IP) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: notAfter.Add(-48 * time.Hour), NotAfter: notAfter,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IPAddresses: ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseFingerprint(t *testing.T) {
	hex := strings.Repeat("a1", 32)
	for _, in := range []string{hex, strings.ToUpper(hex), FormatFingerprint(hex), "sha256:" + hex, " SHA256:" + FormatFingerprint(hex) + " "} {
		got, err := ParseFingerprint(in)
		if err != nil || got != hex {
			t.Errorf("ParseFingerprint(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "abc", hex[:62], hex + "00", strings.Repeat("zz", 32)} {
		if _, err := ParseFingerprint(in); err == nil {
			t.Errorf("ParseFingerprint(%q) accepted", in)
		}
	}
}

func TestCheckReasons(t *testing.T) {
	ip := net.IPv4(127, 0, 0, 1)
	good := selfSigned(t, time.Now().Add(time.Hour), ip)
	pool := x509.NewCertPool()
	pool.AddCert(good)
	v := &Verifier{}
	if err := v.Check("127.0.0.1", 21, pool, []*x509.Certificate{good}); err != nil {
		t.Fatalf("trusted: %v", err)
	}
	var ce *CertError
	if err := v.Check("127.0.0.2", 21, pool, []*x509.Certificate{good}); !errors.As(err, &ce) || !strings.Contains(ce.Reason, "another name") {
		t.Fatalf("name mismatch: %v", err)
	}
	expired := selfSigned(t, time.Now().Add(-time.Hour), ip)
	pool.AddCert(expired)
	if err := v.Check("127.0.0.1", 21, pool, []*x509.Certificate{expired}); !errors.As(err, &ce) || !strings.Contains(ce.Reason, "expired") {
		t.Fatalf("expired: %v", err)
	}
	if err := v.Check("127.0.0.1", 21, nil, []*x509.Certificate{good}); !errors.As(err, &ce) || !strings.Contains(ce.Reason, "self-signed") {
		t.Fatalf("unknown: %v", err)
	}
	// Accepted once: this exact certificate only, for this host:port only.
	v.AcceptOnce("127.0.0.1", 21, Fingerprint(good.Raw))
	if err := v.Check("127.0.0.1", 21, nil, []*x509.Certificate{good}); err != nil {
		t.Fatalf("accepted once: %v", err)
	}
	if err := v.Check("127.0.0.1", 2121, nil, []*x509.Certificate{good}); err == nil {
		t.Fatal("accepted on another port")
	}
	other := selfSigned(t, time.Now().Add(time.Hour), ip)
	if err := v.Check("127.0.0.1", 21, nil, []*x509.Certificate{other}); !errors.As(err, &ce) || !ce.Changed {
		t.Fatalf("changed: %v", err)
	}
}

func TestStoreFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg")
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	fp := strings.Repeat("0b", 32)
	if err := s.Add("[::1]:990", fp); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("ftp.example.com:21", fp); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(s.Path())
	if !strings.Contains(string(b), "ftp.example.com:21 sha256:"+fp+"\n") || !strings.Contains(string(b), "[::1]:990 sha256:") {
		t.Fatalf("file:\n%s", b)
	}
	s2, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := s2.Lookup("[::1]:990"); !ok || got != fp {
		t.Fatalf("lookup: %q %v", got, ok)
	}
	if err := os.WriteFile(s.Path(), []byte("# c\nhost:21 sha256:"+fp+"\nbroken line here\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenStore(dir); err == nil || !strings.Contains(err.Error(), ":3:") {
		t.Fatalf("bad line: %v", err)
	}
}
