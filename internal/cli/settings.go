package cli

import (
	"fmt"
	"sync"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
	"ftpdeck/transfer/wire"
)

// Settings come from three places, each beating the one before
// (INTERFACE.md, Files): config.toml, read by every command; the
// bookmark; the flags.

// openConfig returns a function that reads config.toml of the config
// folder on its first call and returns the same result on every later one.
func openConfig(flags Flags) func() (bookmarks.Config, error) {
	return sync.OnceValues(func() (bookmarks.Config, error) {
		return bookmarks.LoadConfig(bookmarks.ConfigDir(flags.ConfigDir))
	})
}

// applyConfig puts config.toml's defaults into a target's site where the
// bookmark (if any) left them unset: the mode when the bookmark has no
// mode and no last_good_mode, the keepalive when it has none, the timeout
// (bookmarks have none), and the number of transfer connections.
func applyConfig(cfg bookmarks.Config, t *target, bm *bookmarks.Site) {
	if bm == nil || (bm.Mode == "" && bm.LastGoodMode == "") {
		if m, err := transfer.ParseMode(cfg.Mode); err == nil {
			t.site.Mode = m
		}
	}
	if bm == nil || !t.start.KeepaliveSet {
		t.site.Keepalive = cfg.Keepalive
	}
	if cfg.Timeout > 0 {
		t.site.Timeout = cfg.Timeout
	}
	t.parallel = firstPositive(t.start.Parallel, cfg.Parallel)
}

// hintsToStderr makes the log's hints (advice such as "decodes cleanly as
// gbk — set encoding …") reach a headless command's stderr too, each text
// once.
func hintsToStderr(log *transfer.Log, env Env) {
	var mu sync.Mutex
	seen := map[string]bool{}
	log.OnHint(func(text string) {
		mu.Lock()
		defer mu.Unlock()
		if seen[text] {
			return
		}
		seen[text] = true
		fmt.Fprintf(env.Stderr, "ftpdeck: %s\n", wire.Escape(text))
	})
}
