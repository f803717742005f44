package filepane

import (
	"github.com/charmbracelet/lipgloss"

	"ftpdeck/ui/internal/palette"
)

// Styles is how a pane looks. The root model builds it from its theme.
type Styles struct {
	Title, TitleFocused lipgloss.Style
	Row, Cursor, Marked lipgloss.Style
	CursorMarked        lipgloss.Style
	Differ              lipgloss.Style // found different by a comparison (=)
	Folder, Link        lipgloss.Style
	Dim, Error, Spinner lipgloss.Style
}

// DefaultStyles returns the default pane styles.
func DefaultStyles() Styles {
	return Styles{
		Title:        palette.PaneTitle(false),
		TitleFocused: palette.PaneTitle(true),
		Row:          lipgloss.NewStyle(),
		Cursor:       lipgloss.NewStyle().Reverse(true),
		Marked:       palette.Fg(palette.Marked).Bold(true),
		CursorMarked: palette.Fg(palette.Marked).Reverse(true).Bold(true),
		Differ:       palette.Fg(palette.Caution).Underline(true),
		Folder:       palette.Fg(palette.Folder).Bold(true),
		Link:         palette.Fg(palette.Link),
		Dim:          lipgloss.NewStyle().Faint(true),
		Error:        palette.Fg(palette.Bad),
		Spinner:      palette.Fg(palette.Accent),
	}
}
