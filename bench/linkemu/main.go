//go:build linux

// Command linkemu joins two TUN devices with an emulated link: every IP
// packet read from one device is written to the other after a one-way
// delay, at no more than a rate, through a drop-tail queue — what netem
// would do, for kernels without it. bench/run.sh moves the two devices
// into the client's and the server's network namespaces, so a transfer
// between them crosses the emulated link (both directions, both data
// connection modes: it carries any IP packet).
//
//	linkemu -a lnkc -b lnks -delay 40ms -rate 100mbit -queue 2000
//
// It creates the devices, prints "ready" on stdout, and runs until it is
// signalled (SIGINT, SIGTERM), then prints each direction's counts.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	a := flag.String("a", "lnka", "first TUN device (the client's side)")
	b := flag.String("b", "lnkb", "second TUN device (the server's side)")
	delay := flag.Duration("delay", 0, "one-way delay of each packet (the round trip is twice this)")
	rate := flag.String("rate", "", "link rate per direction, e.g. 100mbit, 20MB (bytes), empty = unlimited")
	queue := flag.Int("queue", 4000, "packets waiting per direction before drop-tail")
	flag.Parse()
	bps, err := parseRate(*rate)
	if err != nil {
		fmt.Fprintln(os.Stderr, "linkemu:", err)
		os.Exit(2)
	}
	pipes, err := start(*a, *b, *delay, bps, *queue)
	if err != nil {
		fmt.Fprintln(os.Stderr, "linkemu:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	for _, p := range pipes {
		fmt.Printf("%s: %d packets, %d bytes, %d dropped\n", p.name, p.sent.Load(), p.bytes.Load(), p.dropped.Load())
	}
}

// start creates the TUN devices a and b and carries packets between them
// in both directions until the process ends.
func start(a, b string, delay time.Duration, bytesPerSec float64, queue int) ([]*pipe, error) {
	fa, err := openTUN(a)
	if err != nil {
		return nil, err
	}
	fb, err := openTUN(b)
	if err != nil {
		_ = fa.Close()
		return nil, err
	}
	pipes := []*pipe{
		{name: a + "→" + b, from: fa, to: fb, link: link{delay: delay, bytesPerSec: bytesPerSec}, q: make(chan packet, queue)},
		{name: b + "→" + a, from: fb, to: fa, link: link{delay: delay, bytesPerSec: bytesPerSec}, q: make(chan packet, queue)},
	}
	for _, p := range pipes {
		go func() {
			if err := p.read(); err != nil && !p.closed.Load() {
				fmt.Fprintf(os.Stderr, "linkemu: %s: %v\n", p.name, err)
				os.Exit(1)
			}
		}()
		go p.write()
	}
	return pipes, nil
}

// stop closes both devices of the link; the pipes end quietly.
func stop(pipes []*pipe) {
	for _, p := range pipes {
		p.closed.Store(true)
	}
	for _, p := range pipes {
		_ = p.from.Close()
	}
}

// parseRate reads "100mbit", "1gbit", "500kbit" (bits per second) or
// "20MB", "500KB" (bytes per second; K, M, G are powers of 1000) into
// bytes per second; "" is 0, no limit.
func parseRate(s string) (float64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return 0, nil
	}
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "bit"):
		s, mult = strings.TrimSuffix(s, "bit"), 1.0/8
	case strings.HasSuffix(s, "b"):
		s = strings.TrimSuffix(s, "b")
	default:
		return 0, fmt.Errorf("rate %q: end it in bit (bits/s) or B (bytes/s)", s)
	}
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k':
			s, mult = s[:n-1], mult*1e3
		case 'm':
			s, mult = s[:n-1], mult*1e6
		case 'g':
			s, mult = s[:n-1], mult*1e9
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("rate %q: not a positive number", s)
	}
	return v * mult, nil
}

// openTUN creates (or attaches to) the TUN device name: raw IP packets, no
// packet-information header.
func openTUN(name string) (*os.File, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/net/tun: %w", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		_ = unix.Close(fd)
		return nil, err
	}
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		_ = unix.Close(fd)
		return nil, fmt.Errorf("create TUN device %s: %w", name, err)
	}
	return os.NewFile(uintptr(fd), "/dev/net/tun:"+name), nil
}

// link is one direction's timing: a packet leaves the sender's queue once
// the link has sent the ones before it (size/rate each), then travels for
// delay.
type link struct {
	delay       time.Duration
	bytesPerSec float64
	free        time.Time // when the link finishes sending what it has
}

// due returns when a packet of n bytes that arrived at now is delivered.
func (l *link) due(now time.Time, n int) time.Time {
	start := now
	if l.free.After(start) {
		start = l.free
	}
	if l.bytesPerSec > 0 {
		l.free = start.Add(time.Duration(float64(n) / l.bytesPerSec * float64(time.Second)))
	} else {
		l.free = start
	}
	return l.free.Add(l.delay)
}

type packet struct {
	data []byte
	due  time.Time
}

// pipe carries one direction.
type pipe struct {
	name                 string
	from, to             *os.File
	link                 link
	q                    chan packet
	sent, bytes, dropped atomic.Int64
	closed               atomic.Bool // stop was called: read errors are the end, not a failure
}

// read takes packets from the sending device and queues them with their
// delivery time; a full queue drops the packet (drop-tail), as a router's
// buffer would. It returns when the device can no longer be read.
func (p *pipe) read() error {
	buf := make([]byte, 65536)
	for {
		n, err := p.from.Read(buf)
		if err != nil {
			close(p.q)
			return fmt.Errorf("read: %w", err)
		}
		now := time.Now()
		if len(p.q) == cap(p.q) {
			p.dropped.Add(1)
			continue
		}
		p.q <- packet{append([]byte(nil), buf[:n]...), p.link.due(now, n)}
	}
}

// write delivers each packet at its time, in order.
func (p *pipe) write() {
	for pk := range p.q {
		if d := time.Until(pk.due); d > 0 {
			time.Sleep(d)
		}
		if _, err := p.to.Write(pk.data); err != nil {
			p.dropped.Add(1) // the device went down: the packet is lost, as on a wire
			continue
		}
		p.sent.Add(1)
		p.bytes.Add(int64(len(pk.data)))
	}
}
