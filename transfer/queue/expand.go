package queue

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"ftpdeck/transfer"
)

// maxDepth bounds folder recursion (a server whose listing loops, or a
// local tree deeper than any sane one).
const maxDepth = 64

// AddDownload queues remote (a file, or with isDir a folder, expanded
// recursively with c.List into one job per file) for download into
// localDir, creating the local folders on the way. Links on the server are
// skipped with a note in the protocol log. It returns the number of jobs
// added (files already pending in the queue are not added twice). c is the
// caller's connection, used from the caller's goroutine.
func (q *Queue) AddDownload(ctx context.Context, c *transfer.Conn, remote string, isDir bool, localDir string) (int, error) {
	name := path.Base(path.Clean(remote))
	if why := transfer.LocalNameProblem(name); why != "" || name == "/" {
		if why == "" {
			why = "the server's root has no name"
		}
		return 0, fmt.Errorf("queue download %s: name %q refused: %s", remote, name, why)
	}
	return q.AddDownloadTo(ctx, c, remote, isDir, -1, filepath.Join(localDir, name))
}

// AddDownloadTo is AddDownload under a local name of the caller's choice:
// local is the target file (or, with isDir, the folder that receives the
// remote folder's contents); its parent folder must exist and is the
// folder the jobs may not write outside of. size, when not negative, is
// the remote file's size already known to the caller (no SIZE is sent).
func (q *Queue) AddDownloadTo(ctx context.Context, c *transfer.Conn, remote string, isDir bool, size int64, local string) (int, error) {
	local, err := filepath.Abs(local)
	if err != nil {
		return 0, fmt.Errorf("queue download: %w", err)
	}
	root := filepath.Dir(local)
	fi, err := os.Stat(root)
	if err != nil {
		return 0, fmt.Errorf("queue download: %w", err)
	}
	if !fi.IsDir() {
		return 0, fmt.Errorf("queue download: %s is not a folder", root)
	}
	if _, err := safeRel(root, local); err != nil && !isDir {
		return 0, fmt.Errorf("queue download: %w", err)
	}
	var jobs []Job
	if !isDir {
		if size < 0 {
			if n, err := c.Size(ctx, remote); err == nil {
				size = n
			} else if ctx.Err() != nil {
				return 0, err
			}
		}
		jobs = append(jobs, Job{Dir: Download, Remote: remote, Local: local, LocalRoot: root, Size: size})
	} else if jobs, err = q.walkRemote(ctx, c, remote, root, local, nil, 0); err != nil {
		return 0, err
	}
	return q.addIn(ctx, jobs)
}

func (q *Queue) walkRemote(ctx context.Context, c *transfer.Conn, dir, root, local string, jobs []Job, depth int) ([]Job, error) {
	if depth > maxDepth {
		return jobs, fmt.Errorf("queue download %s: deeper than %d folders, stopped", dir, maxDepth)
	}
	if err := safeMkdirAll(root, local); err != nil {
		return jobs, fmt.Errorf("queue download: %w", err)
	}
	entries, err := c.List(ctx, dir, true)
	if err != nil {
		return jobs, fmt.Errorf("queue download %s: %w", dir, err)
	}
	transfer.SortEntries(entries)
	names := transfer.NewLocalNames(transfer.LocalRules) // this machine's rules, and case twins where case is ignored
	for _, e := range entries {
		rp := path.Join(dir, e.Name)
		lp := filepath.Join(local, e.Name)
		if e.Type == transfer.Link {
			q.sess.Log().Notef(c.ID(), "queue: skipped link %s → %s (links are not followed)", rp, e.Target)
			continue
		}
		if why := names.Add(e.Name); why != "" {
			// the listing kept it (any machine's rule); this one's refuse it
			q.sess.Log().Notef(c.ID(), "queue: skipped %s: the name %s here", rp, why)
			continue
		}
		switch e.Type {
		case transfer.Folder:
			if jobs, err = q.walkRemote(ctx, c, rp, root, lp, jobs, depth+1); err != nil {
				return jobs, err
			}
		default:
			if _, err := safeRel(root, lp); err != nil {
				return jobs, fmt.Errorf("queue download: %w", err)
			}
			jobs = append(jobs, Job{Dir: Download, Remote: rp, Local: lp, LocalRoot: root, Size: e.Size, MTime: e.Time})
		}
	}
	return jobs, nil
}

// AddUpload queues local (a file, or a folder walked recursively without
// following symlinks) for upload into remoteDir, creating the remote
// folders with c.MakeDir. Symlinks and special files are skipped with a
// note in the protocol log. It returns the number of jobs added.
func (q *Queue) AddUpload(ctx context.Context, c *transfer.Conn, local string, remoteDir string) (int, error) {
	src, err := filepath.Abs(local)
	if err != nil {
		return 0, fmt.Errorf("queue upload: %w", err)
	}
	return q.AddUploadTo(ctx, c, src, path.Join(remoteDir, filepath.Base(src)))
}

// AddUploadTo is AddUpload under a remote name of the caller's choice:
// remote is the target file (or, for a local folder, the remote folder
// that receives its contents).
func (q *Queue) AddUploadTo(ctx context.Context, c *transfer.Conn, local string, remote string) (int, error) {
	src, err := filepath.Abs(local)
	if err != nil {
		return 0, fmt.Errorf("queue upload: %w", err)
	}
	fi, err := os.Lstat(src)
	if err != nil {
		return 0, fmt.Errorf("queue upload: %w", err)
	}
	top := remote
	var jobs []Job
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return 0, fmt.Errorf("queue upload: %s is a symlink (not followed)", src)
	case fi.Mode().IsRegular():
		jobs = append(jobs, Job{Dir: Upload, Remote: top, Local: src, LocalRoot: filepath.Dir(src), Size: fi.Size()})
	case fi.IsDir():
		folders := map[string]remoteFolder{} // what each remote folder held, by path
		err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			rel, err := filepath.Rel(src, p)
			if err != nil {
				return err
			}
			rp := top
			if rel != "." {
				rp = path.Join(top, filepath.ToSlash(rel))
			}
			switch {
			case d.Type()&fs.ModeSymlink != 0:
				q.sess.Log().Notef(c.ID(), "queue: skipped symlink %s (links are not followed)", p)
			case d.IsDir():
				if folders[rp], err = makeRemoteDir(ctx, c, rp); err != nil {
					return err
				}
			case d.Type().IsRegular():
				info, err := d.Info()
				if err != nil {
					return err
				}
				jobs = append(jobs, Job{Dir: Upload, Remote: rp, Local: p, LocalRoot: src, Size: info.Size(),
					seen: folders[path.Dir(rp)].seen(path.Base(rp))})
			default:
				q.sess.Log().Notef(c.ID(), "queue: skipped %s: not a regular file", p)
			}
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("queue upload: %w", err)
		}
	default:
		return 0, fmt.Errorf("queue upload: %s is not a regular file or folder", src)
	}
	return q.addIn(ctx, jobs)
}

// remoteFolder is what a remote folder held when its uploads were
// queued: nil when not known, empty when the folder was just created.
type remoteFolder map[string]transfer.Entry

// seen returns what the folder showed of name and of its temporary
// name, for the upload's first attempt; nil when not known (then SIZE
// asks).
func (f remoteFolder) seen(name string) *remoteSeen {
	if f == nil {
		return nil
	}
	s := &remoteSeen{final: -1, temp: -1}
	for _, c := range []struct {
		name string
		size *int64
	}{{name, &s.final}, {tempName(name, partSuffix), &s.temp}} {
		e, ok := f[c.name]
		switch {
		case !ok:
		case e.Type != transfer.File:
			return nil // a folder or a link: let SIZE say what it is
		default:
			*c.size = e.Size
		}
	}
	return s
}

// makeRemoteDir creates dir on the server (and the folders above it that
// are missing) and returns what it holds: an empty folder when it was
// made; when the folder was already there (MKD refused, and the parent's
// listing shows it as a folder), its listing, or nil if that cannot be
// had. Knowing this, a folder's uploads
// need not ask SIZE of their names and temporary names one by one.
func makeRemoteDir(ctx context.Context, c *transfer.Conn, dir string) (remoteFolder, error) {
	err := c.MakeDir(ctx, dir)
	if err == nil {
		return remoteFolder{}, nil
	}
	var re *transfer.ReplyError
	if !errors.As(err, &re) || re.Code < 500 {
		return nil, err
	}
	parent, name := path.Split(path.Clean(dir))
	if parent == "" {
		parent = "."
	}
	entries, lerr := c.List(ctx, parent, true)
	if lerr != nil {
		// The folder above is not there (an upload into a new path):
		// it is made, with what is missing above it, as mkdir -p, and
		// then dir.
		if _, err := c.MakeDirAll(ctx, parent); err != nil {
			return nil, err
		}
		if err := c.MakeDir(ctx, dir); err != nil {
			return nil, err
		}
		return remoteFolder{}, nil
	}
	for _, e := range entries {
		if e.Name == name && e.Type == transfer.Folder {
			return listFolder(ctx, c, dir), nil
		}
	}
	return nil, err
}

// listFolder returns dir's entries by name, or nil when it cannot be
// listed.
func listFolder(ctx context.Context, c *transfer.Conn, dir string) remoteFolder {
	entries, err := c.List(ctx, dir, true)
	if err != nil {
		return nil
	}
	f := make(remoteFolder, len(entries))
	for _, e := range entries {
		f[e.Name] = e
	}
	return f
}
