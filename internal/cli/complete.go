package cli

import (
	"fmt"
	"slices"
	"strings"

	"ftpdeck/bookmarks"
	"ftpdeck/transfer"
	"ftpdeck/transfer/queue"
)

// completeCommand is the hidden command the completion scripts call at
// each tab: "ftpdeck __complete SHELL LINE", LINE being the command line
// up to the cursor. It prints a directive line ("words", or "files" when
// local paths fit too) and then the candidates, one per line. The logic
// lives here, once, for the three shells; bookmark names are read from
// bookmarks.toml at that moment.
const completeCommand = "__complete"

// policyValues are the --on-conflict values this build accepts.
func policyValues() []string {
	var out []string
	for _, p := range []string{"ask", "overwrite", "resume", "skip", "rename", "newer"} {
		if _, err := queue.ParsePolicy(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// flagValues returns the values a value flag can take, or nil when any
// value goes (files for the ones that name files).
func flagValues(name string) (values []string, files bool) {
	switch name {
	case "on-conflict":
		return policyValues(), false
	case "encoding":
		return transfer.Encodings(), false
	case "type":
		return []string{"binary", "ascii", "auto"}, false
	case "active-addr":
		return []string{"auto"}, false
	case "timeout":
		return []string{"5s", "30s", "2m"}, false
	case "limit-rate":
		return []string{"0", "500K", "1M", "10M"}, false
	case "parallel", "segments":
		return []string{"1", "2", "4", "8"}, false
	case "log", "local", "config", "state":
		return nil, true
	}
	return nil, false
}

// runComplete answers one tab press.
func runComplete(args []string, env Env) int {
	if len(args) != 2 {
		fmt.Fprintln(env.Stderr, "usage: ftpdeck __complete bash|zsh|fish LINE")
		return 2
	}
	directive, cands := complete(args[0], args[1], func(configDir string) []string {
		store, _, err := bookmarks.Open(bookmarks.ConfigDir(configDir))
		if err != nil {
			return nil
		}
		var names []string
		for _, s := range store.List() {
			names = append(names, s.Name)
		}
		return names
	})
	w := newBufWriter(env.Stdout)
	fmt.Fprintln(w, directive)
	for _, c := range cands {
		if !strings.ContainsAny(c, "\n\r") {
			fmt.Fprintln(w, c)
		}
	}
	_ = w.Flush()
	return 0
}

// complete returns the directive and candidates for line (the command
// line up to the cursor, the program's name first). bookmarkNames reads
// the saved sites of a config folder. For "--flag=VAL", bash gets the
// values alone (it breaks the word at '='); zsh and fish get whole words.
func complete(shell, line string, bookmarkNames func(configDir string) []string) (string, []string) {
	words := strings.Fields(line)
	cur := ""
	if len(words) > 0 && !strings.HasSuffix(line, " ") && !strings.HasSuffix(line, "\t") {
		cur, words = words[len(words)-1], words[:len(words)-1]
	}
	if len(words) > 0 {
		words = words[1:] // the program
	}
	// Walk what is typed: the flags with their values, the positionals.
	var pos []string
	configDir := ""
	for i := 0; i < len(words); i++ {
		name := strings.TrimLeft(words[i], "-")
		switch {
		case words[i] == "--":
			pos = append(pos, words[i+1:]...)
			i = len(words)
		case !strings.HasPrefix(words[i], "-") || words[i] == "-":
			pos = append(pos, words[i])
		case valueFlags[name] && i+1 < len(words):
			if name == "config" {
				configDir = words[i+1]
			}
			i++
		case strings.HasPrefix(name, "config="):
			configDir = strings.TrimPrefix(name, "config=")
		}
	}
	match := func(cands []string, prefix string) []string {
		var out []string
		for _, c := range cands {
			if strings.HasPrefix(c, prefix) {
				out = append(out, c)
			}
		}
		return out
	}
	// The value of a flag: "--encoding g" or "--encoding=g".
	if len(words) > 0 && strings.HasPrefix(words[len(words)-1], "-") && !strings.Contains(words[len(words)-1], "=") {
		if name := strings.TrimLeft(words[len(words)-1], "-"); valueFlags[name] {
			vals, files := flagValues(name)
			return directiveOf(files), match(vals, cur)
		}
	}
	if strings.HasPrefix(cur, "-") {
		if name, val, ok := strings.Cut(strings.TrimLeft(cur, "-"), "="); ok && valueFlags[name] {
			vals, files := flagValues(name)
			vals = match(vals, val)
			if shell != "bash" {
				for i := range vals {
					vals[i] = "--" + name + "=" + vals[i]
				}
			}
			return directiveOf(files), vals
		}
		var flags []string
		for _, f := range allFlags() {
			if f == "h" || f == "verbose" {
				continue // -h and -v are --help and --verbose's short forms; offer one spelling
			}
			flags = append(flags, flagSpelling(f))
		}
		return "words", match(flags, cur)
	}
	bms := func() []string { return match(bookmarkNames(configDir), cur) }
	if len(pos) == 0 {
		return "words", append(match(commandNames(), cur), bms()...)
	}
	switch pos[0] {
	case "ls", "probe":
		if len(pos) == 1 {
			return "words", bms()
		}
	case "get":
		// URL... LOCAL: remote sources, then a local folder.
		return dirOrFiles(len(pos) > 1), bms()
	case "put":
		// LOCAL... URL: local sources, then the remote folder.
		return "files", bms()
	case "bookmarks":
		if len(pos) == 1 {
			return "words", match([]string{"import"}, cur)
		}
		if pos[1] == "import" && len(pos) == 2 {
			return "files", nil
		}
	case "mirror":
		// URL DIR, or with --reverse DIR URL.
		if len(pos) > 2 {
			return "words", nil
		}
		if slices.Contains(words, "--reverse") == (len(pos) == 1) {
			return "files", nil
		}
		return "words", bms()
	case "quote":
		if len(pos) == 1 {
			return "words", bms()
		}
		return "words", match([]string{"SITE", "STAT", "HELP", "SYST", "FEAT", "NOOP", "MDTM", "SIZE", "PWD"}, strings.ToUpper(cur))
	case "completion":
		if len(pos) == 1 {
			return "words", match([]string{"bash", "zsh", "fish"}, cur)
		}
	case "help":
		if len(pos) == 1 {
			return "words", match(commandNames(), cur)
		}
	}
	return "words", nil
}

func directiveOf(files bool) string {
	if files {
		return "files"
	}
	return "words"
}

// dirOrFiles: after get's first URL, a local path may follow.
func dirOrFiles(afterSource bool) string {
	if afterSource {
		return "files"
	}
	return "words"
}

// runCompletion prints the completion script of a shell.
func runCompletion(args []string, env Env) error {
	if len(args) != 1 {
		return usagef("completion takes one shell: bash, zsh or fish")
	}
	var script string
	switch args[0] {
	case "bash":
		script = bashCompletion
	case "zsh":
		script = zshCompletion
	case "fish":
		script = fishCompletion
	default:
		return usagef("completion %q: want bash, zsh or fish", args[0])
	}
	_, err := fmt.Fprint(env.Stdout, script)
	return err
}

// The scripts hand the line up to the cursor to "ftpdeck __complete" and
// offer what it prints; "files" adds the shell's own path completion.

const bashCompletion = `# bash completion for ftpdeck: source <(ftpdeck completion bash)
_ftpdeck() {
	local cur=${COMP_WORDS[COMP_CWORD]} IFS=$'\n' directive w
	local -a out
	out=($(command "${COMP_WORDS[0]}" __complete bash "${COMP_LINE:0:COMP_POINT}" 2>/dev/null)) || return
	directive=${out[0]}
	COMPREPLY=()
	for w in "${out[@]:1}"; do
		COMPREPLY+=("$(printf '%q' "$w")")
	done
	if [[ $directive == files ]]; then
		[[ $cur == *=* ]] && cur=${cur#*=}
		compopt -o filenames 2>/dev/null || true
		COMPREPLY+=($(compgen -f -- "$cur"))
	fi
}
complete -F _ftpdeck ftpdeck
`

const zshCompletion = `#compdef ftpdeck
# zsh completion for ftpdeck: ftpdeck completion zsh > "${fpath[1]}/_ftpdeck"
_ftpdeck() {
	local -a out
	out=("${(@f)$(command ${words[1]} __complete zsh "$LBUFFER" 2>/dev/null)}")
	local directive=$out[1]
	shift out
	(( $#out )) && compadd -Q -- "${(@q)out}"
	[[ $directive == files ]] && _files
	return 0
}
if [[ $funcstack[1] == _ftpdeck ]]; then
	_ftpdeck "$@"
else
	compdef _ftpdeck ftpdeck
fi
`

const fishCompletion = `# fish completion for ftpdeck: ftpdeck completion fish > ~/.config/fish/completions/ftpdeck.fish
function __ftpdeck_complete
	set -l out (command ftpdeck __complete fish (commandline -cp) 2>/dev/null)
	or return
	printf '%s\n' $out[2..-1]
	if test "$out[1]" = files
		__fish_complete_path (commandline -ct)
	end
end
complete -c ftpdeck -f -a '(__ftpdeck_complete)'
`
