package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"ftpdeck/bookmarks"
	"ftpdeck/internal/demoserver"
	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/transfer/trust"
	"ftpdeck/ui"
)

// runTUI starts the interactive client: on a URL or bookmark given as the
// argument, on the embedded demo server with --demo, or unconnected (the
// user opens a connection with o or b).
func runTUI(ctx context.Context, flags Flags, pos []string, env Env) error {
	opts, cleanup, err := tuiOptions(flags, pos, env)
	if err != nil {
		return err
	}
	defer cleanup()
	return ui.Run(ctx, opts)
}

// tuiOptions builds the UI's options from the flags and the argument (a
// URL, a bookmark name, or none). The returned cleanup closes the --log
// file and the demo server. Tests drive ui.New with these options.
func tuiOptions(flags Flags, pos []string, env Env) (opts ui.Options, cleanup func(), err error) {
	var closers []func()
	cleanup = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	if len(pos) > 1 {
		return opts, cleanup, usagef("unknown command %q", pos[0])
	}
	configDir := bookmarks.ConfigDir(flags.ConfigDir)
	cfg, err := bookmarks.LoadConfig(configDir)
	if err != nil {
		return opts, cleanup, err
	}
	// A bookmarks file that cannot be loaded does not stop the TUI: the
	// store refuses to save over it, and the UI shows why (status line and
	// the b list), so the user's file is neither lost nor overwritten.
	store, notices, loadErr := bookmarks.Open(configDir)
	log := transfer.NewLog(cfg.LogLines)
	if flags.LogFile == "-" {
		return opts, cleanup, usagef("--log - would write into the TUI's screen: give a file")
	}
	closeLog, err := addLogSink(log, flags.LogFile, env)
	if err != nil {
		return opts, cleanup, err
	}
	closers = append(closers, closeLog)

	stateDir := bookmarks.StateDir(flags.StateDir)
	// --on-conflict in the TUI: ask unless told (flags.go admits only the
	// five policy names).
	policy := queue.Ask
	if flags.OnConflict != "" {
		if policy, err = queue.ParsePolicy(flags.OnConflict); err != nil {
			return opts, nil, usagef("--on-conflict: %v", err)
		}
	}
	// --no-temp-upload or config.toml's temp_upload (a bookmark named on
	// the command line: its own, below).
	noTemp := noTempUpload(flags, target{})
	// The fallback to the other mode: off with --active/--passive or
	// --no-fallback, else config.toml's (a bookmark named on the command
	// line: its own, below).
	fallback := flags.Mode == nil && !flags.NoFallback && cfg.Fallback
	// --type, transfer_type, ascii_extensions, keep_times (a bookmark's
	// own, below)
	files := fileSettings(flags, target{})
	// --limit-rate or config.toml's limit_rate (a bookmark named on the
	// command line: its own, below): one limit for every queue of the
	// TUI, changed while transfers run (ui's rate key), so every transfer
	// goes through it even while it is 0.
	rate := queue.NewRateLimit(rateLimit(flags, target{}))
	tune := func(o *queue.Options) {
		o.NoTempUpload, o.NoFallback = noTemp, !fallback
		files(o)
		o.RateLimit, o.RateAdjustable = rate, true
	}
	opts = ui.Options{
		Log:        log,
		LocalDir:   flags.Local,
		Parallel:   firstPositive(flags.Parallel, cfg.Parallel, 2),
		StateDir:   stateDir,
		ConfigDir:  configDir,
		Bookmarks:  store,
		LogLines:   cfg.LogLines,
		ShowHidden: cfg.ShowHidden,
		Policy:     policy,
		QueueFor:   func(n int) ui.QueueFactory { return ui.DefaultQueueFactory(n, stateDir, policy, tune) },
		RateFor: func(b bookmarks.Site) int64 {
			return rateLimit(flags, target{store: store, bookmark: b.Name})
		},
	}
	for _, n := range notices {
		opts.Notices = append(opts.Notices, n.String())
	}
	if loadErr != nil {
		opts.Notices = append(opts.Notices, loadErr.Error())
	}
	if opts.Trust, err = flags.verifier(); err != nil {
		return opts, cleanup, err
	}
	var site *transfer.Site
	switch {
	case flags.Demo:
		// The demo serves a temporary sample tree and keeps its own queue,
		// so nothing of it is left behind and the user's queue is untouched.
		tmp, err := os.MkdirTemp("", "ftpdeck-demo-")
		if err != nil {
			return opts, cleanup, err
		}
		closers = append(closers, func() { _ = os.RemoveAll(tmp) })
		srv, err := demoserver.Start(demoserver.Options{})
		if err != nil {
			return opts, cleanup, fmt.Errorf("demo server: %w", err)
		}
		closers = append(closers, func() { _ = srv.Close() })
		s, _, err := transfer.ParseURL(srv.URL())
		if err != nil {
			return opts, cleanup, err
		}
		demo := target{site: s}
		applyConfig(cfg, &demo, nil)
		site = &demo.site
		opts.StateDir = filepath.Join(tmp, "state")
		opts.QueueFor = nil
		opts.Title = "ftpdeck demo"
	case len(pos) == 1:
		res := &resolver{
			flags: flags, env: env, askLater: true,
			store:    func() (*bookmarks.Store, error) { return store, loadErr },
			verifier: func() (*trust.Verifier, error) { return opts.Trust, nil },
			config:   func() (bookmarks.Config, error) { return cfg, nil },
		}
		t, err := res.resolve(pos[0])
		if err != nil {
			return opts, cleanup, err
		}
		site = &t.site
		opts.AskPassword = t.needPassword
		fallback = t.fallback
		if t.bookmark != "" {
			opts.Bookmark = t.bookmark
			if opts.LocalDir == "" {
				opts.LocalDir = t.start.LocalDir
			}
			t.noteMode(log)
			noTemp = noTempUpload(flags, t)
			files = fileSettings(flags, t)
			rate.Set(rateLimit(flags, t))
		}
		opts.Parallel = t.parallel
	}
	if site != nil {
		flags.apply(site)
		site.Trust = opts.Trust
		opts.Session = transfer.NewSession(*site, log)
	}
	opts.NewQueue = ui.DefaultQueueFactory(opts.Parallel, opts.StateDir, opts.Policy, tune)
	return opts, cleanup, nil
}

func firstPositive(vs ...int) int {
	for _, v := range vs {
		if v > 0 {
			return v
		}
	}
	return 0
}
