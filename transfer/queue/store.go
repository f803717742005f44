package queue

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
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
	Pos int64 `json:"pos"`
	// Added is when the job was queued (Unix nanoseconds): on load, a
	// target written since then with the job's full size is the job's
	// own finished file, whose "done" a crash lost.
	Added int64 `json:"added"`
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
	db, err := bolt.Open(p, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
	if errors.Is(err, bolt.ErrTimeout) {
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
			var r record
			if len(k) != 8 || json.Unmarshal(v, &r) != nil || r.ID != int64(binary.BigEndian.Uint64(k)) {
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
		var key [8]byte // Put copies the key; the value must stay as it is until the commit
		for i := range recs {
			binary.BigEndian.PutUint64(key[:], uint64(recs[i].ID))
			v, err := json.Marshal(&recs[i])
			if err != nil {
				return err
			}
			if err := b.Put(key[:], v); err != nil {
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
