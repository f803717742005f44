package bookmarks

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name, text string
		want       Config
		wantErr    string
	}{
		{"missing", "", DefaultConfig(), ""},
		{"all keys", "mode = \"active\"\nparallel = 4\ntimeout = \"1m30s\"\nshow_hidden = true\nlog_lines = 100\nfallback = false\nkeepalive = \"20s\"\n",
			Config{Mode: ModeActive, Parallel: 4, Timeout: 90 * time.Second, ShowHidden: true, LogLines: 100, Keepalive: 20 * time.Second}, ""},
		{"partial keeps defaults", "parallel = 3\n", Config{Mode: ModePassive, Parallel: 3, Timeout: 30 * time.Second, LogLines: 5000, Fallback: true, Keepalive: time.Minute}, ""},
		{"keepalive off", "keepalive = \"0s\"\n", Config{Mode: ModePassive, Parallel: 2, Timeout: 30 * time.Second, LogLines: 5000, Fallback: true}, ""},
		{"bare number keepalive", "keepalive = 60\n", DefaultConfig(), "keepalive 60ns"},
		{"malformed", "mode = \"active\"\nparallel = = 3\n", DefaultConfig(), "config.toml:2:"},
		{"bad duration", "timeout = \"soon\"\n", DefaultConfig(), "config.toml:1:"},
		{"bare number timeout", "timeout = 30\n", DefaultConfig(), "shorter than 1s"},
		{"bad mode", "mode = \"pasv\"\n", DefaultConfig(), `mode "pasv"`},
		{"bad parallel", "parallel = 0\n", DefaultConfig(), "parallel 0"},
		{"unknown key", "paralel = 3\n", DefaultConfig(), `unknown key "paralel"`},
		{"transfer settings", "transfer_type = \"auto\"\nascii_extensions = [\"txt\", \"prn\"]\nkeep_times = false\n",
			Config{Mode: ModePassive, Parallel: 2, Timeout: 30 * time.Second, LogLines: 5000, Fallback: true,
				TransferType: TypeAuto, ASCIIExtensions: []string{"txt", "prn"}, KeepTimes: new(false), Keepalive: DefaultKeepalive}, ""},
		{"bad transfer type", "transfer_type = \"text\"\n", DefaultConfig(), `transfer_type "text"`},
		{"limit rate", "limit_rate = \"1.5M\"\n", Config{Mode: ModePassive, Parallel: 2, Timeout: 30 * time.Second, LogLines: 5000, Fallback: true, Keepalive: DefaultKeepalive, LimitRate: "1.5M"}, ""},
		{"bad limit rate", "limit_rate = \"fast\"\n", DefaultConfig(), `limit_rate "fast" is not a rate`},
		{"limit rate as a number", "limit_rate = 1048576\n", Config{Mode: ModePassive, Parallel: 2, Timeout: 30 * time.Second, LogLines: 5000, Fallback: true, Keepalive: DefaultKeepalive, LimitRate: "1048576"}, ""},
		{"negative limit rate", "limit_rate = -5\n", DefaultConfig(), "cannot be negative"},
		{"limit rate as a float", "limit_rate = 1.5\n", DefaultConfig(), "as a number (1048576) or a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.name != "missing" {
				writeFile(t, filepath.Join(dir, ConfigFile), tt.text, 0o644)
			}
			got, err := LoadConfig(dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDirs(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("XDG_STATE_HOME", "")
	if got := ConfigDir("/flag/dir"); got != "/flag/dir" {
		t.Errorf("flag: %q", got)
	}
	if got := ConfigDir(""); got != filepath.Join(home, ".config", "ftpdeck") {
		t.Errorf("home config: %q", got)
	}
	if got := StateDir(""); got != filepath.Join(home, ".local", "state", "ftpdeck") {
		t.Errorf("home state: %q", got)
	}
	t.Setenv("XDG_CONFIG_HOME", "/xdg/cfg")
	t.Setenv("XDG_STATE_HOME", "/xdg/state")
	if got := ConfigDir(""); got != "/xdg/cfg/ftpdeck" {
		t.Errorf("xdg config: %q", got)
	}
	if got := StateDir(""); got != "/xdg/state/ftpdeck" {
		t.Errorf("xdg state: %q", got)
	}
	if got := StateDir("/s"); got != "/s" {
		t.Errorf("state flag: %q", got)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative")
	if got := ConfigDir(""); got != filepath.Join(home, ".config", "ftpdeck") {
		t.Errorf("relative XDG not ignored: %q", got)
	}
}
