package ctl

// Commands sent early (a pipelined login). jlaffaye/ftp logs in one
// command at a time: USER, PASS, FEAT, TYPE I, each a round trip, five
// with the greeting before a connection can move a byte; on a server
// 80 ms away that is most of half a second, paid again by every extra
// connection of a folder or a segmented download. SendEarly writes such
// commands in one go, before the library asks for them. When the library
// then writes the same line, nothing is sent and it reads the reply the
// server already gave (replies come in the order of the commands). When
// it writes anything else (USER answered 230: no PASS; FEAT named UTF8:
// OPTS UTF8 ON before TYPE I), the replies still due to the early lines
// are read and dropped first, so the connection stays in step. lftp does
// the same with ftp:sync-mode off.

// SendEarly sends lines now, in one write, for the library to ask for
// later (see above). The log shows them as sent now.
func (c *Conn) SendEarly(lines ...string) error {
	cmds := make([]command, len(lines))
	for i, l := range lines {
		cmds[i] = command{l, "sent early: pipelined with the login"}
	}
	if err := c.send(cmds...); err != nil {
		return err
	}
	c.early = append(c.early, lines...)
	c.earlyMark = c.replies
	return nil
}

// EarlyAnswered reports whether the server has answered anything since
// SendEarly: a server that answers the first of the early lines and then
// nothing has lost the rest; one that answers none is silent altogether.
func (c *Conn) EarlyAnswered() bool { return c.replies > c.earlyMark }

// takeEarly is called with each line the library writes: it reports
// whether the line was sent early (the library reads its reply next). A
// line that was not has the early lines' replies read and dropped first.
func (c *Conn) takeEarly(line string) (bool, error) {
	if len(c.early) == 0 {
		return false, nil
	}
	if line == c.early[0] {
		c.early = c.early[1:]
		c.lastVerb = VerbOf(line)
		return true, nil
	}
	return false, c.dropEarly()
}

// dropEarly reads and drops the replies still due to early lines.
func (c *Conn) dropEarly() error {
	for len(c.early) > 0 {
		c.early = c.early[1:]
		if _, err := c.ReadReply(func(string) string { return "sent early, not needed: reply dropped" }); err != nil {
			c.early = nil
			return err
		}
	}
	return nil
}
