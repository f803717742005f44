// Command ftpdeck is an interactive terminal FTP client with dual panes,
// a transfer queue, a one-key active/passive toggle and a live protocol log.
package main

import (
	"os"

	"ftpdeck/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.DefaultEnv()))
}
