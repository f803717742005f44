// Package connopts turns a saved bookmark into what connecting to it needs:
// the engine's Site and the start settings (local folder, parallel
// transfers, the note for a remembered mode). The command line (ftpdeck
// NAME, ls/get/put NAME) and the TUI's bookmark list both use it, so the
// two cannot drift apart. It imports nothing of the UI.
package connopts

import (
	"fmt"
	"net/netip"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
)

// Start is what connecting to a bookmark needs: the engine's Site and the
// UI's start settings. Site.Password is set only when no look-up is needed
// (an anonymous site, or a password saved in the bookmark); otherwise
// NeedPassword is true and the caller runs bookmarks.ResolvePassword (the
// CLI with a terminal prompt, the TUI with its masked dialog).
type Start struct {
	Site         transfer.Site
	NeedPassword bool
	LocalDir     string // local pane's start folder; "" = keep the current one
	Parallel     int    // transfer connections; 0 = the default
	// KeepaliveSet: the bookmark sets keepalive (else Site.Keepalive is
	// the default, and config.toml's value may replace it).
	KeepaliveSet bool
	// ModeNote is the log note to write when the mode came from
	// last_good_mode rather than an explicit mode; "" otherwise.
	ModeNote string
}

// FromBookmark turns a bookmark into the settings used to connect to it:
// every site setting of INTERFACE.md (host, port, user, password, tls,
// mode or else last_good_mode, active_addr, active_ports,
// trust_pasv_address, remote_dir, local_dir, parallel, encoding). Both the
// command line (ftpdeck NAME, ls/get/put NAME) and the TUI's bookmark list
// use it, so the two cannot drift apart. Errors name the bookmark and the
// field, never the password.
func FromBookmark(b bookmarks.Site) (Start, error) {
	fail := func(field string, err error) (Start, error) {
		return Start{}, fmt.Errorf("bookmark %s: %s: %w", b.Name, field, err)
	}
	s := transfer.Site{
		Host:             b.Host,
		Port:             b.EffectivePort(),
		User:             b.EffectiveUser(),
		TrustPASVAddress: b.TrustPASVAddress,
		Path:             b.RemoteDir,
		Encoding:         b.Encoding,
		Timeout:          transfer.DefaultTimeout,
	}
	if s.Host == "" {
		return fail("host", fmt.Errorf("empty"))
	}
	var err error
	if s.TLS, err = transfer.ParseTLSMode(b.TLS); err != nil {
		return fail("tls", err)
	}
	st := Start{LocalDir: b.LocalDir, Parallel: b.Parallel}
	switch {
	case b.Mode != "":
		if s.Mode, err = transfer.ParseMode(b.Mode); err != nil {
			return fail("mode", err)
		}
	case b.LastGoodMode != "":
		if s.Mode, err = transfer.ParseMode(b.LastGoodMode); err != nil {
			return fail("last_good_mode", err)
		}
		st.ModeNote = ModeNote(b.Name, s.Mode)
	}
	// "auto" is the control connection's local address: ftpdeck never asks
	// anything outside for a public one.
	if b.ActiveAddr != "" && b.ActiveAddr != "auto" {
		a, err := netip.ParseAddr(b.ActiveAddr)
		if err != nil {
			return fail("active_addr", err)
		}
		s.ActiveAddr = a.Unmap()
	}
	if s.ActivePorts, err = transfer.ParsePortRange(b.ActivePorts); err != nil {
		return fail("active_ports", err)
	}
	if s.Keepalive, st.KeepaliveSet, err = bookmarks.ParseKeepalive(b.Keepalive); err != nil {
		return fail("keepalive", err)
	}
	if !st.KeepaliveSet {
		s.Keepalive = bookmarks.DefaultKeepalive
	}
	if b.Parallel < 0 || b.Parallel > bookmarks.MaxParallel {
		return fail("parallel", fmt.Errorf("%d is not between 1 and %d", b.Parallel, bookmarks.MaxParallel))
	}
	switch {
	case b.Password != "":
		s.Password = b.Password
	case b.PasswordCmd == "" && s.User == "anonymous":
		s.Password = "ftpdeck@"
	default:
		st.NeedPassword = true
	}
	st.Site = s
	return st, nil
}

// ModeNote is the log note written when a bookmark's remembered mode is
// used: "using the mode that last worked for NAME: active".
func ModeNote(name string, m transfer.Mode) string {
	return fmt.Sprintf("using the mode that last worked for %s: %s", name, m)
}
