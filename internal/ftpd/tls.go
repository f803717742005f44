package ftpd

import (
	"fmt"
	"path/filepath"
	"testing"
)

// opensslProtocol maps "1.2" to OpenSSL's "TLSv1.2".
func opensslProtocol(t testing.TB, v string) string {
	t.Helper()
	switch v {
	case "1.0":
		return "TLSv1"
	case "1.1", "1.2", "1.3":
		return "TLSv" + v
	}
	t.Fatalf("ftpd: unknown TLS version %q (want 1.0, 1.1, 1.2 or 1.3)", v)
	return ""
}

// writeOpenSSLConf writes an OpenSSL configuration whose system_default
// section carries the TLS version limits. vsftpd 3.0.3 and pure-ftpd have
// no directive for a minimum or maximum TLS version, but both build their
// SSL_CTX with OpenSSL's defaults, which read $OPENSSL_CONF (see
// opensslEnv).
func writeOpenSSLConf(t testing.TB, d *Daemon, tls *TLSOptions) {
	t.Helper()
	conf := "openssl_conf = ftpdeck_conf\n\n[ftpdeck_conf]\nssl_conf = ftpdeck_ssl\n\n" +
		"[ftpdeck_ssl]\nsystem_default = ftpdeck_tls\n\n[ftpdeck_tls]\n"
	if tls.MinVersion != "" {
		conf += fmt.Sprintf("MinProtocol = %s\n", opensslProtocol(t, tls.MinVersion))
	}
	if tls.MaxVersion != "" {
		conf += fmt.Sprintf("MaxProtocol = %s\n", opensslProtocol(t, tls.MaxVersion))
	}
	writeFile(t, filepath.Join(d.Dir, "openssl.cnf"), conf, 0o644)
}

// opensslEnv points OpenSSL at the file written by writeOpenSSLConf.
func opensslEnv(d *Daemon, opts Options) []string {
	if opts.TLS == nil {
		return nil
	}
	return []string{"OPENSSL_CONF=" + filepath.Join(d.Dir, "openssl.cnf")}
}
