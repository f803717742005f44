//go:build linux

// Package natlab builds, for one test, the network of the seed's NAT
// cases out of Linux network namespaces: a client on a private network
// behind a router that masquerades it, and a server on the router's
// outside network.
//
//	client 192.168.77.2 ── 192.168.77.1 router 198.18.0.1 ── 198.18.0.2 server
//	 (ns Client, eth0)      (in0)    (ns Router)    (out0)    (ns Server, eth0)
//
// The router forwards between its two links and masquerades everything
// that leaves by out0 (nftables), so the server sees the client as
// 198.18.0.1, as a server on the Internet sees a client behind a home
// router. It runs no FTP helper (nf_conntrack_ftp is not attached to any
// flow), so nothing rewrites PORT: a port forward (Forward) is the only way
// in, as with TLS, where no helper can read the commands anyway. The
// server's namespace can drop its passive ports (DropPorts) like a firewall
// that was never told about them. Addresses exist only inside the
// namespaces; the test's own network is not touched.
//
// Everything is torn down by t.Cleanup, also when the test fails, and
// namespaces left by an earlier run that was killed (their names carry the
// creating process's id) are removed by the next Start.
//
// The lab needs root, ip(8) from iproute2 and nft(8) from nftables
// (.ci/install-daemons.sh installs both); without them Start skips the
// test, or fails it under FTPDECK_REQUIRE_SERVERS=1.
package natlab

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
)

// Prefix starts the name of every namespace the lab makes:
// Prefix + "<pid>-<n>-client" and so on.
const Prefix = "ftpdeck-nat-"

// The lab's fixed addresses. Every lab has its own namespaces, so labs of
// tests that run at the same time do not meet.
var (
	ClientAddr    = netip.MustParseAddr("192.168.77.2")
	RouterInside  = netip.MustParseAddr("192.168.77.1")
	RouterOutside = netip.MustParseAddr("198.18.0.1")
	ServerAddr    = netip.MustParseAddr("198.18.0.2")
)

// Lab is one client–router–server network. Its fields are read-only.
type Lab struct {
	// Client, Router and Server are the namespaces' names (for
	// "ip netns exec NAME").
	Client, Router, Server string

	ip, nft string // binaries
}

var seq atomic.Int64

// Start builds a lab for t and registers its teardown.
func Start(t testing.TB) *Lab {
	t.Helper()
	if os.Geteuid() != 0 {
		ftpd.SkipOrFail(t, "natlab: network namespaces need root")
	}
	l := &Lab{}
	var err error
	if l.ip, err = exec.LookPath("ip"); err != nil {
		ftpd.SkipOrFail(t, "natlab: ip (iproute2) not installed: %v (run .ci/install-daemons.sh)", err)
	}
	if l.nft, err = exec.LookPath("nft"); err != nil {
		ftpd.SkipOrFail(t, "natlab: nft (nftables) not installed: %v (run .ci/install-daemons.sh)", err)
	}
	removeStale(l.ip)
	base := fmt.Sprintf("%s%d-%d-", Prefix, os.Getpid(), seq.Add(1))
	l.Client, l.Router, l.Server = base+"client", base+"router", base+"server"
	for _, ns := range []string{l.Client, l.Router, l.Server} {
		if out, err := exec.Command(l.ip, "netns", "add", ns).CombinedOutput(); err != nil {
			ftpd.SkipOrFail(t, "natlab: no network namespaces here: ip netns add: %v: %s", err, bytes.TrimSpace(out))
		}
		t.Cleanup(func() { remove(l.ip, ns) })
	}
	// Both ends of each link are made inside their namespaces: no name
	// ever appears in the test's own namespace.
	// A kernel without veth or nftables (a restricted container) skips the
	// test like a missing daemon, or fails it under FTPDECK_REQUIRE_SERVERS=1.
	unavailable := func(format string, args ...any) { t.Helper(); ftpd.SkipOrFail(t, format, args...) }
	l.must(unavailable, l.ip, "link", "add", "eth0", "netns", l.Client, "type", "veth", "peer", "name", "in0", "netns", l.Router)
	l.must(unavailable, l.ip, "link", "add", "out0", "netns", l.Router, "type", "veth", "peer", "name", "eth0", "netns", l.Server)
	for _, c := range [][]string{
		{l.Client, "addr", "add", ClientAddr.String() + "/24", "dev", "eth0"},
		{l.Router, "addr", "add", RouterInside.String() + "/24", "dev", "in0"},
		{l.Router, "addr", "add", RouterOutside.String() + "/15", "dev", "out0"},
		{l.Server, "addr", "add", ServerAddr.String() + "/15", "dev", "eth0"},
		{l.Client, "link", "set", "lo", "up"},
		{l.Client, "link", "set", "eth0", "up"},
		{l.Router, "link", "set", "lo", "up"},
		{l.Router, "link", "set", "in0", "up"},
		{l.Router, "link", "set", "out0", "up"},
		{l.Server, "link", "set", "lo", "up"},
		{l.Server, "link", "set", "eth0", "up"},
		{l.Client, "route", "add", "default", "via", RouterInside.String()},
	} {
		l.must(t.Fatalf, l.ip, append([]string{"-n"}, c...)...)
	}
	// Forwarding is a per-namespace setting (/proc/sys/net is the
	// namespace's own for a process inside it).
	l.must(t.Fatalf, l.ip, "netns", "exec", l.Router, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward")
	l.nftRun(unavailable, l.Router, `
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "out0" masquerade
	}
}
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
	}
}
`)
	l.nftRun(unavailable, l.Server, `
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
	}
}
`)
	return l
}

// Forward makes the router send TCP connections to its outside address on
// ports lo..hi on to the client, the same ports: what a user sets up on a
// home router for active mode (--active-addr RouterOutside --active-ports
// lo-hi).
func (l *Lab) Forward(t testing.TB, lo, hi int) {
	t.Helper()
	l.nftRun(t.Fatalf, l.Router, fmt.Sprintf("add rule ip nat prerouting iifname \"out0\" ip daddr %s tcp dport %d-%d dnat to %s\n",
		RouterOutside, lo, hi, ClientAddr))
}

// DropPorts makes the server's namespace drop (not refuse) incoming TCP
// to ports lo..hi: a firewall that does not know about the server's
// passive ports.
func (l *Lab) DropPorts(t testing.TB, lo, hi int) {
	t.Helper()
	l.nftRun(t.Fatalf, l.Server, fmt.Sprintf("add rule inet filter input tcp dport %d-%d drop\n", lo, hi))
}

// Command returns a command that runs name in namespace ns. It is killed
// if the test process dies.
func (l *Lab) Command(ctx context.Context, ns, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, l.ip, append([]string{"netns", "exec", ns, name}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd
}

// StartServer starts an FTP daemon in the server's namespace on
// ServerAddr (opts.Netns and opts.Host are set here).
func (l *Lab) StartServer(t testing.TB, kind ftpd.Kind, opts ftpd.Options) *ftpd.Daemon {
	t.Helper()
	opts.Netns, opts.Host = l.Server, ServerAddr.String()
	return ftpd.Start(t, kind, opts)
}

// Listen listens on TCP addr inside namespace ns.
func (l *Lab) Listen(ns, addr string) (net.Listener, error) {
	var ln net.Listener
	err := ftpd.InNetns(ns, func() error {
		var err error
		ln, err = net.Listen("tcp4", addr)
		return err
	})
	return ln, err
}

// Dial connects to TCP addr from inside namespace ns.
func (l *Lab) Dial(ns, addr string, timeout time.Duration) (net.Conn, error) {
	var c net.Conn
	err := ftpd.InNetns(ns, func() error {
		var err error
		c, err = net.DialTimeout("tcp4", addr, timeout)
		return err
	})
	return c, err
}

// nftRun loads an nftables script into namespace ns, or reports the
// failure with fail (t.Fatalf, or skip-or-fail).
func (l *Lab) nftRun(fail func(format string, args ...any), ns, script string) {
	cmd := exec.Command(l.ip, "netns", "exec", ns, l.nft, "-f", "-")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		fail("natlab: nft in %s: %v: %s\n%s", ns, err, bytes.TrimSpace(out), script)
	}
}

// must runs a set-up command and reports its failure with fail.
func (l *Lab) must(fail func(format string, args ...any), name string, args ...string) {
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		fail("natlab: %s %s: %v: %s", filepath.Base(name), strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
}

// remove kills whatever still runs in namespace ns and deletes it (its
// links go with it).
func remove(ip, ns string) {
	if out, err := exec.Command(ip, "netns", "pids", ns).Output(); err == nil {
		for _, f := range strings.Fields(string(out)) {
			if pid, err := strconv.Atoi(f); err == nil && pid > 1 && pid != os.Getpid() {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	_ = exec.Command(ip, "netns", "delete", ns).Run()
}

// removeStale deletes the namespaces of labs whose process is gone (a run
// that was killed before its cleanup).
func removeStale(ip string) {
	ents, err := os.ReadDir("/run/netns")
	if err != nil {
		return
	}
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), Prefix)
		if !ok {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid == os.Getpid() {
			continue
		}
		if alive(pid) {
			continue // another test binary's lab
		}
		remove(ip, e.Name())
	}
}

// alive reports whether process pid exists and is not a zombie (a killed
// test binary can linger as one until its parent reaps it).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')') // "pid (comm) S ...": comm may hold anything
	if i < 0 || i+2 >= len(b) {
		return false
	}
	st := b[i+2]
	return st != 'Z' && st != 'X'
}
