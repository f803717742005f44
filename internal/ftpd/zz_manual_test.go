package ftpd

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestZZManualServe(t *testing.T) {
	if os.Getenv("FTPDECK_MANUAL") == "" {
		t.Skip()
	}
	root := t.TempDir()
	data := make([]byte, 4096)
	_ = os.MkdirAll(filepath.Join(root, "batch"), 0o755)
	for i := range 2000 {
		_ = os.WriteFile(filepath.Join(root, "batch", fmt.Sprintf("f%04d.bin", i)), data, 0o644)
	}
	d := StartVsftpd(t, Options{Root: root})
	_ = os.WriteFile("/tmp/manual/url", []byte(d.URL()), 0o644)
	for {
		if _, err := os.Stat("/tmp/manual/stop"); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}
