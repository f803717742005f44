// Package palette names the colours of the TUI, so that the panes'
// default styles and the root theme draw with the same ones.
package palette

import "github.com/charmbracelet/lipgloss"

// The colours, each for a light and a dark terminal background.
var (
	Accent  = lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#9F8CFF"} // focus, dialogs, progress
	Title   = lipgloss.AdaptiveColor{Light: "#444", Dark: "#BBB"}       // pane titles
	Info    = lipgloss.AdaptiveColor{Light: "#005FAF", Dark: "#87AFFF"} // running, 3xx, messages
	OK      = lipgloss.AdaptiveColor{Light: "#00875F", Dark: "#87D787"} // done, 2xx, passive, TLS on
	Warn    = lipgloss.AdaptiveColor{Light: "#AF8700", Dark: "#FFD75F"} // paused, 4xx
	Bad     = lipgloss.AdaptiveColor{Light: "#C00", Dark: "#FF5F5F"}    // failed, 5xx, errors
	Caution = lipgloss.AdaptiveColor{Light: "#AF5F00", Dark: "#FFAF5F"} // active mode, TLS off
	Marked  = lipgloss.AdaptiveColor{Light: "#B8860B", Dark: "#FFD75F"} // marked entries
	Folder  = lipgloss.AdaptiveColor{Light: "#005FAF", Dark: "#5FAFFF"}
	Link    = lipgloss.AdaptiveColor{Light: "#008787", Dark: "#5FD7D7"}
	Sent    = lipgloss.AdaptiveColor{Light: "#006F87", Dark: "#5FD7FF"} // commands in the log
	Muted   = lipgloss.AdaptiveColor{Light: "#555", Dark: "#AAA"}       // 1xx replies
)

// Fg is a style in colour c.
func Fg(c lipgloss.TerminalColor) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }

// PaneTitle is a pane's title; focused, it is shown reversed in the accent.
func PaneTitle(focused bool) lipgloss.Style {
	if focused {
		return lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(Accent)
	}
	return lipgloss.NewStyle().Bold(true).Foreground(Title)
}
