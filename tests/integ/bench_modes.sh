#!/bin/bash
# bench_modes.sh: the downtime bench's modes of issue 18 on a one-trial
# grid each (1000 km, no loss, the video streams, MRAI 3 s to keep it
# short), then checks:
#  - pubsub: the client's ITR subscribed (the testbed waits for the MS's
#    subscription) and learnt dc2's RLOC for the VM from the MS's
#    publication (cl's timeline: a pubsub-update after a Map-Reply/Notify
#    from the MS naming 192.0.2.2), and the streams came back;
#  - bgp-mrai: dc2's announcement came at least MRAI after dc1's
#    withdrawal (marks.log) and the client -> VM stream came back MRAI
#    after the withdrawal, not before (restore_s >= MRAI - blackout), the
#    VM -> client one at once (dc2 routes to the client all along);
#  - the figures' script has one panel per workload with all the modes
#    in it (bench/tools/report.py);
#  - bench/downtime.sh refuses a mode it does not know.
# Before these modes existed downtime.sh ran any mode name as mode thesis
# would, without its switches: no subscription, no MRAI.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: bm<pid>-*.  Run directory: build/bench_modes.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
RUN=$PWD/build/bench_modes
BIN=${BIN:-$PWD/build/bin}
NS=bm$$-
MRAI=3

die() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }

need() {
	local c why
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
	for c in jq python3 awk bird birdc gnuplot; do
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

# row MODE WORKLOAD COLUMN
row() {
	awk -F, -v m="$1" -v w="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++)
	    if ($i == c) k = i; next } $1 == m && $6 == w { print $k }' \
	    "$RUN/m/results.csv"
}

# trial_of MODE: the trial directory of MODE's trial
trial_of() {
	grep -l "^MODE=$1\$" "$RUN"/m/trials/*/meta.env | head -1 | xargs dirname
}

check_pubsub() {
	local d tl r w
	d=$(trial_of pubsub)
	tl=$d/tl-cl.json
	[ -s "$tl" ] || die "pubsub: no timeline of cl"
	jq -e '[.events[] | select(.event == "map-reply-accepted" and
	    .peer == "192.0.2.100" and (.detail | test(" first 192.0.2.2 .*pubsub")))]
	    | length > 0' "$tl" >/dev/null ||
	    die "pubsub: cl had no publication naming dc2: $(jq -c '.events[-8:]' "$tl")"
	jq -e '[.events[] | select(.event == "pubsub-update")] | length > 0' \
	    "$tl" >/dev/null || die "pubsub: no pubsub-update at cl"
	for w in udp_v2c udp_c2v; do
		r=$(row pubsub "$w" restore_s)
		awk -v r="$r" 'BEGIN { exit !(r >= 0 && r < 10) }' ||
		    die "pubsub $w: restoration latency '$r' s"
		echo "pubsub $w: restored $r s after up"
	done
}

check_mrai() {
	local d wd an gap r b
	d=$(trial_of bgp-mrai)
	wd=$(awk '$1 == "bgp-withdrawn" { print $2 }' "$d/marks.log")
	an=$(awk '$1 == "bgp-announced-mrai" { print $2 }' "$d/marks.log")
	{ [ -n "$wd" ] && [ -n "$an" ]; } ||
	    die "bgp-mrai: marks: $(cat "$d/marks.log")"
	gap=$(awk -v a="$an" -v w="$wd" 'BEGIN { printf "%.3f", (a - w) / 1e9 }')
	awk -v g="$gap" -v m="$MRAI" 'BEGIN { exit !(g >= m && g < m + 5) }' ||
	    die "bgp-mrai: announced $gap s after the withdrawal (MRAI $MRAI)"
	b=$(row bgp-mrai udp_c2v blackout_s)
	r=$(row bgp-mrai udp_c2v restore_s)
	awk -v r="$r" -v b="$b" -v m="$MRAI" \
	    'BEGIN { exit !(r >= m - b && r < m + 5) }' ||
	    die "bgp-mrai udp_c2v: restored '$r' s after up (MRAI $MRAI, blackout $b)"
	r=$(row bgp-mrai udp_v2c restore_s)
	awk -v r="$r" 'BEGIN { exit !(r >= 0 && r < 1) }' ||
	    die "bgp-mrai udp_v2c: restored '$r' s after up"
	echo "bgp-mrai: announced $gap s after the withdrawal; udp_c2v" \
	    "restored $(row bgp-mrai udp_c2v restore_s) s after up, udp_v2c $r s"
}

check_figures() {
	local gp=$RUN/m/plots/figures.gp n
	[ -s "$RUN/m/plots/restoration.png" ] || die "no restoration.png"
	grep -q "set multiplot layout 1,2 .*restoration" "$gp" ||
	    die "figures.gp: not one panel per workload: $(grep multiplot "$gp")"
	# the video client->VM panel of restoration.png names both modes (a
	# plot command continues over lines ending in a backslash)
	n=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$gp" |
	    grep -c "^plot 'pubsub_udp_c2v_loss0.dat'.*'bgp-mrai_udp_c2v_loss0.dat'" ||
	    true)
	[ "$n" -ge 1 ] || die "figures.gp: the modes are not on one axis"
	grep -q "^set xtics ('1k' 1000)" "$gp" || die "figures.gp: xtics"
}

modes_run() {
	BENCH_PFX=$NS bench/downtime.sh --modes "pubsub bgp-mrai" \
	    --bgp-mrai "$MRAI" --km 1000 --loss 0 --workloads udp --mem 1 \
	    --post 2 --out "$RUN/m" || die "bench/downtime.sh failed"
	[ "$(wc -l <"$RUN/m/results.csv")" -eq 5 ] ||
	    die "results.csv: $(cat "$RUN/m/results.csv")"
	check_pubsub
	check_mrai
	check_figures
	! bench/downtime.sh --modes "full bogus" --out "$RUN/x" 2>"$RUN/x.err" ||
	    die "downtime.sh ran mode bogus"
	grep -q "not 'bogus'" "$RUN/x.err" || die "mode bogus: $(cat "$RUN/x.err")"
	[ "$(ip netns list | awk -v p="$NS" 'index($1, p) == 1' | wc -l)" = 0 ] ||
	    die "namespaces left: $(ip netns list | grep "^$NS")"
}

need
trap cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
modes_run
echo "bench_modes: ok"
