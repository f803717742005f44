package transfer

import (
	"context"
	"io"
	"sync/atomic"
)

// Append uploads r to the end of remote p (APPE) and returns the bytes
// sent: the way to continue an upload on a server that refuses REST
// before STOR.
func (c *Conn) Append(ctx context.Context, p string, r io.Reader, progress *atomic.Int64) (int64, error) {
	cr := &countingReader{r: r, progress: progress}
	err := c.do(ctx, "appe "+p, []string{p}, func() error {
		return c.sc.Append(p, cr)
	})
	return cr.n, err
}
