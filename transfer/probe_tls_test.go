package transfer_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/transfer"
	"ftpdeck/transfer/trust"
)

// TestProbeTLSSite probes a vsftpd that requires TLS (with session reuse)
// and refuses PORT: every method runs under PROT P, the passive ones list,
// the active ones are refused, and the table and verdict say so.
func TestProbeTLSSite(t *testing.T) {
	certFile, keyFile, pool := certFiles(t)
	d := ftpd.Start(t, ftpd.Vsftpd, ftpd.Options{DisablePORT: true, TLS: &ftpd.TLSOptions{CertFile: certFile, KeyFile: keyFile, Require: true}})
	d.WriteFile(t, "a.txt", []byte("a"))
	site := transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password,
		TLS: transfer.TLSExplicit, Timeout: 10 * time.Second, Trust: &trust.Verifier{Roots: pool}}
	rec := &recorder{}
	log := transfer.NewLog(10000)
	log.AddSink(rec)
	rep := transfer.Probe(context.Background(), site, log, transfer.ProbeOptions{Timeout: 5 * time.Second})
	if rep.LoginErr != nil {
		t.Fatalf("login: %v\n%s", rep.LoginErr, rec.text())
	}
	if len(rep.Attempts) != 4 {
		t.Fatalf("%d attempts, want EPSV, PASV, EPRT, PORT", len(rep.Attempts))
	}
	for _, a := range rep.Attempts {
		passive := a.Method == transfer.MethodEPSV || a.Method == transfer.MethodPASV
		if passive != (a.Result == transfer.ResultOK) {
			t.Errorf("%s: result %v (%v), want ok only for passive methods", a.Method, a.Result, a.Err)
		}
	}
	if !rep.Verdict.Works || rep.Verdict.Mode != transfer.Passive {
		t.Errorf("verdict %+v, want passive", rep.Verdict)
	}
	table := rep.Table()
	if strings.Count(table, "PROT P") < 4 {
		t.Errorf("table does not mark every method as under PROT P:\n%s", table)
	}
	if !strings.Contains(rec.text(), "tls: data connection resumed the session") {
		t.Errorf("no resumed TLS data connection in the log:\n%s", rec.text())
	}
	t.Logf("\n%s", table)
}
