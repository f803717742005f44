package cli

import (
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // the zones below on any machine

	"ftpdeck/transfer"
	"ftpdeck/transfer/wire"
)

// lsFormatter writes what fmt wrote before it, for every kind of entry,
// size and time (the same minute twice, another minute, the zero time,
// before 1970, a zone change), names escaped.
func TestLsFormatter(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 27, 5, 0, time.UTC)
	entries := []transfer.Entry{
		{Name: "a.txt", Size: 5, Time: at},
		{Name: "b", Type: transfer.Folder, Size: 4096, Time: at.Add(30 * time.Second)},
		{Name: "c", Type: transfer.Link, Size: 0, Time: at.Add(time.Minute)},
		{Name: "big", Size: 123456789012345, Time: at.Add(90 * time.Second)},
		{Name: "zero time", Size: 1},
		{Name: "1969", Size: 2, Time: time.Date(1969, 12, 31, 23, 59, 30, 0, time.UTC)},
		{Name: "1969b", Size: 2, Time: time.Date(1969, 12, 31, 23, 58, 59, 0, time.UTC)},
		{Name: "dst", Size: 3, Time: time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)},
		{Name: "esc\x1b[2J\u00e9", Size: 4, Time: at},
	}
	for _, zone := range []string{"UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		saved := time.Local
		time.Local = loc
		var f lsFormatter
		for _, e := range entries {
			want := fmt.Sprintf("%s %12d %s %s\n", map[transfer.EntryType]string{transfer.File: "-", transfer.Folder: "d", transfer.Link: "l"}[e.Type], e.Size, e.Time.Local().Format("2006-01-02 15:04"), wire.Escape(e.Name))
			if got := string(f.appendLine(nil, e)); got != want {
				t.Errorf("%s: %q, want %q", zone, got, want)
			}
		}
		time.Local = saved
	}
}
