package transfer

import "ftpdeck/transfer/internal/ctl"

// SetMaxListingEntries lowers the listing entry cap for a test and returns
// a function that restores it.
func SetMaxListingEntries(n int64) (restore func()) {
	return ctl.SetMaxListingEntries(n)
}
