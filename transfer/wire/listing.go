package wire

import (
	"strconv"
	"strings"
	"time"
)

// ListKind says what a listing line describes.
type ListKind int

// The kinds of listing lines.
const (
	ListFile   ListKind = iota
	ListFolder          // a folder (LIST "d", DOS "<DIR>", MLSD type=dir)
	ListLink            // a symbolic link (LIST "l", MLSD OS.unix=slink, DOS <JUNCTION>)
	ListSelf            // MLSD type=cdir or type=pdir: the folder listed, or its parent
)

// ListEntry is one parsed listing line. Name is exactly as the server wrote
// it, leading and trailing spaces included; it is not checked for safety.
type ListEntry struct {
	Name   string
	Kind   ListKind
	Size   int64 // -1 when the line gives none (MLSD without size)
	Time   time.Time
	Target string // a link's target, when the line names it
	// Perm is the entry's mode as ls -l writes it ("-rw-r--r--"), from a
	// Unix LIST line or MLSD's UNIX.mode; "" when the server gives none.
	Perm string
}

// ParseMLSx parses one MLSD line (or one MLST entry line without its
// leading space): "fact=value;fact=value; name", RFC 3659 section 7. Fact
// names and the type's value are matched without regard to case
// (FileZilla Server and proftpd write "type=file", Serv-U and IIS
// "Type=file"); modify may carry fractions of a second (IIS, Serv-U:
// "20261130142500.123"). The name is everything after the first space.
func ParseMLSx(line string) (ListEntry, bool) {
	sp := strings.IndexByte(line, ' ')
	if sp <= 0 || sp == len(line)-1 {
		return ListEntry{}, false
	}
	facts, name := line[:sp], line[sp+1:]
	if !strings.Contains(facts, "=") {
		return ListEntry{}, false
	}
	e := ListEntry{Name: name, Size: -1}
	typed := false
	var perm uint32
	hasPerm := false
	for _, f := range strings.Split(facts, ";") {
		if f == "" {
			continue
		}
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return ListEntry{}, false
		}
		switch strings.ToLower(k) {
		case "type":
			typed = true
			lv := strings.ToLower(v)
			switch {
			case lv == "file":
				e.Kind = ListFile
			case lv == "dir":
				e.Kind = ListFolder
			case lv == "cdir" || lv == "pdir":
				e.Kind = ListSelf
			case strings.HasPrefix(lv, "os.unix=slink") || strings.HasPrefix(lv, "os.unix=symlink"):
				// proftpd: "OS.unix=slink:/target"; the target keeps its case.
				e.Kind = ListLink
				if _, t, ok := strings.Cut(v, ":"); ok {
					e.Target = t
				}
			case strings.HasPrefix(lv, "os.unix="):
				e.Kind = ListFile // a device, socket or pipe: listed as what it is not better
			default:
				e.Kind = ListFile
			}
		case "size":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return ListEntry{}, false
			}
			e.Size = n
		case "modify":
			t, ok := parseMLSxTime(v)
			if ok {
				e.Time = t
			}
		case "unix.mode":
			if m, err := strconv.ParseUint(v, 8, 32); err == nil && m <= 0o7777 {
				perm = uint32(m)
				hasPerm = true
			}
		}
	}
	if hasPerm {
		e.Perm = PermString(e.Kind, perm)
	}
	if !typed {
		// Without a type nothing says file or folder; a size says file.
		if e.Size < 0 {
			return ListEntry{}, false
		}
	}
	return e, true
}

// parseMLSxTime parses RFC 3659's time-val, UTC: YYYYMMDDHHMMSS[.sss].
func parseMLSxTime(v string) (time.Time, bool) {
	whole, frac, _ := strings.Cut(v, ".")
	if len(whole) != 14 {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("20060102150405", whole, time.UTC)
	if err != nil {
		return time.Time{}, false
	}
	if frac != "" {
		if len(frac) > 9 || !allDigits(frac) {
			return time.Time{}, false
		}
		n, _ := strconv.Atoi(frac + strings.Repeat("0", 9-len(frac)))
		t = t.Add(time.Duration(n))
	}
	return t, true
}

// ParseList parses one line of a LIST reply: Unix "ls -l" (with the recent
// "Nov 30 14:25" and the old "Nov 30  2024" date, with or without a group
// column, permissions followed by "+", "." or "@") or DOS/IIS ("11-30-26
// 02:25PM <DIR> name", "11-30-2026  14:25  1234 name"). now places a
// recent date in its year: the latest date not after now (a day of skew
// allowed). Lines that describe no entry ("total 12", blank) give false.
// Names keep their leading and trailing spaces.
func ParseList(line string, now time.Time) (ListEntry, bool) {
	if e, ok := parseUnix(line, now); ok {
		return e, true
	}
	return parseDOS(line)
}

// field is one space-separated token of a line and where it ends.
type field struct {
	s   string
	end int
}

// fields splits line on runs of spaces, stopping after n fields.
func fields(line string, n int) []field {
	out := make([]field, 0, n) // one allocation: append grew it four times per line
	i := 0
	for len(out) < n {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i >= len(line) {
			break
		}
		j := i
		for j < len(line) && line[j] != ' ' {
			j++
		}
		out = append(out, field{line[i:j], j})
		i = j
	}
	return out
}

func isPerms(s string) bool {
	if len(s) == 11 && strings.IndexByte("+.@", s[10]) >= 0 {
		s = s[:10]
	}
	if len(s) != 10 || strings.IndexByte("-dlbcpsD", s[0]) < 0 {
		return false
	}
	for i := 1; i < 10; i++ {
		if !permChar[s[i]] {
			return false
		}
	}
	return true
}

// permChar marks the bytes of a permission string after its type.
var permChar = func() (t [256]bool) {
	for _, c := range []byte("rwxsStTlL-") {
		t[c] = true
	}
	return t
}()

var monthNames = [12]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// month reads a month's three-letter name in any case. (A map looked up
// with strings.ToLower allocated for every "Nov" of a listing: 14 ms of a
// 50,000-name ls.)
func month(s string) (time.Month, bool) {
	if len(s) != 3 {
		return 0, false
	}
	for i, name := range monthNames {
		if strings.EqualFold(s, name) {
			return time.Month(i + 1), true
		}
	}
	return 0, false
}

func parseUnix(line string, now time.Time) (ListEntry, bool) {
	fs := fields(line, 10)
	if len(fs) < 6 || !isPerms(fs[0].s) {
		return ListEntry{}, false
	}
	// The date is "Mon DD HH:MM" or "Mon DD YYYY" (or "DD Mon …"), after
	// the size; where it starts depends on whether the server wrote a link
	// count, an owner and a group, so look for it.
	for i := 2; i+2 < len(fs); i++ {
		m, ok := month(fs[i].s)
		dayField := fs[i+1].s
		if !ok {
			if m, ok = month(fs[i+1].s); !ok {
				continue
			}
			dayField = fs[i].s
		}
		day, err := strconv.Atoi(dayField)
		if err != nil || day < 1 || day > 31 {
			continue
		}
		sizeAt := i - 1
		if !allDigits(fs[sizeAt].s) {
			continue
		}
		t, ok := unixTime(m, day, fs[i+2].s, now)
		if !ok {
			continue
		}
		rest := fs[i+2].end
		if rest >= len(line) {
			return ListEntry{}, false
		}
		e := ListEntry{Name: line[rest+1:], Time: t, Perm: fs[0].s[:10]}
		size, err := strconv.ParseInt(fs[sizeAt].s, 10, 64)
		if err != nil {
			return ListEntry{}, false
		}
		switch fs[0].s[0] {
		case 'd':
			e.Kind = ListFolder
		case 'l':
			e.Kind = ListLink
			if n, t, ok := strings.Cut(e.Name, " -> "); ok && n != "" {
				e.Name, e.Target = n, t
			}
		default:
			e.Kind, e.Size = ListFile, size
		}
		if e.Name == "" {
			return ListEntry{}, false
		}
		return e, true
	}
	return ListEntry{}, false
}

// unixTime reads ls's date: a time of day means within the last six
// months, so the year is the latest that puts it no later than now (with a
// day of clock skew); a year means midnight of that day.
func unixTime(m time.Month, day int, hm string, now time.Time) (time.Time, bool) {
	if h, mi, ok := strings.Cut(hm, ":"); ok {
		hh, err1 := strconv.Atoi(h)
		mm, err2 := strconv.Atoi(mi)
		if err1 != nil || err2 != nil || hh > 23 || mm > 59 || hh < 0 || mm < 0 {
			return time.Time{}, false
		}
		limit := now.Add(24 * time.Hour)
		year := now.Year()
		for y := year; y >= year-4; y-- {
			t := time.Date(y, m, day, hh, mm, 0, 0, time.UTC)
			if t.Day() != day {
				continue // Feb 29 outside a leap year
			}
			if !t.After(limit) {
				return t, true
			}
		}
		return time.Time{}, false
	}
	if len(hm) != 4 || !allDigits(hm) {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(hm)
	t := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, false
	}
	return t, true
}

var dosDates = []string{"01-02-06", "01-02-2006", "2006-01-02"}

// parseDOS parses IIS's MS-DOS style: a date, a time (12-hour with AM/PM or
// 24-hour), then "<DIR>" or a size, then the name. IIS writes the name at
// a fixed column: one space after a file's size, ten after "<DIR>"; more
// spaces than that belong to the name.
func parseDOS(line string) (ListEntry, bool) {
	fs := fields(line, 3)
	if len(fs) < 3 {
		return ListEntry{}, false
	}
	var date time.Time
	var err error
	for _, layout := range dosDates {
		if date, err = time.Parse(layout, fs[0].s); err == nil {
			break
		}
	}
	if err != nil {
		return ListEntry{}, false
	}
	clock := strings.ToUpper(fs[1].s)
	var tod time.Time
	if strings.HasSuffix(clock, "AM") || strings.HasSuffix(clock, "PM") {
		tod, err = time.Parse("03:04PM", clock)
	} else {
		tod, err = time.Parse("15:04", clock)
	}
	if err != nil {
		return ListEntry{}, false
	}
	e := ListEntry{Time: time.Date(date.Year(), date.Month(), date.Day(), tod.Hour(), tod.Minute(), 0, 0, time.UTC)}
	third := fs[2]
	gap := 1
	switch strings.ToUpper(third.s) {
	case "<DIR>":
		e.Kind, gap = ListFolder, 10
	case "<JUNCTION>", "<SYMLINKD>", "<SYMLINK>":
		e.Kind, gap = ListLink, 10
	default:
		n, err := strconv.ParseInt(strings.ReplaceAll(third.s, ",", ""), 10, 64)
		if err != nil || n < 0 {
			return ListEntry{}, false
		}
		e.Kind, e.Size = ListFile, n
	}
	rest := line[third.end:]
	spaces := len(rest) - len(strings.TrimLeft(rest, " "))
	if spaces == 0 || spaces == len(rest) {
		return ListEntry{}, false
	}
	if spaces > gap {
		spaces = gap
	}
	e.Name = rest[spaces:]
	if e.Kind == ListLink {
		// Windows writes a junction's target in brackets after the name.
		if i := strings.LastIndex(e.Name, " ["); i > 0 && strings.HasSuffix(e.Name, "]") {
			e.Name, e.Target = e.Name[:i], e.Name[i+2:len(e.Name)-1]
		}
	}
	return e, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// PermString writes mode (the low 12 bits of a Unix mode) as ls -l does,
// with the kind's type letter: PermString(ListFile, 0o640) is "-rw-r-----".
func PermString(k ListKind, mode uint32) string {
	b := []byte("-rwxrwxrwx")
	switch k {
	case ListFolder, ListSelf:
		b[0] = 'd'
	case ListLink:
		b[0] = 'l'
	case ListFile:
	}
	for i := range 9 {
		if mode&(1<<(8-i)) == 0 {
			b[i+1] = '-'
		}
	}
	special := []struct {
		bit  uint32
		at   int
		x, n byte
	}{{0o4000, 3, 's', 'S'}, {0o2000, 6, 's', 'S'}, {0o1000, 9, 't', 'T'}}
	for _, sp := range special {
		if mode&sp.bit != 0 {
			if b[sp.at] == 'x' {
				b[sp.at] = sp.x
			} else {
				b[sp.at] = sp.n
			}
		}
	}
	return string(b)
}
