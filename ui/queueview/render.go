package queueview

import (
	"fmt"
	"math"
	"path"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"ftpdeck/transfer/queue"
	"ftpdeck/transfer/wire"
	"ftpdeck/ui/internal/cells"
)

// Column widths of a row: "↓ name  done/total [bar] pct speed eta state".
const (
	sizeW  = 17 // "1023 MiB/1023 MiB"
	pctW   = 4  // "100%"
	speedW = 10 // "1023 KiB/s"
	etaW   = 6  // "59m59s"
)

// View renders the title and the visible jobs, exactly width×height.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.styles.Title
	if m.focused {
		st = m.styles.TitleFocused
	}
	out := make([]string, 0, m.height)
	out = append(out, st.Render(cells.Fit(m.title(), m.width)))
	if len(m.order) == 0 && m.height > 1 {
		out = append(out, m.styles.Dim.Render(cells.Fit("  "+m.note, m.width)))
	}
	end := min(m.offset+m.height-len(out), len(m.order))
	nameW := 0
	for k := m.offset; k < end; k++ {
		nameW = max(nameW, ansi.StringWidth(wire.Escape(jobName(m.sum.Jobs[m.order[k]]))))
	}
	for k := m.offset; k < end; k++ {
		out = append(out, m.row(k, nameW))
	}
	for len(out) < m.height {
		out = append(out, strings.Repeat(" ", m.width))
	}
	return strings.Join(out, "\n")
}

// title is the header: the whole queue's %, files, bytes, speed and ETA,
// then the counts that want attention.
func (m Model) title() string {
	p := m.prog
	if len(m.sum.Jobs) == 0 {
		return " Queue  0 running · 0 queued · 0 done"
	}
	if p.FilesTotal == 0 { // only skipped or canceled jobs
		return " Queue  " + strings.Join(m.counts(), " · ")
	}
	parts := []string{fmt.Sprintf(" Queue  %d%%", percent(p.Percent())),
		fmt.Sprintf("%d/%d files", p.FilesDone, p.FilesTotal),
		Size(p.BytesDone) + "/" + Size(p.BytesTotal)}
	if r := Rate(p.Speed); r != "" {
		parts = append(parts, r)
	}
	if e := p.ETA(); e != "" {
		parts = append(parts, "ETA "+e)
	}
	parts = append(parts, m.counts()...)
	if m.sum.SaveErr != "" {
		parts = append(parts, "not saved: "+m.sum.SaveErr)
	}
	return strings.Join(parts, " · ")
}

func (m Model) counts() []string {
	p, s := m.prog, m.sum
	var out []string
	add := func(n int, what string) {
		if n > 0 {
			out = append(out, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(p.Failed, "failed")
	add(p.Running, "running")
	add(p.Queued, "queued")
	add(p.Paused, "paused")
	add(s.Skipped, "skipped")
	add(s.Canceled, "canceled")
	return out
}

// StatusText is the queue's progress in one short line for the root's
// status bar: "2 running · 1990 queued · 12% · 14.7 MiB/s · ETA 1m52s ·
// 1 failed".
func (m Model) StatusText() string {
	p := m.prog
	parts := []string{fmt.Sprintf("%d running · %d queued", p.Running, p.Queued)}
	if p.Running+p.Queued > 0 {
		parts = append(parts, fmt.Sprintf("%d%%", percent(p.Percent())))
		if r := Rate(p.Speed); r != "" {
			parts = append(parts, r)
		}
		if e := p.ETA(); e != "" {
			parts = append(parts, "ETA "+e)
		}
	}
	if p.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", p.Failed))
	}
	if p.Paused > 0 {
		parts = append(parts, fmt.Sprintf("%d paused", p.Paused))
	}
	return strings.Join(parts, " · ")
}

// barWidth is the progress bar's width at the pane's width (none when
// narrow: the numbers matter more).
func (m Model) barWidth() int {
	if m.width < 100 {
		return 0
	}
	return min(20, m.width/8)
}

// jobName is the name a row shows: the file's base name.
func jobName(j *queue.Job) string {
	if j.Dir == queue.Upload {
		return filepath.Base(j.Local)
	}
	return path.Base(j.Remote)
}

// row renders the job on display row k; the names of the rows shown are
// at most longest cells wide, and the state column takes what they leave.
func (m Model) row(k, longest int) string {
	j := m.sum.Jobs[m.order[k]]
	arrow, name := "↓", jobName(j)
	if j.Dir == queue.Upload {
		arrow = "↑"
	}
	sizes := Size(j.Size)
	if j.Done > 0 && j.State != queue.Done && j.Done != j.Size {
		sizes = Size(j.Done) + "/" + sizes
	}
	pct := 0.0
	switch {
	case j.Size > 0:
		pct = min(float64(j.Done)/float64(j.Size), 1)
	case j.State == queue.Done:
		pct = 1
	}
	speed, left := "", ""
	if j.State == queue.Running {
		r := m.JobSpeed(j.ID)
		speed, left = Rate(r), eta(j.Size-j.Done, r)
	}
	barW := m.barWidth()
	narrow := m.width < 80 // speed and ETA only in the header
	fixed := 2 + 1 + sizeW + 1 + pctW + 1
	if !narrow {
		fixed += speedW + 1 + etaW + 1
	}
	if barW > 0 {
		fixed += barW + 1
	}
	stateW := min(max(m.width/5, 12), 40)
	nameW := min(max(m.width-fixed-stateW, 6), max(longest, 6))

	var b strings.Builder
	b.WriteString(arrow + " " + cells.Fit(wire.Escape(name), nameW) + " " + fmt.Sprintf("%*s", sizeW, sizes) + " ")
	if barW > 0 {
		bar := m.bar
		bar.Width = barW
		b.WriteString(bar.ViewAs(pct) + " ")
	}
	fmt.Fprintf(&b, "%*d%% ", pctW-1, percent(pct))
	if !narrow {
		fmt.Fprintf(&b, "%*s %*s ", speedW, speed, etaW, left)
	}
	line := b.String()
	line += m.stateStyle(j.State).Render(cells.Fit(stateText(j), max(m.width-ansi.StringWidth(line), 1)))
	if k == m.cursor && m.focused {
		return m.styles.Cursor.Render(ansi.Strip(cells.Fit(line, m.width)))
	}
	return cells.Fit(line, m.width)
}

// stateText is the row's last column: the state, a pinned mode, and for
// a failed or retrying job the start of its error (enter shows it whole),
// else the job's note (what the queue did on its behalf).
func stateText(j *queue.Job) string {
	s := j.State.String()
	if j.Mode != "" {
		s += " (" + j.Mode + ")"
	}
	if j.ASCII() {
		s += " [ascii]" // TYPE A: line ends converted
	}
	if j.Err != "" && (j.State == queue.Failed || j.State == queue.Queued) {
		s += ": " + wire.Escape(j.Err)
	} else if j.Note != "" {
		s += ": " + wire.Escape(j.Note) // a fallback, a resume, already complete
	}
	return s
}

func (m Model) stateStyle(s queue.State) lipgloss.Style {
	switch s {
	case queue.Running:
		return m.styles.Running
	case queue.Done:
		return m.styles.Done
	case queue.Failed:
		return m.styles.Failed
	case queue.Paused:
		return m.styles.Paused
	case queue.Queued, queue.Skipped, queue.Canceled:
	}
	return m.styles.Dim
}

// percent is f (0..1) in whole percent, rounded down: 100% only when
// all is done.
func percent(f float64) int { return int(math.Floor(f * 100)) }
