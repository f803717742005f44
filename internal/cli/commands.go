package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
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
	log, closeLog, err := newLog(flags, env)
	if err != nil {
		return err
	}
	defer closeLog()
	sess, c, err := connect(ctx, t, log)
	if err != nil {
		return err
	}
	defer c.Close()
	entries, err := c.List(ctx, t.path, true)
	if err != nil {
		return err
	}
	t.worked(sess.Mode(), env)
	transfer.SortEntries(entries)
	w := newBufWriter(env.Stdout)
	for _, e := range entries {
		marker := "-"
		switch e.Type {
		case transfer.Folder:
			marker = "d"
		case transfer.Link:
			marker = "l"
		}
		fmt.Fprintf(w, "%s %12d %s %s\n", marker, e.Size, e.Time.UTC().Format("2006-01-02 15:04"), wire.Escape(e.Name))
	}
	return w.Flush()
}

func runBookmarks(flags Flags, args []string, env Env) error {
	store, notices, err := bookmarks.Open(bookmarks.ConfigDir(flags.ConfigDir))
	for _, n := range notices {
		fmt.Fprintf(env.Stderr, "ftpdeck: %s\n", n)
	}
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

// runGet downloads files named by URLs into LOCAL.
func runGet(ctx context.Context, flags Flags, args []string, env Env) error {
	if len(args) < 2 {
		return usagef("get takes URL... LOCAL")
	}
	local := args[len(args)-1]
	urls := args[:len(args)-1]
	log, closeLog, err := newLog(flags, env)
	if err != nil {
		return err
	}
	defer closeLog()
	policy := flags.OnConflict
	if policy == "" || policy == "ask" {
		policy = "skip"
	}
	failed, skipped, done := 0, 0, 0
	for _, u := range urls {
		t, err := resolveTarget(flags, u, env)
		if err != nil {
			return err
		}
		if t.path == "" || t.path == "/" {
			return usagef("get %s: the URL names no file", u)
		}
		dest, stream, err := downloadTarget(local, remoteBase(t.path), len(urls) > 1)
		if err != nil {
			return err
		}
		sess, c, err := connect(ctx, t, log)
		if err != nil {
			fmt.Fprintf(env.Stderr, "ftpdeck: %s\n", userMessage(err))
			failed++
			continue
		}
		res, err := download(ctx, c, t.path, dest, stream, policy, env)
		_ = c.Close()
		switch {
		case err != nil:
			fmt.Fprintf(env.Stderr, "ftpdeck: get %s: %s\n", wire.Escape(t.path), userMessage(err))
			failed++
		case res == "skipped":
			fmt.Fprintf(env.Stderr, "ftpdeck: skipped %s: %s exists (use --on-conflict)\n", wire.Escape(t.path), dest)
			skipped++
		default:
			t.worked(sess.Mode(), env)
			done++
		}
	}
	if failed > 0 {
		fmt.Fprintf(env.Stderr, "ftpdeck: %d done, %d skipped, %d failed\n", done, skipped, failed)
		return errReported
	}
	return nil
}

// downloadTarget decides where a remote file goes: "-" is stdout, a
// device is written as a stream, an existing folder receives the file by
// its remote name, anything else is the target file itself.
func downloadTarget(local, name string, many bool) (dest string, stream bool, err error) {
	if local == "-" {
		if many {
			return "", false, usagef("get: - (stdout) takes one file")
		}
		return "-", true, nil
	}
	fi, err := os.Stat(local)
	switch {
	case err == nil && fi.IsDir():
		if reason := transfer.UnsafeName(name); reason != "" {
			return "", false, fmt.Errorf("remote name %q: %s", name, reason)
		}
		return filepath.Join(local, name), false, nil
	case err == nil && fi.Mode()&(os.ModeDevice|os.ModeCharDevice|os.ModeNamedPipe) != 0:
		return local, true, nil
	case many:
		return "", false, usagef("get: %s must be an existing folder for several files", local)
	}
	return local, false, nil
}

// download fetches remote into dest through dest.part, renamed into place
// only once the size is verified, so an existing file is never lost to a
// failed transfer.
func download(ctx context.Context, c *transfer.Conn, remote, dest string, stream bool, policy string, env Env) (string, error) {
	size, sizeErr := c.Size(ctx, remote)
	if stream {
		w := env.Stdout
		if dest != "-" {
			f, err := os.OpenFile(dest, os.O_WRONLY, 0)
			if err != nil {
				return "", err
			}
			defer f.Close()
			w = f
		}
		n, err := c.Retrieve(ctx, remote, 0, w, nil)
		if err == nil && sizeErr == nil && n != size {
			err = fmt.Errorf("short transfer: %d of %d bytes", n, size)
		}
		return "done", err
	}
	if fi, err := os.Lstat(dest); err == nil {
		if fi.Mode()&os.ModeSymlink != 0 || !fi.Mode().IsRegular() {
			return "", fmt.Errorf("%s exists and is not a regular file: not writing through it", dest)
		}
		switch policy {
		case "skip":
			return "skipped", nil
		case "rename":
			dest = freeName(dest)
		}
	}
	part := dest + ".part"
	offset := int64(0)
	flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL | syscall.O_NOFOLLOW
	if policy == "resume" {
		if fi, err := os.Lstat(part); err == nil && fi.Mode().IsRegular() && (sizeErr != nil || fi.Size() <= size) {
			offset = fi.Size()
			flag = os.O_WRONLY | os.O_APPEND | syscall.O_NOFOLLOW
		}
	}
	if offset == 0 {
		if fi, err := os.Lstat(part); err == nil && fi.Mode().IsRegular() {
			_ = os.Remove(part) // a stale partial file from an earlier run
		}
	}
	f, err := os.OpenFile(part, flag, 0o644)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", part, err)
	}
	n, err := c.Retrieve(ctx, remote, offset, f, nil)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && sizeErr == nil && offset+n != size {
		err = fmt.Errorf("size mismatch: got %d bytes, the server said %d; %s kept", offset+n, size, part)
	}
	if err != nil {
		return "", err
	}
	if err := os.Rename(part, dest); err != nil {
		return "", err
	}
	return "done", nil
}

// freeName returns "name (1).ext", "name (2).ext"... that does not exist.
func freeName(p string) string {
	ext := filepath.Ext(p)
	stem := p[:len(p)-len(ext)]
	for i := 1; ; i++ {
		c := stem + " (" + strconv.Itoa(i) + ")" + ext
		if _, err := os.Lstat(c); errors.Is(err, os.ErrNotExist) {
			return c
		}
	}
}

// runPut uploads local files to the folder or file named by the URL.
func runPut(ctx context.Context, flags Flags, args []string, env Env) error {
	if len(args) < 2 {
		return usagef("put takes LOCAL... URL")
	}
	t, err := resolveTarget(flags, args[len(args)-1], env)
	if err != nil {
		return err
	}
	log, closeLog, err := newLog(flags, env)
	if err != nil {
		return err
	}
	defer closeLog()
	sess, c, err := connect(ctx, t, log)
	if err != nil {
		return err
	}
	defer c.Close()
	failed := 0
	for _, src := range args[:len(args)-1] {
		remote := t.path
		if remote == "" || len(args) > 2 || remote[len(remote)-1] == '/' {
			remote = path.Join("/"+t.path, filepath.Base(src))
		}
		if err := upload(ctx, c, src, remote, env); err != nil {
			fmt.Fprintf(env.Stderr, "ftpdeck: put %s: %s\n", src, userMessage(err))
			failed++
		}
	}
	if failed > 0 {
		return errReported
	}
	t.worked(sess.Mode(), env)
	return nil
}

func upload(ctx context.Context, c *transfer.Conn, src, remote string, env Env) error {
	var r io.Reader
	var size int64 = -1
	if src == "-" {
		r = env.Stdin
	} else {
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		if fi.IsDir() {
			return fmt.Errorf("%s is a folder (folders arrive with the queue)", src)
		}
		r, size = f, fi.Size()
	}
	start := time.Now()
	n, err := c.Store(ctx, remote, 0, r, nil)
	if err != nil {
		return err
	}
	if size >= 0 {
		if got, err := c.Size(ctx, remote); err == nil && got != size {
			return fmt.Errorf("size mismatch after upload: server has %d bytes, sent %d", got, size)
		}
	}
	_ = start
	_ = n
	return nil
}
