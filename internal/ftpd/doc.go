// Package ftpd starts real FTP daemons from Debian on loopback for tests:
// vsftpd, pure-ftpd and proftpd.
//
// # Where the daemons come from
//
// The Debian packages vsftpd, pure-ftpd and proftpd-core all declare
// "Conflicts: ftp-server", so dpkg can hold only one of them at a time.
// .ci/install-daemons.sh therefore installs proftpd-core as a package and
// unpacks the other two .debs (dpkg-deb -x) into
// $FTPDECK_DAEMONS_DIR/root (default /opt/ftpdeck-daemons/root), with
// their shared libraries installed by apt. A binary NAME is looked up as
// $FTPDECK_DAEMONS_DIR/root/usr/sbin/NAME (and .../usr/bin/NAME), then in
// $PATH, then in /usr/sbin. Nothing from the packages' /etc files is used:
// every daemon gets a generated configuration (file or flags) in
// t.TempDir(), runs in the foreground as a child of the test, and is killed
// (with its whole process group) by t.Cleanup.
//
// # Users
//
// The daemons check a real password, so a test can see 530 for a wrong
// one. Each daemon runs as root (they all need it to chroot and to switch
// user) and logs in one throwaway account, [TestUser] with [TestPassword]:
//
//   - a system user ftpdeck-test (useradd -r -M, shell /usr/sbin/nologin)
//     is created once per machine, under an flock on /tmp so concurrent test
//     binaries are safe; its password is set with chpasswd. Its uid and gid
//     own the data folder so uploads work.
//   - vsftpd authenticates it through PAM (pam_unix) with the service file
//     /etc/pam.d/ftpdeck-vsftpd, written by this package, because the
//     packaged /etc/pam.d/vsftpd also demands a shell listed in /etc/shells.
//   - pure-ftpd uses a PureDB virtual user made with pure-pw in the temp
//     dir, mapped to the system user's uid and gid (-l puredb:FILE).
//   - proftpd uses AuthUserFile/AuthGroupFile generated in the temp dir
//     (SHA-512 crypt from openssl passwd -6), with AuthOrder mod_auth_file.c.
//
// The data folder lives in a fresh /tmp/ftpdeck-ftpd-* folder (mode 0755,
// removed at cleanup) because t.TempDir() parents are 0700, and every
// daemon chroots the user into it, so "/" on the server is [Daemon.Root].
// Without root the helpers skip the test (see [SkipOrFail]).
//
// # Other networks
//
// [Options.Netns], [Options.Host] and [Options.PASVAddress] run a daemon in
// a network namespace on an address of it, naming another address in its
// PASV replies if asked: the NAT lab (internal/natlab) puts its server
// there. [InNetns] runs code (a dial, a listen) inside such a namespace.
//
// # Missing daemons
//
// A missing daemon, or not running as root, skips the test; with
// FTPDECK_REQUIRE_SERVERS=1 (set by CI) it fails it instead. Features a
// daemon cannot provide (pure-ftpd has no switch to refuse PORT, nor
// implicit TLS) always skip, with the reason; proftpd TLS needs mod_tls.so
// from proftpd-mod-crypto (installed by .ci/install-daemons.sh) and skips
// without it.
//
// # TLS
//
// [TLSOptions] turns on FTPS with the caller's certificate. Every daemon
// requires data connections to resume the control connection's TLS session
// (vsftpd require_ssl_reuse=YES; proftpd's default, with session tickets
// switched on so that ticket-only clients such as Go's can resume under TLS
// 1.2). pure-ftpd resumes under TLS 1.2 but issues no TLS 1.3 tickets, so
// under 1.3 its data connections never resume (it does not require it).
package ftpd
