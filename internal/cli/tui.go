package cli

import (
	"context"
)

// runTUI starts the interactive client (filled in when ui lands).
func runTUI(_ context.Context, _ Flags, _ []string, _ Env) error {
	return usagef("the TUI is not built yet")
}
