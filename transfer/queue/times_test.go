package queue

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/transfer"
)

// daemonKinds are the three real servers the time and type tests run on.
var daemonKinds = []ftpd.Kind{ftpd.Vsftpd, ftpd.ProFTPD, ftpd.PureFTPd}

func daemonSession(d *ftpd.Daemon) (*transfer.Session, *transfer.Log) {
	lg := transfer.NewLog(5000)
	site := transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password, Timeout: 10 * time.Second}
	return transfer.NewSession(site, lg), lg
}

func mtime(t *testing.T, p string) time.Time {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.ModTime().UTC()
}

// TestKeepTimesDaemons (issue 21, times kept): against each daemon, a
// download gets the remote file's time, from MDTM for a single file and
// from the listing for a folder's files (to the listing's precision: the
// day for an old file in LIST); an upload's remote file gets the local
// file's time after the rename, where FEAT offers a way (MFMT, or
// vsftpd's MDTM with a time), else the log says there is none. With
// NoKeepTimes nothing is set.
func TestKeepTimesDaemons(t *testing.T) {
	remoteOld := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	localOld := time.Date(2019, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, kind := range daemonKinds {
		t.Run(string(kind), func(t *testing.T) {
			d := ftpd.Start(t, kind, ftpd.Options{})
			d.WriteFile(t, "one.txt", []byte("one\n"))
			d.WriteFile(t, "tree/two.txt", []byte("two\n"))
			for _, rel := range []string{"one.txt", "tree/two.txt"} {
				if err := os.Chtimes(d.Path(t, rel), remoteOld, remoteOld); err != nil {
					t.Fatal(err)
				}
			}
			d.MkdirAll(t, "up")
			src := filepath.Join(t.TempDir(), "three.txt")
			if err := os.WriteFile(src, []byte("three\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(src, localOld, localOld); err != nil {
				t.Fatal(err)
			}
			for _, keep := range []bool{true, false} {
				t.Run(map[bool]string{true: "keep", false: "off"}[keep], func(t *testing.T) {
					sess, lg := daemonSession(d)
					q := startQueue(t, sess, Options{Parallel: 1, Policy: Overwrite, NoKeepTimes: !keep})
					local := t.TempDir()
					c := dial(t, sess)
					ctx := testCtx(t, 20*time.Second)
					if _, err := q.AddDownload(ctx, c, "/one.txt", false, local); err != nil {
						t.Fatal(err)
					}
					if _, err := q.AddDownload(ctx, c, "/tree", true, local); err != nil {
						t.Fatal(err)
					}
					if _, err := q.AddUpload(ctx, c, src, "/up"); err != nil {
						t.Fatal(err)
					}
					s := waitDone(t, q, 30*time.Second)
					if s.Done != 3 {
						t.Fatalf("%s", failures(s))
					}
					one := mtime(t, filepath.Join(local, "one.txt"))
					two := mtime(t, filepath.Join(local, "tree", "two.txt"))
					up := mtime(t, d.Path(t, "up/three.txt"))
					t.Logf("%s: one.txt %v (MDTM), tree/two.txt %v (listing), up/three.txt %v", kind, one, two, up)
					if !keep {
						if one.Year() == 2021 || two.Year() == 2021 || up.Year() == 2019 {
							t.Fatalf("times kept with NoKeepTimes: %v %v %v", one, two, up)
						}
						return
					}
					if !one.Equal(remoteOld) {
						t.Errorf("one.txt: %v, want the server's %v (MDTM)", one, remoteOld)
					}
					if two.Format(time.DateOnly) != remoteOld.Format(time.DateOnly) || two.After(remoteOld) {
						t.Errorf("tree/two.txt: %v, want the listing's time of %v", two, remoteOld)
					}
					if c.CanSetModTime() {
						if !up.Equal(localOld) {
							t.Errorf("up/three.txt on the server: %v, want the local %v\n%s", up, localOld, notes(lg))
						}
						sent := strings.Join(sentLines(lg), "\n")
						t.Logf("%s sets times with: %s", kind, map[bool]string{true: "MFMT", false: "MDTM time file"}[strings.Contains(sent, "MFMT ")])
					} else {
						t.Logf("%s offers no way to set a time", kind)
						if !strings.Contains(notes(lg), "offers no way to set a file's time") {
							t.Errorf("no note that the server cannot set times:\n%s", notes(lg))
						}
					}
				})
			}
		})
	}
}
