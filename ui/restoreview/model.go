// Package restoreview is the prompt shown at start when the queue comes
// back with unfinished jobs from last time: "N jobs (X left) from last
// time: resume / keep paused / clear". It says what each answer does and
// sends ChoiceMsg; the root runs the answer on the queue.
package restoreview

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"ftpdeck/transfer/queue"
	"ftpdeck/ui/internal/cells"
	"ftpdeck/ui/internal/palette"
	"ftpdeck/ui/queueview"
)

// Choice is the user's answer.
type Choice int

// The three answers.
const (
	Resume     Choice = iota // the jobs run again, from where they stopped
	KeepPaused               // they stay in the queue, paused (space or P resumes)
	Clear                    // they leave the queue; partial downloads stay on disk
)

// String returns the answer as the prompt words it.
func (c Choice) String() string {
	switch c {
	case KeepPaused:
		return "keep paused"
	case Clear:
		return "clear"
	case Resume:
	}
	return "resume"
}

// ChoiceMsg carries the answer.
type ChoiceMsg struct{ Choice Choice }

// Offer is what came back: the unfinished jobs of last time.
type Offer struct {
	Jobs    int   // unfinished jobs
	Started int   // of them, stopped part way
	Left    int64 // bytes still to move (sizes known)
	Failed  int   // failed jobs also kept (they are not resumed)
}

// OfferOf counts the unfinished (queued, running or paused) jobs of jobs.
func OfferOf(jobs []queue.Job) Offer {
	var o Offer
	for _, j := range jobs {
		switch j.State {
		case queue.Queued, queue.Running, queue.Paused:
			o.Jobs++
			if j.Done > 0 {
				o.Started++
			}
			if j.Size > j.Done {
				o.Left += j.Size - j.Done
			}
		case queue.Failed:
			o.Failed++
		case queue.Done, queue.Skipped, queue.Canceled:
		}
	}
	return o
}

// KeyMap is the prompt's bindings.
type KeyMap struct {
	Resume, Keep, Clear, Next, Prev, Confirm, Cancel key.Binding
}

// DefaultKeyMap returns the prompt's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Resume:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "resume")),
		Keep:    key.NewBinding(key.WithKeys("k", "p"), key.WithHelp("k", "keep paused")),
		Clear:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "clear")),
		Next:    key.NewBinding(key.WithKeys("right", "tab", "l"), key.WithHelp("→", "next")),
		Prev:    key.NewBinding(key.WithKeys("left", "shift+tab", "h"), key.WithHelp("←", "previous")),
		Confirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "keep paused")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Resume, k.Keep, k.Clear, k.Confirm, k.Cancel}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Resume, k.Keep, k.Clear}, {k.Next, k.Prev, k.Confirm, k.Cancel}}
}

// Styles is how the prompt looks.
type Styles struct {
	Box, Title, Text, Option, Selected, Dim lipgloss.Style
}

// DefaultStyles returns the prompt's default styles.
func DefaultStyles() Styles {
	return Styles{
		Box:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(palette.Accent).Padding(0, 1),
		Title:    lipgloss.NewStyle().Bold(true).Foreground(palette.Accent),
		Text:     lipgloss.NewStyle(),
		Option:   lipgloss.NewStyle(),
		Selected: lipgloss.NewStyle().Reverse(true).Bold(true),
		Dim:      lipgloss.NewStyle().Faint(true),
	}
}

// Model is the restore prompt.
type Model struct {
	keys    KeyMap
	styles  Styles
	offer   Offer
	sel     Choice
	width   int
	height  int
	decided bool
}

// New returns the prompt for o; resume is selected.
func New(o Offer) Model {
	return Model{keys: DefaultKeyMap(), styles: DefaultStyles(), offer: o, sel: Resume}
}

// SetStyles replaces the styles.
func (m *Model) SetStyles(s Styles) { m.styles = s }

// SetSize sets the area the prompt is centred in.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// KeyMap returns the bindings (for help).
func (m Model) KeyMap() KeyMap { return m.keys }

// Done reports that the prompt has its answer.
func (m Model) Done() bool { return m.decided }

// Selected returns the highlighted answer.
func (m Model) Selected() Choice { return m.sel }

// Offer returns what the prompt offers.
func (m Model) Offer() Offer { return m.offer }

// Update takes the answer: r, k or c at once; ←/→ and enter; esc keeps
// the jobs paused (nothing changes). One answer only: later keys are
// ignored.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || m.decided || k.Paste {
		return m, nil
	}
	if k.Type == tea.KeyRunes && len(k.Runes) > 1 {
		k.Runes = k.Runes[:1] // one answer: the first key decides
	}
	choose := func(c Choice) (Model, tea.Cmd) {
		m.sel, m.decided = c, true
		return m, func() tea.Msg { return ChoiceMsg{Choice: c} }
	}
	switch {
	case key.Matches(k, m.keys.Resume):
		return choose(Resume)
	case key.Matches(k, m.keys.Keep), key.Matches(k, m.keys.Cancel):
		return choose(KeepPaused)
	case key.Matches(k, m.keys.Clear):
		return choose(Clear)
	case key.Matches(k, m.keys.Confirm):
		return choose(m.sel)
	case key.Matches(k, m.keys.Next):
		m.sel = (m.sel + 1) % 3
	case key.Matches(k, m.keys.Prev):
		m.sel = (m.sel + 2) % 3
	}
	return m, nil
}

// Question is the prompt's first line: "12 jobs (1.2 GiB left) from last
// time".
func (o Offer) Question() string {
	jobs := "1 job"
	if o.Jobs != 1 {
		jobs = fmt.Sprintf("%d jobs", o.Jobs)
	}
	return fmt.Sprintf("%s (%s left) from last time", jobs, queueview.Size(o.Left))
}

// Box renders the prompt's box alone.
func (m Model) Box() string {
	o, s := m.offer, m.styles
	w := 64
	if m.width > 0 {
		w = min(w, m.width-4)
	}
	w = max(w, 24)
	lines := []string{s.Title.Render(cells.Truncate("Unfinished transfers", w)), "", s.Text.Render(cells.Truncate(o.Question()+":", w))}
	switch {
	case o.Jobs == 1 && o.Started == 1:
		lines = append(lines, s.Dim.Render("It stopped part way."))
	case o.Started > 0:
		lines = append(lines, s.Dim.Render(cells.Truncate(fmt.Sprintf("%d of them stopped part way.", o.Started), w)))
	}
	if o.Failed == 1 {
		lines = append(lines, s.Dim.Render(cells.Truncate("1 failed job stays in the queue either way (r retries it).", w)))
	} else if o.Failed > 1 {
		lines = append(lines, s.Dim.Render(cells.Truncate(fmt.Sprintf("%d failed jobs stay in the queue either way (r retries).", o.Failed), w)))
	}
	lines = append(lines, "")
	words := []struct {
		c    Choice
		key  string
		what string
	}{
		{Resume, "r", "run them again, from where they stopped"},
		{KeepPaused, "k", "leave them paused (space or P resumes)"},
		{Clear, "c", "remove them (partial files stay on disk)"},
	}
	for _, x := range words {
		label := fmt.Sprintf(" %s %-11s ", x.key, x.c)
		st := s.Option
		if x.c == m.sel {
			st = s.Selected
		}
		lines = append(lines, st.Render(label)+" "+s.Dim.Render(cells.Truncate(x.what, max(w-len(label)-1, 1))))
	}
	lines = append(lines, "", s.Dim.Render(cells.Truncate("enter chooses · esc keeps them paused", w)))
	return s.Box.Render(strings.Join(lines, "\n"))
}

// View renders the box centred in the size given, exactly width×height
// (the box alone when no size is set).
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return m.Box()
	}
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, m.Box())
}
