package queue

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// crlfText is a text file as a DOS or mainframe-facing server keeps it,
// long enough that a CRLF falls across the copy buffer's edge.
func crlfText() []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < 300<<10; i++ {
		b.WriteString(strings.Repeat("x", i%97))
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// TestASCIIDaemons (issue 21, ASCII mode): against each daemon, a CRLF
// text file fetched under ascii arrives with LF line ends (TYPE A sent,
// no REST, the size check not fooled by the shorter file) and byte for
// byte under binary; an LF file sent back under ascii goes as CRLF, and
// the server keeps either the CRLF (vsftpd: no conversion of its own by
// default) or its own LF (proftpd, pure-ftpd); fetched again under ascii
// it is the LF file.
func TestASCIIDaemons(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows keeps CRLF line ends: nothing is converted")
	}
	crlf := crlfText()
	lf := bytes.ReplaceAll(crlf, []byte("\r\n"), []byte("\n"))
	for _, kind := range daemonKinds {
		t.Run(string(kind), func(t *testing.T) {
			d := ftpd.Start(t, kind, ftpd.Options{})
			d.WriteFile(t, "dos.txt", crlf)
			d.MkdirAll(t, "up")
			for _, typ := range []transfer.TypeMode{transfer.TypeBinary, transfer.TypeASCII} {
				t.Run(typ.String(), func(t *testing.T) {
					sess, lg := daemonSession(d)
					q := startQueue(t, sess, Options{Parallel: 1, Policy: Overwrite, Type: typ})
					local := t.TempDir()
					if _, err := q.AddDownload(testCtx(t, 10*time.Second), dial(t, sess), "/dos.txt", false, local); err != nil {
						t.Fatal(err)
					}
					s := waitDone(t, q, 30*time.Second)
					if s.Done != 1 {
						t.Fatalf("%s", failures(s))
					}
					got, _ := os.ReadFile(filepath.Join(local, "dos.txt"))
					sent := sentLines(lg)
					if typ == transfer.TypeBinary {
						if !bytes.Equal(got, crlf) {
							t.Fatalf("binary: %d bytes, want the server's %d byte for byte", len(got), len(crlf))
						}
						if slices.Contains(sent, "TYPE A") || s.Jobs[0].Type != "" {
							t.Errorf("binary job sent TYPE A or has type %q", s.Jobs[0].Type)
						}
						return
					}
					j := s.Jobs[0]
					t.Logf("%s download: %s", kind, j.Note)
					// pure-ftpd converts every LF of the file to CRLF on
					// the way out, so a CR already in the file is data to
					// it and stays (CR CR LF on the wire): the file keeps
					// its CRLF. The others send the file's CRLF as it is.
					wantDown := lf
					if kind == ftpd.PureFTPd {
						wantDown = crlf
					}
					if !bytes.Equal(got, wantDown) {
						t.Fatalf("ascii: %d bytes (%d CR), want %d (%d CR)", len(got), bytes.Count(got, []byte("\r")), len(wantDown), bytes.Count(wantDown, []byte("\r")))
					}
					if j.Type != "ascii" || !strings.Contains(j.Note, "ascii") || !slices.Contains(sent, "TYPE A") {
						t.Errorf("type %q note %q, TYPE A sent %v", j.Type, j.Note, slices.Contains(sent, "TYPE A"))
					}

					// back up, as ascii: LF here, CRLF on the wire
					src := filepath.Join(t.TempDir(), "unix.txt")
					if err := os.WriteFile(src, lf, 0o644); err != nil {
						t.Fatal(err)
					}
					if _, err := q.AddUpload(testCtx(t, 10*time.Second), dial(t, sess), src, "/up"); err != nil {
						t.Fatal(err)
					}
					s = waitDone(t, q, 30*time.Second)
					if s.Done != 2 {
						t.Fatalf("%s", failures(s))
					}
					onServer := d.ReadFile(t, "up/unix.txt")
					if !bytes.Equal(onServer, crlf) && !bytes.Equal(onServer, lf) {
						t.Fatalf("upload: the server holds %d bytes (%d CR), want the CRLF (%d) or LF (%d) text", len(onServer), bytes.Count(onServer, []byte("\r")), len(crlf), len(lf))
					}
					t.Logf("%s upload: stored with %s line ends; %s", kind, map[bool]string{true: "CRLF", false: "LF"}[bytes.Equal(onServer, crlf)], s.Jobs[1].Note)
					for _, l := range sentLines(lg) {
						if strings.HasPrefix(l, "REST ") {
							t.Errorf("ascii transfers sent %q", l)
						}
					}
					// and down again
					again := t.TempDir()
					if _, err := q.AddDownload(testCtx(t, 10*time.Second), dial(t, sess), "/up/unix.txt", false, again); err != nil {
						t.Fatal(err)
					}
					s = waitDone(t, q, 30*time.Second)
					if s.Done != 3 {
						t.Fatalf("%s", failures(s))
					}
					if got, _ := os.ReadFile(filepath.Join(again, "unix.txt")); !bytes.Equal(got, lf) {
						t.Errorf("round trip: %d bytes, want the LF file's %d", len(got), len(lf))
					}
				})
			}
		})
	}
}

// TestASCIIAuto: under auto, the extensions in ASCIIExtensions (else the
// default list) go as ascii and the rest as binary.
func TestASCIIAuto(t *testing.T) {
	for _, c := range []struct {
		name string
		exts []string
		want string
	}{
		{"a.TXT", nil, "ascii"}, {"job.jcl", nil, "ascii"}, {"a.bin", nil, ""}, {"README", nil, ""},
		{"a.txt", []string{"prn"}, ""}, {"x.prn", []string{".PRN"}, "ascii"},
	} {
		sess := transfer.NewSession(transfer.Site{Host: "127.0.0.1", Port: 1}, transfer.NewLog(10))
		q := startQueue(t, sess, Options{Type: transfer.TypeAuto, ASCIIExtensions: c.exts})
		if _, err := q.AddDownloads(t.TempDir(), []File{{Remote: "/" + c.name, Local: filepath.Join(t.TempDir(), c.name), Size: 1}}, Overwrite); err == nil {
			if got := q.Snapshot().Jobs[0].Type; got != c.want {
				t.Errorf("%s with %v: type %q, want %q", c.name, c.exts, got, c.want)
			}
		}
	}
}

// TestASCIIRefused: a server that refuses TYPE A fails the job with an
// error that names the type, and no RETR goes out.
func TestASCIIRefused(t *testing.T) {
	srv := ftpscript.Start(t)
	srv.Files.Put("/a.txt", []byte("a\r\nb\r\n"))
	srv.Handle("TYPE", func(c *ftpscript.Conn, arg string) {
		if strings.HasPrefix(strings.ToUpper(arg), "A") {
			c.Reply("504 Type A not implemented.")
			return
		}
		c.Builtin(arg)
	})
	sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
	q := startQueue(t, sess, Options{Parallel: 1, Type: transfer.TypeASCII})
	local := t.TempDir()
	if _, err := q.AddDownload(testCtx(t, 5*time.Second), dial(t, sess), "/a.txt", false, local); err != nil {
		t.Fatal(err)
	}
	s := waitDone(t, q, 20*time.Second)
	j := s.Jobs[0]
	if j.State != Failed || !strings.Contains(j.Err, "TYPE A") || !strings.Contains(j.Err, "ascii") || !strings.Contains(j.Err, "504") {
		t.Fatalf("%s: %q, want a failure naming TYPE A (ascii) and the reply", j.State, j.Err)
	}
	if slices.Contains(srv.Transcript(), "RETR /a.txt") {
		t.Errorf("RETR went out after TYPE A was refused: %q", srv.Transcript())
	}
	if _, err := os.Stat(filepath.Join(local, "a.txt.part")); err == nil {
		t.Error("a .part is left behind")
	}
	t.Logf("error: %s", j.Err)
}

// TestASCIICutRestarts: an ascii download cut half-way is retried from
// byte 0 (no REST: the .part's bytes are not the wire's), and one that
// finds a .part left over starts over too; either way the file is whole,
// with LF line ends.
func TestASCIICutRestarts(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows keeps CRLF line ends")
	}
	crlf := crlfText()
	lf := bytes.ReplaceAll(crlf, []byte("\r\n"), []byte("\n"))
	for _, c := range []string{"cut", "part left"} {
		t.Run(c, func(t *testing.T) {
			srv := ftpscript.Start(t)
			srv.Files.Put("/a.txt", crlf)
			local := t.TempDir()
			if c == "cut" {
				srv.Handle("RETR", ftpscript.Sequence(ftpscript.CloseMidTransfer(100001), ftpscript.Builtin))
			} else if err := os.WriteFile(filepath.Join(local, "a.txt.part"), lf[:5000], 0o644); err != nil {
				t.Fatal(err)
			}
			sess := transfer.NewSession(scriptSite(srv), transfer.NewLog(1000))
			q := startQueue(t, sess, Options{Parallel: 1, Type: transfer.TypeASCII, Policy: Resume})
			if _, err := q.AddDownload(testCtx(t, 5*time.Second), dial(t, sess), "/a.txt", false, local); err != nil {
				t.Fatal(err)
			}
			s := waitDone(t, q, 20*time.Second)
			if s.Done != 1 {
				t.Fatalf("%s", failures(s))
			}
			if got, _ := os.ReadFile(filepath.Join(local, "a.txt")); !bytes.Equal(got, lf) {
				t.Fatalf("%d bytes, want the LF text's %d", len(got), len(lf))
			}
			for _, l := range srv.Transcript() {
				if strings.HasPrefix(l, "REST") {
					t.Errorf("an ascii transfer sent %q", l)
				}
			}
			if n := strings.Count(strings.Join(srv.Transcript(), "\n"), "RETR /a.txt"); c == "cut" && n != 2 {
				t.Errorf("%d RETR, want 2 (the cut, then the retry)", n)
			}
		})
	}
}
