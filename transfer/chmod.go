package transfer

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// Permission bits as chmod(1) takes them: 0o7777 at most (setuid, setgid,
// sticky, then rwx for owner, group, others).
type Perm uint32

// ParsePerm reads a mode typed by a user: octal ("644", "0755", "4755")
// or letters as ls shows them ("rw-r--r--", or with the type letter
// "-rw-r--r--"; s, S, t, T as ls writes setuid, setgid and sticky).
func ParsePerm(s string) (Perm, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("no mode given")
	}
	if s[0] >= '0' && s[0] <= '7' {
		v, err := strconv.ParseUint(s, 8, 32)
		if err != nil || len(s) > 4 {
			return 0, fmt.Errorf("%q is not an octal mode (e.g. 644 or 0755)", s)
		}
		return Perm(v), nil
	}
	if len(s) == 10 {
		s = s[1:] // the type letter of an ls line
	}
	if len(s) != 9 {
		return 0, fmt.Errorf("%q is not a mode: type octal (644) or letters (rw-r--r--)", s)
	}
	var p Perm
	for i, c := range s {
		bit := Perm(1) << (8 - i)
		want := "rwxrwxrwx"[i]
		switch {
		case byte(c) == want:
			p |= bit
		case c == '-':
		case i%3 == 2 && (c == 's' || c == 'S') && i < 6, i == 8 && (c == 't' || c == 'T'):
			special := map[int]Perm{2: 0o4000, 5: 0o2000, 8: 0o1000}[i]
			p |= special
			if c == 's' || c == 't' {
				p |= bit
			}
		default:
			return 0, fmt.Errorf("%q is not a mode: letter %d must be %c or -", s, i+1, want)
		}
	}
	return p, nil
}

// String is the mode as ls writes it, without the type letter.
func (p Perm) String() string {
	b := []byte("rwxrwxrwx")
	for i := range b {
		if p&(1<<(8-i)) == 0 {
			b[i] = '-'
		}
	}
	for _, s := range []struct {
		bit      Perm
		i        int
		set, bar byte
	}{{0o4000, 2, 's', 'S'}, {0o2000, 5, 's', 'S'}, {0o1000, 8, 't', 'T'}} {
		if p&s.bit != 0 {
			if b[s.i] == 'x' {
				b[s.i] = s.set
			} else {
				b[s.i] = s.bar
			}
		}
	}
	return string(b)
}

// Octal is the mode in octal, as SITE CHMOD takes it ("644", "4755").
func (p Perm) Octal() string { return fmt.Sprintf("%03o", uint32(p)) }

// Chmod sets p's permissions with SITE CHMOD. A server that refuses (or
// does not have the command) gives an error that says so in its words.
func (c *Conn) Chmod(ctx context.Context, p string, perm Perm) error {
	r, err := c.Quote(ctx, "SITE CHMOD "+perm.Octal()+" "+p)
	if err != nil {
		return fmt.Errorf("chmod %s: %w", p, err)
	}
	if r.Code >= 400 {
		return fmt.Errorf("chmod %s: the server refused SITE CHMOD: %d %s", p, r.Code, r.Text())
	}
	return nil
}

// ChmodAll sets perm on dir and everything inside it, folders first
// (so they stay readable), and returns how many entries it changed. It
// stops at the first refusal. Links are not followed.
func (c *Conn) ChmodAll(ctx context.Context, dir string, perm Perm) (int, error) {
	if err := c.Chmod(ctx, dir, perm); err != nil {
		return 0, err
	}
	n := 1
	es, err := c.List(ctx, dir, true)
	if err != nil {
		return n, err
	}
	for _, e := range es {
		if e.Name == "." || e.Name == ".." {
			continue
		}
		p := path.Join(dir, e.Name)
		switch e.Type {
		case Folder:
			k, err := c.ChmodAll(ctx, p, perm)
			n += k
			if err != nil {
				return n, err
			}
		case File:
			if err := c.Chmod(ctx, p, perm); err != nil {
				return n, err
			}
			n++
		case Link:
		}
	}
	return n, ctx.Err()
}

// PermOf asks the server for p's permissions with STAT, whose reply most
// servers give as ls lines: STAT p for a file (a folder's STAT lists its
// content, so for a folder, and when p's own line is not there, STAT of
// the folder holding it). ok is false when the server does not say.
func (c *Conn) PermOf(ctx context.Context, p string) (perm Perm, ok bool, err error) {
	name := path.Base(p)
	for _, q := range []string{p, path.Dir(p)} {
		r, err := c.Quote(ctx, "STAT "+q)
		if err != nil {
			return 0, false, err
		}
		if r.Code >= 400 {
			continue
		}
		if perm, ok := permInStat(r.Lines, name); ok {
			return perm, true, nil
		}
	}
	return 0, false, nil
}

// permInStat finds the ls line of name in a STAT reply.
func permInStat(lines []string, name string) (Perm, bool) {
	for _, l := range lines {
		if len(l) > 4 && l[0] >= '1' && l[0] <= '5' && (l[3] == '-' || l[3] == ' ') {
			l = l[4:]
		}
		l = strings.TrimSpace(l)
		f := strings.Fields(l)
		if len(f) < 2 || len(f[0]) != 10 || strings.IndexByte("-dlbcps", f[0][0]) < 0 {
			continue
		}
		if f[len(f)-1] != name && !strings.HasSuffix(l, " "+name) && !strings.Contains(l, " "+name+" -> ") {
			continue
		}
		if v, err := ParsePerm(f[0]); err == nil {
			return v, true
		}
	}
	return 0, false
}
