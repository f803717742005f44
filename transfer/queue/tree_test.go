package queue

import (
	"path/filepath"
	"testing"
	"time"

	"ftpdeck/internal/demoserver"
	"ftpdeck/internal/ftpd"
	"ftpdeck/transfer"
)

// roundTrip downloads /tree from the server into a fresh folder and
// uploads it back to /up-MODE/tree, with four workers in mode, and checks
// every SHA-256 both ways. serverRoot is the server's "/" on this machine.
func roundTrip(t *testing.T, site transfer.Site, serverRoot string, want map[string]string, mode transfer.Mode) {
	sess := transfer.NewSession(site, transfer.NewLog(2000))
	sess.SetMode(mode)
	q := startQueue(t, sess, Options{Parallel: 4, StateDir: t.TempDir(), Policy: Skip})
	c := dial(t, sess)
	local := t.TempDir()
	start := time.Now()
	n, err := q.AddDownload(testCtx(t, 30*time.Second), c, "/tree", true, local)
	if err != nil || n != len(want) {
		t.Fatalf("AddDownload: %d jobs, %v; want %d", n, err, len(want))
	}
	s := waitDone(t, q, 60*time.Second)
	if s.Done != len(want) {
		t.Fatalf("download: %d done of %d:%s", s.Done, len(want), failures(s))
	}
	t.Logf("%s download: %d files, %.1f MiB in %s", mode, s.Done, float64(s.BytesDone)/(1<<20), time.Since(start).Round(time.Millisecond))
	compareTrees(t, "download", hashTree(t, filepath.Join(local, "tree")), want)

	up := "/up-" + mode.String()
	if err := c.MakeDir(testCtx(t, 10*time.Second), up); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	n, err = q.AddUpload(testCtx(t, 30*time.Second), c, filepath.Join(local, "tree"), up)
	if err != nil || n != len(want) {
		t.Fatalf("AddUpload: %d jobs, %v; want %d", n, err, len(want))
	}
	s = waitDone(t, q, 60*time.Second)
	if s.Done != 2*len(want) {
		t.Fatalf("upload: %d done of %d:%s", s.Done, 2*len(want), failures(s))
	}
	t.Logf("%s upload: %d files in %s", mode, len(want), time.Since(start).Round(time.Millisecond))
	compareTrees(t, "upload", hashTree(t, filepath.Join(serverRoot, "up-"+mode.String(), "tree")), want)
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestTreeRoundTripDemo(t *testing.T) {
	root := t.TempDir()
	want := writeTree(t, filepath.Join(root, "tree"), treeSpec())
	srv, err := demoserver.Start(demoserver.Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	site := transfer.Site{Host: "127.0.0.1", Port: srv.Port(), User: "demo", Password: "demo", Timeout: 20 * time.Second}
	for _, m := range []transfer.Mode{transfer.Passive, transfer.Active} {
		t.Run(m.String(), func(t *testing.T) { roundTrip(t, site, root, want, m) })
	}
}

func TestTreeRoundTripVsftpd(t *testing.T) {
	root := t.TempDir()
	want := writeTree(t, filepath.Join(root, "tree"), treeSpec())
	d := ftpd.StartVsftpd(t, ftpd.Options{Root: root})
	site := transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password, Timeout: 20 * time.Second}
	for _, m := range []transfer.Mode{transfer.Passive, transfer.Active} {
		t.Run(m.String(), func(t *testing.T) { roundTrip(t, site, d.Root, want, m) })
	}
}
