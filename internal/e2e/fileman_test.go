package e2e

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
)

// TestTUIViewAndEdit (issue 21): against vsftpd, v on a 1 GiB file shows
// its first screen within a second and / finds a line; e on a remote file
// with an $EDITOR that appends a line puts that line on the server, and
// the edit's temporary copy is gone afterwards.
func TestTUIViewAndEdit(t *testing.T) {
	bin := buildBinary(t)
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	d.WriteFile(t, "motd.txt", []byte("welcome\n"))
	var big bytes.Buffer
	for i := 0; big.Len() < 2<<20; i++ {
		fmt.Fprintf(&big, "record %07d of the big log\n", i)
	}
	d.WriteFile(t, "zz-big.log", big.Bytes())
	if err := os.Truncate(d.Path(t, "zz-big.log"), 1<<30); err != nil { // sparse: 1 GiB on the wire
		t.Fatal(err)
	}

	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	editor := filepath.Join(dir, "editor.sh")
	if err := os.WriteFile(editor, []byte("#!/bin/sh\necho 'added by the editor' >> \"$1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	u := "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/"
	script := filepath.Join(dir, "run.sh")
	body := fmt.Sprintf("#!/bin/sh\nexport TMPDIR=%q EDITOR=%q VISUAL=\n%q --local %q --config %q --state %q %q\nsleep 60\n",
		tmp, editor, bin, t.TempDir(), t.TempDir(), t.TempDir(), u)
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	term := newTerminal(t, 120, 40, script)
	term.waitFor("the remote listing", func(s string) bool { return strings.Contains(s, "zz-big.log") })

	// View the 1 GiB file: the first screen within a second.
	term.keys("G") // the last entry
	term.tmux("send-keys", "-t", term.name, "v")
	start := time.Now()
	term.waitFor("the big file's first lines", func(s string) bool { return strings.Contains(s, "record 0000000 of the big log") })
	took := time.Since(start)
	t.Logf("v on a 1 GiB file: first screen after %v", took)
	if took > time.Second {
		t.Errorf("the first screen of a 1 GiB file took %v", took)
	}
	term.keys("/", "record 0042424", "Enter")
	s := term.waitFor("the match", func(s string) bool { return strings.Contains(s, "match at line 42425") })
	if !strings.Contains(s, "record 0042424 of the big log") {
		t.Errorf("the matched line is not on screen:\n%s", s)
	}
	term.keys("q")
	term.waitFor("the panes again", func(s string) bool { return strings.Contains(s, "motd.txt") })

	// Edit motd.txt: the editor's line reaches the server.
	term.keys("g", "e")
	term.waitFor("the upload", func(s string) bool { return strings.Contains(s, "uploaded motd.txt") })
	if got := string(d.ReadFile(t, "motd.txt")); got != "welcome\nadded by the editor\n" {
		t.Errorf("server's motd.txt is %q", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		es, _ := os.ReadDir(tmp)
		if len(es) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the edit's copy was left in TMPDIR: %v", es)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTUICompareChmodQuote (issue 21): against vsftpd, = between a remote
// folder and a local copy that differs in three files marks exactly
// those three; C to 600 reads back rw-------; ! STAT shows the server's
// status lines in the log.
func TestTUICompareChmodQuote(t *testing.T) {
	bin := buildBinary(t)
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	local := t.TempDir()
	old := time.Date(2024, 1, 15, 10, 0, 0, 0, time.UTC)
	put := func(remote bool, name, content string, at time.Time) {
		p := filepath.Join(local, name)
		if remote {
			d.WriteFile(t, "site/"+name, []byte(content))
			p = d.Path(t, "site/"+name)
		} else if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"index.html", "about.html", "logo.png"} {
		put(true, n, "same "+n, old)
		put(false, n, "same "+n, old)
	}
	put(true, "missing.css", "only on the server", old)
	put(true, "size.js", "a longer version", old)
	put(false, "size.js", "short", old)
	put(true, "newer.txt", "edit", old.AddDate(0, 2, 0))
	put(false, "newer.txt", "text", old)

	dir := t.TempDir()
	u := "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/site/"
	script := filepath.Join(dir, "run.sh")
	body := fmt.Sprintf("#!/bin/sh\n%q --local %q --config %q --state %q %q\nsleep 60\n", bin, local, t.TempDir(), t.TempDir(), u)
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	term := newTerminal(t, 120, 40, script)
	term.waitFor("the remote listing", func(s string) bool { return strings.Contains(s, "missing.css") })

	term.keys("=")
	s := term.waitFor("the comparison", func(s string) bool { return strings.Contains(s, "differ:") })
	if !strings.Contains(s, "3 entries marked on the remote side") || !strings.Contains(s, "3 marked") {
		t.Errorf("= did not mark three remote entries:\n%s", s)
	}
	t.Logf("after =:\n%s", s)

	term.keys("g", "C") // about.html
	term.waitFor("the mode dialog", func(s string) bool { return strings.Contains(s, "now rw-r--r-- (644)") })
	term.keys("BSpace", "BSpace", "BSpace", "600", "Enter")
	term.waitFor("the new mode", func(s string) bool { return strings.Contains(s, "about.html is now rw------- (600)") })
	fi, err := os.Stat(d.Path(t, "site/about.html"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("about.html on the server: %v %v", fi.Mode(), err)
	}

	term.keys("!", "STAT", "Enter")
	s = term.waitFor("STAT's reply", func(s string) bool { return strings.Contains(s, "STAT: 211") })
	if !strings.Contains(s, "vsFTPd") {
		t.Errorf("the log pane lacks the server's status lines:\n%s", s)
	}
	t.Logf("after ! STAT:\n%s", s)
}
