// Command tcpcopy measures the loopback TCP limit for bench/run.sh when
// iperf3 is missing: one stream of -bytes through 127.0.0.1, 256 KiB
// writes, and prints "loopback-gocopy SECONDS 0".
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"time"
)

func main() {
	n := flag.Int64("bytes", 1<<30, "bytes to send")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		_, err = io.Copy(io.Discard, c)
		done <- err
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	buf := make([]byte, 256<<10)
	start := time.Now()
	for sent := int64(0); sent < *n; sent += int64(len(buf)) {
		if _, err := c.Write(buf); err != nil {
			log.Fatal(err)
		}
	}
	_ = c.Close()
	if err := <-done; err != nil {
		log.Fatal(err)
	}
	fmt.Printf("loopback-gocopy %.3f 0\n", time.Since(start).Seconds())
}
