package queue

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/internal/ftpscript"
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

// TestKeepTimesServerCannot: an upload to a server whose FEAT offers no
// way to set a time (no MFMT, no MDTM) is done, sends no time command,
// and the log says once why the time was not kept; one whose MDTM refuses
// a time is done too, with a note naming the failure.
func TestKeepTimesServerCannot(t *testing.T) {
	for _, feat := range []string{"none", "refused"} {
		t.Run(feat, func(t *testing.T) {
			srv := ftpscript.Start(t)
			srv.Files.Mkdir("/up")
			if feat == "none" {
				srv.Handle("FEAT", ftpscript.Reply("211-Features:", " EPSV", " PASV", " SIZE", "211 End"))
			}
			dir := t.TempDir()
			for _, n := range []string{"a.txt", "b.txt"} {
				if err := os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			lg := transfer.NewLog(1000)
			sess := transfer.NewSession(scriptSite(srv), lg)
			q := startQueue(t, sess, Options{Parallel: 1})
			if _, err := q.AddUploadTo(testCtx(t, 5*time.Second), dial(t, sess), dir, "/up"); err != nil {
				t.Fatal(err)
			}
			s := waitDone(t, q, 20*time.Second)
			if s.Done != 2 {
				t.Fatalf("%s", failures(s))
			}
			n := notes(lg)
			switch feat {
			case "none":
				if strings.Count(n, "offers no way to set a file's time") != 1 {
					t.Errorf("want one note that times cannot be set:\n%s", n)
				}
				for _, l := range srv.Transcript() {
					if strings.HasPrefix(l, "MFMT") || (strings.HasPrefix(l, "MDTM ") && strings.Count(l, " ") > 1) {
						t.Errorf("sent %q to a server that offers neither", l)
					}
				}
			case "refused":
				if !strings.Contains(n, "could not set the time of /up/a.txt") {
					t.Errorf("no note of the refused time:\n%s", n)
				}
			}
		})
	}
}
