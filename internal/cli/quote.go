package cli

import (
	"context"
	"fmt"

	"ftpdeck/transfer"
	"ftpdeck/transfer/wire"
)

// runQuote sends raw control commands (SITE, STAT, HELP, …) on one
// connection, in order, and prints each reply as the server sent it (every
// line, control characters escaped). It exits 1 when a reply is 4xx or 5xx
// (the commands after it still go out), 2 for a command ftpdeck refuses to
// send raw (one that needs a data connection, or changes the session).
func runQuote(ctx context.Context, flags Flags, args []string, env Env) error {
	if len(args) < 2 {
		return usagef("quote takes URL COMMAND...")
	}
	for _, cmd := range args[1:] {
		if err := transfer.QuoteAllowed(cmd); err != nil {
			return usagef("%v", err)
		}
	}
	t, err := resolveTarget(flags, args[0], env)
	if err != nil {
		return err
	}
	o, closeLog, err := openTarget(ctx, flags, t, env)
	if err != nil {
		return err
	}
	defer closeLog()
	c := o.c
	defer c.Close()
	failed := false
	w := newBufWriter(env.Stdout)
	defer w.Flush()
	for _, cmd := range args[1:] {
		r, err := c.Quote(ctx, cmd)
		if err != nil {
			_ = w.Flush()
			return err
		}
		if flags.JSON {
			if err := writeJSON(w, newQuoteLine(cmd, r)); err != nil {
				return err
			}
		} else {
			for _, l := range r.Lines {
				fmt.Fprintln(w, wire.Escape(l))
			}
		}
		if r.Class() >= 4 {
			failed = true
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if failed {
		return errReported
	}
	return nil
}
