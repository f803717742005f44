package ui

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer"
	"ftpdeck/transfer/trust"
	"ftpdeck/ui/dialog"
)

// The answers of the certificate dialog. Reject is also what esc does.
type certChoice int

const (
	certReject certChoice = iota
	certOnce
	certAlways
)

// tagCert is the certificate dialog: the refused certificate and the site
// to dial again once it is accepted.
type tagCert struct {
	ce   *transfer.CertError
	site transfer.Site
}

// certSavedMsg reports that "accept always" wrote known_certs.
type certSavedMsg struct {
	site transfer.Site
	addr string
	err  error
}

// certDialog asks about a certificate the connect refused. It is not
// offered for a --tls-fingerprint mismatch: the flag is the user's answer.
func (m Model) certDialog(ce *transfer.CertError) (Model, bool) {
	if ce.Pinned || m.sess == nil {
		return m, false
	}
	title, fpLabel := "Unknown server certificate", "SHA-256   "
	body := []string{ce.Addr() + " presented a certificate that is not trusted:", ce.Reason, ""}
	if ce.Changed {
		title, fpLabel = "WARNING: SERVER CERTIFICATE CHANGED", "Now       "
		body = []string{
			m.theme.Dialog.Danger.Render("The certificate of " + ce.Addr() + " CHANGED since you"),
			m.theme.Dialog.Danger.Render("accepted it. Someone may be intercepting the connection."),
			"Reject unless its owner confirms the new SHA-256 fingerprint.",
			"",
			"Was       " + half(ce.Previous, 0),
			"          " + half(ce.Previous, 1),
		}
	}
	body = append(body,
		"Subject   "+ce.Subject,
		"Issuer    "+ce.Issuer,
		"Valid     "+ce.NotBefore.UTC().Format("2006-01-02 15:04")+" to "+ce.NotAfter.UTC().Format("2006-01-02 15:04 UTC"),
		fpLabel+half(ce.SHA256, 0),
		"          "+half(ce.SHA256, 1),
	)
	opts := []dialog.Option{
		{Key: "r", Label: "reject (esc)", Value: certReject},
		{Key: "o", Label: "accept once (until ftpdeck quits)", Value: certOnce},
		{Key: "a", Label: "accept always (save in known_certs)", Value: certAlways},
	}
	return m.openDialog(dialog.NewChoice(tagCert{ce: ce, site: m.sess.Site()}, title, body, opts)), true
}

// half returns the first or second half of a fingerprint, as AB:CD:….
func half(fp string, i int) string {
	f := trust.FormatFingerprint(fp)
	if len(f) < 95 {
		if i == 0 {
			return f
		}
		return ""
	}
	if i == 0 {
		return f[:47]
	}
	return f[48:]
}

// answerCert acts on the certificate dialog's answer: dial again after an
// acceptance (saving it first for "always", in a command).
func (m Model) answerCert(t tagCert, c certChoice) (tea.Model, tea.Cmd) {
	v := m.opts.Trust
	switch c {
	case certOnce:
		v.AcceptOnce(t.ce.Host, t.ce.Port, t.ce.SHA256)
		m.setStatus("accepted the certificate of "+t.ce.Addr()+" until ftpdeck quits", false)
		return m.startSession(t.site)
	case certAlways:
		return m, func() tea.Msg {
			return certSavedMsg{site: t.site, addr: t.ce.Addr(), err: v.AcceptAlways(t.ce.Host, t.ce.Port, t.ce.SHA256)}
		}
	case certReject:
	}
	m.setStatus("rejected the certificate of "+t.ce.Addr()+": not connected", true)
	return m, nil
}

// certSaved dials again once known_certs holds the certificate.
func (m Model) certSaved(msg certSavedMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.setStatus(fmt.Sprintf("accepted %s's certificate for this session only; saving it failed: %v", msg.addr, msg.err), true)
	}
	return m.startSession(msg.site)
}

// asCertError returns the certificate error inside err, if any.
func asCertError(err error) (*transfer.CertError, bool) {
	var ce *transfer.CertError
	ok := errors.As(err, &ce)
	return ce, ok
}
