package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"ftpdeck/internal/ftpd"
)

// The benchmarks below run the headless commands in-process against
// vsftpd, for profiles of the hot paths (go test -bench . -cpuprofile):
// bench/run.sh is the side-by-side measurement.

func benchMain(b *testing.B, args ...string) {
	b.Helper()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer null.Close()
	if code := Main(args, Env{Stdout: null, Stderr: os.Stderr}); code != 0 {
		b.Fatalf("%q: exit %d", args, code)
	}
}

// BenchmarkGetBig downloads 256 MiB to /dev/null and to a file.
func BenchmarkGetBig(b *testing.B) {
	d := ftpd.StartVsftpd(b, ftpd.Options{})
	const size = 256 << 20
	f, err := os.Create(d.Path(b, "big"))
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		b.Fatal(err)
	}
	f.Close()
	for _, to := range []string{"null", "file"} {
		b.Run(to, func(b *testing.B) {
			b.SetBytes(size)
			for range b.N {
				dest := os.DevNull
				if to == "file" {
					dest = filepath.Join(b.TempDir(), "big")
				}
				benchMain(b, "get", base(d)+"big", dest)
			}
		})
	}
}

// BenchmarkGetSmall downloads a folder of 500 files of 4 KiB with
// --parallel 4.
func BenchmarkGetSmall(b *testing.B) {
	d := ftpd.StartVsftpd(b, ftpd.Options{})
	blob := make([]byte, 4096)
	for i := range 500 {
		d.WriteFile(b, fmt.Sprintf("small/f%04d", i), blob)
	}
	for range b.N {
		benchMain(b, "get", "--parallel", "4", base(d)+"small", b.TempDir())
	}
}

// BenchmarkLs50k lists a folder of 50,000 empty files.
func BenchmarkLs50k(b *testing.B) {
	d := ftpd.StartVsftpd(b, ftpd.Options{})
	d.MkdirAll(b, "many")
	dir := d.Path(b, "many")
	for i := range 50000 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("e%06d", i)), nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		benchMain(b, "ls", base(d)+"many")
	}
}
