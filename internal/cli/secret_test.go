package cli

import (
	"bytes"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"ftpdeck/bookmarks"
	"ftpdeck/internal/ftpd"
	"ftpdeck/ui"
)

// TestSavedPasswordOnlyInBookmarks saves a bookmark with a password,
// uses it against vsftpd through every path (ls NAME, get NAME/FILE in
// active mode, ftpdeck bookmarks, and the TUI opened on the bookmark with
// a download through the queue), then searches every file the program
// wrote — config folder, state folder, --log file — and its output for the
// password: it must be in bookmarks.toml and nowhere else. On the way it
// checks last_good_mode: recorded after the active get, used (with a log
// note) by the next ls.
func TestSavedPasswordOnlyInBookmarks(t *testing.T) {
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	data := payload(1<<20 + 3)
	d.WriteFile(t, "file.bin", data)

	root := t.TempDir()
	cfg, state := filepath.Join(root, "config"), filepath.Join(root, "state")
	logFile := filepath.Join(root, "protocol.log")
	out := filepath.Join(root, "downloads")
	for _, dir := range []string{out, filepath.Join(root, "tui")} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	netrc := filepath.Join(root, "netrc")
	if err := os.WriteFile(netrc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NETRC", netrc)

	st, _, err := bookmarks.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(bookmarks.Site{Name: "vs", Host: d.Host, Port: d.Port, User: d.User, Password: d.Password}); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(); err != nil {
		t.Fatal(err)
	}
	common := []string{"--config", cfg, "--state", state, "--log", logFile}
	var outputs []string
	mustRun := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := run(t, append(append([]string{args[0]}, common...), args[1:]...)...)
		outputs = append(outputs, stdout, stderr)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		return stdout
	}

	if ls := mustRun("ls", "vs"); !strings.Contains(ls, "file.bin") {
		t.Fatalf("ls vs:\n%s", ls)
	}
	mustRun("get", "--active", "vs/file.bin", out)
	if got, err := os.ReadFile(filepath.Join(out, "file.bin")); err != nil || sha256.Sum256(got) != sha256.Sum256(data) {
		t.Fatalf("get: file differs (%v)", err)
	}
	again, _, err := bookmarks.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := again.Get("vs"); b.LastGoodMode != "active" {
		t.Fatalf("last_good_mode after an active get = %q", b.LastGoodMode)
	}
	mustRun("ls", "vs")
	logText, _ := os.ReadFile(logFile)
	if !bytes.Contains(logText, []byte("using the mode that last worked for vs: active")) {
		t.Fatalf("no note for the remembered mode in the log:\n%s", logText)
	}
	if list := mustRun("bookmarks"); !strings.Contains(list, "vs") || !strings.Contains(list, "saved") {
		t.Fatalf("bookmarks:\n%s", list)
	}

	// The TUI on the bookmark: the queue downloads file.bin into --local.
	tuiDir := filepath.Join(root, "tui")
	flags, pos, err := parseArgs(append(append([]string{}, common...), "--local", tuiDir, "vs"))
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	opts, cleanup, err := tuiOptions(flags, pos, Env{Stdout: &errb, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	if opts.AskPassword || opts.Bookmark != "vs" {
		t.Fatalf("options: ask %v bookmark %q", opts.AskPassword, opts.Bookmark)
	}
	tm := teatest.NewTestModel(t, ui.New(opts), teatest.WithInitialTermSize(120, 40))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("file.bin")) },
		teatest.WithDuration(15*time.Second))
	// c right after the listing: the UI keeps it until the queue is up.
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'c'}})
	// The local pane is listed again when the UI hears the job is done:
	// its title then counts one entry.
	localDone := regexp.MustCompile(`Local [^│\n]*\s1 · name`)
	teatest.WaitFor(t, tm.Output(), localDone.Match, teatest.WithDuration(20*time.Second))
	target := filepath.Join(tuiDir, "file.bin")
	if got, err := os.ReadFile(target); err != nil || sha256.Sum256(got) != sha256.Sum256(data) {
		t.Fatalf("the queue did not download %s (%v)", target, err)
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(ui.Model)
	final.Close()
	screen, _ := tmOutput(t, tm)
	if bytes.Contains(screen, []byte(d.Password)) {
		t.Fatal("the password reached the screen")
	}
	cleanup()

	// Search every file the program wrote, and its output.
	var found []string
	var files int
	for _, dir := range []string{cfg, state, logFile} {
		err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			files++
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if bytes.Contains(b, []byte(d.Password)) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(state, "queue.db")); err != nil {
		t.Errorf("the queue wrote no state: %v", err)
	}
	if want := filepath.Join(cfg, "bookmarks.toml"); len(found) != 1 || found[0] != want {
		t.Fatalf("password found in %v (searched %d files), want only %s", found, files, want)
	}
	for _, o := range append(outputs, errb.String()) {
		if strings.Contains(o, d.Password) {
			t.Fatalf("password in the program's output:\n%s", o)
		}
	}
	if !bytes.Contains(logText, []byte("PASS ****")) {
		t.Fatal("the log shows no masked PASS")
	}
	t.Logf("searched %d files under config, state and the log; password only in bookmarks.toml", files)
}

// tmOutput reads what is left of the program's output.
func tmOutput(t *testing.T, tm *teatest.TestModel) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(tm.FinalOutput(t, teatest.WithFinalTimeout(time.Second)))
	return b.Bytes(), err
}

// TestTUIOptionsAskPasswordAndLoadError: a URL with a user and no password
// makes the TUI ask in its dialog (no terminal prompt, no failure), and a
// malformed bookmarks.toml starts the TUI with the error as a notice,
// leaving the file untouched.
func TestTUIOptionsAskPasswordAndLoadError(t *testing.T) {
	root := t.TempDir()
	netrc := filepath.Join(root, "netrc")
	if err := os.WriteFile(netrc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NETRC", netrc)
	cfg := filepath.Join(root, "config")
	if err := os.MkdirAll(cfg, 0o700); err != nil {
		t.Fatal(err)
	}
	bad := []byte("[[site]]\nname = \"x\"\nhost = \n")
	if err := os.WriteFile(filepath.Join(cfg, "bookmarks.toml"), bad, 0o600); err != nil {
		t.Fatal(err)
	}
	flags, pos, err := parseArgs([]string{"--config", cfg, "--state", filepath.Join(root, "state"), "ftp://bob@127.0.0.1:2121/"})
	if err != nil {
		t.Fatal(err)
	}
	prompted := false
	env := Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Prompt: func(string) (string, error) { prompted = true; return "x", nil }}
	opts, cleanup, err := tuiOptions(flags, pos, env)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	if !opts.AskPassword || prompted || opts.Session == nil || opts.Session.Site().Password != "" {
		t.Fatalf("ask %v prompted %v", opts.AskPassword, prompted)
	}
	if len(opts.Notices) == 0 || !strings.Contains(strings.Join(opts.Notices, "\n"), "bookmarks.toml:3:") {
		t.Fatalf("notices %q", opts.Notices)
	}
	if got, _ := os.ReadFile(filepath.Join(cfg, "bookmarks.toml")); !bytes.Equal(got, bad) {
		t.Fatal("the malformed file changed")
	}
}
