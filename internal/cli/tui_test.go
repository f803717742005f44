package cli

import (
	"testing"

	"ftpdeck/transfer/queue"
)

// The TUI's queue follows --on-conflict; without it, it asks.
func TestTUIOnConflictPolicy(t *testing.T) {
	for flag, want := range map[string]queue.Policy{"": queue.Ask, "ask": queue.Ask, "overwrite": queue.Overwrite, "skip": queue.Skip, "rename": queue.Rename, "resume": queue.Resume} {
		args := []string{"--config", t.TempDir(), "--state", t.TempDir()}
		if flag != "" {
			args = append(args, "--on-conflict", flag)
		}
		flags, pos, err := parseArgs(args)
		if err != nil {
			t.Fatal(err)
		}
		opts, cleanup, err := tuiOptions(flags, pos, Env{})
		if err != nil {
			t.Fatalf("%q: %v", flag, err)
		}
		cleanup()
		if opts.Policy != want || opts.NewQueue == nil {
			t.Errorf("--on-conflict %q: policy %v, want %v", flag, opts.Policy, want)
		}
	}
}
