package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ftpdeck/internal/ftpd"
	"ftpdeck/ui/dialog"
)

func modeOf(t *testing.T, p string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestChmodRemoteVsftpd: C shows the mode STAT gives, 600 typed over it
// is sent as SITE CHMOD, and the status reads the new mode back; on a
// folder, "all inside too" changes its content.
func TestChmodRemoteVsftpd(t *testing.T) {
	srv := ftpd.StartVsftpd(t, ftpd.Options{})
	srv.WriteFile(t, "a.txt", []byte("a"))
	srv.WriteFile(t, "b-dir/inner.txt", []byte("b"))
	d := newDriver(t)
	m := urlModel(t, d, srv.URL(), t.TempDir(), false)

	m = d.key(m, "G", "C") // a.txt: folders come first
	m = d.until(m, "asked for the mode", func(m Model) bool { return dlg(m) != nil })
	want(t, dlg(m).Kind() == dialog.Input && strings.Contains(dlg(m).Title(), "now rw-r--r-- (644)"), "dialog %q", dlg(m).Title())
	m = d.key(m, "backspace", "backspace", "backspace", "600", "enter")
	m = d.until(m, "changed", func(m Model) bool { return m.status != "" && !strings.HasPrefix(m.status, "changing") })
	want(t, m.status == "a.txt is now rw------- (600)", "status %q", m.status)
	want(t, modeOf(t, srv.Path(t, "a.txt")) == 0o600, "a.txt is %o", modeOf(t, srv.Path(t, "a.txt")))

	m = d.key(m, "g", "C")
	m = d.until(m, "asked for the folder's mode", func(m Model) bool { return dlg(m) != nil })
	m = d.key(m, "backspace", "backspace", "backspace", "rwxr-x---", "enter")
	m = d.until(m, "asked folder only or all", func(m Model) bool { return dlg(m) != nil && dlg(m).Kind() == dialog.Choice })
	m = d.key(m, "a")
	m = d.until(m, "changed the folder", func(m Model) bool { return strings.Contains(m.status, "inside") || m.statusErr })
	want(t, m.status == "b-dir is now rwxr-x--- (750), with 1 entry inside", "status %q", m.status)
	want(t, modeOf(t, srv.Path(t, "b-dir/inner.txt")) == 0o750, "inner.txt is %o", modeOf(t, srv.Path(t, "b-dir/inner.txt")))
}

// A server without SITE CHMOD says so, and a mode that is not one is
// refused before anything is sent.
func TestChmodRefusedAndBadMode(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "a.txt"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t)
	m := demoModel(t, d, root, t.TempDir(), false)
	m = d.key(m, "C")
	m = d.until(m, "asked", func(m Model) bool { return dlg(m) != nil })
	for range 20 {
		m = d.key(m, "backspace")
	}
	m = d.key(m, "999", "enter")
	m = d.until(m, "refused the mode", func(m Model) bool { return m.statusErr })
	want(t, m.statusErr && strings.Contains(m.status, `"999" is not`), "bad mode: %q", m.status)
	m = d.key(m, "C")
	m = d.until(m, "asked", func(m Model) bool { return dlg(m) != nil })
	for range 20 {
		m = d.key(m, "backspace")
	}
	m = d.key(m, "600", "enter")
	m = d.until(m, "answered", func(m Model) bool {
		return strings.Contains(m.status, "CHMOD") || strings.Contains(m.status, " is now ") || strings.Contains(m.status, "set to")
	})
	want(t, m.statusErr && m.status == "chmod /a.txt: the server refused SITE CHMOD: 500 Command not found", "refusal not in words: %q", m.status)
	want(t, modeOf(t, filepath.Join(root, "a.txt")) == 0o644, "mode changed to %o", modeOf(t, filepath.Join(root, "a.txt")))
}

func TestChmodLocal(t *testing.T) {
	local := t.TempDir()
	p := filepath.Join(local, "x.sh")
	if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t)
	m := demoModel(t, d, t.TempDir(), local, false)
	m = d.key(m, "tab", "C")
	m = d.until(m, "asked", func(m Model) bool { return dlg(m) != nil })
	want(t, strings.Contains(dlg(m).Title(), "now rw-r--r-- (644)"), "title %q", dlg(m).Title())
	m = d.key(m, "backspace", "backspace", "backspace", "rwx------", "enter")
	m = d.until(m, "changed", func(m Model) bool { return strings.Contains(m.status, " is now ") || m.statusErr })
	want(t, m.status == "x.sh is now rwx------ (700)" && modeOf(t, p) == 0o700, "status %q, mode %o", m.status, modeOf(t, p))
}
