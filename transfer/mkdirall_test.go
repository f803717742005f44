package transfer_test

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ftpdeck/internal/ftpd"
	"ftpdeck/transfer"
)

// TestMakeDirAll makes folders as mkdir -p on every server, chrooted and
// not (paths under the login folder, absolute as the server names them):
// missing levels are made topmost first, an existing folder is left alone,
// and a file in the way is named.
func TestMakeDirAll(t *testing.T) {
	all := servers()
	all["vsftpd not chrooted"] = func(t *testing.T) server {
		d := ftpd.Start(t, ftpd.Vsftpd, ftpd.Options{NoChroot: true})
		return server{name: "vsftpd", host: d.Host, port: d.Port, user: d.User, pass: d.Password, root: d.Root,
			seed: func(t *testing.T, rel string, data []byte) { d.WriteFile(t, rel, data) }}
	}
	for name, start := range all {
		t.Run(name, func(t *testing.T) {
			s := start(t)
			s.seed(t, "have/f.txt", []byte("x"))
			_, c, rec := dial(t, s, transfer.Passive)
			ctx := context.Background()
			home, err := c.CurrentDir(ctx)
			if err != nil {
				t.Fatal(err)
			}
			at := func(rel string) string { return path.Join(home, rel) }
			onDisk := func(rel string) bool {
				fi, err := os.Stat(filepath.Join(s.root, rel))
				return err == nil && fi.IsDir()
			}

			made, err := c.MakeDirAll(ctx, at("new/a/b"))
			if want := []string{at("new"), at("new/a"), at("new/a/b")}; err != nil || !slices.Equal(made, want) || !onDisk("new/a/b") {
				t.Errorf("three missing levels: made %q, %v; want %q\n%s", made, err, want, rec.text())
			}
			made, err = c.MakeDirAll(ctx, at("have/c"))
			if err != nil || !slices.Equal(made, []string{at("have/c")}) || !onDisk("have/c") {
				t.Errorf("one level under an existing folder: made %q, %v", made, err)
			}
			for _, p := range []string{at("new/a/b"), home} {
				if made, err := c.MakeDirAll(ctx, p); err != nil || len(made) != 0 {
					t.Errorf("existing %s: made %q, %v", p, made, err)
				}
			}
			made, err = c.MakeDirAll(ctx, at("have/f.txt/sub/x"))
			if err == nil || !strings.Contains(err.Error(), at("have/f.txt")+" is a file") || len(made) != 0 {
				t.Errorf("a file in the way: made %q, %v", made, err)
			}
			if es, err := c.List(ctx, at("have"), false); err != nil || !hasEntry(es, "f.txt", 1) {
				t.Errorf("in step after: %v\n%s", err, rec.text())
			}
		})
	}
}
