package transfer

import (
	"runtime"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NameRules are one platform's rules for a name from a server that becomes
// a local file name: which names must never be written there (they would
// open a device, write a hidden stream, be stored under another name, or
// reach another folder) and which names the file system takes for the
// same one. They are pure data, so every platform's table is tested on
// any machine; LocalNames holds the running platform's.
type NameRules struct {
	// GOOS is the platform the rules are for (runtime.GOOS values).
	GOOS string
	// Windows: reserved device names (CON, PRN, AUX, NUL, COM0-9,
	// LPT0-9, CONIN$, CONOUT$, with any extension, any case), '\\' (a
	// folder separator there), ':' (an
	// alternate data stream, or a drive), a trailing dot or space (Windows
	// drops them, so the file lands under another name), and the
	// characters Windows refuses in a name (<>"|?* and 1-31).
	Windows bool
	// IgnoreCase: names that differ only in case (and, on macOS, in
	// Unicode normalization) are one file.
	IgnoreCase bool
	// NormalizeUnicode: names that differ only in their Unicode
	// normalization (NFC, NFD) are one file (APFS and HFS+).
	NormalizeUnicode bool
}

// RulesFor returns the name rules of the platform goos (a runtime.GOOS
// value). Every platform refuses what UnsafeName refuses; Windows adds its
// device names, streams, trailing dots and spaces and refused characters,
// and ignores case; macOS ignores case and Unicode normalization, as its
// file systems do by default.
func RulesFor(goos string) NameRules {
	switch goos {
	case "windows":
		return NameRules{GOOS: goos, Windows: true, IgnoreCase: true}
	case "darwin", "ios":
		return NameRules{GOOS: goos, IgnoreCase: true, NormalizeUnicode: true}
	}
	return NameRules{GOOS: goos}
}

// LocalRules are the rules of the platform this program runs on.
var LocalRules = RulesFor(runtime.GOOS)

// LocalNameProblem says why a name from a server must not become a local
// file name on this machine (one path element in a local folder), or ""
// when it may. It is UnsafeName plus the running platform's own rules:
// the drop-in wherever a server's name becomes a local name.
func LocalNameProblem(name string) string { return LocalRules.Problem(name) }

// windowsDevices are the names Windows opens as devices, with or without
// an extension (upper case; the digits include ¹ ² ³, which Windows also
// reads as 1 2 3).
var windowsDevices = func() map[string]bool {
	m := map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true}
	for _, d := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³"} {
		m["COM"+d], m["LPT"+d] = true, true
	}
	return m
}()

// Problem says why name must not become a local file name under these
// rules, or "" when it may.
func (r NameRules) Problem(name string) string {
	if why := UnsafeName(name); why != "" {
		return why
	}
	if !r.Windows {
		return ""
	}
	if strings.ContainsRune(name, '\\') {
		return "contains a path separator (\\ on Windows)"
	}
	if strings.ContainsRune(name, ':') {
		return "contains ':' (an alternate data stream on Windows)"
	}
	if i := strings.IndexFunc(name, func(c rune) bool { return c < 0x20 || strings.ContainsRune(`<>"|?*`, c) }); i >= 0 {
		return "contains a character Windows refuses in a name"
	}
	if strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") {
		return "ends in a dot or space (Windows would store it under another name)"
	}
	// The device is the part before the first dot, trailing spaces
	// dropped: "con.txt", "NUL .tar.gz" and "com1" all open a device.
	base, _, _ := strings.Cut(name, ".")
	if windowsDevices[strings.ToUpper(strings.TrimRight(base, " "))] {
		return "is a reserved device name on Windows"
	}
	return ""
}

// Key returns what the file system compares when it looks name up: two
// names with the same key are one file. Where case is ignored the key is
// the name in upper case (bytes that are not UTF-8 become U+FFFD, as they
// do in a Windows file name); with NormalizeUnicode it is in NFC first.
func (r NameRules) Key(name string) string {
	if r.NormalizeUnicode && utf8.ValidString(name) {
		name = norm.NFC.String(name)
	}
	if r.IgnoreCase {
		return strings.Map(unicode.ToUpper, name)
	}
	return name
}

// LocalNames checks the names from a server that become local names in
// one folder: each name by itself (Problem) and against the names added
// before (two names the file system takes for one file are a conflict).
// The zero value is not usable; make one with NewLocalNames.
type LocalNames struct {
	rules NameRules
	seen  map[string]string // key → the first name with that key
}

// NewLocalNames returns a checker for one local folder under rules (use
// LocalRules for this machine).
func NewLocalNames(rules NameRules) *LocalNames {
	return &LocalNames{rules: rules, seen: make(map[string]string)}
}

// Add checks name and records it: it returns why it must not become a
// local name in this folder, or "" when it may.
func (n *LocalNames) Add(name string) string {
	if why := n.rules.Problem(name); why != "" {
		return why
	}
	k := n.rules.Key(name)
	if first, ok := n.seen[k]; ok && first != name {
		return "is the same local file as " + strconv.Quote(first) + " on " + n.rules.GOOS + " (names that differ only in case are one file there)"
	}
	n.seen[k] = name
	return ""
}
