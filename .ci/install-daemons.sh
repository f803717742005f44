#!/usr/bin/env bash
# Installs the FTP daemons the interop tests run, plus tmux and lftp, and
# iproute2 and nftables for the NAT lab (internal/natlab), without starting
# any system service.
#
# vsftpd, pure-ftpd and proftpd-core all declare "Conflicts: ftp-server", so
# dpkg can hold only one of them. proftpd-core (with proftpd-mod-crypto, whose
# mod_tls.so gives proftpd FTPS) is installed as a package; the
# other two are unpacked from their .debs into $FTPDECK_DAEMONS_DIR (default
# /opt/ftpdeck-daemons/root), with their shared libraries installed by apt.
# The test helpers (internal/ftpd) look there before $PATH.
set -euo pipefail

prefix=${FTPDECK_DAEMONS_DIR:-/opt/ftpdeck-daemons}
export DEBIAN_FRONTEND=noninteractive
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# Keep maintainer scripts from starting services during the install.
policy=/usr/sbin/policy-rc.d
$sudo sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy"
trap '$sudo rm -f $policy' EXIT

$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends \
	proftpd-core proftpd-mod-crypto tmux lftp curl openssl iproute2 nftables fish zsh \
	libwrap0 libsodium23 libcap2 libpam0g libssl3 libcrypt1 libpam-modules >/dev/null

if [ ! -x "$prefix/root/usr/sbin/vsftpd" ] || [ ! -x "$prefix/root/usr/sbin/pure-ftpd" ]; then
	$sudo mkdir -p "$prefix/debs" "$prefix/root"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download vsftpd pure-ftpd pure-ftpd-common 2>&1 | grep -v unsandboxed || true)
	for deb in "$tmp"/*.deb; do $sudo dpkg-deb -x "$deb" "$prefix/root"; done
	$sudo mv "$tmp"/*.deb "$prefix/debs/"
	rm -rf "$tmp"
fi
echo "daemons: proftpd $(command -v proftpd), vsftpd $prefix/root/usr/sbin/vsftpd, pure-ftpd $prefix/root/usr/sbin/pure-ftpd"
