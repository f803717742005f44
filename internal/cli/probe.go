package cli

import (
	"context"
	"fmt"

	"ftpdeck/transfer"
)

// runProbe is "ftpdeck probe URL|BOOKMARK": it lists the folder once with
// each of EPSV, PASV, EPRT and PORT, prints the table and the verdict, and
// for a bookmark saves the mode that works as last_good_mode. It fails
// (exit 1) when no method works.
func runProbe(ctx context.Context, flags Flags, args []string, env Env) error {
	if len(args) != 1 {
		return usagef("probe takes one URL or bookmark name")
	}
	t, err := resolveTarget(flags, args[0], env)
	if err != nil {
		return err
	}
	log, closeLog, err := newLog(flags, env)
	if err != nil {
		return err
	}
	defer closeLog()
	opts := transfer.ProbeOptions{Dir: t.site.Path, Timeout: flags.Timeout}
	rep := transfer.Probe(ctx, t.site, log, opts)
	w := newBufWriter(env.Stdout)
	if flags.JSON {
		for _, l := range probeLines(rep) {
			if err := writeJSON(w, l); err != nil {
				return err
			}
		}
	} else {
		fmt.Fprint(w, rep.Table())
	}
	if t.bookmark != "" && rep.Verdict.Works {
		mode := rep.Verdict.Mode.String()
		if err := t.store.SetLastGoodMode(t.bookmark, mode); err != nil {
			log.Notef(0, "probe: could not save last_good_mode for bookmark %s: %v", t.bookmark, err)
			fmt.Fprintf(env.Stderr, "ftpdeck: bookmark %s: last_good_mode not saved: %v\n", t.bookmark, err)
		} else {
			log.Notef(0, "probe: bookmark %s: last_good_mode = %s saved", t.bookmark, mode)
			if !flags.JSON {
				fmt.Fprintf(w, "saved: last_good_mode = %s for bookmark %s\n", mode, t.bookmark)
			}
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if !rep.Verdict.Works {
		return errReported
	}
	return nil
}
