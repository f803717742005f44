//go:build linux

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestLinkDelayAndRate carries TCP between two network namespaces through
// the emulated link and measures it: a connection's set-up takes at least
// the round trip (twice the one-way delay), and a bulk transfer moves at
// most the rate (and most of it). The bounds above are loose: the machine
// is shared, and a late wake-up only adds delay.
func TestLinkDelayAndRate(t *testing.T) {
	if os.Geteuid() != 0 {
		skipOrFail(t, "the link needs root (network namespaces, TUN devices)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		skipOrFail(t, "ip (iproute2) not installed")
	}
	const delay = 25 * time.Millisecond
	const rate = 4e6 // bytes per second (32 Mbit/s)
	name := fmt.Sprintf("lkt%d", os.Getpid()%100000)
	ns := func(side string) string { return name + "-" + side }
	ipcmd := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	t.Cleanup(func() {
		_ = exec.Command("ip", "netns", "del", ns("c")).Run()
		_ = exec.Command("ip", "netns", "del", ns("s")).Run()
	})
	ipcmd("netns", "add", ns("c"))
	ipcmd("netns", "add", ns("s"))
	pipes, err := start(name+"c", name+"s", delay, rate, 2000)
	if err != nil {
		skipOrFail(t, "TUN devices: %v", err)
	}
	defer stop(pipes)
	ipcmd("link", "set", name+"c", "netns", ns("c"))
	ipcmd("link", "set", name+"s", "netns", ns("s"))
	ipcmd("-n", ns("c"), "addr", "add", "198.18.0.1", "peer", "198.18.0.2", "dev", name+"c")
	ipcmd("-n", ns("s"), "addr", "add", "198.18.0.2", "peer", "198.18.0.1", "dev", name+"s")
	ipcmd("-n", ns("c"), "link", "set", name+"c", "up")
	ipcmd("-n", ns("s"), "link", "set", name+"s", "up")

	srv := helper(t, ns("s"), "sink")
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	out, err := helper(t, ns("c"), "measure").Output()
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	var rtt time.Duration
	var bps float64
	if _, err := fmt.Sscanf(string(out), "rtt %d rate %f", &rtt, &bps); err != nil {
		t.Fatalf("client said %q: %v", out, err)
	}
	t.Logf("round trip %v (want ≥ %v), rate %.2f MB/s (cap %.2f MB/s)", rtt, 2*delay, bps/1e6, rate/1e6)
	if rtt < 2*delay || rtt > 2*delay+250*time.Millisecond {
		t.Errorf("TCP set-up took %v; the link's round trip is %v", rtt, 2*delay)
	}
	if bps > rate*1.02 || bps < rate*0.5 {
		t.Errorf("bulk transfer at %.0f bytes/s through a link capped at %.0f", bps, rate)
	}
}

// helper runs this test binary inside namespace ns in one of its helper
// roles; "sink" is started and returned running, after it listens.
func helper(t *testing.T, ns, role string) *exec.Cmd {
	cmd := exec.Command("ip", "netns", "exec", ns, os.Args[0], "-test.run=^TestLinkHelper$")
	cmd.Env = append(os.Environ(), "LINKEMU_HELPER="+role)
	if role != "sink" {
		return cmd
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || !strings.HasPrefix(line, "listening") {
		t.Fatalf("sink: %q %v", line, err)
	}
	return cmd
}

// TestLinkHelper is the server ("sink": accepts, reads everything, answers
// one byte) and the client ("measure": times a connection's set-up and a
// 3-second bulk send) of TestLinkDelayAndRate.
func TestLinkHelper(t *testing.T) {
	switch os.Getenv("LINKEMU_HELPER") {
	case "sink":
		ln, err := net.Listen("tcp", "198.18.0.2:5001")
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("listening")
		for {
			c, err := ln.Accept()
			if err != nil {
				os.Exit(0)
			}
			go func() {
				_, _ = io.Copy(io.Discard, c)
				_, _ = c.Write([]byte{1})
				_ = c.Close()
			}()
		}
	case "measure":
		best := time.Hour
		for range 3 {
			t0 := time.Now()
			c, err := net.Dial("tcp", "198.18.0.2:5001")
			if err != nil {
				fmt.Println("error", err)
				os.Exit(1)
			}
			best = min(best, time.Since(t0))
			_ = c.Close()
		}
		c, err := net.Dial("tcp", "198.18.0.2:5001")
		if err != nil {
			os.Exit(1)
		}
		buf := make([]byte, 64<<10)
		var n int64
		t0 := time.Now()
		for time.Since(t0) < 3*time.Second {
			m, err := c.Write(buf)
			n += int64(m)
			if err != nil {
				os.Exit(1)
			}
		}
		_ = c.(*net.TCPConn).CloseWrite()
		_, _ = c.Read(buf[:1]) // the sink answers once it has read everything
		fmt.Printf("rtt %d rate %f\n", best, float64(n)/time.Since(t0).Seconds())
		os.Exit(0)
	}
}

func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("FTPDECK_REQUIRE_SERVERS") == "1" {
		t.Fatalf(format+" (FTPDECK_REQUIRE_SERVERS=1)", args...)
	}
	t.Skipf(format, args...)
}
