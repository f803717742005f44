package queueview

import (
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/lipgloss"

	"ftpdeck/ui/internal/palette"
)

// Styles is how the queue pane looks.
type Styles struct {
	Title, TitleFocused, Cursor, Dim lipgloss.Style
	Running, Done, Failed, Paused    lipgloss.Style
	// BarFull and BarEmpty colour the progress bars' two parts.
	BarFull, BarEmpty lipgloss.AdaptiveColor
}

// DefaultStyles returns the default queue styles.
func DefaultStyles() Styles {
	return Styles{
		Title:        palette.PaneTitle(false),
		TitleFocused: palette.PaneTitle(true),
		Cursor:       lipgloss.NewStyle().Reverse(true),
		Dim:          lipgloss.NewStyle().Faint(true),
		Running:      palette.Fg(palette.Info),
		Done:         palette.Fg(palette.OK),
		Failed:       palette.Fg(palette.Bad),
		Paused:       palette.Fg(palette.Warn),
		BarFull:      palette.Accent,
		BarEmpty:     palette.Muted,
	}
}

// newBar is the bubbles progress bar the rows draw with (no percentage:
// the row prints its own), in the styles' colours and lipgloss's profile.
func newBar(s Styles) progress.Model {
	pick := func(c lipgloss.AdaptiveColor) string {
		if lipgloss.HasDarkBackground() {
			return c.Dark
		}
		return c.Light
	}
	b := progress.New(progress.WithoutPercentage(), progress.WithSolidFill(pick(s.BarFull)),
		progress.WithColorProfile(lipgloss.ColorProfile()))
	b.EmptyColor = pick(s.BarEmpty)
	return b
}
