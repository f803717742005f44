package cli

import (
	"crypto/md5"  //nolint:gosec // the server's choice of hash, compared, not trusted for security
	"crypto/sha1" //nolint:gosec // likewise
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path"
	"strings"

	"ftpdeck/transfer/mirror"
	"ftpdeck/transfer/wire"
)

// hashCommand is one way a server offers file hashes.
type hashCommand struct {
	verb string           // XSHA256, XSHA1, XMD5, XCRC, or HASH
	new  func() hash.Hash // the same hash, computed here
}

// hashCommands in order of preference: the strongest first.
var hashCommands = []hashCommand{
	{"XSHA256", sha256.New},
	{"XSHA1", sha1.New},
	{"XMD5", md5.New},
	{"XCRC", func() hash.Hash { return crc32.NewIEEE() }},
}

// hashAlgos are the algorithms of the HASH command (draft-bryan-ftpext-hash)
// ftpdeck can compute, by the names FEAT gives them.
var hashAlgos = map[string]func() hash.Hash{
	"SHA-256": sha256.New, "SHA-1": sha1.New, "MD5": md5.New, "CRC32": func() hash.Hash { return crc32.NewIEEE() },
}

// pickHash reads a FEAT reply and returns the hash command to use, or
// ok=false when the server offers none ftpdeck can compute. HASH counts
// only with its current algorithm (the one FEAT marks with "*"), since
// choosing another takes OPTS HASH.
func pickHash(feat []string) (hashCommand, bool) {
	have := map[string]bool{}
	var hashCur string
	for _, l := range feat {
		f := strings.Fields(strings.TrimSpace(strings.TrimPrefix(l, "211-")))
		if len(f) == 0 {
			continue
		}
		verb := strings.ToUpper(f[0])
		have[verb] = true
		if verb == "HASH" && len(f) > 1 {
			for _, a := range strings.Split(f[1], ";") {
				if strings.HasSuffix(a, "*") {
					hashCur = strings.ToUpper(strings.TrimSuffix(a, "*"))
				}
			}
		}
	}
	for _, hc := range hashCommands {
		if have[hc.verb] {
			return hc, true
		}
	}
	if newHash, ok := hashAlgos[hashCur]; ok && have["HASH"] {
		return hashCommand{"HASH", newHash}, true
	}
	return hashCommand{}, false
}

// parseHashReply takes the hex digest out of a hash command's reply: "213
// HEX" for the X commands (proftpd answers "250-Computing…" then "250
// HEX"), "213 ALGO RANGE HEX NAME" for HASH. size is the digest's length
// in bytes.
func parseHashReply(verb string, r wire.Reply, size int) (string, error) {
	if r.Class() != 2 || len(r.Lines) == 0 {
		return "", fmt.Errorf("%s: server replied %d %s", verb, r.Code, wire.Escape(r.Text()))
	}
	last := r.Lines[len(r.Lines)-1]
	if len(last) > 4 {
		last = last[4:]
	}
	f := strings.Fields(last)
	if verb == "HASH" {
		if len(f) > 2 {
			f = f[2:3]
		} else {
			f = nil
		}
	}
	for _, w := range f {
		if len(w) == 2*size {
			if _, err := hex.DecodeString(w); err == nil {
				return strings.ToLower(w), nil
			}
		}
	}
	return "", fmt.Errorf("%s: no %d-byte digest in the reply %q", verb, size, wire.Escape(r.Text()))
}

// checksums turns files the plan leaves unchanged into changed ones when
// the server's hash differs from the local file's. Without a hash command
// it says so and the plan stays as size and time made it.
func (m *mirrorRun) checksums(plan *mirror.Plan) error {
	feat, err := m.c.Quote(m.ctx, "FEAT")
	if err != nil {
		return err
	}
	hc, ok := pickHash(feat.Lines)
	if !ok {
		fmt.Fprintf(m.env.Stderr, "ftpdeck: mirror --checksum: the server offers no hash command (HASH, XSHA256, XSHA1, XMD5, XCRC); comparing by size and time\n")
		return nil
	}
	for i, a := range plan.Actions {
		if a.Op != mirror.Unchanged {
			continue
		}
		r, err := m.c.Quote(m.ctx, hc.verb+" "+path.Join(m.top, a.Rel))
		if err != nil {
			return err
		}
		remote, err := parseHashReply(hc.verb, r, hc.new().Size())
		if err != nil {
			return fmt.Errorf("checksum of %s: %w", path.Join(m.top, a.Rel), err)
		}
		local, err := fileHash(m.localPath(a.Rel), hc.new())
		if err != nil {
			return err
		}
		if local != remote {
			plan.Actions[i].Op, plan.Actions[i].Reason = mirror.Changed, hc.verb+" differs"
			plan.Count[mirror.Unchanged]--
			plan.Count[mirror.Changed]++
			plan.Bytes += a.Size
		}
	}
	return nil
}

// fileHash returns the hex digest of a local file.
func fileHash(p string, h hash.Hash) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
