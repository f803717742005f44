package bookmarks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func writeScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	writeFile(t, path, "#!/bin/sh\n"+body, 0o700)
	return path
}

func TestRunPasswordCmd(t *testing.T) {
	dir := t.TempDir()
	ok := writeScript(t, dir, "getpw", "printf 's3cret\\r\\nsecond line\\n'\n")
	args := writeScript(t, dir, "args", `printf '%s|' "$@"; echo`+"\n")
	fail := writeScript(t, dir, "failpw", "echo 'pretend-stdout-secret'\necho 'gpg: decryption failed' >&2\necho 'more' >&2\nexit 3\n")
	empty := writeScript(t, dir, "emptypw", "exit 0\n")
	blank := writeScript(t, dir, "blankpw", "echo\necho second\n")
	stdin := writeScript(t, dir, "stdinpw", "read x || x=eof; echo \"got-$x\"\n")
	marker := filepath.Join(dir, "x")

	tests := []struct {
		name, cmd, want, wantErr string
		notInErr                 []string
	}{
		{"first line, CR/LF stripped", ok, "s3cret", "", nil},
		{"quoted words", args + ` 'a b' "c \"d\"" e\ f`, "a b|c \"d\"|e f|", "", nil},
		{"no shell: ; is a plain word", "echo hi; touch " + marker, "hi; touch " + marker, "", nil},
		{"no shell: $() is plain", "echo $(touch " + marker + ")", "$(touch " + marker + ")", "", nil},
		{"stdin is empty", stdin, "got-eof", "", nil},
		{"failure names program, status, stderr line", fail, "", "failpw failed (exit status 3): gpg: decryption failed", []string{"pretend-stdout-secret", "more"}},
		{"prints nothing", empty, "", "emptypw printed no password", nil},
		{"first line empty", blank, "", "blankpw printed no password", []string{"second"}},
		{"program not found", "/nonexistent/pwtool --x", "", `program "/nonexistent/pwtool" not found`, nil},
		{"unterminated quote", `echo 'abc`, "", "unterminated", nil},
		{"empty", "   ", "", "empty command", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RunPasswordCmd(context.Background(), tt.cmd)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				for _, s := range tt.notInErr {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error %q shows %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a shell ran: %s exists", marker)
	}
}

func TestRunPasswordCmdTimeout(t *testing.T) {
	dir := t.TempDir()
	slow := writeScript(t, dir, "slowpw", "sleep 5\necho late\n")
	start := time.Now()
	_, err := runPasswordCmd(context.Background(), slow, 200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "slowpw did not finish within 200ms") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s", d)
	}
}

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"pass show ftp/work", []string{"pass", "show", "ftp/work"}},
		{"  a\t b  ", []string{"a", "b"}},
		{`a 'b c' "d e"`, []string{"a", "b c", "d e"}},
		{`'it''s'`, []string{"its"}},
		{`"a\"b\\c\$d\e"`, []string{`a"b\c$d\e`}},
		{`x""y ''`, []string{"xy", ""}},
		{`a\ b`, []string{"a b"}},
		{`a;b|c&&d`, []string{"a;b|c&&d"}},
	}
	for _, tt := range tests {
		got, err := SplitCommand(tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitCommand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "  ", `'a`, `"a`, `a\`} {
		if _, err := SplitCommand(bad); err == nil {
			t.Errorf("SplitCommand(%q) succeeded", bad)
		}
	}
}

func TestResolvePasswordOrder(t *testing.T) {
	dir := t.TempDir()
	netrc := filepath.Join(dir, "netrc")
	writeFile(t, netrc, "machine h login u password netrcpw\n", 0o644)
	t.Setenv("NETRC", netrc)
	cmd := writeScript(t, dir, "pw", "echo cmdpw\n")
	failing := writeScript(t, dir, "bad", "echo nope >&2; exit 1\n")
	prompt := func() (string, error) { return "typed", nil }

	tests := []struct {
		name       string
		site       Site
		host, user string
		prompt     func() (string, error)
		want       string
		src        Source
		wantErr    error
	}{
		{"bookmark first", Site{User: "u", Password: "savedpw", PasswordCmd: cmd}, "h", "u", prompt, "savedpw", SourceBookmark, nil},
		{"then password_cmd", Site{User: "u", PasswordCmd: cmd}, "h", "u", prompt, "cmdpw", SourceCommand, nil},
		{"then netrc", Site{}, "h", "u", prompt, "netrcpw", SourceNetrc, nil},
		{"then prompt", Site{}, "other", "u", prompt, "typed", SourcePrompt, nil},
		{"no prompt", Site{}, "other", "u", nil, "", SourceNone, ErrNoPassword},
		{"bookmark's own user and host", Site{Host: "H", User: "u", Password: "savedpw"}, "h", "u", prompt, "savedpw", SourceBookmark, nil},
		{"other user: not the bookmark's password", Site{Host: "h", User: "bob", Password: "savedpw"}, "h", "u", prompt, "netrcpw", SourceNetrc, nil},
		{"other host: not the bookmark's command", Site{Host: "x", User: "u", PasswordCmd: cmd}, "other", "u", prompt, "typed", SourcePrompt, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, src, _, err := ResolvePassword(tt.site, tt.host, tt.user, tt.prompt)
			if !errors.Is(err, tt.wantErr) || got != tt.want || src != tt.src {
				t.Errorf("got %q, %v, %v; want %q, %v, %v", got, src, err, tt.want, tt.src, tt.wantErr)
			}
		})
	}

	_, _, notices, _ := ResolvePassword(Site{}, "h", "u", nil)
	if len(notices) != 1 || !strings.Contains(notices[0].Text, "others can read") {
		t.Errorf("netrc notice = %v", notices)
	}
	for _, n := range notices {
		if strings.Contains(n.String(), "netrcpw") {
			t.Errorf("notice shows the password: %v", n)
		}
	}

	_, _, _, err := ResolvePassword(Site{User: "u", PasswordCmd: failing}, "h", "u", prompt)
	if err == nil || !strings.Contains(err.Error(), "bad failed (exit status 1): nope") {
		t.Errorf("failing password_cmd: %v", err)
	}
	if SourceNetrc.String() != "netrc" || SourceCommand.String() != "password_cmd" {
		t.Error("Source names changed")
	}
}
