// Package certview is the certificate question: a server presented a TLS
// certificate that is not trusted (unknown, invalid, or changed since the
// user accepted another one). It shows the address, the reason, subject,
// issuer, validity and the SHA-256 fingerprint — a changed one with a loud
// warning and the fingerprint that was accepted before — and offers
// reject (also esc), accept once, accept always. The box, keys and answer
// are those of a dialog.Choice: the answer comes back as a dialog.DoneMsg
// whose Choice is one of this package's Choice values; the root acts on it
// (known_certs is written in a command).
package certview

import (
	"github.com/charmbracelet/lipgloss"

	"ftpdeck/transfer"
	"ftpdeck/transfer/trust"
	"ftpdeck/ui/dialog"
)

// Choice is the user's answer. Reject is also what esc does.
type Choice int

// The answers.
const (
	Reject Choice = iota
	Once
	Always
)

// New returns the question about ce; tag comes back in the DoneMsg.
// danger styles the warning of a changed certificate.
func New(tag any, ce *transfer.CertError, danger lipgloss.Style) dialog.Model {
	title, fpLabel := "Unknown server certificate", "SHA-256   "
	body := []string{ce.Addr() + " presented a certificate that is not trusted:", ce.Reason, ""}
	if ce.Changed {
		title, fpLabel = "WARNING: SERVER CERTIFICATE CHANGED", "Now       "
		body = []string{
			danger.Render("The certificate of " + ce.Addr() + " CHANGED since you"),
			danger.Render("accepted it. Someone may be intercepting the connection."),
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
		{Key: "r", Label: "reject (esc)", Value: Reject},
		{Key: "o", Label: "accept once (until ftpdeck quits)", Value: Once},
		{Key: "a", Label: "accept always (save in known_certs)", Value: Always},
	}
	return dialog.NewChoice(tag, title, body, opts)
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
