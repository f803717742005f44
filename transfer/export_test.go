package transfer

// SetMaxListingEntries lowers the listing entry cap for a test and returns
// a function that restores it.
func SetMaxListingEntries(n int64) (restore func()) {
	old := maxListingEntries
	maxListingEntries = n
	return func() { maxListingEntries = old }
}
