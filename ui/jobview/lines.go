package jobview

import (
	"strconv"
	"strings"

	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
)

// preludeVerbs are the commands that prepare a transfer on a worker's
// connection (its login when it is new, the type, the data connection,
// the offset): they belong to the transfer that follows them.
var preludeVerbs = map[string]bool{
	"USER": true, "PASS": true, "ACCT": true, "AUTH": true, "PBSZ": true, "PROT": true,
	"FEAT": true, "OPTS": true, "SYST": true, "PWD": true, "CWD": true, "TYPE": true,
	"MODE": true, "STRU": true, "NOOP": true, "CLNT": true, "HOST": true,
	"EPSV": true, "PASV": true, "EPRT": true, "PORT": true, "REST": true,
}

// Lines returns the protocol lines of job j's transfers, oldest first, out
// of events (the log's ring, oldest first). A connection counts as the
// job's when it carried a command naming j's remote path (SIZE, RETR,
// STOR, …) or a queue note naming the job ("queue: job 7 …"). On such a
// connection the lines are grouped into exchanges (a command with the
// replies and notes after it); the job's are the exchanges naming it and,
// before each, the exchanges that prepared it (login, TYPE, EPSV/PASV,
// EPRT/PORT, REST) back to the previous transfer. Notes of the session
// (connection 0) that name the job are kept on their own. Lines the log
// no longer holds are not found: the result may be empty.
func Lines(events []transfer.Event, j queue.Job) []transfer.Event {
	note := "queue: job " + strconv.FormatInt(j.ID, 10)
	names := func(e transfer.Event) bool {
		switch e.Dir {
		case transfer.Note:
			rest, ok := strings.CutPrefix(e.Note, note)
			return ok && (rest == "" || rest[0] == ' ' || rest[0] == ':')
		case transfer.Sent:
			_, arg, _ := strings.Cut(e.Text, " ")
			return arg == j.Remote && j.Remote != ""
		case transfer.Received:
		}
		return false
	}
	conns := map[int]bool{}
	for _, e := range events {
		if names(e) {
			conns[e.Conn] = true
		}
	}
	if len(conns) == 0 {
		return nil
	}
	keep := make([]bool, len(events))
	byConn := map[int][]int{}
	for i, e := range events {
		if !conns[e.Conn] {
			continue
		}
		if e.Conn == 0 {
			keep[i] = names(e)
			continue
		}
		byConn[e.Conn] = append(byConn[e.Conn], i)
	}
	for _, idx := range byConn {
		markExchanges(events, idx, names, keep)
	}
	var out []transfer.Event
	for i, k := range keep {
		if k {
			out = append(out, events[i])
		}
	}
	return out
}

// exchange is a run of one connection's events: a command (or the lines
// before the first one) with what followed it.
type exchange struct {
	from, to int // positions in the connection's index list, to exclusive
	verb     string
	named    bool
}

// markExchanges sets keep for the job's exchanges among idx (one
// connection's events, in order).
func markExchanges(events []transfer.Event, idx []int, names func(transfer.Event) bool, keep []bool) {
	var xs []exchange
	for p, i := range idx {
		e := events[i]
		if e.Dir == transfer.Sent || len(xs) == 0 {
			verb := ""
			if e.Dir == transfer.Sent {
				verb, _, _ = strings.Cut(e.Text, " ")
				verb = strings.ToUpper(verb)
			}
			xs = append(xs, exchange{from: p, verb: verb})
		}
		x := &xs[len(xs)-1]
		x.to = p + 1
		x.named = x.named || names(e)
	}
	take := make([]bool, len(xs))
	for k, x := range xs {
		if !x.named {
			continue
		}
		take[k] = true
		for b := k - 1; b >= 0 && !take[b] && !xs[b].named && (xs[b].verb == "" || preludeVerbs[xs[b].verb]); b-- {
			take[b] = true
		}
	}
	for k, x := range xs {
		if take[k] {
			for p := x.from; p < x.to; p++ {
				keep[idx[p]] = true
			}
		}
	}
}
