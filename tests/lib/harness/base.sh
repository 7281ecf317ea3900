# shellcheck shell=bash
# tests/lib/harness/base.sh: processes, namespaces and waiting: the pieces
# every harness on top of this library shares.  Sourced by harness.sh.
#
#   h_wait SECS CMD...      retry CMD every 0.1 s until it succeeds or SECS
#                           pass (the deadline: no test sleeps and hopes)
#   h_bg NODE LOG CMD...    CMD in namespace ${H_NS}NODE, in the background,
#                           output to LOG; pid in H_LAST, killed by h_down
#   h_in NODE CMD...        CMD in namespace ${H_NS}NODE
#   h_track PID...          h_down kills these too
#   h_gone PID...           true when none of them runs any more
#   h_stop PID...           TERM, up to 2 s for them to go, then KILL
#   h_capture NETNS IFACE FILE [OPTION...] FILTER...
#                           tcpdump on IFACE of namespace NETNS (the full
#                           name) into FILE, in the background (pid in
#                           H_LAST, tracked); returns once it listens, 1
#                           with tcpdump's words on stderr if not
#   h_capture_stop PID [SECS CMD...]
#                           stop that capture once CMD (reading FILE as it
#                           is written) succeeds or SECS pass, and wait
#                           until tcpdump has closed FILE
#   h_down                  stop every tracked process, the xenstored
#                           fixtures (h_xenstored), the WAN links
#                           (wan_link) and everything left in our
#                           namespaces, delete the namespaces
#                           (idempotent; the run directory stays)
# Variables: H_NS (namespace prefix, unique per run), RUN (run directory),
# BIN (binaries); H_PIDS and H_NETNS (what h_down removes, space-separated).

H_PIDS=${H_PIDS:-}
H_NETNS=${H_NETNS:-}
H_LAST=""

h_wait() {
	local secs=$1 end
	shift
	end=$(($(date +%s%N) / 1000000 + secs * 1000))
	while [ $(($(date +%s%N) / 1000000)) -lt "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# Predicates for h_wait that run CMD again each round (an argument like
# "$(cmd)" would be expanded once, before the wait starts):
#   h_out_is VALUE CMD...   CMD prints VALUE
#   h_out_ge N CMD...       CMD prints an integer >= N (h_out_gt: > N)
h_out_is() { local want=$1; shift; [ "$("$@")" = "$want" ]; }
h_out_ge() { local n=$1 v; shift; v=$("$@") && [ "$v" -ge "$n" ]; }
h_out_gt() { local n=$1 v; shift; v=$("$@") && [ "$v" -gt "$n" ]; }

h_in() {
	local n=$1
	shift
	ip netns exec "${H_NS}$n" "$@"
}

h_track() {
	H_PIDS="$H_PIDS $*"
}

h_bg() {
	local n=$1 log=$2
	shift 2
	ip netns exec "${H_NS}$n" "$@" >"$log" 2>&1 &
	H_LAST=$!
	h_track "$H_LAST"
}

# a zombie is gone for our purpose: its parent (this shell) reaps it later
h_gone() {
	local p st
	for p in "$@"; do
		st=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null) || continue
		[ -z "$st" ] || [ "$st" = Z ] || return 1
	done
	return 0
}

h_stop() {
	local p
	[ "$#" -gt 0 ] || return 0
	for p in "$@"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	h_wait 2 h_gone "$@" || true
	for p in "$@"; do
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}

# --immediate-mode: each frame reaches tcpdump as it arrives.  Without it
# libpcap's TPACKET_V3 ring hands tcpdump a block only when the block is
# full or its retire timer fires, and the block still held when tcpdump is
# stopped is lost (seen on kernel 6.18: "18 packets received by filter, 0
# packets captured").  -U: each frame is written to FILE as soon as tcpdump
# has it.
h_capture() {
	local ns=$1 ifc=$2 file=$3
	shift 3
	ip netns exec "$ns" tcpdump -i "$ifc" --immediate-mode -U -n \
	    -w "$file" "$@" >/dev/null 2>"$file.err" &
	H_LAST=$!
	h_track "$H_LAST"
	h_wait 10 grep -q "listening on" "$file.err" && return 0
	echo "tcpdump did not start: $(cat "$file.err")" >&2
	return 1
}

# A frame the kernel has queued but tcpdump not yet read (a busy machine)
# is lost when tcpdump stops, so the frames a test needs are waited for,
# not hoped for after a fixed sleep.
h_capture_stop() {
	local pid=$1 secs
	shift
	if [ $# -gt 0 ]; then
		secs=$1
		shift
		h_wait "$secs" "$@" ||
		    echo "capture: '$*' still false after ${secs}s" >&2
	fi
	kill -INT "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

h_down() {
	local p ns
	# shellcheck disable=SC2086 # word lists
	h_stop $H_PIDS
	H_PIDS=""
	h_xs_down
	wan_teardown 2>/dev/null || true
	# anything still running in our namespaces was started by this run
	for ns in $H_NETNS; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
	H_NETNS=""
	return 0
}
