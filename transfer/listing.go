package transfer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"path"
	"runtime"
	"strings"
	"sync"
	"time"

	"ftpdeck/transfer/internal/ctl"
	"ftpdeck/transfer/wire"
)

// What jlaffaye/ftp v0.2.4 gets wrong in listings, and why Conn.List reads
// the raw lines (the library's RETR, sent as MLSD or LIST by the control
// layer, so that its data arrives as a stream) and parses them with
// transfer/wire instead:
//
//   - MLSD: a modify fact with fractions of a second (IIS, Serv-U
//     "20261130142500.123") fails the whole line, which is dropped; the
//     type's value is matched with its case ("Type=Dir" is a file);
//     cdir/pdir entries become folders (Serv-U names them with a full
//     path); symlinks (OS.unix=slink) become files; sizes are read with
//     base 0 ("0755" octal, "0x10" hex).
//   - LIST, Unix: a permission field ending in "." (SELinux) or "@" (macOS)
//     and a line without a group column are dropped; a recent date
//     ("Dec 15 14:25" read on Nov 30) is put in the future instead of last
//     year; Feb 29 outside a leap year drops the line; sockets, pipes and
//     devices are dropped.
//   - LIST, DOS/IIS: leading spaces of a name are lost; <JUNCTION> lines
//     are dropped; only "MM-DD-YY" dates with two spaces before the time.
//   - Every line it cannot parse vanishes without a word, and a missing
//     folder that the server lists as empty (vsftpd) is an empty folder.

// maxNotedLines bounds the log notes about lines no parser understood.
const maxNotedLines = 5

// list is Conn.List.
// p carries a probe's forced method.
func (c *Conn) list(ctx context.Context, dir string, hidden bool, p ctl.Plan) ([]Entry, error) {
	mlsd := c.sc.IsTimePreciseInList() // FEAT lists MLST, so MLSD and MLST work
	verb := "LIST"
	if mlsd {
		verb = "MLSD"
	}
	var parsed [][]wire.ListEntry
	p.ListVerb, p.ListAll = verb, hidden
	x, err := c.run(ctx, "list "+dir, []string{dir}, p, func() error {
		var err error
		parsed, err = c.readListing(dir, mlsd)
		return err
	})
	if err != nil {
		if mlsd && dir != "" && refusedMLSD(err) {
			// MLSD names folders only: pure-ftpd and proftpd refuse it for
			// a file (550). MLST says what the path is.
			if e, ok := c.entryOf(ctx, dir); ok && e.Kind != wire.ListFolder && e.Kind != wire.ListSelf {
				return c.entries([][]wire.ListEntry{{e}}, dir, true), nil
			}
		}
		return nil, err
	}
	c.checkCharset(dir, x.Data())
	if len(parsed) == 0 && dir != "" { // no block: no entry
		// vsftpd answers LIST of a missing folder with an empty 226: an
		// empty listing is only believed of a folder that exists.
		if err := c.checkFolder(ctx, dir); err != nil {
			return nil, err
		}
	}
	return c.entries(parsed, dir, false), nil
}

// listReadBuffer is how much of a listing one read takes (the library's
// scanner read 4 KiB at a time).
const listReadBuffer = 64 << 10

// maxListLine bounds one line of a listing, as the library's scanner did.
const maxListLine = 64 << 10

// readListing sends the listing command and parses its lines as they
// arrive: the library's RETR, which the control layer sends as the
// operation's ListVerb, gives the data connection as a stream, where its
// NLST gave every line only once the server had sent the last one.
func (c *Conn) readListing(dir string, mlsd bool) ([][]wire.ListEntry, error) {
	r, err := c.sc.Retr(dir)
	if err != nil {
		return nil, err
	}
	lp := c.newListParser(mlsd)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, listReadBuffer), maxListLine)
	for sc.Scan() {
		lp.add(sc.Text())
	}
	err = sc.Err()
	if cerr := r.Close(); err == nil {
		err = cerr
	} else if cerr != nil {
		err = errors.Join(err, cerr)
	}
	return lp.done(), err
}

// listParser parses the raw lines of a listing, noting in the log the
// lines no parser understood (the first few). Lines are parsed in blocks
// of listBlock. vsftpd takes 0.2 s to list 50,000 names, then sends them
// all at once: what this side spends parsing comes after the server's
// time, not during it. So once a listing has a second block, blocks are
// parsed on every processor at once (parseBlock), and put back in order
// by done. Kept in blocks, the entries are never copied as a slice grown
// by append copied them (growslice was 40 % of a large listing's time).
type listParser struct {
	c       *Conn
	mlsd    bool
	now     time.Time
	lines   []string      // the block being filled
	blocks  []*listResult // every block handed out, in order
	work    chan *listResult
	workers sync.WaitGroup
}

// listResult is one block of lines and, once parsed, its entries and the
// lines no parser understood.
type listResult struct {
	lines   []string
	entries []wire.ListEntry
	unknown []string
}

// listBlock is how many lines one block holds.
const listBlock = 4096

func (c *Conn) newListParser(mlsd bool) *listParser {
	return &listParser{c: c, mlsd: mlsd, now: time.Now()}
}

func (lp *listParser) add(l string) {
	if lp.lines == nil && len(lp.blocks) > 0 {
		// a large listing: its next block at full size at once (the first
		// grows: most folders are small, and a mirror lists thousands)
		lp.lines = make([]string, 0, listBlock)
	}
	lp.lines = append(lp.lines, l)
	if len(lp.lines) == listBlock {
		lp.flush()
	}
}

// flush hands the block being filled to the parsers: the first one is
// kept for done (a small listing starts no goroutine), the second starts
// them.
func (lp *listParser) flush() {
	b := &listResult{lines: lp.lines}
	lp.lines = nil
	lp.blocks = append(lp.blocks, b)
	if len(lp.blocks) == 1 {
		return
	}
	if lp.work == nil {
		n := runtime.GOMAXPROCS(0)
		lp.work = make(chan *listResult, n)
		for range n {
			lp.workers.Go(func() {
				for b := range lp.work {
					lp.parseBlock(b)
				}
			})
		}
		lp.work <- lp.blocks[0]
	}
	lp.work <- b
}

// parseBlock parses b's lines.
func (lp *listParser) parseBlock(b *listResult) {
	b.entries = make([]wire.ListEntry, 0, len(b.lines))
	for _, l := range b.lines {
		var e wire.ListEntry
		var ok bool
		if lp.mlsd {
			e, ok = wire.ParseMLSx(l)
		} else {
			e, ok = wire.ParseList(l, lp.now)
		}
		switch {
		case ok:
			b.entries = append(b.entries, e)
		case lp.mlsd || !ignorableListLine(l):
			b.unknown = append(b.unknown, l)
		}
	}
	b.lines = nil
}

// done parses what is left and returns the entries, block by block in
// the listing's order.
func (lp *listParser) done() [][]wire.ListEntry {
	if len(lp.lines) > 0 {
		lp.flush()
	}
	if lp.work != nil {
		close(lp.work)
		lp.workers.Wait()
	} else if len(lp.blocks) == 1 {
		lp.parseBlock(lp.blocks[0])
	}
	out := make([][]wire.ListEntry, 0, len(lp.blocks))
	noted := 0
	for _, b := range lp.blocks {
		if len(b.entries) > 0 {
			out = append(out, b.entries)
		}
		for _, l := range b.unknown {
			if noted < maxNotedLines {
				lp.c.sess.log.Notef(lp.c.ID(), "listing line not understood, left out: %q", l)
			}
			noted++
		}
	}
	if noted > maxNotedLines {
		lp.c.sess.log.Notef(lp.c.ID(), "%d more listing lines not understood", noted-maxNotedLines)
	}
	return out
}

// ignorableListLine reports a LIST line that describes no entry: blank,
// ls's "total N", or a folder header of a recursive listing.
func ignorableListLine(l string) bool {
	t := strings.TrimSpace(l)
	return t == "" || strings.HasPrefix(t, "total ") || strings.HasSuffix(t, ":")
}

// entries turns parsed lines into Entries: the folder's own and parent
// entries dropped, a single line that names the listed path (LIST or MLST
// of a file, which some servers write as the path given) named by its
// last element, and unsafe names dropped with a log note.
func (c *Conn) entries(parsed [][]wire.ListEntry, dir string, single bool) []Entry {
	n := 0
	for _, b := range parsed {
		n += len(b)
	}
	single = single || n == 1
	out := make([]Entry, 0, n)
	base := path.Base(strings.TrimRight(dir, "/"))
	for _, b := range parsed {
		for _, e := range b {
			name := e.Name
			if e.Kind == wire.ListSelf || name == "." || name == ".." {
				continue
			}
			if single && dir != "" && strings.Contains(name, "/") &&
				(name == dir || path.Base(name) == base) {
				name = base
			}
			if reason := UnsafeName(name); reason != "" {
				c.sess.log.Notef(c.ID(), "skipped listing entry %q: %s", name, reason)
				continue
			}
			t := File
			switch e.Kind {
			case wire.ListFolder:
				t = Folder
			case wire.ListLink:
				t = Link
			}
			out = append(out, Entry{Name: name, Type: t, Size: max(e.Size, 0), Time: e.Time, Target: e.Target, Perm: e.Perm})
		}
	}
	return out
}

// checkFolder asks whether dir exists, for a listing that came back empty:
// MLST where the server has it (one command), else CWD into it and back.
// It returns nil for a folder, and for a missing one an error with the
// server's words.
func (c *Conn) checkFolder(ctx context.Context, dir string) error {
	if c.sc.IsTimePreciseInList() {
		_, err := c.mlst(ctx, dir)
		var re *ReplyError
		if errors.As(err, &re) && re.Code/100 == 5 {
			return fmt.Errorf("list %s: %w", dir, re)
		}
		return nil // a transient answer proves nothing; keep the listing
	}
	back, err := c.CurrentDir(ctx)
	if err != nil {
		return nil
	}
	if err := c.ChangeDir(ctx, dir); err != nil {
		var re *ReplyError
		if errors.As(err, &re) && re.Code/100 == 5 {
			return fmt.Errorf("list %s: %w", dir, re)
		}
		return nil
	}
	if err := c.ChangeDir(ctx, back); err != nil {
		return fmt.Errorf("list %s: could not return to %s: %w", dir, back, err)
	}
	return nil
}

// entryOf asks MLST what p is.
func (c *Conn) entryOf(ctx context.Context, p string) (wire.ListEntry, bool) {
	r, err := c.mlst(ctx, p)
	if err != nil {
		return wire.ListEntry{}, false
	}
	// 250-Listing p
	//  type=file;size=5; /p
	// 250 End
	for _, l := range r.Lines[1 : len(r.Lines)-1] {
		if e, ok := wire.ParseMLSx(strings.TrimLeft(l, " ")); ok {
			return e, true
		}
	}
	return wire.ListEntry{}, false
}

// mlst sends MLST p and returns its 250 reply; any other reply is a
// ReplyError.
func (c *Conn) mlst(ctx context.Context, p string) (wire.Reply, error) {
	var r wire.Reply
	err := c.do(ctx, "mlst "+p, []string{p}, func() error {
		var err error
		r, err = c.cc.Simple("MLST " + p)
		if err == nil && (r.Code != 250 || len(r.Lines) < 2) {
			err = &ReplyError{Cmd: "MLST", Code: r.Code, Text: r.Text()}
		}
		return err
	})
	return r, err
}

// refusedMLSD reports a 5xx reply to MLSD itself (not to the commands that
// set up its data connection).
func refusedMLSD(err error) bool {
	var re *ReplyError
	var de *DataConnError
	return !errors.As(err, &de) && errors.As(err, &re) && re.Cmd == "MLSD" && re.Code/100 == 5
}
