package bookmarks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Source says where a password came from, for a log note that names the
// source and never the password.
type Source int

// Sources of a password, in the order ResolvePassword tries them.
const (
	SourceNone     Source = iota // no password found
	SourceBookmark               // saved in the bookmark
	SourceCommand                // printed by the bookmark's password_cmd
	SourceNetrc                  // ~/.netrc or $NETRC
	SourcePrompt                 // typed by the user at the masked prompt
)

// String names the source in words, e.g. "password_cmd".
func (s Source) String() string {
	switch s {
	case SourceBookmark:
		return "bookmark"
	case SourceCommand:
		return "password_cmd"
	case SourceNetrc:
		return "netrc"
	case SourcePrompt:
		return "prompt"
	default:
		return "none"
	}
}

// ErrNoPassword is returned by ResolvePassword when no source had a
// password and there is no prompt.
var ErrNoPassword = errors.New("no password: none saved in the bookmark, no password_cmd, no ~/.netrc entry, and no prompt")

// PasswordCmdTimeout bounds how long a password_cmd may run.
const PasswordCmdTimeout = 10 * time.Second

// maxCmdOutput bounds what is kept of a password_cmd's stdout and stderr.
const maxCmdOutput = 64 << 10

// ResolvePassword finds the password for user at host, trying in order:
// the bookmark's saved password and its password_cmd (only when host and
// user are the bookmark's own: a URL naming another user does not get
// them), the netrc file
// (NetrcPath) and prompt (nil means no prompt: ErrNoPassword). host and
// user are the effective ones (a URL may override the bookmark's). The
// notices warn about a netrc file others can read or cannot parse; they
// never hold the password. A failing password_cmd is an error, and the
// remaining sources are not tried (the user asked for that command).
func ResolvePassword(site Site, host, user string, prompt func() (string, error)) (string, Source, []Notice, error) {
	mine := siteOwnsLogin(site, host, user)
	if mine && site.Password != "" {
		return site.Password, SourceBookmark, nil, nil
	}
	if mine && site.PasswordCmd != "" {
		pw, err := RunPasswordCmd(context.Background(), site.PasswordCmd)
		if err != nil {
			return "", SourceNone, nil, err
		}
		return pw, SourceCommand, nil, nil
	}
	var notices []Notice
	path := NetrcPath()
	if path != "" {
		notices = append(notices, NetrcNotices(path)...)
		_, pw, ok, err := LookupNetrc(path, host, user)
		switch {
		case err != nil:
			notices = append(notices, Notice{Path: path, Text: fmt.Sprintf("not used: %v", err)})
		case ok && pw != "":
			return pw, SourceNetrc, notices, nil
		}
	}
	if prompt == nil {
		return "", SourceNone, notices, ErrNoPassword
	}
	pw, err := prompt()
	if err != nil {
		return "", SourceNone, notices, fmt.Errorf("password prompt: %w", err)
	}
	return pw, SourcePrompt, notices, nil
}

// siteOwnsLogin reports whether the bookmark's password and password_cmd
// are for this host and user: a URL that names another user or host must
// not receive the bookmark's secret.
func siteOwnsLogin(site Site, host, user string) bool {
	if host != "" && site.Host != "" && !strings.EqualFold(host, site.Host) {
		return false
	}
	return user == "" || user == site.User || (site.User == "" && user == "anonymous")
}

// RunPasswordCmd runs cmdline without a shell (split by SplitCommand; a
// leading "~/" in the program is the home folder), with no stdin and a
// PasswordCmdTimeout limit, and returns the first line of its stdout with
// the line end removed. Errors name the program, its exit status and the
// first line of its stderr, never its stdout.
func RunPasswordCmd(ctx context.Context, cmdline string) (string, error) {
	return runPasswordCmd(ctx, cmdline, PasswordCmdTimeout)
}

func runPasswordCmd(ctx context.Context, cmdline string, timeout time.Duration) (string, error) {
	args, err := SplitCommand(cmdline)
	if err != nil {
		return "", fmt.Errorf("password_cmd: %w", err)
	}
	if rest, ok := strings.CutPrefix(args[0], "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			args[0] = filepath.Join(home, rest)
		}
	}
	prog := filepath.Base(args[0])
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin = nil // the null device
	var stdout, stderr limitedBuffer
	stdout.max, stderr.max = maxCmdOutput, maxCmdOutput
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second // do not hang on a child that keeps the pipes open
	err = cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return "", fmt.Errorf("password_cmd: %s did not finish within %s", prog, timeout)
	}
	if err != nil {
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			msg := fmt.Sprintf("password_cmd: %s failed (%s)", prog, ee.ProcessState.String())
			if line := firstLine(stderr.Bytes()); line != "" {
				msg += ": " + line
			}
			return "", errors.New(msg)
		case errors.Is(err, exec.ErrNotFound), errors.Is(err, os.ErrNotExist):
			return "", fmt.Errorf("password_cmd: program %q not found", args[0])
		default:
			return "", fmt.Errorf("password_cmd: %s: %w", prog, err)
		}
	}
	pw := firstLine(stdout.Bytes())
	if pw == "" {
		return "", fmt.Errorf("password_cmd: %s printed no password (its first line of output is empty)", prog)
	}
	return pw, nil
}

// firstLine returns b up to its first line break, without CR/LF.
func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return strings.TrimRight(string(line), "\r\n")
}

// limitedBuffer keeps the first max bytes written and discards the rest
// (still reporting success, so the command is not killed by EPIPE).
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// SplitCommand splits a command line into words the way a POSIX shell
// splits simple words, without running a shell and without expansions:
// blanks separate words; '...' keeps everything literally; "..." keeps
// everything but lets a backslash escape " \ $ and `; outside quotes a
// backslash escapes the next character. ; | & $ and the like are plain
// characters.
func SplitCommand(s string) ([]string, error) {
	var (
		words  []string
		cur    strings.Builder
		inWord bool
	)
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '\'':
			inWord = true
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				j++
			}
			if j == len(rs) {
				return nil, errors.New("unterminated ' quote")
			}
			cur.WriteString(string(rs[i+1 : j]))
			i = j
		case r == '"':
			inWord = true
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) && strings.ContainsRune("\"\\$`", rs[j+1]) {
					j++
				}
				cur.WriteRune(rs[j])
			}
			if j == len(rs) {
				return nil, errors.New("unterminated \" quote")
			}
			i = j
		case r == '\\':
			inWord = true
			if i+1 == len(rs) {
				return nil, errors.New("backslash at the end")
			}
			i++
			cur.WriteRune(rs[i])
		default:
			inWord = true
			cur.WriteRune(r)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	if len(words) == 0 {
		return nil, errors.New("empty command")
	}
	return words, nil
}
