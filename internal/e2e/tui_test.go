// Package e2e runs the built ftpdeck binary as a user would: in a real
// terminal (tmux), against a real FTP daemon, driven by keystrokes.
package e2e

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
)

// buildBinary builds ftpdeck once per test binary run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ftpdeck")
	cmd := exec.Command("go", "build", "-o", bin, "ftpdeck")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// terminal is a tmux session on its own server socket.
type terminal struct {
	t      *testing.T
	socket string
	name   string
}

func newTerminal(t *testing.T, w, h int, command string) *terminal {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		ftpd.SkipOrFail(t, "tmux not installed: %v", err)
	}
	term := &terminal{t: t, socket: fmt.Sprintf("ftpdeck-e2e-%d", os.Getpid()), name: "e2e"}
	term.tmux("new-session", "-d", "-s", term.name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), command)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", term.socket, "kill-server").Run() })
	return term
}

func (term *terminal) tmux(args ...string) string {
	term.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %q: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys sends keys one at a time (bubbletea reads a burst as one key).
func (term *terminal) keys(keys ...string) {
	for _, k := range keys {
		term.tmux("send-keys", "-t", term.name, k)
		time.Sleep(150 * time.Millisecond)
	}
}

func (term *terminal) screen() string {
	return term.tmux("capture-pane", "-p", "-t", term.name)
}

// waitFor polls the screen until cond holds, or fails with the screen.
func (term *terminal) waitFor(what string, cond func(screen string) bool) string {
	term.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := term.screen()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestTUIDownloadToggleQuit(t *testing.T) {
	bin := buildBinary(t)
	d := ftpd.StartVsftpd(t, ftpd.Options{})
	data := make([]byte, 2<<20+123)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	d.WriteFile(t, "quarterly-report.bin", data)
	for _, n := range []string{"alpha.txt", "beta.txt", "zeta notes.txt"} {
		d.WriteFile(t, n, []byte(n))
	}
	local := t.TempDir()
	cfg, state := t.TempDir(), t.TempDir()
	exitFile := filepath.Join(t.TempDir(), "exit")
	u := "ftp://" + url.UserPassword(d.User, d.Password).String() + "@" + d.Addr() + "/"
	script := filepath.Join(t.TempDir(), "run.sh")
	body := fmt.Sprintf("#!/bin/sh\n%q --local %q --config %q --state %q %q\necho $? > %q\nsleep 60\n", bin, local, cfg, state, u, exitFile)
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	term := newTerminal(t, 120, 40, script)

	term.waitFor("the remote listing", func(s string) bool {
		return strings.Contains(s, "quarterly-report.bin") && strings.Contains(s, "PASSIVE")
	})

	// Filter to the file, queue it, wait for it to land.
	term.keys("/", "q", "u", "a", "r", "t", "Enter", "c")
	target := filepath.Join(local, "quarterly-report.bin")
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := os.ReadFile(target)
		if err == nil && sha256.Sum256(got) == sha256.Sum256(data) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("download did not arrive (err %v); screen:\n%s", err, term.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
	entries, _ := os.ReadDir(local)
	if len(entries) != 1 {
		t.Errorf("local folder holds %d entries, want only the file", len(entries))
	}

	// Toggle to active, refresh: the log pane shows the PORT exchange.
	term.keys("p", "r")
	s := term.waitFor("a PORT line in the log", func(s string) bool {
		return strings.Contains(s, "> PORT 127,0,0,1,") && strings.Contains(s, "ACTIVE")
	})
	if strings.Contains(s, d.Password) {
		t.Errorf("the password is on the screen:\n%s", s)
	}

	// Quit: exit code 0.
	term.keys("q")
	deadline = time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(exitFile)
		if err == nil {
			if code := string(bytes.TrimSpace(b)); code != "0" {
				t.Fatalf("exit code %s", code)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ftpdeck did not exit; screen:\n%s", term.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
