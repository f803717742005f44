package transfer_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	"ftpdeck/internal/ftpd"
	"ftpdeck/transfer"
)

// endingCase is one daemon and TLS setting of TestFTPSDataEnding; big names
// the modes that also move 100 MB each way (a subset keeps the matrix's cost
// down while every daemon, mode, TLS version and kind of TLS sees it).
type endingCase struct {
	kind     ftpd.Kind
	version  string
	implicit bool
	big      []transfer.Mode
}

// endingSizes are the sizes every case moves both ways; the uploads of
// repeatedSizes are done endingRepeats times (the failure they catch
// depends on timing).
var (
	endingSizes   = []int{0, 1, 64 << 10, 128 << 10, 5_000_000}
	repeatedSizes = []int{128 << 10, 5_000_000}
)

const (
	endingRepeats = 10
	bigSize       = 100_000_000
)

// TestFTPSDataEnding is issue #14's first case: a TLS data connection is
// ended the way servers expect (close_notify, then what the server still
// sends — TLS 1.3 session tickets — read until it closes, then close), so
// no server sees a reset and throws away the end of an upload. vsftpd with
// TLS 1.3 and require_ssl_reuse answered 426 to most uploads of 128 KiB and
// more before: the client closed with the tickets unread. Every upload and
// download is compared byte for byte with the server's copy on disk.
func TestFTPSDataEnding(t *testing.T) {
	cases := []endingCase{
		{ftpd.Vsftpd, "1.2", false, nil},
		{ftpd.Vsftpd, "1.2", true, nil},
		{ftpd.Vsftpd, "1.3", false, []transfer.Mode{transfer.Passive}},
		{ftpd.Vsftpd, "1.3", true, nil},
		{ftpd.ProFTPD, "1.2", false, nil},
		{ftpd.ProFTPD, "1.2", true, []transfer.Mode{transfer.Active}},
		{ftpd.ProFTPD, "1.3", false, nil},
		{ftpd.ProFTPD, "1.3", true, nil},
		{ftpd.PureFTPd, "1.2", false, nil},
		{ftpd.PureFTPd, "1.3", false, []transfer.Mode{transfer.Active}},
	}
	payloads := map[int][]byte{}
	for i, n := range append(endingSizes, bigSize) {
		payloads[n] = randomBytes(n, uint64(100+i))
		if n == 1 {
			payloads[n] = []byte{0x42}
		}
	}
	for _, tc := range cases {
		name := fmt.Sprintf("%s/TLS%s", tc.kind, tc.version)
		if tc.implicit {
			name += "/implicit"
		}
		t.Run(name, func(t *testing.T) {
			d, sess, rec := tlsDaemonSession(t, tc.kind, tc.version, tc.implicit, 1000)
			ctx := context.Background()
			conn := func() *transfer.Conn {
				t.Helper()
				c, err := sess.Dial(ctx)
				if err != nil {
					t.Fatalf("dial: %v\nlog:\n%s", err, rec.text())
				}
				t.Cleanup(func() { _ = c.Close() })
				return c
			}
			c := conn()
			for _, mode := range []transfer.Mode{transfer.Passive, transfer.Active} {
				sess.SetMode(mode)
				sizes := endingSizes
				for _, m := range tc.big {
					if m == mode {
						sizes = append(sizes[:len(sizes):len(sizes)], bigSize)
					}
				}
				failed := map[string]int{}
				for _, n := range sizes {
					repeats := 1
					for _, r := range repeatedSizes {
						if n == r {
							repeats = endingRepeats
						}
					}
					for i := range repeats {
						p := fmt.Sprintf("/up-%s-%d-%d.bin", mode, n, i)
						if err := putAndCompare(ctx, c, d, p, payloads[n]); err != nil {
							failed[fmt.Sprintf("put %d B", n)]++
							t.Errorf("%s: %v", mode, err)
						}
						if c.Broken() {
							c = conn()
						}
					}
					p := fmt.Sprintf("/down-%s-%d.bin", mode, n)
					if err := getAndCompare(ctx, t, c, d, p, payloads[n]); err != nil {
						failed[fmt.Sprintf("get %d B", n)]++
						t.Errorf("%s: %v", mode, err)
					}
					if c.Broken() {
						c = conn()
					}
				}
				if len(failed) > 0 {
					t.Errorf("%s: failures by transfer: %v\nlog tail:\n%s", mode, failed, tail(rec.text(), 40))
				}
			}
		})
	}
}

// putAndCompare uploads data to p and compares the server's copy with it
// byte for byte; the copy is removed afterwards (the repeats add up).
func putAndCompare(ctx context.Context, c *transfer.Conn, d *ftpd.Daemon, p string, data []byte) error {
	n, err := c.Store(ctx, p, 0, bytes.NewReader(data), nil)
	if err != nil {
		return fmt.Errorf("put %s (%d B): %w (%d B sent)", p, len(data), err, n)
	}
	onDisk := d.Root + p
	got, err := os.ReadFile(onDisk)
	if err != nil {
		return fmt.Errorf("put %s: %w", p, err)
	}
	_ = os.Remove(onDisk)
	if !bytes.Equal(got, data) {
		return fmt.Errorf("put %s: the server holds %d B, not the %d B sent (or other bytes)", p, len(got), len(data))
	}
	return nil
}

// getAndCompare places data on the server's disk at p, downloads it and
// compares what arrived with it byte for byte.
func getAndCompare(ctx context.Context, t *testing.T, c *transfer.Conn, d *ftpd.Daemon, p string, data []byte) error {
	d.WriteFile(t, p, data)
	defer os.Remove(d.Root + p)
	got := bytes.NewBuffer(make([]byte, 0, len(data)))
	if _, err := c.Retrieve(ctx, p, 0, got, nil); err != nil {
		return fmt.Errorf("get %s (%d B): %w (%d B received)", p, len(data), err, got.Len())
	}
	if !bytes.Equal(got.Bytes(), data) {
		return fmt.Errorf("get %s: received %d B, the server holds %d B (or other bytes)", p, got.Len(), len(data))
	}
	return nil
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := bytes.Split([]byte(s), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
