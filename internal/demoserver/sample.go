package demoserver

import (
	"bufio"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// BigFile is the sample tree's large file and BigFileSize its size.
const (
	BigFile     = "big/ubuntu-sample.bin"
	BigFileSize = 24 << 20
)

// bigSeed seeds the ChaCha8 stream of BigFile: same bytes on every run.
var bigSeed = [32]byte([]byte("ftpdeck demo sample, 24 MiB....."))

const readme = `Welcome to the ftpdeck demo server
==================================

This FTP server runs inside ftpdeck itself, on 127.0.0.1, and serves a
temporary folder that is deleted when you quit. Log in as user "demo",
password "demo" (ftpdeck --demo does that for you).

Things to try:

  - Press p to toggle ACTIVE / PASSIVE mode, then open a folder or copy a
    file and watch the protocol log (L shows or hides it): in passive mode
    the client sends PASV or EPSV and connects to the port the server names;
    in active mode it listens itself and sends PORT or EPRT, and the server
    connects back.
  - Copy big/ubuntu-sample.bin (24 MiB) to the local pane with c and watch
    the queue; cancel it half-way and resume it (REST).
  - Upload something, make a folder (n), rename (R), delete (d).
  - Press . to show the hidden file .hidden-config.
  - Names with spaces and non-ASCII letters live in docs/ and photos/.
  - Press D (mode doctor) to probe which data-connection methods work.

Everything here is sample content; change it as you like.
`

type sampleFile struct {
	name, text string
	mtime      string // 2006-01-02 15:04
}

var sampleFiles = []sampleFile{
	{"README.txt", readme, ""},
	{".hidden-config", "# demo settings nobody should see by default\nshow_banner = true\ntheme = \"dark\"\n", "2024-11-02 08:15"},
	{"Quarterly Report 2024.txt", `Quarterly Report 2024 — Northwind Widgets Ltd.

Q1  revenue 1.21 M EUR   (+4 %)
Q2  revenue 1.34 M EUR   (+11 %)
Q3  revenue 1.29 M EUR   (-4 %)
Q4  revenue 1.52 M EUR   (+18 %)

Highlights: the new FTP-enabled label printer shipped in Q2; support
tickets about "passive mode" fell by half after the firmware update.
`, "2025-01-15 17:42"},
	{"Übersicht.txt", `Übersicht der Dateien

docs/      Handbücher und Notizen
photos/    Fotos vom Betriebsausflug 2024
projects/  Quelltexte
big/       eine große Datei zum Testen von Übertragungen
`, "2024-06-30 12:00"},
	{"日本語のファイル.txt", "これはデモ用のファイルです。\nFTP のアクティブモードとパッシブモードを切り替えてみてください。\n", "2024-04-01 09:30"},
	{"docs/résumé.pdf", "%PDF-1.4\n% not a real PDF, just a demo file with an accented name\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "2023-09-12 10:05"},
	{"docs/notes.md", "# Notes\n\n- FTP uses a control connection and one data connection per transfer.\n- PORT h1,h2,h3,h4,p1,p2: port = p1*256 + p2.\n- 192,168,0,1,55,66 means 192.168.0.1 port 14146.\n", "2025-02-03 14:20"},
	{"docs/changelog.txt", "v1.2.0  resumable uploads\nv1.1.0  EPSV and EPRT support\nv1.0.0  first release\n", "2024-12-24 23:59"},
	{"docs/meeting-minutes 2024-03-14.txt", "Attendees: Ana, Bo, Chen\n\n1. Printer firmware: FTP upload works in passive mode only.\n2. Firewall: open 50000-50100 for passive data.\n", "2024-03-14 16:30"},
	{"docs/manuals/printer-setup.txt", "Label printer LP-400 — FTP setup\n\n1. Enable FTP server in the web panel.\n2. Upload .lbl files to /queue.\n3. The printer picks them up within 5 seconds.\n", "2022-05-20 11:11"},
	{"docs/manuals/plc-backup.txt", "Backing up the PLC over FTP\n\nUser: maint   Folder: /backup\nThe PLC only speaks active mode; use PORT from the service laptop.\n", "2021-10-07 07:45"},
	{"docs/manuals/camera-upload.txt", "IP camera CAM-9: snapshots are uploaded every minute via STOR to\n/photos/cam9/YYYY-MM-DD/HHMMSS.jpg\n", "2023-01-19 13:00"},
	{"photos/2024/beach.jpg.txt", "(pretend this is a photo of a beach, 4032x3024)\n", "2024-08-11 18:22"},
	{"photos/2024/team outing.jpg.txt", "(pretend this is a photo of the team outing)\n", "2024-09-06 15:03"},
	{"photos/2024/Straße in München.txt", "(eine Straße in München, Juli 2024)\n", "2024-07-19 10:10"},
	{"photos/2023/snow.jpg.txt", "(pretend this is a photo of snow)\n", "2023-12-28 09:00"},
	{"projects/ftpdeck/src/main.go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello from the demo server\")\n}\n", "2025-03-01 20:15"},
	{"projects/ftpdeck/src/util.go", "package main\n\n// port decodes the last two numbers of a PORT argument.\nfunc port(p1, p2 int) int { return p1*256 + p2 }\n", "2025-03-01 20:16"},
	{"projects/ftpdeck/README.md", "# ftpdeck sample project\n\nA tiny Go program, here so that you can download a folder recursively.\n", "2025-03-01 20:10"},
	{"projects/ftpdeck/Makefile", "build:\n\tgo build ./...\n\ntest:\n\tgo test ./...\n", "2025-03-01 20:11"},
	{"projects/todo.txt", "[x] list files\n[x] download\n[ ] upload the whole photos folder in active mode\n", "2025-02-27 12:34"},
	{"big/README.txt", "ubuntu-sample.bin is 24 MiB of pseudo-random bytes (not an Ubuntu image),\nfor watching progress, cancelling and resuming transfers.\n", "2024-10-10 10:10"},
}

var emptyDirs = []string{"empty folder", "incoming"}

// WriteSampleTree writes the demo content into dir (which may exist): nested
// folders, small text files with names containing spaces and non-ASCII
// letters, a hidden file, an empty folder and the 24 MiB file BigFile. The
// content is the same on every call.
func WriteSampleTree(dir string) error {
	for _, f := range sampleFiles {
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(f.text), 0o644); err != nil {
			return err
		}
		if f.mtime != "" {
			t, err := time.ParseInLocation("2006-01-02 15:04", f.mtime, time.UTC)
			if err != nil {
				return err
			}
			if err := os.Chtimes(p, t, t); err != nil {
				return err
			}
		}
	}
	for _, d := range emptyDirs {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			return err
		}
	}
	return writeBig(filepath.Join(dir, filepath.FromSlash(BigFile)))
}

func writeBig(p string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	_, err = w.ReadFrom(io.LimitReader(rand.NewChaCha8(bigSeed), BigFileSize))
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
