package transfer

import (
	"context"
	"fmt"
	"strings"

	"ftpdeck/transfer/wire"
)

// Quote sends one raw control command (SITE, STAT, HELP, HASH, …) on this
// connection and returns the server's reply, whatever its code: a 4xx or
// 5xx reply is a reply, not an error. The command goes through the same
// checks as every other (no CR, LF or NUL) and into the protocol log, with
// PASS masked. Commands that need a data connection or change the
// session's state beneath the library (LIST, RETR, STOR, PASV, PORT,
// AUTH, …) are refused: the panes and the queue do those.
func (c *Conn) Quote(ctx context.Context, line string) (wire.Reply, error) {
	line = strings.TrimSpace(line)
	if line == "" {
		return wire.Reply{}, fmt.Errorf("quote: empty command")
	}
	if err := wire.CheckArg("quote", line); err != nil {
		return wire.Reply{}, err
	}
	if err := QuoteAllowed(line); err != nil {
		return wire.Reply{}, err
	}
	var r wire.Reply
	err := c.do(ctx, "quote "+verbOf(line), nil, func() error {
		var err error
		r, err = c.cc.Simple(line)
		return err
	})
	return r, err
}

// QuoteAllowed refuses, with the reason, a raw command Quote will not
// send; callers check a command typed by the user before connecting.
func QuoteAllowed(line string) error {
	verb := strings.ToUpper(verbOf(strings.TrimSpace(line)))
	if why := quoteRefused(verb); why != "" {
		return fmt.Errorf("quote %s: %s", verb, why)
	}
	return nil
}

// quoteRefused says why a raw command may not be sent, or "".
func quoteRefused(verb string) string {
	switch verb {
	case "LIST", "NLST", "MLSD", "RETR", "STOR", "STOU", "APPE":
		return "needs a data connection — use the panes or the queue (ls, get, put)"
	case "PASV", "EPSV", "PORT", "EPRT", "LPRT", "LPSV", "REST":
		return "data-connection set-up belongs to ftpdeck (p toggles the mode)"
	case "AUTH", "PBSZ", "PROT", "CCC", "USER", "PASS", "REIN", "QUIT", "OPTS":
		return "changes the session beneath ftpdeck — reconnect instead"
	}
	return ""
}
