package queue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"ftpdeck/transfer"
)

// upload is one attempt at an upload job: the file goes to a temporary
// name beside the target on the server (NAME.part), its size is checked,
// and it is renamed (RNFR/RNTO) over the target, so that a remote file is
// never replaced by a cut-short one and a rerun continues the temporary
// file. With Options.NoTempUpload it goes to the target itself.
type upload struct {
	*attempt
	src      *os.File
	size     int64 // the local file's size
	mtime    time.Time
	sent     int64  // ascii: bytes that went over the wire
	target   string // where STOR writes: the temporary name or the final one
	exists   bool   // the final name exists on the server (when looked at)
	existing int64  // its size
	// listed is what the folder's listing showed when the job was queued:
	// the first attempt takes the sizes from it instead of asking SIZE.
	listed *remoteSeen
}

// temp is the job's temporary name on the server.
func (u *upload) temp() string {
	dir, name := path.Split(u.Remote)
	return dir + tempName(name, partSuffix)
}

// resolve opens the local file and settles a conflict with an existing
// remote file.
func (u *upload) resolve(ctx context.Context) (State, error) {
	f, err := openNoFollow(u.Local)
	if err != nil {
		return 0, &localErr{err}
	}
	u.src = f
	st, err := f.Stat()
	if err != nil {
		return 0, &localErr{err}
	}
	if !st.Mode().IsRegular() {
		return 0, &localErr{fmt.Errorf("%s is not a regular file", u.Local)}
	}
	u.size = st.Size()
	u.mtime = st.ModTime()
	if u.size != u.Size {
		u.set(func(x *Job) { x.Size = u.size })
	}
	if u.seen != nil {
		u.listed = u.seen
		u.set(func(x *Job) { x.seen = nil }) // once: a retry asks the server
	}
	p, batch := u.Resolved, u.q.policyFor(u.Batch)
	noTemp := u.q.opts.NoTempUpload
	// Whether the target exists matters unless it is overwritten anyway
	// (a temporary name is renamed over it).
	if noTemp || !(p == Overwrite || (p == Ask && batch == Overwrite)) {
		if u.existing, u.exists, err = u.sizeOf(ctx, u.Remote); err != nil {
			return 0, err
		}
	}
	switch {
	case u.exists && (p == Overwrite || p == Resume):
		// decided before (a resumed job): keep to it
	case u.exists && noTemp && u.existing < u.size && (batch == Skip || batch == Newer):
		// Without a temporary name a cut-short upload stays under the
		// final name: the rerun continues it.
		p = Resume
		u.setNote(fmt.Sprintf("%s on the server is smaller than the local file (%d of %d bytes): resumed", u.Remote, u.existing, u.size))
	case u.exists:
		s := sides{target: u.Remote, srcSize: u.size, srcTime: st.ModTime(), dstSize: u.existing}
		if batch == Ask || batch == Newer {
			if t, err := u.c.ModTime(ctx, u.Remote); err == nil {
				s.dstTime = t
			} else if transient(err) || ctx.Err() != nil {
				return 0, err
			}
		}
		if p, err = u.q.decide(ctx, u.j, s); err != nil {
			return 0, err
		}
		switch p {
		case Skip:
			u.log.Notef(0, "queue: job %d: %s exists on the server, skipped", u.ID, u.Remote)
			return Skipped, nil
		case Rename:
			nr, err := freeRemoteName(ctx, u.c, u.Remote)
			if err != nil {
				return 0, err
			}
			u.log.Notef(0, "queue: job %d: %s exists on the server, writing %s", u.ID, u.Remote, nr)
			u.set(func(x *Job) { x.Remote = nr })
			u.exists = false
			p = Overwrite
		}
	case p == Ask || p == Rename || p == Newer || p == Resume:
		p = Overwrite // nothing to conflict with (or resume): this job owns the name
	}
	switch {
	case p == Resume && u.exists && u.existing == u.size:
		u.setNote(fmt.Sprintf("%s on the server is already complete (%d bytes); skipped", u.Remote, u.size))
		return Skipped, nil
	case p == Resume && u.exists && u.existing > u.size:
		// not a cut-short copy of this file: replaced whole, through the
		// temporary name like any overwrite
		u.note("%s on the server is larger than the local file; sending it whole", u.Remote)
		p = Overwrite
	}
	u.keep(p, u.exists)
	return Running, nil
}

// sizeOf returns the size of p (the final or the temporary name) on the
// server and whether it exists: from the folder's listing on the first
// attempt where there was one, else from the server (remoteSize).
func (u *upload) sizeOf(ctx context.Context, p string) (int64, bool, error) {
	if l := u.listed; l != nil {
		n := l.final
		if p != u.Remote {
			n = l.temp
		}
		return n, n >= 0, nil
	}
	return remoteSize(ctx, u.c, p)
}

// setNote puts note on the job and in the log.
func (u *upload) setNote(note string) {
	u.log.Notef(u.c.ID(), "queue: job %d: %s", u.ID, note)
	u.set(func(x *Job) { x.Note = note })
}

// prepare chooses where STOR writes and from which byte: the temporary
// name is always this job's own and is continued from its size on the
// server; the final name is continued under Resume, or when this job has
// already sent bytes to it (a retry after a cut).
func (u *upload) prepare(ctx context.Context) error {
	u.target = u.Remote
	if !u.q.opts.NoTempUpload && u.policy != Resume {
		u.target = u.temp()
	}
	ours := u.target != u.Remote || u.policy == Resume || u.Done > 0 || u.j.progress.Load() > 0
	// ascii starts over: the bytes on the server are not the local file's
	if !ours || u.NoRest || u.ASCII() {
		return nil
	}
	n, ok := u.existing, u.exists
	if u.target != u.Remote || !ok {
		var err error
		if n, ok, err = u.sizeOf(ctx, u.target); err != nil {
			return err
		}
	}
	switch {
	case !ok:
	case n > u.size:
		u.note("%s on the server is larger than the local file; sending it whole", u.target)
	case n > 0:
		u.off = n
		u.note("continuing %s on the server from byte %d of %d", u.target, n, u.size)
	}
	return nil
}

// transfer sends the file from the offset: REST+STOR, or APPE where the
// server refuses REST before STOR. A first STOR refused where the folder
// is not there (an upload into a new path) makes the missing folders, as
// FileZilla does, and is sent again.
func (u *upload) transfer(ctx context.Context) error {
	if u.off > 0 && u.off >= u.size {
		return nil // all there already: verify and rename
	}
	err := u.store(ctx)
	if u.off == 0 && storeRefused(err) {
		made, merr := u.c.MakeDirAll(ctx, path.Dir(u.target))
		switch {
		case merr != nil && transient(merr):
			return merr
		case merr != nil:
			return fmt.Errorf("%w (its folder is not there and could not be made: %v)", err, merr)
		case len(made) > 0:
			u.note("made missing folders: %s", strings.Join(made, ", "))
			err = u.store(ctx)
		}
	}
	if err == nil || u.off == 0 || !restRefused(err) {
		return err
	}
	u.note("the server refused REST before STOR; appending from byte %d (APPE)", u.off)
	src, err := u.source(ctx)
	if err != nil {
		return err
	}
	_, err = u.c.Append(ctx, u.target, src, &u.j.progress)
	var re *transfer.ReplyError
	if errors.As(err, &re) && re.Cmd == "APPE" && re.Code >= 500 {
		return u.restart("the server refused REST and APPE")
	}
	return err
}

// store is one STOR of the file from the offset (in ascii, of its lines
// with CRLF ends).
func (u *upload) store(ctx context.Context) error {
	src, err := u.source(ctx)
	if err != nil {
		return err
	}
	if u.ASCII() {
		u.note("ascii transfer (TYPE A): line ends sent as CRLF, no resume")
		_, u.sent, err = u.c.StoreASCII(ctx, u.target, src, &u.j.progress)
		return err
	}
	_, err = u.c.Store(ctx, u.target, u.off, src, &u.j.progress)
	return err
}

// source is the local file from the offset, through the rate limit.
func (u *upload) source(ctx context.Context) (io.Reader, error) {
	if _, err := u.src.Seek(u.off, io.SeekStart); err != nil {
		return nil, &localErr{err}
	}
	u.j.progress.Store(u.off)
	var src io.Reader = u.src
	if u.q.testReader != nil {
		src = u.q.testReader(u.Job, u.src)
	}
	return u.q.rateLimit().Reader(ctx, src), nil
}

// storeRefused reports whether err is the server's refusal of a STOR.
func storeRefused(err error) bool {
	var re *transfer.ReplyError
	return errors.As(err, &re) && re.Cmd == "STOR" && re.Code >= 500
}

// verify checks the size the server holds: SIZE, or the listing where the
// server has no SIZE.
func (u *upload) verify(ctx context.Context) error {
	got, ok, err := remoteSize(ctx, u.c, u.target)
	switch {
	case err != nil && (transient(err) || ctx.Err() != nil):
		return err
	case err != nil:
		u.note("the server cannot tell the size of %s (%v); not checked", u.target, err)
		return nil
	case !ok && u.target != u.Remote:
		return fmt.Errorf("stor %s: the server does not show %s after STOR", u.Remote, u.target)
	case !ok:
		u.note("the server does not show %s after STOR; its size is not checked", u.target)
		return nil
	}
	if u.ASCII() {
		// The server keeps the CRLF sent (vsftpd by default) or turns it
		// back into its own line ends: either size is right.
		note := fmt.Sprintf("ascii: %d bytes local, %d on the wire, %d on the server", u.size, u.sent, got)
		u.set(func(x *Job) { x.Note = note })
		if got != u.size && got != u.sent {
			u.note("%s; the server converted them its own way, size not compared", note)
		}
		return nil
	}
	return u.checkSize("stor", got, u.size)
}

// commit renames the temporary name over the target (RNFR/RNTO). A
// server that refuses to rename over an existing file gets the target
// deleted first: by now the whole new file is on the server.
func (u *upload) commit(ctx context.Context) error {
	u.j.progress.Store(u.size)
	if u.target == u.Remote {
		u.keepTime(ctx)
		return nil
	}
	err := u.c.Rename(ctx, u.target, u.Remote)
	var re *transfer.ReplyError
	if errors.As(err, &re) && re.Code >= 500 && u.c.Delete(ctx, u.Remote) == nil {
		u.note("the server refused to rename over %s; deleted it, then renamed", u.Remote)
		err = u.c.Rename(ctx, u.target, u.Remote)
	}
	if err != nil {
		return fmt.Errorf("stor %s: the whole file is on the server as %s, but renaming it failed: %w (--no-temp-upload sends to the final name)", u.Remote, u.target, err)
	}
	u.keepTime(ctx)
	return nil
}

// keepTime gives the remote file the local file's modification time, after
// the rename (a server may give a renamed file a new time): MFMT, or
// vsftpd's "MDTM time file", whichever FEAT offers. A server with neither,
// or one that refuses, gets a note in the log; the upload stands.
func (u *upload) keepTime(ctx context.Context) {
	if u.q.opts.NoKeepTimes || u.mtime.IsZero() {
		return
	}
	if !u.c.CanSetModTime() {
		if u.q.noSetTimeNoted.CompareAndSwap(false, true) {
			u.log.Notef(u.c.ID(), "queue: the server offers no way to set a file's time (neither MFMT nor MDTM with a time in FEAT); uploads keep the time of the upload")
		}
		return
	}
	if err := u.c.SetModTime(ctx, u.Remote, u.mtime); err != nil {
		u.note("could not set the time of %s on the server: %v", u.Remote, err)
	}
}

// cleanup closes the local file.
func (u *upload) cleanup() {
	if u.src != nil {
		_ = u.src.Close()
	}
}

// remoteSize returns the size of p on the server and whether it exists:
// SIZE, or where the server has no SIZE (500, 502, 504), the line of its
// folder's listing.
func remoteSize(ctx context.Context, c *transfer.Conn, p string) (int64, bool, error) {
	n, err := c.Size(ctx, p)
	if err == nil {
		return n, true, nil
	}
	if transient(err) || ctx.Err() != nil {
		return 0, false, err
	}
	var re *transfer.ReplyError
	if !errors.As(err, &re) {
		return 0, false, err
	}
	if re.Code != 500 && re.Code != 502 && re.Code != 504 {
		return 0, false, nil // 550: not there
	}
	dir, name := path.Split(p)
	if dir == "" {
		dir = "."
	}
	entries, lerr := c.List(ctx, dir, true)
	if lerr != nil {
		return 0, false, fmt.Errorf("size of %s: no SIZE (%v), and the listing failed: %w", p, err, lerr)
	}
	for _, e := range entries {
		if e.Name == name && e.Type == transfer.File {
			return e.Size, true, nil
		}
	}
	return 0, false, nil
}
