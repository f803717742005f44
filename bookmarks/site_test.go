package bookmarks

import (
	"strings"
	"testing"
)

func TestSiteValidate(t *testing.T) {
	ok := Site{Name: "n", Host: "h"}
	tests := []struct {
		name    string
		edit    func(*Site)
		wantErr string
	}{
		{"minimal", func(*Site) {}, ""},
		{"full", func(s *Site) { *s = fullSite() }, ""},
		{"ipv6 host", func(s *Site) { s.Host = "::1" }, ""},
		{"single active port", func(s *Site) { s.ActivePorts = "50000" }, ""},
		{"limit rate", func(s *Site) { s.LimitRate = "500K" }, ""},
		{"bad limit rate", func(s *Site) { s.LimitRate = "1 lot" }, `limit_rate "1 lot" is not a rate`},
		{"empty name", func(s *Site) { s.Name = " " }, "name is empty"},
		{"empty host", func(s *Site) { s.Host = "" }, "host is empty"},
		{"url as host", func(s *Site) { s.Host = "ftp://h/" }, "is not a host name"},
		{"port", func(s *Site) { s.Port = 70000 }, "port 70000"},
		{"tls", func(s *Site) { s.TLS = "ssl" }, `tls "ssl"`},
		{"mode", func(s *Site) { s.Mode = "PASV" }, `mode "PASV"`},
		{"last good mode", func(s *Site) { s.LastGoodMode = "x" }, "last_good_mode"},
		{"active addr", func(s *Site) { s.ActiveAddr = "my.host" }, "not an IP address"},
		{"port range order", func(s *Site) { s.ActivePorts = "6000-5000" }, "active_ports"},
		{"port range text", func(s *Site) { s.ActivePorts = "lots" }, "not a port range"},
		{"port range zero", func(s *Site) { s.ActivePorts = "0-10" }, "active_ports"},
		{"parallel", func(s *Site) { s.Parallel = 99 }, "parallel 99"},
		{"encoding", func(s *Site) { s.Encoding = "ebcdic" }, `encoding "ebcdic"`},
		{"password newline", func(s *Site) { s.Password = "a\r\nDELE x" }, "line break"},
		{"password_cmd quote", func(s *Site) { s.PasswordCmd = "pass 'x" }, "password_cmd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.edit(&s)
			err := s.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if s.Password != "" && strings.Contains(err.Error(), s.Password) {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

func TestFormatList(t *testing.T) {
	sites := []Site{
		{Name: "anon", Host: "ftp.gnu.org"},
		{Name: "cam", Host: "10.0.0.9", User: "admin", PasswordCmd: "pass cam"},
		{Name: "secure", Host: "s.example.com", User: "carol", TLS: TLSImplicit, Mode: ModeActive, LastGoodMode: ModeActive, Password: "TOPSECRET"},
		{Name: "v6", Host: "::1", Port: 2121, User: "bob"},
	}
	got := FormatList(sites)
	want := `NAME    ADDRESS                   TLS       MODE     LAST GOOD  PASSWORD
anon    anonymous@ftp.gnu.org:21  off       default  -          -
cam     admin@10.0.0.9:21         off       default  -          cmd
secure  carol@s.example.com:990   implicit  active   active     saved
v6      bob@[::1]:2121            off       default  -          netrc/ask
`
	if got != want {
		t.Errorf("FormatList:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "TOPSECRET") || strings.Contains(got, "pass cam") {
		t.Error("FormatList shows a secret")
	}
	if FormatList(nil) != "no bookmarks\n" {
		t.Errorf("empty: %q", FormatList(nil))
	}
}
