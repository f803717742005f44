package transfer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jlaffaye/ftp"

	"ftpdeck/transfer/internal/ctl"
	"ftpdeck/transfer/wire"
)

// EntryType says what a listing entry is.
type EntryType int

// The kinds of listing entries.
const (
	File EntryType = iota
	Folder
	Link
)

// Entry is one line of a remote listing, with a name that is safe to use
// as a single path element.
type Entry struct {
	Name   string
	Type   EntryType
	Size   int64
	Time   time.Time
	Target string // a link's target, as the server said it
	Perm   string // the mode as ls -l writes it ("-rw-r--r--"); "" when the listing gave none
}

// Conn is one logged-in control connection. It is not safe for concurrent
// use: one goroutine at a time (the UI's browsing goroutine, or one queue
// worker). Every method honours its context: cancelling it interrupts the
// operation and leaves the Conn broken (dial a new one). Between
// operations a keep-alive timer of its own may send NOOP (keepalive.go);
// it holds mu, as every operation does, so the two never interleave.
type Conn struct {
	sc   *ftp.ServerConn
	cc   *ctl.Conn
	sess *Session

	// Keep-alive (keepalive.go): mu is held by every operation and by a
	// keep-alive NOOP, so the two never interleave; last is when the last
	// operation ended (UnixNano, 0 before the first).
	mu     sync.Mutex
	last   atomic.Int64
	ka     *time.Timer
	closed bool

	// The working folder as PWD named it, "" when unknown (under mu).
	// PWD costs a round trip, and a walk asks it before each CWD it
	// makes and undoes (a folder check): only a CWD elsewhere forgets
	// it. named is PWD's last answer: a CWD back to it is known again.
	pwd, named string
}

// ID returns the connection number shown in the protocol log.
func (c *Conn) ID() int { return c.cc.ID() }

// Session returns the session the connection belongs to.
func (c *Conn) Session() *Session { return c.sess }

// PinMode makes this connection's data connections use m regardless of the
// session's toggle (a job retried in the other mode); UnpinMode undoes it.
func (c *Conn) PinMode(m Mode) { c.cc.Pin(&m) }

// UnpinMode returns the connection to the session's mode.
func (c *Conn) UnpinMode() { c.cc.Pin(nil) }

// SetPrefetch makes the connection negotiate the next transfer's data
// connection (EPSV) as soon as a transfer's data has all moved, before the
// server's reply to it: one round trip fewer per file for a connection
// that runs transfers back to back (a queue worker). It applies in
// passive mode once EPSV has worked on the connection; a server that
// answers out of order turns it off again.
func (c *Conn) SetPrefetch(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cc.SetPrefetch(on)
}

// do runs one library call with the context, argument checks and error
// conversion every operation needs.
func (c *Conn) do(ctx context.Context, op string, args []string, f func() error) error {
	_, err := c.run(ctx, op, args, ctl.Plan{}, f)
	return err
}

// run is do with a plan for the control layer (a probe's forced method, a
// listing's verb); it also returns the operation's transfer state (its
// data connection), nil when the operation did not start.
func (c *Conn) run(ctx context.Context, op string, args []string, p ctl.Plan, f func() error) (*ctl.Xfer, error) {
	for _, a := range args {
		if err := wire.CheckArg(op, a); err != nil {
			return nil, err
		}
	}
	if c.cc.Broken() {
		return nil, fmt.Errorf("%s: %w", op, ErrConnBroken)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.opDone()
	c.cc.Begin(p)
	stop := context.AfterFunc(ctx, c.cc.Interrupt)
	err := f()
	stop()
	x := c.cc.End()
	if err == nil {
		return x, nil
	}
	if ctx.Err() != nil {
		c.cc.SetBroken()
		return x, fmt.Errorf("%s: %w", op, ctx.Err())
	}
	if de := x.Err(); de != nil {
		return x, fmt.Errorf("%s: %w", op, de)
	}
	// A failure reply answers the last command sent, which may be REST
	// rather than the RETR or STOR the operation is named after.
	verb := c.cc.FailedVerb()
	if verb == "" {
		verb = verbOf(op)
	}
	err = convertErr(verb, err)
	if errors.Is(err, ErrTimeout) {
		c.cc.SetBroken()
	}
	return x, fmt.Errorf("%s: %w", op, err)
}

// List lists a remote folder: MLSD where the server has it, else LIST
// (LIST -a when hidden is set), parsed by our own parsers (listing.go).
// The listing tells the truth: a folder that does not exist is an error
// even when the server lists it as empty, and a file lists as itself.
// Entries whose names could escape a local folder (.., /, \, NUL, empty)
// are dropped with a log note.
func (c *Conn) List(ctx context.Context, dir string, hidden bool) ([]Entry, error) {
	return c.list(ctx, dir, hidden, ctl.Plan{})
}

// checkCharset notes in the log a UTF-8 listing that held other bytes,
// with the encoding that decodes them cleanly; dc is its data connection.
func (c *Conn) checkCharset(dir string, dc *ctl.DataConn) {
	if dc == nil {
		return
	}
	raw := dc.InvalidUTF8()
	if raw == nil {
		return
	}
	if dir == "" {
		dir = "this folder"
	}
	if enc := SuggestEncoding(raw); enc != "" {
		c.sess.log.Hintf(c.ID(), "charset: the listing of %s is not valid UTF-8; it decodes cleanly as %s — set encoding = %q for this site (--encoding %s)", dir, enc, enc, enc)
		return
	}
	c.sess.log.Hintf(c.ID(), "charset: the listing of %s is not valid UTF-8, and no supported encoding decodes it cleanly; names may show odd characters", dir)
}

// UnsafeName says why a name from a server must not be used as one path
// element on any machine, or "" when it is safe: empty, . or .., NUL, '/',
// a drive prefix. A backslash is an ordinary character on Linux and macOS;
// Windows refuses it in its own rules (NameRules, LocalNameProblem).
func UnsafeName(name string) string {
	switch {
	case name == "":
		return "empty name"
	case name == "." || name == "..":
		return "refers to a folder itself or its parent"
	case strings.ContainsRune(name, 0):
		return "contains NUL"
	case strings.ContainsRune(name, '/'):
		return "contains a path separator"
	case len(name) >= 2 && name[1] == ':' && (name[0]|0x20 >= 'a' && name[0]|0x20 <= 'z'):
		return "looks like a drive path"
	}
	return ""
}

// ChangeDir changes the remote working folder.
func (c *Conn) ChangeDir(ctx context.Context, dir string) error {
	return c.do(ctx, "cwd "+dir, []string{dir}, func() error {
		err := c.sc.ChangeDir(dir)
		switch {
		case err == nil && dir != "" && dir == c.named:
			c.pwd = dir
		case err == nil:
			c.pwd = ""
		}
		return err
	})
}

// CurrentDir returns the remote working folder: PWD's answer, asked once
// until a CWD moves elsewhere.
func (c *Conn) CurrentDir(ctx context.Context) (string, error) {
	var dir string
	err := c.do(ctx, "pwd", nil, func() error {
		if c.pwd != "" {
			dir = c.pwd
			return nil
		}
		var err error
		dir, err = c.sc.CurrentDir()
		if err == nil {
			c.pwd, c.named = dir, dir
		}
		return err
	})
	return dir, err
}

// MakeDir creates a remote folder.
func (c *Conn) MakeDir(ctx context.Context, dir string) error {
	return c.do(ctx, "mkdir "+dir, []string{dir}, func() error { return c.sc.MakeDir(dir) })
}

// MakeDirAll makes dir and the folders above it that are missing, as
// mkdir -p, FileZilla's uploads and lftp's mirror -R do, and returns the
// folders it made, topmost first. An existing dir costs a refused MKD and
// the check that the path is a folder. It walks up from dir while MKD is
// refused and the path is not there, until an MKD succeeds (then makes
// the rest on the way back down) or it reaches a folder that is there:
// the refusal just below that folder is the cause, and is returned.
func (c *Conn) MakeDirAll(ctx context.Context, dir string) ([]string, error) {
	var missing []string // refused and not there, dir first
	var below error      // the refusal of the last of them
	for d := path.Clean(dir); ; d = path.Dir(d) {
		err := c.MakeDir(ctx, d)
		if err == nil {
			made := []string{d}
			for i := len(missing) - 1; i >= 0; i-- {
				if err := c.MakeDir(ctx, missing[i]); err != nil {
					return made, err
				}
				made = append(made, missing[i])
			}
			return made, nil
		}
		var re *ReplyError
		if !errors.As(err, &re) || re.Code < 500 {
			return nil, err
		}
		isDir, size, kerr := c.Kind(ctx, d, nil)
		switch {
		case kerr != nil:
			return nil, kerr
		case isDir && len(missing) == 0:
			return nil, nil // there already
		case isDir:
			return nil, below
		case size >= 0:
			return nil, fmt.Errorf("%s is a file: %w", d, err)
		}
		// The login folder and the root are there: d's refusal is the cause.
		if up := path.Dir(d); up == "." || up == "/" || up == d {
			return nil, err
		}
		missing, below = append(missing, d), err
	}
}

// Rename renames a remote file or folder.
func (c *Conn) Rename(ctx context.Context, from, to string) error {
	return c.do(ctx, "rename "+from, []string{from, to}, func() error { return c.sc.Rename(from, to) })
}

// Delete deletes a remote file.
func (c *Conn) Delete(ctx context.Context, p string) error {
	return c.do(ctx, "delete "+p, []string{p}, func() error { return c.sc.Delete(p) })
}

// RemoveDir removes an empty remote folder.
func (c *Conn) RemoveDir(ctx context.Context, dir string) error {
	return c.do(ctx, "rmdir "+dir, []string{dir}, func() error { return c.sc.RemoveDir(dir) })
}

// RemoveAll deletes a remote folder and everything in it, depth first.
// Links are deleted, never followed.
func (c *Conn) RemoveAll(ctx context.Context, dir string) error {
	entries, err := c.List(ctx, dir, true)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := path.Join(dir, e.Name)
		if e.Type == Folder {
			err = c.RemoveAll(ctx, p)
		} else {
			err = c.Delete(ctx, p)
		}
		if err != nil {
			return err
		}
	}
	return c.RemoveDir(ctx, dir)
}

// Kind says whether p is a folder and, for a file, its size: SIZE answers
// for a file; a folder is one CWD accepts, after which the connection goes
// back to its working folder. A path that is neither is reported as a
// file of unknown size (its RETR gives the server's words). sizeRefused,
// if not nil, is called once SIZE has refused p, before the answer to the
// CWD: a folder is then likely, and the caller may start what one needs.
// A server that has shown it reads commands written together (every
// login of the session went out in one write and was answered in full)
// gets SIZE, CWD p and the CWD back in one write: one round trip, not
// three.
func (c *Conn) Kind(ctx context.Context, p string, sizeRefused func()) (isDir bool, size int64, err error) {
	back, err := c.CurrentDir(ctx)
	if err != nil {
		return false, -1, err
	}
	if !c.sess.noEarlyLogin.Load() && !c.sess.noPipeline.Load() {
		return c.kindPipelined(ctx, p, back, sizeRefused)
	}
	n, err := c.Size(ctx, p)
	if err == nil {
		return false, n, nil
	}
	if ctx.Err() != nil || c.Broken() {
		return false, -1, err
	}
	if sizeRefused != nil {
		sizeRefused()
	}
	if c.ChangeDir(ctx, p) != nil {
		return false, -1, nil
	}
	_ = c.ChangeDir(ctx, back) // paths are absolute: a failure only leaves PWD unknown
	return true, -1, nil
}

// kindPipelined is Kind in one write.
func (c *Conn) kindPipelined(ctx context.Context, p, back string, sizeRefused func()) (isDir bool, size int64, err error) {
	size = -1
	err = c.do(ctx, "size "+p, []string{p, back}, func() error {
		rs, err := c.cc.Pipeline("SIZE "+p, "CWD "+p, "CWD "+back)
		if err != nil {
			return err
		}
		if rs[0].Code == 213 {
			if n, perr := strconv.ParseInt(strings.TrimSpace(rs[0].Text()), 10, 64); perr == nil && n >= 0 {
				size = n
				return nil
			}
		}
		isDir = rs[1].Code/100 == 2
		c.pwd = ""
		if rs[2].Code/100 == 2 {
			c.pwd = back
		}
		return nil
	})
	if err == nil && size < 0 && sizeRefused != nil {
		sizeRefused()
	}
	return isDir, size, err
}

// Size returns a remote file's size (SIZE).
func (c *Conn) Size(ctx context.Context, p string) (int64, error) {
	var n int64
	err := c.do(ctx, "size "+p, []string{p}, func() error {
		var err error
		n, err = c.sc.FileSize(p)
		return err
	})
	return n, err
}

// ModTime returns a remote file's modification time (MDTM).
func (c *Conn) ModTime(ctx context.Context, p string) (time.Time, error) {
	var t time.Time
	err := c.do(ctx, "mdtm "+p, []string{p}, func() error {
		var err error
		t, err = c.sc.GetTime(p)
		return err
	})
	return t, err
}

// NoOp sends NOOP, to check the connection is alive.
func (c *Conn) NoOp(ctx context.Context) error {
	return c.do(ctx, "noop", nil, c.sc.NoOp)
}

// copyBufSize is the buffer for data copies: large enough that syscalls and
// progress accounting cost little per byte.
const copyBufSize = 256 << 10

// Retrieve downloads remote p from offset (REST) into w and returns the
// bytes written. progress, if set, is advanced as bytes arrive (atomically:
// the UI reads it from another goroutine).
func (c *Conn) Retrieve(ctx context.Context, p string, offset int64, w io.Writer, progress *atomic.Int64) (int64, error) {
	return c.RetrieveTo(ctx, p, offset, func() (io.Writer, error) { return w, nil }, progress)
}

// RetrieveTo is Retrieve with the writer asked for only once the server
// has accepted RETR, so the caller can prepare it (create a file) while
// the data connection is negotiated. An error from open aborts the
// transfer and is returned as it is.
func (c *Conn) RetrieveTo(ctx context.Context, p string, offset int64, open func() (io.Writer, error), progress *atomic.Int64) (int64, error) {
	var n int64
	var openErr error
	err := c.do(ctx, "retr "+p, []string{p}, func() error {
		resp, err := c.sc.RetrFrom(p, uint64(offset))
		if err != nil {
			return err
		}
		w, err := open()
		if err != nil {
			openErr = err
			_ = resp.Close()
			return err
		}
		n, err = c.receive(w, resp, progress)
		if err != nil {
			_ = resp.Close() // the server's reply to the abort keeps the connection in sync
			return err
		}
		return resp.Close()
	})
	if openErr != nil {
		return n, openErr
	}
	return n, err
}

// Store uploads r to remote p from offset (REST then STOR) and returns the
// bytes sent.
func (c *Conn) Store(ctx context.Context, p string, offset int64, r io.Reader, progress *atomic.Int64) (int64, error) {
	cr := &countingReader{r: r, progress: progress}
	err := c.do(ctx, "stor "+p, []string{p}, func() error {
		return c.sc.StorFrom(p, cr, uint64(offset))
	})
	return cr.n, err
}

// Close says QUIT (briefly) and closes the connection.
func (c *Conn) Close() error {
	c.stopKeepalive()
	if c.cc.Broken() {
		return c.cc.Close()
	}
	err := c.sc.Quit()
	_ = c.cc.Close()
	return err
}

// receive copies a download from r, the library's reader of the data
// connection, into w: spliced by the kernel when w is a file and the data
// connection plain TCP, else through a buffer.
func (c *Conn) receive(w io.Writer, r io.Reader, progress *atomic.Int64) (int64, error) {
	if f, ok := ctl.ZeroCopyTarget(w); ok {
		if dc := c.cc.Data(); dc != nil {
			if tcp := dc.PlainTCP(); tcp != nil {
				return dc.SpliceTo(f, tcp, progress)
			}
		}
	}
	return copyCounting(w, r, progress)
}

// copyBufs keeps copy buffers from one transfer to the next. Made anew
// for each file, a batch of 2,000 small downloads through a buffer (the
// TUI, where a rate limit may be set at any time, and TLS) allocated
// 500 MiB that the runtime zeroed and the GC then chased: 25 % of the
// TUI's CPU for that batch.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, copyBufSize); return &b }}

func copyCounting(w io.Writer, r io.Reader, progress *atomic.Int64) (int64, error) {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	var total int64
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if progress != nil {
				progress.Add(int64(m))
			}
			if werr != nil {
				return total, &LocalError{Err: werr}
			}
			if m != n {
				return total, &LocalError{Err: io.ErrShortWrite}
			}
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}

type countingReader struct {
	r        io.Reader
	n        int64
	progress *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil && n > 0 {
		c.progress.Add(int64(n))
	}
	if err != nil && err != io.EOF {
		err = &LocalError{Err: err}
	}
	return n, err
}

// SortEntries sorts folders first, then by name.
func SortEntries(es []Entry) {
	// Sorted through small keys, then the entries moved once: a stable
	// sort of 50,000 entries swapped in place took 90 ms when the
	// server's order was not the name's (60 ms with slices.SortStableFunc);
	// the keys take 25 ms, and a listing already in order (vsftpd's)
	// costs one pass.
	type key struct {
		name   string
		at     int32 // the server's order, for equal names
		folder bool
	}
	ks := make([]key, len(es))
	for i := range es {
		ks[i] = key{es[i].Name, int32(i), es[i].Type == Folder}
	}
	order := func(a, b key) int {
		if a.folder != b.folder {
			if a.folder {
				return -1
			}
			return 1
		}
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at)
	}
	if slices.IsSortedFunc(ks, order) {
		return
	}
	slices.SortFunc(ks, order)
	sorted := make([]Entry, len(es))
	for i, k := range ks {
		sorted[i] = es[k.at]
	}
	copy(es, sorted)
}
