package filepane

import "github.com/charmbracelet/lipgloss"

// Styles is how a pane looks. The root model builds it from its theme.
type Styles struct {
	Title, TitleFocused lipgloss.Style
	Row, Cursor, Marked lipgloss.Style
	CursorMarked        lipgloss.Style
	Folder, Link        lipgloss.Style
	Dim, Error, Spinner lipgloss.Style
}

// DefaultStyles returns the default pane styles.
func DefaultStyles() Styles {
	accent := lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#9F8CFF"}
	return Styles{
		Title:        lipgloss.NewStyle().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "#444", Dark: "#BBB"}),
		TitleFocused: lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(accent),
		Row:          lipgloss.NewStyle(),
		Cursor:       lipgloss.NewStyle().Reverse(true),
		Marked:       lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#B8860B", Dark: "#FFD75F"}).Bold(true),
		CursorMarked: lipgloss.NewStyle().Reverse(true).Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "#B8860B", Dark: "#FFD75F"}),
		Folder:       lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#005FAF", Dark: "#5FAFFF"}).Bold(true),
		Link:         lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#008787", Dark: "#5FD7D7"}),
		Dim:          lipgloss.NewStyle().Faint(true),
		Error:        lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#C00", Dark: "#FF5F5F"}),
		Spinner:      lipgloss.NewStyle().Foreground(accent),
	}
}
