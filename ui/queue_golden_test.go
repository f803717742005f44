package ui

import (
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"ftpdeck/transfer/queue"
)

// busyQueue is a queue caught mid-work: one job of every state, fed as the
// queue would report it.
func busyQueue() queue.Summary {
	jobs := []queue.Job{
		{ID: 1, Dir: queue.Download, Remote: "/pub/firmware-2.1.bin", Local: "/home/u/firmware-2.1.bin", Size: 3 << 20, Done: 3 << 20, State: queue.Done},
		{ID: 2, Dir: queue.Download, Remote: "/pub/iso/debian-12.iso", Local: "/home/u/debian-12.iso", Size: 650 << 20, Done: 210 << 20, State: queue.Running, Speed: 48 << 20},
		{ID: 3, Dir: queue.Upload, Remote: "/incoming/backup.tar", Local: "/home/u/backup.tar", Size: 80 << 20, Done: 20 << 20, State: queue.Running, Speed: 12 << 20},
		{ID: 4, Dir: queue.Download, Remote: "/pub/notes.txt", Local: "/home/u/notes.txt", Size: 2048, State: queue.Queued},
		{ID: 5, Dir: queue.Download, Remote: "/pub/big.dat", Local: "/home/u/big.dat", Size: 1 << 30, Done: 300 << 20, State: queue.Paused},
		{ID: 6, Dir: queue.Download, Remote: "/pub/locked.bin", Local: "/home/u/locked.bin", Size: 4096, State: queue.Failed, Attempts: 1, Err: "retr /pub/locked.bin: RETR: server replied 550 Permission denied."},
		{ID: 7, Dir: queue.Download, Remote: "/pub/old.txt", Local: "/home/u/old.txt", Size: 10, State: queue.Skipped},
	}
	return queue.Summary{Jobs: jobs, Running: 2, Queued: 1, Paused: 1, Done: 1, Failed: 1, Skipped: 1,
		BytesDone: (3 + 210 + 20 + 300) << 20, BytesTotal: (3+650+80+1024)<<20 + 2048 + 4096 + 10, Speed: 60 << 20}
}

func TestGoldenQueuePane(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(size(sz), func(t *testing.T) {
			m := fedModel(t, sz[0], sz[1])
			m.queue = &fakeQueue{}
			m = update(t, m, queueMsg{gen: m.gen, sum: busyQueue(), closed: true})
			m = press(t, m, "tab", "tab") // remote → local → queue
			if m.focus != focusQueue {
				t.Fatalf("focus %v, want the queue", m.focus)
			}
			golden.RequireEqual(t, view(m))
		})
	}
}

func TestGoldenConflictDialog(t *testing.T) {
	m := fedModel(t, 80, 24)
	m.queue = &fakeQueue{}
	m.conflicts = append(m.conflicts, Conflict{
		Job:          queue.Job{ID: 9, Dir: queue.Download, Remote: "/pub/notes.txt", Local: "/home/u/notes.txt", Size: 2048},
		ExistingSize: 1024,
		Decide:       func(queue.Policy, bool) {},
	})
	nm, _ := m.nextConflict()
	golden.RequireEqual(t, view(nm.(Model)))
}
