package queue

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// storeName is the queue's store in the state folder: a bbolt file with
// one record per job, keyed by the job's id.
const storeName = "queue.db"

// storeVersion is the format of the records in queue.db.
const storeVersion = 1

var (
	bucketJobs = []byte("jobs")
	bucketMeta = []byte("meta")
	keyVersion = []byte("version")
	keyNextID  = []byte("next_id")
)

// record is one job as the store keeps it: the Job, its place in the
// queue and when it was queued.
type record struct {
	Job
	// Pos orders the queue: jobs are loaded in ascending Pos (MoveUp and
	// MoveDown swap two).
	Pos int64
	// Added is when the job was queued (Unix nanoseconds): on load, a
	// target written since then with the job's full size is the job's
	// own finished file, whose "done" a crash lost.
	Added int64
}

// recordFormat is the first byte of an encoded record; recordFormatTail
// marks one that ends with the type and time (see appendRecord).
const (
	recordFormat     = 1
	recordFormatTail = 2
)

// appendRecord appends r's encoding to b: a format byte, the small
// fields, varints, then the strings each with its length. The id is the
// record's key. About 150 bytes for a job of a folder of small files,
// where JSON took 400.
func appendRecord(b []byte, r *record) []byte {
	tail := r.Type != "" || !r.MTime.IsZero()
	format := byte(recordFormat)
	if tail {
		format = recordFormatTail
	}
	b = append(b, format, byte(r.Dir), byte(r.State), byte(r.Resolved), byte(b2i(r.NoRest)))
	b = binary.AppendVarint(b, r.Size)
	b = binary.AppendVarint(b, r.Done)
	b = binary.AppendVarint(b, int64(r.Attempts))
	b = binary.AppendVarint(b, r.Pos)
	b = binary.AppendVarint(b, r.Added)
	b = binary.AppendVarint(b, r.Batch)
	for _, s := range [...]string{r.Remote, r.Local, r.LocalRoot, r.Err, r.ErrMode, r.Mode, r.Note} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	// The tail, only for a job that has them (a record without it stays
	// format 1): the transfer type, and the source's time in Unix
	// nanoseconds (0: none).
	if tail {
		b = binary.AppendUvarint(b, uint64(len(r.Type)))
		b = append(b, r.Type...)
		var t int64
		if !r.MTime.IsZero() {
			t = r.MTime.UnixNano()
		}
		b = binary.AppendVarint(b, t)
	}
	return b
}

var errBadRecord = errors.New("bad record")

// decodeRecord reads a record appendRecord wrote, its id from the key.
func decodeRecord(id int64, b []byte) (record, error) {
	r := record{Job: Job{ID: id}}
	if len(b) < 5 || (b[0] != recordFormat && b[0] != recordFormatTail) || b[1] > byte(Upload) || int(b[2]) >= len(stateNames) ||
		int(b[3]) >= len(policyNames) || b[4] > 1 {
		return r, errBadRecord
	}
	r.Dir, r.State, r.Resolved, r.NoRest = Direction(b[1]), State(b[2]), Policy(b[3]), b[4] == 1
	tail := b[0] == recordFormatTail
	b = b[5:]
	for _, p := range [...]*int64{&r.Size, &r.Done, nil, &r.Pos, &r.Added, &r.Batch} {
		v, n := binary.Varint(b)
		if n <= 0 {
			return r, errBadRecord
		}
		b = b[n:]
		if p == nil {
			r.Attempts = int(v)
		} else {
			*p = v
		}
	}
	for _, p := range [...]*string{&r.Remote, &r.Local, &r.LocalRoot, &r.Err, &r.ErrMode, &r.Mode, &r.Note} {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return r, errBadRecord
		}
		*p = string(b[n : n+int(l)])
		b = b[n+int(l):]
	}
	if tail {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return r, errBadRecord
		}
		r.Type = string(b[n : n+int(l)])
		b = b[n+int(l):]
		t, n := binary.Varint(b)
		if n <= 0 {
			return r, errBadRecord
		}
		b = b[n:]
		if t != 0 {
			r.MTime = time.Unix(0, t).UTC()
		}
		if r.Type == "" && r.MTime.IsZero() {
			return r, errBadRecord // written without a tail
		}
	}
	if len(b) != 0 {
		return r, errBadRecord
	}
	return r, nil
}

// store is the queue's persistent state. Each write is one bbolt
// transaction holding only the records that changed, so its cost grows
// with the change, not with the queue. It is used by one goroutine at a
// time (load, then the saver).
type store struct {
	db      *bolt.DB
	path    string
	commits atomic.Int64 // write transactions committed
}

// openStore opens (creating) queue.db in dir. A store that another
// process holds is an error after a second, not a wait.
func openStore(dir string) (*store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("queue store: %w", err)
	}
	p := filepath.Join(dir, storeName)
	// A large first mapping (address space, not memory) spares the
	// remaps, each of which copies every node, while a big queue is
	// written.
	db, err := bolt.Open(p, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType, InitialMmapSize: 256 << 20})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("queue store %s is in use by another ftpdeck (one state folder per running ftpdeck; see --state)", p)
	}
	if err != nil {
		return nil, fmt.Errorf("queue store %s: %w", p, err)
	}
	s := &store{db: db, path: p}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(bucketJobs); err != nil {
			return err
		}
		switch v := meta.Get(keyVersion); {
		case v == nil:
			return meta.Put(keyVersion, u64(storeVersion))
		case len(v) != 8 || binary.BigEndian.Uint64(v) != storeVersion:
			return fmt.Errorf("format %x, want %d (written by a newer ftpdeck?)", v, storeVersion)
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("queue store %s: %w", p, err)
	}
	return s, nil
}

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// read returns every record in key order and the next id recorded. A
// record that cannot be read is returned in bad (by key) and left out.
func (s *store) read() (recs []record, nextID int64, bad [][]byte, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyNextID); len(v) == 8 {
			nextID = int64(binary.BigEndian.Uint64(v))
		}
		b := tx.Bucket(bucketJobs)
		recs = make([]record, 0, b.Stats().KeyN)
		return b.ForEach(func(k, v []byte) error {
			if len(k) != 8 {
				bad = append(bad, append([]byte(nil), k...))
				return nil
			}
			r, err := decodeRecord(int64(binary.BigEndian.Uint64(k)), v)
			if err != nil {
				bad = append(bad, append([]byte(nil), k...))
				return nil
			}
			recs = append(recs, r)
			return nil
		})
	})
	if err != nil {
		err = fmt.Errorf("read queue store %s: %w", s.path, err)
	}
	return recs, nextID, bad, err
}

// write puts recs, deletes the jobs with ids in del (and the raw keys in
// delKeys) and records nextID, in one transaction: one commit, synced.
func (s *store) write(recs []record, del []int64, delKeys [][]byte, nextID int64) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJobs)
		// New jobs come with ever larger ids: fill pages (bbolt's
		// default of half-full pages suits random inserts).
		b.FillPercent = 0.95
		var key [8]byte // Put copies the key; a value must stay as it is until the commit
		var buf []byte
		for i := range recs {
			binary.BigEndian.PutUint64(key[:], uint64(recs[i].ID))
			if cap(buf)-len(buf) < 512 {
				buf = make([]byte, 0, 64<<10)
			}
			n := len(buf)
			buf = appendRecord(buf, &recs[i])
			if err := b.Put(key[:], buf[n:len(buf):len(buf)]); err != nil {
				return err
			}
		}
		for _, id := range del {
			binary.BigEndian.PutUint64(key[:], uint64(id))
			if err := b.Delete(key[:]); err != nil {
				return err
			}
		}
		for _, k := range delKeys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keyNextID, u64(uint64(nextID)))
	})
	if err != nil {
		return fmt.Errorf("save queue %s: %w", s.path, err)
	}
	s.commits.Add(1)
	return nil
}

// close closes the store's file.
func (s *store) close() error { return s.db.Close() }
