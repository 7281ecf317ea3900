#!/bin/bash
# bench_quick.sh: the downtime bench (bench/downtime.sh) on a one-trial
# grid (mode full, 1000 km, no loss, the video stream and the TCP
# transfer), then checks: results.csv has its rows, the figures exist
# (SVG and PNG), summary.md exists, the numbers are sane (each stream's
# downtime is longer than the blackout, TCP's less its receive buffer's
# 66 ms of reads, no negative time where one was
# measured, the restoration latency under 10 s, the control plane's events
# after the suspend: dc2 registers at the --incoming rename, before up).  Then a second run is stopped with SIGTERM in the
# middle of its migration: no namespace, process or WAN emulator of it may
# be left.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: bq<pid>-* and bq<pid>i-* (the pid: another tree may run this
# test at the same time).  Run directory: build/bench_quick.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
RUN=$PWD/build/bench_quick
BIN=${BIN:-$PWD/build/bin}
NS=bq$$

die() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }

need() {
	local c why
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
	for c in jq python3 gnuplot awk; do
		command -v "$c" >/dev/null || skip "needs $c"
	done
	for c in xtrd xtrctl migrated migratectl garp_send wanem; do
		[ -x "$BIN/$c" ] || skip "build $c first"
	done
	. tests/lib/xenstored.sh
	. tests/lib/bench_csv.sh
	why=$(xs_fixture_check) || skip "$why"
}

leftovers() {
	local pfx=$1 n
	n=$(ip netns list | awk -v p="$pfx" 'index($1, p) == 1' | wc -l)
	[ "$n" = 0 ] || { ip netns list | grep "^$pfx" >&2; return 1; }
	! pgrep -f "$RUN/$2/" >/dev/null || { pgrep -af "$RUN/$2/" >&2; return 1; }
}

cleanup() {
	local ns
	for ns in $(ip netns list | awk -v p="$NS" 'index($1, p "-") == 1 ||
	    index($1, p "i-") == 1 { print $1 }'); do
		ip netns del "$ns" 2>/dev/null || true
	done
	[ -n "${KEEP_RUN:-}" ] && { echo "run directory kept: $RUN"; return 0; }
	rm -rf "$RUN"
}

# col WORKLOAD COLUMN: a column of this run's results.csv
col() { bench_csv_col "$RUN/q/results.csv" "$1" "$2"; }

check_numbers() {
	local w d r b m
	b=$(col udp_v2c blackout_s)
	m=$(col udp_v2c migration_s)
	awk -v b="$b" -v m="$m" 'BEGIN { exit !(b > 0 && m >= b) }' ||
	    die "blackout $b s, migration $m s"
	for w in udp_v2c udp_c2v tcp; do
		d=$(col "$w" downtime_s)
		r=$(col "$w" restore_s)
		[ -n "$d" ] || die "no row for $w"
		# tcp: the client's reads drain its 64 KiB receive buffer at
		# 1 MB/s (wl.py) for up to 66 ms into the blackout
		awk -v d="$d" -v b="$b" -v w="$w" 'BEGIN {
		    exit !(d > b - (w == "tcp" ? 0.066 : 0)) }' ||
		    die "$w: downtime $d s is not longer than the blackout $b s"
		awk -v r="$r" 'BEGIN { exit !(r >= 0 && r < 10) }' ||
		    die "$w: restoration latency $r s"
		echo "$w: downtime $d s, restored $r s after up (blackout $b s)"
	done
	for c in lost_before lost_after; do
		for w in udp_v2c udp_c2v; do
			[ "$(col "$w" "$c")" -ge 0 ] || die "$w $c negative"
		done
	done
	# dc2 registers at the --incoming rename, before the VM is up: the
	# control plane's times may be negative, not before the suspend
	for c in cp_register_s cp_smr_s cp_client_smr_s cp_client_update_s; do
		r=$(col udp_v2c "$c")
		awk -v r="$r" -v b="$b" 'BEGIN {
		    exit !(r != -1 && r >= -b && r < 10) }' ||
		    die "control plane $c = $r (blackout $b s)"
	done
	echo "control plane: register $(col udp_v2c cp_register_s) s," \
	    "client updated $(col udp_v2c cp_client_update_s) s after up"
}

quick_run() {
	BENCH_PFX=$NS- bench/downtime.sh --modes full --km 1000 --loss 0 \
	    --workloads "udp tcp" --mem 2 --post 3 --out "$RUN/q" ||
	    die "bench/downtime.sh failed"
	[ "$(wc -l <"$RUN/q/results.csv")" -eq 4 ] ||
	    die "results.csv: $(cat "$RUN/q/results.csv")"
	for f in restoration downtime migration; do
		[ -s "$RUN/q/plots/$f.svg" ] || die "no $f.svg"
		[ -s "$RUN/q/plots/$f.png" ] || die "no $f.png"
	done
	[ -s "$RUN/q/summary.md" ] || die "no summary.md"
	check_numbers
	leftovers "$NS-" q || die "the finished run left something behind"
}

# A run killed while it migrates: the pre-copy of 64 MiB over 12000 km
# takes seconds, the TERM lands in it or in the blackout.
interrupted_run() {
	local pid i
	BENCH_PFX=${NS}i- bench/downtime.sh --modes full --km 12000 --loss 0 \
	    --workloads udp --mem 64 --out "$RUN/i" --no-plot \
	    >"$RUN/i.log" 2>&1 &
	pid=$!
	for i in $(seq 1 900); do
		[ -s "$RUN/i/trials/1/run/mig-dc2.log" ] &&
		    grep -q . "$RUN/i/trials/1/run/marks.log" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -TERM "$pid" 2>/dev/null || die "the run ended before the TERM"
	wait "$pid" 2>/dev/null || true
	leftovers "${NS}i-" i || die "the interrupted run left something behind"
	echo "interrupted run: nothing left behind"
}

need
trap cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
quick_run
interrupted_run
echo "bench_quick: ok"
