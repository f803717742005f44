package transfer_test

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"ftpdeck/internal/ftpd"
	"ftpdeck/transfer"
)

// probeDaemon probes a real daemon with a short per-attempt bound.
func probeDaemon(t *testing.T, d *ftpd.Daemon, mut func(*transfer.Site)) transfer.Report {
	t.Helper()
	d.WriteFile(t, "a.txt", []byte("hello"))
	site := transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password}
	if mut != nil {
		mut(&site)
	}
	rec := &recorder{}
	log := transfer.NewLog(10000)
	log.AddSink(rec)
	rep := transfer.Probe(context.Background(), site, log, transfer.ProbeOptions{Timeout: 3 * time.Second})
	t.Logf("%s probe table:\n%s", d.Name, rep.Table())
	if t.Failed() {
		t.Logf("log:\n%s", rec.text())
	}
	return rep
}

func TestProbeVsftpdPortDisabled(t *testing.T) {
	d := ftpd.Start(t, ftpd.Vsftpd, ftpd.Options{DisablePORT: true})
	rep := probeDaemon(t, d, nil)
	wantResults(t, rep, map[transfer.Method]transfer.Result{
		transfer.MethodEPSV: transfer.ResultOK, transfer.MethodPASV: transfer.ResultOK,
		transfer.MethodEPRT: transfer.ResultRefused, transfer.MethodPORT: transfer.ResultRefused,
	})
	wantVerdict(t, rep, true, transfer.Passive, "use passive.", "active fails: the server refuses", "active mode is disabled")
}

func TestProbeVsftpdPasvDisabled(t *testing.T) {
	d := ftpd.Start(t, ftpd.Vsftpd, ftpd.Options{DisablePASV: true})
	rep := probeDaemon(t, d, nil)
	wantResults(t, rep, map[transfer.Method]transfer.Result{
		transfer.MethodEPSV: transfer.ResultRefused, transfer.MethodPASV: transfer.ResultRefused,
		transfer.MethodEPRT: transfer.ResultOK, transfer.MethodPORT: transfer.ResultOK,
	})
	wantVerdict(t, rep, true, transfer.Active, "use active.", "passive fails: the server refuses passive mode")
}

func TestProbeProftpdPasvDisabled(t *testing.T) {
	d := ftpd.Start(t, ftpd.ProFTPD, ftpd.Options{DisablePASV: true, DisablePORT: false})
	rep := probeDaemon(t, d, nil)
	wantVerdict(t, rep, true, transfer.Active, "use active.", "refuses passive mode")
}

// TestProbeVsftpdNATAddress advertises a private address the server does
// not see us at, as a client behind a NAT without an FTP helper does: real
// daemons refuse such a PORT (vsftpd: port_promiscuous=NO).
func TestProbeVsftpdNATAddress(t *testing.T) {
	d := ftpd.Start(t, ftpd.Vsftpd, ftpd.Options{})
	rep := probeDaemon(t, d, func(s *transfer.Site) { s.ActiveAddr = netip.MustParseAddr("192.168.0.107") })
	wantResults(t, rep, map[transfer.Method]transfer.Result{
		transfer.MethodEPSV: transfer.ResultOK, transfer.MethodPORT: transfer.ResultRefused,
	})
	wantVerdict(t, rep, true, transfer.Passive, "use passive.", "192.168.0.107 is not this connection's address 127.0.0.1")
}

// TestCharsetGBKVsftpd serves files whose names are GBK bytes on disk (as an
// old Chinese server's would be) and lists, downloads and uploads them
// with encoding=gbk: the UI sees UTF-8, the disk keeps GBK.
func TestCharsetGBKVsftpd(t *testing.T) {
	d := ftpd.Start(t, ftpd.Vsftpd, ftpd.Options{})
	gbk := func(s string) string {
		b, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	name, dir := "中文文件.txt", "资料"
	content := []byte("你好, GBK server\n")
	d.MkdirAll(t, gbk(dir))
	d.WriteFile(t, gbk(dir)+"/"+gbk(name), content)

	// With utf-8 (the default) the listing is flagged with a suggestion.
	rec := &recorder{}
	log := transfer.NewLog(10000)
	log.AddSink(rec)
	sess := transfer.NewSession(transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password, Timeout: 10 * time.Second}, log)
	ctx := context.Background()
	c, err := sess.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.List(ctx, "/", false); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	if !strings.Contains(rec.text(), `not valid UTF-8; it decodes cleanly as gbk — set encoding = "gbk"`) {
		t.Errorf("no charset suggestion in the log:\n%s", rec.text())
	}

	rec = &recorder{}
	log = transfer.NewLog(10000)
	log.AddSink(rec)
	sess = transfer.NewSession(transfer.Site{Host: d.Host, Port: d.Port, User: d.User, Password: d.Password, Timeout: 10 * time.Second, Encoding: "gbk"}, log)
	c, err = sess.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	root, err := c.List(ctx, "/", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(root) != 1 || root[0].Name != dir {
		t.Fatalf("root listing %+v, want %q", root, dir)
	}
	if err := c.ChangeDir(ctx, "/"+dir); err != nil {
		t.Fatal(err)
	}
	if pwd, err := c.CurrentDir(ctx); err != nil || pwd != "/"+dir {
		t.Errorf("pwd %q %v, want /%s", pwd, err, dir)
	}
	es, err := c.List(ctx, "/"+dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Name != name || es[0].Size != int64(len(content)) {
		t.Fatalf("listing %+v, want %q", es, name)
	}
	var got bytes.Buffer
	if _, err := c.Retrieve(ctx, "/"+dir+"/"+name, 0, &got, nil); err != nil || !bytes.Equal(got.Bytes(), content) {
		t.Fatalf("download: %q %v", got.Bytes(), err)
	}
	up := "上传的文件.txt"
	if _, err := c.Store(ctx, "/"+dir+"/"+up, 0, bytes.NewReader(content), nil); err != nil {
		t.Fatal(err)
	}
	onDisk := filepath.Join(d.Root, gbk(dir), gbk(up))
	if b, err := os.ReadFile(onDisk); err != nil || !bytes.Equal(b, content) {
		t.Errorf("uploaded file as GBK bytes %q: %q %v", onDisk, b, err)
	}
	if _, err := os.Stat(filepath.Join(d.Root, gbk(dir), up)); err == nil {
		t.Errorf("upload was stored under its UTF-8 name")
	}
	if strings.Contains(rec.text(), "OPTS UTF8") {
		t.Errorf("OPTS UTF8 ON sent to a gbk site:\n%s", rec.text())
	}
	if !strings.Contains(rec.text(), "> STOR /"+dir+"/"+up) {
		t.Errorf("log does not show the name in UTF-8:\n%s", rec.text())
	}
}
