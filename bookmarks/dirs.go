package bookmarks

import (
	"os"
	"path/filepath"
)

// AppName is the name of ftpdeck's folders under the XDG base folders.
const AppName = "ftpdeck"

// ConfigDir returns the folder for config.toml, bookmarks.toml and
// known_certs: flagValue (--config) when set, else $XDG_CONFIG_HOME/ftpdeck,
// else ~/.config/ftpdeck. A relative $XDG_CONFIG_HOME is ignored, as the
// XDG specification asks.
func ConfigDir(flagValue string) string {
	return xdgDir(flagValue, "XDG_CONFIG_HOME", filepath.Join(".config"))
}

// StateDir returns the folder for the queue's store: flagValue (--state) when set,
// else $XDG_STATE_HOME/ftpdeck, else ~/.local/state/ftpdeck.
func StateDir(flagValue string) string {
	return xdgDir(flagValue, "XDG_STATE_HOME", filepath.Join(".local", "state"))
}

func xdgDir(flagValue, env, homeRel string) string {
	if flagValue != "" {
		return flagValue
	}
	if base := os.Getenv(env); base != "" && filepath.IsAbs(base) {
		return filepath.Join(base, AppName)
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		// No home: fall back to a folder relative to the working folder,
		// which at least keeps the program usable and the path visible.
		return filepath.Join(homeRel, AppName)
	}
	return filepath.Join(home, homeRel, AppName)
}
