package queue

import (
	"fmt"
	"testing"

	"ftpdeck/transfer"
)

// BenchmarkBookkeeping10k is the queue's own work for 10,000 jobs, no
// network and no disk: add them, take each as a worker does (next), finish
// it, and take a Snapshot every 100 jobs (the reporter's five a second).
func BenchmarkBookkeeping10k(b *testing.B) {
	const n = 10000
	jobs := make([]Job, n)
	for i := range jobs {
		jobs[i] = Job{Dir: Download, Remote: fmt.Sprintf("/d/f%05d", i), Local: fmt.Sprintf("/tmp/x/f%05d", i), LocalRoot: "/tmp/x", Size: 4096}
	}
	sess := transfer.NewSession(transfer.Site{Host: "127.0.0.1", Port: 21}, transfer.NewLog(100))
	b.ReportAllocs()
	for range b.N {
		q, err := New(sess, Options{Parallel: 1})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := q.add(jobs); err != nil {
			b.Fatal(err)
		}
		for i := range n {
			j, ctx := q.next()
			j.progress.Store(j.Size)
			q.finish(j, Done, nil, ctx)
			if i%100 == 0 {
				_ = q.Snapshot()
			}
		}
		_ = q.Close()
	}
}
