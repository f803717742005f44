#!/usr/bin/env bash
# bench/link.sh — an emulated link between two network namespaces, for the
# bench (DESIGN.md, "The link is part of the bench"). Source it, then:
#
#   link_up NAME DELAY RATE   e.g. link_up b 40ms 100mbit (one-way delay;
#                             RATE empty = unlimited)
#   link_down NAME
#
# link_up creates namespaces NAME-c (the client, 198.18.0.1) and NAME-s (the
# server, 198.18.0.2), joined only by bench/linkemu's two TUN devices, and
# brings up loopback in both. Run a server with `ip netns exec NAME-s …` and
# a client with `ip netns exec NAME-c …`. Addresses are in the benchmark
# range 198.18.0.0/15 and exist only inside these namespaces. Needs root and
# a built linkemu at $LINKEMU.
link_up() {
	local name=$1 delay=$2 rate=${3:-}
	link_down "$name" 2>/dev/null || true
	ip netns add "$name-c"
	ip netns add "$name-s"
	local out
	out=$(mktemp)
	"$LINKEMU" -a "$name-tc" -b "$name-ts" -delay "$delay" ${rate:+-rate "$rate"} >"$out" 2>&1 &
	echo $! >"/tmp/linkemu-$name.pid"
	for _ in $(seq 100); do grep -q ready "$out" && break; sleep 0.05; done
	grep -q ready "$out" || { cat "$out" >&2; return 1; }
	rm -f "$out"
	ip link set "$name-tc" netns "$name-c"
	ip link set "$name-ts" netns "$name-s"
	ip -n "$name-c" link set lo up
	ip -n "$name-s" link set lo up
	ip -n "$name-c" addr add 198.18.0.1 peer 198.18.0.2 dev "$name-tc"
	ip -n "$name-s" addr add 198.18.0.2 peer 198.18.0.1 dev "$name-ts"
	ip -n "$name-c" link set "$name-tc" up
	ip -n "$name-s" link set "$name-ts" up
}

link_down() {
	local name=$1
	if [[ -f "/tmp/linkemu-$name.pid" ]]; then
		kill "$(cat "/tmp/linkemu-$name.pid")" 2>/dev/null || true
		rm -f "/tmp/linkemu-$name.pid"
	fi
	# Processes still in the namespaces (a vsftpd session, a client cut
	# short) would keep them alive after `ip netns del`: end them first.
	local ns pids
	for ns in "$name-c" "$name-s"; do
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		[[ -n "$pids" ]] && kill $pids 2>/dev/null || true # unquoted: one id a word
	done
	for ns in "$name-c" "$name-s"; do
		for _ in $(seq 20); do
			[[ -z "$(ip netns pids "$ns" 2>/dev/null || true)" ]] && break
			sleep 0.05 # nothing to wait on for another process's end but its id
		done
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		[[ -n "$pids" ]] && kill -9 $pids 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
}
