// Command tcpcopy measures the raw TCP limit of a path for bench/run.sh:
// one stream, 256 KiB writes, the receiver timing from its first byte to
// the sender's close.
//
//	tcpcopy -listen 198.18.0.2:5201 -secs 3   # the sender: accepts one connection, writes for 3 s
//	tcpcopy -dial 198.18.0.2:5201             # the receiver: prints "BYTES SECONDS"
//
// On a link the sender runs in the server's namespace and the receiver in
// the client's, so the bytes flow as a download's do. Without -listen or
// -dial both ends run in this process on 127.0.0.1.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"time"
)

func main() {
	listen := flag.String("listen", "", "address to accept one connection on and send to")
	dial := flag.String("dial", "", "address to connect to and receive from (retried for 10 s)")
	secs := flag.Float64("secs", 3, "seconds the sender writes for")
	flag.Parse()
	d := time.Duration(*secs * float64(time.Second))
	switch {
	case *listen != "":
		ln, err := net.Listen("tcp", *listen)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("ready")
		if err := send(ln, d); err != nil {
			log.Fatal(err)
		}
	case *dial != "":
		n, t, err := receive(*dial)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%d %.3f\n", n, t.Seconds())
	default:
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			log.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- send(ln, d) }()
		n, t, err := receive(ln.Addr().String())
		if err != nil {
			log.Fatal(err)
		}
		if err := <-done; err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%d %.3f\n", n, t.Seconds())
	}
}

// send accepts one connection on ln and writes to it for d.
func send(ln net.Listener, d time.Duration) error {
	c, err := ln.Accept()
	_ = ln.Close()
	if err != nil {
		return err
	}
	buf := make([]byte, 256<<10)
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		if _, err := c.Write(buf); err != nil {
			return err
		}
	}
	return c.Close()
}

// receive connects to addr and reads to EOF: the bytes, and the time from
// the first byte to the end.
func receive(addr string) (int64, time.Duration, error) {
	var c net.Conn
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err = net.Dial("tcp", addr); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond) // the sender is another process: nothing to wait on but its port
	}
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	buf := make([]byte, 256<<10)
	if _, err := c.Read(buf); err != nil {
		return 0, 0, errors.New("no data: " + err.Error())
	}
	start := time.Now()
	rest, err := io.CopyBuffer(io.Discard, c, buf)
	if err != nil {
		return 0, 0, err
	}
	// the first read's bytes arrived before the clock started
	return rest, time.Since(start), nil
}
