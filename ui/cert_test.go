package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
	"ftpdeck/transfer/trust"
	"ftpdeck/ui/dialog"
)

// fixedCertError is a deterministic refused certificate.
func fixedCertError(changed bool) *transfer.CertError {
	ce := &transfer.CertError{
		Host: "127.0.0.1", Port: 2121,
		Subject: "CN=plc-7.factory.example,O=Example Automation", Issuer: "CN=plc-7.factory.example,O=Example Automation",
		NotBefore: t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(9, 0, 0),
		SHA256: "5d41402abc4b2a76b9719d911017c592a1f0c3d2e6b8f7a9c0d1e2f3a4b5c6d7",
		Reason: "self-signed: no authority you trust vouches for it",
	}
	if changed {
		ce.Changed, ce.Previous = true, "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0"
	}
	return ce
}

// TestGoldenCertDialog: a connect refused for an unknown certificate opens
// the certificate dialog with subject, issuer, validity, fingerprint and
// the reason; a changed one warns loudly.
func TestGoldenCertDialog(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changed bool
	}{{"unknown", false}, {"changed", true}} {
		t.Run(tc.name, func(t *testing.T) {
			m := fedModel(t, 80, 24)
			m.sess = transfer.NewSession(transfer.Site{Host: "127.0.0.1", Port: 2121, User: "demo", TLS: transfer.TLSExplicit}, m.log)
			m = update(t, m, connectedMsg{gen: m.gen, err: fixedCertError(tc.changed)})
			if dlg(m) == nil || dlg(m).Kind() != dialog.Choice {
				t.Fatalf("no certificate dialog")
			}
			golden.RequireEqual(t, view(m))
		})
	}
}

// TestCertDialogAnswers: esc and r reject (no dial); o accepts once and
// dials again; a saves known_certs (in a command) then dials again.
func TestCertDialogAnswers(t *testing.T) {
	open := func(t *testing.T, v *trust.Verifier) Model {
		m := fedModel(t, 80, 24)
		m.opts.Trust = v
		return update(t, m, connectedMsg{gen: m.gen, err: fixedCertError(false)})
	}
	ce := fixedCertError(false)
	for _, k := range []string{"esc", "r"} {
		m := open(t, &trust.Verifier{})
		m, cmd := updateCmd(t, m, keyMsg(k))
		m, next := updateCmd(t, m, cmd())
		if dlg(m) != nil || next != nil || m.state != stateFailed || !strings.Contains(m.status, "rejected") {
			t.Fatalf("%s: dialog %v, next %v, state %v, status %q", k, dlg(m) != nil, next != nil, m.state, m.status)
		}
	}

	v := &trust.Verifier{}
	m := open(t, v)
	gen := m.gen
	m, cmd := updateCmd(t, m, keyMsg("o"))
	m, _ = updateCmd(t, m, cmd())
	if m.state != stateConnecting || m.gen == gen || m.sess.Site().Trust != v {
		t.Fatalf("accept once: state %v gen %d→%d", m.state, gen, m.gen)
	}
	if err := v.Check(ce.Host, ce.Port, nil, nil); err == nil {
		t.Fatal("empty chain accepted")
	}

	dir := t.TempDir()
	store, err := trust.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	m = open(t, &trust.Verifier{Known: store})
	m, cmd = updateCmd(t, m, keyMsg("a"))
	m, save := updateCmd(t, m, cmd())
	if save == nil {
		t.Fatal("accept always: no save command")
	}
	saved := save()
	if _, ok := saved.(certSavedMsg); !ok {
		t.Fatalf("accept always: %T", saved)
	}
	m = update(t, m, saved)
	if m.state != stateConnecting {
		t.Fatalf("accept always: state %v", m.state)
	}
	b, err := os.ReadFile(filepath.Join(dir, trust.KnownCertsFile))
	if err != nil || !strings.Contains(string(b), "127.0.0.1:2121 sha256:"+ce.SHA256) {
		t.Fatalf("known_certs: %q %v", b, err)
	}
}

// runUntilConnected runs cmd (and any batch inside it) and returns the
// connectedMsg it yields.
func runUntilConnected(t *testing.T, cmd tea.Cmd) (connectedMsg, bool) {
	t.Helper()
	if cmd == nil {
		return connectedMsg{}, false
	}
	switch msg := cmd().(type) {
	case connectedMsg:
		return msg, true
	case tea.BatchMsg:
		for _, c := range msg {
			if cm, ok := runUntilConnected(t, c); ok {
				return cm, true
			}
		}
	}
	return connectedMsg{}, false
}

// TestCertAcceptOnceConnects: against a scripted FTPS server with a
// self-signed certificate, the first connect opens the dialog, and
// "accept once" connects for real.
func TestCertAcceptOnceConnects(t *testing.T) {
	srv := ftpscript.New(t)
	cert, _ := ftpscript.NewCert(t)
	srv.TLS = cert
	srv.Start()
	site := transfer.Site{Host: srv.Host(), Port: srv.Port(), User: "bob", Password: "pw", TLS: transfer.TLSExplicit, Timeout: 5 * time.Second}
	v := &trust.Verifier{}
	site.Trust = v
	m := New(Options{Session: transfer.NewSession(site, nil), LocalDir: t.TempDir(), NoQueue: true, Trust: v})
	t.Cleanup(func() { m.Close() })
	msg, ok := runUntilConnected(t, m.initCmds[len(m.initCmds)-1])
	if !ok {
		t.Fatal("no connect result")
	}
	m = update(t, m, msg)
	if dlg(m) == nil {
		t.Fatalf("no certificate dialog; status %q", m.status)
	}
	m, cmd := updateCmd(t, m, keyMsg("o"))
	m, cmd = updateCmd(t, m, cmd())
	msg, ok = runUntilConnected(t, cmd)
	if !ok || msg.err != nil {
		t.Fatalf("after accept once: %v %v", ok, msg.err)
	}
	m = update(t, m, msg)
	if m.state != stateConnected {
		t.Fatalf("state %v", m.state)
	}
}
