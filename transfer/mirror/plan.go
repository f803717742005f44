package mirror

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"ftpdeck/transfer"
)

// Op is what the plan does with one path.
type Op int

// The plan's operations. Fetch and Update move a file from the source to
// the target side; the rest change nothing but the target's folders and
// deletions, or only report.
const (
	New       Op = iota // a file the target lacks: copied
	Changed             // a file of another size, or newer on the source: copied over
	Unchanged           // the same size and no newer: not touched
	MakeDir             // a folder the target lacks: created
	Delete              // on the target only, and --delete given: removed
	Extra               // on the target only, no --delete: left
	LinkLeft            // a symbolic link on the source: reported, left alone
	Blocked             // a file where the source has a folder (or the reverse), no --delete: left, reported
)

// String names the op in plans and JSON.
func (o Op) String() string {
	return [...]string{"new", "changed", "unchanged", "mkdir", "delete", "extra", "link", "blocked"}[o]
}

// Action is one line of the plan.
type Action struct {
	Op     Op
	Rel    string
	Kind   Kind      // the source's kind (the target's for Delete and Extra)
	Size   int64     // bytes to copy for New and Changed
	Time   time.Time // the source's time, given to the copy
	Reason string    // why Changed or Blocked, in words
}

// Plan is the comparison of a source tree with a target tree.
type Plan struct {
	Actions []Action
	// Counts by op, and the bytes New and Changed will copy.
	Count [Blocked + 1]int
	Bytes int64
}

// Copies returns the New and Changed actions, in path order.
func (p *Plan) Copies() []Action { return p.filter(New, Changed) }

// Dirs returns the MakeDir actions, parents before children.
func (p *Plan) Dirs() []Action { return p.filter(MakeDir) }

// Deletes returns the Delete actions, children before their folder.
func (p *Plan) Deletes() []Action {
	d := p.filter(Delete)
	sort.SliceStable(d, func(i, j int) bool { return d[i].Rel > d[j].Rel })
	return d
}

func (p *Plan) filter(ops ...Op) []Action {
	var out []Action
	for _, a := range p.Actions {
		for _, o := range ops {
			if a.Op == o {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// Compare plans making dst equal to src. Both are sorted by Rel (as
// ListRemote and ListLocal return them). A file is copied when dst lacks
// it, when the sizes differ, or when the source is newer than the target
// at the precision both listings share (see newer); everything else is
// left untouched. With del, what dst has and src lacks is deleted (a
// folder with everything in it); without, it is left and counted.
func Compare(src, dst []Entry, del bool) Plan {
	var p Plan
	add := func(a Action) {
		p.Actions = append(p.Actions, a)
		p.Count[a.Op]++
		if a.Op == New || a.Op == Changed {
			p.Bytes += a.Size
		}
	}
	have := make(map[string]Entry, len(dst))
	for _, e := range dst {
		have[e.Rel] = e
	}
	want := make(map[string]bool, len(src))
	// blockedDirs: source folders that cannot be made (a file stands
	// there); nothing below them is planned.
	var blockedDirs []string
	under := func(rel string, dirs []string) bool {
		for _, d := range dirs {
			if strings.HasPrefix(rel, d+"/") {
				return true
			}
		}
		return false
	}
	for _, s := range src {
		want[s.Rel] = true
		if under(s.Rel, blockedDirs) {
			continue
		}
		d, ok := have[s.Rel]
		switch {
		case s.Kind == Link:
			add(Action{Op: LinkLeft, Rel: s.Rel, Kind: Link, Reason: "links are not followed (-> " + s.Target + ")"})
		case ok && d.Kind != s.Kind && !del:
			add(Action{Op: Blocked, Rel: s.Rel, Kind: s.Kind, Reason: fmt.Sprintf("a %s stands where the source has a %s (--delete replaces it)", d.Kind, s.Kind)})
			if s.Kind == Folder {
				blockedDirs = append(blockedDirs, s.Rel)
			}
		case ok && d.Kind != s.Kind: // --delete: remove what stands there, then copy
			add(Action{Op: Delete, Rel: s.Rel, Kind: d.Kind})
			fallthrough
		case !ok:
			if s.Kind == Folder {
				add(Action{Op: MakeDir, Rel: s.Rel, Kind: Folder})
			} else {
				add(Action{Op: New, Rel: s.Rel, Kind: File, Size: s.Size, Time: s.Time})
			}
		case s.Kind == Folder:
			// present on both sides: nothing to do for the folder itself
		case s.Size != d.Size:
			add(Action{Op: Changed, Rel: s.Rel, Kind: File, Size: s.Size, Time: s.Time,
				Reason: fmt.Sprintf("size %d, target %d", s.Size, d.Size)})
		case newer(s.Time, d.Time):
			add(Action{Op: Changed, Rel: s.Rel, Kind: File, Size: s.Size, Time: s.Time,
				Reason: fmt.Sprintf("newer: %s, target %s", s.Time.UTC().Format(time.DateTime), d.Time.UTC().Format(time.DateTime))})
		default:
			add(Action{Op: Unchanged, Rel: s.Rel, Kind: File, Size: s.Size})
		}
	}
	// What only the target has. A folder deleted (or left) takes what is
	// below it along: one action for the folder.
	var goneDirs []string
	for _, d := range dst {
		if want[d.Rel] || under(d.Rel, goneDirs) {
			continue
		}
		op := Extra
		if del {
			op = Delete
		}
		add(Action{Op: op, Rel: d.Rel, Kind: d.Kind})
		if d.Kind == Folder {
			goneDirs = append(goneDirs, d.Rel)
		}
	}
	sort.SliceStable(p.Actions, func(i, j int) bool { return p.Actions[i].Rel < p.Actions[j].Rel })
	return p
}

// newer reports whether a source time is later than the target's at the
// precision both can hold. Listings give times to the second (MLSD), to
// the minute (LIST, this year's files) or to the day (LIST, older files):
// a time whose seconds are zero is taken as minute precision, and one at
// midnight as day precision, so a copy whose time was set from a coarser
// listing is not seen as older on every run.
func newer(src, dst time.Time) bool {
	if src.IsZero() || dst.IsZero() {
		return false // no time to compare: size decides
	}
	prec := max(precision(src), precision(dst))
	return src.Truncate(prec).After(dst.Truncate(prec))
}

func precision(t time.Time) time.Duration {
	t = t.UTC()
	switch {
	case t.Nanosecond() != 0 || t.Second() != 0:
		return time.Second
	case t.Hour() != 0 || t.Minute() != 0:
		return time.Minute
	default:
		return 24 * time.Hour
	}
}

// Summary is the plan in one line: "N new, M changed, K deleted, U
// unchanged, B bytes to copy", with the extras, links and blocked paths
// when there are any.
func (p Plan) Summary() string {
	s := fmt.Sprintf("%d new, %d changed, %d deleted, %d unchanged, %s to copy",
		p.Count[New], p.Count[Changed], p.Count[Delete], p.Count[Unchanged], Bytes(p.Bytes))
	if n := p.Count[Extra]; n > 0 {
		s += fmt.Sprintf(", %d only on the target (kept; --delete removes them)", n)
	}
	if n := p.Count[LinkLeft]; n > 0 {
		s += fmt.Sprintf(", %d links left alone", n)
	}
	if n := p.Count[Blocked]; n > 0 {
		s += fmt.Sprintf(", %d blocked", n)
	}
	return s
}

// Bytes formats a byte count as ftpdeck shows sizes (transfer.HumanBytes).
func Bytes(n int64) string { return transfer.HumanBytes(float64(n)) }
