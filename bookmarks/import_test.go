package bookmarks

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const sampleSiteManager = `<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<FileZilla3 version="3.66.4" platform="windows">
    <Servers>
        <Server>
            <Host>ftp.example.com</Host>
            <Port>21</Port>
            <Protocol>0</Protocol>
            <Type>0</Type>
            <User>bob</User>
            <Pass encoding="base64">c2VjcmV0IHB3</Pass>
            <Logontype>1</Logontype>
            <PasvMode>MODE_DEFAULT</PasvMode>
            <EncodingType>Auto</EncodingType>
            <BypassProxy>0</BypassProxy>
            <Name>work</Name>
            <RemoteDir>1 0 4 home 3 bob</RemoteDir>
            <LocalDir>C:\Users\bob\Downloads</LocalDir>
            <SyncBrowsing>0</SyncBrowsing>
            <DirectoryComparison>0</DirectoryComparison>
        </Server>
        <Server>
            <Host>sftp.example.com</Host>
            <Port>22</Port>
            <Protocol>1</Protocol>
            <User>bob</User>
            <Pass encoding="base64">eA==</Pass>
            <Logontype>1</Logontype>
            <Name>shell</Name>
        </Server>
        <Folder expanded="1">Clients
            <Server>
                <Host>secure.example.com</Host>
                <Port>21</Port>
                <Protocol>4</Protocol>
                <User>alice</User>
                <Pass>plain&amp;pw</Pass>
                <Logontype>1</Logontype>
                <PasvMode>MODE_ACTIVE</PasvMode>
                <EncodingType>Custom</EncodingType>
                <CustomEncoding>GBK</CustomEncoding>
                <Name>acme</Name>
                <RemoteDir>1 0 8 my files 2 in</RemoteDir>
            </Server>
            <Folder expanded="0">Legacy
                <Server>
                    <Host>old.example.com</Host>
                    <Port>990</Port>
                    <Protocol>3</Protocol>
                    <User>carol</User>
                    <Pass encoding="crypt" pubkey="abc">zzz</Pass>
                    <Logontype>1</Logontype>
                    <PasvMode>MODE_PASSIVE</PasvMode>
                    <Name>vault</Name>
                </Server>
                <Server>
                    <Host>anon.example.com</Host>
                    <Protocol>6</Protocol>
                    <Logontype>0</Logontype>
                    <User>anonymous</User>
                    <Name>work</Name>
                </Server>
                <Server>
                    <Host>ask.example.com</Host>
                    <Protocol>0</Protocol>
                    <Logontype>2</Logontype>
                    <User>dave</User>
                    <Name>ask</Name>
                </Server>
                <Server>
                    <Host>s3.amazonaws.com</Host>
                    <Protocol>7</Protocol>
                    <Name>bucket</Name>
                </Server>
                <Server>
                    <Protocol>0</Protocol>
                    <Name>nohost</Name>
                </Server>
            </Folder>
        </Folder>
    </Servers>
</FileZilla3>
`

func TestImportFileZilla(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sitemanager.xml")
	writeFile(t, path, sampleSiteManager, 0o600)
	s, _, _ := Open(dir)
	if err := s.Put(Site{Name: "work", Host: "existing.example.com"}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Import(path)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Format != "FileZilla" {
		t.Errorf("format %q", rep.Format)
	}
	wantAdded := []string{"work (2)", "Clients/acme", "Clients/Legacy/vault", "Clients/Legacy/work", "Clients/Legacy/ask"}
	if !reflect.DeepEqual(rep.Added, wantAdded) {
		t.Errorf("Added = %q, want %q", rep.Added, wantAdded)
	}
	wantSkipped := []Skip{
		{"shell", "sftp is not ftp"},
		{"Clients/Legacy/bucket", "protocol 7 (s3) is not ftp"},
		{"Clients/Legacy/nohost", "no host"},
	}
	if !reflect.DeepEqual(rep.Skipped, wantSkipped) {
		t.Errorf("Skipped = %q, want %q", rep.Skipped, wantSkipped)
	}
	if !reflect.DeepEqual(rep.Renamed, []Rename{{"work", "work (2)"}}) {
		t.Errorf("Renamed = %v", rep.Renamed)
	}
	want := map[string]Site{
		"work (2)": {Name: "work (2)", Host: "ftp.example.com", User: "bob", Password: "secret pw", TLS: TLSOff,
			RemoteDir: "/home/bob", LocalDir: `C:\Users\bob\Downloads`},
		"Clients/acme": {Name: "Clients/acme", Host: "secure.example.com", User: "alice", Password: "plain&pw",
			TLS: TLSExplicit, Mode: ModeActive, RemoteDir: "/my files/in", Encoding: "gbk"},
		"Clients/Legacy/vault": {Name: "Clients/Legacy/vault", Host: "old.example.com", User: "carol", TLS: TLSImplicit, Mode: ModePassive},
		"Clients/Legacy/work":  {Name: "Clients/Legacy/work", Host: "anon.example.com", TLS: TLSOff},
		"Clients/Legacy/ask":   {Name: "Clients/Legacy/ask", Host: "ask.example.com", User: "dave", TLS: TLSOff},
		"work":                 {Name: "work", Host: "existing.example.com"},
	}
	for name, w := range want {
		got, ok := s.Get(name)
		if !ok || !reflect.DeepEqual(got, w) {
			t.Errorf("site %q:\n got %+v\nwant %+v", name, got, w)
		}
	}
	text := rep.String()
	for _, s := range []string{"5 site(s) imported, 3 skipped", "master password", `imported as "work (2)"`} {
		if !strings.Contains(text, s) {
			t.Errorf("report lacks %q:\n%s", s, text)
		}
	}
	for _, pw := range []string{"secret pw", "plain&pw", "zzz"} {
		if strings.Contains(text, pw) {
			t.Errorf("report shows a password %q", pw)
		}
	}
}

func TestImportFileZillaBadFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, text, want string }{
		{"not filezilla", `<?xml version="1.0"?><RecentServers/>`, "not a FileZilla sitemanager.xml"},
		{"broken xml", "<FileZilla3>\n<Servers>\n<Server>\n</Servers>", "line 4"},
		{"no servers", "<FileZilla3></FileZilla3>", "no <Servers>"},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name+".xml")
		writeFile(t, path, tt.text, 0o600)
		s, _, _ := Open(dir)
		if _, err := s.Import(path); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestFileZillaPath(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"1 0 4 home 3 bob", "/home/bob", true},
		{"1 0", "/", true},
		{"1 0 5 a b c 1 d", "/a b c/d", true},
		{"1 0 4 中文目录 1 x", "/中文目录/x", true},
		{"4 0 3 SYS", "", false}, // MVS
		{"1 0 9 short", "", false},
		{"1 0 2 ..", "", false},
		{"x", "", false},
	}
	for _, tt := range tests {
		got, ok := fileZillaPath(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("fileZillaPath(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

const sampleLftp = `# lftp bookmarks
work	ftp://bob:s%40cret@ftp.example.com:2121/pub/
mirror  ftp://ftp.gnu.org/gnu
secure	ftps://carol:pw@secure.example.com
plain	ftp.example.org
anon	ftp://anonymous:me%40x.org@anon.example.com
shell	sftp://bob@shell.example.com
web	http://www.example.com/
broken	ftp://u:p@host:99999/
lonely
work	ftp://other.example.com/
`

func TestImportLftp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bookmarks")
	writeFile(t, path, sampleLftp, 0o600)
	s, _, _ := Open(dir)
	rep, err := s.Import(path)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Format != "lftp" {
		t.Errorf("format %q", rep.Format)
	}
	wantAdded := []string{"work", "mirror", "secure", "plain", "anon", "work (2)"}
	if !reflect.DeepEqual(rep.Added, wantAdded) {
		t.Errorf("Added = %q, want %q", rep.Added, wantAdded)
	}
	if len(rep.Skipped) != 4 {
		t.Fatalf("Skipped = %q", rep.Skipped)
	}
	for i, want := range []string{"sftp is not ftp", "http is not ftp", "port", "no URL"} {
		if !strings.Contains(rep.Skipped[i].Reason, want) {
			t.Errorf("skip %d = %+v, want %q", i, rep.Skipped[i], want)
		}
		if strings.Contains(rep.Skipped[i].Reason, "u:p") {
			t.Errorf("skip reason shows credentials: %q", rep.Skipped[i].Reason)
		}
	}
	want := []Site{
		{Name: "anon", Host: "anon.example.com", TLS: TLSOff},
		{Name: "mirror", Host: "ftp.gnu.org", TLS: TLSOff, RemoteDir: "/gnu"},
		{Name: "plain", Host: "ftp.example.org", TLS: TLSOff},
		{Name: "secure", Host: "secure.example.com", User: "carol", Password: "pw", TLS: TLSImplicit},
		{Name: "work", Host: "ftp.example.com", Port: 2121, User: "bob", Password: "s@cret", TLS: TLSOff, RemoteDir: "/pub"},
		{Name: "work (2)", Host: "other.example.com", TLS: TLSOff},
	}
	if got := s.List(); !reflect.DeepEqual(got, want) {
		t.Errorf("sites:\n got %+v\nwant %+v", got, want)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
}

// A skip reason names the scheme only when the text before "://" has a
// scheme's shape: otherwise it may be a user name or password typed there.
func TestLftpSiteSchemeReason(t *testing.T) {
	tests := []struct {
		raw, want string
	}{
		{"sftp://bob@host/", "sftp is not ftp"},
		{"HTTP://host/", "HTTP is not ftp"},
		{"svn+ssh://host/", "svn+ssh is not ftp"},
		{"hunter2@://host", "not an ftp URL"},
		{"bob:s3cret@://host", "not an ftp URL"},
		{"://host", "not an ftp URL"},
		{"1ftp://host", "not an ftp URL"},
	}
	for _, tt := range tests {
		_, reason := lftpSite("n", tt.raw)
		if reason != tt.want {
			t.Errorf("lftpSite(%q) reason = %q, want %q", tt.raw, reason, tt.want)
		}
	}
}
