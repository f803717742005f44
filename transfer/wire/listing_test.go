package wire

import (
	"testing"
	"time"
	"unicode/utf8"
)

func day(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
}

// now is the moment the LIST tables are read at: 30 Nov 2026, 15:00 UTC.
var now = day(2026, time.November, 30, 15, 0, 0)

// TestParseList reads LIST lines as real servers write them. The lines
// marked "jlaffaye" are ones jlaffaye/ftp v0.2.4 drops or gets wrong.
func TestParseList(t *testing.T) {
	tests := []struct {
		server, line string
		want         ListEntry
	}{
		// vsftpd 3.0.3 (numeric owner and group, as Debian runs it)
		{"vsftpd recent", "-rw-r--r--    1 0        0               5 Nov 30 14:25 plain.txt",
			ListEntry{Name: "plain.txt", Size: 5, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"vsftpd old", "-rw-r--r--    1 0        0         1048576 Nov 30  2024 old.bin",
			ListEntry{Name: "old.bin", Size: 1048576, Time: day(2024, 11, 30, 0, 0, 0)}},
		{"vsftpd folder", "drwxr-xr-x    2 1001     1001         4096 Jan 02 09:05 sub",
			ListEntry{Name: "sub", Kind: ListFolder, Time: day(2026, 1, 2, 9, 5, 0)}},
		{"vsftpd symlink", "lrwxrwxrwx    1 0        0               9 Nov 29 22:00 link -> plain.txt",
			ListEntry{Name: "link", Kind: ListLink, Time: day(2026, 11, 29, 22, 0, 0), Target: "plain.txt"}},
		{"leading spaces", "-rw-r--r--    1 0        0               1 Nov 30 14:25   two spaces",
			ListEntry{Name: "  two spaces", Size: 1, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"trailing spaces", "-rw-r--r--    1 0        0               2 Nov 30  2024 trail  ",
			ListEntry{Name: "trail  ", Size: 2, Time: day(2024, 11, 30, 0, 0, 0)}},
		// proftpd / pure-ftpd (owner and group names)
		{"proftpd", "-rw-r--r--   1 ftpdeck-test ftpdeck-test        5 Nov 30 14:25 a b.txt",
			ListEntry{Name: "a b.txt", Size: 5, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"pure-ftpd", "drwxr-xr-x    3 1001       1001             4096 Nov 30 14:25 d",
			ListEntry{Name: "d", Kind: ListFolder, Time: day(2026, 11, 30, 14, 25, 0)}},
		// jlaffaye: a recent date after today is last year, not this year
		{"recent date last year", "-rw-r--r-- 1 u g 7 Dec 15 10:00 december",
			ListEntry{Name: "december", Size: 7, Time: day(2025, 12, 15, 10, 0, 0)}},
		// jlaffaye: SELinux "." and macOS "@" after the permissions
		{"selinux dot", "-rw-r--r--. 1 root root 12 Nov 30 14:25 ctx",
			ListEntry{Name: "ctx", Size: 12, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"macos at", "-rw-r--r--@ 1 me staff 12 Nov 30 14:25 xattr",
			ListEntry{Name: "xattr", Size: 12, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"acl plus", "drwxrwxr-x+ 4 me staff 128 Nov 30 14:25 acl",
			ListEntry{Name: "acl", Kind: ListFolder, Time: day(2026, 11, 30, 14, 25, 0)}},
		// jlaffaye: no group column (embedded servers, "ls -lG")
		{"no group", "-rw-r--r-- 1 root 531 Jan 29 03:26 nogroup file",
			ListEntry{Name: "nogroup file", Size: 531, Time: day(2026, 1, 29, 3, 26, 0)}},
		{"no link count", "-rw-r--r-- ftp ftp 1234 Oct 01  2019 busybox",
			ListEntry{Name: "busybox", Size: 1234, Time: day(2019, 10, 1, 0, 0, 0)}},
		// jlaffaye: pipes, sockets and devices vanish
		{"fifo", "prw-r--r-- 1 0 0 0 Nov 30 14:25 pipe",
			ListEntry{Name: "pipe", Time: day(2026, 11, 30, 14, 25, 0)}},
		{"hostedftp zero links", "-r--------   0 user group     65222236 Feb 24 00:39 UABlacklistingWeek8.csv",
			ListEntry{Name: "UABlacklistingWeek8.csv", Size: 65222236, Time: day(2026, 2, 24, 0, 39, 0)}},
		{"arrow in a file name", "-rw-r--r-- 1 0 0 3 Nov 30 14:25 a -> b",
			ListEntry{Name: "a -> b", Size: 3, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"month name as file name", "-rw-r--r-- 1 0 0 3 Nov 30 14:25 Nov 30 14:25",
			ListEntry{Name: "Nov 30 14:25", Size: 3, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"big size", "-rw-r--r-- 1 0 0 5368709120 Nov 30  2025 5g.iso",
			ListEntry{Name: "5g.iso", Size: 5 << 30, Time: day(2025, 11, 30, 0, 0, 0)}},

		// IIS (MS-DOS style)
		{"iis folder", "11-30-26  02:25PM       <DIR>          name",
			ListEntry{Name: "name", Kind: ListFolder, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"iis file", "11-30-26  09:05AM                 1234 report.pdf",
			ListEntry{Name: "report.pdf", Size: 1234, Time: day(2026, 11, 30, 9, 5, 0)}},
		// jlaffaye: leading spaces of DOS names are lost
		{"iis leading space folder", "11-30-26  02:25PM       <DIR>            lead",
			ListEntry{Name: "  lead", Kind: ListFolder, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"iis leading space file", "11-30-26  02:25PM                    5  lead.txt",
			ListEntry{Name: " lead.txt", Size: 5, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"iis trailing space", "11-30-26  02:25PM                    5 trail ",
			ListEntry{Name: "trail ", Size: 5, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"iis four-digit year", "11-30-2026  12:01AM                 0 empty.txt",
			ListEntry{Name: "empty.txt", Time: day(2026, 11, 30, 0, 1, 0)}},
		{"iis 24-hour", "11-30-2026  14:25       <DIR>          logs",
			ListEntry{Name: "logs", Kind: ListFolder, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"dos iso date", "2026-11-30  14:25                 77 iso.txt",
			ListEntry{Name: "iso.txt", Size: 77, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"iis junction", "11-30-26  02:25PM       <JUNCTION>     Docs [C:\\Users\\me\\Documents]",
			ListEntry{Name: "Docs", Kind: ListLink, Target: "C:\\Users\\me\\Documents", Time: day(2026, 11, 30, 14, 25, 0)}},
	}
	for _, tt := range tests {
		got, ok := ParseList(tt.line, now)
		got.Perm = "" // TestListingPermissions covers it
		if !ok || got != tt.want {
			t.Errorf("%s: ParseList(%q)\n got %+v (%v)\nwant %+v", tt.server, tt.line, got, ok, tt.want)
		}
	}
}

func TestParseListNotAnEntry(t *testing.T) {
	for _, line := range []string{
		"", "total 12", "   ", "garbage line", "-rw-r--r-- 1 0 0 5 Nov 30 14:25", "-rw-r--r-- 1 0 0 5 Nov 30 14:25 ",
		"drwxr-xr-x 1 0 0 5 Foo 30 14:25 x", "-rw-r--r-- 1 0 0 5 Nov 32 14:25 x", "-rw-r--r-- 1 0 0 5 Nov 30 25:00 x",
		"11-30-26  02:25PM", "11-30-26  02:25PM       <DIR>", "13-45-26  02:25PM  1 x", "11-30-26  02:25PM  -1 x",
	} {
		if e, ok := ParseList(line, now); ok {
			t.Errorf("ParseList(%q) = %+v, want no entry", line, e)
		}
	}
}

// TestParseLeapDay: "Feb 29 12:00" read on 30 Nov 2026 is 2024's (the
// latest Feb 29 not after now); jlaffaye/ftp drops the line.
func TestParseLeapDay(t *testing.T) {
	got, ok := ParseList("-rw-r--r-- 1 0 0 1 Feb 29 12:00 leap", now)
	if !ok || !got.Time.Equal(day(2024, 2, 29, 12, 0, 0)) {
		t.Fatalf("got %+v %v", got, ok)
	}
}

// TestParseMLSx reads MLSD lines as servers write them.
func TestParseMLSx(t *testing.T) {
	tests := []struct {
		server, line string
		want         ListEntry
	}{
		{"proftpd file", "modify=20261130142500;perm=adfrw;size=5;type=file;unique=803U1A2B;UNIX.group=1001;UNIX.groupname=ftpdeck-test;UNIX.mode=0644;UNIX.owner=1001;UNIX.ownername=ftpdeck-test; plain.txt",
			ListEntry{Name: "plain.txt", Size: 5, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"proftpd cdir", "modify=20261130142500;perm=flcdmpe;type=cdir;unique=803U1A;UNIX.mode=0755; .",
			ListEntry{Name: ".", Kind: ListSelf, Size: -1, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"proftpd symlink", "modify=20261130142500;perm=adfrw;size=9;type=OS.unix=slink:/srv/ftp/Plain.txt;unique=1;UNIX.mode=0777; link",
			ListEntry{Name: "link", Kind: ListLink, Size: 9, Time: day(2026, 11, 30, 14, 25, 0), Target: "/srv/ftp/Plain.txt"}},
		{"pure-ftpd folder", "type=dir;sizd=4096;modify=20261130142500;UNIX.mode=0755;UNIX.uid=1001;UNIX.gid=1001;unique=803g2; sub",
			ListEntry{Name: "sub", Kind: ListFolder, Size: -1, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"pure-ftpd pdir", "type=pdir;sizd=4096;modify=20261130142500;UNIX.mode=0755;unique=803g1; ..",
			ListEntry{Name: "..", Kind: ListSelf, Size: -1, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"filezilla server", "type=file;size=1234;modify=20261130142500;perm=adfrw; report.pdf",
			ListEntry{Name: "report.pdf", Size: 1234, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"filezilla server folder", "type=dir;modify=20261130142500;perm=cplemfd; Photos 2026",
			ListEntry{Name: "Photos 2026", Kind: ListFolder, Size: -1, Time: day(2026, 11, 30, 14, 25, 0)}},
		// jlaffaye: fractions of a second drop the line; "Type=Dir" is a file
		{"serv-u", "Type=file;Size=1234;Modify=20261130142500.123;Perm=r; name.txt",
			ListEntry{Name: "name.txt", Size: 1234, Time: day(2026, 11, 30, 14, 25, 0).Add(123 * time.Millisecond)}},
		{"serv-u cdir with a path", "Type=cdir;Modify=20261130142500.000;Perm=el; /home/user/site",
			ListEntry{Name: "/home/user/site", Kind: ListSelf, Size: -1, Time: day(2026, 11, 30, 14, 25, 0)}},
		{"iis folder", "Type=Dir;Modify=20261130142500.997; aspnet_client",
			ListEntry{Name: "aspnet_client", Kind: ListFolder, Size: -1, Time: day(2026, 11, 30, 14, 25, 0).Add(997 * time.Millisecond)}},
		{"iis file", "Type=File;Modify=20261130142500.5;Size=42; web.config",
			ListEntry{Name: "web.config", Size: 42, Time: day(2026, 11, 30, 14, 25, 0).Add(500 * time.Millisecond)}},
		{"leading and trailing spaces", "type=file;size=1;  lead and trail  ",
			ListEntry{Name: " lead and trail  ", Size: 1}},
		// jlaffaye: size read with base 0 ("0755" octal)
		{"leading zero size", "type=file;size=0755; zeros",
			ListEntry{Name: "zeros", Size: 755}},
		{"no trailing semicolon", "type=file;size=3 x",
			ListEntry{Name: "x", Size: 3}},
		{"bad modify kept", "type=file;size=3;modify=yesterday; x",
			ListEntry{Name: "x", Size: 3}},
	}
	for _, tt := range tests {
		got, ok := ParseMLSx(tt.line)
		got.Perm = "" // TestListingPermissions covers it
		if !ok || got != tt.want {
			t.Errorf("%s: ParseMLSx(%q)\n got %+v (%v)\nwant %+v", tt.server, tt.line, got, ok, tt.want)
		}
	}
	for _, line := range []string{"", "name only", "type=file;size=1;", "size=x; y", "=1; y", "perm=r; untyped", "type=file;size=-1; neg"} {
		if e, ok := ParseMLSx(line); ok {
			t.Errorf("ParseMLSx(%q) = %+v, want no entry", line, e)
		}
	}
}

// FuzzParseList checks that no LIST line panics the parser and that a
// parsed entry is a suffix of its line with a sane size.
func FuzzParseList(f *testing.F) {
	for _, s := range []string{
		"-rw-r--r--    1 0        0               5 Nov 30 14:25 plain.txt",
		"lrwxrwxrwx 1 0 0 9 Feb 29 22:00 link -> plain.txt",
		"11-30-26  02:25PM       <DIR>          name",
		"11-30-2026  14:25                 77 x",
		"-rw-r--r--@ 1 me 12 30 Nov  2024 x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		e, ok := ParseList(line, now)
		if !ok {
			return
		}
		if e.Name == "" || e.Size < 0 || len(e.Name) > len(line) {
			t.Fatalf("ParseList(%q) = %+v", line, e)
		}
		if e.Kind != ListLink && line[len(line)-len(e.Name):] != e.Name {
			t.Fatalf("ParseList(%q): name %q is not the line's end", line, e.Name)
		}
		if utf8.ValidString(line) && !utf8.ValidString(e.Name) {
			t.Fatalf("ParseList(%q): name %q cut a character", line, e.Name)
		}
	})
}

// FuzzParseMLSx checks that no MLSD line panics the parser and that the
// name is what follows the first space.
func FuzzParseMLSx(f *testing.F) {
	for _, s := range []string{
		"type=file;size=5;modify=20261130142500.123; a b ",
		"Type=OS.unix=slink:/t;Size=1; l",
		"type=cdir; /x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		e, ok := ParseMLSx(line)
		if !ok {
			return
		}
		if e.Name == "" || e.Size < -1 {
			t.Fatalf("ParseMLSx(%q) = %+v", line, e)
		}
		if line[len(line)-len(e.Name):] != e.Name || line[len(line)-len(e.Name)-1] != ' ' {
			t.Fatalf("ParseMLSx(%q): name %q", line, e.Name)
		}
	})
}

func TestListingPermissions(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for line, want := range map[string]string{
		"-rw-------    1 1000 1000   4096 Nov 30 10:00 secret.txt":     "-rw-------",
		"drwxr-sr-x.   2 root root   4096 Jan  2  2025 shared":         "drwxr-sr-x",
		"lrwxrwxrwx    1 0    0         7 May 20  2025 bin -> usr/bin": "lrwxrwxrwx",
	} {
		e, ok := ParseList(line, now)
		if !ok || e.Perm != want {
			t.Errorf("%q: perm %q (ok %v), want %q", line, e.Perm, ok, want)
		}
	}
	for line, want := range map[string]string{
		"type=file;size=3;modify=20261130100000;UNIX.mode=0600; a.txt": "-rw-------",
		"type=dir;UNIX.mode=2775;modify=20261130100000; d":             "drwxrwsr-x",
		"type=file;UNIX.mode=1644; t":                                  "-rw-r--r-T",
		"type=file;size=1; nomode":                                     "",
		"type=file;size=1;UNIX.mode=99999; bad":                        "",
	} {
		e, ok := ParseMLSx(line)
		if !ok || e.Perm != want {
			t.Errorf("%q: perm %q (ok %v), want %q", line, e.Perm, ok, want)
		}
	}
	if e, ok := ParseList("11-30-26  02:25PM       <DIR>          Windows", now); !ok || e.Perm != "" {
		t.Errorf("DOS line: perm %q", e.Perm)
	}
}
