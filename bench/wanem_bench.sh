#!/bin/bash
# wanem_bench.sh: what bench/wanem costs with no impairment at all, against
# a direct veth pair measured in the same run, with the same offloads.
#   latency:    ping RTT (avg, min, mdev) direct vs through wanem
#   throughput: iperf3 TCP, one stream, A -> B
#   accuracy:   RTT through wanem --delay 10 against the 20 ms asked for,
#               and how late wanem sent frames (its late_avg/max_us stats)
# Run as root from anywhere; prints one table.  Arguments: none.
# Environment:
#   BENCH_SECS      iperf3 seconds per run (default 5)
#   BENCH_PINGS     pings per RTT measurement (default 1000, 5 ms apart)
#   BENCH_OFFLOAD   off (default: per-wire-packet, as wan.sh sets up),
#                   on (GSO super-frames through wanem) or both
#   WANEM           the wanem binary (default build/bin/wanem)
#   WAN_RT          SCHED_FIFO priority of wanem (default 10, 0 = off)
set -eu -o pipefail

cd "$(dirname "$0")/.."
NS_A=wanembench-a
NS_B=wanembench-b
IP_A=198.51.100.1
IP_B=198.51.100.2
SECS=${BENCH_SECS:-5}
PINGS=${BENCH_PINGS:-1000}
WAN_RUNDIR=$(mktemp -d /tmp/wanem-bench.XXXXXX)
export WAN_RUNDIR WAN_MECH=wanem
WANEM=${WANEM:-$PWD/build/bin/wanem}
export WANEM
IPERF_PID=""

die() { echo "wanem_bench: $*" >&2; exit 1; }

cleanup() {
	[ -n "$IPERF_PID" ] && kill "$IPERF_PID" 2>/dev/null
	wan_teardown
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	rm -rf "$WAN_RUNDIR"
}

[ "$(id -u)" -eq 0 ] || die "run as root"
for c in ip ping iperf3 python3 awk; do
	command -v "$c" >/dev/null || die "$c not installed"
done
[ -x "$WANEM" ] || make -s build/bin/wanem || die "cannot build wanem"
# shellcheck source=tests/lib/harness/wan.sh
. tests/lib/harness/wan.sh
trap cleanup EXIT

namespaces() {
	ip netns del "$NS_A" 2>/dev/null || true
	ip netns del "$NS_B" 2>/dev/null || true
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
}

addresses() {
	ip -n "$NS_A" addr add "$IP_A/24" dev e0
	ip -n "$NS_B" addr add "$IP_B/24" dev e0
	ip netns exec "$NS_A" ping -q -c 3 -i 0.2 -w 5 "$IP_B" >/dev/null ||
		die "no connectivity"
}

# The baseline: one veth pair, offloads as asked.
direct_link() {
	namespaces
	ip link add e0 netns "$NS_A" type veth peer name e0 netns "$NS_B"
	if [ "$OFFLOAD" = off ]; then
		ip netns exec "$NS_A" "$WANEM" --no-offload e0
		ip netns exec "$NS_B" "$WANEM" --no-offload e0
	fi
	ip -n "$NS_A" link set e0 up
	ip -n "$NS_B" link set e0 up
	addresses
}

wanem_link() {
	namespaces
	if [ "$OFFLOAD" = off ]; then WAN_OFFLOAD=1; else WAN_OFFLOAD=0; fi
	WAN_OFFLOAD=$WAN_OFFLOAD wan_link "$NS_A" e0 "$NS_B" e0 "$@"
	addresses
}

# "median p90 min avg" of the RTT in microseconds (the median and the
# minimum say what wanem costs; avg and p90 also carry the scheduling noise
# of a busy machine).  min and avg come from ping's summary, which has
# microseconds at any RTT; per-packet times above 10 ms only tenths of ms.
rtt() {
	local pf="$WAN_RUNDIR/ping"

	ip netns exec "$NS_A" ping -n -c "$PINGS" -i 0.005 -w 60 "$IP_B" >"$pf"
	sed -n 's/.* time=\([0-9.]*\) ms/\1/p' "$pf" | sort -g |
		awk -v s="$(sed -n 's/^rtt [^=]*= //p' "$pf")" '
		{ v[NR] = $1 * 1000 }
		END { split(s, m, "/"); if (NR == 0) { print "0 0 0 0"; exit }
		    printf "%.1f %.1f %.1f %.1f\n", v[int((NR + 1) / 2)],
		    v[int(NR * 0.9 + 0.5)], m[1] * 1000, m[2] * 1000 }'
}

mbps() {
	local out

	ip netns exec "$NS_B" iperf3 -s -1 -B "$IP_B" >/dev/null 2>&1 &
	IPERF_PID=$!
	sleep 0.3
	out=$(timeout $((SECS + 15)) ip netns exec "$NS_A" iperf3 -c "$IP_B" \
	    -t "$SECS" -J) || true
	wait "$IPERF_PID" 2>/dev/null || true
	IPERF_PID=""
	python3 -c 'import json,sys
try: print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))
except Exception: print("0")' <<<"$out"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }'; }

run() {
	local d_rtt w_rtt d_mb w_mb acc da wa late
	local -a dr wr ar

	direct_link
	d_rtt=$(rtt)
	d_mb=$(mbps)
	ip netns del "$NS_A"; ip netns del "$NS_B"

	wanem_link
	w_rtt=$(rtt)
	w_mb=$(mbps)
	wan_teardown

	wanem_link --delay 10
	acc=$(rtt)
	late=$(wan_stats "" | python3 -c 'import json,sys
j = json.load(sys.stdin)
print("%.1f/%.1f %.1f/%.1f" % (j["a2b"]["late_avg_us"], j["b2a"]["late_avg_us"],
    j["a2b"]["late_max_us"], j["b2a"]["late_max_us"]))')
	wan_teardown

	read -r -a dr <<<"$d_rtt"
	read -r -a wr <<<"$w_rtt"
	read -r -a ar <<<"$acc"
	da=${dr[0]}
	wa=${wr[0]}
	printf 'offloads %s\n' "$OFFLOAD"
	printf '  %-30s %9s %9s %9s %9s\n' "RTT (us)" median p90 min avg
	printf '  %-30s %9s %9s %9s %9s\n' "direct veth" "${dr[@]}"
	printf '  %-30s %9s %9s %9s %9s\n' "through wanem" "${wr[@]}"
	printf '  %-30s %9s  (median ratio %s, added %.1f us per round trip)\n' \
	    "wanem / direct" "" "$(ratio "$wa" "$da")" \
	    "$(awk -v a="$wa" -v b="$da" 'BEGIN { print a - b }')"
	printf '  %-30s %9s %9s %9s %9s\n' "wanem --delay 10 (want 20000)" "${ar[@]}"
	printf '  %-30s %s us (a2b/b2a mean, then max)\n' \
	    "  frames sent late by" "$late"
	printf '  %-28s %10s\n' "iperf3 TCP direct (Mbit/s)" "$d_mb"
	printf '  %-28s %10s  (ratio %s)\n' "iperf3 TCP wanem (Mbit/s)" \
	    "$w_mb" "$(ratio "$w_mb" "$d_mb")"
}

echo "wanem_bench: $(nproc) CPUs, kernel $(uname -r), $PINGS pings," \
    "iperf3 ${SECS}s, wanem SCHED_FIFO ${WAN_RT:-10}," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
case ${BENCH_OFFLOAD:-off} in
off|on) OFFLOAD=${BENCH_OFFLOAD:-off}; run ;;
both) OFFLOAD=off; run; OFFLOAD=on; run ;;
*) die "BENCH_OFFLOAD: bad value '$BENCH_OFFLOAD' (off, on, both)" ;;
esac
