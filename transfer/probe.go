package transfer

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"ftpdeck/transfer/internal/ctl"
	"ftpdeck/transfer/wire"
)

// Result is how one probe attempt ended.
type Result int

// The results shown in the probe table.
const (
	ResultOK        Result = iota // the listing arrived
	ResultRefused                 // the server refused the command (its reply is kept)
	ResultNoConnect               // the data connection could not be made (refused, unreachable)
	ResultTimeout                 // nothing happened within the attempt's time
	ResultNoData                  // connected, but no listing arrived
	ResultFailed                  // anything else (the control connection broke, a local error)
)

// String returns the word shown in the probe table.
func (r Result) String() string {
	switch r {
	case ResultOK:
		return "ok"
	case ResultRefused:
		return "refused"
	case ResultNoConnect:
		return "no connection"
	case ResultTimeout:
		return "timed out"
	case ResultNoData:
		return "no data"
	case ResultFailed:
	}
	return "failed"
}

// Attempt is what one probe attempt did. The negotiation code fills the
// addresses and replies as it goes; Probe adds the result.
type Attempt struct {
	Method Method
	Result Result
	Time   time.Duration
	// NegotiationRecord holds the replies and addresses: the reply to
	// EPSV, PASV, EPRT or PORT and to the listing command, the address
	// PASV named, where we connected or listened, where the server
	// connected from, whether a data connection was made.
	NegotiationRecord
	Entries int   // entries listed, when ok
	Err     error // the error, when not ok

	timedOut bool          // the attempt's bound ran out
	bound    time.Duration // that bound
}

// ProbeOptions configures Probe.
type ProbeOptions struct {
	Dir     string        // folder to list; "" = the login folder
	Timeout time.Duration // bound of each attempt (and of each login); 0 = DefaultProbeTimeout
	Methods []Method      // nil = EPSV, PASV, EPRT, PORT
}

// DefaultProbeTimeout bounds each probe attempt.
const DefaultProbeTimeout = 5 * time.Second

// Report is the outcome of a probe: one Attempt per method and a verdict.
type Report struct {
	Site       string // user@host:port
	TLS        TLSMode
	Encoding   string
	Timeout    time.Duration
	Local      netip.AddrPort // the control connection's local address
	Server     netip.AddrPort // and the server's
	ActiveAddr netip.Addr     // the configured --active-addr, if any
	LoginErr   error          // set when no connection could log in
	Attempts   []Attempt
	Verdict    Verdict
}

// Verdict is the probe's conclusion.
type Verdict struct {
	Works  bool
	Mode   Mode   // the mode to use, when Works
	Method Method // the first method that worked
	Text   string // the explanation, in plain language
}

// Probe logs in to site and lists a folder once per method (EPSV, PASV,
// EPRT, PORT), each bounded by opts.Timeout, on a fresh connection
// whenever an attempt leaves the control connection out of sync. It logs
// to log like any session and never changes site. The report's verdict
// says which mode works and, for each failure, the likely reason.
func Probe(ctx context.Context, site Site, log *Log, opts ProbeOptions) Report {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultProbeTimeout
	}
	if opts.Methods == nil {
		opts.Methods = []Method{MethodEPSV, MethodPASV, MethodEPRT, MethodPORT}
	}
	site.Timeout = opts.Timeout
	enc, _ := NormalizeEncoding(site.Encoding)
	rep := Report{Site: site.Display(), TLS: site.TLS, Encoding: enc, Timeout: opts.Timeout, ActiveAddr: site.ActiveAddr}
	sess := NewSession(site, log)
	log.Notef(0, "probe: trying %s on %s, %s each", methodList(opts.Methods), site.Addr(), opts.Timeout)

	var conn *Conn
	defer func() {
		if conn != nil {
			_ = conn.Close()
		}
	}()
	for _, m := range opts.Methods {
		if ctx.Err() != nil {
			break
		}
		if conn == nil {
			dctx, cancel := context.WithTimeout(ctx, 2*opts.Timeout)
			c, err := sess.Dial(dctx)
			cancel()
			if err != nil {
				if len(rep.Attempts) == 0 {
					rep.LoginErr = err
					break
				}
				rep.Attempts = append(rep.Attempts, Attempt{Method: m, Result: ResultFailed, Err: err})
				continue
			}
			conn = c
			rep.Local, rep.Server = conn.cc.Local(), conn.cc.Peer()
		}
		a := probeOnce(ctx, conn, m, opts)
		log.Notef(conn.ID(), "probe: %s %s in %s", m, a.Result, roundDur(a.Time))
		rep.Attempts = append(rep.Attempts, a)
		if conn.Broken() {
			_ = conn.Close()
			conn = nil
		}
	}
	rep.Verdict = verdictOf(&rep)
	log.Notef(0, "probe verdict: %s", rep.Verdict.Text)
	return rep
}

func methodList(ms []Method) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.String()
	}
	return strings.Join(s, ", ")
}

// probeOnce lists the folder with one forced method and classifies the
// outcome.
func probeOnce(ctx context.Context, conn *Conn, m Method, opts ProbeOptions) Attempt {
	a := &Attempt{Method: m}
	actx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	start := time.Now()
	entries, err := conn.list(actx, opts.Dir, false, ctl.Plan{Force: m, Record: &a.NegotiationRecord})
	a.Time = time.Since(start)
	a.Err = err
	a.Entries = len(entries)
	a.timedOut, a.bound = actx.Err() != nil && ctx.Err() == nil, opts.Timeout
	a.Result = classify(a, err, actx.Err() != nil)
	return *a
}

func classify(a *Attempt, err error, deadline bool) Result {
	if err == nil {
		return ResultOK
	}
	var re *ReplyError
	if errors.As(err, &re) && (re.Cmd == a.Method.String()) {
		return ResultRefused
	}
	timedOut := deadline || errors.Is(err, ErrTimeout) || isTimeout(err)
	if a.Connected {
		return ResultNoData
	}
	if timedOut {
		return ResultTimeout
	}
	if a.Dialed.IsValid() && a.DialErr != nil {
		return ResultNoConnect
	}
	if a.Method.Mode() == Active && a.Advertised.IsValid() && strings.HasPrefix(a.FinalReply, "425") {
		return ResultNoConnect // the server says it could not connect
	}
	return ResultFailed
}

func roundDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	default:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
}

func scoped(ap netip.AddrPort) string {
	return fmt.Sprintf("%s (%s)", ap, wire.Classify(ap.Addr()))
}

// addresses describes where an attempt's data connection was meant to go.
func (a Attempt) addresses() string {
	var parts []string
	if a.Named.IsValid() {
		parts = append(parts, "PASV named "+scoped(a.Named))
	}
	if a.Dialed.IsValid() {
		parts = append(parts, "dialed "+scoped(a.Dialed))
	}
	if a.Advertised.IsValid() {
		parts = append(parts, "advertised "+scoped(a.Advertised))
	}
	if a.Listen.IsValid() {
		parts = append(parts, "listening on "+a.Listen.String())
	}
	if a.From.IsValid() {
		parts = append(parts, "server came from "+a.From.String())
	}
	return strings.Join(parts, ", ")
}

// detail is the attempt's reply or error, in one line.
func (a Attempt) detail() string {
	switch a.Result {
	case ResultOK:
		if a.Entries == 1 {
			return "listing arrived: 1 entry"
		}
		return fmt.Sprintf("listing arrived: %d entries", a.Entries)
	case ResultTimeout, ResultNoData:
		if a.timedOut {
			if a.Connected {
				return fmt.Sprintf("connected, but no listing within %s", roundDur(a.bound))
			}
			return fmt.Sprintf("no data connection within %s", roundDur(a.bound))
		}
	case ResultRefused:
		return "server: " + a.Reply
	}
	switch {
	case a.DialErr != nil:
		return "connect: " + rootCause(a.DialErr).Error()
	case a.FinalReply != "" && !strings.HasPrefix(a.FinalReply, "1"):
		return "server: " + a.FinalReply
	case a.Err != nil:
		return oneLine(errorText(a.Err))
	}
	return ""
}

// errorText drops the "list DIR: " prefix our operations add.
func errorText(err error) string {
	var de *DataConnError
	if errors.As(err, &de) {
		return de.Error()
	}
	s := err.Error()
	if i := strings.Index(s, ": "); strings.HasPrefix(s, "list ") && i >= 0 {
		return s[i+2:]
	}
	return s
}

// Table renders the report as text without wrapping.
func (r Report) Table() string { return r.Render(0) }

// Render renders the report as text, wrapping long lines to width columns
// (0: no wrapping): a header with the control connection, one row per
// attempt (method, result, time) with its addresses and reply beneath,
// and the verdict.
func (r Report) Render(width int) string {
	return r.RenderTable(width) + "\n" + r.RenderVerdict(width)
}

// RenderVerdict renders "verdict: …" wrapped to width (0: one line).
func (r Report) RenderVerdict(width int) string {
	return strings.Join(wrap("verdict: "+r.Verdict.Text, width), "\n") + "\n"
}

// RenderTable renders the header and the attempts, without the verdict.
func (r Report) RenderTable(width int) string {
	var b strings.Builder
	line := func(indent int, s string) {
		for _, l := range wrap(s, width-indent) {
			b.WriteString(strings.Repeat(" ", indent))
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	enc := r.Encoding
	if enc == "" {
		enc = "utf-8"
	}
	line(0, fmt.Sprintf("probe %s — tls %s, encoding %s, %s per attempt", r.Site, r.TLS, enc, roundDur(r.Timeout)))
	if r.Local.IsValid() {
		line(0, fmt.Sprintf("control: %s → %s", scoped(r.Local), scoped(r.Server)))
	}
	if r.ActiveAddr.IsValid() {
		line(0, fmt.Sprintf("--active-addr: %s (%s)", r.ActiveAddr, wire.Classify(r.ActiveAddr)))
	}
	if r.LoginErr != nil {
		line(0, "login failed: "+oneLine(r.LoginErr.Error()))
	}
	if len(r.Attempts) > 0 {
		b.WriteByte('\n')
		prot := ""
		if r.TLS != TLSOff {
			prot = " + PROT P"
		}
		w := max(6, 4+len(prot))
		line(0, fmt.Sprintf("%-*s  %-13s  %6s", w, "METHOD", "RESULT", "TIME"))
		for _, a := range r.Attempts {
			line(0, fmt.Sprintf("%-*s  %-13s  %6s", w, a.Method.String()+prot, a.Result, roundDur(a.Time)))
			if s := a.addresses(); s != "" {
				line(4, s)
			}
			if s := a.detail(); s != "" {
				line(4, s)
			}
		}
	}
	return b.String()
}

// wrap splits s into lines of at most width columns at spaces (width <= 0:
// one line). A word longer than width is cut.
func wrap(s string, width int) []string {
	if width <= 0 || len([]rune(s)) <= width {
		return []string{s}
	}
	var out []string
	var cur []rune
	for _, w := range strings.Fields(s) {
		wr := []rune(w)
		switch {
		case len(cur) == 0:
			cur = wr
		case len(cur)+1+len(wr) <= width:
			cur = append(append(cur, ' '), wr...)
		default:
			out = append(out, string(cur))
			cur = wr
		}
		for len(cur) > width {
			out = append(out, string(cur[:width]))
			cur = cur[width:]
		}
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

// verdictOf draws the conclusion from the attempts.
func verdictOf(r *Report) Verdict {
	if r.LoginErr != nil {
		return Verdict{Text: "could not log in, so nothing was probed: " + oneLine(r.LoginErr.Error())}
	}
	var pas, act []Attempt
	var v Verdict
	for _, a := range r.Attempts {
		if a.Method.Mode() == Passive {
			pas = append(pas, a)
		} else {
			act = append(act, a)
		}
		if a.Result == ResultOK && !v.Works {
			v.Works, v.Mode, v.Method = true, a.Method.Mode(), a.Method
		}
	}
	pOK, aOK := anyOK(pas), anyOK(act)
	var out []string
	switch {
	case pOK && aOK:
		out = append(out, "both modes work; passive (the default) is the better choice.")
		v.Mode = Passive
	case pOK:
		out = append(out, "use passive.")
	case aOK:
		out = append(out, "use active.")
	default:
		out = append(out, "no method works.")
	}
	if s := r.explainPassive(pas, pOK, aOK); s != "" {
		out = append(out, s)
	}
	if s := r.explainActive(act, aOK, pOK); s != "" {
		out = append(out, s)
	}
	if r.TLS != TLSOff && (!pOK || !aOK) {
		out = append(out, "Under TLS a router's FTP helper cannot see or rewrite the addresses, so NAT problems cannot be fixed for you.")
	}
	v.Text = strings.Join(out, " ")
	if !pOK && !aOK {
		v.Text += " Ask the server's administrator which data-connection mode it allows, and check the firewalls on both sides."
	}
	return v
}

func anyOK(as []Attempt) bool {
	for _, a := range as {
		if a.Result == ResultOK {
			return true
		}
	}
	return false
}

func find(as []Attempt, m Method) (Attempt, bool) {
	for _, a := range as {
		if a.Method == m {
			return a, true
		}
	}
	return Attempt{}, false
}

// explainPassive says why passive methods failed (or a warning when they
// work but something is odd). It advises active mode only when activeOK:
// otherwise the advice would only send the user in circles.
func (r *Report) explainPassive(pas []Attempt, ok, activeOK bool) string {
	epsv, hasE := find(pas, MethodEPSV)
	pasv, hasP := find(pas, MethodPASV)
	var out []string
	if hasP && pasv.Named.IsValid() && pasv.Dialed.IsValid() && pasv.Named.Addr() != pasv.Dialed.Addr() {
		out = append(out, fmt.Sprintf("PASV names %s, not the server's address %s (the server is probably behind NAT); ftpdeck connects to %s, as it should.",
			scoped(pasv.Named), pasv.Dialed.Addr(), pasv.Dialed.Addr()))
	}
	if ok {
		if hasE && epsv.Result != ResultOK && hasP && pasv.Result == ResultOK {
			out = append(out, fmt.Sprintf("EPSV does not work here (%s) but PASV does; ftpdeck falls back to PASV by itself.", epsv.Result))
		}
		return strings.Join(out, " ")
	}
	useActive := ": use active."
	if !activeOK {
		useActive = "."
	}
	unreach := func(a Attempt) bool {
		return a.Result == ResultNoConnect || a.Result == ResultTimeout
	}
	switch {
	case hasE && unreach(epsv) && (!hasP || unreach(pasv) || pasv.Result == ResultRefused):
		out = append(out, fmt.Sprintf("passive fails: EPSV accepted but its port %s is unreachable — the server's firewall blocks passive ports%s", epsv.Dialed, useActive))
	case hasP && unreach(pasv):
		out = append(out, fmt.Sprintf("passive fails: PASV accepted but port %s did not answer — the server's firewall (or its NAT) blocks its passive ports%s", pasv.Dialed, useActive))
	case (!hasE || epsv.Result == ResultRefused) && (!hasP || pasv.Result == ResultRefused):
		reply := epsv.Reply
		if hasP {
			reply = pasv.Reply
		}
		out = append(out, fmt.Sprintf("passive fails: the server refuses passive mode (%q)%s", reply, useActive))
	default:
		for _, a := range pas {
			if a.Result == ResultNoData {
				out = append(out, fmt.Sprintf("passive fails: %s connected to %s but no listing arrived (%s).", a.Method, a.Dialed, a.detail()))
				return strings.Join(out, " ")
			}
		}
		if len(pas) > 0 {
			out = append(out, fmt.Sprintf("passive fails: %s.", pas[len(pas)-1].detail()))
		}
	}
	return strings.Join(out, " ")
}

// explainActive says why active methods failed, advising passive mode
// only when passiveOK.
func (r *Report) explainActive(act []Attempt, ok, passiveOK bool) string {
	if ok || len(act) == 0 {
		return ""
	}
	usePassive := "; use passive."
	if !passiveOK {
		usePassive = "."
	}
	// The most telling attempt: one the server accepted over one it refused.
	a := act[0]
	for _, x := range act {
		if x.Result != ResultRefused && x.Result != ResultFailed {
			a = x
			break
		}
	}
	adv := a.Advertised
	behindNAT := adv.IsValid() && wire.Classify(adv.Addr()) == wire.ScopePrivate &&
		(r.ActiveAddr.IsValid() || wire.Classify(r.Server.Addr()) != wire.ScopePrivate)
	switch a.Result {
	case ResultTimeout, ResultNoConnect:
		switch {
		case behindNAT:
			return fmt.Sprintf("active fails: the server could not reach %s — this machine is behind NAT; use passive, or set --active-addr to the NAT's public address and forward --active-ports.", adv)
		case r.ActiveAddr.IsValid():
			return fmt.Sprintf("active fails: the server could not reach %s, the --active-addr — the port forwarding for --active-ports on the NAT is missing, or a firewall blocks it%s", adv, usePassive)
		default:
			return fmt.Sprintf("active fails: the server could not reach %s — a firewall on this machine or between us blocks incoming connections%s", adv, usePassive)
		}
	case ResultRefused:
		s := fmt.Sprintf("active fails: the server refuses %s (%q)", a.Method, a.Reply)
		local := r.Local.Addr()
		switch {
		case adv.IsValid() && adv.Addr() != local.Unmap():
			s += fmt.Sprintf(" — most servers refuse a PORT address other than the one they see us at, and %s is not this connection's address %s", adv.Addr(), local)
		case behindNAT:
			s += fmt.Sprintf(" — %s is a private address: if the server sees us at a NAT's address it refuses it", adv.Addr())
		default:
			s += " — active mode is disabled on that server"
		}
		return s + usePassive
	case ResultNoData:
		return fmt.Sprintf("active fails: the server connected from %s but no listing arrived (%s).", a.From, a.detail())
	}
	return fmt.Sprintf("active fails: %s.", a.detail())
}

// Decide returns the verdict the report's attempts support; Probe fills
// Report.Verdict with it. A report built by hand (a test, a replay) uses it
// too.
func (r Report) Decide() Verdict { return verdictOf(&r) }
