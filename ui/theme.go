package ui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"

	"ftpdeck/ui/dialog"
	"ftpdeck/ui/filepane"
	"ftpdeck/ui/internal/palette"
	"ftpdeck/ui/logview"
	"ftpdeck/ui/queueview"
)

// Theme is every style of the program, built in one place and handed down.
type Theme struct {
	Pane   filepane.Styles
	Log    logview.Styles
	Queue  queueview.Styles
	Dialog dialog.Styles
	Help   help.Styles

	Status, StatusKey    lipgloss.Style
	ModeActive, ModePass lipgloss.Style
	TLSOn, TLSOff        lipgloss.Style
	StateOK, StateBad    lipgloss.Style
	Info, Error          lipgloss.Style
	Separator            lipgloss.Style
	HelpBox              lipgloss.Style
	HelpTitle            lipgloss.Style // overlay titles and help sections
}

// DefaultTheme returns the default theme (adaptive colours; with the ASCII
// profile in tests, plain text).
func DefaultTheme() Theme {
	bar := lipgloss.AdaptiveColor{Light: "#E4E4E4", Dark: "#303030"}
	fg := lipgloss.AdaptiveColor{Light: "#262626", Dark: "#D0D0D0"}
	st := lipgloss.NewStyle().Background(bar).Foreground(fg)
	h := help.New().Styles
	return Theme{
		Pane: filepane.DefaultStyles(), Log: logview.DefaultStyles(),
		Queue: queueview.DefaultStyles(), Dialog: dialog.DefaultStyles(), Help: h,
		Status:     st,
		StatusKey:  st.Bold(true),
		ModeActive: palette.Fg(palette.Caution).Bold(true).Reverse(true),
		ModePass:   palette.Fg(palette.OK).Bold(true).Reverse(true),
		TLSOn:      st.Foreground(palette.OK),
		TLSOff:     st.Foreground(palette.Caution),
		StateOK:    st,
		StateBad:   st.Foreground(palette.Bad).Bold(true),
		Info:       palette.Fg(palette.Info),
		Error:      palette.Fg(palette.Bad).Bold(true),
		Separator:  lipgloss.NewStyle().Faint(true),
		HelpBox:    lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1),
		HelpTitle:  h.ShortKey.Bold(true),
	}
}
