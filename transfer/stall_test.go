package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
	"ftpdeck/transfer/trust"
)

// stallTimeout is the user's --timeout in the stall tests.
const stallTimeout = 2 * time.Second

// silentAfter150 is a transfer handler that opens the data connection,
// replies 150, then neither moves a byte nor replies again: a server that
// hangs mid-transfer. With drain, it reads (and drops) what the client
// uploads, so only the reply is missing.
func silentAfter150(drain bool) ftpscript.Handler {
	return func(c *ftpscript.Conn, _ string) {
		d, err := c.Data()
		if err != nil {
			c.Replyf("425 %v", err)
			return
		}
		defer d.Close()
		c.Reply("150 Opening BINARY mode data connection.")
		if drain {
			go func() { _, _ = io.Copy(io.Discard, d) }()
		}
		c.Silent()
	}
}

// neverConnects is a RETR handler for active mode that replies 150 and
// never connects to the client's port, nor replies again.
func neverConnects(c *ftpscript.Conn, _ string) {
	c.Reply("150 Opening BINARY mode data connection.")
	c.Silent()
}

// TestStalledTransferBoundedByTimeout is issue #14's fifth case: a server
// that sends 150 and then nothing (or stops half-way, or takes no more of
// an upload) fails the attempt within about one timeout — the data
// connection's stall is seen within the timeout of its last byte, and the
// reply after it is then awaited only briefly — and the error says the
// data connection stalled, with the mode, the server's address and the
// bytes moved, never a local write timing out ("write f.bin.part: i/o
// timeout").
func TestStalledTransferBoundedByTimeout(t *testing.T) {
	type op func(ctx context.Context, t *testing.T, c *transfer.Conn) error
	retrToFile := func(ctx context.Context, t *testing.T, c *transfer.Conn) error {
		f, err := os.Create(filepath.Join(t.TempDir(), "f.bin.part"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		_, err = c.Retrieve(ctx, "/f.bin", 0, f, nil)
		return err
	}
	retrToBuffer := func(ctx context.Context, t *testing.T, c *transfer.Conn) error {
		_, err := c.Retrieve(ctx, "/f.bin", 0, &bytes.Buffer{}, nil)
		return err
	}
	list := func(ctx context.Context, t *testing.T, c *transfer.Conn) error {
		_, err := c.List(ctx, "/", false)
		return err
	}
	storSmall := func(ctx context.Context, t *testing.T, c *transfer.Conn) error {
		_, err := c.Store(ctx, "/up.bin", 0, strings.NewReader("payload"), nil)
		return err
	}
	storBig := func(ctx context.Context, t *testing.T, c *transfer.Conn) error {
		_, err := c.Store(ctx, "/up.bin", 0, bytes.NewReader(make([]byte, 64<<20)), nil)
		return err
	}
	cases := []struct {
		name    string
		verb    string
		h       ftpscript.Handler
		mode    transfer.Mode
		tls     bool
		op      op
		want    []string // words the error must hold
		stalled bool     // the error is a *transfer.StallError
	}{
		{"retr to a file, passive", "RETR", silentAfter150(false), transfer.Passive, false, retrToFile,
			[]string{"data connection stalled (passive mode, server 127.0.0.1:", "sent no bytes for 2s, after 0 bytes received"}, true},
		{"retr to a buffer, active", "RETR", silentAfter150(false), transfer.Active, false, retrToBuffer,
			[]string{"data connection stalled (active mode, server 127.0.0.1:", "sent no bytes for 2s, after 0 bytes received"}, true},
		{"retr stopping half-way, passive", "RETR", ftpscript.StallAfter(40_000), transfer.Passive, false, retrToFile,
			[]string{"data connection stalled (passive mode, server 127.0.0.1:", "after 40000 bytes received"}, true},
		{"list, passive", "LIST", silentAfter150(false), transfer.Passive, false, list,
			[]string{"data connection stalled (passive mode, server 127.0.0.1:", "sent no bytes for 2s"}, true},
		{"stor not taken, passive", "STOR", silentAfter150(false), transfer.Passive, false, storBig,
			[]string{"data connection stalled (passive mode, server 127.0.0.1:", "the server took no bytes for 2s, after"}, true},
		{"retr, active, never connecting", "RETR", neverConnects, transfer.Active, false, retrToBuffer,
			[]string{"active: server could not connect back to 127.0.0.1:", "within 2s"}, false},
		// TLS: a handshake that never comes is a stall too; an upload
		// whose data connection the server neither closes nor answers
		// stalled at its end (ftpdeck's close_notify sent, nothing back).
		{"retr over TLS, passive", "RETR", silentAfter150(false), transfer.Passive, true, retrToBuffer,
			[]string{"data connection stalled (passive mode, server 127.0.0.1:", "sent no bytes for 2s, after 0 bytes received"}, true},
		{"stor over TLS, not closed, active", "STOR", silentAfter150(true), transfer.Active, true, storSmall,
			[]string{"data connection stalled (active mode, server 127.0.0.1:", "did not close it within 2s after all 7 bytes"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, crt := tlsServer(t, nil)
			srv.Files.Put("/f.bin", bytes.Repeat([]byte("x"), 100_000))
			srv.Handle(tc.verb, tc.h)
			_, c, rec, err := dialScripted(t, srv, func(s *transfer.Site) {
				s.Timeout, s.Mode = stallTimeout, tc.mode
				if tc.tls {
					s.TLS, s.Trust = transfer.TLSExplicit, &trust.Verifier{Roots: crt.pool}
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err = tc.op(context.Background(), t, c)
			took := time.Since(start)
			if err == nil {
				t.Fatalf("no error\nlog:\n%s", rec.text())
			}
			t.Logf("after %s: %v", took.Round(time.Millisecond), err)
			if took < stallTimeout*9/10 || took > stallTimeout*8/5 {
				t.Errorf("failed after %s, want about the timeout (%s)", took, stallTimeout)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			for _, bad := range []string{"i/o timeout", ".part", "write "} {
				if strings.Contains(msg, bad) {
					t.Errorf("error %q says %q: it points at the local side", msg, bad)
				}
			}
			var se *transfer.StallError
			if errors.As(err, &se) != tc.stalled || !errors.Is(err, transfer.ErrTimeout) || !transfer.IsTransient(err) {
				t.Errorf("error %q: a stall %v (want %v), a timeout %v, transient %v, want both", msg,
					errors.As(err, &se), tc.stalled, errors.Is(err, transfer.ErrTimeout), transfer.IsTransient(err))
			}
		})
	}
}

// TestReplyAfterDataBoundedByTimeout (issue #8's case 13, as issue #14
// reframed it): the reply after an upload's data
// (226) is awaited for the timeout, as every wait, and no longer: one
// within it is a success, one that never comes fails after about the
// timeout and says what was awaited. (It had a separate bound of four
// timeouts before, issue #14's fifth case.)
func TestReplyAfterDataBoundedByTimeout(t *testing.T) {
	for _, tc := range []struct {
		name  string
		delay time.Duration
		ok    bool
	}{
		{"within the timeout", stallTimeout / 3, true},
		{"never", time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := ftpscript.Start(t)
			srv.Handle("STOR", ftpscript.StoreReply(tc.delay, "226 Transfer complete."))
			_, c, rec, err := dialScripted(t, srv, func(s *transfer.Site) { s.Timeout = stallTimeout })
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = c.Store(context.Background(), "/up.bin", 0, strings.NewReader("payload"), nil)
			took := time.Since(start)
			if tc.ok {
				if err != nil {
					t.Fatalf("226 after %s, within the timeout, reported as a failure: %v\nlog:\n%s", tc.delay, err, rec.text())
				}
				if got, _ := srv.Files.Get("/up.bin"); string(got) != "payload" {
					t.Errorf("server holds %q", got)
				}
				return
			}
			if err == nil || !errors.Is(err, transfer.ErrTimeout) || !strings.Contains(err.Error(), "waiting for the reply after the data connection: server sent nothing for 2s") {
				t.Fatalf("err = %v, want a timeout waiting for the reply after the data", err)
			}
			if took < stallTimeout*9/10 || took > stallTimeout*3/2 {
				t.Errorf("failed after %s, want about the timeout (%s)", took, stallTimeout)
			}
			if !c.Broken() {
				t.Error("the connection is not marked broken: its next reply would answer the wrong command")
			}
		})
	}
}
