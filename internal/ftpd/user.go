package ftpd

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestUser is the account every daemon accepts.
const TestUser = "ftpdeck-test"

// TestPassword is [TestUser]'s password.
const TestPassword = "ftpdeck-Test-pw1"

// lockFile serialises the machine-wide set-up across test binaries.
const lockFile = "/tmp/ftpdeck-ftpd.lock"

// pamService is the PAM service vsftpd uses (/etc/pam.d/ftpdeck-vsftpd).
const pamService = "ftpdeck-vsftpd"

const pamConfig = `# Written by ftpdeck's internal/ftpd test helpers: plain pam_unix, no
# shell or ftpusers checks, for the throwaway user ` + TestUser + `.
auth	required	pam_unix.so nodelay
account	required	pam_unix.so
session	required	pam_unix.so
`

type account struct{ uid, gid int }

// setUpUser runs ensureUserLocked once per process.
var setUpUser = sync.OnceValues(ensureUserLocked)

// ensureUser makes sure TestUser exists with TestPassword and the PAM
// service file is installed. It runs once per process, under a file lock
// shared with other test binaries.
func ensureUser(t testing.TB) account {
	t.Helper()
	acct, err := setUpUser()
	if err != nil {
		t.Fatalf("ftpd: set up user %s: %v", TestUser, err)
	}
	return acct
}

func ensureUserLocked() (account, error) {
	f, err := os.OpenFile(lockFile, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return account{}, err
	}
	defer f.Close()
	unlock, err := lockExclusive(f)
	if err != nil {
		return account{}, fmt.Errorf("flock %s: %w", lockFile, err)
	}
	defer unlock()

	if _, err := user.Lookup(TestUser); err != nil {
		out, err := exec.Command("useradd", "-r", "-M", "-d", "/",
			"-s", "/usr/sbin/nologin", "-c", "ftpdeck test daemons", TestUser).CombinedOutput()
		if err != nil {
			return account{}, fmt.Errorf("useradd: %v: %s", err, out)
		}
	}
	u, err := user.Lookup(TestUser)
	if err != nil {
		return account{}, err
	}
	// vsftpd changes to the home folder before local_root, so it must exist.
	if u.HomeDir != "/" {
		if out, err := exec.Command("usermod", "-d", "/", TestUser).CombinedOutput(); err != nil {
			return account{}, fmt.Errorf("usermod -d /: %v: %s", err, out)
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if !passwordSet() {
		cmd := exec.Command("chpasswd")
		cmd.Stdin = strings.NewReader(TestUser + ":" + TestPassword + "\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			return account{}, fmt.Errorf("chpasswd: %v: %s", err, out)
		}
	}
	if b, err := os.ReadFile("/etc/pam.d/" + pamService); err != nil || !bytes.Equal(b, []byte(pamConfig)) {
		tmp := "/etc/pam.d/." + pamService + ".tmp"
		if err := os.WriteFile(tmp, []byte(pamConfig), 0o644); err != nil {
			return account{}, err
		}
		if err := os.Rename(tmp, "/etc/pam.d/"+pamService); err != nil {
			return account{}, err
		}
	}
	return account{uid: uid, gid: gid}, nil
}

// passwordSet reports whether TestUser has a usable (not locked) password
// hash in /etc/shadow. The hash itself is trusted to be TestPassword's: the
// user is ours.
func passwordSet() bool {
	b, err := os.ReadFile("/etc/shadow")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		fields := strings.Split(line, ":")
		if len(fields) > 1 && fields[0] == TestUser {
			h := fields[1]
			return strings.HasPrefix(h, "$")
		}
	}
	return false
}

// hashPassword runs `openssl passwd -6` once per process.
var hashPassword = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("openssl", "passwd", "-6", TestPassword).Output()
	if err != nil {
		return "", fmt.Errorf("openssl passwd -6: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
})

// sha512Crypt returns TestPassword as a SHA-512 crypt hash ("$6$...").
func sha512Crypt(t testing.TB) string {
	t.Helper()
	h, err := hashPassword()
	if err != nil {
		SkipOrFail(t, "ftpd: %v", err)
	}
	return h
}
