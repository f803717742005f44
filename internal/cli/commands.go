package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
	"ftpdeck/transfer/wire"
)

func runLs(ctx context.Context, flags Flags, args []string, env Env) error {
	if len(args) != 1 {
		return usagef("ls takes one URL")
	}
	t, err := resolveTarget(flags, args[0], env)
	if err != nil {
		return err
	}
	o, closeLog, err := openTarget(ctx, flags, t, env)
	if err != nil {
		return err
	}
	defer closeLog()
	defer o.c.Close()
	// What ls allocates is mostly its listing, which it keeps to the end:
	// a collection while it grows finds next to nothing to free. Fewer of
	// them: 50,000 names listed 7 % sooner, at the same peak memory.
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	entries, err := o.c.List(ctx, o.path, true)
	if err != nil {
		return err
	}
	t.worked(o.sess.Mode(), env)
	transfer.SortEntries(entries)
	w := newBufWriter(env.Stdout)
	if flags.JSON {
		for _, e := range entries {
			if err := writeJSON(w, newLsEntry(e)); err != nil {
				return err
			}
		}
		return w.Flush()
	}
	var f lsFormatter
	var line []byte
	for _, e := range entries {
		line = f.appendLine(line[:0], e)
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return w.Flush()
}

func runBookmarks(flags Flags, args []string, env Env) error {
	store, err := openBookmarks(flags, env)()
	if err != nil {
		return err
	}
	switch {
	case len(args) == 0:
		fmt.Fprint(env.Stdout, bookmarks.FormatList(store.List()))
		return nil
	case args[0] == "import" && len(args) == 2:
		rep, err := store.Import(args[1])
		if err != nil {
			return err
		}
		if err := store.Save(); err != nil {
			return err
		}
		fmt.Fprint(env.Stdout, rep.String())
		return nil
	}
	return usagef("bookmarks takes no argument, or: import FILE")
}

// runGet downloads the files and folders named by URLs into LOCAL. Files
// go through the transfer queue (NAME.part, size check, conflict policy,
// --parallel workers); "-" and devices are written as a stream on one
// connection.
func runGet(ctx context.Context, flags Flags, args []string, env Env) error {
	if len(args) < 2 {
		return usagef("get takes URL... LOCAL")
	}
	local := args[len(args)-1]
	urls := args[:len(args)-1]
	policy, err := headlessPolicy(flags)
	if err != nil {
		return err
	}
	targets := make([]target, 0, len(urls))
	res := newResolver(flags, env)
	for _, u := range urls {
		t, err := res.resolve(u)
		if err != nil {
			return err
		}
		if t.site.Path == "" || t.site.Path == "/" {
			return usagef("get %s: the URL names no file", u)
		}
		targets = append(targets, t)
	}
	stream, intoDir, err := getDestination(local, len(urls) > 1)
	if err != nil {
		return err
	}
	log, closeLog, err := newLog(flags, env)
	if err != nil {
		return err
	}
	defer closeLog()
	oneProcForPlainFTP(targets, env)
	if stream {
		if flags.JSON && local == "-" {
			return usagef("get --json: - (stdout) carries the file; give a folder or file name")
		}
		return getStreams(ctx, targets, local, log, env, flags)
	}
	r := newRun(ctx, flags, env, "get")
	names := transfer.NewLocalNames(transfer.LocalRules) // the names given to LOCAL, checked together
	for _, g := range groupBySite(targets) {
		sess, c, err := connect(ctx, g[0], log)
		if err != nil {
			r.fail(len(g), err)
			continue
		}
		r.parallel = g[0].parallel
		q, err := r.start(sess, g[0], policy)
		if err != nil {
			_ = c.Close()
			return err
		}
		if len(g) > 1 {
			// several files or folders: the workers log in meanwhile (the
			// walking connection is the last worker's, adopted below)
			q.Prewarm(r.parallel - 1)
		}
		for _, t := range g {
			remote, err := c.Abs(ctx, t.site.Path)
			if err == nil {
				err = queueGet(ctx, q, c, remote, local, intoDir, names, r.parallel)
			}
			if err != nil {
				r.failf("get %s: %s", wire.Escape(t.site.Path), userMessage(err))
			}
		}
		q.Adopt(c) // the first worker transfers on it: one login less
		if r.finish(q) > 0 {
			g[0].worked(sess.Mode(), env)
		}
	}
	return r.result()
}

// getDestination classifies LOCAL per INTERFACE.md: "-" and devices are
// streams, an existing folder receives the files, anything else is the
// target file (or, for a remote folder, the folder to create).
func getDestination(local string, many bool) (stream, intoDir bool, err error) {
	if local == "-" {
		if many {
			return false, false, usagef("get: - (stdout) takes one file")
		}
		return true, false, nil
	}
	fi, err := os.Stat(local)
	switch {
	case err == nil && fi.IsDir():
		return false, true, nil
	case err == nil && fi.Mode()&(os.ModeDevice|os.ModeCharDevice|os.ModeNamedPipe) != 0:
		return true, false, nil
	case many:
		return false, false, usagef("get: %s must be an existing folder for several files", local)
	}
	return false, false, nil
}

// queueGet queues one remote file or folder: into the folder local, under
// a name this platform's rules accept and that no other source of the
// command takes (names that differ only in case are one file on Windows
// and macOS), or as local itself. A folder has the other parallel-1
// workers log in while c lists it.
func queueGet(ctx context.Context, q *queue.Queue, c *transfer.Conn, remote, local string, intoDir bool, names *transfer.LocalNames, parallel int) error {
	isDir, size, err := c.Kind(ctx, remote, func() { q.Prewarm(parallel - 1) })
	if err != nil {
		return err
	}
	dest := local
	if intoDir {
		name := remoteBase(remote)
		if reason := names.Add(name); reason != "" {
			return fmt.Errorf("remote name %q: %s", name, reason)
		}
		dest = filepath.Join(local, name)
	}
	_, err = q.AddDownloadTo(ctx, c, remote, isDir, size, dest)
	return err
}

// isRemoteDir reports whether p is a folder on the server (Conn.Kind).
func isRemoteDir(ctx context.Context, c *transfer.Conn, p string) bool {
	isDir, _, err := c.Kind(ctx, p, nil)
	return err == nil && isDir
}

// getStreams writes each remote file to stdout ("-") or to a device, one
// after the other on one connection per file: no .part, no conflict check.
func getStreams(ctx context.Context, targets []target, local string, log *transfer.Log, env Env, flags Flags) error {
	asJSON := flags.JSON
	failed := 0
	var sum summaryLine
	began := time.Now()
	defer func() {
		if asJSON {
			sum.Kind, sum.Failed, sum.Seconds = "summary", failed, roundSecs(time.Since(began).Seconds())
			_ = writeJSON(env.Stdout, sum)
		}
	}()
	for _, t := range targets {
		sess, c, err := connect(ctx, t, log)
		if err != nil {
			fmt.Fprintf(env.Stderr, "ftpdeck: %s\n", userMessage(err))
			failed++
			continue
		}
		start := time.Now()
		var n int64
		remote, err := c.Abs(ctx, t.site.Path)
		if err == nil {
			n, err = stream(ctx, c, remote, local, env, newRateLimit(rateLimit(flags, t)))
		}
		_ = c.Close()
		if asJSON {
			j := queue.Job{Dir: queue.Download, Remote: t.site.Path, Local: local, Done: n, Size: -1}
			status := "done"
			if err != nil {
				status, j.Err = "failed", userMessage(err)
			} else {
				sum.Done++
				sum.Bytes += n
			}
			_ = writeJSON(env.Stdout, newJobLine(j, status, time.Since(start).Seconds()))
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "ftpdeck: get %s: %s\n", wire.Escape(t.site.Path), userMessage(err))
			failed++
			continue
		}
		t.worked(sess.Mode(), env)
	}
	if failed > 0 {
		return errReported
	}
	return nil
}

// stream fetches remote into stdout or the device dest and checks the
// size when the server tells it, no faster than rate (nil: no limit).
func stream(ctx context.Context, c *transfer.Conn, remote, dest string, env Env, rate *queue.RateLimit) (int64, error) {
	size, sizeErr := c.Size(ctx, remote)
	w := env.Stdout
	if dest != "-" {
		f, err := os.OpenFile(dest, os.O_WRONLY, 0)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		w = f
	}
	n, err := c.Retrieve(ctx, remote, 0, rate.Writer(ctx, w), nil)
	if err == nil && sizeErr == nil && n != size {
		err = fmt.Errorf("short transfer: %d of %d bytes", n, size)
	}
	return n, err
}

// runPut uploads local files and folders into the folder (or as the file)
// named by the URL, through the transfer queue; "-" streams stdin to one
// remote file.
func runPut(ctx context.Context, flags Flags, args []string, env Env) error {
	if len(args) < 2 {
		return usagef("put takes LOCAL... URL")
	}
	srcs := args[:len(args)-1]
	policy, err := headlessPolicy(flags)
	if err != nil {
		return err
	}
	t, err := resolveTarget(flags, args[len(args)-1], env)
	if err != nil {
		return err
	}
	for _, s := range srcs {
		if s == "-" && len(srcs) > 1 {
			return usagef("put: - (stdin) takes one source")
		}
	}
	oneProcForPlainFTP([]target{t}, env)
	o, closeLog, err := openTarget(ctx, flags, t, env)
	if err != nil {
		return err
	}
	defer closeLog()
	sess, c, remote := o.sess, o.c, o.path
	if srcs[0] == "-" {
		defer c.Close()
		if t.site.Path == "" || strings.HasSuffix(remote, "/") {
			return usagef("put: - (stdin) needs a remote file name in the URL")
		}
		start := time.Now()
		n, err := putStream(ctx, c, newRateLimit(rateLimit(flags, t)).Reader(ctx, env.Stdin), remote)
		if flags.JSON {
			streamJSON(env, queue.Job{Dir: queue.Upload, Remote: remote, Local: "-", Done: n, Size: -1}, err, time.Since(start))
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "ftpdeck: put -: %s\n", userMessage(err))
			return errReported
		}
		t.worked(sess.Mode(), env)
		return nil
	}
	r := newRun(ctx, flags, env, "put")
	r.parallel = t.parallel
	r.noTemp = noTempUpload(flags, t)
	q, err := r.start(sess, t, policy)
	if err != nil {
		_ = c.Close()
		return err
	}
	if len(srcs) > 1 || isLocalDir(srcs[0]) {
		// many files: the workers log in while the folders are made
		q.Prewarm(r.parallel - 1)
	}
	intoDir := t.site.Path == "" || strings.HasSuffix(remote, "/") || len(srcs) > 1 || isRemoteDir(ctx, c, remote)
	for _, src := range srcs {
		if intoDir {
			_, err = q.AddUpload(ctx, c, src, remote)
		} else {
			_, err = q.AddUploadTo(ctx, c, src, remote)
		}
		if err != nil {
			r.failf("put %s: %s", src, userMessage(err))
		}
	}
	q.Adopt(c)
	if r.finish(q) > 0 {
		t.worked(sess.Mode(), env)
	}
	return r.result()
}

// isLocalDir reports whether p names a folder (following a link).
func isLocalDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// putStream uploads r to remote (no size to check).
func putStream(ctx context.Context, c *transfer.Conn, r io.Reader, remote string) (int64, error) {
	return c.Store(ctx, remote, 0, r, nil)
}

// headlessPolicy is --on-conflict for get and put: skip unless told, and
// never ask (no one is there to answer).
func headlessPolicy(flags Flags) (queue.Policy, error) {
	if flags.OnConflict == "" || flags.OnConflict == "ask" {
		return queue.Skip, nil
	}
	p, err := queue.ParsePolicy(flags.OnConflict)
	if err != nil {
		return 0, usagef("--on-conflict: %v", err)
	}
	return p, nil
}

// groupBySite splits targets into runs on the same server and account, in
// order: each run shares one session and one queue.
func groupBySite(ts []target) [][]target {
	var groups [][]target
	key := func(t target) string {
		s := t.site
		return fmt.Sprintf("%d|%s|%d|%s|%s", s.TLS, s.Host, s.Port, s.User, s.Password)
	}
	for i, t := range ts {
		if i > 0 && key(t) == key(ts[i-1]) {
			groups[len(groups)-1] = append(groups[len(groups)-1], t)
			continue
		}
		groups = append(groups, []target{t})
	}
	return groups
}
