// Package trust decides whether a server's TLS certificate is accepted.
//
// A certificate is accepted when it verifies against the system roots (or
// the roots a caller supplies) for the host name, as a browser would. When
// it does not — self-signed, unknown authority, wrong name, expired — it is
// accepted only if the user pinned exactly that certificate: with
// --tls-fingerprint, with "accept always" (saved in known_certs) or with
// "accept once" (kept in memory for the life of the process). Otherwise the
// TLS handshake fails with a *CertError that carries everything a person
// needs to decide (subject, issuer, validity, SHA-256 fingerprint, reason).
// A pinned host whose certificate changed fails with Changed set: it is
// never accepted silently.
//
// The package never asks anybody anything and never skips verification:
// the UI or the command line turns a *CertError into a question or a hint.
// It imports nothing from the UI.
package trust

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fingerprint returns the SHA-256 of a certificate's DER bytes as lower
// case hex without separators (the form stored in known_certs).
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// FormatFingerprint returns a fingerprint as upper case hex pairs joined
// by colons (AB:CD:…), the form people compare by eye.
func FormatFingerprint(fp string) string {
	fp = strings.ToUpper(fp)
	var b strings.Builder
	for i := 0; i+1 < len(fp); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(fp[i : i+2])
	}
	return b.String()
}

// ParseFingerprint accepts a SHA-256 fingerprint as 64 hex digits, with or
// without colons (or spaces) between pairs, in any case, with an optional
// "sha256:" prefix, and returns the canonical form of Fingerprint.
func ParseFingerprint(s string) (string, error) {
	t := strings.TrimSpace(s)
	if len(t) >= 7 && strings.EqualFold(t[:7], "sha256:") {
		t = t[7:]
	}
	t = strings.NewReplacer(":", "", " ", "", "-", "").Replace(t)
	t = strings.ToLower(t)
	b, err := hex.DecodeString(t)
	if err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("fingerprint %q: want the SHA-256 of the certificate, 64 hex digits (colons allowed)", s)
	}
	return t, nil
}

// CertError is a server certificate that was not accepted. It says why and
// carries the details the user needs to decide whether to accept it.
type CertError struct {
	Host      string // the host name or address verified
	Port      int
	Subject   string
	Issuer    string
	NotBefore time.Time
	NotAfter  time.Time
	SHA256    string // Fingerprint of the leaf certificate
	Reason    string // why verification failed, in words
	// Changed is set when the user had accepted another certificate for
	// this host and port: possibly a man in the middle.
	Changed bool
	// Previous is the fingerprint that was accepted before (Changed).
	Previous string
	// Pinned is set when --tls-fingerprint named another certificate.
	Pinned bool
}

// Addr returns host:port.
func (e *CertError) Addr() string { return hostPort(e.Host, e.Port) }

func (e *CertError) Error() string {
	switch {
	case e.Changed:
		return fmt.Sprintf("certificate for %s CHANGED since you accepted it: was SHA-256 %s, now %s — refusing it (it may be a man in the middle; if the server's owner confirms the change, remove the old line from known_certs)",
			e.Addr(), FormatFingerprint(e.Previous), FormatFingerprint(e.SHA256))
	case e.Pinned:
		return fmt.Sprintf("certificate for %s does not match --tls-fingerprint %s: the server presented SHA-256 %s — refusing it",
			e.Addr(), FormatFingerprint(e.Previous), FormatFingerprint(e.SHA256))
	}
	return fmt.Sprintf("certificate for %s is not trusted (%s): subject %q, issuer %q, SHA-256 %s",
		e.Addr(), e.Reason, e.Subject, e.Issuer, FormatFingerprint(e.SHA256))
}

// hostPort is the key of a pin: the same form as Site.Addr.
func hostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// Verifier holds the pins: the saved known_certs (may be nil), the
// certificates accepted once in this process, and a --tls-fingerprint.
// It is safe for concurrent use; one Verifier serves every session.
type Verifier struct {
	// Roots are the trusted authorities; nil means the system roots.
	Roots *x509.CertPool
	// Fingerprint, when set (canonical form), is the only certificate
	// accepted, whatever the roots say (--tls-fingerprint).
	Fingerprint string
	// Known is the known_certs file; nil keeps pins in memory only.
	Known *Store

	mu   sync.Mutex
	once map[string]string // host:port → fingerprint accepted once
	now  func() time.Time
}

// AcceptOnce accepts the certificate with fingerprint fp for host:port
// until the process ends.
func (v *Verifier) AcceptOnce(host string, port int, fp string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.once == nil {
		v.once = map[string]string{}
	}
	v.once[hostPort(host, port)] = fp
}

// AcceptAlways pins fp for host:port in known_certs (and for this
// process), saving the file.
func (v *Verifier) AcceptAlways(host string, port int, fp string) error {
	v.AcceptOnce(host, port, fp)
	if v.Known == nil {
		return errors.New("no known_certs file to save the certificate in")
	}
	return v.Known.Add(hostPort(host, port), fp)
}

func (v *Verifier) acceptedOnce(addr string) (string, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	fp, ok := v.once[addr]
	return fp, ok
}

// VerifyConnection returns a function for tls.Config.VerifyConnection that
// checks the server of host:port (host is also the name verified). It is
// used with InsecureSkipVerify set only because Go's own check cannot fall
// back to pins; this function always verifies, on full handshakes and on
// resumed ones.
//
// roots, when not nil, replaces v.Roots for this server.
func (v *Verifier) VerifyConnection(host string, port int, roots *x509.CertPool) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		return v.Check(host, port, roots, cs.PeerCertificates)
	}
}

// Check verifies a certificate chain (leaf first) presented by host:port
// against roots (nil: v.Roots, and when that is nil too, the system roots).
func (v *Verifier) Check(host string, port int, roots *x509.CertPool, chain []*x509.Certificate) error {
	if len(chain) == 0 {
		return &CertError{Host: host, Port: port, Reason: "the server sent no certificate"}
	}
	leaf := chain[0]
	fp := Fingerprint(leaf.Raw)
	ce := &CertError{
		Host: host, Port: port,
		Subject: leaf.Subject.String(), Issuer: leaf.Issuer.String(),
		NotBefore: leaf.NotBefore, NotAfter: leaf.NotAfter, SHA256: fp,
	}
	if v.Fingerprint != "" {
		if fp == v.Fingerprint {
			return nil
		}
		ce.Pinned, ce.Previous, ce.Reason = true, v.Fingerprint, "does not match --tls-fingerprint"
		return ce
	}
	if roots == nil {
		roots = v.Roots
	}
	verr := v.verifyChain(host, roots, chain)
	if verr == nil {
		return nil
	}
	ce.Reason = reason(verr)
	addr := hostPort(host, port)
	pin, ok := "", false
	if v.Known != nil {
		pin, ok = v.Known.Lookup(addr)
	}
	if once, found := v.acceptedOnce(addr); found {
		pin, ok = once, true
	}
	if ok {
		if pin == fp {
			return nil
		}
		ce.Changed, ce.Previous = true, pin
	}
	return ce
}

func (v *Verifier) verifyChain(host string, roots *x509.CertPool, chain []*x509.Certificate) error {
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	opts := x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: inter}
	if v.now != nil {
		opts.CurrentTime = v.now()
	}
	_, err := chain[0].Verify(opts)
	return err
}

// reason words a verification error.
func reason(err error) string {
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &ua):
		if ua.Cert != nil && ua.Cert.Subject.String() == ua.Cert.Issuer.String() {
			return "self-signed: no authority you trust vouches for it"
		}
		return "signed by an unknown authority"
	case errors.As(err, &hn):
		return "issued for another name: " + hn.Error()
	case errors.As(err, &ci):
		switch ci.Reason {
		case x509.Expired:
			return "expired or not yet valid: " + ci.Error()
		case x509.NotAuthorizedToSign:
			return "signed by a certificate that may not sign others"
		}
		return ci.Error()
	}
	return err.Error()
}
