//go:build !linux

package cli

import "os"

// makeDurable flushes the downloads of a headless run to disk, once for
// the whole run: the queue skipped the fsync of each file (DeferSync), so
// success is reported only after this.
func makeDurable(_ string, files []string) error {
	for _, p := range files {
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		err = f.Sync()
		_ = f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
