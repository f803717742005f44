package bookmarks

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ImportReport says what Import did: the names added, the sites skipped
// and why, the sites renamed because the name was taken, and notes about
// settings that could not be carried over. It never holds a password.
type ImportReport struct {
	Format  string // "FileZilla" or "lftp"
	Added   []string
	Skipped []Skip
	Renamed []Rename
	Notes   []string
}

// Skip is a site that was not imported.
type Skip struct {
	Name   string
	Reason string
}

// Rename is an imported site whose name was taken: it came in as To.
type Rename struct {
	From, To string
}

// String summarises the report in a few lines for the terminal.
func (r ImportReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d site(s) imported, %d skipped\n", r.Format, len(r.Added), len(r.Skipped))
	for _, s := range r.Skipped {
		fmt.Fprintf(&b, "  skipped %q: %s\n", s.Name, s.Reason)
	}
	for _, rn := range r.Renamed {
		fmt.Fprintf(&b, "  %q already exists: imported as %q\n", rn.From, rn.To)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	return b.String()
}

// Import reads a FileZilla sitemanager.xml or an lftp bookmarks file
// (told apart by content) and adds its FTP sites to the store. A name that
// is taken gets a suffix " (2)", " (3)"... and is reported. Passwords found
// in the file are kept in the sites; the caller decides whether to Save.
// The error is for a file that cannot be read or parsed at all; a site
// that cannot be imported is a Skip in the report.
func (s *Store) Import(path string) (ImportReport, error) {
	data, err := readSmallFile(path)
	if err != nil {
		return ImportReport{}, fmt.Errorf("import: %w", err)
	}
	var (
		rep   ImportReport
		sites []Site
	)
	if looksLikeXML(data) {
		rep.Format = "FileZilla"
		sites, err = parseFileZilla(data, &rep)
	} else {
		rep.Format = "lftp"
		sites = parseLftp(data, &rep)
	}
	if err != nil {
		return ImportReport{}, fmt.Errorf("import %s: %w", path, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, site := range sites {
		if err := site.Validate(); err != nil {
			rep.Skipped = append(rep.Skipped, Skip{Name: site.Name, Reason: strings.TrimPrefix(err.Error(), fmt.Sprintf("site %q: ", site.Name))})
			continue
		}
		want := site.Name
		site.Name = s.freeName(want)
		if site.Name != want {
			rep.Renamed = append(rep.Renamed, Rename{From: want, To: site.Name})
		}
		s.put(site)
		rep.Added = append(rep.Added, site.Name)
	}
	return rep, nil
}

func (s *Store) freeName(name string) string {
	if s.index(name) < 0 {
		return name
	}
	for n := 2; ; n++ {
		c := fmt.Sprintf("%s (%d)", name, n)
		if s.index(c) < 0 {
			return c
		}
	}
}

func looksLikeXML(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	return bytes.HasPrefix(bytes.TrimSpace(data), []byte("<"))
}

// FileZilla's sitemanager.xml.

type fzRoot struct {
	XMLName xml.Name  `xml:"FileZilla3"`
	Servers *fzFolder `xml:"Servers"`
}

type fzFolder struct {
	Name    string     `xml:",chardata"`
	Servers []fzServer `xml:"Server"`
	Folders []fzFolder `xml:"Folder"`
}

type fzServer struct {
	Host           string `xml:"Host"`
	Port           string `xml:"Port"`
	Protocol       string `xml:"Protocol"`
	User           string `xml:"User"`
	Pass           fzPass `xml:"Pass"`
	Logontype      string `xml:"Logontype"`
	PasvMode       string `xml:"PasvMode"`
	EncodingType   string `xml:"EncodingType"`
	CustomEncoding string `xml:"CustomEncoding"`
	Name           string `xml:"Name"`
	RemoteDir      string `xml:"RemoteDir"`
	LocalDir       string `xml:"LocalDir"`
	Text           string `xml:",chardata"`
}

type fzPass struct {
	Encoding string `xml:"encoding,attr"`
	Value    string `xml:",chardata"`
}

func parseFileZilla(data []byte, rep *ImportReport) ([]Site, error) {
	var root fzRoot
	if err := xml.Unmarshal(data, &root); err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("line %d: %s", se.Line, se.Msg)
		}
		return nil, fmt.Errorf("not a FileZilla sitemanager.xml: %w", err)
	}
	if root.Servers == nil {
		return nil, errors.New("not a FileZilla sitemanager.xml: no <Servers>")
	}
	var sites []Site
	var walk func(f fzFolder, prefix string)
	walk = func(f fzFolder, prefix string) {
		for _, srv := range f.Servers {
			if site, ok := fileZillaSite(srv, prefix, rep); ok {
				sites = append(sites, site)
			}
		}
		for _, sub := range f.Folders {
			name := strings.TrimSpace(sub.Name)
			if name == "" {
				name = "folder"
			}
			walk(sub, prefix+name+"/")
		}
	}
	walk(*root.Servers, "")
	return sites, nil
}

func fileZillaSite(srv fzServer, prefix string, rep *ImportReport) (Site, bool) {
	host := strings.TrimSpace(srv.Host)
	name := strings.TrimSpace(srv.Name)
	if name == "" {
		name = strings.TrimSpace(srv.Text)
	}
	if name == "" {
		name = host
	}
	name = prefix + name
	skip := func(reason string) (Site, bool) {
		rep.Skipped = append(rep.Skipped, Skip{Name: name, Reason: reason})
		return Site{}, false
	}
	if host == "" {
		return skip("no host")
	}
	site := Site{Name: name, Host: host}
	switch p := strings.TrimSpace(srv.Protocol); p {
	case "", "0":
		site.TLS = TLSOff
		rep.Notes = append(rep.Notes, fmt.Sprintf("%q: FileZilla tries TLS first on plain FTP; imported as tls = \"off\" (set tls = \"explicit\" if the server supports it)", name))
	case "6":
		site.TLS = TLSOff
	case "4":
		site.TLS = TLSExplicit
	case "3":
		site.TLS = TLSImplicit
	case "1":
		return skip("sftp is not ftp")
	default:
		return skip(fmt.Sprintf("protocol %s (%s) is not ftp", p, fileZillaProtocolName(p)))
	}
	if p := strings.TrimSpace(srv.Port); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return skip(fmt.Sprintf("port %q is not a port number", p))
		}
		if n != site.EffectivePort() {
			site.Port = n
		}
	}
	logon := strings.TrimSpace(srv.Logontype)
	if logon != "0" { // 0 is anonymous: no user, no password
		site.User = srv.User
		if logon == "2" || logon == "3" {
			// "Ask for password" / "Interactive": FileZilla keeps none.
		} else if pw, note := fileZillaPassword(srv.Pass); note != "" {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%q: %s", name, note))
		} else {
			site.Password = pw
		}
	}
	switch strings.TrimSpace(srv.PasvMode) {
	case "MODE_ACTIVE":
		site.Mode = ModeActive
	case "MODE_PASSIVE":
		site.Mode = ModePassive
	}
	if dir, ok := fileZillaPath(srv.RemoteDir); ok {
		site.RemoteDir = dir
	} else {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%q: remote folder not understood; left empty", name))
	}
	site.LocalDir = strings.TrimSpace(srv.LocalDir)
	if strings.TrimSpace(srv.EncodingType) == "Custom" {
		if enc := normalizeEncoding(srv.CustomEncoding); enc != "" {
			site.Encoding = enc
		} else {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%q: encoding %q is not supported; using utf-8", name, srv.CustomEncoding))
		}
	}
	return site, true
}

func fileZillaPassword(p fzPass) (pw, note string) {
	switch p.Encoding {
	case "":
		return p.Value, ""
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(p.Value))
		if err != nil || !utf8.Valid(b) {
			return "", "password is not valid base64; not imported"
		}
		return string(b), ""
	case "crypt":
		return "", "password is encrypted with FileZilla's master password; not imported"
	default:
		return "", fmt.Sprintf("password encoding %q is unknown; not imported", p.Encoding)
	}
}

func fileZillaProtocolName(p string) string {
	names := map[string]string{"2": "http", "5": "https", "7": "s3", "8": "storj", "9": "webdav", "19": "webdav"}
	if n, ok := names[p]; ok {
		return n
	}
	return "unknown"
}

// fileZillaPath decodes FileZilla's safe path form "TYPE PREFIXLEN PREFIX
// LEN SEG LEN SEG...", e.g. "1 0 4 home 3 bob" is /home/bob. Lengths count
// characters, so segments may hold spaces. Only Unix-like types (0, 1, 8,
// 9, 10) become a path; "" is ok and empty.
func fileZillaPath(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	rs := []rune(s)
	pos := 0
	readInt := func() (int, bool) {
		start := pos
		for pos < len(rs) && rs[pos] >= '0' && rs[pos] <= '9' {
			pos++
		}
		if pos == start || pos-start > 6 {
			return 0, false
		}
		n, err := strconv.Atoi(string(rs[start:pos]))
		if err != nil {
			return 0, false
		}
		if pos < len(rs) {
			if rs[pos] != ' ' {
				return 0, false
			}
			pos++
		}
		return n, true
	}
	readSeg := func() (string, bool) {
		n, ok := readInt()
		if !ok || pos+n > len(rs) {
			return "", false
		}
		seg := string(rs[pos : pos+n])
		pos += n
		if n > 0 && pos < len(rs) { // an empty segment has no separator of its own
			if rs[pos] != ' ' {
				return "", false
			}
			pos++
		}
		return seg, true
	}
	typ, ok := readInt()
	if !ok {
		return "", false
	}
	switch typ {
	case 0, 1, 8, 9, 10:
	default:
		return "", false
	}
	prefix, ok := readSeg()
	if !ok {
		return "", false
	}
	var segs []string
	for pos < len(rs) {
		seg, ok := readSeg()
		if !ok || seg == "" || seg == "." || seg == ".." || strings.Contains(seg, "/") {
			return "", false
		}
		segs = append(segs, seg)
	}
	return prefix + "/" + strings.Join(segs, "/"), true
}

func normalizeEncoding(e string) string {
	e = strings.ToLower(strings.TrimSpace(e))
	aliases := map[string]string{
		"utf8": "utf-8", "shift-jis": "shift_jis", "sjis": "shift_jis", "cp1251": "windows-1251",
		"iso-8859-1": "latin1", "iso8859-1": "latin1", "euckr": "euc-kr", "cp936": "gbk",
	}
	if a, ok := aliases[e]; ok {
		e = a
	}
	if knownEncoding(e) {
		return e
	}
	return ""
}

// lftp's bookmarks file: "NAME<TAB or spaces>URL" per line.

func parseLftp(data []byte, rep *ImportReport) []Site {
	var sites []Site
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.IndexAny(line, " \t")
		if i < 0 {
			rep.Skipped = append(rep.Skipped, Skip{Name: fmt.Sprintf("line %d", n), Reason: "no URL after the name"})
			continue
		}
		name, raw := line[:i], strings.TrimSpace(line[i+1:])
		if uname, err := url.PathUnescape(name); err == nil {
			name = uname
		}
		site, reason := lftpSite(name, raw)
		if reason != "" {
			rep.Skipped = append(rep.Skipped, Skip{Name: name, Reason: reason})
			continue
		}
		sites = append(sites, site)
	}
	if err := sc.Err(); err != nil {
		rep.Notes = append(rep.Notes, fmt.Sprintf("stopped reading: %v", err))
	}
	return sites
}

// lftpSite turns one lftp bookmark URL into a site, or says why not. The
// reason never quotes the URL (it may hold a password).
func lftpSite(name, raw string) (Site, string) {
	if !strings.Contains(raw, "://") {
		raw = "ftp://" + raw // lftp's default protocol
	}
	scheme, _, _ := strings.Cut(raw, "://")
	site := Site{Name: name}
	switch strings.ToLower(scheme) {
	case "ftp":
		site.TLS = TLSOff
	case "ftps":
		site.TLS = TLSImplicit
	case "ftpes":
		site.TLS = TLSExplicit
	default:
		// Quote the scheme only when it is one (RFC 3986 grammar): text
		// before "://" that is not may be a user name or password.
		if !isScheme(scheme) {
			return Site{}, "not an ftp URL"
		}
		return Site{}, scheme + " is not ftp"
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return Site{}, "bad URL: " + quotedText.ReplaceAllString(err.Error(), "")
	}
	site.Host = u.Hostname()
	if site.Host == "" {
		return Site{}, "no host in the URL"
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Site{}, fmt.Sprintf("port %q is not a port number", p)
		}
		if n != site.EffectivePort() {
			site.Port = n
		}
	}
	if u.User != nil {
		site.User = u.User.Username()
		if site.User == "anonymous" {
			site.User = ""
		} else if pw, ok := u.User.Password(); ok {
			site.Password = pw
		}
	}
	if dir := u.Path; dir != "" && dir != "/" {
		site.RemoteDir = strings.TrimSuffix(dir, "/")
	}
	return site, ""
}

// quotedText matches what net/url quotes from the URL in its errors (the
// port, an escape): that text may be part of a user name or password, and
// the reason is printed and logged, so it is left out ("invalid port
// after host").
var quotedText = regexp.MustCompile(` ?"[^"]*"`)

// isScheme reports whether s has the shape of a URL scheme:
// ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), at most 32 bytes.
func isScheme(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i, c := range []byte(s) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}
