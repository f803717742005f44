package transfer_test

import (
	"context"
	"slices"
	"testing"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// TestWindowsRulesRefuseHostileListing: a hostile server lists names that
// are harmless on Linux but on Windows would open a device (CON.txt),
// write an alternate data stream (a:b, notes.txt:hidden), or land under
// another name (x., y ); the listing keeps them (they are valid names
// here) and the Windows table refuses every one as a local name, while
// Linux's accepts them. A case-only twin is one file on Windows and macOS.
func TestWindowsRulesRefuseHostileListing(t *testing.T) {
	hostile := []string{"CON.txt", "notes.txt:hidden", "x.", "y ", "lpt1", "Nul.tar.gz"}
	srv := ftpscript.Start(t)
	for _, n := range append([]string{"plain.txt", "Plain.TXT"}, hostile...) {
		srv.Files.Put("/d/"+n, []byte("x"))
	}
	// "a:b" is a drive path everywhere: List itself drops it.
	srv.Files.Put("/d/a:b", []byte("x"))
	_, c, _, err := dialScripted(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := c.List(context.Background(), "/d", true)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, e := range entries {
		listed = append(listed, e.Name)
	}
	if slices.Contains(listed, "a:b") {
		t.Errorf("a:b listed: %q", listed)
	}
	if transfer.RulesFor("windows").Problem("a:b") == "" {
		t.Error("the Windows rules accept a:b")
	}
	for _, goos := range []string{"windows", "linux", "darwin"} {
		names := transfer.NewLocalNames(transfer.RulesFor(goos))
		var refused []string
		for _, n := range listed {
			if names.Add(n) != "" {
				refused = append(refused, n)
			}
		}
		slices.Sort(refused)
		var want []string
		switch goos {
		case "windows":
			want = append(slices.Clone(hostile), "plain.txt") // and plain.txt: the twin of Plain.TXT, listed first
		case "darwin":
			want = []string{"plain.txt"}
		}
		slices.Sort(want)
		if !slices.Equal(refused, want) {
			t.Errorf("%s refused %q of %q, want %q", goos, refused, listed, want)
		}
	}
}
