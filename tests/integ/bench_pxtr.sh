#!/bin/bash
# bench_pxtr.sh: the downtime bench (bench/downtime.sh) with the PxTR and
# a non-LISP host (--pxtr) on a one-trial grid (mode full, 1000 km, no
# loss, the video streams only), then checks the non-LISP stream
# (udp_n2v: non-LISP host -> PxTR -> the VM) as bench_quick.sh checks the
# others: its row is in results.csv, its downtime is longer than the
# blackout, its restoration latency is measured and under 10 s, no
# negative count, no loss before the migration (the WAN has none), and the
# PxTR's map-cache was told of the move (the PxTR's timeline has a
# Map-Reply naming dc2's RLOC after the VM came up, or an SMR).  The
# bench runs from the run directory with a relative --out; the WAN's drop
# log names none of the streams' datagrams (wan_drop 0) and the client-VM
# round trip (rtt_s) is measured.  The run must leave no namespace or
# process behind.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: bp<pid>-* (another tree may run this test at the same
# time).  Run directory: build/bench_pxtr.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
RUN=$PWD/build/bench_pxtr
BIN=${BIN:-$PWD/build/bin}
NS=bp$$-

die() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }

need() {
	local c why
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
	for c in jq python3 awk; do
		command -v "$c" >/dev/null || skip "needs $c"
	done
	for c in xtrd xtrctl migrated migratectl garp_send wanem; do
		[ -x "$BIN/$c" ] || skip "build $c first"
	done
	. tests/lib/xenstored.sh
	. tests/lib/bench_csv.sh
	why=$(xs_fixture_check) || skip "$why"
}

cleanup() {
	local ns
	for ns in $(ip netns list | awk -v p="$NS" 'index($1, p) == 1 { print $1 }'); do
		ip netns del "$ns" 2>/dev/null || true
	done
	[ -n "${KEEP_RUN:-}" ] && { echo "run directory kept: $RUN"; return 0; }
	rm -rf "$RUN"
}

# col WORKLOAD COLUMN: a column of this run's results.csv
col() { bench_csv_col "$RUN/p/results.csv" "$1" "$2"; }

check_numbers() {
	local w d r b c
	b=$(col udp_n2v blackout_s)
	[ -n "$b" ] || die "no udp_n2v row: $(cat "$RUN/p/results.csv")"
	for w in udp_v2c udp_c2v udp_n2v; do
		d=$(col "$w" downtime_s)
		r=$(col "$w" restore_s)
		awk -v d="$d" -v b="$b" 'BEGIN { exit !(d > b) }' ||
		    die "$w: downtime $d s is not longer than the blackout $b s"
		awk -v r="$r" 'BEGIN { exit !(r >= 0 && r < 10) }' ||
		    die "$w: restoration latency $r s"
		for c in lost_before lost_after lost_after_mig; do
			[ "$(col "$w" "$c")" -ge 0 ] || die "$w $c negative"
		done
		awk -v l="$(col "$w" wan_loss_pct)" 'BEGIN { exit !(l == 0) }' ||
		    die "$w: $(col "$w" wan_loss_pct) % lost before the migration"
		# no WAN loss asked: wanem's drop log names none of the
		# stream's datagrams, so all its loss is beyond the WAN's
		if ! { [ "$(col "$w" wan_drop)" = 0 ] &&
		    [ "$(col "$w" lost_all)" -ge 0 ] &&
		    [ "$(col "$w" lost_beyond_wan)" = "$(col "$w" lost_all)" ]; }
		then
			die "$w: lost_all $(col "$w" lost_all) wan_drop" \
			    "$(col "$w" wan_drop) lost_beyond_wan" \
			    "$(col "$w" lost_beyond_wan)"
		fi
		echo "$w: downtime $d s, restored $r s after up (blackout $b s)," \
		    "lost after up $(col "$w" lost_after), in all $(col "$w" lost_all)"
	done
	# client (500 km) - dc2 (500 km): 2 x 5 ms of fibre and the xTRs
	r=$(col udp_c2v rtt_s)
	awk -v r="$r" 'BEGIN { exit !(r >= 0.009 && r < 0.1) }' ||
	    die "client-VM round trip $r s, want 0.009..0.1"
	[ "$(col udp_c2v hold)" = on ] || die "hold column: $(col udp_c2v hold)"
}

# the PxTR learnt dc2's RLOC for the VM, or was SMRed (from dc1 or dc2)
check_pxtr() {
	local tl=$RUN/p/trials/1/tl-px.json
	[ -s "$tl" ] || die "no timeline of the PxTR"
	jq -e '[.events[] | select((.event == "map-reply-accepted" and
	    (.detail | test(" first 192.0.2.2 "))) or .event == "smr-received")]
	    | length > 0' "$tl" >/dev/null ||
	    die "the PxTR heard nothing of the move: $(jq -c '.events[-8:]' "$tl")"
	echo "PxTR: $(jq -r '[.events[] | select(.event == "smr-received" or
	    .event == "map-reply-accepted") | .event] | join(", ")' "$tl")"
}

pxtr_run() {
	# --out relative to where the bench is run from (it failed with
	# "control_socket must be an absolute path" before 2026-12-07)
	(cd "$RUN" && BENCH_PFX=$NS "$OLDPWD/bench/downtime.sh" --pxtr \
	    --modes full --km 1000 --loss 0 --workloads udp --mem 1 --post 2 \
	    --no-plot --out p) || die "bench/downtime.sh --pxtr failed"
	[ "$(wc -l <"$RUN/p/results.csv")" -eq 4 ] ||
	    die "results.csv: $(cat "$RUN/p/results.csv")"
	check_numbers
	check_pxtr
	[ "$(ip netns list | awk -v p="$NS" 'index($1, p) == 1' | wc -l)" = 0 ] ||
	    die "namespaces left: $(ip netns list | grep "^$NS")"
	! pgrep -f "$RUN/p/" >/dev/null ||
	    die "processes left: $(pgrep -af "$RUN/p/")"
}

need
trap cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
pxtr_run
echo "bench_pxtr: ok"
