package queue

import (
	"fmt"
	"path/filepath"
	"time"
)

// File is one file of a bulk add: its remote path, local path and size
// (-1 when unknown).
type File struct {
	Remote, Local string
	Size          int64
	// MTime is the remote file's time from the listing, for a download
	// (zero: MDTM asks).
	MTime time.Time
}

// AddDownloads queues files whose list the caller already made (a mirror's
// plan), for download under the local folder root, which must exist: every
// Local must stay inside it, and no folder between may be a symlink (the
// same checks as AddDownload, per job). Nothing is listed or asked of the
// server. decided, when not Ask, is the answer already given for a target
// that exists (a mirror's plan chose to overwrite). It returns the number
// of jobs added.
func (q *Queue) AddDownloads(root string, files []File, decided Policy) (int, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return 0, fmt.Errorf("queue download: %w", err)
	}
	jobs := make([]Job, 0, len(files))
	for _, f := range files {
		if _, err := safeRel(root, f.Local); err != nil {
			return 0, fmt.Errorf("queue download: %w", err)
		}
		jobs = append(jobs, Job{Dir: Download, Remote: f.Remote, Local: f.Local, LocalRoot: root, Size: f.Size, MTime: f.MTime, Resolved: decided})
	}
	return q.add(jobs)
}

// AddUploads queues local files under the folder root, whose list the
// caller already made, for upload to their remote paths (whose folders
// must exist), with decided as for AddDownloads. It returns the number of
// jobs added.
func (q *Queue) AddUploads(root string, files []File, decided Policy) (int, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return 0, fmt.Errorf("queue upload: %w", err)
	}
	jobs := make([]Job, 0, len(files))
	for _, f := range files {
		jobs = append(jobs, Job{Dir: Upload, Remote: f.Remote, Local: f.Local, LocalRoot: root, Size: f.Size, Resolved: decided})
	}
	return q.add(jobs)
}
