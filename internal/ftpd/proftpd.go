package ftpd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// proftpdModules is where Debian installs proftpd's loadable modules.
const proftpdModules = "/usr/lib/proftpd"

var proftpdFlavour = flavour{
	bin:     "proftpd",
	prepare: prepareProftpd,
	// -n: stay in the foreground; -c: our file only, nothing from /etc.
	args: func(d *Daemon, _ Options) []string {
		return []string{"-n", "-c", filepath.Join(d.Dir, "proftpd.conf")}
	},
	// The port changes between start attempts; the file reads it from the
	// environment (%{env:...}).
	env: func(d *Daemon, _ Options) []string {
		return []string{fmt.Sprintf("FTPDECK_FTPD_PORT=%d", d.Port)}
	},
}

func prepareProftpd(t testing.TB, d *Daemon, opts Options) {
	t.Helper()
	if opts.TLS != nil {
		if _, err := os.Stat(filepath.Join(proftpdModules, "mod_tls.so")); err != nil {
			SkipOrFail(t, "ftpd: proftpd TLS needs %s/mod_tls.so, shipped by the Debian package proftpd-mod-crypto (not installed)", proftpdModules)
		}
	}
	writeFile(t, filepath.Join(d.Dir, "ftpd.passwd"),
		fmt.Sprintf("%s:%s:%d:%d::%s:/usr/sbin/nologin\n", d.User, sha512Crypt(t), d.uid, d.gid, d.Root), 0o600)
	writeFile(t, filepath.Join(d.Dir, "ftpd.group"),
		fmt.Sprintf("%s:x:%d:%s\n", d.User, d.gid, d.User), 0o600)
	writeFile(t, filepath.Join(d.Dir, "proftpd.conf"), proftpdConf(t, d, opts), 0o600)
	d.logs = append(d.logs, filepath.Join(d.Dir, "proftpd.log"), filepath.Join(d.Dir, "tls.log"))
}

func proftpdConf(t testing.TB, d *Daemon, opts Options) string {
	t.Helper()
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line(`ServerName "ftpdeck test proftpd"`)
	line("ServerType standalone")
	line("DefaultServer on")
	line("DefaultAddress %s", d.Host)
	line("SocketBindTight on")
	line("Port %%{env:FTPDECK_FTPD_PORT}")
	line("UseIPv6 off")
	line("User nobody")
	line("Group nogroup")
	line("Umask 022")
	line("MaxInstances 50")
	line("PidFile %s", filepath.Join(d.Dir, "proftpd.pid"))
	line("ScoreboardFile %s", filepath.Join(d.Dir, "proftpd.scoreboard"))
	line("SystemLog %s", filepath.Join(d.Dir, "proftpd.log"))
	line("TransferLog %s", filepath.Join(d.Dir, "xferlog"))
	line("WtmpLog off")
	line("<IfModule mod_ident.c>\n  IdentLookups off\n</IfModule>")
	line("UseReverseDNS off")
	line("DelayEngine off")
	line("<IfModule mod_ctrls.c>\n  ControlsEngine off\n</IfModule>")
	line("<IfModule mod_auth_pam.c>\n  AuthPAM off\n</IfModule>")
	line("AuthOrder mod_auth_file.c")
	line("AuthUserFile %s", filepath.Join(d.Dir, "ftpd.passwd"))
	line("AuthGroupFile %s", filepath.Join(d.Dir, "ftpd.group"))
	line("RequireValidShell off")
	if !opts.NoChroot {
		line("DefaultRoot ~")
	}
	line("AllowForeignAddress on")
	line("PassivePorts %d %d", d.PassivePorts[0], d.PassivePorts[1])
	if d.PASVAddress != d.Host {
		line("MasqueradeAddress %s", d.PASVAddress)
	}
	idle := 120
	if opts.IdleTimeout > 0 {
		idle = int(opts.IdleTimeout.Seconds())
	}
	line("TimeoutIdle %d", idle)
	line("TimeoutNoTransfer %d", idle)
	if opts.MaxPerIP > 0 {
		line("MaxClientsPerHost %d", opts.MaxPerIP) // 530 "Sorry, the maximum number of clients (2) from your host are already connected."
	}
	line("AllowOverwrite on")
	line("AllowStoreRestart on")
	line("AllowRetrieveRestart on")
	if opts.Hashes {
		line("ModulePath %s", proftpdModules)
		line("LoadModule mod_digest.c")
		line("DigestEngine on")
		line("DigestAlgorithms all")
	}
	if opts.DisablePORT {
		line("<Limit PORT EPRT>\n  DenyAll\n</Limit>")
	}
	if opts.DisablePASV {
		line("<Limit PASV EPSV>\n  DenyAll\n</Limit>")
	}
	if tls := opts.TLS; tls != nil {
		line("ModulePath %s", proftpdModules)
		line("LoadModule mod_tls.c")
		line("TLSEngine on")
		line("TLSLog %s", filepath.Join(d.Dir, "tls.log"))
		protos := "TLSv1.2 TLSv1.3"
		if tls.MinVersion != "" || tls.MaxVersion != "" {
			protos = proftpdProtocols(t, tls.MinVersion, tls.MaxVersion)
		}
		line("TLSProtocol %s", protos)
		line("TLSRSACertificateFile %s", tls.CertFile)
		line("TLSRSACertificateKeyFile %s", tls.KeyFile)
		line("TLSVerifyClient off")
		// proftpd requires data connections to resume the control
		// session by default (no NoSessionReuseRequired here). Under TLS
		// 1.2 a client can resume by session ID or by ticket; proftpd
		// issues no tickets unless told, and Go's TLS client resumes only
		// with tickets (as do many others), so they are switched on.
		line("TLSSessionTickets on")
		if tls.Implicit {
			line("TLSOptions UseImplicitSSL")
		}
		if tls.Require {
			line("TLSRequired on")
		} else {
			line("TLSRequired off")
		}
	}
	return b.String()
}

// proftpdProtocols lists the TLSProtocol names between min and max.
func proftpdProtocols(t testing.TB, min, max string) string {
	t.Helper()
	all := []string{"1.0", "1.1", "1.2", "1.3"}
	lo, hi := 0, len(all)-1
	for i, v := range all {
		if v == min {
			lo = i
		}
		if v == max {
			hi = i
		}
	}
	var out []string
	for _, v := range all[lo : hi+1] {
		out = append(out, opensslProtocol(t, v))
	}
	return strings.Join(out, " ")
}
