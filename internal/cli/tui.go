package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"ftpdeck/bookmarks"
	"ftpdeck/internal/demoserver"
	"ftpdeck/transfer"
	"ftpdeck/ui"
)

// runTUI starts the interactive client: on a URL or bookmark given as the
// argument, on the embedded demo server with --demo, or unconnected (the
// user opens a connection with o or b).
func runTUI(ctx context.Context, flags Flags, pos []string, env Env) error {
	if len(pos) > 1 {
		return usagef("unknown command %q", pos[0])
	}
	configDir := bookmarks.ConfigDir(flags.ConfigDir)
	cfg, err := bookmarks.LoadConfig(configDir)
	if err != nil {
		return err
	}
	store, notices, err := bookmarks.Open(configDir)
	for _, n := range notices {
		fmt.Fprintf(env.Stderr, "ftpdeck: %s\n", n)
	}
	if err != nil {
		return err
	}
	log := transfer.NewLog(cfg.LogLines)
	if flags.LogFile == "-" {
		return usagef("--log - would write into the TUI's screen: give a file")
	}
	log, closeLog, err := withLogFile(log, flags)
	if err != nil {
		return err
	}
	defer closeLog()

	opts := ui.Options{
		Log:        log,
		LocalDir:   flags.Local,
		Parallel:   firstPositive(flags.Parallel, cfg.Parallel, 2),
		StateDir:   bookmarks.StateDir(flags.StateDir),
		ConfigDir:  configDir,
		Bookmarks:  store,
		LogLines:   cfg.LogLines,
		ShowHidden: cfg.ShowHidden,
	}
	if opts.Trust, err = flags.verifier(); err != nil {
		return err
	}
	var site *transfer.Site
	switch {
	case flags.Demo:
		// The demo serves a temporary sample tree and keeps its own queue,
		// so nothing of it is left behind and the user's queue is untouched.
		tmp, err := os.MkdirTemp("", "ftpdeck-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		srv, err := demoserver.Start(demoserver.Options{})
		if err != nil {
			return fmt.Errorf("demo server: %w", err)
		}
		defer srv.Close()
		s, _, err := transfer.ParseURL(srv.URL())
		if err != nil {
			return err
		}
		site = &s
		opts.StateDir = filepath.Join(tmp, "state")
		opts.Title = "ftpdeck demo"
	case len(pos) == 1:
		t, err := resolveTarget(flags, pos[0], env)
		if err != nil {
			return err
		}
		site = &t.site
		if bm, ok := store.Get(pos[0]); ok && !isURL(pos[0]) {
			opts.Bookmark = bm.Name
			if opts.LocalDir == "" {
				opts.LocalDir = bm.LocalDir
			}
			if flags.Parallel == 0 && bm.Parallel > 0 {
				opts.Parallel = bm.Parallel
			}
		}
	}
	if site != nil {
		if flags.Timeout == 0 && cfg.Timeout > 0 {
			site.Timeout = cfg.Timeout
		}
		if flags.Mode == nil && cfg.Mode != "" && !flags.Demo {
			if m, err := transfer.ParseMode(cfg.Mode); err == nil && len(pos) == 1 && isURL(pos[0]) {
				site.Mode = m
			}
		}
		flags.apply(site)
		site.Trust = opts.Trust
		opts.Session = transfer.NewSession(*site, log)
	}
	opts.NewQueue = ui.DefaultQueueFactory(opts.Parallel, opts.StateDir)
	return ui.Run(ctx, opts)
}

func isURL(s string) bool {
	_, _, err := transfer.ParseURL(s)
	return err == nil
}

func firstPositive(vs ...int) int {
	for _, v := range vs {
		if v > 0 {
			return v
		}
	}
	return 0
}

// withLogFile adds the --log FILE sink to an existing log.
func withLogFile(log *transfer.Log, flags Flags) (*transfer.Log, func(), error) {
	if flags.LogFile == "" {
		return log, func() {}, nil
	}
	f, err := os.OpenFile(flags.LogFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("--log: %w", err)
	}
	log.AddSink(f)
	return log, func() { _ = f.Close() }, nil
}
