package transfer

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
)

// TestLineEndConversion: CRLF → LF on the way in and LF → CRLF on the way
// out, whatever the chunking (a CR at the end of one write, an LF at the
// start of the next); a lone CR and a CRLF already there are kept.
func TestLineEndConversion(t *testing.T) {
	in := []byte("a\r\nbb\r\n\r\nlone\rcr\r\nend\r")
	wantLF := []byte("a\nbb\n\nlone\rcr\nend\r")
	for _, chunk := range []int{1, 2, 3, 7, len(in)} {
		var out bytes.Buffer
		w := &lfWriter{w: &out}
		for i := 0; i < len(in); i += chunk {
			n, err := w.Write(in[i:min(i+chunk, len(in))])
			if err != nil || n != min(chunk, len(in)-i) {
				t.Fatalf("write: %d, %v", n, err)
			}
		}
		if err := w.flush(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), wantLF) || w.n != int64(len(wantLF)) {
			t.Errorf("chunk %d: %q (%d counted), want %q", chunk, out.Bytes(), w.n, wantLF)
		}
	}
	up := []byte("a\nbb\n\nkept\r\nlone\rx\n")
	wantCRLF := []byte("a\r\nbb\r\n\r\nkept\r\nlone\rx\r\n")
	for _, r := range []io.Reader{bytes.NewReader(up), iotest.OneByteReader(bytes.NewReader(up)), iotest.HalfReader(bytes.NewReader(up))} {
		c := &crlfReader{r: r}
		got, err := io.ReadAll(c)
		if err != nil || !bytes.Equal(got, wantCRLF) || c.n != int64(len(wantCRLF)) {
			t.Errorf("%q (%d counted, %v), want %q", got, c.n, err, wantCRLF)
		}
	}
}

// TestTypeFor: auto picks ascii by extension, case-insensitively.
func TestTypeFor(t *testing.T) {
	for _, c := range []struct {
		m    TypeMode
		name string
		want TransferType
	}{
		{TypeBinary, "a.txt", Binary}, {TypeASCII, "a.bin", ASCII}, {TypeAuto, "A.HTML", ASCII},
		{TypeAuto, "a.tar.gz", Binary}, {TypeAuto, ".bashrc", Binary}, {TypeAuto, "dir/x.sql", ASCII},
	} {
		if got := c.m.TypeFor(c.name, nil); got != c.want {
			t.Errorf("%s %s: %s, want %s", c.m, c.name, got, c.want)
		}
	}
	if m, err := ParseTypeMode("AUTO"); err != nil || m != TypeAuto || m.Next() != TypeBinary {
		t.Errorf("ParseTypeMode(AUTO) = %v, %v", m, err)
	}
	if _, err := ParseTypeMode("ebcdic"); err == nil {
		t.Error("ebcdic accepted")
	}
}
