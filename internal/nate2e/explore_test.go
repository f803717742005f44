package nate2e

import "testing"

func TestExplore(t *testing.T) {
	for _, tls := range []bool{false, true} {
		s := newSetup(t, serverOpts{tls: tls})
		s.run(t, "get", "-v", s.url(), s.out)
		s.run(t, "get", "--active", s.url(), s.out+"/a")
		s.lab.DropPorts(t, s.d.PassivePorts[0], s.d.PassivePorts[1])
		s.run(t, "get", "--timeout", "2s", s.url(), s.out+"/b")
	}
}
