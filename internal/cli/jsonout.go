package cli

import (
	"encoding/json"
	"io"
	"time"
	"unicode/utf8"

	"ftpdeck/transfer"
	"ftpdeck/transfer/mirror"
	"ftpdeck/transfer/queue"
	"ftpdeck/transfer/wire"
)

// The --json output: one object per line on stdout, its fields as the
// README's "JSON output" section documents them. Names are any bytes a
// server or a disk holds, and JSON strings are UTF-8: a name that is not
// valid UTF-8 is given twice, as a string whose invalid bytes are
// U+FFFD (what encoding/json writes) and as NAME_bytes, the exact bytes in
// standard base64; NAME_bytes is absent when the string is exact. These
// structs are the schema: change a field only by adding one.

// rawBytes returns s's bytes when s is not valid UTF-8 (the _bytes field),
// else nil (omitted).
func rawBytes(s string) []byte {
	if utf8.ValidString(s) {
		return nil
	}
	return []byte(s)
}

// optional is a string that is null when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// lsEntry is one entry of "ls --json".
type lsEntry struct {
	Name      string `json:"name"`
	NameBytes []byte `json:"name_bytes,omitempty"`
	// Type is "file", "folder" or "link".
	Type string `json:"type"`
	Size int64  `json:"size"`
	// MTime is RFC 3339 in UTC; null when the server gave no time.
	MTime *string `json:"mtime"`
	// Perm is the mode as the server listed it, as ls -l writes it
	// ("-rw-r--r--", from a Unix LIST line or MLSD's UNIX.mode); null
	// when its listing gave none (DOS/IIS lines, MLSD without UNIX.mode).
	Perm *string `json:"perm"`
	// Target is a link's target as the server said it; null otherwise.
	Target      *string `json:"target"`
	TargetBytes []byte  `json:"target_bytes,omitempty"`
}

func entryType(t transfer.EntryType) string {
	switch t {
	case transfer.Folder:
		return "folder"
	case transfer.Link:
		return "link"
	}
	return "file"
}

func newLsEntry(e transfer.Entry) lsEntry {
	out := lsEntry{Name: e.Name, NameBytes: rawBytes(e.Name), Type: entryType(e.Type), Size: e.Size}
	if !e.Time.IsZero() {
		out.MTime = optional(e.Time.UTC().Format(time.RFC3339))
	}
	if e.Type == transfer.Link {
		out.Target, out.TargetBytes = optional(e.Target), rawBytes(e.Target)
	}
	if e.Perm != "" {
		out.Perm = optional(e.Perm)
	}
	return out
}

// jobLine is one finished job of "get --json" or "put --json".
type jobLine struct {
	Kind string `json:"kind"` // "job"
	// Path is the source: the remote path for a download, the local
	// path for an upload; Target is where it went.
	Path        string `json:"path"`
	PathBytes   []byte `json:"path_bytes,omitempty"`
	Target      string `json:"target"`
	TargetBytes []byte `json:"target_bytes,omitempty"`
	Direction   string `json:"direction"` // "download" or "upload"
	Type        string `json:"type"`      // "binary" or "ascii" (TYPE A, line ends converted)
	Bytes       int64  `json:"bytes"`     // bytes moved (for a resumed file, the whole size reached)
	Size        int64  `json:"size"`      // the file's size; -1 when unknown
	// Seconds is the job's wall time as ftpdeck saw it, from the queue's
	// progress reports (resolution about 0.2 s).
	Seconds float64 `json:"seconds"`
	// Status is "done", "skipped", "failed", "canceled" or
	// "interrupted" (Ctrl+C or a signal stopped the run first).
	Status string  `json:"status"`
	Error  *string `json:"error"` // null unless failed or interrupted
}

func newJobLine(j queue.Job, status string, secs float64) jobLine {
	src, dst := j.Remote, j.Local
	if j.Dir == queue.Upload {
		src, dst = j.Local, j.Remote
	}
	l := jobLine{Kind: "job", Path: src, PathBytes: rawBytes(src), Target: dst, TargetBytes: rawBytes(dst),
		Direction: j.Dir.String(), Type: map[bool]string{false: "binary", true: "ascii"}[j.ASCII()], Bytes: j.Done, Size: j.Size, Seconds: roundSecs(secs), Status: status}
	if status == "skipped" {
		l.Bytes = 0
	}
	if status == "failed" || status == "interrupted" {
		msg := j.Err
		if msg == "" {
			msg = status
		}
		l.Error = &msg
	}
	return l
}

// streamJSON writes the job line and the summary of "put -" (one stream,
// no queue): j done, or failed with err, in d.
func streamJSON(env Env, j queue.Job, err error, d time.Duration) {
	status, sum := "done", summaryLine{Kind: "summary", Seconds: roundSecs(d.Seconds())}
	if err != nil {
		status, j.Err, sum.Failed = "failed", userMessage(err), 1
	} else {
		sum.Done, sum.Bytes = 1, j.Done
	}
	_ = writeJSON(env.Stdout, newJobLine(j, status, d.Seconds()))
	_ = writeJSON(env.Stdout, sum)
}

// planLine is one action of "mirror --dry-run --json" (unchanged files
// are only counted, in the closing {"kind":"plan_summary"}).
type planLine struct {
	Kind      string  `json:"kind"` // "plan"
	Op        string  `json:"op"`   // new, changed, mkdir, delete, extra, link, blocked
	Path      string  `json:"path"` // relative to the mirrored folder, with /
	PathBytes []byte  `json:"path_bytes,omitempty"`
	Type      string  `json:"type"` // file, folder, link
	Size      int64   `json:"size"` // bytes to copy (new, changed), else 0
	Reason    *string `json:"reason"`
}

// planSummary closes "mirror --dry-run --json": the count of each op
// and the bytes to copy.
type planSummary struct {
	Kind  string         `json:"kind"` // "plan_summary"
	Count map[string]int `json:"count"`
	Bytes int64          `json:"bytes"`
}

// planJSON writes a --dry-run plan as JSON lines.
func planJSON(env Env, plan mirror.Plan) error {
	w := newBufWriter(env.Stdout)
	sum := planSummary{Kind: "plan_summary", Count: map[string]int{}, Bytes: plan.Bytes}
	for op, n := range plan.Count {
		sum.Count[mirror.Op(op).String()] = n
	}
	for _, a := range plan.Actions {
		if a.Op == mirror.Unchanged {
			continue
		}
		l := planLine{Kind: "plan", Op: a.Op.String(), Path: a.Rel, PathBytes: rawBytes(a.Rel), Type: a.Kind.String(), Reason: optional(a.Reason)}
		if a.Op == mirror.New || a.Op == mirror.Changed {
			l.Size = a.Size
		}
		if err := writeJSON(w, l); err != nil {
			return err
		}
	}
	if err := writeJSON(w, sum); err != nil {
		return err
	}
	return w.Flush()
}

// quoteLine is one command's reply in "quote --json".
type quoteLine struct {
	Kind    string   `json:"kind"` // "reply"
	Command string   `json:"command"`
	Code    int      `json:"code"`
	Lines   []string `json:"lines"` // every line as the server sent it
}

func newQuoteLine(cmd string, r wire.Reply) quoteLine {
	return quoteLine{Kind: "reply", Command: cmd, Code: r.Code, Lines: r.Lines}
}

// summaryLine ends "get --json" and "put --json".
type summaryLine struct {
	Kind    string  `json:"kind"` // "summary"
	Done    int     `json:"done"`
	Skipped int     `json:"skipped"`
	Failed  int     `json:"failed"` // failed, canceled, interrupted, or not queued at all
	Bytes   int64   `json:"bytes"`  // bytes of the done jobs
	Seconds float64 `json:"seconds"`
}

// probeAttempt is one line of "probe --json" per method tried.
type probeAttempt struct {
	Kind       string  `json:"kind"`   // "attempt"
	Method     string  `json:"method"` // EPSV, PASV, EPRT, PORT
	Result     string  `json:"result"` // ok, refused, no connection, timed out, no data, failed
	Seconds    float64 `json:"seconds"`
	Reply      *string `json:"reply"`       // the server's reply to the method's command
	FinalReply *string `json:"final_reply"` // its last reply to the listing
	Named      *string `json:"named"`       // the address PASV/EPSV named
	Dialed     *string `json:"dialed"`      // where ftpdeck connected (passive)
	Advertised *string `json:"advertised"`  // what PORT/EPRT told the server
	Listen     *string `json:"listen"`      // where ftpdeck listened (active)
	From       *string `json:"from"`        // where the server connected from (active)
	Entries    *int    `json:"entries"`     // entries listed, when ok
	Error      *string `json:"error"`
}

// probeVerdict ends "probe --json".
type probeVerdict struct {
	Kind  string  `json:"kind"` // "verdict"
	Site  string  `json:"site"` // user@host:port
	Works bool    `json:"works"`
	Mode  *string `json:"mode"`  // "passive" or "active" when it works, else null
	Text  string  `json:"text"`  // the verdict in words, as the table ends
	Error *string `json:"error"` // why no connection could log in, else null
}

func addrOf(ap interface {
	IsValid() bool
	String() string
}) *string {
	if !ap.IsValid() {
		return nil
	}
	return optional(ap.String())
}

// probeLines is the probe's table and verdict as JSON lines.
func probeLines(rep transfer.Report) []any {
	var out []any
	for _, a := range rep.Attempts {
		l := probeAttempt{Kind: "attempt", Method: a.Method.String(), Result: a.Result.String(), Seconds: roundSecs(a.Time.Seconds()),
			Reply: optional(a.Reply), FinalReply: optional(a.FinalReply),
			Named: addrOf(a.Named), Dialed: addrOf(a.Dialed), Advertised: addrOf(a.Advertised), Listen: addrOf(a.Listen), From: addrOf(a.From)}
		if a.Result == transfer.ResultOK {
			n := a.Entries
			l.Entries = &n
		}
		if a.Err != nil {
			l.Error = optional(a.Err.Error())
		}
		out = append(out, l)
	}
	v := probeVerdict{Kind: "verdict", Site: rep.Site, Works: rep.Verdict.Works, Text: rep.Verdict.Text}
	if rep.LoginErr != nil {
		v.Error = optional(rep.LoginErr.Error())
	}
	if v.Works {
		v.Mode = optional(rep.Verdict.Mode.String())
	}
	return append(out, v)
}

func roundSecs(s float64) float64 { return float64(int64(s*1000+0.5)) / 1000 }

// writeJSON writes v as one line.
func writeJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
