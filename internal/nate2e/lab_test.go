//go:build linux

// Package nate2e runs the built ftpdeck binary as a user behind a NAT
// would, in the lab of internal/natlab: the client in its private
// network, the server outside, real daemons, and asserts the bytes that
// arrive, the time taken and the words on stderr.
package nate2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/internal/natlab"
)

// binary is the ftpdeck built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ftpdeck-nate2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The lab's namespaces run the binary with ip netns exec: a folder
	// every user can enter.
	_ = os.Chmod(dir, 0o755)
	binary = filepath.Join(dir, "ftpdeck")
	cmd := exec.Command("go", "build", "-o", binary, "ftpdeck")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// setup is one lab with one server holding file.
type setup struct {
	lab    *natlab.Lab
	d      *ftpd.Daemon
	data   []byte // the content of nat.bin on the server
	fp     string // the server certificate's SHA-256, with TLS
	config string // --config folder
	out    string // the download folder
}

// serverOpts is how a case's server differs.
type serverOpts struct {
	kind        ftpd.Kind
	tls         bool
	pasvAddress string
}

// newSetup builds the lab and starts the server with nat.bin (256 KiB of
// random bytes: several buffers, so a cut-short transfer shows).
func newSetup(t *testing.T, so serverOpts) *setup {
	t.Helper()
	s := &setup{lab: natlab.Start(t), config: t.TempDir(), out: t.TempDir()}
	opts := ftpd.Options{PASVAddress: so.pasvAddress}
	if so.tls {
		cert, key, fp := serverCert(t)
		opts.TLS = &ftpd.TLSOptions{CertFile: cert, KeyFile: key, Require: true}
		s.fp = fp
	}
	kind := so.kind
	if kind == "" {
		kind = ftpd.Vsftpd
	}
	s.d = s.lab.StartServer(t, kind, opts)
	s.data = make([]byte, 256<<10)
	for i := range s.data {
		s.data[i] = byte(mrand.IntN(256))
	}
	s.d.WriteFile(t, "nat.bin", s.data)
	return s
}

// url returns the URL of nat.bin: ftp://, or ftpes:// with TLS.
func (s *setup) url() string {
	u := url.URL{Scheme: "ftp", User: url.UserPassword(s.d.User, s.d.Password),
		Host: net.JoinHostPort(s.d.Host, strconv.Itoa(s.d.Port)), Path: "/nat.bin"}
	if s.fp != "" {
		u.Scheme = "ftpes"
	}
	return u.String()
}

// result is one run of ftpdeck.
type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

// run runs ftpdeck in the client's namespace with the lab's config
// folder (and the certificate's fingerprint with TLS).
func (s *setup) run(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	all := append([]string{"--config", s.config, "--state", filepath.Join(s.config, "state")}, args...)
	if s.fp != "" {
		all = append([]string{"--tls-fingerprint", s.fp}, all...)
	}
	cmd := s.lab.Command(ctx, s.lab.Client, binary, all...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + s.config, "LANG=C"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("ftpdeck %q: %v\n%s", args, err, stderr.String())
	}
	t.Logf("ftpdeck %q: exit %d in %s\nstderr:\n%s", args, r.code, r.took.Round(time.Millisecond), r.stderr)
	return r
}

// writeConfig writes config.toml in the lab's config folder.
func (s *setup) writeConfig(t *testing.T, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(s.config, "config.toml"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// target is the downloaded file's path.
func (s *setup) target() string { return filepath.Join(s.out, "nat.bin") }

// arrived fails the test unless nat.bin arrived whole and no .part is left.
func (s *setup) arrived(t *testing.T) {
	t.Helper()
	got, err := os.ReadFile(s.target())
	if err != nil {
		t.Fatalf("nat.bin did not arrive: %v", err)
	}
	if !bytes.Equal(got, s.data) {
		t.Fatalf("nat.bin arrived with %d bytes, not the server's %d", len(got), len(s.data))
	}
	s.noPart(t)
}

// nothing fails the test if nat.bin or its .part is there.
func (s *setup) nothing(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(s.target()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("nat.bin exists after a failed run: %v", err)
	}
	s.noPart(t)
}

func (s *setup) noPart(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(s.target() + ".part"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("nat.bin.part left behind: %v", err)
	}
}

// serverCert writes a self-signed certificate for the lab's server
// address and returns its files and SHA-256 fingerprint.
func serverCert(t *testing.T) (certFile, keyFile, fingerprint string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "natlab server"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.IP(natlab.ServerAddr.AsSlice())},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	return certFile, keyFile, hex.EncodeToString(sum[:])
}
