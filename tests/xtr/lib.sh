# shellcheck shell=bash
# tests/xtr/lib.sh: the xtr_* names of tests/integ/xtr_*.sh, dp_*.sh and
# tests/tools/mig_lib.sh over the shared harness (tests/lib/harness/).
# Sourced, not run.  The caller sets:
#   PFX   prefix of every namespace name (unique per test, e.g. "xb-");
#         the shell's PID is added, so concurrent runs never collide
#   RUN   the test's run directory (created and removed here; ".PID" added)
# and calls xtr_net NODE:IPSUFFIX... to build a bridge namespace ${PFX}br
# with one namespace per node on 192.0.2.0/24 and 2001:db8:ffff::/64.
# Every daemon started with xtr_start, every pid added to XTR_PIDS and
# every namespace added to XTR_NS is removed by xtr_cleanup (trap it).
#
#   xtr_need                     skip (exit 77) when something is missing
#   xtr_net NODE:N...            h_underlay
#   xtr_start NODE CONF          xtrd in ${PFX}NODE (h_start_xtrd), or die
#   xtr_ctl NODE ARGS...         h_xtr          xtr_jq NODE FILTER CMD  h_jq
#   xtr_wait SECS CMD...         h_wait         xtr_counter NODE NAME   h_counter
#   xtr_registered NODE          h_db_registered
#   xtr_has_reg MS EID FROM      the MS holds a registration of EID from FROM
#   xtr_cached NODE EID RLOC     h_cached       xtr_event_seq NODE EV [EID]
#   xtr_capture NS IFACE FILE [OPTION...] FILTER...
#                                h_capture (NS: the full namespace name);
#                                its pid in CAP_PID and XTR_PIDS, or die
#   xtr_capture_stop [SECS CMD...]  h_capture_stop of CAP_PID

BIN=${BIN:-build/bin}
XTR_PIDS=""
XTR_NS=""
# Unique per run: two people may run the same test at once on this host.
PFX="${PFX%-}$$-"
RUN="$RUN.$$"
# the harness's namespace prefix follows PFX (bench/dp_bench.sh changes
# PFX to build a second topology): every wrapper that names a namespace
# calls xtr_pfx first
xtr_pfx() { H_NS=$PFX; }
xtr_pfx

# shellcheck source=tests/lib/harness/harness.sh
. tests/lib/harness/harness.sh

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
	H_PIDS="$H_PIDS $XTR_PIDS"
	H_NETNS="$H_NETNS $XTR_NS"
	XTR_PIDS=""
	XTR_NS=""
	h_down
	if [ -n "${KEEP_RUN:-}" ]; then
		echo "run directory kept: $RUN"
	else
		rm -rf "$RUN"
	fi
}

xtr_net() {
	xtr_pfx
	mkdir -p "$RUN"
	h_underlay "$@" || die "cannot build the underlay $*"
}

xtr_start() {
	xtr_pfx
	h_start_xtrd "$1" "$2" || die "xtrd on $1 did not start"
	XTR_PIDS="$XTR_PIDS $H_LAST"
}

xtr_ctl() { h_xtr "$@"; }
xtr_jq() { h_jq "$@"; }
xtr_wait() { h_wait "$@"; }
xtr_counter() { h_counter "$@"; }
xtr_registered() { h_db_registered "$@"; }
xtr_cached() { h_cached "$@"; }
xtr_event_seq() { h_event_seq "$@"; }

xtr_has_reg() {
	[ "$(h_jq "$1" "[.registrations[] | select(.eid == \"$2\" and .from == \"$3\")] | length" registrations)" = 1 ]
}

# xtr_move_confs SECS: the topology of xtr_move and the ms_* attacker tests,
# written to $RUN/<node>.conf: the Map-Server ms (site "dc", 10.1.0.0/16 and
# 10.3.0.0/24, more-specifics) and the xTRs a, b, c at 192.0.2.1-3 serving
# 10.1.0.0/24, 10.1.1.0/24 and 10.3.0.0/24 (TTL 60 min) through the MS at
# 192.0.2.100, every node registering each SECS seconds.  A test adds its
# own lines to a node's file afterwards.
xtr_move_confs() {
	local secs=$1 n i=0
	h_ms_conf ms "name=dc,key=dc-key-Zq3V9mXp7LtR2wK,eid=10.1.0.0/16,eid=10.3.0.0/24,more_specifics=yes"
	echo "register_interval = $secs" >>"$RUN/ms.conf"
	for n in a:10.1.0.0/24 b:10.1.1.0/24 c:10.3.0.0/24; do
		i=$((i + 1))
		h_xtr_conf "${n%%:*}" "192.0.2.$i" 192.0.2.100 \
		    dc-key-Zq3V9mXp7LtR2wK
		printf "database = [ '%s,ttl=60' ]\nregister_interval = %s\n" \
		    "${n#*:}" "$secs" >>"$RUN/${n%%:*}.conf"
	done
}

xtr_capture() {
	h_capture "$@" || die "tcpdump did not start"
	CAP_PID=$H_LAST
	XTR_PIDS="$XTR_PIDS $CAP_PID"
}

xtr_capture_stop() {
	[ -n "${CAP_PID:-}" ] || return 0
	h_capture_stop "$CAP_PID" "$@"
}
