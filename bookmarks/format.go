package bookmarks

import (
	"strings"
	"text/tabwriter"
)

// FormatList renders sites as the table printed by "ftpdeck bookmarks":
// name, user@host:port, tls, mode, last good mode, and where the password
// comes from (saved, cmd, netrc/ask) — never the password itself.
func FormatList(sites []Site) string {
	if len(sites) == 0 {
		return "no bookmarks\n"
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	_, _ = w.Write([]byte("NAME\tADDRESS\tTLS\tMODE\tLAST GOOD\tPASSWORD\n"))
	for _, s := range sites {
		row := []string{
			s.Name,
			s.Address(),
			orDash(s.TLS, TLSOff),
			orDash(s.Mode, "default"),
			orDash(s.LastGoodMode, "-"),
			PasswordSourceLabel(s),
		}
		for i, f := range row {
			row[i] = strings.ReplaceAll(f, "\t", " ")
		}
		_, _ = w.Write([]byte(strings.Join(row, "\t") + "\n"))
	}
	_ = w.Flush()
	return b.String()
}

// PasswordSourceLabel says where the site's password will come from:
// "saved", "cmd", "netrc/ask", or "-" for anonymous sites.
func PasswordSourceLabel(s Site) string {
	switch {
	case s.Password != "":
		return "saved"
	case s.PasswordCmd != "":
		return "cmd"
	case s.User == "" || s.User == "anonymous":
		return "-"
	default:
		return "netrc/ask"
	}
}

func orDash(v, dflt string) string {
	if v == "" {
		return dflt
	}
	return v
}
