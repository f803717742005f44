//go:build linux

package natlab

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// accept returns the first connection ln accepts, or its error.
func accept(ln net.Listener) <-chan net.Conn {
	ch := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(ch)
			return
		}
		ch <- c
	}()
	return ch
}

// The server sees the client at the router's outside address, and the
// client's private network cannot be reached from outside.
func TestMasquerade(t *testing.T) {
	l := Start(t)
	ln, err := l.Listen(l.Server, ServerAddr.String()+":2121")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := accept(ln)
	c, err := l.Dial(l.Client, ServerAddr.String()+":2121", 5*time.Second)
	if err != nil {
		t.Fatalf("client → server through the router: %v", err)
	}
	defer c.Close()
	sc := <-got
	if sc == nil {
		t.Fatal("server accepted nothing")
	}
	defer sc.Close()
	from := sc.RemoteAddr().(*net.TCPAddr).AddrPort().Addr().Unmap()
	if from != RouterOutside {
		t.Errorf("server sees the client at %s, want the router's outside address %s", from, RouterOutside)
	}

	// No route from the server's side into 192.168.77.0/24.
	cl, err := l.Listen(l.Client, ClientAddr.String()+":50000")
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if c, err := l.Dial(l.Server, ClientAddr.String()+":50000", 500*time.Millisecond); err == nil {
		c.Close()
		t.Error("the server reached the client's private address")
	}
}

// Forward opens the router's outside ports to the client; before it, the
// router's port is closed.
func TestForward(t *testing.T) {
	l := Start(t)
	cl, err := l.Listen(l.Client, ClientAddr.String()+":50001")
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	outside := netip.AddrPortFrom(RouterOutside, 50001).String()
	if c, err := l.Dial(l.Server, outside, 2*time.Second); err == nil {
		c.Close()
		t.Fatal("the router's port was open before Forward")
	}
	l.Forward(t, 50000, 50010)
	got := accept(cl)
	c, err := l.Dial(l.Server, outside, 5*time.Second)
	if err != nil {
		t.Fatalf("server → router %s after Forward: %v", outside, err)
	}
	defer c.Close()
	sc := <-got
	if sc == nil {
		t.Fatal("client accepted nothing")
	}
	defer sc.Close()
	if from := sc.RemoteAddr().(*net.TCPAddr).AddrPort().Addr().Unmap(); from != ServerAddr {
		t.Errorf("client sees the forwarded connection from %s, want the server %s", from, ServerAddr)
	}
}

// DropPorts drops, it does not refuse: a dial times out; a port outside the
// range is refused at once.
func TestDropPorts(t *testing.T) {
	l := Start(t)
	l.DropPorts(t, 30000, 30009)
	_, err := l.Dial(l.Client, ServerAddr.String()+":30005", 300*time.Millisecond)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("dial to a dropped port: %v, want a timeout", err)
	}
	_, err = l.Dial(l.Client, ServerAddr.String()+":30010", 2*time.Second)
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("dial to a closed port outside the range: %v, want connection refused", err)
	}
}

// A lab's namespaces are gone once its test ends (t.Cleanup, which runs
// for a failed test too), and Start removes those of a process that no
// longer runs.
func TestTeardown(t *testing.T) {
	var names []string
	t.Run("lab", func(t *testing.T) {
		l := Start(t)
		names = []string{l.Client, l.Router, l.Server}
	})
	for _, n := range names {
		if _, err := os.Stat(filepath.Join("/run/netns", n)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("namespace %s left after the test: %v", n, err)
		}
	}
	if len(names) != 3 {
		t.Fatalf("lab made %d namespaces", len(names))
	}

	// A stale lab: a pid that cannot run (above pid_max).
	stale := Prefix + "4194305-1-client"
	l := Start(t)
	if out, err := exec.Command(l.ip, "netns", "add", stale).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { remove(l.ip, stale) })
	Start(t)
	if _, err := os.Stat(filepath.Join("/run/netns", stale)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale namespace %s not removed by Start: %v", stale, err)
	}
}
