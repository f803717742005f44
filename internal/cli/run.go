package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/charmbracelet/x/term"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/transfer/wire"
)

// headless is one headless get or put over the transfer queue: it starts a
// queue per server, shows progress on a terminal, and tallies what was
// done, skipped and failed.
type headless struct {
	ctx      context.Context
	env      Env
	verb     string
	parallel int
	progress bool // stderr is a terminal, and not --quiet or --json
	json     bool // --json: one object per finished job and a summary on stdout
	quiet    bool // --quiet: only errors on stderr
	noTemp   bool // uploads straight to the final name (--no-temp-upload)
	// rate is the command's --limit-rate, shared by its queues (the
	// first target's setting; nil: none).
	rate     *queue.RateLimit
	rateRead bool
	flags    Flags

	done, skipped, failed int
	bytes                 int64 // of the done jobs
	began                 time.Time
	interrupted           bool
}

func newRun(ctx context.Context, flags Flags, env Env, verb string) *headless {
	r := &headless{ctx: ctx, env: env, verb: verb, parallel: firstPositive(flags.Parallel, 2),
		json: flags.JSON, quiet: flags.Quiet, began: time.Now(), flags: flags}
	if f, ok := env.Stderr.(*os.File); ok && term.IsTerminal(f.Fd()) && !flags.Quiet {
		r.progress = true
	}
	return r
}

// start returns a queue for sess; its workers start in finish, once the
// sources are queued and the walking connection adopted (the first worker
// then transfers on it instead of logging in again). Headless jobs are
// not persisted (no StateDir): a run that stops leaves its NAME.part
// files, and running the same command again with --on-conflict resume
// continues them; the user's queue store never collects them. A download
// that creates a new file is not fsynced (NoSyncNew: the durability of
// cp, curl and lftp); one that replaces a file is.
// A data connection that fails in one mode is tried once in the other
// unless the target's fallback setting is off (target.fallback: also off
// for a mode given on the command line).
func (r *headless) start(sess *transfer.Session, t target, policy queue.Policy) (*queue.Queue, error) {
	o := queue.Options{Parallel: r.parallel, Policy: policy, NoSyncNew: true, NoTempUpload: r.noTemp, NoFallback: !t.fallback}
	fileSettings(r.flags, t)(&o)
	if !r.rateRead {
		r.rate, r.rateRead = newRateLimit(rateLimit(r.flags, t)), true
	}
	o.RateLimit = r.rate
	return queue.New(sess, o)
}

// rateLimit reads --limit-rate, else the bookmark's limit_rate, else
// config.toml's: bytes per second of all of a command's transfers
// together, 0 for no limit. Each was checked when it was read (flags.go,
// bookmarks.Site.Validate, bookmarks.LoadConfig).
func rateLimit(flags Flags, t target) int64 {
	s := flags.LimitRate
	if s == "" && t.store != nil && t.bookmark != "" {
		if b, ok := t.store.Get(t.bookmark); ok {
			s = string(b.LimitRate)
		}
	}
	if s == "" {
		if cfg, err := bookmarks.LoadConfig(bookmarks.ConfigDir(flags.ConfigDir)); err == nil {
			s = string(cfg.LimitRate)
		}
	}
	bps, _ := bookmarks.ParseRate(s)
	return bps
}

// newRateLimit returns a limit of bps, nil for none (a download without
// a limit keeps its zero-copy path).
func newRateLimit(bps int64) *queue.RateLimit {
	if bps <= 0 {
		return nil
	}
	return queue.NewRateLimit(bps)
}

// fileSettings returns what sets a queue's transfer type, ascii
// extensions, time keeping and segments: --type, else the bookmark's
// transfer_type, else config.toml's (binary when none); ascii_extensions
// and keep_times from the bookmark, else config.toml; --segments, else
// the bookmark's segments, else config.toml's.
func fileSettings(flags Flags, t target) func(*queue.Options) {
	var typ string
	var exts []string
	var keep *bool
	segments := flags.Segments
	if t.store != nil && t.bookmark != "" {
		if b, ok := t.store.Get(t.bookmark); ok {
			typ, exts, keep = b.TransferType, b.ASCIIExtensions, b.KeepTimes
			if segments == 0 {
				segments = b.Segments
			}
		}
	}
	if cfg, err := bookmarks.LoadConfig(bookmarks.ConfigDir(flags.ConfigDir)); err == nil {
		if typ == "" {
			typ = cfg.TransferType
		}
		if exts == nil {
			exts = cfg.ASCIIExtensions
		}
		if keep == nil {
			keep = cfg.KeepTimes
		}
		if segments == 0 {
			segments = cfg.Segments
		}
	}
	if flags.Type != "" {
		typ = flags.Type
	}
	mode, _ := transfer.ParseTypeMode(typ) // validated by flags.go and bookmarks
	return func(o *queue.Options) {
		o.Type, o.ASCIIExtensions = mode, exts
		o.NoKeepTimes = keep != nil && !*keep
		o.Segments = segments
	}
}

// noTempUpload reads --temp-upload/--no-temp-upload, else the bookmark's
// temp_upload, else config.toml's: true when uploads go straight to their
// final name (a temporary name, renamed when whole, is the default).
func noTempUpload(flags Flags, t target) bool {
	if flags.TempUpload != nil {
		return !*flags.TempUpload
	}
	if t.store != nil && t.bookmark != "" {
		if b, ok := t.store.Get(t.bookmark); ok && b.TempUpload != nil {
			return !*b.TempUpload
		}
	}
	if cfg, err := bookmarks.LoadConfig(bookmarks.ConfigDir(flags.ConfigDir)); err == nil && cfg.TempUpload != nil {
		return !*cfg.TempUpload
	}
	return false
}

// oneProcForPlainFTP runs a headless transfer over plain FTP (no TLS) on
// one processor. Such a transfer moves its bytes in system calls (splice
// for a download, writes for an upload) and otherwise waits on the
// network, so a second processor adds only the Go scheduler's spinning:
// each time a goroutine wakes, an idle processor spins looking for work,
// and on a small machine that CPU is taken from whatever else runs there
// — on loopback, the server answering the next command. On two vCPUs
// against vsftpd, 2,000 files of 4 KiB took 1.35 s instead of 1.80 s at
// --parallel 1 and 0.87 s instead of 0.99 s at --parallel 4
// (docs/performance.md); 1 GiB moved at the same rate. TLS does its cryptography in Go, so a TLS site keeps
// every processor, and so does the TUI, which draws while it transfers.
func oneProcForPlainFTP(ts []target, env Env) {
	if env.Procs == nil {
		return
	}
	for _, t := range ts {
		if t.site.TLS != transfer.TLSOff {
			return
		}
	}
	env.Procs(1)
}

// fail counts n sources that could not be queued because of err.
func (r *headless) fail(n int, err error) {
	fmt.Fprintf(r.env.Stderr, "ftpdeck: %s\n", userMessage(err))
	r.failed += n
}

// failf counts one source that could not be queued.
func (r *headless) failf(format string, args ...any) {
	fmt.Fprintf(r.env.Stderr, "ftpdeck: "+format+"\n", args...)
	r.failed++
}

// finish starts q's workers, waits for its jobs (showing progress on a
// terminal), closes it, reports every failed and skipped job on stderr,
// and returns how many jobs were done.
func (r *headless) finish(q *queue.Queue) int {
	done := r.done
	q.Start()
	shown := make(chan struct{})
	w := newWatcher(r)
	go w.run(q.Updates(), shown)
	if err := q.Wait(r.ctx); err != nil {
		r.interrupted = true
	}
	_ = q.Close()
	<-shown
	jobs := q.Snapshot().Jobs
	if r.json {
		w.jobs(jobs, time.Now(), true)
	}
	for _, j := range jobs {
		name := j.Remote
		if j.Dir == queue.Upload {
			name = j.Local
		}
		if j.Note != "" && !r.quiet && (j.State == queue.Done || j.State == queue.Skipped) {
			// what the queue did on the job's behalf: a fallback to the
			// other mode, a resumed or already complete file
			fmt.Fprintf(r.env.Stderr, "ftpdeck: %s %s: %s\n", r.verb, wire.Escape(name), wire.Escape(j.Note))
		}
		switch j.State {
		case queue.Done:
			r.done++
			r.bytes += j.Done
		case queue.Skipped:
			r.skipped++
			if r.quiet || j.Note != "" {
				continue // quiet, or said above
			}
			target := j.Local
			if j.Dir == queue.Upload {
				target = j.Remote
			}
			fmt.Fprintf(r.env.Stderr, "ftpdeck: skipped %s: %s exists (use --on-conflict)\n", wire.Escape(name), wire.Escape(target))
		case queue.Failed:
			r.failed++
			fmt.Fprintf(r.env.Stderr, "ftpdeck: %s %s: %s\n", r.verb, wire.Escape(name), hinted(j))
		default: // paused or queued: the run was interrupted
			r.failed++
			fmt.Fprintf(r.env.Stderr, "ftpdeck: %s %s: interrupted after %d bytes\n", r.verb, wire.Escape(name), j.Done)
		}
	}
	return r.done - done
}

// hinted words a failed job's error like userMessage: a data-connection
// failure suggests the other mode, or, when the queue already fell back
// to it, what each mode needs.
func hinted(j *queue.Job) string {
	msg := wire.Escape(j.Err)
	switch j.ErrMode {
	case "":
		return msg // not a data-connection failure
	case queue.ErrModeBoth:
		return msg + bothFailed
	}
	m, err := transfer.ParseMode(j.ErrMode)
	if err != nil {
		return msg
	}
	return msg + tryOther(m)
}

// result is the command's outcome: the summary on stderr when anything
// was skipped or failed, and errReported when anything failed.
func (r *headless) result() error {
	if r.json {
		_ = writeJSON(r.env.Stdout, summaryLine{Kind: "summary", Done: r.done, Skipped: r.skipped, Failed: r.failed,
			Bytes: r.bytes, Seconds: roundSecs(time.Since(r.began).Seconds())})
	}
	if r.failed > 0 || (r.skipped > 0 && !r.quiet) {
		fmt.Fprintf(r.env.Stderr, "ftpdeck: %d done, %d skipped, %d failed\n", r.done, r.skipped, r.failed)
	}
	if r.interrupted {
		fmt.Fprintf(r.env.Stderr, "ftpdeck: interrupted; the .part files are kept: run the same command again to resume\n")
	}
	if r.failed > 0 || r.interrupted {
		return errReported
	}
	return nil
}
