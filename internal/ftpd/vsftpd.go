package ftpd

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

var vsftpdFlavour = flavour{
	bin: "vsftpd",
	prepare: func(t testing.TB, d *Daemon, opts Options) {
		t.Helper()
		if opts.TLS != nil {
			writeOpenSSLConf(t, d, opts.TLS)
		}
		writeFile(t, filepath.Join(d.Dir, "vsftpd.conf"), vsftpdConf(d, opts), 0o600)
		d.logs = append(d.logs, filepath.Join(d.Dir, "vsftpd.log"))
	},
	args: func(d *Daemon, opts Options) []string {
		// The listen port is the only thing that changes between attempts;
		// vsftpd takes -oKEY=VALUE after the file.
		conf := filepath.Join(d.Dir, "vsftpd.conf")
		return []string{conf, fmt.Sprintf("-olisten_port=%d", d.Port)}
	},
	env: opensslEnv,
}

// vsftpdConf renders vsftpd.conf.
func vsftpdConf(d *Daemon, opts Options) string {
	yn := func(b bool) string {
		if b {
			return "YES"
		}
		return "NO"
	}
	var b strings.Builder
	kv := func(k, v string) { fmt.Fprintf(&b, "%s=%s\n", k, v) }
	kv("listen", "YES")
	kv("listen_ipv6", "NO")
	kv("listen_address", d.Host)
	kv("background", "NO")
	kv("seccomp_sandbox", "NO")
	// Namespaces are often unavailable in containers.
	kv("isolate", "NO")
	kv("isolate_network", "NO")
	kv("anonymous_enable", "NO")
	kv("local_enable", "YES")
	kv("write_enable", "YES")
	kv("local_umask", "022")
	kv("check_shell", "NO")
	kv("userlist_enable", "NO")
	kv("tcp_wrappers", "NO")
	kv("pam_service_name", pamService)
	kv("local_root", d.Root)
	kv("chroot_local_user", yn(!opts.NoChroot))
	kv("allow_writeable_chroot", "YES")
	kv("secure_chroot_dir", filepath.Join(d.base, "empty"))
	kv("nopriv_user", "nobody")
	kv("pasv_enable", yn(!opts.DisablePASV))
	kv("pasv_address", d.PASVAddress)
	kv("pasv_min_port", fmt.Sprint(d.PassivePorts[0]))
	kv("pasv_max_port", fmt.Sprint(d.PassivePorts[1]))
	kv("port_enable", yn(!opts.DisablePORT))
	kv("connect_from_port_20", "NO")
	kv("pasv_promiscuous", "NO")
	kv("port_promiscuous", "NO")
	kv("dirmessage_enable", "NO")
	kv("use_localtime", "NO")
	kv("xferlog_enable", "YES")
	kv("xferlog_std_format", "NO")
	kv("log_ftp_protocol", "YES")
	kv("vsftpd_log_file", filepath.Join(d.Dir, "vsftpd.log"))
	idle := "120"
	if opts.IdleTimeout > 0 {
		idle = fmt.Sprint(int(opts.IdleTimeout.Seconds()))
	}
	kv("idle_session_timeout", idle)
	kv("data_connection_timeout", "60")
	kv("max_per_ip", fmt.Sprint(opts.MaxPerIP))
	if opts.MaxRate > 0 {
		kv("local_max_rate", fmt.Sprint(opts.MaxRate))
	}
	kv("delay_failed_login", "0")
	kv("delay_successful_login", "0")
	if tls := opts.TLS; tls != nil {
		kv("ssl_enable", "YES")
		kv("rsa_cert_file", tls.CertFile)
		kv("rsa_private_key_file", tls.KeyFile)
		kv("allow_anon_ssl", "NO")
		kv("force_local_logins_ssl", yn(tls.Require))
		kv("force_local_data_ssl", yn(tls.Require))
		kv("require_ssl_reuse", "YES")
		kv("implicit_ssl", yn(tls.Implicit))
		kv("ssl_sslv2", "NO")
		kv("ssl_sslv3", "NO")
		kv("ssl_tlsv1", "YES")
		// The built-in default (DES-CBC3-SHA) is refused by modern clients.
		kv("ssl_ciphers", "HIGH")
	}
	return b.String()
}
