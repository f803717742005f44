package queue

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// TestUploadIntoMissingFolders: a file uploaded to a path whose folders
// are not there, and a folder uploaded into one, land on the server's disk
// byte for byte, the folders made as mkdir -p (FileZilla's uploads, lftp's
// mirror -R) — on every daemon, chrooted and not.
func TestUploadIntoMissingFolders(t *testing.T) {
	type shape struct {
		kind ftpd.Kind
		opts ftpd.Options
	}
	shapes := map[string]shape{"vsftpd not chrooted": {ftpd.Vsftpd, ftpd.Options{NoChroot: true}}}
	for _, k := range daemonKinds {
		shapes[string(k)] = shape{k, ftpd.Options{}}
	}
	local := t.TempDir()
	one := genData(81, 70000)
	if err := os.WriteFile(filepath.Join(local, "one.bin"), one, 0o644); err != nil {
		t.Fatal(err)
	}
	tree := filepath.Join(local, "tree")
	want := writeTree(t, tree, treeSpec())
	for name, sh := range shapes {
		t.Run(name, func(t *testing.T) {
			d := ftpd.Start(t, sh.kind, sh.opts)
			sess, lg := daemonSession(d)
			q := startQueue(t, sess, Options{Parallel: 2})
			ctx := testCtx(t, 20*time.Second)
			c := dial(t, sess)
			if _, err := q.AddUploadTo(ctx, c, filepath.Join(local, "one.bin"), path.Join(d.Home, "n1/n2/one.bin")); err != nil {
				t.Fatal(err)
			}
			if _, err := q.AddUpload(ctx, c, tree, path.Join(d.Home, "m1/m2")); err != nil {
				t.Fatalf("folder into a missing path: %v\n%s", err, notes(lg))
			}
			s := waitDone(t, q, 60*time.Second)
			if s.Failed != 0 {
				t.Fatalf("%s\n%s", failures(s), notes(lg))
			}
			if got, err := os.ReadFile(filepath.Join(d.Root, "n1/n2/one.bin")); err != nil || !bytes.Equal(got, one) {
				t.Errorf("one.bin on the server: %d bytes, %v", len(got), err)
			}
			compareTrees(t, "tree on the server", hashTree(t, filepath.Join(d.Root, "m1/m2/tree")), want)
			if !strings.Contains(notes(lg), "made missing folders: "+path.Join(d.Home, "n1")+", "+path.Join(d.Home, "n1/n2")) {
				t.Errorf("no note of the folders made:\n%s", notes(lg))
			}
		})
	}
}

// TestUploadFolderRefused: where the server refuses to make the missing
// folder, the upload fails at once with both refusals in its words, and
// nothing is retried without end.
func TestUploadFolderRefused(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Mkdir("/locked")
	srv.Handle("MKD", ftpscript.Reply("550 Permission denied."))
	srv.Handle("STOR", func(c *ftpscript.Conn, arg string) {
		if !c.Server().Files.IsDir(path.Dir(c.Path(arg))) {
			c.Reply("553 Could not create file.")
			return
		}
		c.Builtin(arg)
	})
	src := filepath.Join(t.TempDir(), "f.bin")
	if err := os.WriteFile(src, genData(82, 5000), 0o644); err != nil {
		t.Fatal(err)
	}
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1})
	if _, err := q.AddUploadTo(testCtx(t, 5*time.Second), dial(t, sess), src, "/locked/new/f.bin"); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 20*time.Second)
	if s.Failed != 1 {
		t.Fatalf("want the job failed:%s", failures(s))
	}
	if e := s.Jobs[0].Err; !strings.Contains(e, "553 Could not create file") || !strings.Contains(e, "550 Permission denied") {
		t.Errorf("error %q: want the STOR refusal and the MKD refusal", e)
	}
	if n := count(srv.Transcript(), "MKD /locked/new"); n != 1 {
		t.Errorf("MKD /locked/new sent %d times, want 1: %q", n, srv.Transcript())
	}
}
