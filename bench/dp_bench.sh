#!/bin/bash
# dp_bench.sh: what the xtrd data plane costs.  Builds the same two-site
# topology twice in one run (tests/xtr/dp_lib.sh): once through xtrd (xTRs
# a and b encapsulating in LISP, MS/MR, PxTR), once natively routed (same
# namespaces, bridges, veths and MTU, plain routes), then runs iperf3 from
# host ha to host hb alternately through each (TCP 1 stream, TCP 4
# streams, UDP 1200-byte datagrams at full speed) and prints for each the
# tunnel/native ratio and the CPU xtrd a and b used (% of one core).
# Run as root from the top of the tree, after make.  Arguments: none.
# Environment:
#   BENCH_SECS   iperf3 seconds per run (default 5)
#   BENCH_ROUNDS alternations per test, the median is kept (default 1)
#   BIN          where xtrd/xtrctl are (default build/bin)
#   DP_EXTRA_CONF  extra xtrd.conf lines for the xTRs (e.g. offload keys)
# Namespaces: dpbt<pid>-* (tunnel), dpbn<pid>-* (native).
# Run dir: build/dp_bench.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/.."
SECS=${BENCH_SECS:-5}
ROUNDS=${BENCH_ROUNDS:-1}
RUN=$PWD/build/dp_bench
DP_SITES="a:1 b:2"
PFX=dpbt-
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh
TPFX=$PFX			# lib.sh made it unique: dpbt<pid>-
NPFX=dpbn$$-

cleanup() {
	xtr_cleanup
	ip netns del "${NPFX}br" 2>/dev/null || true
}

native_topology() {
	local s n
	PFX=$NPFX
	xtr_net a:1 b:2 p:50
	for s in $DP_SITES; do
		n=${s##*:}
		dp_site "${s%%:*}" "$n"
		ip -n "${PFX}${s%%:*}" addr add "10.$n.0.1/24" dev site0
		ip -n "${PFX}${s%%:*}" addr add "2001:db8:$n::1/64" dev site0 nodad
		ip netns exec "${PFX}${s%%:*}" sysctl -qw net.ipv4.ip_forward=1 \
		    net.ipv6.conf.all.forwarding=1 >/dev/null
	done
	ip -n "${NPFX}a" route add 10.2.0.0/24 via 192.0.2.2
	ip -n "${NPFX}b" route add 10.1.0.0/24 via 192.0.2.1
	PFX=$TPFX
}

# cpu_ticks NODE: utime + stime of that node's xtrd
cpu_ticks() {
	local pid
	pid=$(pgrep -f "xtrd -d -v -f $RUN/$1.conf" | head -1)
	[ -n "$pid" ] || { echo 0; return; }
	awk '{print $14 + $15}' "/proc/$pid/stat"
}

# run PFX MODE: one iperf3 run ha -> hb (10.2.0.10), prints bits/s
run() {
	local pfx=$1 mode=$2 args out
	case $mode in
	tcp1) args="-P 1" ;;
	tcp4) args="-P 4" ;;
	udp)  args="-u -l 1200 -b 0 -w 4M" ;;	# 4 MB socket buffers, both
	esac
	ip netns exec "${pfx}hb" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	sleep 0.3
	# shellcheck disable=SC2086
	out=$(ip netns exec "${pfx}ha" iperf3 -c 10.2.0.10 -p 5201 -t "$SECS" \
	    $args -J) || { echo 0; return; }
	if [ "$mode" = udp ]; then
		echo "$out" | jq '.end.sum.bits_per_second * (1 - .end.sum.lost_percent / 100) | floor'
	else
		echo "$out" | jq '.end.sum_received.bits_per_second | floor'
	fi
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

bench() {
	local mode=$1 i t0a t0b t1a t1b tun nat tl="" nl="" cpua cpub hz
	hz=$(getconf CLK_TCK)
	t0a=$(cpu_ticks a); t0b=$(cpu_ticks b)
	for i in $(seq "$ROUNDS"); do
		tl="$tl $(run "$TPFX" "$mode")"
		nl="$nl $(run "$NPFX" "$mode")"
	done
	t1a=$(cpu_ticks a); t1b=$(cpu_ticks b)
	tun=$(echo "$tl" | tr ' ' '\n' | grep . | median)
	nat=$(echo "$nl" | tr ' ' '\n' | grep . | median)
	cpua=$(( (t1a - t0a) * 100 / (hz * SECS * ROUNDS) ))
	cpub=$(( (t1b - t0b) * 100 / (hz * SECS * ROUNDS) ))
	awk -v m="$mode" -v t="$tun" -v n="$nat" -v a="$cpua" -v b="$cpub" \
	    'BEGIN { printf "%-5s tunnel %8.1f Mbit/s  native %8.1f Mbit/s  ratio %.3f  xtrd cpu a %d%% b %d%%\n",
	    m, t / 1e6, n / 1e6, (n > 0 ? t / n : 0), a, b }'
}

[ "$(id -u)" -eq 0 ] || { echo "dp_bench: run as root" >&2; exit 1; }
command -v iperf3 >/dev/null || { echo "dp_bench: needs iperf3" >&2; exit 1; }
dp_need
trap cleanup EXIT
rm -rf "$RUN"
dp_topology
native_topology
dp_in ha ping -c 2 -W 2 10.2.0.10 >/dev/null || die "tunnel: ha cannot reach hb"
ip netns exec "${NPFX}ha" ping -c 2 -W 2 10.2.0.10 >/dev/null ||
    die "native: ha cannot reach hb"
echo "dp_bench: ${SECS}s per run, $ROUNDS round(s), ha -> hb, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
bench tcp1
bench tcp4
bench udp
if [ -n "${BENCH_COUNTERS:-}" ]; then
	for s in a b; do
		echo "$s: $(xtr_jq "$s" ".counters | with_entries(select(.key | startswith(\"dp_\")) | select(.value > 0))" counters | tr -d "\n ")"
	done
fi
