package transfer

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// charsets are the encodings a site's names may use (INTERFACE.md,
// --encoding), in the order a suggestion prefers them.
var charsets = []struct {
	name  string
	enc   encoding.Encoding // nil: UTF-8, names pass as they are
	alias []string
	// plausible reports a rune of the script the encoding is used for.
	plausible func(r rune) bool
}{
	{"utf-8", nil, []string{"utf8"}, nil},
	{"gbk", simplifiedchinese.GBK, []string{"cp936"}, isHan},
	{"gb18030", simplifiedchinese.GB18030, nil, isHan},
	{"big5", traditionalchinese.Big5, []string{"cp950"}, isHan},
	{"shift_jis", japanese.ShiftJIS, []string{"sjis", "shift-jis", "cp932"}, func(r rune) bool {
		return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) && !(r >= 0xFF61 && r <= 0xFF9F)
	}},
	{"euc-kr", korean.EUCKR, []string{"euckr", "cp949"}, func(r rune) bool { return unicode.Is(unicode.Hangul, r) }},
	{"windows-1251", charmap.Windows1251, []string{"cp1251"}, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }},
	{"latin1", charmap.ISO8859_1, []string{"iso-8859-1", "latin-1"}, func(r rune) bool { return r >= 0xC0 && r <= 0xFF && r != 0xD7 && r != 0xF7 }},
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// Encodings returns the accepted names of a site's encoding, utf-8 first.
func Encodings() []string {
	out := make([]string, len(charsets))
	for i, c := range charsets {
		out[i] = c.name
	}
	return out
}

// NormalizeEncoding returns the canonical name of a site encoding ("" is
// utf-8) or an error that lists the accepted names. It is the one place
// encoding names are checked.
func NormalizeEncoding(name string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		return "utf-8", nil
	}
	for _, c := range charsets {
		if n == c.name {
			return c.name, nil
		}
		for _, a := range c.alias {
			if n == a {
				return c.name, nil
			}
		}
	}
	return "", fmt.Errorf("unknown encoding %q (want one of %s)", name, strings.Join(Encodings(), ", "))
}

// lookupEncoding returns the encoding for a site's name; nil means UTF-8.
func lookupEncoding(name string) (encoding.Encoding, error) {
	n, err := NormalizeEncoding(name)
	if err != nil {
		return nil, err
	}
	for _, c := range charsets {
		if c.name == n {
			return c.enc, nil
		}
	}
	return nil, nil
}

// SuggestEncoding returns the encoding (other than utf-8) that decodes raw
// names most plausibly — no replacement characters, no C1 controls, and the
// most runes of the script that encoding is used for — or "" when none
// does. It is used on listings that are not valid UTF-8.
func SuggestEncoding(raw []byte) string {
	best, bestScore := "", -1.0
	for _, c := range charsets {
		if c.enc == nil || c.name == "gb18030" { // gbk is suggested for both
			continue
		}
		s, err := c.enc.NewDecoder().Bytes(raw)
		if err != nil || !utf8.Valid(s) || strings.ContainsRune(string(s), utf8.RuneError) {
			continue
		}
		var non, good int
		bad := false
		for _, r := range string(s) {
			if r < 0x80 {
				continue
			}
			non++
			if r >= 0x80 && r < 0xA0 {
				bad = true
				break
			}
			if c.plausible(r) {
				good++
			}
		}
		if bad || non == 0 {
			continue
		}
		score := float64(good) / float64(non)
		if score > bestScore {
			best, bestScore = c.name, score
		}
	}
	if bestScore <= 0 {
		return ""
	}
	return best
}
