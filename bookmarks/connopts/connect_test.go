package connopts

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
)

// TestFromBookmark checks every site setting of INTERFACE.md on its way to
// the engine's Site and the UI's start settings.
func TestFromBookmark(t *testing.T) {
	full := bookmarks.Site{
		Name: "plc", Host: "10.0.0.5", Port: 2121, User: "op", Password: "s3cret",
		TLS: "explicit", Mode: "active", ActiveAddr: "203.0.113.7", ActivePorts: "50000-50010",
		TrustPASVAddress: true, RemoteDir: "/logs", LocalDir: "/tmp/plc", Parallel: 4, Encoding: "gbk",
		LastGoodMode: "passive",
	}
	tests := []struct {
		name string
		in   bookmarks.Site
		want Start
		err  string
	}{
		{name: "every field", in: full, want: Start{
			Site: transfer.Site{Host: "10.0.0.5", Port: 2121, User: "op", Password: "s3cret", TLS: transfer.TLSExplicit,
				Mode: transfer.Active, ActiveAddr: netip.MustParseAddr("203.0.113.7"), ActivePorts: transfer.PortRange{Lo: 50000, Hi: 50010},
				TrustPASVAddress: true, Path: "/logs", Encoding: "gbk", Timeout: transfer.DefaultTimeout},
			LocalDir: "/tmp/plc", Parallel: 4,
		}},
		{name: "defaults: anonymous, port 21, passive", in: bookmarks.Site{Name: "a", Host: "h"}, want: Start{
			Site: transfer.Site{Host: "h", Port: 21, User: "anonymous", Password: "ftpdeck@", Timeout: transfer.DefaultTimeout},
		}},
		{name: "implicit TLS defaults to 990", in: bookmarks.Site{Name: "a", Host: "h", TLS: "implicit", User: "u", Password: "p"}, want: Start{
			Site: transfer.Site{Host: "h", Port: 990, User: "u", Password: "p", TLS: transfer.TLSImplicit, Timeout: transfer.DefaultTimeout},
		}},
		{name: "last good mode used without an explicit mode, with a note", in: bookmarks.Site{Name: "cam", Host: "h", LastGoodMode: "active"}, want: Start{
			Site:     transfer.Site{Host: "h", Port: 21, User: "anonymous", Password: "ftpdeck@", Mode: transfer.Active, Timeout: transfer.DefaultTimeout},
			ModeNote: "using the mode that last worked for cam: active",
		}},
		{name: "explicit mode wins over last good mode", in: bookmarks.Site{Name: "a", Host: "h", Mode: "passive", LastGoodMode: "active"}, want: Start{
			Site: transfer.Site{Host: "h", Port: 21, User: "anonymous", Password: "ftpdeck@", Mode: transfer.Passive, Timeout: transfer.DefaultTimeout},
		}},
		{name: "user without password needs a look-up", in: bookmarks.Site{Name: "a", Host: "h", User: "bob"}, want: Start{
			Site: transfer.Site{Host: "h", Port: 21, User: "bob", Timeout: transfer.DefaultTimeout}, NeedPassword: true,
		}},
		{name: "password_cmd needs a look-up", in: bookmarks.Site{Name: "a", Host: "h", User: "bob", PasswordCmd: "pass ftp/h"}, want: Start{
			Site: transfer.Site{Host: "h", Port: 21, User: "bob", Timeout: transfer.DefaultTimeout}, NeedPassword: true,
		}},
		{name: "IPv6 active address", in: bookmarks.Site{Name: "a", Host: "h", ActiveAddr: "2001:db8::1"}, want: Start{
			Site: transfer.Site{Host: "h", Port: 21, User: "anonymous", Password: "ftpdeck@", ActiveAddr: netip.MustParseAddr("2001:db8::1"), Timeout: transfer.DefaultTimeout},
		}},
		{name: "keepalive set", in: bookmarks.Site{Name: "a", Host: "h", Keepalive: "20s"}, want: Start{
			Site: transfer.Site{Host: "h", Port: 21, User: "anonymous", Password: "ftpdeck@", Timeout: transfer.DefaultTimeout, Keepalive: 20 * time.Second}, KeepaliveSet: true,
		}},
		{name: "keepalive off", in: bookmarks.Site{Name: "a", Host: "h", Keepalive: "off"}, want: Start{
			Site: transfer.Site{Host: "h", Port: 21, User: "anonymous", Password: "ftpdeck@", Timeout: transfer.DefaultTimeout}, KeepaliveSet: true,
		}},
		{name: "bad keepalive", in: bookmarks.Site{Name: "a", Host: "h", Keepalive: "often"}, err: "bookmark a: keepalive"},
		{name: "bad active_addr", in: bookmarks.Site{Name: "a", Host: "h", ActiveAddr: "nat.example"}, err: "bookmark a: active_addr"},
		{name: "bad active_ports", in: bookmarks.Site{Name: "a", Host: "h", ActivePorts: "9-1"}, err: "bookmark a: active_ports"},
		{name: "bad tls", in: bookmarks.Site{Name: "a", Host: "h", TLS: "sometimes"}, err: "bookmark a: tls"},
		{name: "bad mode", in: bookmarks.Site{Name: "a", Host: "h", Mode: "sideways"}, err: "bookmark a: mode"},
		{name: "no host", in: bookmarks.Site{Name: "a"}, err: "bookmark a: host"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FromBookmark(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				if tc.in.Password != "" && strings.Contains(err.Error(), tc.in.Password) {
					t.Fatalf("error holds the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Site.TLSConfig != nil {
				t.Fatal("TLSConfig set")
			}
			if !tc.want.KeepaliveSet {
				tc.want.Site.Keepalive = bookmarks.DefaultKeepalive // unset: the default, until config.toml says otherwise
			}
			if got != tc.want {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
