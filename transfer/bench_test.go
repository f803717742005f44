package transfer_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer"
)

// BenchmarkList100k lists a folder of 100,000 entries in vsftpd's LIST
// format from the scripted server: the data connection, the library's
// parser and our conversion to Entry (the server's side is one prepared
// write).
func BenchmarkList100k(b *testing.B) {
	lines := make([]string, 100000)
	for i := range lines {
		lines[i] = fmt.Sprintf("-rw-r--r--    1 1000     1000         %5d Jan 02 15:04 file-%06d.dat", i, i)
	}
	srv := ftpscript.Start(b)
	srv.Handle("LIST", ftpscript.List(lines...))
	site := transfer.Site{Host: srv.Host(), Port: srv.Port(), User: "bob", Password: "s3cret", Timeout: 10 * time.Second}
	sess := transfer.NewSession(site, transfer.NewLog(100))
	c, err := sess.Dial(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		es, err := c.List(context.Background(), "/", false)
		if err != nil || len(es) != len(lines) {
			b.Fatalf("%d entries, %v", len(es), err)
		}
	}
}
