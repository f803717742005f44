package ftpd

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
)

var pureFlavour = flavour{
	bin:     "pure-ftpd",
	prepare: preparePure,
	args:    pureArgs,
	env:     opensslEnv,
}

// preparePure makes the PureDB virtual user and, for TLS, the OpenSSL file.
func preparePure(t testing.TB, d *Daemon, opts Options) {
	t.Helper()
	if opts.DisablePORT {
		t.Skip("ftpd: pure-ftpd has no option to refuse PORT/EPRT (only a client's EPSV ALL does)")
	}
	if opts.TLS != nil && opts.TLS.Implicit {
		t.Skip("ftpd: pure-ftpd has no implicit TLS mode (only AUTH TLS)")
	}
	pw, err := LookPath("pure-pw")
	if err != nil {
		SkipOrFail(t, "pure-pw not installed: %v", err)
	}
	// The passwd line is written here rather than by "pure-pw useradd":
	// that one hashes with argon2id at a cost that makes every login take
	// seconds; pure-ftpd accepts any crypt(3) hash.
	// pure-ftpd chroots virtual users; "/./" in the home folder says
	// where: ROOT/./ chroots to ROOT, /./ROOT chroots to "/" and starts in
	// ROOT (no chroot in effect).
	home := d.Root + "/./"
	if opts.NoChroot {
		home = "/." + d.Root
	}
	passwd := filepath.Join(d.Dir, "pureftpd.passwd")
	writeFile(t, passwd, fmt.Sprintf("%s:%s:%d:%d::%s::::::::::::\n",
		d.User, sha512Crypt(t), d.uid, d.gid, home), 0o600)
	if out, err := exec.Command(pw, "mkdb", filepath.Join(d.Dir, "pureftpd.pdb"), "-f", passwd).CombinedOutput(); err != nil {
		t.Fatalf("ftpd: pure-pw mkdb: %v: %s", err, out)
	}
	if opts.TLS != nil {
		writeOpenSSLConf(t, d, opts.TLS)
	}
	d.logs = append(d.logs, filepath.Join(d.Dir, "pure-ftpd.xfer"))
}

func pureArgs(d *Daemon, opts Options) []string {
	args := []string{
		"-S", fmt.Sprintf("%s,%d", d.Host, d.Port),
		"-4",                                                   // IPv4 only
		"-l", "puredb:" + filepath.Join(d.Dir, "pureftpd.pdb"), // virtual user
		"-E",      // no anonymous logins
		"-A",      // chroot everyone
		"-u", "1", // the test user is a system user (uid < 1000)
		"-H", // no reverse DNS
		"-p", fmt.Sprintf("%d:%d", d.PassivePorts[0], d.PassivePorts[1]),
		"-P", d.PASVAddress,
		"-O", "clf:" + filepath.Join(d.Dir, "pure-ftpd.xfer"),
		"-d", // verbose (to syslog, when there is one)
	}
	if opts.IdleTimeout > 0 {
		args = append(args, "-I", fmt.Sprint(max(1, int(opts.IdleTimeout.Minutes()))))
	}
	if opts.MaxPerIP > 0 {
		args = append(args, "-C", fmt.Sprint(opts.MaxPerIP))
	}
	if opts.DisablePASV {
		args = append(args, "-N") // "NAT mode": force active, PASV/EPSV refused
	}
	if tls := opts.TLS; tls != nil {
		level := "1"
		if tls.Require {
			level = "3"
		}
		args = append(args, "-Y", level, "-2", tls.CertFile+","+tls.KeyFile)
	}
	return args
}
