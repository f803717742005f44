// Command ftpdeck is an interactive terminal FTP client with dual panes,
// a transfer queue, a one-key active/passive toggle and a live protocol log.
package main

import (
	"fmt"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) > 0 && args[0] == "version" {
		fmt.Println("ftpdeck dev")
		return 0
	}
	fmt.Fprintln(os.Stderr, "ftpdeck: not yet wired")
	return 2
}
