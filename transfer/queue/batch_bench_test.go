//go:build linux

package queue

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"ftpdeck/internal/ftpd"
	"ftpdeck/transfer"
)

// BenchmarkBatch2000Vsftpd downloads a folder of 2,000 files of 4 KiB
// from vsftpd with two workers, as `ftpdeck get --parallel 2` runs it
// (no state folder, new files not synced, conflicts skipped) and as the
// TUI runs it (the queue kept in a state folder on disk, conflicts
// asked): the two should cost about the same (issue 16: within 1.2×).
func BenchmarkBatch2000Vsftpd(b *testing.B) {
	root := b.TempDir()
	data := genData(1, 4096)
	for i := range 2000 {
		p := filepath.Join(root, "batch", fmt.Sprintf("f%04d.bin", i))
		if i == 0 {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	d := ftpd.StartVsftpd(b, ftpd.Options{Root: root})
	site := transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password, Timeout: 20 * time.Second}
	run := func(b *testing.B, opts func() Options) {
		var commits int64
		cpu0 := cpuTime()
		for range b.N {
			b.StopTimer()
			local := b.TempDir()
			b.StartTimer()
			sess := transfer.NewSession(site, transfer.NewLog(1000))
			q, err := New(sess, opts())
			if err != nil {
				b.Fatal(err)
			}
			c := dial(b, sess)
			if n, err := q.AddDownload(testCtx(b, time.Minute), c, "/batch", true, local); n != 2000 || err != nil {
				b.Fatalf("AddDownload: %d %v", n, err)
			}
			q.Adopt(c)
			q.Start()
			if err := q.Wait(testCtx(b, 5*time.Minute)); err != nil {
				b.Fatal(err)
			}
			if s := q.Snapshot(); s.Done != 2000 {
				b.Fatalf("%d done:%s", s.Done, failures(s))
			}
			if err := q.Close(); err != nil {
				b.Fatal(err)
			}
			if q.store != nil {
				commits += q.store.commits.Load()
			}
		}
		// bbolt syncs twice a commit (the pages, then the meta page).
		b.ReportMetric(float64(commits)/float64(b.N), "commits/op")
		// The process's CPU time is steadier than the wall clock on a
		// shared machine.
		b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	}
	b.Run("headless", func(b *testing.B) {
		run(b, func() Options { return Options{Parallel: 2, Policy: Skip, NoSyncNew: true} })
	})
	b.Run("persisted", func(b *testing.B) {
		run(b, func() Options { return Options{Parallel: 2, Policy: Ask, StateDir: b.TempDir()} })
	})
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
