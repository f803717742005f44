package cli

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ftpdeck/internal/ftpd"
)

// TestPutTempUploadSetting: put renames a temporary name into place by
// default; --no-temp-upload, or temp_upload = false in config.toml, sends
// to the final name; --temp-upload beats config.toml.
func TestPutTempUploadSetting(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	src := filepath.Join(t.TempDir(), "up.bin")
	data := payload(200000)
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	base := "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/"
	plain, noTemp := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(noTemp, "config.toml"), []byte("temp_upload = false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args   []string
		config string
		rename bool
	}{
		{nil, plain, true},
		{[]string{"--no-temp-upload"}, plain, false},
		{nil, noTemp, false},
		{[]string{"--temp-upload"}, noTemp, true},
	} {
		args := append([]string{"put", "--log", "-", "--on-conflict", "overwrite", "--config", tc.config}, tc.args...)
		code, _, stderr := run(t, append(args, src, base)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", tc.args, code, stderr)
		}
		if got := d.ReadFile(t, "up.bin"); !bytes.Equal(got, data) {
			t.Fatalf("%v: content differs", tc.args)
		}
		if renamed := strings.Contains(stderr, "> RNTO /up.bin"); renamed != tc.rename {
			t.Errorf("%v with config %s: renamed %v, want %v\n%s", tc.args, filepath.Base(tc.config), renamed, tc.rename, stderr)
		}
	}
	if code, _, stderr := run(t, "put", "--on-conflict", "newer", "--config", plain, src, base); code != 0 || !strings.Contains(stderr, "skipped") {
		t.Errorf("--on-conflict newer on the same file: exit %d, %s", code, stderr)
	}
}
