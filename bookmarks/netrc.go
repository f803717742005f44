package bookmarks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// NetrcEntry is one machine (or default) entry of a netrc file.
type NetrcEntry struct {
	Machine  string // empty for the default entry
	Default  bool
	Login    string
	Password string
}

// NetrcPath returns $NETRC when set, else ~/.netrc ("" without a home).
func NetrcPath() string {
	if p := os.Getenv("NETRC"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".netrc")
}

// LookupNetrc finds the login and password for host in the netrc file at
// path ("" means NetrcPath()). With a user, the entry must be for that
// login (an entry without login matches any user); without one, the first
// entry for the host gives both. The default entry is used only when no
// machine entry matches the host. A missing file is not an error (ok is
// false).
func LookupNetrc(path, host, user string) (login, password string, ok bool, err error) {
	if path == "" {
		path = NetrcPath()
		if path == "" {
			return "", "", false, nil
		}
	}
	data, err := readSmallFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, err
	}
	entries, err := ParseNetrc(string(data))
	if err != nil {
		return "", "", false, fmt.Errorf("%s: %w", path, err)
	}
	e, ok := matchNetrc(entries, host, user)
	if !ok {
		return "", "", false, nil
	}
	login = e.Login
	if login == "" {
		login = user
	}
	return login, e.Password, true, nil
}

func matchNetrc(entries []NetrcEntry, host, user string) (NetrcEntry, bool) {
	fits := func(e NetrcEntry) bool { return user == "" || e.Login == "" || e.Login == user }
	hostSeen := false
	for _, e := range entries {
		if !e.Default && strings.EqualFold(e.Machine, host) {
			hostSeen = true
			if fits(e) {
				return e, true
			}
		}
	}
	if hostSeen {
		// The host has entries, none for this user: the default entry is
		// for hosts without entries.
		return NetrcEntry{}, false
	}
	for _, e := range entries {
		if e.Default && fits(e) {
			return e, true
		}
	}
	return NetrcEntry{}, false
}

// NetrcNotices warns when the netrc file at path can be read by group or
// others (it is left as it is: it is not ftpdeck's file).
func NetrcNotices(path string) []Notice {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	return []Notice{{Path: path, Text: fmt.Sprintf("permissions are %04o: others can read the passwords in it; run chmod 600 %s", fi.Mode().Perm(), path)}}
}

// ParseNetrc parses the text of a netrc file: machine NAME, default,
// login, password, account (ignored), macdef NAME (its lines are skipped up
// to the next empty line), # comments to the end of the line, and tokens
// quoted with "..." in which a backslash escapes the next character.
// Unknown keywords are ignored.
func ParseNetrc(text string) ([]NetrcEntry, error) {
	t := netrcTokenizer{s: text}
	var (
		entries []NetrcEntry
		cur     *NetrcEntry
	)
	value := func(kw string) (string, error) {
		v, ok, err := t.next()
		if err != nil {
			return "", err
		}
		if !ok {
			return "", fmt.Errorf("line %d: %s without a value", t.line, kw)
		}
		return v, nil
	}
	for {
		tok, ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return entries, nil
		}
		switch tok {
		case "machine":
			name, err := value(tok)
			if err != nil {
				return nil, err
			}
			entries = append(entries, NetrcEntry{Machine: name})
			cur = &entries[len(entries)-1]
		case "default":
			entries = append(entries, NetrcEntry{Default: true})
			cur = &entries[len(entries)-1]
		case "login", "password", "account":
			v, err := value(tok)
			if err != nil {
				return nil, err
			}
			if cur == nil {
				continue // outside any entry: ignored
			}
			switch tok {
			case "login":
				cur.Login = v
			case "password":
				cur.Password = v
			}
		case "macdef":
			if _, err := value(tok); err != nil {
				return nil, err
			}
			t.skipMacro()
		}
		// Any other token is ignored, as most netrc readers do.
	}
}

type netrcTokenizer struct {
	s    string
	pos  int
	line int // 1-based line of the last token, for errors
}

// next returns the next token; ok is false at the end.
func (t *netrcTokenizer) next() (tok string, ok bool, err error) {
	if t.line == 0 {
		t.line = 1
	}
	for t.pos < len(t.s) {
		c := t.s[t.pos]
		switch {
		case c == '\n':
			t.line++
			t.pos++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			t.pos++
		case c == '#':
			for t.pos < len(t.s) && t.s[t.pos] != '\n' {
				t.pos++
			}
		case c == '"':
			return t.quoted()
		default:
			start := t.pos
			for t.pos < len(t.s) && !strings.ContainsRune(" \t\r\n\f\v", rune(t.s[t.pos])) {
				t.pos++
			}
			return t.s[start:t.pos], true, nil
		}
	}
	return "", false, nil
}

func (t *netrcTokenizer) quoted() (string, bool, error) {
	startLine := t.line
	t.pos++ // opening quote
	var b strings.Builder
	for t.pos < len(t.s) {
		c := t.s[t.pos]
		t.pos++
		switch c {
		case '"':
			return b.String(), true, nil
		case '\\':
			if t.pos < len(t.s) {
				b.WriteByte(t.s[t.pos])
				t.pos++
			}
		case '\n':
			t.line++
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return "", false, fmt.Errorf("line %d: unterminated quoted token", startLine)
}

// skipMacro skips the rest of the macdef line and the macro's lines up to
// and including the first empty (or blank) line.
func (t *netrcTokenizer) skipMacro() {
	firstLine := true
	for t.pos < len(t.s) {
		end := strings.IndexByte(t.s[t.pos:], '\n')
		var line string
		if end < 0 {
			line, t.pos = t.s[t.pos:], len(t.s)
		} else {
			line, t.pos = t.s[t.pos:t.pos+end], t.pos+end+1
			t.line++
		}
		if !firstLine && strings.TrimSpace(line) == "" {
			return
		}
		firstLine = false
	}
}
