//go:build linux

package nate2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/internal/natlab"
)

// schemes runs f for plain FTP and for explicit TLS (ftpes://), where no
// router could rewrite PORT or PASV even if it tried.
func schemes(t *testing.T, f func(t *testing.T, tls bool)) {
	t.Run("ftp", func(t *testing.T) { f(t, false) })
	t.Run("ftpes", func(t *testing.T) { f(t, true) })
}

// The hints of internal/cli, as the user reads them.
const (
	hintActive = " (try --passive; behind a NAT, active mode needs --active-addr with the NAT's public address and --active-ports forwarded to this machine)"
	hintBoth   = " (both modes failed: passive mode needs the server's firewall to let its passive ports in; active mode behind a NAT needs --active-addr with the NAT's public address and --active-ports forwarded to this machine)"
	hintPasv   = " (try --active; behind a NAT, add --active-addr with the NAT's public address and --active-ports forwarded to this machine)"
	// illegalPORT is what vsftpd says to a PORT naming another address
	// than the control connection's peer (here the client's private one).
	illegalPORT = "server refused PORT: 500 Illegal PORT command. — passive mode may work"
	summary     = "ftpdeck: 0 done, 0 skipped, 1 failed\n"
	// forwarded is the port range the router forwards to the client.
	forwardLo, forwardHi = 50000, 50010
)

// bookmark writes bookmarks.toml with one site "lab" for the setup's
// server and the extra lines given, and returns the name to get nat.bin.
func (s *setup) bookmark(t *testing.T, extra ...string) string {
	t.Helper()
	tls := "off"
	if s.fp != "" {
		tls = "explicit"
	}
	text := fmt.Sprintf("[[site]]\nname = \"lab\"\nhost = %q\nport = %d\nuser = %q\npassword = %q\ntls = %q\n%s\n",
		s.d.Host, s.d.Port, s.d.User, s.d.Password, tls, strings.Join(extra, "\n"))
	if err := os.WriteFile(filepath.Join(s.config, "bookmarks.toml"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return "lab/nat.bin"
}

// lastGoodMode returns the bookmark's last_good_mode line, "" if none.
func (s *setup) lastGoodMode(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.config, "bookmarks.toml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*last_good_mode = "(\w+)"`).FindSubmatch(b)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// Passive mode through the NAT: the client connects out for both
// connections, which any NAT lets through.
func TestPassiveThroughNAT(t *testing.T) {
	schemes(t, func(t *testing.T, tls bool) {
		s := newSetup(t, serverOpts{tls: tls})
		r := s.run(t, "get", s.url(), s.out)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
		}
		s.arrived(t)
	})
	t.Run("proftpd", func(t *testing.T) {
		s := newSetup(t, serverOpts{kind: ftpd.ProFTPD})
		r := s.run(t, "get", s.url(), s.out)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
		}
		s.arrived(t)
	})
}

// Active mode behind the NAT with no help: PORT names the client's
// private address, the server sees the router's and refuses it. Given
// --active (only this mode) the run fails at once, saying what to do;
// with active mode from the bookmark and fallback on, the file comes by
// passive mode, the user is told, and the bookmark remembers passive.
func TestActiveRefusedBehindNAT(t *testing.T) {
	schemes(t, func(t *testing.T, tls bool) {
		s := newSetup(t, serverOpts{tls: tls})

		r := s.run(t, "get", "--active", "--timeout", "20s", s.url(), s.out)
		want := "ftpdeck: get /nat.bin: retr /nat.bin: active: " + illegalPORT + hintActive + "\n" + summary
		if r.code != 1 || r.stderr != want {
			t.Errorf("--active: exit %d, stderr\n%q\nwant 1 and\n%q", r.code, r.stderr, want)
		}
		// A refusal is certain at once: no timeout is waited for (the
		// bound leaves room for a loaded machine; by hand it is ~0.1 s).
		if r.took > 2*time.Second {
			t.Errorf("--active took %s; a refused PORT should end the run at once", r.took)
		}
		s.nothing(t)

		name := s.bookmark(t, `mode = "active"`, "fallback = false")
		r = s.run(t, "get", name, s.out)
		if r.code != 1 || r.stderr != want {
			t.Errorf("bookmark fallback = false: exit %d, stderr\n%q\nwant 1 and\n%q", r.code, r.stderr, want)
		}
		s.nothing(t)

		s.bookmark(t, `mode = "active"`)
		s.writeConfig(t, "fallback = false\n")
		r = s.run(t, "get", name, s.out)
		if r.code != 1 || r.stderr != want {
			t.Errorf("config.toml fallback = false: exit %d, stderr\n%q\nwant 1 and\n%q", r.code, r.stderr, want)
		}
		s.nothing(t)

		s.writeConfig(t, "")
		r = s.run(t, "get", name, s.out)
		want = "ftpdeck: get /nat.bin: done in passive mode after active mode failed: " + illegalPORT + "\n"
		if r.code != 0 || r.stderr != want {
			t.Errorf("fallback: exit %d, stderr\n%q\nwant 0 and\n%q", r.code, r.stderr, want)
		}
		s.arrived(t)
		if m := s.lastGoodMode(t); m != "passive" {
			t.Errorf("bookmark's last_good_mode = %q, want passive", m)
		}
	})
}

// Active mode with the router's address in PORT and its port range
// forwarded to the client: the server connects back through the forward.
// Under TLS this is the only way: no router can rewrite what it cannot
// read.
func TestActiveThroughForward(t *testing.T) {
	schemes(t, func(t *testing.T, tls bool) {
		s := newSetup(t, serverOpts{tls: tls})
		s.lab.Forward(t, forwardLo, forwardHi)
		log := filepath.Join(s.config, "protocol.log")
		r := s.run(t, "get", "--active", "--active-addr", natlab.RouterOutside.String(),
			"--active-ports", fmt.Sprintf("%d-%d", forwardLo, forwardHi), "--log", log, s.url(), s.out)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
		}
		s.arrived(t)
		b, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`> PORT 198,18,0,1,195,(8[0-9]|90) `).Match(b) {
			t.Errorf("no PORT naming 198.18.0.1 and a port of 50000-50010 in the log:\n%s", b)
		}
	})
}

// A server that names a private address in its PASV reply (its own NAT's
// inside): ftpdeck connects to the address it reached the server at.
func TestPrivatePASVAddress(t *testing.T) {
	for _, kind := range []ftpd.Kind{ftpd.Vsftpd, ftpd.ProFTPD} {
		t.Run(string(kind), func(t *testing.T) {
			s := newSetup(t, serverOpts{kind: kind, pasvAddress: "10.9.9.9"})
			r := s.run(t, "get", s.url(), s.out)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("get: exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
			}
			s.arrived(t)
			// EPSV carries no address: probe tries PASV itself.
			r = s.run(t, "probe", "--timeout", "3s", strings.TrimSuffix(s.url(), "nat.bin"))
			if r.code != 0 || !strings.Contains(r.stdout, "verdict: use passive.") {
				t.Errorf("probe: exit %d, want 0 and the verdict 'use passive':\n%s", r.code, r.stdout)
			}
			if !regexp.MustCompile(`(?m)^\s+PASV named 10\.9\.9\.9:\d+ \(private\), dialed 198\.18\.0\.2:\d+ \(public\)$`).MatchString(r.stdout) {
				t.Errorf("probe does not report dialing the server in place of PASV's 10.9.9.9:\n%s", r.stdout)
			}
		})
	}
}

// The server's firewall drops its passive ports (no refusal: silence).
// With --timeout T the run ends within 3 T: with --passive (only this
// mode) with the advice; with fallback and the client's port forward the
// file arrives by active mode; with fallback and no forward both modes
// fail, and the words say what each needs.
func TestDroppedPassivePorts(t *testing.T) {
	const T = 2 * time.Second
	schemes(t, func(t *testing.T, tls bool) {
		s := newSetup(t, serverOpts{tls: tls})
		s.lab.DropPorts(t, s.d.PassivePorts[0], s.d.PassivePorts[1])

		r := s.run(t, "get", "--passive", "--timeout", T.String(), s.url(), s.out)
		want := regexp.MustCompile(`^ftpdeck: get /nat\.bin: retr /nat\.bin: passive: .*198\.18\.0\.2:\d+.* — the server's firewall may block its passive ports; active mode may work` +
			regexp.QuoteMeta(hintPasv+"\n"+summary) + `$`)
		if r.code != 1 || !want.MatchString(r.stderr) {
			t.Errorf("--passive: exit %d, stderr\n%q\nwant 1 and %s", r.code, r.stderr, want)
		}
		if r.took > 3*T {
			t.Errorf("--passive took %s, more than 3 × --timeout %s", r.took, T)
		}
		s.nothing(t)

		name := s.bookmark(t, `active_addr = "198.18.0.1"`,
			fmt.Sprintf(`active_ports = "%d-%d"`, forwardLo, forwardHi))
		r = s.run(t, "get", "--timeout", T.String(), name, s.out)
		if r.code != 1 || !strings.HasSuffix(r.stderr, hintBoth+"\n"+summary) {
			t.Errorf("fallback, no forward: exit %d, stderr\n%q\nwant 1 and the advice for both modes", r.code, r.stderr)
		}
		if r.took > 3*T {
			t.Errorf("fallback, no forward: took %s, more than 3 × --timeout %s", r.took, T)
		}
		s.nothing(t)

		s.lab.Forward(t, forwardLo, forwardHi)
		r = s.run(t, "get", "--timeout", T.String(), name, s.out)
		wantNote := regexp.MustCompile(`^ftpdeck: get /nat\.bin: done in active mode after passive mode failed: .*198\.18\.0\.2:\d+.*firewall may block its passive ports; active mode may work\n$`)
		if r.code != 0 || !wantNote.MatchString(r.stderr) {
			t.Errorf("fallback through the forward: exit %d, stderr\n%q\nwant 0 and %s", r.code, r.stderr, wantNote)
		}
		if r.took > 3*T {
			t.Errorf("fallback through the forward: took %s, more than 3 × --timeout %s", r.took, T)
		}
		s.arrived(t)
		if m := s.lastGoodMode(t); m != "active" {
			t.Errorf("bookmark's last_good_mode = %q, want active", m)
		}
	})
}

// The same fallback through the forward with proftpd, whose passive ports
// are dropped the same way and which takes PORT from behind the forward.
func TestDroppedPassivePortsProFTPD(t *testing.T) {
	const T = 2 * time.Second
	s := newSetup(t, serverOpts{kind: ftpd.ProFTPD})
	s.lab.DropPorts(t, s.d.PassivePorts[0], s.d.PassivePorts[1])
	s.lab.Forward(t, forwardLo, forwardHi)
	name := s.bookmark(t, `active_addr = "198.18.0.1"`, fmt.Sprintf(`active_ports = "%d-%d"`, forwardLo, forwardHi))
	r := s.run(t, "get", "--timeout", T.String(), name, s.out)
	wantNote := regexp.MustCompile(`^ftpdeck: get /nat\.bin: done in active mode after passive mode failed: .*198\.18\.0\.2:\d+.*firewall may block its passive ports; active mode may work\n$`)
	if r.code != 0 || !wantNote.MatchString(r.stderr) {
		t.Errorf("exit %d, stderr\n%q\nwant 0 and %s", r.code, r.stderr, wantNote)
	}
	if r.took > 3*T {
		t.Errorf("took %s, more than 3 × --timeout %s", r.took, T)
	}
	s.arrived(t)
}
