package transfer_test

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// probeScripted probes a scripted server with a short per-attempt bound.
func probeScripted(t *testing.T, srv *ftpscript.Server, mut func(*transfer.Site)) (transfer.Report, *recorder) {
	t.Helper()
	rec := &recorder{}
	log := transfer.NewLog(10000)
	log.AddSink(rec)
	srv.Files.Put("/a.txt", []byte("hello"))
	site := transfer.Site{Host: srv.Host(), Port: srv.Port(), User: "bob", Password: "s3cret"}
	if mut != nil {
		mut(&site)
	}
	rep := transfer.Probe(context.Background(), site, log, transfer.ProbeOptions{Timeout: 2 * time.Second})
	t.Logf("probe table:\n%s", rep.Table())
	return rep, rec
}

func results(rep transfer.Report) map[transfer.Method]transfer.Result {
	m := map[transfer.Method]transfer.Result{}
	for _, a := range rep.Attempts {
		m[a.Method] = a.Result
	}
	return m
}

func wantResults(t *testing.T, rep transfer.Report, want map[transfer.Method]transfer.Result) {
	t.Helper()
	got := results(rep)
	for m, r := range want {
		if got[m] != r {
			t.Errorf("%s: result %s, want %s\n%s", m, got[m], r, rep.Table())
		}
	}
}

func wantVerdict(t *testing.T, rep transfer.Report, works bool, mode transfer.Mode, phrases ...string) {
	t.Helper()
	v := rep.Verdict
	if v.Works != works || (works && v.Mode != mode) {
		t.Errorf("verdict works=%v mode=%s, want %v %s: %s", v.Works, v.Mode, works, mode, v.Text)
	}
	for _, p := range phrases {
		if !strings.Contains(v.Text, p) {
			t.Errorf("verdict lacks %q:\n%s", p, v.Text)
		}
	}
}

func TestProbeAllWork(t *testing.T) {
	srv := ftpscript.Start(t)
	rep, _ := probeScripted(t, srv, nil)
	ok := transfer.ResultOK
	wantResults(t, rep, map[transfer.Method]transfer.Result{transfer.MethodEPSV: ok, transfer.MethodPASV: ok, transfer.MethodEPRT: ok, transfer.MethodPORT: ok})
	wantVerdict(t, rep, true, transfer.Passive, "both modes work")
	// One control connection did it all, with exactly one method each.
	got := slices.DeleteFunc(commands(srv), func(s string) bool { return s == "QUIT" }) // QUIT may still be in flight
	if strings.Join(got, " ") != "EPSV LIST PASV LIST EPRT |1|127.0.0.1|"+eprtPort(got)+"| LIST PORT "+portArg(got)+" LIST" {
		t.Errorf("transcript %q", got)
	}
	if srv.ConnCount() != 1 {
		t.Errorf("%d control connections, want 1", srv.ConnCount())
	}
}

func eprtPort(cmds []string) string {
	for _, c := range cmds {
		if strings.HasPrefix(c, "EPRT |1|127.0.0.1|") {
			return strings.TrimSuffix(strings.TrimPrefix(c, "EPRT |1|127.0.0.1|"), "|")
		}
	}
	return "?"
}

func portArg(cmds []string) string {
	for _, c := range cmds {
		if strings.HasPrefix(c, "PORT ") {
			return c[5:]
		}
	}
	return "?"
}

func TestProbeEPSVDeadPort(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("EPSV", ftpscript.EPSVDeadPort())
	srv.Handle("PASV", ftpscript.Reply("502 PASV not implemented"))
	rep, _ := probeScripted(t, srv, nil)
	wantResults(t, rep, map[transfer.Method]transfer.Result{
		transfer.MethodEPSV: transfer.ResultNoConnect, transfer.MethodPASV: transfer.ResultRefused,
		transfer.MethodEPRT: transfer.ResultOK, transfer.MethodPORT: transfer.ResultOK,
	})
	wantVerdict(t, rep, true, transfer.Active, "use active.", "EPSV accepted but its port", "is unreachable", "firewall blocks passive ports")
	if !strings.Contains(rep.Table(), "connection refused") {
		t.Errorf("table lacks the connect error:\n%s", rep.Table())
	}
}

func TestProbePASVDeadPort(t *testing.T) {
	srv := ftpscript.Start(t)
	port, err := ftpscript.DeadPort()
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle("EPSV", ftpscript.Reply("502 EPSV not implemented"))
	srv.Handle("PASV", ftpscript.Reply(ftpscript.PASVReply("127.0.0.1", port)))
	rep, _ := probeScripted(t, srv, nil)
	wantResults(t, rep, map[transfer.Method]transfer.Result{
		transfer.MethodEPSV: transfer.ResultRefused, transfer.MethodPASV: transfer.ResultNoConnect,
		transfer.MethodEPRT: transfer.ResultOK, transfer.MethodPORT: transfer.ResultOK,
	})
	wantVerdict(t, rep, true, transfer.Active, "use active.", "PASV accepted but port 127.0.0.1:", "did not answer", "blocks its passive ports")
}

func TestProbePassiveRefusedActiveRefused(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("EPSV", ftpscript.Reply("500 EPSV not understood"))
	srv.Handle("PASV", ftpscript.Reply("550 Permission denied."))
	srv.Handle("PORT", ftpscript.Reply("500 Illegal PORT command."))
	srv.Handle("EPRT", ftpscript.Reply("500 Illegal EPRT command."))
	rep, _ := probeScripted(t, srv, nil)
	r := transfer.ResultRefused
	wantResults(t, rep, map[transfer.Method]transfer.Result{transfer.MethodEPSV: r, transfer.MethodPASV: r, transfer.MethodEPRT: r, transfer.MethodPORT: r})
	wantVerdict(t, rep, false, 0, "no method works", "refuses passive mode", `"550 Permission denied."`, "refuses EPRT")
	if !strings.Contains(rep.Table(), "server: 500 Illegal PORT command.") {
		t.Errorf("table lacks the reply:\n%s", rep.Table())
	}
}

func TestProbePASVNoAcceptTimesOut(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("EPSV", ftpscript.EPSVNoAccept())
	rep, _ := probeScripted(t, srv, nil)
	// A listener that never accepts still completes the TCP handshake
	// (backlog): connected, but no listing within the bound.
	res := results(rep)[transfer.MethodEPSV]
	if res != transfer.ResultNoData && res != transfer.ResultTimeout {
		t.Errorf("EPSV: %s, want no data or timed out\n%s", res, rep.Table())
	}
	wantVerdict(t, rep, true, transfer.Passive, "EPSV does not work here", "PASV does")
	for _, a := range rep.Attempts {
		if a.Time > 5*time.Second {
			t.Errorf("%s took %s: not bounded by the 2s attempt timeout", a.Method, a.Time)
		}
	}
}

// TestProbeNATActive is the scripted equivalent of the seed's NAT case: the
// client advertises its private address 192.168.0.107 (as a client behind a
// NAT at 218.2.135.1 would) and the server's connect-back never arrives.
func TestProbeNATActive(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("PORT", ftpscript.ConnectDelay(-1))
	srv.Handle("EPRT", ftpscript.ConnectDelay(-1))
	srv.DataTimeout = time.Second
	rep, _ := probeScripted(t, srv, func(s *transfer.Site) { s.ActiveAddr = netip.MustParseAddr("192.168.0.107") })
	wantResults(t, rep, map[transfer.Method]transfer.Result{
		transfer.MethodEPSV: transfer.ResultOK, transfer.MethodPASV: transfer.ResultOK,
	})
	for _, m := range []transfer.Method{transfer.MethodEPRT, transfer.MethodPORT} {
		if r := results(rep)[m]; r != transfer.ResultTimeout && r != transfer.ResultNoConnect {
			t.Errorf("%s: %s, want timed out or no connection", m, r)
		}
	}
	wantVerdict(t, rep, true, transfer.Passive, "use passive.", "active fails: the server could not reach 192.168.0.107:",
		"this machine is behind NAT", "--active-addr to the NAT's public address", "--active-ports")
	if !strings.Contains(rep.Table(), "advertised 192.168.0.107:") || !strings.Contains(rep.Table(), "(private)") {
		t.Errorf("table lacks the advertised private address:\n%s", rep.Table())
	}
}

func TestProbeLoginFails(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Handle("PASS", ftpscript.Reply("530 Login incorrect."))
	rep, _ := probeScripted(t, srv, nil)
	if rep.LoginErr == nil || rep.Verdict.Works || !strings.Contains(rep.Verdict.Text, "could not log in") {
		t.Errorf("login failure not reported: %+v\n%s", rep.Verdict, rep.Table())
	}
}
