package queue

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// download is one attempt at a download job: the file lands in a
// temporary name beside the target (NAME.part, or a shorter name where
// that would be too long), checked and renamed over the target.
type download struct {
	*attempt
	expected int64 // the remote file's size (-1 unknown)
	trusted  bool  // expected comes from the listing, not from SIZE
	dir      *os.Root
	name     string // the target's name in dir
	part     string // the temporary name in dir
	f        *os.File
	opening  chan openedPart // the .part being created meanwhile
	created  bool            // this attempt created the .part
	n        int64           // bytes that arrived in this attempt
	wire     int64           // ascii: bytes that came over the wire
	ok       bool            // committed: keep what is on disk
	// outOfOrder: segments wrote the .part at several offsets at once
	outOfOrder bool
}

// partLabel is the .part's path for messages.
func (d *download) partLabel() string { return partPath(d.Local) }

// resolve learns the remote size, opens the target's folder and settles a
// conflict with an existing target.
func (d *download) resolve(ctx context.Context) (State, error) {
	d.expected = d.Size
	// A fresh job trusts the size the listing gave (no SIZE round trip);
	// a mismatch is checked with SIZE after the transfer, and every later
	// attempt asks first.
	d.trusted = d.Size >= 0 && d.Attempts <= 1 && d.Done == 0
	if !d.trusted {
		if n, err := d.c.Size(ctx, d.Remote); err == nil {
			d.expected = n
		} else if transient(err) || ctx.Err() != nil {
			return 0, err
		}
	}
	if d.expected != d.Size {
		d.set(func(x *Job) { x.Size = d.expected })
	}
	var err error
	if d.dir, d.name, err = d.w.dir.open(d.LocalRoot, d.Local); err != nil {
		return 0, &localErr{err}
	}
	fi, err := existing(d.dir, d.name, d.Local)
	if err != nil {
		return 0, &localErr{err}
	}
	p := d.Resolved
	switch {
	case fi != nil && (p == Overwrite || p == Resume):
		// decided before (a resumed job): keep to it
	case fi != nil:
		s := sides{target: d.Local, srcSize: d.expected, dstSize: fi.Size(), dstTime: fi.ModTime()}
		if bp := d.q.policyFor(d.Batch); bp == Ask || bp == Newer {
			if t, err := d.c.ModTime(ctx, d.Remote); err == nil {
				s.srcTime = t
			} else if transient(err) || ctx.Err() != nil {
				return 0, err
			}
		}
		if p, err = d.q.decide(ctx, d.j, s); err != nil {
			return 0, err
		}
		switch p {
		case Skip:
			d.log.Notef(0, "queue: job %d: %s exists, skipped", d.ID, d.Local)
			return Skipped, nil
		case Rename:
			nl, err := freeLocalName(d.Local)
			if err != nil {
				return 0, &localErr{err}
			}
			d.log.Notef(0, "queue: job %d: %s exists, writing %s", d.ID, d.Local, nl)
			d.name = filepath.Base(nl)
			d.set(func(x *Job) { x.Local = nl })
			p = Overwrite
		}
	case p == Ask || p == Rename || p == Newer:
		p = Overwrite // nothing to conflict with: this job owns the name
	}
	if p == Resume && fi != nil && d.expected >= 0 && fi.Size() == d.expected && partSize(d.LocalRoot, d.Local) == 0 {
		note := fmt.Sprintf("%s is already complete (%d bytes); skipped", d.Local, fi.Size())
		d.log.Notef(0, "queue: job %d: %s", d.ID, note)
		d.set(func(x *Job) { x.Note = note })
		return Skipped, nil
	}
	d.keep(p, fi != nil)
	return Running, nil
}

// prepare opens the .part: an existing one is continued; under Resume
// the existing target becomes its beginning. A fresh .part is created
// while the server prepares the transfer (EPSV, connect, RETR): on many
// file systems creating a file costs as much as those round trips, and a
// folder of small files is mostly that.
func (d *download) prepare(context.Context) error {
	d.part = tempName(d.name, partSuffix)
	// A folder that visibly refuses the file (read-only, no permission)
	// fails here, before RETR goes out.
	info, err := existing(d.dir, d.part, d.partLabel())
	if err != nil {
		return &localErr{err}
	}
	if info == nil && d.policy != Resume && d.q.testWriter == nil && d.w.dir.writable {
		d.opening, d.created = make(chan openedPart, 1), true
		dir, part := d.dir, d.part
		go func() {
			f, _, err := openPart(dir, part, false)
			d.opening <- openedPart{f, err}
		}()
		return nil
	}
	d.created = info == nil
	if d.f, d.off, err = openPart(d.dir, d.part, true); err != nil {
		return &localErr{fmt.Errorf("%s: %w", d.partLabel(), err)}
	}
	if d.policy == Resume && d.off == 0 && !d.ASCII() {
		if _, err := d.dir.Lstat(d.name); err == nil {
			if d.off, err = copyInto(d.dir, d.name, d.f); err != nil {
				return &localErr{fmt.Errorf("resume from %s: %w", d.Local, err)}
			}
		}
	}
	// An ascii transfer always starts over: the bytes on the wire are not
	// the file's, so no offset in one matches the other.
	if d.off > 0 && (d.NoRest || d.ASCII() || (d.expected >= 0 && d.off > d.expected)) {
		if err := d.f.Truncate(0); err != nil {
			return &localErr{err}
		}
		d.off = 0
	}
	if _, err := d.f.Seek(d.off, io.SeekStart); err != nil {
		return &localErr{err}
	}
	return nil
}

// opened waits for the .part being created, if it is.
func (d *download) opened() (*os.File, error) {
	if d.opening != nil {
		r := <-d.opening
		d.opening, d.f = nil, r.f
		if r.err != nil {
			return nil, &localErr{fmt.Errorf("%s: %w", d.partLabel(), r.err)}
		}
	}
	return d.f, nil
}

// transfer fetches the file from the .part's size (REST).
func (d *download) transfer(ctx context.Context) error {
	if ok, err := d.segmented(ctx); ok {
		return err
	}
	d.j.progress.Store(d.off)
	if d.off > 0 && d.expected >= 0 && d.off >= d.expected {
		return nil // all there already
	}
	open := func() (io.Writer, error) {
		f, err := d.opened()
		if err != nil {
			return nil, err
		}
		if d.q.testWriter != nil {
			return d.q.testWriter(d.Job, f), nil
		}
		if l := d.q.rateLimit(); l != nil {
			return l.Writer(ctx, f), nil
		}
		return f, nil
	}
	var err error
	if d.ASCII() {
		d.note("ascii transfer (TYPE A): CRLF line ends become this machine's, no resume")
		d.wire, d.n, err = d.c.RetrieveASCII(ctx, d.Remote, open, &d.j.progress)
		return err
	}
	d.n, err = d.c.RetrieveTo(ctx, d.Remote, d.off, open, &d.j.progress)
	if err != nil && d.off > 0 && restRefused(err) {
		if err := d.truncate(); err != nil {
			return err
		}
		return d.restart("the server refused REST")
	}
	return err
}

// truncate empties the .part for a start from byte 0.
func (d *download) truncate() error {
	f, err := d.opened()
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return &localErr{err}
	}
	return nil
}

// verify checks the size that arrived against the remote file's (asked
// again with SIZE when the listing's size does not match).
func (d *download) verify(ctx context.Context) error {
	if _, err := d.opened(); err != nil {
		return err
	}
	total := d.off + d.n
	if d.ASCII() {
		// The line ends changed on the way (and on a server that converts,
		// on the wire too): the sizes differ by design, not by a cut.
		note := fmt.Sprintf("ascii: %d bytes on the wire, %d written", d.wire, d.n)
		if d.expected >= 0 {
			note += fmt.Sprintf(" (%d on the server)", d.expected)
		}
		d.note("%s; size not compared", note)
		d.set(func(x *Job) { x.Note = note })
		return nil
	}
	if d.trusted && total != d.expected {
		if n, err := d.c.Size(ctx, d.Remote); err == nil && n != d.expected {
			d.note("the file changed since it was listed (%d bytes, now %d)", d.expected, n)
			d.expected = n
			d.set(func(x *Job) { x.Size = n })
		}
	}
	if d.expected < 0 {
		d.note("size unknown, cannot check it (%d bytes)", total)
		return nil
	}
	err := d.checkSize("retr", total, d.expected)
	if err == errRestart {
		if terr := d.truncate(); terr != nil {
			return terr
		}
	}
	return err
}

// commit syncs the .part where needed, records the job done on disk, and
// renames the .part over the target. What the rename replaces is looked
// at again: a link planted during the transfer is refused, never
// replaced.
func (d *download) commit(ctx context.Context) error {
	replaced, err := existing(d.dir, d.name, d.Local)
	if err != nil {
		return &localErr{err}
	}
	// A .part written out of order (segments) is synced whatever the
	// options: its size is no sign that the bytes below it are there.
	if d.outOfOrder || d.q.mustSync(replaced != nil) {
		if err := d.f.Sync(); err != nil {
			return &localErr{err}
		}
	}
	d.keepTime(ctx)
	err = d.f.Close()
	d.f = nil
	if err != nil {
		return &localErr{err}
	}
	d.q.commit(d.j)
	if err := d.dir.Rename(d.part, d.name); err != nil {
		d.q.mu.Lock()
		d.j.committed = false
		d.q.mu.Unlock()
		return &localErr{fmt.Errorf("rename %s: %w", d.partLabel(), err)}
	}
	d.ok = true
	return nil
}

// keepTime gives the .part, through its open descriptor (no path, so no
// link can redirect it), the remote file's modification time: the
// listing's where the job has one, else MDTM's. The rename keeps it. A
// time that cannot be had or set is a note, not a failure.
func (d *download) keepTime(ctx context.Context) {
	if d.q.opts.NoKeepTimes {
		return
	}
	t := d.MTime
	if t.IsZero() {
		var err error
		if t, err = d.c.ModTime(ctx, d.Remote); err != nil {
			d.note("no modification time from the server (%v); the file keeps the time of the download", err)
			return
		}
		// recorded with the job's done state: a restart knows the file
		// by it (targetWhole)
		d.set(func(x *Job) { x.MTime = t })
	}
	if err := setFileTime(d.f, t); err != nil {
		d.note("could not set the time of %s: %v", d.Local, err)
	}
}

// cleanup closes the .part, and removes it when this attempt created it
// and not a byte arrived (a 550, a refused data connection): nothing is
// left behind for a transfer that never started.
func (d *download) cleanup() {
	f, _ := d.opened()
	if f == nil {
		return
	}
	_ = f.Close()
	if d.ok || !d.created || d.off+d.n > 0 {
		return
	}
	if fi, err := d.dir.Lstat(d.part); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		_ = d.dir.Remove(d.part)
		_ = d.dir.Remove(segmentsName(d.name))
	}
}
