#!/usr/bin/env bash
# bench/run.sh — ftpdeck against lftp and curl on the same vsftpd, side by
# side, in one run on one machine (issue #9).
#
# Starts vsftpd on 127.0.0.1 with a generated configuration (the one the
# test helpers in internal/ftpd use), generates the data, runs every case
# ROUNDS times alternating ftpdeck and its peers, and prints medians and
# ratios. Nothing is installed: a missing tool is named and the script
# stops (or, for a peer, its cases are left out).
#
# Needs: root (vsftpd chroots and switches user), the test user
# ftpdeck-test with its PAM service (created by `go test ./internal/ftpd`
# once), vsftpd (bash .ci/install-daemons.sh), go, python3, /usr/bin/time;
# optional peers lftp and curl, and iperf3 for the loopback limit (without
# it a Go TCP copy measures the limit).
#
# Links (issue 19): LINKS lists the links to run every case over, each
# "lo" (loopback, the default) or "RTT/RATE" — "80/" is an 80 ms round
# trip, unlimited; "20/100mbit" a 20 ms round trip at 100 Mbit/s. A link
# puts the client and vsftpd in two network namespaces joined only by
# bench/linkemu (bench/link.sh), 198.18.0.1 and 198.18.0.2; its cases are
# named CASE@LINK and use LINK_BIG_MIB (default 64), LINK_SMALL_FILES
# (default 200) and LINK_MIRROR_DIRS (default 20) instead of the loopback
# sizes. Example: LINKS="lo 0/ 20/ 80/ 20/100mbit 80/100mbit".
#
# Environment: ROUNDS (default 5), BIG_MIB (default 1024), SMALL_FILES
# (default 2000), EMPTY_FILES (default 50000), MIRROR_DIRS (default 1000
# folders of 10 files, for the mirror cases), KEEP=1 keeps the work
# folder, ONLY=regexp runs only the cases whose name matches.
set -euo pipefail

ROUNDS=${ROUNDS:-5}
BIG_MIB=${BIG_MIB:-1024}
SMALL_FILES=${SMALL_FILES:-2000}
EMPTY_FILES=${EMPTY_FILES:-50000}
MIRROR_DIRS=${MIRROR_DIRS:-1000}
LINKS=${LINKS:-lo}
LINK_BIG_MIB=${LINK_BIG_MIB:-64}
LINK_SMALL_FILES=${LINK_SMALL_FILES:-200}
LINK_MIRROR_DIRS=${LINK_MIRROR_DIRS:-20}
ONLY=${ONLY:-.}
USER_NAME=ftpdeck-test
PASSWORD=ftpdeck-Test-pw1
here=$(cd "$(dirname "$0")/.." && pwd)

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$1 ($2)"); }
need go "Go toolchain"
need python3 "apt-get install python3"
[[ -x /usr/bin/time ]] || missing+=("/usr/bin/time (apt-get install time)")
VSFTPD=""
for c in "${FTPDECK_DAEMONS_DIR:-/opt/ftpdeck-daemons}/root/usr/sbin/vsftpd" "$(command -v vsftpd || true)" /usr/sbin/vsftpd; do
	[[ -n "$c" && -x "$c" ]] && { VSFTPD=$c; break; }
done
[[ -n "$VSFTPD" ]] || missing+=("vsftpd (bash .ci/install-daemons.sh)")
[[ $(id -u) == 0 ]] || missing+=("root privileges (vsftpd must chroot)")
id "$USER_NAME" >/dev/null 2>&1 && [[ -f /etc/pam.d/ftpdeck-vsftpd ]] ||
	missing+=("user $USER_NAME and /etc/pam.d/ftpdeck-vsftpd (run: go test ./internal/ftpd once)")
if ((${#missing[@]})); then
	echo "bench/run.sh: missing, not installing anything:" >&2
	printf '  - %s\n' "${missing[@]}" >&2
	exit 2
fi
peers=()
command -v lftp >/dev/null && peers+=(lftp) || echo "note: lftp not found (apt-get install lftp): its cases are left out" >&2
command -v curl >/dev/null && peers+=(curl) || echo "note: curl not found (apt-get install curl): its cases are left out" >&2
has() { [[ " ${peers[*]} " == *" $1 "* ]]; }

work=$(mktemp -d /tmp/ftpdeck-bench.XXXXXX)
chmod 755 "$work"
vs_pid=""
cleanup() {
	[[ -n "$vs_pid" ]] && kill "$vs_pid" 2>/dev/null && wait "$vs_pid" 2>/dev/null || true
	[[ "${KEEP:-}" == 1 ]] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

echo "building ftpdeck…" >&2
(cd "$here" && go build -o "$work/ftpdeck" .)
FTPDECK=$work/ftpdeck

# --- data -----------------------------------------------------------------
srv=$work/srv
mkdir -p "$srv/up" "$srv/small" "$srv/lsmall" "$srv/empty" "$srv/tree" "$srv/ltree" "$work/empty-root" "$work/local"
echo "generating data: ${BIG_MIB} MiB random file, $SMALL_FILES × 4 KiB, $EMPTY_FILES empty files…" >&2
head -c $((BIG_MIB << 20)) /dev/urandom >"$srv/big"
head -c $((LINK_BIG_MIB << 20)) "$srv/big" >"$srv/lbig"
python3 - "$srv/small" "$SMALL_FILES" "$srv/empty" "$EMPTY_FILES" "$srv/tree" "$MIRROR_DIRS" "$srv/lsmall" "$LINK_SMALL_FILES" "$srv/ltree" "$LINK_MIRROR_DIRS" <<'EOF'
import os, sys
small, n, empty, m = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
def tree(top, dirs):
    for d in range(dirs):
        p = os.path.join(top, "a%03d" % (d // 100), "d%05d" % d)
        os.makedirs(p, exist_ok=True)
        for i in range(10):
            with open(os.path.join(p, "f%d.txt" % i), "wb") as f:
                f.write(os.urandom(100 + 37 * i))
tree(sys.argv[5], int(sys.argv[6]))
tree(sys.argv[9], int(sys.argv[10]))
for i in range(int(sys.argv[8])):
    with open(os.path.join(sys.argv[7], "f%05d.bin" % i), "wb") as f:
        f.write(os.urandom(4096))
blob = os.urandom(4096)
for i in range(n):
    with open(os.path.join(small, "f%05d.bin" % i), "wb") as f:
        f.write(blob)
for i in range(m):
    open(os.path.join(empty, "e%06d" % i), "wb").close()
EOF
cp "$srv/big" "$work/local/big"
chown -R "$USER_NAME:" "$srv"

# --- vsftpd ---------------------------------------------------------------
# free_port prints a loopback port that was free a moment ago.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# vs_start: vsftpd on $HOST (in the server's namespace on a link: SV
# and CL prefix the server's and the client's commands), URL and
# LFTP_LOGIN for the clients; vs_stop ends it.
HOST=127.0.0.1 CLIENT_ADDR=127.0.0.1 SV=() CL=() at=""
vs_start() {
	port=$(free_port)
	pasv_lo=$((40000 + RANDOM % 20000))
	cat >"$work/vsftpd.conf" <<-EOF
	listen=YES
	listen_ipv6=NO
	listen_address=$HOST
	listen_port=$port
	background=NO
	seccomp_sandbox=NO
	isolate=NO
	isolate_network=NO
	anonymous_enable=NO
	local_enable=YES
	write_enable=YES
	local_umask=022
	check_shell=NO
	userlist_enable=NO
	tcp_wrappers=NO
	pam_service_name=ftpdeck-vsftpd
	local_root=$srv
	chroot_local_user=YES
	allow_writeable_chroot=YES
	secure_chroot_dir=$work/empty-root
	nopriv_user=nobody
	pasv_enable=YES
	pasv_address=$HOST
	pasv_min_port=$pasv_lo
	pasv_max_port=$((pasv_lo + 500))
	port_enable=YES
	connect_from_port_20=NO
	pasv_promiscuous=NO
	port_promiscuous=NO
	dirmessage_enable=NO
	use_localtime=NO
	xferlog_enable=NO
	idle_session_timeout=300
	data_connection_timeout=120
	max_per_ip=0
	max_clients=0
	delay_failed_login=0
	delay_successful_login=0
	EOF
	"${SV[@]}" "$VSFTPD" "$work/vsftpd.conf" >"$work/vsftpd.out" 2>&1 &
	vs_pid=$!
	for _ in $(seq 50); do
		"${CL[@]}" bash -c "exec 3<>/dev/tcp/$HOST/$port" 2>/dev/null && break
		sleep 0.1
	done
	URL="ftp://$USER_NAME:$PASSWORD@$HOST:$port"
	LFTP_LOGIN=(-u "$USER_NAME,$PASSWORD" -p "$port" "$HOST")
}
vs_stop() {
	[[ -n "$vs_pid" ]] && kill "$vs_pid" 2>/dev/null && wait "$vs_pid" 2>/dev/null || true
	vs_pid=""
}

# --- measuring --------------------------------------------------------------
# measure NAME UNITS CMD...: one run; appends "name seconds maxrss_kib" to
# the results. The command's stdout goes to /dev/null unless it redirects.
results=$work/results.txt
: >"$results"
measure() {
	local name=$1
	shift
	name="${name%% *}$at ${name#* }" # the link's suffix on the case
	if ! /usr/bin/time -o "$work/time.txt" -f '%e %M' "${CL[@]}" "$@" >/dev/null 2>"$work/err.txt"; then
		echo "FAILED: $name: $(tail -3 "$work/err.txt" | tr '\n' ' ')" >&2
		echo "$name FAIL 0" >>"$results"
		return 0
	fi
	echo "$name $(tail -1 "$work/time.txt")" >>"$results"
}
want() { [[ "$1" =~ $ONLY ]]; }

loopback() {
	if command -v iperf3 >/dev/null; then
		local p
		p=$(free_port)
		iperf3 -s -1 -B 127.0.0.1 -p "$p" >/dev/null 2>&1 &
		local ip=$!
		sleep 0.3
		local bps
		bps=$(iperf3 -c 127.0.0.1 -p "$p" -t 3 -J 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"])')
		wait "$ip" 2>/dev/null || true
		python3 -c "print('loopback-iperf3 %.3f 0' % ($((BIG_MIB << 20)) * 8 / $bps))" >>"$results"
	else
		echo "note: iperf3 not found (apt-get install iperf3): a Go TCP copy measures the loopback limit" >&2
		(cd "$here" && go run ./bench/tcpcopy -bytes $((BIG_MIB << 20))) >>"$results"
	fi
}

# fresh empties the download folder and flushes the page cache's dirty
# pages (untimed), so every case that writes 1 GiB starts from the same
# state instead of paying for the previous case's writeback.
fresh() { rm -rf "$work/dl" && mkdir -p "$work/dl" && sync; }

# rot ROUND F...: calls the functions F in an order rotated by ROUND, so
# no tool always runs first after the set-up (the VM's memory and the disk
# make the first writer of a round slower at times).
rot() {
	local r=$1
	shift
	local fs=("$@") i
	for ((i = 0; i < ${#fs[@]}; i++)); do
		${fs[$(((i + r) % ${#fs[@]}))]} || true # unquoted: an entry may carry arguments
	done
}
# The cases, one function per tool; they read big, mode, lmode, cmode and
# p from case_round (bash's dynamic scope).
gf_ftpdeck() { fresh; measure "get-$mode-file ftpdeck" "$FTPDECK" get --$mode "$URL$big" "$work/dl/big"; }
gf_lftp() { has lftp && fresh && measure "get-$mode-file lftp" lftp "${LFTP_LOGIN[@]}" -e "set ftp:passive-mode $lmode; set xfer:clobber on; get $big -o $work/dl/big; quit"; }
gf_curl() { has curl && fresh && measure "get-$mode-file curl" curl -sS "${cmode[@]}" -o "$work/dl/big" "$URL$big"; }
gn_ftpdeck() { measure "get-$mode-null ftpdeck" "$FTPDECK" get --$mode "$URL$big" /dev/null; }
gn_stdout() { measure "get-$mode-null ftpdeck(-)" "$FTPDECK" get --$mode "$URL$big" -; }
gn_lftp() { has lftp && measure "get-$mode-null lftp" lftp "${LFTP_LOGIN[@]}" -e "set ftp:passive-mode $lmode; set xfer:clobber on; get $big -o /dev/null; quit"; }
gn_curl() { has curl && measure "get-$mode-null curl" curl -sS "${cmode[@]}" -o /dev/null "$URL$big"; }
pt_ftpdeck() { sync; measure "put-$mode ftpdeck" "$FTPDECK" put --$mode --on-conflict overwrite "$work/local/big" "$URL/up/"; }
pt_lftp() { has lftp && sync && measure "put-$mode lftp" lftp "${LFTP_LOGIN[@]}" -e "set ftp:passive-mode $lmode; put $work/local/big -o /up/big; quit"; }
pt_curl() { has curl && sync && measure "put-$mode curl" curl -sS "${cmode[@]}" -T "$work/local/big" "$URL/up/"; }
sm_ftpdeck() { fresh; measure "small-p$p ftpdeck" "$FTPDECK" get --parallel $p "$URL/$smalldir" "$work/dl"; }
sm_lftp() { has lftp && fresh && measure "small-p$p lftp" lftp "${LFTP_LOGIN[@]}" -e "mirror -P $p /$smalldir $work/dl/small; quit"; }
ls_ftpdeck() { measure "ls ftpdeck" "$FTPDECK" ls "$URL/empty"; }
ls_lftp() { has lftp && measure "ls lftp" lftp "${LFTP_LOGIN[@]}" -e "cls -1 /empty; quit"; }
# Mirror: a tree of MIRROR_DIRS folders × 10 files, first into an empty
# folder, then again with nothing changed, then with 1% of the files
# changed on the server (mr_change, untimed, before both tools run).
mr_ftpdeck() { measure "mirror-$1 ftpdeck" "$FTPDECK" mirror --parallel 4 "$URL/$treedir" "$work/m-ftpdeck"; }
mr_lftp() { has lftp && measure "mirror-$1 lftp" lftp "${LFTP_LOGIN[@]}" -e "mirror -P 4 /$treedir $work/m-lftp; quit"; }
mr_first() { rm -rf "$work/m-ftpdeck" "$work/m-lftp"; sync; rot "$1" "mr_ftpdeck first" "mr_lftp first"; }
mr_change() {
	python3 - "$srv/$treedir" "$tree_dirs" "$1" <<'PY'
import os, sys, random
tree, dirs, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(seed)
for _ in range(dirs * 10 // 100):
    d = r.randrange(dirs)
    p = os.path.join(tree, "a%03d" % (d // 100), "d%05d" % d, "f%d.txt" % r.randrange(10))
    with open(p, "wb") as f:
        f.write(os.urandom(r.randrange(50, 500)))
PY
}

# case_round ROUND
case_round() {
	local r=$1 big=/$bigfile mode lmode cmode p
	# loopback limit, once per round (the machine is shared)
	[[ -z "$at" ]] && want loopback && loopback
	# 1 GiB download and upload, passive and active
	for mode in passive active; do
		lmode=on cmode=()
		[[ $mode == active ]] && { lmode=off; cmode=(-P "$CLIENT_ADDR"); }
		want "get-$mode-file" && rot "$r" gf_ftpdeck gf_lftp gf_curl
		want "get-$mode-null" && rot "$r" gn_ftpdeck gn_stdout gn_lftp gn_curl
		want "put-$mode" && rot "$r" pt_ftpdeck pt_lftp pt_curl
	done
	# 2,000 × 4 KiB
	for p in 4 1; do
		want "small-p$p" && rot "$r" sm_ftpdeck sm_lftp
	done
	# ls of 50,000 entries
	want ls && rot "$r" ls_ftpdeck ls_lftp
	# mirror: first run, unchanged, 1% changed
	if want mirror; then
		mr_first "$r"
		rot "$r" "mr_ftpdeck same" "mr_lftp same"
		mr_change "$r"
		rot "$r" "mr_ftpdeck 1pct" "mr_lftp 1pct"
	fi
	return 0
}

# --- TUI: a 1 GiB download with the TUI drawing progress ------------------
# The TUI runs in a tmux session for the whole run; each round filters the
# remote pane to "big" and presses c. The headless `ftpdeck get` of the
# same file runs beside it. Both are timed the same way, by a poller: from
# the moment big.part appears (the transfer starts) to the moment all its
# bytes are there — the logins, the TUI's queue.json saves and its fsync
# before the rename are not the transfer, progress drawing is.
tui_sock=ftpdeck-bench-$$
tui_ready=""
tui_start() {
	command -v tmux >/dev/null || { echo "note: tmux not found (apt-get install tmux): the TUI case is left out" >&2; return 1; }
	mkdir -p "$work/tui" "$work/cfg" "$work/state"
	tmux -L "$tui_sock" new-session -d -s b -x 160 -y 45 \
		"$FTPDECK --local $work/tui --config $work/cfg --state $work/state $URL/"
	for _ in $(seq 100); do
		tmux -L "$tui_sock" capture-pane -p -t b | grep -q ' big' && break
		sleep 0.1
	done
	for k in / b i g Enter; do tmux -L "$tui_sock" send-keys -t b "$k"; sleep 0.2; done
	tui_ready=1
}
# poll NAME TARGET PID CMD...: runs CMD, times TARGET.part from appearing
# to holding every byte, and appends that and the CPU time the process PID
# (or CMD itself when PID is -) used in between. It looks every 2 ms.
poll() {
	local name=$1 target=$2 pid=$3
	shift 3
	python3 - "$name" "$target" $((BIG_MIB << 20)) "$pid" "$@" >>"$results" <<'PY'
import os, subprocess, sys, time
name, target, size, pid, cmd = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]
proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if pid == "-":
    pid = str(proc.pid)
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    try:
        f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / tick
    except (OSError, IndexError):
        return None
deadline = time.monotonic() + 120
start = c0 = None
while time.monotonic() < deadline:
    now = time.monotonic()
    try:
        st = os.stat(target + ".part").st_size
    except FileNotFoundError:
        st = os.stat(target).st_size if os.path.exists(target) else -1
    if st >= 0 and start is None:
        start, c0 = now, cpu()
    if st >= size:
        c1 = cpu()
        tool = name.split(" ", 1)[1]
        print("%s %.3f 0" % (name, now - start))
        if c0 is not None and c1 is not None:
            print("tui-cpu %s %.3f 0" % (tool, c1 - c0))
        break
    time.sleep(0.002)
else:
    print("%s FAIL 0" % name)
proc.wait()
PY
}
tui_one() {
	rm -f "$work/tui/big" "$work/tui/big.part"
	sync
	poll "tui-1GiB ftpdeck-tui" "$work/tui/big" "$tui_pid" tmux -L "$tui_sock" send-keys -t b c
	# let the queue finish its fsync and rename before the next case
	for _ in $(seq 600); do [[ -f "$work/tui/big" ]] && break; sleep 0.1; done
}
headless_one() {
	fresh
	poll "tui-1GiB ftpdeck-headless" "$work/dl/big" - "$FTPDECK" get "$URL/big" "$work/dl/big"
}
# tui_round ROUND: the two cases, in an order that alternates by round.
tui_round() {
	[[ -n "$tui_ready" ]] || tui_start || return 0
	if [[ -z "${tui_pid:-}" ]]; then
		local child
		tui_pid=$(tmux -L "$tui_sock" display -p -t b '#{pane_pid}')
		child=$(pgrep -P "$tui_pid" | head -1 || true)
		[[ -n "$child" ]] && tui_pid=$child
	fi
	if (($1 % 2)); then
		tui_one
		headless_one
	else
		headless_one
		tui_one
	fi
}
tui_stop() { [[ -n "$tui_ready" ]] && tmux -L "$tui_sock" kill-server 2>/dev/null || true; }
trap 'tui_stop; cleanup' EXIT

source "$here/bench/link.sh"
LINKEMU=$work/linkemu
[[ "$LINKS" == lo ]] || (cd "$here" && go build -o "$LINKEMU" ./bench/linkemu)
link_name=fdb$$
trap 'tui_stop; vs_stop; link_down $link_name; cleanup' EXIT
for link in $LINKS; do
	if [[ $link == lo ]]; then
		HOST=127.0.0.1 CLIENT_ADDR=127.0.0.1 SV=() CL=() at=""
		bigfile=big smalldir=small treedir=tree tree_dirs=$MIRROR_DIRS
	else
		rtt=${link%%/*} rate=${link#*/}
		link_up "$link_name" "$(python3 -c "print('%gms' % ($rtt / 2))")" "$rate"
		HOST=198.18.0.2 CLIENT_ADDR=198.18.0.1 SV=(ip netns exec "$link_name-s") CL=(ip netns exec "$link_name-c")
		at="@${rtt}ms${rate:+-$rate}"
		bigfile=lbig smalldir=lsmall treedir=ltree tree_dirs=$LINK_MIRROR_DIRS
	fi
	echo "link ${at:-loopback}…" >&2
	vs_start
	for r in $(seq "$ROUNDS"); do
		echo "round $r of $ROUNDS…" >&2
		case_round "$r"
		[[ -z "$at" ]] && want tui && tui_round "$r"
	done
	vs_stop
	[[ $link == lo ]] || link_down "$link_name"
done

# --- table ---------------------------------------------------------------
python3 - "$results" "$BIG_MIB" "$SMALL_FILES" "$LINK_BIG_MIB" "$LINK_SMALL_FILES" <<'EOF'
import sys, statistics, collections
path, big_mib_lo, small_lo = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
big_link, small_link = int(sys.argv[4]), int(sys.argv[5])
runs = collections.defaultdict(list)
for line in open(path):
    f = line.split()
    if len(f) < 3:
        continue
    name, secs, rss = " ".join(f[:-2]), f[-2], f[-1]
    runs[name].append((None if secs == "FAIL" else float(secs), int(rss)))
def med(name):
    v = [s for s, _ in runs.get(name, []) if s is not None]
    return statistics.median(v) if v else None
def rss(name):
    v = [r for _, r in runs.get(name, [])]
    return max(v) / 1024 if v else None
loop = med("loopback-iperf3") or med("loopback-gocopy")
loop_mibs = big_mib / loop if loop else None
print(f"loopback TCP limit (single stream): {loop_mibs:,.0f} MiB/s" if loop_mibs else "loopback: not measured")
print()
print(f"{'case':<18} {'tool':<16} {'median s':>9} {'rate':>14} {'peak RSS':>9} {'n':>2}  ratio")
cases, samples = [], []
for name in runs:
    if name.startswith("loopback"):
        continue
    c, tool = name.split(" ", 1)
    if c not in cases:
        cases.append(c)
for c in cases:
    big_mib, small = (big_link, small_link) if "@" in c else (big_mib_lo, small_lo)
    tools = [n.split(" ", 1)[1] for n in runs if n.startswith(c + " ")]
    tools.sort(key=lambda t: (not t.startswith("ftpdeck"), t != "ftpdeck", t))
    peers = [med(f"{c} {t}") for t in tools if not t.startswith("ftpdeck")]
    best_peer = min([p for p in peers if p], default=None)
    for t in tools:
        n = f"{c} {t}"
        m = med(n)
        if m is None:
            print(f"{c:<18} {t:<16} {'FAIL':>9}")
            continue
        if c == "tui-cpu":
            rate = "CPU seconds"
        elif c.startswith("small"):
            rate = f"{small / m:,.0f} files/s"
        elif c.startswith("ls") or c.startswith("mirror"):
            rate = ""
        else:
            rate = f"{big_mib / m:,.0f} MiB/s"
        extra = ""
        if c == "tui-cpu" and t == "ftpdeck-tui" and med("tui-cpu ftpdeck-headless") is not None and med("tui-1GiB ftpdeck-tui"):
            extra = f"TUI beyond headless: {(m - med('tui-cpu ftpdeck-headless')) / med('tui-1GiB ftpdeck-tui'):+.1%} of one core"
        elif c == "tui-1GiB" and t == "ftpdeck-tui" and med(f"{c} ftpdeck-headless"):
            extra = f"{med(c + ' ftpdeck-headless') / m:.3f}× headless (TUI {m / med(c + ' ftpdeck-headless') - 1:+.1%})"
        if t.startswith("ftpdeck") and best_peer:
            extra = f"{best_peer / m:.2f}× best peer"
            if loop_mibs and "@" not in c and not (c.startswith("small") or c.startswith("ls") or c.startswith("mirror")):
                extra += f", {big_mib / m / loop_mibs:.0%} of loopback"
        print(f"{c:<18} {t:<16} {m:>9.3f} {rate:>14} {rss(n):>6.1f} MiB {len(runs[n]):>2}  {extra}")
        samples.append(f"{c} {t}: " + " ".join("FAIL" if x is None else f"{x:.2f}" for x, _ in runs[n]))
print()
print("every run, in order (seconds):")
for line in samples:
    print("  " + line)
EOF
