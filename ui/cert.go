package ui

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"ftpdeck/transfer"
	"ftpdeck/ui/certview"
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
	return m.openDialog(certview.New(tagCert{ce: ce, site: m.sess.Site()}, ce, m.theme.Dialog.Danger)), true
}

// answerCert acts on the certificate dialog's answer: dial again after an
// acceptance (saving it first for "always", in a command).
func (m Model) answerCert(t tagCert, c certview.Choice) (tea.Model, tea.Cmd) {
	v := m.opts.Trust
	switch c {
	case certview.Once:
		v.AcceptOnce(t.ce.Host, t.ce.Port, t.ce.SHA256)
		m.setStatus("accepted the certificate of "+t.ce.Addr()+" until ftpdeck quits", false)
		return m.startSession(t.site)
	case certview.Always:
		return m, func() tea.Msg {
			return certSavedMsg{site: t.site, addr: t.ce.Addr(), err: v.AcceptAlways(t.ce.Host, t.ce.Port, t.ce.SHA256)}
		}
	case certview.Reject:
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
