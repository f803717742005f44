package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"ftpdeck/transfer"
	"ftpdeck/transfer/mirror"
	"ftpdeck/transfer/queue"
	"ftpdeck/transfer/wire"
)

// runMirror makes a local folder equal to a remote one (URL DIR), or with
// --reverse a remote folder equal to a local one (DIR URL): it lists both
// trees (the remote one over --parallel connections at once), compares
// them (mirror.Compare), and then copies what is new or changed through
// the transfer queue (the same .part, size check, resume and safe upload
// as get and put), creates folders, keeps times, and deletes what the
// source lacks only under --delete. --dry-run prints the plan and stops.
func runMirror(ctx context.Context, flags Flags, args []string, env Env) error {
	mf := flags.Mirror
	if len(args) != 2 {
		if mf.Reverse {
			return usagef("mirror --reverse takes DIR URL")
		}
		return usagef("mirror takes URL DIR")
	}
	urlArg, dir := args[0], args[1]
	if mf.Reverse {
		dir, urlArg = args[0], args[1]
	}
	if err := mirror.CheckExcludes(mf.Excludes); err != nil {
		return usagef("%v", err)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if mf.Reverse {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return usagef("mirror --reverse: %s is not a folder", dir)
		}
	}
	t, err := resolveTarget(flags, urlArg, env)
	if err != nil {
		return err
	}
	oneProcForPlainFTP([]target{t}, env)
	o, closeLog, err := openTarget(ctx, flags, t, env)
	if err != nil {
		return err
	}
	defer closeLog()
	m := &mirrorRun{ctx: ctx, env: env, flags: flags, target: t, sess: o.sess, c: o.c, top: o.path, local: dir, started: time.Now()}
	defer m.closeConns()
	if m.top != "/" {
		m.top = strings.TrimSuffix(m.top, "/")
	}
	plan, err := m.plan()
	if err != nil {
		return err
	}
	if mf.DryRun {
		if flags.JSON {
			return planJSON(env, plan)
		}
		printPlan(env, plan)
		return nil
	}
	r := newRun(ctx, flags, env, "mirror")
	r.noTemp = noTempUpload(flags, t)
	if mf.Reverse {
		err = m.upload(r, plan)
	} else {
		err = m.download(r, plan)
	}
	if err != nil {
		return err
	}
	if !flags.JSON { // --json: the job lines and the summary say it
		fmt.Fprintf(env.Stdout, "mirror: %d new, %d changed, %d deleted, %d unchanged, %s copied in %s\n",
			m.copied[mirror.New], m.copied[mirror.Changed], m.deleted, plan.Count[mirror.Unchanged],
			mirror.Bytes(m.bytes), time.Since(m.started).Round(time.Millisecond))
	}
	if m.failed > 0 {
		r.failed += m.failed
	}
	if r.failed == 0 && !r.interrupted {
		t.worked(m.sess.Mode(), env)
	}
	return r.result()
}

// mirrorRun is one mirror command's state.
type mirrorRun struct {
	ctx     context.Context
	env     Env
	flags   Flags
	target  target
	sess    *transfer.Session
	c       *transfer.Conn   // the first connection: listing, then folders, times and deletes
	extra   []*transfer.Conn // more listing connections, handed to the queue's workers
	top     string           // the remote folder, absolute
	local   string           // the local folder, absolute
	started time.Time

	jobs    []*queue.Job         // the queue's jobs when it finished
	ops     map[string]mirror.Op // New or Changed, by relative path
	copied  map[mirror.Op]int
	bytes   int64
	deleted int
	failed  int
}

// plan lists both sides and compares them.
func (m *mirrorRun) plan() (mirror.Plan, error) {
	mf := m.flags.Mirror
	lister := mirror.Lister{Conns: []*transfer.Conn{m.c}, Dial: m.sess.Dial,
		Parallel: firstPositive(m.flags.Parallel, 2), Excludes: mf.Excludes}
	remote, err := lister.List(m.ctx, m.top)
	m.extra = lister.Conns[1:]
	for _, s := range lister.Skipped {
		fmt.Fprintf(m.env.Stderr, "ftpdeck: mirror: skipped %s\n", wire.Escape(s))
	}
	if err != nil {
		if mf.Reverse && isMissing(err) {
			remote = nil // the remote folder is made below
		} else {
			return mirror.Plan{}, err
		}
	}
	if mf.FollowLinks && !mf.Reverse {
		if remote, err = m.followRemote(remote); err != nil {
			return mirror.Plan{}, err
		}
	}
	local, err := mirror.ListLocal(m.local, mf.Excludes)
	if err != nil {
		return mirror.Plan{}, err
	}
	if mf.FollowLinks && mf.Reverse {
		if local, err = followLocal(m.local, local, mf.Excludes); err != nil {
			return mirror.Plan{}, err
		}
	}
	plan := mirror.Compare(remote, local, mf.Delete)
	if mf.Reverse {
		plan = mirror.Compare(local, remote, mf.Delete)
	}
	if mf.Checksum {
		if err := m.checksums(&plan); err != nil {
			return mirror.Plan{}, err
		}
	}
	return plan, nil
}

// isMissing tells whether a listing failed because the folder is not there.
func isMissing(err error) bool {
	var re *transfer.ReplyError
	return errors.As(err, &re) && re.Code == 550
}

// followRemote replaces each remote link with what it points to: a file
// (SIZE answers) or a folder, listed like the rest.
func (m *mirrorRun) followRemote(tree []mirror.Entry) ([]mirror.Entry, error) {
	var out []mirror.Entry
	for _, e := range tree {
		if e.Kind != mirror.Link {
			out = append(out, e)
			continue
		}
		p := path.Join(m.top, e.Rel)
		if n, err := m.c.Size(m.ctx, p); err == nil {
			e.Kind, e.Size = mirror.File, n
			out = append(out, e)
			continue
		}
		if strings.Count(e.Rel, "/") >= 32 {
			continue // a link loop: stop following
		}
		sub, err := mirror.ListRemote(m.ctx, []*transfer.Conn{m.c}, p, m.flags.Mirror.Excludes)
		if err != nil {
			m.sess.Log().Notef(m.c.ID(), "mirror: link %s leads nowhere it can follow: %v", p, err)
			continue
		}
		out = append(out, mirror.Entry{Rel: e.Rel, Kind: mirror.Folder, Time: e.Time})
		for _, s := range sub {
			s.Rel = e.Rel + "/" + s.Rel
			out = append(out, s)
		}
	}
	return out, nil
}

// followLocal replaces each local link with what it points to.
func followLocal(top string, tree []mirror.Entry, excludes []string) ([]mirror.Entry, error) {
	var out []mirror.Entry
	for _, e := range tree {
		if e.Kind != mirror.Link {
			out = append(out, e)
			continue
		}
		p := filepath.Join(top, filepath.FromSlash(e.Rel))
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			continue // dangling
		case fi.Mode().IsRegular():
			out = append(out, mirror.Entry{Rel: e.Rel, Kind: mirror.File, Size: fi.Size(), Time: fi.ModTime()})
		case fi.IsDir() && strings.Count(e.Rel, "/") < 32:
			sub, err := mirror.ListLocal(p, excludes)
			if err != nil {
				return nil, err
			}
			out = append(out, mirror.Entry{Rel: e.Rel, Kind: mirror.Folder, Time: fi.ModTime()})
			for _, s := range sub {
				s.Rel = e.Rel + "/" + s.Rel
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// closeConns closes the connections the queue did not take.
func (m *mirrorRun) closeConns() {
	if m.c != nil {
		_ = m.c.Close()
	}
	for _, c := range m.extra {
		_ = c.Close()
	}
}

// control returns a working control connection for the steps after the
// queue (times, deletes): the first one if it still answers (it sat idle
// while the queue ran), else a new one.
func (m *mirrorRun) control() (*transfer.Conn, error) {
	if m.c != nil && !m.c.Broken() && m.c.NoOp(m.ctx) == nil {
		return m.c, nil
	}
	if m.c != nil {
		_ = m.c.Close()
	}
	c, err := m.sess.Dial(m.ctx)
	m.c = c
	return c, err
}

// download carries out a download-side plan.
func (m *mirrorRun) download(r *headless, plan mirror.Plan) error {
	if err := os.MkdirAll(m.local, 0o755); err != nil {
		return err
	}
	remoteHas := map[string]bool{}
	for _, a := range plan.Actions {
		if a.Op != mirror.Delete {
			remoteHas[a.Rel] = true
		}
	}
	// A file where a folder must go (or the reverse) goes first, under
	// --delete; the other deletions wait until the copies are done.
	for _, a := range plan.Deletes() {
		if remoteHas[a.Rel] {
			m.removeLocal(a)
		}
	}
	for _, a := range plan.Dirs() {
		if err := os.Mkdir(m.localPath(a.Rel), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			m.fail("mkdir %s: %v", a.Rel, err)
		}
	}
	copies := plan.Copies()
	files := make([]queue.File, 0, len(copies))
	for _, a := range copies {
		// the queue gives each file the listing's time (keep_times)
		files = append(files, queue.File{Remote: path.Join(m.top, a.Rel), Local: m.localPath(a.Rel), Size: a.Size, MTime: a.Time})
	}
	if err := m.runQueue(r, files, false); err != nil {
		return err
	}
	for _, j := range m.finished(r) {
		m.count(plan, j)
	}
	for _, a := range plan.Deletes() {
		if !remoteHas[a.Rel] {
			m.removeLocal(a)
		}
	}
	return nil
}

// upload carries out a --reverse plan.
func (m *mirrorRun) upload(r *headless, plan mirror.Plan) error {
	c := m.c
	made, err := c.MakeDirAll(m.ctx, m.top)
	if err != nil {
		return fmt.Errorf("mirror: %w", err)
	}
	for _, d := range made {
		m.sess.Log().Notef(c.ID(), "mirror: created %s", d)
	}
	localHas := map[string]bool{}
	for _, a := range plan.Actions {
		if a.Op != mirror.Delete {
			localHas[a.Rel] = true
		}
	}
	for _, a := range plan.Deletes() {
		if localHas[a.Rel] {
			m.removeRemote(c, a)
		}
	}
	for _, a := range plan.Dirs() {
		if err := c.MakeDir(m.ctx, path.Join(m.top, a.Rel)); err != nil {
			m.fail("%s", userMessage(err)) // the error names the folder
		}
	}
	copies := plan.Copies()
	files := make([]queue.File, 0, len(copies))
	for _, a := range copies {
		// the queue sets each remote file's time after its rename (keep_times)
		files = append(files, queue.File{Remote: path.Join(m.top, a.Rel), Local: m.localPath(a.Rel), Size: a.Size})
	}
	if err := m.runQueue(r, files, true); err != nil {
		return err
	}
	for _, j := range m.finished(r) {
		m.count(plan, j)
	}
	c, err = m.control()
	if err != nil {
		m.fail("after the uploads: %s", userMessage(err))
		return nil
	}
	for _, a := range plan.Deletes() {
		if !localHas[a.Rel] {
			m.removeRemote(c, a)
		}
	}
	return nil
}

// runQueue copies files through a transfer queue whose workers take the
// extra listing connections. The plan decided what to copy, so a target
// that exists is overwritten (through .part or a temporary remote name,
// never cut short); a .part left by a stopped run is resumed.
func (m *mirrorRun) runQueue(r *headless, files []queue.File, up bool) error {
	if len(files) == 0 {
		return nil
	}
	q, err := r.start(m.sess, m.target, queue.Overwrite)
	if err != nil {
		return err
	}
	if up {
		_, err = q.AddUploads(m.local, files, queue.Overwrite)
	} else {
		_, err = q.AddDownloads(m.local, files, queue.Overwrite)
	}
	if err != nil {
		_ = q.Close()
		return err
	}
	for _, c := range m.extra {
		q.Adopt(c)
	}
	m.extra = nil
	r.finish(q)
	m.jobs = q.Snapshot().Jobs
	return nil
}

// finished returns the jobs the queue finished as done.
func (m *mirrorRun) finished(*headless) []queue.Job {
	var out []queue.Job
	for _, j := range m.jobs {
		if j.State == queue.Done {
			out = append(out, *j)
		}
	}
	return out
}

// count adds a done job to the tallies by what the plan said of it.
func (m *mirrorRun) count(plan mirror.Plan, j queue.Job) {
	if m.copied == nil {
		m.copied = map[mirror.Op]int{}
		m.ops = map[string]mirror.Op{}
		for _, a := range plan.Copies() {
			m.ops[a.Rel] = a.Op
		}
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(j.Remote, m.top), "/")
	m.copied[m.ops[rel]]++
	m.bytes += j.Size
}

func (m *mirrorRun) localPath(rel string) string {
	return filepath.Join(m.local, filepath.FromSlash(rel))
}

// removeLocal deletes a local file, link or folder (with what it holds);
// a link is removed itself, never followed.
func (m *mirrorRun) removeLocal(a mirror.Action) {
	if err := os.RemoveAll(m.localPath(a.Rel)); err != nil {
		m.fail("delete %s: %v", a.Rel, err)
		return
	}
	m.deleted++
}

// removeRemote deletes a remote file or folder (recursively).
func (m *mirrorRun) removeRemote(c *transfer.Conn, a mirror.Action) {
	p := path.Join(m.top, a.Rel)
	var err error
	if a.Kind == mirror.Folder {
		err = c.RemoveAll(m.ctx, p)
	} else {
		err = c.Delete(m.ctx, p)
	}
	if err != nil {
		m.fail("delete %s: %s", p, userMessage(err))
		return
	}
	m.deleted++
}

func (m *mirrorRun) fail(format string, args ...any) {
	fmt.Fprintf(m.env.Stderr, "ftpdeck: mirror: "+format+"\n", args...)
	m.failed++
}

// printPlan writes a --dry-run plan: one line per path that would change
// or is worth knowing about (unchanged files are only counted), then the
// summary.
func printPlan(env Env, plan mirror.Plan) {
	w := newBufWriter(env.Stdout)
	for _, a := range plan.Actions {
		if a.Op == mirror.Unchanged {
			continue
		}
		size := ""
		if a.Op == mirror.New || a.Op == mirror.Changed {
			size = mirror.Bytes(a.Size)
		}
		line := fmt.Sprintf("%-9s %10s  %s", a.Op, size, wire.Escape(a.Rel))
		if a.Kind == mirror.Folder && a.Op != mirror.MakeDir {
			line += "/"
		}
		if a.Reason != "" {
			line += "  (" + a.Reason + ")"
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "plan: %s\n", plan.Summary())
	_ = w.Flush()
}
