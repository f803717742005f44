package transfer

import (
	"crypto/tls"

	"ftpdeck/transfer/trust"
)

// tlsConfig returns the TLS client configuration for this site: the base
// settings with ServerName set, so the session cache key matches between
// the control connection and every data connection, and the site's trust
// rules. Go's own verification is replaced, never skipped: VerifyConnection
// checks the chain against the roots and the host name, then the pins
// (known_certs, accepted once, --tls-fingerprint), on every handshake,
// resumed ones included.
func (s *Session) tlsConfig() *tls.Config {
	var cfg *tls.Config
	if s.site.TLSConfig != nil {
		cfg = s.site.TLSConfig.Clone()
	} else {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = s.site.Host
	}
	v := s.site.Trust
	if v == nil {
		v = &trust.Verifier{}
	}
	// Not a skip: VerifyConnection below does the verification, with the
	// pins as a fallback that Go's built-in check cannot offer.
	cfg.InsecureSkipVerify = true
	cfg.VerifyConnection = v.VerifyConnection(cfg.ServerName, s.site.Port, cfg.RootCAs)
	return cfg
}
