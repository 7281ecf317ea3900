# tests/xtr/lib.sh: shell helpers shared by tests/integ/xtr_*.sh.
# Sourced, not run.  The caller sets:
#   PFX   prefix of every namespace name (unique per test, e.g. "xb-");
#         the shell's PID is added, so concurrent runs never collide
#   RUN   the test's run directory (created and removed here; ".PID" added)
# and calls xtr_net NODE:IPSUFFIX... to build a bridge namespace ${PFX}br
# with one namespace per node on 192.0.2.0/24 and 2001:db8:ffff::/64.
# Every daemon started with xtr_start is killed by xtr_cleanup (trap it).

BIN=${BIN:-build/bin}
XTR_PIDS=""
XTR_NS=""
XTR_MADE_BR=0
# Unique per run: two people may run the same test at once on this host.
PFX="${PFX%-}$$-"
RUN="$RUN.$$"

die() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }

xtr_need() {
	# a timeout's SIGTERM must still run the EXIT trap (xtr_cleanup)
	trap 'exit 143' TERM INT
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
	command -v ip >/dev/null || skip "needs iproute2"
	command -v jq >/dev/null || skip "needs jq"
	[ -x "$BIN/xtrd" ] && [ -x "$BIN/xtrctl" ] || skip "build xtrd first"
	ip netns add "${PFX}probe" 2>/dev/null || skip "cannot create netns"
	ip netns del "${PFX}probe"
}

xtr_cleanup() {
	local p ns
	for p in $XTR_PIDS; do
		kill "$p" 2>/dev/null || true
	done
	sleep 0.2
	for p in $XTR_PIDS; do
		kill -9 "$p" 2>/dev/null || true
	done
	for ns in $XTR_NS; do
		ip netns del "$ns" 2>/dev/null || true
	done
	[ "$XTR_MADE_BR" -eq 1 ] && ip netns del "${PFX}br" 2>/dev/null
	true
	if [ -n "${KEEP_RUN:-}" ]; then
		echo "run directory kept: $RUN"
	else
		rm -rf "$RUN"
	fi
}

# xtr_net NODE:N...: node NODE gets 192.0.2.N/24 and 2001:db8:ffff::N/64
xtr_net() {
	local spec node n i=0
	mkdir -p "$RUN"
	ip netns add "${PFX}br"
	XTR_MADE_BR=1
	ip -n "${PFX}br" link add br0 type bridge
	ip -n "${PFX}br" link set br0 up
	for spec in "$@"; do
		node=${spec%%:*}
		n=${spec##*:}
		i=$((i + 1))
		ip netns add "${PFX}$node"
		XTR_NS="$XTR_NS ${PFX}$node"
		ip link add "${PFX}v$i" netns "${PFX}$node" type veth \
		    peer name "p$i" netns "${PFX}br"
		ip -n "${PFX}br" link set "p$i" master br0 up
		ip -n "${PFX}$node" link set lo up
		ip -n "${PFX}$node" link set "${PFX}v$i" name eth0
		ip -n "${PFX}$node" addr add "192.0.2.$n/24" dev eth0
		ip -n "${PFX}$node" addr add "2001:db8:ffff::$n/64" dev eth0 nodad
		ip -n "${PFX}$node" link set eth0 up
	done
}

# xtr_start NODE CONF: run xtrd in the node's namespace, foreground, -v
xtr_start() {
	local node=$1 conf=$2
	ip netns exec "${PFX}$node" "$BIN/xtrd" -d -v -f "$conf" \
	    >"$RUN/$node.log" 2>&1 &
	XTR_PIDS="$XTR_PIDS $!"
	xtr_wait 5 test -S "$RUN/$node.sock" ||
	    die "xtrd on $node did not start: $(tail -5 "$RUN/$node.log")"
}

# xtr_ctl NODE ARGS...: xtrctl against the node's socket
xtr_ctl() {
	local node=$1
	shift
	"$BIN/xtrctl" -s "$RUN/$node.sock" "$@"
}

# xtr_json NODE COMMAND [ARGS] JQ-FILTER: one value out of --json output
xtr_jq() {
	local node=$1 filter=$2
	shift 2
	xtr_ctl "$node" --json "$@" | jq -r "$filter"
}

# xtr_wait SECONDS CMD...: retry CMD every 0.1 s until it succeeds
xtr_wait() {
	local secs=$1 end
	shift
	end=$(( $(date +%s%N) / 1000000 + secs * 1000 ))
	while [ $(( $(date +%s%N) / 1000000 )) -lt "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# xtr_capture NS IFACE FILE [OPTION...] FILTER...: tcpdump on IFACE of
# namespace NS into FILE, in the background (CAP_PID, killed by
# xtr_cleanup); returns once it listens.  --immediate-mode: each frame
# reaches tcpdump as it arrives.  Without it libpcap's TPACKET_V3 ring
# hands tcpdump a block only when the block is full or its retire timer
# fires, and the block still held when tcpdump is stopped is lost (seen on
# kernel 6.18: "18 packets received by filter, 0 packets captured").
# -U: each frame is written to FILE as soon as tcpdump has it.
xtr_capture() {
	local ns=$1 ifc=$2 file=$3
	shift 3
	ip netns exec "$ns" tcpdump -i "$ifc" --immediate-mode -U -n \
	    -w "$file" "$@" >/dev/null 2>"$file.err" &
	CAP_PID=$!
	XTR_PIDS="$XTR_PIDS $CAP_PID"
	xtr_wait 10 grep -q "listening on" "$file.err" ||
	    die "tcpdump did not start: $(cat "$file.err")"
}

# xtr_capture_stop [SECONDS CMD...]: stop the capture of xtr_capture and
# wait until tcpdump has closed its file.  With CMD, first wait up to
# SECONDS until CMD (reading the file as it is written) succeeds: a frame
# the kernel has queued but tcpdump not yet read (a busy machine) is lost
# when tcpdump stops, so the frames a test needs are waited for, not hoped
# for after a fixed sleep.
xtr_capture_stop() {
	local secs
	[ -n "${CAP_PID:-}" ] || return 0
	if [ $# -gt 0 ]; then
		secs=$1
		shift
		xtr_wait "$secs" "$@" ||
		    echo "capture: '$*' still false after ${secs}s" >&2
	fi
	kill -INT "$CAP_PID" 2>/dev/null || true
	wait "$CAP_PID" 2>/dev/null || true
}

# xtr_counter NODE NAME: the value of one counter
xtr_counter() {
	xtr_jq "$1" ".counters.$2" counters
}

# xtr_registered NODE: every database mapping registered
xtr_registered() {
	[ "$(xtr_jq "$1" '[.mappings[] | select(.registered == false)] | length' database)" = 0 ] &&
	[ "$(xtr_jq "$1" '.mappings | length' database)" -gt 0 ]
}

# xtr_has_reg NODE EID FROM: the MS holds a registration of EID from FROM
xtr_has_reg() {
	[ "$(xtr_jq "$1" "[.registrations[] | select(.eid == \"$2\" and .from == \"$3\")] | length" registrations)" = 1 ]
}

# xtr_cached NODE EID RLOC: the map-cache maps EID to RLOC
xtr_cached() {
	[ "$(xtr_jq "$1" "[.entries[] | select(.eid == \"$2\") | .rlocs[] | select(.addr == \"$3\")] | length" map-cache)" -ge 1 ]
}

# xtr_event_seq NODE EVENT [EID]: seq of the first such timeline event
xtr_event_seq() {
	local f=".events[] | select(.event == \"$2\")"
	[ -n "${3:-}" ] && f="$f | select(.eid == \"$3\")"
	xtr_jq "$1" "[$f | .seq] | first // empty" timeline
}
