package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"ftpdeck/internal/demoserver"
	"ftpdeck/internal/ftpd"
	"ftpdeck/internal/ftpscript"
	"ftpdeck/transfer/queue"
)

// childEnv makes the test binary run ftpdeck's Main instead of the tests:
// the Ctrl+C test signals a real process, and the completion test runs
// the binary as "ftpdeck" from a shell.
const childEnv = "FTPDECK_CLI_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(Main(os.Args[1:], DefaultEnv()))
	}
	os.Exit(m.Run())
}

// hostileNames are names a folder can hold that break naive output:
// quotes, spaces, a backslash-free control-free but non-UTF-8 name.
var hostileNames = []string{`it's "quoted".txt`, "name with spaces.txt", "caf\xe9.txt", "日本語.txt"}

// demoWith serves a folder holding dir/ with the hostile names (and
// dir/sub/inner.bin), and returns the server's URL of dir/ and the files'
// contents by name.
func demoWith(t *testing.T) (string, map[string][]byte) {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "dir")
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for i, n := range hostileNames {
		files[n] = payload(100 + i*1000)
	}
	files["sub/inner.bin"] = payload(70_000)
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := demoserver.Start(demoserver.Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return "ftp://demo:demo@" + srv.Addr() + "/dir", files
}

// jsonLines decodes stdout as JSON lines, failing on any line that is not
// one valid UTF-8 object.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !utf8.ValidString(l) {
			t.Fatalf("line not UTF-8: %q", l)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		objs = append(objs, m)
	}
	return objs
}

// exact returns a name field's bytes: NAME_bytes when present, else NAME.
func exact(t *testing.T, m map[string]any, field string) string {
	t.Helper()
	s, _ := m[field].(string)
	if b, ok := m[field+"_bytes"].(string); ok {
		var raw []byte
		if err := json.Unmarshal([]byte(`"`+b+`"`), &raw); err != nil {
			t.Fatalf("%s_bytes %q: %v", field, b, err)
		}
		if utf8.Valid(raw) {
			t.Errorf("%s_bytes given for a UTF-8 name %q", field, raw)
		}
		return string(raw)
	}
	return s
}

// TestLsJSONAnyName: ls --json gives one valid object per entry, and every
// name — quotes, spaces, bytes that are not UTF-8 — comes back exactly.
func TestLsJSONAnyName(t *testing.T) {
	u, _ := demoWith(t)
	code, stdout, stderr := run(t, "ls", "--json", u)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var names []string
	for _, m := range jsonLines(t, stdout) {
		names = append(names, exact(t, m, "name"))
		want := "file"
		if m["name"] == "sub" {
			want = "folder"
		}
		if m["type"] != want {
			t.Errorf("%v: type %v, want %s", m["name"], m["type"], want)
		}
		if _, err := time.Parse(time.RFC3339, m["mtime"].(string)); err != nil {
			t.Errorf("mtime %v: %v", m["mtime"], err)
		}
		for _, k := range []string{"size", "perm", "target"} {
			if _, ok := m[k]; !ok {
				t.Errorf("%v: no %s field", m["name"], k)
			}
		}
	}
	want := append(slices.Clone(hostileNames), "sub")
	slices.Sort(want)
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
}

// TestGetJSONMatchesDisk: get --json of a folder gives one object per
// file and a summary that match the files on disk; a rerun skips them
// all and says so in the objects, with nothing on stderr under --quiet.
func TestGetJSONMatchesDisk(t *testing.T) {
	u, files := demoWith(t)
	dest := t.TempDir()
	code, stdout, stderr := run(t, "get", "--json", u, dest)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	objs := jsonLines(t, stdout)
	sum := objs[len(objs)-1]
	if sum["kind"] != "summary" {
		t.Fatalf("last line %v, want the summary", sum)
	}
	var total int64
	seen := map[string]bool{}
	for _, m := range objs[:len(objs)-1] {
		target := exact(t, m, "target")
		rel, err := filepath.Rel(filepath.Join(dest, "dir"), target)
		if err != nil || m["kind"] != "job" || m["status"] != "done" || m["direction"] != "download" || m["error"] != nil {
			t.Fatalf("job %v", m)
		}
		got, err := os.ReadFile(target)
		if err != nil || !bytes.Equal(got, files[rel]) {
			t.Errorf("%q on disk differs from the server's (err %v)", rel, err)
		}
		if int64(m["bytes"].(float64)) != int64(len(got)) || m["size"].(float64) != float64(len(got)) {
			t.Errorf("%q: bytes %v size %v, %d on disk", rel, m["bytes"], m["size"], len(got))
		}
		if !strings.HasSuffix(exact(t, m, "path"), "/"+filepath.ToSlash(rel)) {
			t.Errorf("path %q for %q", exact(t, m, "path"), rel)
		}
		seen[rel] = true
		total += int64(len(got))
	}
	if len(seen) != len(files) || sum["done"].(float64) != float64(len(files)) || int64(sum["bytes"].(float64)) != total || sum["failed"].(float64) != 0 {
		t.Errorf("summary %v for %d files of %d bytes; jobs for %v", sum, len(files), total, seen)
	}

	code, stdout, stderr = run(t, "get", "--json", "--quiet", u, dest)
	if code != 0 || stderr != "" {
		t.Fatalf("rerun: exit %d, stderr %q (want 0 and nothing under --quiet)", code, stderr)
	}
	objs = jsonLines(t, stdout)
	for _, m := range objs[:len(objs)-1] {
		if m["status"] != "skipped" || m["bytes"].(float64) != 0 {
			t.Errorf("rerun job %v, want skipped", m)
		}
	}
	if s := objs[len(objs)-1]; s["skipped"].(float64) != float64(len(files)) || s["done"].(float64) != 0 {
		t.Errorf("rerun summary %v", s)
	}
}

// TestVerboseLogsOnStderr: -v is --log -: the protocol log on stderr.
func TestVerboseLogsOnStderr(t *testing.T) {
	u, _ := demoWith(t)
	code, stdout, stderr := run(t, "ls", "-v", u)
	if code != 0 || !strings.Contains(stdout, "sub") {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if !logLine.MatchString(l) {
			t.Errorf("not a log line: %q", l)
		}
	}
	if !strings.Contains(stderr, "> PASS ****") {
		t.Errorf("no masked PASS in the -v log:\n%s", stderr)
	}
	if code, _, _ := run(t, "ls", "-v", "--quiet", u); code != 2 {
		t.Errorf("-v with --quiet: exit %d, want 2", code)
	}
}

// TestProbeJSON: probe --json is the table (one attempt per method) and
// the verdict.
func TestProbeJSON(t *testing.T) {
	u, _ := demoWith(t)
	code, stdout, stderr := run(t, "probe", "--json", u)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	objs := jsonLines(t, stdout)
	var methods []string
	for _, m := range objs[:len(objs)-1] {
		if m["kind"] != "attempt" || m["result"] != "ok" || m["entries"].(float64) != float64(len(hostileNames)+1) {
			t.Errorf("attempt %v", m)
		}
		methods = append(methods, m["method"].(string))
	}
	if !slices.Equal(methods, []string{"EPSV", "PASV", "EPRT", "PORT"}) {
		t.Errorf("methods %v", methods)
	}
	if v := objs[len(objs)-1]; v["kind"] != "verdict" || v["works"] != true || v["mode"] != "passive" || v["text"] == "" {
		t.Errorf("verdict %v", v)
	}
}

// TestInterruptKeepsPartExit130: Ctrl+C (SIGINT) in the middle of a
// headless get stops it cleanly: exit 130, the .part kept with what
// arrived, a line saying how to resume; the same command then resumes
// with REST and completes the file.
func TestInterruptKeepsPartExit130(t *testing.T) {
	data := payload(1 << 20)
	const first = 64 << 10
	srv := ftpscript.Start(t)
	srv.Files.Put("/big.bin", data)
	var stall atomic.Bool
	stall.Store(true)
	srv.Handle("RETR", func(c *ftpscript.Conn, arg string) {
		if stall.Load() {
			ftpscript.StallAfter(first)(c, arg)
			return
		}
		c.Builtin(arg)
	})
	dest := filepath.Join(t.TempDir(), "big.bin")
	args := []string{"get", "--timeout", "60s", "ftp://u:p@" + srv.Addr() + "/big.bin", dest}

	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// No event crosses the process boundary: watch the .part grow to
	// what the server sent before it stalled.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if fi, err := os.Stat(dest + ".part"); err == nil && fi.Size() == first {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("the .part never reached %d bytes; stderr %s", first, stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("after SIGINT: %v, want exit 130; stderr %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "run the same command again to resume") {
		t.Errorf("no resume line on stderr: %s", stderr.String())
	}
	if fi, err := os.Stat(dest + ".part"); err != nil || fi.Size() != first {
		t.Fatalf(".part not kept with %d bytes: %v %v", first, fi, err)
	}
	if _, err := os.Stat(dest); err == nil {
		t.Fatal("target created by an interrupted run")
	}

	stall.Store(false)
	code, _, errOut := run(t, args...)
	if code != 0 {
		t.Fatalf("rerun: exit %d: %s", code, errOut)
	}
	if got, err := os.ReadFile(dest); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("resumed file differs (err %v)", err)
	}
	if !slices.Contains(srv.Transcript(), "REST 65536") {
		t.Errorf("rerun did not resume from the .part: %q", srv.Transcript())
	}
}

// TestCompletionBash drives the bash script as bash does at a tab press
// (COMP_LINE, COMP_WORDS, then the function complete -p names) with the
// test binary installed as "ftpdeck" and a bookmarks.toml to read.
func TestCompletionBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed for this test")
	}
	script := `set -e
source <(ftpdeck completion bash)
fn=$(complete -p ftpdeck | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
t() {
	COMP_LINE=$1 COMP_POINT=${#1}
	read -ra COMP_WORDS <<< "$1"
	[[ $1 == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	"$fn"
	printf '%s|' "${COMPREPLY[@]}"
	echo
}
t "ftpdeck g"
t "ftpdeck pro"
t "ftpdeck get --on-conflict re"
t "ftpdeck get --encoding=gb"
t "ftpdeck ls --js"
t "ftpdeck ls w"
t "ftpdeck get work/x out"
t "ftpdeck completion "
`
	cmd := exec.Command(bash, "-c", script)
	completionEnv(t, cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	want := []string{
		"get|",
		"probe|",
		"resume|rename|",
		"gbk|gb18030|",
		"--json|",
		`wolf\ den|work|`,
		"outfile|",
		"bash|zsh|fish|",
	}
	if got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("completions:\n got %q\nwant %q", got, want)
	}
}

// TestCompletionFish asks fish what it would offer (complete -C) with the
// script loaded. .ci/install-daemons.sh installs fish; elsewhere the test
// skips, and fails under FTPDECK_REQUIRE_SERVERS=1.
func TestCompletionFish(t *testing.T) {
	fish, err := exec.LookPath("fish")
	if err != nil {
		ftpd.SkipOrFail(t, "fish not installed (bash .ci/install-daemons.sh)")
	}
	script := `ftpdeck completion fish | source
for line in "ftpdeck pro" "ftpdeck get --on-conflict re" "ftpdeck get --encoding=gb" "ftpdeck ls w" "ftpdeck get work/x out"
	echo (string join -- '|' (complete -C"$line" | sort))
end
`
	cmd := exec.Command(fish, "--no-config", "-c", script)
	completionEnv(t, cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("fish: %v\n%s", err, out)
	}
	want := []string{"probe", "rename|resume", "--encoding=gb18030|--encoding=gbk", "wolf den|work", "outfile"}
	if got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("completions:\n got %q\nwant %q", got, want)
	}
}

// completionEnv sets cmd up as a shell at a tab press would be: the test
// binary installed as "ftpdeck" on PATH, a config folder with two
// bookmarks (one name with a space), and a folder holding "outfile".
func completionEnv(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	bin := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(self, filepath.Join(bin, "ftpdeck")); err != nil {
		t.Fatal(err)
	}
	cfg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(cfg, "ftpdeck"), 0o700); err != nil {
		t.Fatal(err)
	}
	bm := "[[site]]\nname = \"work\"\nhost = \"ftp.example.com\"\n\n[[site]]\nname = \"wolf den\"\nhost = \"ftp.example.org\"\n"
	if err := os.WriteFile(filepath.Join(cfg, "ftpdeck", "bookmarks.toml"), []byte(bm), 0o600); err != nil {
		t.Fatal(err)
	}
	local := t.TempDir()
	if err := os.WriteFile(filepath.Join(local, "outfile"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd.Dir = local
	cmd.Env = append(os.Environ(), childEnv+"=1", "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "XDG_CONFIG_HOME="+cfg)
}

// TestCompletionScripts: each shell's script is printed, names the hidden
// command, and an unknown shell is bad usage.
func TestCompletionScripts(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		code, out, _ := run(t, "completion", sh)
		if code != 0 || !strings.Contains(out, "__complete "+sh) {
			t.Errorf("completion %s: exit %d\n%s", sh, code, out)
		}
	}
	if code, _, _ := run(t, "completion", "tcsh"); code != 2 {
		t.Errorf("completion tcsh: exit %d, want 2", code)
	}
}

// TestHelpPerCommand: "help CMD" and "CMD --help" print the same page:
// usage, the command's flags with defaults, and examples that use it.
func TestHelpPerCommand(t *testing.T) {
	for _, c := range commands {
		code, out, _ := run(t, "help", c.name)
		if code != 0 || !strings.HasPrefix(out, "Usage: ftpdeck "+c.name) || !strings.Contains(out, "\nExamples:\n") || !strings.Contains(out[strings.Index(out, "Examples:"):], "ftpdeck "+c.name) {
			t.Errorf("help %s: exit %d\n%s", c.name, code, out)
		}
		if code, out2, _ := run(t, c.name, "--help"); code != 0 || out2 != out {
			t.Errorf("%s --help differs from help %s", c.name, c.name)
		}
	}
	_, out, _ := run(t, "get", "--help")
	for _, want := range []string{"--parallel N", "(default: 2)", "--on-conflict POLICY", "(default: skip)", "--json", "--quiet", "-v "} {
		if !strings.Contains(out, want) {
			t.Errorf("get --help lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := run(t, "help", "nosuch"); code != 2 {
		t.Errorf("help nosuch: exit %d, want 2", code)
	}
}

func TestVersionOf(t *testing.T) {
	rev := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}, {Key: "vcs.time", Value: "2026-11-30T04:00:00Z"}}}
	cases := []struct {
		x    string
		bi   *debug.BuildInfo
		want string
	}{
		{"v1.0.0", rev, "v1.0.0"}, // -ldflags -X wins
		{"dev", &debug.BuildInfo{Main: debug.Module{Version: "v0.3.1"}}, "v0.3.1"},
		{"dev", rev, "dev, commit 0123456789ab+dirty (2026-11-30T04:00:00Z)"},
		{"dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
		{"dev", nil, "dev"},
	}
	for _, c := range cases {
		if got := versionOf(c.x, c.bi); got != c.want {
			t.Errorf("versionOf(%q, …) = %q, want %q", c.x, got, c.want)
		}
	}
	_, out, _ := run(t, "version")
	if !strings.HasPrefix(out, "ftpdeck ") || !strings.Contains(out, "\ngo1.") {
		t.Errorf("version: %q", out)
	}
}

// TestPutJSON: put --json of a folder gives one object per file and the
// summary; put - (stdin) one object and its summary.
func TestPutJSON(t *testing.T) {
	u, _ := demoWith(t)
	src := filepath.Join(t.TempDir(), "up")
	if err := os.MkdirAll(filepath.Join(src, "in"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]int{"a b.txt": 10, "in/c\xff.bin": 5000}
	for n, size := range files {
		if err := os.WriteFile(filepath.Join(src, n), payload(size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := run(t, "put", "--json", src, u+"/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	objs := jsonLines(t, stdout)
	got := map[string]int{}
	for _, m := range objs[:len(objs)-1] {
		rel, _ := filepath.Rel(src, exact(t, m, "path"))
		if m["direction"] != "upload" || m["status"] != "done" || !strings.HasSuffix(exact(t, m, "target"), "/up/"+rel) {
			t.Errorf("job %v", m)
		}
		got[rel] = int(m["bytes"].(float64))
	}
	if !maps.Equal(got, files) {
		t.Errorf("jobs %v, want %v", got, files)
	}
	if s := objs[len(objs)-1]; s["kind"] != "summary" || s["done"].(float64) != 2 || s["bytes"].(float64) != 5010 {
		t.Errorf("summary %v", s)
	}

	var out, errb bytes.Buffer
	code = Main([]string{"put", "--json", "-", u + "/stdin.txt"}, Env{Stdin: strings.NewReader("from stdin"), Stdout: &out, Stderr: &errb})
	if code != 0 {
		t.Fatalf("put -: exit %d: %s", code, errb.String())
	}
	objs = jsonLines(t, out.String())
	if len(objs) != 2 || objs[0]["path"] != "-" || objs[0]["bytes"].(float64) != 10 || objs[1]["done"].(float64) != 1 {
		t.Errorf("put - --json: %v", objs)
	}
}

// TestMirrorAndQuoteJSON: mirror --dry-run --json is the plan as objects,
// mirror --json one object per copied file and the summary (and no text
// line), quote --json one object per reply.
func TestMirrorAndQuoteJSON(t *testing.T) {
	u, files := demoWith(t)
	dest := t.TempDir()
	code, stdout, stderr := run(t, "mirror", "--dry-run", "--json", u, dest)
	if code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, stderr)
	}
	objs := jsonLines(t, stdout)
	news := 0
	for _, m := range objs[:len(objs)-1] {
		if m["kind"] == "plan" && m["op"] == "new" {
			news++
		}
	}
	if s := objs[len(objs)-1]; news != len(files) || s["kind"] != "plan_summary" || s["count"].(map[string]any)["new"].(float64) != float64(len(files)) {
		t.Errorf("plan: %d new, summary %v; want %d", news, s, len(files))
	}

	code, stdout, stderr = run(t, "mirror", "--json", u, dest)
	if code != 0 {
		t.Fatalf("mirror: exit %d: %s", code, stderr)
	}
	objs = jsonLines(t, stdout)
	if s := objs[len(objs)-1]; len(objs) != len(files)+1 || s["kind"] != "summary" || s["done"].(float64) != float64(len(files)) {
		t.Errorf("mirror --json: %v", objs)
	}

	code, stdout, stderr = run(t, "quote", "--json", u, "NOOP", "SITE NOSUCH")
	if code != 1 {
		t.Fatalf("quote: exit %d (want 1: SITE NOSUCH is refused): %s", code, stderr)
	}
	objs = jsonLines(t, stdout)
	if len(objs) != 2 || objs[0]["command"] != "NOOP" || objs[0]["code"].(float64) != 200 || objs[1]["code"].(float64) < 500 {
		t.Errorf("quote --json: %v", objs)
	}
}

// TestProgressLine: the terminal's one line has files, bytes, the share
// done, the speed and the time left (none while nothing moves).
func TestProgressLine(t *testing.T) {
	s := queue.Summary{Jobs: make([]*queue.Job, 4), Done: 1, BytesDone: 25 << 20, BytesTotal: 100 << 20, Speed: 5 << 20}
	if got, want := progressLine(s), "1/4 files  25.0 MiB / 100.0 MiB   25%  5.0 MiB/s  ETA 0:15"; got != want {
		t.Errorf("progressLine = %q, want %q", got, want)
	}
	s.Speed = 0
	if got := progressLine(s); strings.Contains(got, "ETA") {
		t.Errorf("an ETA with no speed: %q", got)
	}
	if got := clock(3*time.Hour + 4*time.Minute + 5*time.Second); got != "3:04:05" {
		t.Errorf("clock = %q", got)
	}
}
