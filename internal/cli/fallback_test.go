package cli

import (
	"os"
	"path/filepath"
	"testing"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
)

// The fallback setting: a mode given on the command line or --no-fallback
// turn it off; else the bookmark's fallback, else config.toml's, which is
// on by default.
func TestFallbackSetting(t *testing.T) {
	on, off := true, false
	active := transfer.Active
	for _, tc := range []struct {
		name   string
		flags  Flags
		config string // config.toml
		site   *bool  // the bookmark's fallback
		want   bool
	}{
		{"default", Flags{}, "", nil, true},
		{"config off", Flags{}, "fallback = false\n", nil, false},
		{"bookmark on beats config off", Flags{}, "fallback = false\n", &on, true},
		{"bookmark off", Flags{}, "", &off, false},
		{"--no-fallback beats bookmark", Flags{NoFallback: true}, "", &on, false},
		{"--active given: only that mode", Flags{Mode: &active}, "fallback = true\n", &on, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.config != "" {
				if err := os.WriteFile(filepath.Join(dir, bookmarks.ConfigFile), []byte(tc.config), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			tc.flags.ConfigDir = dir
			got, err := newResolver(tc.flags, Env{}).fallback(tc.site)
			if err != nil || got != tc.want {
				t.Errorf("fallback = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestNoFallbackFlag(t *testing.T) {
	f, _, err := parseArgs([]string{"get", "--no-fallback", "--passive", "ftp://h/x", "."})
	if err != nil || !f.NoFallback || f.Mode == nil || *f.Mode != transfer.Passive {
		t.Errorf("parseArgs: %+v, %v", f, err)
	}
}
