package mirror

import (
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)

func file(rel string, size int64, tm time.Time) Entry {
	return Entry{Rel: rel, Kind: File, Size: size, Time: tm}
}

func folder(rel string) Entry { return Entry{Rel: rel, Kind: Folder} }

// ops renders a plan as "op rel" lines, for comparing with a want list.
func ops(p Plan) []string {
	var out []string
	for _, a := range p.Actions {
		out = append(out, a.Op.String()+" "+a.Rel)
	}
	return out
}

func TestCompare(t *testing.T) {
	cases := []struct {
		name     string
		src, dst []Entry
		del      bool
		want     []string
	}{
		{"empty target", []Entry{folder("a"), file("a/x", 3, t0), file("b", 1, t0)}, nil, false,
			[]string{"mkdir a", "new a/x", "new b"}},
		{"equal", []Entry{folder("a"), file("a/x", 3, t0)}, []Entry{folder("a"), file("a/x", 3, t0)}, false,
			[]string{"unchanged a/x"}},
		{"size differs", []Entry{file("x", 4, t0)}, []Entry{file("x", 3, t0.Add(time.Hour))}, false,
			[]string{"changed x"}},
		{"source newer", []Entry{file("x", 3, t0.Add(time.Minute))}, []Entry{file("x", 3, t0)}, false,
			[]string{"changed x"}},
		{"target newer", []Entry{file("x", 3, t0)}, []Entry{file("x", 3, t0.Add(time.Hour))}, false,
			[]string{"unchanged x"}},
		{"minute listing vs exact local time", []Entry{file("x", 3, t0)}, []Entry{file("x", 3, t0.Add(42*time.Second+5))}, false,
			[]string{"unchanged x"}},
		{"day listing vs exact local time", []Entry{file("x", 3, time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC))},
			[]Entry{file("x", 3, time.Date(2024, 3, 4, 17, 5, 9, 0, time.UTC))}, false, []string{"unchanged x"}},
		{"extra kept", []Entry{file("x", 3, t0)}, []Entry{file("x", 3, t0), folder("old"), file("old/y", 1, t0), file("z", 1, t0)}, false,
			[]string{"extra old", "unchanged x", "extra z"}},
		{"extra deleted", []Entry{file("x", 3, t0)}, []Entry{file("x", 3, t0), folder("old"), file("old/y", 1, t0), file("z", 1, t0)}, true,
			[]string{"delete old", "unchanged x", "delete z"}},
		{"file where a folder goes", []Entry{folder("a"), file("a/x", 1, t0)}, []Entry{file("a", 9, t0)}, false,
			[]string{"blocked a"}},
		{"file where a folder goes, --delete", []Entry{folder("a"), file("a/x", 1, t0)}, []Entry{file("a", 9, t0)}, true,
			[]string{"delete a", "mkdir a", "new a/x"}},
		{"link left", []Entry{{Rel: "l", Kind: Link, Target: "/etc"}}, nil, false, []string{"link l"}},
		{"local link where a folder goes", []Entry{folder("d"), file("d/x", 1, t0)}, []Entry{{Rel: "d", Kind: Link, Target: "/tmp"}}, false,
			[]string{"blocked d"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := Compare(c.src, c.dst, c.del)
			if got := ops(p); !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestPlanCountsAndOrder(t *testing.T) {
	src := []Entry{folder("a"), folder("a/b"), file("a/b/x", 10, t0), file("y", 5, t0), file("z", 7, t0)}
	dst := []Entry{file("y", 4, t0), file("z", 7, t0), folder("gone"), folder("gone/deep"), file("gone/deep/f", 1, t0), file("w", 1, t0)}
	p := Compare(src, dst, true)
	if p.Count[New] != 1 || p.Count[Changed] != 1 || p.Count[Unchanged] != 1 || p.Count[MakeDir] != 2 || p.Count[Delete] != 2 || p.Bytes != 15 {
		t.Errorf("counts %v bytes %d", p.Count, p.Bytes)
	}
	if got := ops(Plan{Actions: p.Dirs()}); !slices.Equal(got, []string{"mkdir a", "mkdir a/b"}) {
		t.Errorf("dirs %q", got)
	}
	if got := ops(Plan{Actions: p.Deletes()}); !slices.Equal(got, []string{"delete w", "delete gone"}) {
		t.Errorf("deletes %q (children before parents)", got)
	}
	if s := p.Summary(); s != "1 new, 1 changed, 2 deleted, 1 unchanged, 15 B to copy" {
		t.Errorf("summary %q", s)
	}
}

func TestExcluded(t *testing.T) {
	globs := []string{"*.tmp", "cache", "logs/*.gz"}
	for rel, want := range map[string]bool{
		"a.tmp": true, "d/e/a.tmp": true, "cache": true, "x/cache/y": true,
		"logs/a.gz": true, "logs/sub/a.gz": false, "other/logs/a.gz": false,
		"a.txt": false, "cachex": false,
	} {
		if got := Excluded(rel, globs); got != want {
			t.Errorf("Excluded(%q) = %v, want %v", rel, got, want)
		}
	}
	if err := CheckExcludes([]string{"[a-"}); err == nil {
		t.Error("a malformed glob was accepted")
	}
}
