package ftpscript

import (
	"errors"
	"fmt"
	"io"
	"net"
	"path"
	"strconv"
	"strings"
)

// builtins are the default handlers, used for every verb without a
// handler installed with Server.Handle. They behave like a small, lenient
// Unix FTP server (any USER and PASS are accepted).
var builtins map[string]Handler

func init() {
	builtins = map[string]Handler{
		"USER": Reply("331 Password required."),
		"PASS": Reply("230 Logged in."),
		"ACCT": Reply("202 Account not needed."),
		"SYST": Reply("215 UNIX Type: L8"),
		"FEAT": builtinFEAT,
		"OPTS": Reply("200 OK."),
		"TYPE": builtinTYPE,
		"MODE": Reply("200 Mode set to S."),
		"STRU": Reply("200 Structure set to F."),
		"NOOP": Reply("200 NOOP ok."),
		"ALLO": Reply("202 ALLO not needed."),
		"ABOR": Reply("225 No transfer to abort."),
		"PWD":  builtinPWD,
		"XPWD": builtinPWD,
		"CWD":  builtinCWD,
		"XCWD": builtinCWD,
		"CDUP": builtinCDUP,
		"XCUP": builtinCDUP,
		"SIZE": builtinSIZE,
		"MDTM": builtinMDTM,
		"REST": builtinREST,
		"PASV": PassiveAt("127.0.0.1"),
		"EPSV": builtinEPSV,
		"PORT": builtinPORT,
		"EPRT": builtinEPRT,
		"LIST": builtinLIST,
		"NLST": builtinLIST,
		"RETR": builtinRETR,
		"STOR": builtinSTOR,
		"APPE": builtinSTOR,
		"DELE": builtinDELE,
		"MKD":  builtinMKD,
		"XMKD": builtinMKD,
		"RMD":  builtinRMD,
		"XRMD": builtinRMD,
		"RNFR": builtinRNFR,
		"RNTO": builtinRNTO,
		"QUIT": builtinQUIT,
		"AUTH": builtinAUTH,
		"PBSZ": builtinPBSZ,
		"PROT": builtinPROT,
	}
}

// Path resolves a command argument against the working directory.
func (c *Conn) Path(arg string) string {
	if strings.HasPrefix(arg, "/") {
		return clean(arg)
	}
	return clean(path.Join(c.cwd, arg))
}

func builtinFEAT(c *Conn, _ string) {
	lines := []string{"211-Features:", " EPRT", " EPSV", " MDTM", " PASV", " REST STREAM", " SIZE", " UTF8"}
	if c.srv.tlsConf != nil {
		lines = append(lines, " AUTH TLS", " PBSZ", " PROT")
	}
	c.Reply(append(lines, "211 End")...)
}

func builtinTYPE(c *Conn, arg string) {
	switch strings.ToUpper(strings.TrimSpace(arg)) {
	case "I", "L 8":
		c.Reply("200 Switching to Binary mode.")
	case "A", "A N":
		c.Reply("200 Switching to ASCII mode.")
	default:
		c.Reply("504 Unsupported type.")
	}
}

func builtinPWD(c *Conn, _ string) {
	c.Replyf("257 %q is the current directory.", c.cwd)
}

func builtinCWD(c *Conn, arg string) {
	p := c.Path(arg)
	if !c.srv.Files.IsDir(p) {
		c.Reply("550 Failed to change directory.")
		return
	}
	c.cwd = p
	c.Reply("250 Directory successfully changed.")
}

func builtinCDUP(c *Conn, _ string) {
	c.cwd = path.Dir(c.cwd)
	c.Reply("250 Directory successfully changed.")
}

func builtinSIZE(c *Conn, arg string) {
	e, ok := c.srv.Files.stat(c.Path(arg))
	if !ok {
		c.Reply("550 Could not get file size.")
		return
	}
	c.Replyf("213 %d", len(e.data))
}

func builtinMDTM(c *Conn, arg string) {
	e, ok := c.srv.Files.stat(c.Path(arg))
	if !ok {
		c.Reply("550 Could not get file modification time.")
		return
	}
	c.Replyf("213 %s", e.mtime.UTC().Format("20060102150405"))
}

func builtinREST(c *Conn, arg string) {
	n, err := strconv.ParseInt(strings.TrimSpace(arg), 10, 64)
	if err != nil || n < 0 {
		c.Reply("501 Bad REST offset.")
		return
	}
	c.rest = n
	c.Replyf("350 Restart position accepted (%d).", n)
}

func builtinEPSV(c *Conn, arg string) {
	switch strings.ToUpper(strings.TrimSpace(arg)) {
	case "ALL":
		c.Reply("200 EPSV ALL ok.")
		return
	case "", "1", "2":
	default:
		c.Reply("522 Network protocol not supported, use (1,2)")
		return
	}
	port, err := c.ListenPassive()
	if err != nil {
		c.Replyf("425 %v", err)
		return
	}
	c.Reply(EPSVReply(port))
}

func builtinPORT(c *Conn, arg string) {
	addr, err := ParsePORT(arg)
	if err != nil {
		c.Replyf("501 %v", err)
		return
	}
	c.SetActive(addr, 0)
	c.Reply("200 PORT command successful. Consider using PASV.")
}

func builtinEPRT(c *Conn, arg string) {
	addr, err := ParseEPRT(arg)
	if err != nil {
		if errors.Is(err, errEPRTProtocol) {
			c.Reply("522 Network protocol not supported, use (1,2)")
		} else {
			c.Replyf("501 %v", err)
		}
		return
	}
	c.SetActive(addr, 0)
	c.Reply("200 EPRT command successful. Consider using EPSV.")
}

// ParsePORT decodes a PORT argument "h1,h2,h3,h4,p1,p2" into "host:port".
func ParsePORT(arg string) (string, error) {
	f := strings.Split(strings.TrimSpace(arg), ",")
	if len(f) != 6 {
		return "", fmt.Errorf("bad PORT argument %q", arg)
	}
	var n [6]int
	for i, s := range f {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 || v > 255 {
			return "", fmt.Errorf("bad PORT field %q", s)
		}
		n[i] = v
	}
	host := fmt.Sprintf("%d.%d.%d.%d", n[0], n[1], n[2], n[3])
	return net.JoinHostPort(host, strconv.Itoa(n[4]<<8|n[5])), nil
}

// errEPRTProtocol is wrapped by ParseEPRT's error for a network protocol
// other than 1 or 2 (the built-in EPRT answers it 522, not 501).
var errEPRTProtocol = errors.New("unsupported network protocol")

// ParseEPRT decodes an EPRT argument "|1|127.0.0.1|5282|" (any delimiter)
// into "host:port".
func ParseEPRT(arg string) (string, error) {
	arg = strings.TrimSpace(arg)
	if len(arg) < 2 {
		return "", fmt.Errorf("bad EPRT argument %q", arg)
	}
	f := strings.Split(arg, arg[:1])
	if len(f) != 5 || f[0] != "" || f[4] != "" {
		return "", fmt.Errorf("bad EPRT argument %q", arg)
	}
	ip := net.ParseIP(f[2])
	switch {
	case f[1] != "1" && f[1] != "2":
		return "", fmt.Errorf("%w %q", errEPRTProtocol, f[1])
	case ip == nil, f[1] == "1" && ip.To4() == nil, f[1] == "2" && ip.To4() != nil:
		return "", fmt.Errorf("bad EPRT address %q", f[2])
	}
	port, err := strconv.Atoi(f[3])
	if err != nil || port < 1 || port > 65535 {
		return "", fmt.Errorf("bad EPRT port %q", f[3])
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(port)), nil
}

// openData opens the pending data connection, replies 150 with pre, runs
// any TLS handshake, or replies the failure (425, 522) and returns nil.
func (c *Conn) openData(pre string) net.Conn {
	if c.pending == nil {
		c.Reply("425 Use PORT or PASV first.")
		return nil
	}
	d, err := c.Data()
	if err != nil {
		c.Reply("425 Failed to establish connection.")
		return nil
	}
	c.Reply(pre)
	if err := d.(*dataConn).handshake(); err != nil {
		_ = d.Close()
		if errors.Is(err, ErrNoReuse) {
			c.Reply("522 SSL connection failed: session reuse required")
		} else {
			c.Reply("425 TLS handshake on the data connection failed.")
		}
		return nil
	}
	return d
}

// send is a whole download: open data, 150, data, close, 226.
func (c *Conn) send(pre string, data []byte) {
	d := c.openData(pre)
	if d == nil {
		return
	}
	_, err := d.Write(data)
	_ = d.Close()
	if err != nil {
		c.Reply("426 Failure writing network stream.")
		return
	}
	c.Reply("226 Transfer complete.")
}

func listArg(arg string) string {
	fields := strings.Fields(arg)
	for len(fields) > 0 && strings.HasPrefix(fields[0], "-") {
		fields = fields[1:]
	}
	return strings.Join(fields, " ")
}

func builtinLIST(c *Conn, arg string) {
	entries, ok := c.srv.Files.List(c.Path(listArg(arg)))
	if !ok {
		c.dropPending()
		c.Reply("550 No such file or directory.")
		return
	}
	var b strings.Builder
	for _, e := range entries {
		if c.verb == "NLST" {
			b.WriteString(e.Name)
		} else {
			b.WriteString(ListLine(e))
		}
		b.WriteString("\r\n")
	}
	c.send("150 Here comes the directory listing.", []byte(b.String()))
}

// retrFile resolves a RETR argument: the whole file and the REST offset
// (cleared, at most the file's size), or a 550 reply and false.
func (c *Conn) retrFile(arg string) (data []byte, off int64, ok bool) {
	off = c.Rest()
	data, ok = c.srv.Files.Get(c.Path(arg))
	if !ok {
		c.dropPending()
		c.Reply("550 Failed to open file.")
		return nil, 0, false
	}
	return data, min(off, int64(len(data))), true
}

func builtinRETR(c *Conn, arg string) {
	data, off, ok := c.retrFile(arg)
	if !ok {
		return
	}
	c.send(fmt.Sprintf("150 Opening BINARY mode data connection for %s (%d bytes).", arg, len(data)), data[off:])
}

func builtinSTOR(c *Conn, arg string) {
	off := c.Rest()
	name := c.Path(arg)
	if c.srv.Files.IsDir(name) {
		c.dropPending()
		c.Reply("553 Could not create file.")
		return
	}
	data, ok := c.receive()
	if !ok {
		return
	}
	c.srv.Files.write(name, off, data, c.verb == "APPE")
	c.Reply("226 Transfer complete.")
}

// receive is the data half of an upload: open data, 150, read all, close.
// On failure it has replied (425, 522, 426) and reports false.
func (c *Conn) receive() ([]byte, bool) {
	d := c.openData("150 Ok to send data.")
	if d == nil {
		return nil, false
	}
	data, err := io.ReadAll(d)
	_ = d.Close()
	if err != nil {
		c.Reply("426 Failure reading network stream.")
		return nil, false
	}
	return data, true
}

func builtinDELE(c *Conn, arg string) {
	name := c.Path(arg)
	if _, ok := c.srv.Files.stat(name); !ok {
		c.Reply("550 Delete operation failed.")
		return
	}
	c.srv.Files.Remove(name)
	c.Reply("250 Delete operation successful.")
}

func builtinMKD(c *Conn, arg string) {
	name := c.Path(arg)
	if _, ok := c.srv.Files.stat(name); ok || c.srv.Files.IsDir(name) {
		c.Reply("550 Create directory operation failed.")
		return
	}
	c.srv.Files.Mkdir(name)
	c.Replyf("257 %q created", name)
}

func builtinRMD(c *Conn, arg string) {
	name := c.Path(arg)
	if name == "/" || !c.srv.Files.IsDir(name) {
		c.Reply("550 Remove directory operation failed.")
		return
	}
	c.srv.Files.Remove(name)
	c.Reply("250 Remove directory operation successful.")
}

func builtinRNFR(c *Conn, arg string) {
	name := c.Path(arg)
	if _, ok := c.srv.Files.stat(name); !ok && !c.srv.Files.IsDir(name) {
		c.Reply("550 RNFR command failed.")
		return
	}
	c.rnfr = name
	c.Reply("350 Ready for RNTO.")
}

func builtinRNTO(c *Conn, arg string) {
	from := c.rnfr
	c.rnfr = ""
	if from == "" {
		c.Reply("503 RNFR required first.")
		return
	}
	if !c.srv.Files.rename(from, c.Path(arg)) {
		c.Reply("550 Rename failed.")
		return
	}
	c.Reply("250 Rename successful.")
}

func builtinQUIT(c *Conn, _ string) {
	c.Reply("221 Goodbye.")
	c.Close()
}

func builtinAUTH(c *Conn, arg string) {
	switch strings.ToUpper(strings.TrimSpace(arg)) {
	case "TLS", "SSL", "TLS-C":
	default:
		c.Reply("504 Unknown AUTH type.")
		return
	}
	if c.srv.tlsConf == nil {
		c.Reply("502 AUTH not supported (no certificate).")
		return
	}
	if c.tls != nil {
		c.Reply("503 Already using TLS.")
		return
	}
	c.Reply("234 Proceed with negotiation.")
	if err := c.StartTLS(); err != nil {
		c.srv.t.Logf("ftpscript: conn %d: %v", c.id, err)
		c.Close()
	}
}

func builtinPBSZ(c *Conn, _ string) {
	if c.tls == nil {
		c.Reply("503 PBSZ needs a TLS session.")
		return
	}
	c.Reply("200 PBSZ set to 0.")
}

func builtinPROT(c *Conn, arg string) {
	if c.tls == nil {
		c.Reply("503 PROT needs a TLS session.")
		return
	}
	switch strings.ToUpper(strings.TrimSpace(arg)) {
	case "P":
		c.protP = true
		c.Reply("200 PROT now Private.")
	case "C":
		c.protP = false
		c.Reply("200 PROT now Clear.")
	default:
		c.Reply("536 PROT level not supported.")
	}
}
