package transfer

import (
	"context"
	"time"
)

// CanSetModTime reports whether the server can set a file's modification
// time: MFMT where FEAT lists it, else vsftpd's "MDTM time file".
func (c *Conn) CanSetModTime() bool { return c.sc.IsSetTimeSupported() }

// SetModTime sets the remote file p's modification time (MFMT, or MDTM
// with a time where that is what the server offers).
func (c *Conn) SetModTime(ctx context.Context, p string, t time.Time) error {
	return c.do(ctx, "set time "+p, []string{p}, func() error { return c.sc.SetTime(p, t) })
}
