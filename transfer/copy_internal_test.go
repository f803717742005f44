package transfer

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestCopyReusesItsBuffer: copying a small file through a buffer does not
// allocate a new 256 KiB buffer each time (a batch of 2,000 files had
// allocated 500 MiB that way).
func TestCopyReusesItsBuffer(t *testing.T) {
	src := strings.Repeat("x", 4096)
	var dst bytes.Buffer
	dst.Grow(len(src))
	allocs := testing.AllocsPerRun(200, func() {
		dst.Reset()
		if n, err := copyCounting(&dst, io.LimitReader(strings.NewReader(src), int64(len(src))), nil); n != int64(len(src)) || err != nil {
			t.Fatalf("copied %d, %v", n, err)
		}
	})
	t.Logf("%.2f allocations per copy", allocs)
	// io.LimitReader and strings.Reader are two allocations of their own.
	if allocs > 2.5 {
		t.Errorf("%.1f allocations per small copy, want the buffer reused", allocs)
	}
}
