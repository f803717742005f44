package wire

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestDecodeHostPort(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  bool
	}{
		{"192,168,0,1,55,66", "192.168.0.1:14146", false}, // the seed's example: 55*256+66
		{"127,0,0,1,195,80", "127.0.0.1:50000", false},
		{" 10,0,0,5,0,21 ", "10.0.0.5:21", false},
		{"255,255,255,255,255,255", "255.255.255.255:65535", false},
		{"192,168,0,1,0,0", "", true},     // port 0
		{"192,168,0,1,256,1", "", true},   // field > 255
		{"192,168,0,1,1", "", true},       // five fields
		{"192,168,0,1,1,2,3", "", true},   // seven fields
		{"example,com,0,1,1,2", "", true}, // names are never resolved
		{"-1,168,0,1,1,2", "", true},      // signs
		{"1 2,168,0,1,1,2", "", true},     // space inside a field
		{"0x7f,0,0,1,1,2", "", true},      // hex
		{"1000,0,0,1,1,2", "", true},      // too long
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := DecodeHostPort(tt.in)
		if tt.err {
			if err == nil || !errors.Is(err, ErrMalformed) {
				t.Errorf("DecodeHostPort(%q) = %v, %v; want ErrMalformed", tt.in, got, err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("DecodeHostPort(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestDecodePASV(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Entering Passive Mode (192,168,0,1,55,66).", "192.168.0.1:14146"},
		{"Entering Passive Mode (127,0,0,1,195,80)", "127.0.0.1:50000"},
		{"Entering Passive Mode 10,1,2,3,4,5", "10.1.2.3:1029"}, // no parentheses (RFC 1123)
		{"=127,0,0,1,4,1", "127.0.0.1:1025"},                    // Microsoft style
		{"PASV ok (1,2,3,4,0,80) and more text", "1.2.3.4:80"},
	}
	for _, tt := range tests {
		got, err := DecodePASV(tt.in)
		if err != nil || got.String() != tt.want {
			t.Errorf("DecodePASV(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"Entering Passive Mode (1,2,3,4,5", "Entering Passive Mode", "(a,b,c,d,e,f)", "(1,2,3,4,300,1)", "(1,2,3,4,0,0)"} {
		if _, err := DecodePASV(bad); err == nil {
			t.Errorf("DecodePASV(%q) accepted", bad)
		}
	}
}

func TestDecodeEPSV(t *testing.T) {
	tests := []struct {
		in   string
		want uint16
		ok   bool
	}{
		{"Entering Extended Passive Mode (|||6446|)", 6446, true},
		{"Entering Extended Passive Mode (!!!65535!)", 65535, true},
		{"(|||1|)", 1, true},
		{"Entering Extended Passive Mode (|||0|)", 0, false},
		{"Entering Extended Passive Mode (|||65536|)", 0, false},
		{"Entering Extended Passive Mode (|||-5|)", 0, false},
		{"Entering Extended Passive Mode (||||)", 0, false},
		{"Entering Extended Passive Mode (|||12|", 0, false},
		{"Entering Extended Passive Mode", 0, false},
		{"(", 0, false},
		{"(|1|2|3|)", 0, false},
		{"(111222)", 0, false},
	}
	for _, tt := range tests {
		got, err := DecodeEPSV(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("DecodeEPSV(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestEncodePORTAndEPRT(t *testing.T) {
	ap := netip.MustParseAddrPort("192.168.0.1:14146")
	if got, _ := EncodePORT(ap); got != "192,168,0,1,55,66" {
		t.Errorf("EncodePORT = %q", got)
	}
	if got, _ := EncodeEPRT(ap); got != "|1|192.168.0.1|14146|" {
		t.Errorf("EncodeEPRT v4 = %q", got)
	}
	v6 := netip.MustParseAddrPort("[::1]:50000")
	if got, _ := EncodeEPRT(v6); got != "|2|::1|50000|" {
		t.Errorf("EncodeEPRT v6 = %q", got)
	}
	if _, err := EncodePORT(v6); err == nil {
		t.Error("EncodePORT accepted IPv6")
	}
	if _, err := EncodePORT(netip.MustParseAddrPort("1.2.3.4:0")); err == nil {
		t.Error("EncodePORT accepted port 0")
	}
	// Round trips.
	for _, s := range []string{"0.0.0.1:1", "127.0.0.1:65535", "218.2.135.1:50123"} {
		ap := netip.MustParseAddrPort(s)
		enc, err := EncodePORT(ap)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := DecodeHostPort(enc)
		if err != nil || dec != ap {
			t.Errorf("PORT round trip %s → %q → %v, %v", s, enc, dec, err)
		}
		eprt, _ := EncodeEPRT(ap)
		if dec, err := DecodeEPRT(eprt); err != nil || dec != ap {
			t.Errorf("EPRT round trip %s → %q → %v, %v", s, eprt, dec, err)
		}
	}
	if dec, err := DecodeEPRT("|2|fe80::1|21|"); err != nil || dec.Port() != 21 {
		t.Errorf("DecodeEPRT v6: %v %v", dec, err)
	}
	for _, bad := range []string{"|3|1.2.3.4|21|", "|1|::1|21|", "|2|1.2.3.4|21|", "|1|1.2.3.4|0|", "|1|1.2.3.4|21", "|1|host|21|"} {
		if _, err := DecodeEPRT(bad); err == nil {
			t.Errorf("DecodeEPRT(%q) accepted", bad)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := map[string]Scope{
		"127.0.0.1":     ScopeLoopback,
		"::1":           ScopeLoopback,
		"192.168.0.107": ScopePrivate,
		"10.1.2.3":      ScopePrivate,
		"172.16.0.1":    ScopePrivate,
		"100.64.1.1":    ScopePrivate,
		"218.2.135.1":   ScopePublic,
		"169.254.1.1":   ScopeLinkLocal,
		"0.0.0.0":       ScopeUnspecified,
		"224.0.0.1":     ScopeMulticast,
		"2001:db8::1":   ScopePublic,
		"fd00::1":       ScopePrivate,
	}
	for in, want := range tests {
		if got := Classify(netip.MustParseAddr(in)); got != want {
			t.Errorf("Classify(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestCheckArg(t *testing.T) {
	for _, ok := range []string{"a.txt", "dir with space/Übersicht.txt", "日本語", ""} {
		if err := CheckArg("retr", ok); err != nil {
			t.Errorf("CheckArg(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"x\r\nDELE y", "x\ny", "x\rDELE y", "a\x00b"} {
		if err := CheckArg("cwd", bad); !errors.Is(err, ErrUnsafeArgument) {
			t.Errorf("CheckArg(%q) = %v, want ErrUnsafeArgument", bad, err)
		}
	}
}

func TestEscape(t *testing.T) {
	tests := map[string]string{
		"plain.txt":          "plain.txt",
		"Übersicht.txt":      "Übersicht.txt",
		"\x1b[31mred\x1b[0m": `\x1b[31mred\x1b[0m`,
		"\x1b]0;title\x07":   `\x1b]0;title\x07`,
		"a\r\nb":             `a\r\nb`,
		"bad\xffutf8":        `bad\xffutf8`,
		"\u009b31m":          `\u009b31m`,
		"evil\u202etxt.exe":  `evil\u202etxt.exe`,
		"tab\there":          `tab\there`,
	}
	for in, want := range tests {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadReply(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		code  int
		lines int
		text  string
		err   bool
	}{
		{"single", "220 ready\r\n", 220, 1, "ready", false},
		{"bare LF", "220 ready\n", 220, 1, "ready", false},
		{"multi", "211-Features:\r\n MDTM\r\n SIZE\r\n211 End\r\n", 211, 4, "Features:\n MDTM\n SIZE\nEnd", false},
		{"multi with look-alike", "230-Welcome\r\n230-still\r\n 230 not the end\r\n230 done\r\n", 230, 4, "", false},
		{"three digits only", "200\r\n", 200, 1, "", false},
		{"no code", "hello\r\n", 0, 1, "", true},
		{"bad separator", "200xok\r\n", 0, 1, "", true},
		{"eof mid reply", "211-Features:\r\n MDTM\r\n", 211, 2, "", true},
		{"code out of range", "999 x\r\n", 0, 1, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen []string
			rr := NewReplyReader(strings.NewReader(tt.in))
			rr.OnLine = func(l string) { seen = append(seen, l) }
			r, err := rr.ReadReply()
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want err %v", err, tt.err)
			}
			if r.Code != tt.code || len(r.Lines) != tt.lines {
				t.Fatalf("got code %d, %d lines %q", r.Code, len(r.Lines), r.Lines)
			}
			if len(seen) != tt.lines {
				t.Errorf("OnLine saw %d lines, want %d (one event per line)", len(seen), tt.lines)
			}
			if tt.text != "" && r.Text() != tt.text {
				t.Errorf("Text() = %q, want %q", r.Text(), tt.text)
			}
		})
	}
}

func TestReplyBounds(t *testing.T) {
	long := "200 " + strings.Repeat("x", MaxLineBytes+10) + "\r\n"
	if _, err := NewReplyReader(strings.NewReader(long)).ReadReply(); !errors.Is(err, ErrLineTooLong) {
		t.Errorf("long line: %v", err)
	}
	var b strings.Builder
	b.WriteString("211-start\r\n")
	for i := 0; i < MaxReplyLines+10; i++ {
		b.WriteString(" more\r\n")
	}
	if _, err := NewReplyReader(strings.NewReader(b.String())).ReadReply(); !errors.Is(err, ErrReplyTooLong) {
		t.Errorf("many lines: %v", err)
	}
}

func FuzzDecodePASV(f *testing.F) {
	for _, s := range []string{"Entering Passive Mode (192,168,0,1,55,66).", "(1,2,3,4,5,6", "=1,2,3,4,5,6", "", "(((", "1,2,3,4,5,6,7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ap, err := DecodePASV(s)
		if err == nil {
			if ap.Port() == 0 || !ap.Addr().Is4() {
				t.Fatalf("accepted %q as %v", s, ap)
			}
			enc, _ := EncodePORT(ap)
			if back, err := DecodeHostPort(enc); err != nil || back != ap {
				t.Fatalf("round trip of %v failed", ap)
			}
		}
	})
}

func FuzzDecodeEPSV(f *testing.F) {
	for _, s := range []string{"Entering Extended Passive Mode (|||6446|)", "(|||0|)", "(!!!1!)", "(", "(||||)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := DecodeEPSV(s)
		if err == nil && p == 0 {
			t.Fatalf("accepted port 0 from %q", s)
		}
	})
}

func FuzzDecodeEPRT(f *testing.F) {
	for _, s := range []string{"|1|127.0.0.1|21|", "|2|::1|21|", "|||", "|1|a|b|"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ap, err := DecodeEPRT(s)
		if err == nil && (ap.Port() == 0 || !ap.Addr().IsValid()) {
			t.Fatalf("accepted %q as %v", s, ap)
		}
	})
}

func FuzzReadReply(f *testing.F) {
	for _, s := range []string{"220 ok\r\n", "211-a\r\n b\r\n211 c\r\n", "2", "211-\r\n", "\r\n\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := NewReplyReader(strings.NewReader(s)).ReadReply()
		if err == nil && (r.Code < 100 || r.Code > 599 || len(r.Lines) == 0) {
			t.Fatalf("accepted %q as %+v", s, r)
		}
		_ = r.Text()
	})
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"a", "\x1b[2J", "\xff\xfe", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Escape(s)
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("Escape(%q) left control %U", s, r)
			}
		}
	})
}
