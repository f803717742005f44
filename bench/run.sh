#!/usr/bin/env bash
# bench/run.sh — ftpdeck against lftp and curl on the same vsftpd, side by
# side, in one run on one machine (issues #9 and #19).
#
#   sudo bash bench/run.sh                      # the whole matrix (the estimate is printed first)
#   sudo QUICK=1 bash bench/run.sh              # every case, tiny sizes, one round: a smoke test
#   sudo QUICK=1 LINKS="20/" ONLY='^ls' bash bench/run.sh
#
# For each link in LINKS it starts vsftpd (and a second one capped per
# connection, for the segmented case), runs every case ROUNDS times
# alternating ftpdeck and its peers in an order that rotates from round to
# round, and at the end prints the tables in markdown, ready for
# docs/performance.md: medians, rates, peak RSS (`/usr/bin/time`'s maximum
# resident set), the raw TCP limit of each link measured in the same run,
# ratios against the best peer, and issue 19's targets marked met or not.
# Nothing is installed: a missing tool is named and the script stops (or,
# for a peer, its cases are left out).
#
# Links: each entry of LINKS is "lo" (loopback) or "RTT/RATE" — "80/" is an
# 80 ms round trip, unlimited; "20/100mbit" 20 ms at 100 Mbit/s each way. A
# link puts the client and vsftpd in two network namespaces joined only by
# bench/linkemu (bench/link.sh), 198.18.0.1 and 198.18.0.2, set up before
# its cases and torn down after them (and on any exit: Ctrl-C, a failure).
# Its cases are named CASE@LINK.
#
# Cases (ONLY=regexp picks them by name):
#   tcp                 raw TCP, one stream server→client for TCP_SECS (bench/tcpcopy)
#   get-{passive,active}-{file,null}, put-{passive,active}
#                       one big file (BIG_MIB on loopback, LINK_BIG_MIB on a
#                       link, where the -null cases and put-active are left
#                       out unless LINK_ALL_BIG=1): ftpdeck, lftp get, curl
#   small-p4, small-p1  a folder of 4 KiB files, 4 / 1 connections:
#                       ftpdeck get --parallel N, lftp mirror -P N
#   ls                  a listing of EMPTY_FILES names: ftpdeck ls, lftp cls,
#                       curl (LIST, not parsed)
#   mirror-{first,same,1pct}
#                       ftpdeck mirror --parallel 4, lftp mirror -P 4
#   seg1, seg4          one file (SEG_MIB, see below) from the capped vsftpd
#                       (local_max_rate=SEG_CAP bytes/s): seg1 ftpdeck get,
#                       lftp get, curl;
#                       seg4 ftpdeck get --segments 4, lftp pget -n 4 (with
#                       files of 8-20 MiB, lftp pget at times closes a data
#                       connection before its RETR and then waits out
#                       vsftpd's 60 s accept_timeout; 40 MiB and more did not)
#   limit               once per link in LIMIT_LINKS: LIMIT_SECS of a download
#                       at --limit-rate LIMIT, ftpdeck and curl, the average
#                       from the first byte to the last against the limit
#   tui                 loopback only: the TUI downloading BIG_MIB beside a
#                       headless get (CPU and time)
#
# Needs: root (vsftpd chroots and switches user; namespaces), the test user
# ftpdeck-test with its PAM service (created by `go test ./internal/ftpd`
# once), vsftpd (bash .ci/install-daemons.sh), go, python3, /usr/bin/time,
# ip (iproute2) and /dev/net/tun for links; optional peers lftp and curl,
# tmux for the TUI case.
#
# Environment (full default / QUICK=1): ROUNDS loopback rounds (3/1),
# LINK_ROUNDS (3/1), BIG_MIB (1024/64), SMALL_FILES (2000/100), EMPTY_FILES
# (50000/5000), MIRROR_DIRS folders of 10 files (1000/10), LINK_BIG_MIB
# (24/4), LINK_SMALL_FILES (200/20), FAR_RTT ms (50) and FAR_SMALL_FILES
# (100/10): the small-file count on links of FAR_RTT or more,
# LINK_MIRROR_DIRS (2/1), SEG_MIB on unlimited links of FAR_RTT or more
# (200/40), SEG_NEAR_MIB on loopback and nearer unlimited links (100/40),
# SEG_RATED_MIB on rate-capped links (64/16), SEG_CAP (20000000), SEGMENTS (4), LIMIT (10M), LIMIT_SECS
# (30/4), LIMIT_LINKS ("lo 80/"), LIMIT_UNIT (1024 or 1000: what ftpdeck's
# M means; read from `ftpdeck get --help` and README.md when unset), TCP_SECS
# (3/1), FTPDECK_BIN (a built ftpdeck to measure instead of building this
# tree), KEEP=1 keeps the work folder.
set -euo pipefail

QUICK=${QUICK:-0}
# def VAR FULL QUICK: VAR's default, unless the environment set it.
def() { [[ -n "${!1:-}" ]] || { if [[ $QUICK == 1 ]]; then printf -v "$1" %s "$3"; else printf -v "$1" %s "$2"; fi; }; }
def ROUNDS 3 1
def LINK_ROUNDS 3 1
def BIG_MIB 1024 64
def SMALL_FILES 2000 100
def EMPTY_FILES 50000 5000
def MIRROR_DIRS 1000 10
def LINKS "lo 0/ 0/100mbit 20/ 20/100mbit 80/ 80/100mbit" "lo 0/ 0/100mbit 20/ 20/100mbit 80/ 80/100mbit"
def LINK_BIG_MIB 24 4
def LINK_SMALL_FILES 200 20
def FAR_RTT 50 50
def FAR_SMALL_FILES 100 10
def LINK_MIRROR_DIRS 2 1
def LINK_ALL_BIG 0 0
def SEG_MIB 200 40
def SEG_RATED_MIB 64 16
def SEG_NEAR_MIB 100 40
def SEG_CAP 20000000 20000000
def SEGMENTS 4 4
def LIMIT 10M 10M
def LIMIT_SECS 30 4
def LIMIT_LINKS "lo 80/" "lo 80/"
def TCP_SECS 3 1
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
[[ $(id -u) == 0 ]] || missing+=("root privileges (vsftpd must chroot; links need namespaces)")
id "$USER_NAME" >/dev/null 2>&1 && [[ -f /etc/pam.d/ftpdeck-vsftpd ]] ||
	missing+=("user $USER_NAME and /etc/pam.d/ftpdeck-vsftpd (run: go test ./internal/ftpd once)")
if [[ " $LINKS " != " lo " ]]; then
	need ip "apt-get install iproute2"
	[[ -c /dev/net/tun ]] || missing+=("/dev/net/tun (links need TUN devices)")
fi
for link in $LINKS; do
	[[ $link == lo || $link =~ ^[0-9.]+/([0-9.]+[kmg]?(bit|b))?$ ]] ||
		missing+=("a valid link: \"$link\" is neither lo nor RTT/RATE such as 80/ or 20/100mbit")
done
if ((${#missing[@]})); then
	echo "bench/run.sh: missing, not installing anything:" >&2
	printf '  - %s\n' "${missing[@]}" >&2
	exit 2
fi
peers=()
command -v lftp >/dev/null && peers+=(lftp) || echo "note: lftp not found (apt-get install lftp): its cases are left out" >&2
command -v curl >/dev/null && peers+=(curl) || echo "note: curl not found (apt-get install curl): its cases are left out" >&2
has() { [[ " ${peers[*]} " == *" $1 "* ]]; }
want() { [[ "$1" =~ $ONLY ]]; }

# --- the estimate -----------------------------------------------------------
# A rough model (round trips per command and per file, bytes over the
# link's rate or a guessed ceiling), from the runs in docs/performance.md;
# it is printed so that nobody starts a two-hour run by mistake.
estimate() {
	python3 - <<-EOF
	import re
	links = "$LINKS".split()
	R = dict(rounds=$ROUNDS, lrounds=$LINK_ROUNDS, big=$BIG_MIB, small=$SMALL_FILES, empty=$EMPTY_FILES,
	         mdirs=$MIRROR_DIRS, lbig=$LINK_BIG_MIB, lsmall=$LINK_SMALL_FILES, far=$FAR_RTT,
	         fsmall=$FAR_SMALL_FILES, lmdirs=$LINK_MIRROR_DIRS, allbig=$LINK_ALL_BIG, seg=$SEG_MIB,
	         rseg=$SEG_RATED_MIB, nseg=$SEG_NEAR_MIB, cap=$SEG_CAP, lsecs=$LIMIT_SECS, tsecs=$TCP_SECS)
	limit_links = "$LIMIT_LINKS".split()
	M = 1 << 20
	def rate(s):
	    m = re.fullmatch(r"([0-9.]+)([kmg]?)(bit|b)", s)
	    if not m:
	        return None
	    v = float(m[1]) * {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[m[2]]
	    return v / 8 if m[3] == "bit" else v
	total = 10 + R["big"] / 150 + (R["small"] + R["empty"] + 10 * R["mdirs"]) / 15000 + (R["seg"] + R["rseg"] + R["nseg"]) / 150
	rows = []
	for l in links:
	    if l == "lo":
	        # 20 transfers, and a sync after each of the 12 that write (330 MB/s disk)
	        per = (R["big"] / 1024) * 20 + 12 * R["big"] * M / 330e6 + R["small"] * 0.003 + R["empty"] / 50000 * 1.2 \
	            + R["mdirs"] * 10 * 0.0025 + 3 * R["nseg"] * M / R["cap"] + 2 * R["nseg"] / 80 + R["tsecs"] + 4
	        t = per * R["rounds"]
	    else:
	        r, rt = l.split("/")
	        rtt, bw = float(r) / 1000, rate(rt)
	        T = min(bw or 100e6, 100e6)
	        O = 6 * rtt + 0.15
	        nbig = 24 if R["allbig"] else 9
	        big = nbig * (O + R["lbig"] * M / T + (20 * rtt if not bw else 4 * rtt))
	        n = R["fsmall"] if float(r) >= R["far"] else R["lsmall"]
	        small = n * (12 * rtt + 0.004) + 4 * O
	        ls = 3 * (O + 20 * rtt + 3.5e6 * R["empty"] / 50000 / T)
	        mirror = 10 * R["lmdirs"] * rtt * 3 + R["lmdirs"] * rtt * 6 + 6 * O
	        s = (R["rseg"] if bw else R["seg"] if float(r) >= R["far"] else R["nseg"]) * M
	        seg = 3 * (O + s / min(T, R["cap"])) + 2 * (O + s / min(T, 4 * R["cap"]))
	        t = (big + small + ls + mirror + seg + R["tsecs"] + 2) * R["lrounds"] + 3
	    if l in limit_links:
	        t += 2 * R["lsecs"] + 4
	    rows.append((l, t))
	    total += t
	print("estimated duration: about %d min (a rough model; the lead's 2-core VM, quiet): %s" % (
	    round(total / 60 + 0.5), ", ".join("%s %.1f min" % (l, t / 60) for l, t in rows)))
	EOF
}
estimate >&2
echo "sizes: loopback ${BIG_MIB} MiB, $SMALL_FILES × 4 KiB, $EMPTY_FILES names, $MIRROR_DIRS×10 mirror, $SEG_NEAR_MIB MiB segmented, $ROUNDS rounds;" \
	"links $LINK_BIG_MIB MiB, $LINK_SMALL_FILES × 4 KiB (${FAR_SMALL_FILES} at ${FAR_RTT} ms or more), $EMPTY_FILES names," \
	"${LINK_MIRROR_DIRS}×10 mirror, $SEG_MIB MiB segmented at ${FAR_RTT} ms or more ($SEG_NEAR_MIB MiB nearer, $SEG_RATED_MIB MiB on rate-capped links), $LINK_ROUNDS rounds" >&2
[[ $LINK_ALL_BIG == 1 ]] || echo "note: on links the big-file cases are get-passive-file, put-passive and get-active-file (LINK_ALL_BIG=1 adds the -null cases and put-active)" >&2

work=$(mktemp -d /tmp/ftpdeck-bench.XXXXXX)
chmod 755 "$work"
cleanup() { [[ "${KEEP:-}" == 1 ]] && echo "kept $work" >&2 || rm -rf "$work"; }
trap cleanup EXIT

echo "building ftpdeck, linkemu, tcpcopy…" >&2
if [[ -n "${FTPDECK_BIN:-}" ]]; then
	cp "$FTPDECK_BIN" "$work/ftpdeck"
else
	(cd "$here" && go build -o "$work/ftpdeck" .)
fi
(cd "$here" && go build -o "$work/tcpcopy" ./bench/tcpcopy)
[[ " $LINKS " == " lo " ]] || (cd "$here" && go build -o "$work/linkemu" ./bench/linkemu)
FTPDECK=$work/ftpdeck TCPCOPY=$work/tcpcopy LINKEMU=$work/linkemu

# --- what this ftpdeck can do ----------------------------------------------
get_help=$("$FTPDECK" get --help 2>&1 || true)
has_segments="" has_limit=""
if grep -q -- '--segments' <<<"$get_help"; then has_segments=1; else
	echo "note: \`ftpdeck get --help\` lists no --segments: the seg4 case runs without its ftpdeck row" >&2
fi
if grep -q -- '--limit-rate' <<<"$get_help"; then has_limit=1; else
	echo "note: \`ftpdeck get --help\` lists no --limit-rate: the limit case is left out" >&2
fi
# bps RATE UNIT: bytes per second of a curl-style rate (10M, 500K, 2G, 1000).
bps() { python3 -c 'import sys; s, u = sys.argv[1], int(sys.argv[2]); e = "KMG".find(s[-1].upper()) + 1 if s[-1].isalpha() else 0; print(int(float(s[:-1] if e else s) * u ** e))' "$1" "$2"; }
LIMIT_CURL_BPS=$(bps "$LIMIT" 1024) # curl: K, M, G are powers of 1024
if [[ -z "${LIMIT_UNIT:-}" ]]; then
	said=$( (grep -- '--limit-rate' <<<"$get_help"; grep -i -A3 'limit.rate' "$here/README.md" 2>/dev/null) || true)
	if grep -Eq 'MiB|KiB|1024|1,024' <<<"$said"; then
		LIMIT_UNIT=1024 unit_why="ftpdeck's help/README speak of MiB/1024"
	elif grep -Eq 'MB/s|kB/s|1000|1,000|decimal|SI' <<<"$said"; then
		LIMIT_UNIT=1000 unit_why="ftpdeck's help/README speak of MB/s (powers of 1000)"
	else
		LIMIT_UNIT=1024 unit_why="assumed: neither ftpdeck's help nor README names the unit; taken as curl's (powers of 1024)"
	fi
else
	unit_why="LIMIT_UNIT set"
fi
LIMIT_FTPDECK_BPS=$(bps "$LIMIT" "$LIMIT_UNIT")
[[ -n "$has_limit" ]] && echo "limit: $LIMIT = $LIMIT_FTPDECK_BPS B/s for ftpdeck ($unit_why), $LIMIT_CURL_BPS B/s for curl" >&2

# --- data -----------------------------------------------------------------
srv=$work/srv
mkdir -p "$srv/up" "$work/empty-root" "$work/local"
echo "generating data…" >&2
head -c $((BIG_MIB << 20)) /dev/urandom >"$srv/big"
head -c $((LINK_BIG_MIB << 20)) /dev/urandom >"$srv/lbig"
head -c $((SEG_MIB << 20)) /dev/urandom >"$srv/seg"
head -c $((SEG_RATED_MIB << 20)) /dev/urandom >"$srv/rseg"
head -c $((SEG_NEAR_MIB << 20)) /dev/urandom >"$srv/nseg"
limit_bytes=$(python3 -c "print(int($LIMIT_SECS * max($LIMIT_FTPDECK_BPS, $LIMIT_CURL_BPS)))")
[[ -n "$has_limit" ]] && head -c "$limit_bytes" /dev/urandom >"$srv/rate"
SRV=$srv SMALL_FILES=$SMALL_FILES LINK_SMALL_FILES=$LINK_SMALL_FILES FAR_SMALL_FILES=$FAR_SMALL_FILES \
	EMPTY_FILES=$EMPTY_FILES MIRROR_DIRS=$MIRROR_DIRS LINK_MIRROR_DIRS=$LINK_MIRROR_DIRS python3 - <<'EOF'
import os
e = os.environ
srv = e["SRV"]
def tree(top, dirs):
    for d in range(dirs):
        p = os.path.join(srv, top, "a%03d" % (d // 100), "d%05d" % d)
        os.makedirs(p, exist_ok=True)
        for i in range(10):
            with open(os.path.join(p, "f%d.txt" % i), "wb") as f:
                f.write(os.urandom(100 + 37 * i))
def files(top, n, size):
    os.makedirs(os.path.join(srv, top), exist_ok=True)
    blob = os.urandom(size)
    for i in range(n):
        with open(os.path.join(srv, top, "f%05d.bin" % i), "wb") as f:
            f.write(blob)
tree("tree", int(e["MIRROR_DIRS"]))
tree("ltree", int(e["LINK_MIRROR_DIRS"]))
files("small", int(e["SMALL_FILES"]), 4096)
files("lsmall", int(e["LINK_SMALL_FILES"]), 4096)
files("fsmall", int(e["FAR_SMALL_FILES"]), 4096)
files("empty", 0, 0)
for i in range(int(e["EMPTY_FILES"])):
    open(os.path.join(srv, "empty", "e%06d" % i), "wb").close()
EOF
cp "$srv/big" "$work/local/big"
cp "$srv/lbig" "$work/local/lbig"
chown -R "$USER_NAME:" "$srv"

# --- vsftpd ---------------------------------------------------------------
# free_port prints a loopback port that was free a moment ago.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# vs_start NAME [CONF-LINE]: vsftpd on $HOST (in the server's namespace on
# a link: SV and CL prefix the server's and the client's commands), its
# port in PORT; vs_stop ends every one started.
HOST=127.0.0.1 CLIENT_ADDR=127.0.0.1 SV=() CL=() at=""
vs_pids=()
vs_start() {
	local name=$1 extra=${2:-}
	PORT=$(free_port)
	local pasv_lo=$((40000 + RANDOM % 20000))
	cat >"$work/vsftpd-$name.conf" <<-EOF
	listen=YES
	listen_ipv6=NO
	listen_address=$HOST
	listen_port=$PORT
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
	$extra
	EOF
	"${SV[@]}" "$VSFTPD" "$work/vsftpd-$name.conf" >"$work/vsftpd-$name.out" 2>&1 &
	vs_pids+=($!)
	local ok=""
	for _ in $(seq 50); do
		"${CL[@]}" bash -c "exec 3<>/dev/tcp/$HOST/$PORT" 2>/dev/null && { ok=1; break; }
		sleep 0.1 # another process's port: nothing to wait on but the port itself
	done
	[[ -n "$ok" ]] || { echo "vsftpd ($name) did not start:" >&2; cat "$work/vsftpd-$name.out" >&2; return 1; }
}
vs_stop() {
	local p
	for p in "${vs_pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
	vs_pids=()
}

# --- measuring --------------------------------------------------------------
# run CMD...: CMD as a background job, waited for. A job ignores Ctrl-C
# (SIGINT), and `wait` returns at once when a trapped signal arrives, so
# the trap below runs then and ends the job (kill_tree) — run in the
# foreground instead, lftp and /usr/bin/time would swallow the Ctrl-C and
# bash would carry on with the next case.
fg_pid=""
run() {
	"$@" <&0 & # <&0: a job's stdin is /dev/null otherwise, and poll's script comes on stdin
	fg_pid=$!
	local rc=0
	wait "$fg_pid" || rc=$?
	fg_pid=""
	return "$rc"
}
# kill_tree PID: PID and its descendants, by id.
kill_tree() {
	local c
	for c in $(pgrep -P "$1" 2>/dev/null || true); do kill_tree "$c"; done
	kill "$1" 2>/dev/null || true
}
# Results: one line per run, "CASE<TAB>TOOL<TAB>SECONDS<TAB>MAXRSS_KIB<TAB>AMOUNT"
# (SECONDS FAIL for a failed run; AMOUNT - for the case's own). units.txt
# gives each case its amount: "CASE<TAB>bytes|files|none<TAB>N".
results=$work/results.txt units=$work/units.txt
: >"$results"
: >"$units"
unit() { printf '%s\t%s\t%s\n' "$1$at" "$2" "$3" >>"$units"; }
# measure CASE TOOL CMD...: one run of CMD in the client's namespace; its
# stdout goes to /dev/null unless it redirects.
measure() {
	local c=$1$at tool=$2
	shift 2
	if ! run /usr/bin/time -o "$work/time.txt" -f '%e %M' "${CL[@]}" "$@" >/dev/null 2>"$work/err.txt"; then
		echo "FAILED: $c $tool: $(tail -3 "$work/err.txt" | tr '\n' ' ')" >&2
		printf '%s\t%s\tFAIL\t0\t-\n' "$c" "$tool" >>"$results"
		return 0
	fi
	local secs rss
	read -r secs rss < <(tail -1 "$work/time.txt")
	printf '%s\t%s\t%s\t%s\t-\n' "$c" "$tool" "$secs" "$rss" >>"$results"
}

# poll CASE TOOL TARGET SIZE PID CMD...: runs CMD, times TARGET (or
# TARGET.part) from its first byte to holding SIZE bytes, and appends that
# with the bytes and the peak RSS: of CMD itself when PID is -, else of the
# process PID (VmHWM), whose CPU time in that window goes to a "tui-cpu"
# line when CASE is tui-1GiB. For CASE limit it also appends limit-cmd: the
# same bytes over the whole command (login included, as curl's limiter
# counts). It looks every 2 ms.
poll() {
	local c=$1$at tool=$2 target=$3 size=$4 pid=$5
	shift 5
	run python3 - "$c" "$tool" "$target" "$size" "$pid" "$@" >>"$results" <<'PY'
import os, subprocess, sys, time
c, tool, target, size, pid, cmd = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6:]
t0 = time.monotonic()
proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
own = pid == "-"
if own:
    pid = str(proc.pid)
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    try:
        f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / tick
    except (OSError, IndexError):
        return None
def hwm():
    try:
        for line in open("/proc/%s/status" % pid):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
deadline = time.monotonic() + 120 + size / 1e6
start = c0 = None
done = False
while time.monotonic() < deadline:
    now = time.monotonic()
    st = -1
    for p in (target + ".part", target):
        try:
            st = max(st, os.stat(p).st_size)
        except FileNotFoundError:
            pass
    if st > 0 and start is None:
        start, c0 = now, cpu()
    if st >= size:
        c1 = cpu()
        done = True
        break
    if own and proc.poll() is not None and st < size:
        break
    time.sleep(0.002)
if own:
    _, status, ru = os.wait4(proc.pid, 0)
    total = time.monotonic() - t0
    rss = ru.ru_maxrss
    ok = done and status == 0
else:
    rss = hwm()
    proc.wait()
    ok = done
if ok:
    print("%s\t%s\t%.3f\t%d\t%d" % (c, tool, now - start, rss, size))
    if c.startswith("limit") and own:
        print("%s\t%s\t%.3f\t%d\t%d" % (c.replace("limit", "limit-cmd", 1), tool, total, rss, size))
    if c.startswith("tui-1GiB") and c0 is not None and c1 is not None:
        print("tui-cpu\t%s\t%.3f\t0\t-" % (tool, c1 - c0))
else:
    print("%s\t%s\tFAIL\t0\t-" % (c, tool))
    print("FAILED: %s %s" % (c, tool), file=sys.stderr)
PY
}

# tcp: the raw TCP limit, one stream from the server's side to the client's
# for TCP_SECS, the way a download's bytes go.
tcp_pid=""
tcp() {
	local p=5201 bytes secs
	[[ -z "$at" ]] && p=$(free_port)
	"${SV[@]}" "$TCPCOPY" -listen "$HOST:$p" -secs "$TCP_SECS" >/dev/null &
	tcp_pid=$!
	if run "${CL[@]}" "$TCPCOPY" -dial "$HOST:$p" >"$work/tcp.txt"; then
		read -r bytes secs <"$work/tcp.txt"
		printf '%s\t%s\t%s\t0\t%s\n' "tcp$at" tcpcopy "$secs" "$bytes" >>"$results"
	else
		echo "FAILED: tcp$at" >&2
	fi
	wait "$tcp_pid" 2>/dev/null || true
	tcp_pid=""
}

# fresh empties the download folder and flushes the page cache's dirty
# pages (untimed), so every case that writes starts from the same state
# instead of paying for the previous case's writeback.
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
# The cases, one function per tool; they read big, mode, lmode, cmode, p,
# smalldir, URL and LFTP_LOGIN (and the capped server's URL_CAP, LFTP_CAP)
# from the caller (bash's dynamic scope).
gf_ftpdeck() { fresh; measure "get-$mode-file" ftpdeck "$FTPDECK" get --$mode "$URL/$big" "$work/dl/big"; }
gf_lftp() { has lftp && fresh && measure "get-$mode-file" lftp lftp "${LFTP_LOGIN[@]}" -e "set ftp:passive-mode $lmode; set xfer:clobber on; get /$big -o $work/dl/big; quit"; }
gf_curl() { has curl && fresh && measure "get-$mode-file" curl curl -sS "${cmode[@]}" -o "$work/dl/big" "$URL/$big"; }
gn_ftpdeck() { measure "get-$mode-null" ftpdeck "$FTPDECK" get --$mode "$URL/$big" /dev/null; }
gn_stdout() { measure "get-$mode-null" "ftpdeck(-)" "$FTPDECK" get --$mode "$URL/$big" -; }
gn_lftp() { has lftp && measure "get-$mode-null" lftp lftp "${LFTP_LOGIN[@]}" -e "set ftp:passive-mode $lmode; set xfer:clobber on; get /$big -o /dev/null; quit"; }
gn_curl() { has curl && measure "get-$mode-null" curl curl -sS "${cmode[@]}" -o /dev/null "$URL/$big"; }
pt_ftpdeck() { sync; measure "put-$mode" ftpdeck "$FTPDECK" put --$mode --on-conflict overwrite "$work/local/$big" "$URL/up/"; }
pt_lftp() { has lftp && sync && measure "put-$mode" lftp lftp "${LFTP_LOGIN[@]}" -e "set ftp:passive-mode $lmode; put $work/local/$big -o /up/$big; quit"; }
pt_curl() { has curl && sync && measure "put-$mode" curl curl -sS "${cmode[@]}" -T "$work/local/$big" "$URL/up/"; }
sm_ftpdeck() { fresh; measure "small-p$p" ftpdeck "$FTPDECK" get --parallel $p "$URL/$smalldir" "$work/dl"; }
sm_lftp() { has lftp && fresh && measure "small-p$p" lftp lftp "${LFTP_LOGIN[@]}" -e "mirror -P $p /$smalldir $work/dl/$smalldir; quit"; }
ls_ftpdeck() { measure ls ftpdeck "$FTPDECK" ls "$URL/empty"; }
ls_lftp() { has lftp && measure ls "lftp cls" lftp "${LFTP_LOGIN[@]}" -e "cls -1 /empty; quit"; }
ls_curl() { has curl && measure ls "curl (LIST, unparsed)" curl -sS "$URL/empty/"; }
# Segmented: the capped server, seg1 one connection, seg4 SEGMENTS of them.
s1_ftpdeck() { fresh; measure seg1 ftpdeck "$FTPDECK" get "$URL_CAP/$segfile" "$work/dl/seg"; }
s1_lftp() { has lftp && fresh && measure seg1 "lftp get" lftp "${LFTP_CAP[@]}" -e "set xfer:clobber on; get /$segfile -o $work/dl/seg; quit"; }
s1_curl() { has curl && fresh && measure seg1 curl curl -sS -o "$work/dl/seg" "$URL_CAP/$segfile"; }
s4_ftpdeck() { [[ -n "$has_segments" ]] && fresh && measure "seg$SEGMENTS" "ftpdeck --segments $SEGMENTS" "$FTPDECK" get --segments "$SEGMENTS" "$URL_CAP/$segfile" "$work/dl/seg"; }
s4_lftp() { has lftp && fresh && measure "seg$SEGMENTS" "lftp pget -n $SEGMENTS" lftp "${LFTP_CAP[@]}" -e "set xfer:clobber on; pget -n $SEGMENTS /$segfile -o $work/dl/seg; quit"; }
# Rate limit: from the first byte to the last of limit_bytes.
lr_ftpdeck() { fresh; poll limit "ftpdeck --limit-rate $LIMIT" "$work/dl/rate" "$limit_bytes" - "${CL[@]}" "$FTPDECK" get --limit-rate "$LIMIT" "$URL/rate" "$work/dl/rate"; }
lr_curl() { has curl && fresh && poll limit "curl --limit-rate $LIMIT" "$work/dl/rate" "$limit_bytes" - "${CL[@]}" curl -sS --limit-rate "$LIMIT" -o "$work/dl/rate" "$URL/rate"; }
# Mirror: a tree of folders × 10 files, first into an empty folder, then
# again with nothing changed, then with 1% of the files changed on the
# server (mr_change, untimed, before both tools run).
mr_ftpdeck() { measure "mirror-$1" ftpdeck "$FTPDECK" mirror --parallel 4 "$URL/$treedir" "$work/m-ftpdeck"; }
mr_lftp() { has lftp && measure "mirror-$1" lftp lftp "${LFTP_LOGIN[@]}" -e "mirror -P 4 /$treedir $work/m-lftp; quit"; }
mr_first() { rm -rf "$work/m-ftpdeck" "$work/m-lftp"; sync; rot "$1" "mr_ftpdeck first" "mr_lftp first"; }
mr_change() {
	python3 - "$srv/$treedir" "$tree_dirs" "$1" <<'PY'
import os, sys, random
tree, dirs, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(seed)
for _ in range(max(1, dirs * 10 // 100)):
    d = r.randrange(dirs)
    p = os.path.join(tree, "a%03d" % (d // 100), "d%05d" % d, "f%d.txt" % r.randrange(10))
    with open(p, "wb") as f:
        f.write(os.urandom(r.randrange(50, 500)))
PY
}

# case_round ROUND: every case once on the current link.
case_round() {
	local r=$1 mode lmode cmode p
	want tcp && tcp
	# one big file, download and upload, passive and active
	for mode in passive active; do
		lmode=on cmode=()
		[[ $mode == active ]] && { lmode=off; cmode=(-P "$CLIENT_ADDR"); }
		want "get-$mode-file" && rot "$r" gf_ftpdeck gf_lftp gf_curl
		if [[ -z "$at" || $LINK_ALL_BIG == 1 ]]; then
			want "get-$mode-null" && rot "$r" gn_ftpdeck gn_stdout gn_lftp gn_curl
		fi
		if [[ -z "$at" || $LINK_ALL_BIG == 1 || $mode == passive ]]; then
			want "put-$mode" && rot "$r" pt_ftpdeck pt_lftp pt_curl
		fi
	done
	# small files, 4 connections and one
	for p in 4 1; do
		want "small-p$p" && rot "$r" sm_ftpdeck sm_lftp
	done
	want ls && rot "$r" ls_ftpdeck ls_lftp ls_curl
	# segmented, from the capped server
	want seg1 && rot "$r" s1_ftpdeck s1_lftp s1_curl
	want "seg$SEGMENTS" && rot "$r" s4_ftpdeck s4_lftp
	# rate limit: once per link in LIMIT_LINKS
	if [[ $r == 1 && -n "$has_limit" && " $LIMIT_LINKS " == *" $link "* ]] && want limit; then
		rot "$r" lr_ftpdeck lr_curl
	fi
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
tui_one() {
	rm -f "$work/tui/big" "$work/tui/big.part"
	sync
	poll tui-1GiB ftpdeck-tui "$work/tui/big" $((BIG_MIB << 20)) "$tui_pid" tmux -L "$tui_sock" send-keys -t b c
	# let the queue finish its fsync and rename before the next case
	for _ in $(seq 600); do [[ -f "$work/tui/big" ]] && break; sleep 0.1; done
}
headless_one() {
	fresh
	poll tui-1GiB ftpdeck-headless "$work/dl/big" $((BIG_MIB << 20)) - "$FTPDECK" get "$URL/big" "$work/dl/big"
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
tui_stop() { [[ -n "$tui_ready" ]] && tmux -L "$tui_sock" kill-server 2>/dev/null || true; tui_ready=""; }

# --- the links ----------------------------------------------------------------
source "$here/bench/link.sh"
link_name=fdb$$
link_is_up=""
teardown() {
	[[ -n "$fg_pid" ]] && kill_tree "$fg_pid"
	tui_stop
	[[ -n "$tcp_pid" ]] && kill "$tcp_pid" 2>/dev/null || true
	vs_stop
	[[ -n "$link_is_up" ]] && link_down "$link_name"
	link_is_up=""
	cleanup
}
trap teardown EXIT
# (fd 9 is the script's stderr: a trap runs inside whatever redirections
# the interrupted function had, such as measure's 2>err.txt)
exec 9>&2
trap 'echo "bench/run.sh: interrupted, tearing down" >&9; exit 130' INT
trap 'exit 143' TERM HUP

for link in $LINKS; do
	if [[ $link == lo ]]; then
		HOST=127.0.0.1 CLIENT_ADDR=127.0.0.1 SV=() CL=() at=""
		big=big smalldir=small treedir=tree tree_dirs=$MIRROR_DIRS segfile=nseg rounds=$ROUNDS
		big_mib=$BIG_MIB small_n=$SMALL_FILES seg_mib=$SEG_NEAR_MIB
	else
		rtt=${link%%/*} rate=${link#*/}
		link_is_up=1
		link_up "$link_name" "$(python3 -c "print('%gms' % ($rtt / 2))")" "$rate"
		HOST=198.18.0.2 CLIENT_ADDR=198.18.0.1 SV=(ip netns exec "$link_name-s") CL=(ip netns exec "$link_name-c")
		at="@${rtt}ms${rate:+-$rate}"
		big=lbig treedir=ltree tree_dirs=$LINK_MIRROR_DIRS rounds=$LINK_ROUNDS big_mib=$LINK_BIG_MIB
		smalldir=lsmall small_n=$LINK_SMALL_FILES segfile=nseg seg_mib=$SEG_NEAR_MIB
		if python3 -c "import sys; sys.exit(0 if $rtt >= $FAR_RTT else 1)"; then
			smalldir=fsmall small_n=$FAR_SMALL_FILES segfile=seg seg_mib=$SEG_MIB
			echo "note: at $rtt ms the small-file cases use $small_n files (FAR_SMALL_FILES), not $LINK_SMALL_FILES, to keep the run short" >&2
		fi
		if [[ -n "$rate" ]]; then
			segfile=rseg seg_mib=$SEG_RATED_MIB
			echo "note: at $rate the segmented cases use $seg_mib MiB (SEG_RATED_MIB): the link, not the server's cap, is the limit there" >&2
		fi
	fi
	echo "link ${at:-loopback} ($rounds rounds)…" >&2
	link_start=$SECONDS
	for m in passive active; do
		unit "get-$m-file" bytes $((big_mib << 20))
		unit "get-$m-null" bytes $((big_mib << 20))
		unit "put-$m" bytes $((big_mib << 20))
	done
	unit small-p4 files "$small_n"
	unit small-p1 files "$small_n"
	unit ls names "$EMPTY_FILES"
	unit seg1 bytes $((seg_mib << 20))
	unit "seg$SEGMENTS" bytes $((seg_mib << 20))
	unit limit bytes "$limit_bytes"
	unit limit-cmd bytes "$limit_bytes"
	unit tcp bytes 0
	for m in first same 1pct; do unit "mirror-$m" none 0; done
	vs_start main
	URL="ftp://$USER_NAME:$PASSWORD@$HOST:$PORT" LFTP_LOGIN=(-u "$USER_NAME,$PASSWORD" -p "$PORT" "$HOST")
	vs_start capped "local_max_rate=$SEG_CAP"
	URL_CAP="ftp://$USER_NAME:$PASSWORD@$HOST:$PORT" LFTP_CAP=(-u "$USER_NAME,$PASSWORD" -p "$PORT" "$HOST")
	for r in $(seq "$rounds"); do
		echo "  round $r of $rounds…" >&2
		case_round "$r"
		if [[ -z "$at" ]] && want tui; then
			unit tui-1GiB bytes $((BIG_MIB << 20))
			unit tui-cpu none 0
			tui_round "$r"
		fi
	done
	tui_stop
	vs_stop
	echo "  link ${at:-loopback} took $((SECONDS - link_start)) s" >&2
	if [[ -n "$link_is_up" ]]; then
		link_down "$link_name"
		link_is_up=""
	fi
done

# --- tables -------------------------------------------------------------------
echo >&2
TCP_SECS=$TCP_SECS LIMIT=$LIMIT LIMIT_FTPDECK_BPS=$LIMIT_FTPDECK_BPS LIMIT_CURL_BPS=$LIMIT_CURL_BPS SEGMENTS=$SEGMENTS \
	python3 - "$results" "$units" <<'EOF'
import collections, os, re, statistics, sys
results, units = sys.argv[1], sys.argv[2]
M = 1 << 20
env = os.environ
seg = "seg" + env["SEGMENTS"]
unit = {}
for line in open(units):
    c, kind, n = line.rstrip("\n").split("\t")
    unit[c] = (kind, int(n))
runs = collections.defaultdict(list)  # (case, tool) -> [(secs|None, rss_kib, amount|None)]
order = []
for line in open(results):
    f = line.rstrip("\n").split("\t")
    if len(f) != 5:
        continue
    c, tool, secs, rss, amount = f
    if (c, tool) not in runs:
        order.append((c, tool))
    runs[(c, tool)].append((None if secs == "FAIL" else float(secs), int(rss), None if amount == "-" else int(amount)))

def split(c):
    base, _, link = c.partition("@")
    return base, link or "loopback"
def med(c, t):
    v = [s for s, _, _ in runs.get((c, t), []) if s is not None]
    return statistics.median(v) if v else None
def rate(c, t):
    """median bytes (or files) per second, from each run's amount"""
    kind, n = unit.get(c, ("none", 0))
    v = [(a if a is not None else n) / s for s, _, a in runs.get((c, t), []) if s]
    return (kind, statistics.median(v)) if v and kind != "none" else (kind, None)
def rss(c, t):
    v = [r for _, r, _ in runs.get((c, t), []) if r]
    return max(v) / 1024 if v else None
def is_ftpdeck(t):
    return t.startswith("ftpdeck")
def fmt_rate(kind, r):
    if r is None:
        return ""
    if kind == "bytes":
        return f"{r / M:,.1f} MiB/s"
    return f"{r:,.0f} {kind}/s"

links = []
for c, _ in order:
    l = split(c)[1]
    if l not in links:
        links.append(l)
tcp = {split(c)[1]: rate(c, "tcpcopy")[1] for c, t in order if t == "tcpcopy"}

print(f"### Limits measured in the same run (raw TCP: one stream, server → client, {env['TCP_SECS']} s with its slow start)")
print()
print("| link | raw TCP |")
print("|---|---|")
for l in links:
    if l in tcp and tcp[l]:
        print(f"| {l} | {tcp[l] / M:,.0f} MiB/s ({tcp[l] * 8 / 1e6:,.0f} Mbit/s) |")
print()

def lim(t):
    return int(env["LIMIT_CURL_BPS"]) if t.startswith("curl") else int(env["LIMIT_FTPDECK_BPS"])

print("### Results (medians)")
print()
print("| link | case | tool | median s | rate | peak RSS | n | ftpdeck vs best peer |")
print("|---|---|---|--:|--:|--:|--:|---|")
main_ftpdeck = {}  # case -> (tool, median)
best_peer = {}     # case -> (tool, median)
samples = []
cases = []
for c, _ in order:
    if c not in cases and not c.startswith("tcp"):
        cases.append(c)
for c in cases:
    base, l = split(c)
    tools = [t for cc, t in order if cc == c]
    tools.sort(key=lambda t: (not is_ftpdeck(t), t != "ftpdeck", t))
    peers = [(med(c, t), t) for t in tools if not is_ftpdeck(t) and med(c, t) is not None]
    bp = min(peers) if peers else None
    if bp:
        best_peer[c] = (bp[1], bp[0])
    for t in tools:
        m = med(c, t)
        if is_ftpdeck(t) and c not in main_ftpdeck and m is not None and t != "ftpdeck(-)":
            main_ftpdeck[c] = (t, m)
        n = len(runs[(c, t)])
        samples.append(f"{c} {t}: " + " ".join("FAIL" if s is None else f"{s:.2f}" for s, _, _ in runs[(c, t)]))
        if m is None:
            print(f"| {l} | {base} | {t} | FAIL | | | {n} | |")
            continue
        kind, r = rate(c, t)
        extra = ""
        if base.startswith("limit"):
            extra = f"{r / lim(t):.1%} of the limit" if r else ""
        elif base == "tui-1GiB" and t == "ftpdeck-tui" and med(c, "ftpdeck-headless"):
            extra = f"{med(c, 'ftpdeck-headless') / m:.3f}× headless (TUI {m / med(c, 'ftpdeck-headless') - 1:+.1%})"
        elif base == "tui-cpu" and t == "ftpdeck-tui" and med(c, "ftpdeck-headless") is not None and med("tui-1GiB", t):
            extra = f"TUI beyond headless: {(m - med(c, 'ftpdeck-headless')) / med('tui-1GiB', t):+.1%} of one core"
        elif base.startswith("tui"):
            extra = ""
        elif is_ftpdeck(t) and bp:
            extra = f"{bp[0] / m:.2f}× {bp[1]}"
        if kind == "bytes" and r and tcp.get(l) and not base.startswith("limit"):
            extra += (", " if extra else "") + f"{r / tcp[l]:.0%} of raw TCP"
        rs = rss(c, t)
        print(f"| {l} | {base} | {t} | {m:.3f} | {fmt_rate(kind, r)} | {'' if rs is None else f'{rs:.1f} MiB'} | {n} | {extra} |")
print()

# --- issue 19's targets ---
def rtt_of(l):
    m = re.match(r"(\d+(?:\.\d+)?)ms", l)
    return float(m[1]) if m else None
def ratio(c, peer_tool, ft="ftpdeck"):
    """peer's median / ftpdeck's: above 1, ftpdeck is faster"""
    a, b = med(c, peer_tool), med(c, ft)
    return a / b if a and b else None
rows = []
def target(name, value, met):
    rows.append((name, value, "—" if met is None else ("met" if met else "**not met**")))
for l in links:
    if rtt_of(l) != 80:
        continue
    for p, want in (("4", 2.5), ("1", 1.6)):
        r = ratio(f"small-p{p}@{l}", "lftp")
        target(f"{l}: small files, {p} connection{'s' if p != '1' else ''}, ≥ {want}× lftp mirror -P {p}",
               f"{r:.2f}×" if r else "not measured", r >= want if r else None)
for l in links:
    if rtt_of(l) != 80 or "-" in l:
        continue
    c4, c1 = f"{seg}@{l}", f"seg1@{l}"
    f4 = med(c4, "ftpdeck --segments " + env["SEGMENTS"])
    pg = med(c4, "lftp pget -n " + env["SEGMENTS"])
    f1 = med(c1, "ftpdeck")
    target(f"{l}, server capped per connection: --segments {env['SEGMENTS']} no slower than lftp pget -n {env['SEGMENTS']}",
           f"{f4:.2f} s vs {pg:.2f} s" if f4 and pg else "not measured", f4 <= pg if f4 and pg else None)
    target(f"{l}, server capped per connection: --segments {env['SEGMENTS']} ≥ 2.4× ftpdeck without segments",
           f"{f1 / f4:.2f}×" if f4 and f1 else "not measured", f1 / f4 >= 2.4 if f4 and f1 else None)
for l in links:
    if rtt_of(l) not in (20, 80):
        continue
    a, b = med(f"ls@{l}", "ftpdeck"), med(f"ls@{l}", "lftp cls")
    target(f"{l}: listing of names ≤ 0.8× lftp cls", f"{a / b:.2f}× ({a:.2f} s vs {b:.2f} s)" if a and b else "not measured",
           a / b <= 0.8 if a and b else None)
a, b = med("ls", "ftpdeck"), med("ls", "curl (LIST, unparsed)")
if "loopback" in links:
    target("loopback: listing ≤ 1.2× curl's raw LIST", f"{a / b:.2f}× ({a:.3f} s vs {b:.3f} s)" if a and b else "not measured",
           a / b <= 1.2 if a and b else None)
for c, t in order:
    if split(c)[0] == "limit":
        k, r = rate(c, t)
        if r:
            k2, r2 = rate(c.replace("limit", "limit-cmd", 1), t)
            whole = f"; whole command {r2 / M:.2f} MiB/s ({r2 / lim(t) - 1:+.1%})" if r2 else ""
            target(f"{split(c)[1]}: {t} within 5% of {lim(t) / M:.2f} MiB/s (first byte to last)",
                   f"{r / M:.2f} MiB/s ({r / lim(t) - 1:+.1%}){whole}",
                   abs(r / lim(t) - 1) <= 0.05 if is_ftpdeck(t) else None)
if "loopback" in links:
    behind = []
    for c in cases:
        base, l = split(c)
        if l != "loopback" or base in ("limit", "limit-cmd", "tui-1GiB", "tui-cpu") or c not in main_ftpdeck or c not in best_peer:
            continue
        if main_ftpdeck[c][1] > best_peer[c][1]:
            behind.append(f"{base} {best_peer[c][1] / main_ftpdeck[c][1]:.2f}×")
    target("loopback: every case ≥ the best peer", "behind in: " + ", ".join(behind) if behind else "ahead or level in every case",
           not behind)
over = [f"{split(c)[1]} {split(c)[0]} {rss(c, t):.0f} MiB" for c, t in order if is_ftpdeck(t) and rss(c, t) and rss(c, t) > 64]
peak = max((rss(c, t) or 0 for c, t in order if is_ftpdeck(t)), default=0)
target("peak RSS ≤ 64 MiB in every case", f"highest {peak:.1f} MiB" + ("; over: " + ", ".join(over) if over else ""), not over)

print("### Issue 19's targets")
print()
print("| target | measured | |")
print("|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
print("Every run, in order (seconds):")
print()
print("```")
for line in samples:
    print(line)
print("```")
EOF
