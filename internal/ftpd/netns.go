package ftpd

import (
	"net"
	"time"
)

// netnsDir is where ip(8) keeps named network namespaces.
const netnsDir = "/run/netns"

// dialIn dials addr over TCP from inside the named network namespace.
func dialIn(netns, addr string, timeout time.Duration) (net.Conn, error) {
	var c net.Conn
	err := InNetns(netns, func() error {
		var err error
		c, err = net.DialTimeout("tcp", addr, timeout)
		return err
	})
	if err != nil && c != nil {
		_ = c.Close()
		c = nil
	}
	return c, err
}
