#!/bin/bash
# detect_latency.sh: how soon the destination registers a migrated guest's
# EID, measured on the wire.  Each run replays the destination side of `xl
# migrate` on the real xenstored fixture (web1--incoming, vif, the rename
# to web1 and the unpause), the guest sends one gratuitous ARP, migrated
# tells xtrd, xtrd sends the Map-Register; then the domain is destroyed and
# the EID withdrawn before the next run.  One tcpdump -i any in the
# destination Dom0's namespace stamps the ARP as it enters vif<id>.0 and
# the Map-Register as it leaves eth0 (CLOCK_REALTIME, one clock).
#
# It runs once per register_at policy of migrated (migrated.conf(5)):
#   arrival  migrated registers on the guest's announcement: the figure is
#            GARP -> Map-Register, both on the wire (goal: median <= 1 ms).
#   rename   migrated registers when xl renames web1--incoming to web1,
#            just before the unpause, so the Map-Register precedes the
#            guest's GARP.  The figures: rename -> Map-Register, where the
#            rename is the xenstore transaction bracketed by $EPOCHREALTIME
#            (CLOCK_REALTIME, no fork) just before and just after it: "lo"
#            is from its end, "hi" from its start; and Map-Register - GARP
#            (negative: registered before the guest announced).  Here the
#            guest sends its GARP as soon as the unpause returned (no
#            netfront reconnection, which delays a real guest's), so the
#            margin is the smallest a guest allows.
# Each phase prints every run, then the number of runs, median, p90, min
# and max, plus migrated's own timeline deltas (monotonic, in us).
#
# Usage: bench/detect_latency.sh [RUNS]   (default 30 per policy)
# Environment:
#   BIN            build/bin
#   POLICIES       "arrival rename" (the phases, in order)
#   BENCH_RT       1 (default): migrated and the xtrds of dst and the MS
#                  and dst's xenstored run SCHED_FIFO 20 (chrt), this
#                  script SCHED_FIFO 10 from the rename to the GARP, so
#                  that other jobs on a small shared machine do not
#                  decide the result; 0: all as they are
#   GARP_DELAY     seconds between the unpause and the GARP: 0.2 for
#                  arrival (migrated has taken in the rename), 0 for rename
#   KEEP_RUN=1     keeps the run directory (captures, stamps)
# Writes, per policy P, build/detect_latency.PID/P.pcap (the capture),
# P.stamps (run, rename begun and done, migrated's own deltas and its
# "unpaused" instant) and P.offset (realtime - monotonic).
# Needs root, a built tree (make), tcpdump, jq, python3.
# Namespaces: dl-*.
set -eu -o pipefail
cd "$(dirname "$0")/.."
PFX=dl-
RUN=$PWD/build/detect_latency
RUNS=${1:-30}
. tests/tools/mig_lib.sh

MAC=00:16:3e:00:00:05
EID=198.51.100.5/32
TCPDUMP=""

# rename_stamped DOMID: xlr_dest_go's rename (xs_domain_rename's one
# transaction, by xs_ctl as there) with CLOCK_REALTIME stamps around it,
# then the unpause.  Sets STAMPS to "BEFORE AFTER".
rename_stamped() {
	local d=$1 uuid xsctl t0 t1
	uuid=$(xs_domain_uuid "$d")
	[ "$(xenstore-read "/local/domain/$d/name")" = web1--incoming ] ||
	    mig_fail "domain $d is not web1--incoming"
	xsctl=$(_xs_bin xs_ctl)
	t0=$EPOCHREALTIME
	"$xsctl" tx <<-EOT
	write /local/domain/$d/name web1
	write /vm/$uuid/name web1
	EOT
	t1=$EPOCHREALTIME
	xs_domain_unpause "$d"
	STAMPS="$t0 $t1"
}

# rt_self on|off: with BENCH_RT=1, this shell (and what it forks) runs
# SCHED_FIFO 10 from the rename to the GARP, so that the stamps bracket
# the transaction and not the wait of a fork for a CPU.
rt_self() {
	[ "${BENCH_RT:-1}" = 1 ] || return 0
	if [ "$1" = on ]; then
		chrt -f -p 10 "$$"
	else
		chrt -o -p 0 "$$"
	fi
}

# internal: migrated's timeline of the last web1 migration:
# register-sent - announcement, register-sent - unpaused (us), and the
# unpaused instant (CLOCK_MONOTONIC us); "-" for what is missing.
internal() {
	# shellcheck disable=SC2016  # jq variables, not shell ones
	mig_jq dst '[.migrations[] | select(.domain == "web1")] | last | .events as $e |
	    [$e[] | select(.event == "register-sent") | .t_us][0] as $r |
	    [$e[] | select(.event == "announcement") | .t_us][0] as $a |
	    [$e[] | select(.event == "unpaused") | .t_us][0] as $u |
	    "\(if $r and $a then $r - $a else "-" end) \(if $r and $u then $r - $u else "-" end) \($u // "-")"' \
	    migrations 2>/dev/null | head -n1
}

# one_run POLICY I UUID DELAY: one migration to dst and back out.
# Appends "I BEFORE AFTER ANN-REG UNP-REG UNPAUSED" to POLICY.stamps.
one_run() {
	local p=$1 i=$2 uuid=$3 delay=$4 d info
	d=$((10 + i))
	mig_vif dst "$d" 0 "$MAC"
	xs_host dst
	xlr_dest_create web1 "$d" "$uuid"
	xlr_dest_restore "$d" "$MAC" xenbr0
	rt_self on
	rename_stamped "$d"
	[ "$delay" = 0 ] || sleep "$delay"
	mig_guest dst "$d" -t garp -a 198.51.100.5 >/dev/null
	rt_self off
	xtr_wait 5 mig_db_registered dst "$EID" || mig_fail "run $i: not registered"
	xtr_wait 5 mig_has_event dst web1 smr-sent || true
	info=$(internal) || true
	echo "$i $STAMPS ${info:-- - -}" >>"$RUN/$p.stamps"
	xs_domain_destroy "$d"
	xtr_wait 5 mig_not mig_db_registered dst "$EID" || true
	sleep 0.3
	# the guest's namespace, and with it the vif (the next phase reuses
	# the domid)
	ip netns del "${PFX}dstg$d" 2>/dev/null || true
}

# rt_apply: SCHED_FIFO 20 for migrated and xtrd in dst and the MS and for
# dst's xenstored (it delivers the rename's watch event), all their threads
# (-a: migrated's xenstore watches are read by libxenstore's own thread).
rt_apply() {
	local ns p
	[ "${BENCH_RT:-1}" = 1 ] || return 0
	for ns in "${PFX}dst" "${PFX}ms"; do
		for p in $(ip netns pids "$ns"); do
			case $(cat /proc/"$p"/comm 2>/dev/null) in
			migrated|xtrd) chrt -a -f -p 20 "$p" ;;
			esac
		done
	done
	chrt -a -f -p 20 "$(cat "$RUN/xs-dst/xenstored.pid")"
}

capture_start() {
	ip netns exec "${PFX}dst" tcpdump -i any --immediate-mode -U -n -s 160 \
	    --time-stamp-precision=nano -w "$RUN/$1.pcap" \
	    'arp or (udp port 4342)' >/dev/null 2>&1 &
	TCPDUMP=$!
	XTR_PIDS="$XTR_PIDS $TCPDUMP"
	xtr_wait 5 test -e "$RUN/$1.pcap" || die "tcpdump did not start"
	sleep 0.5
}

capture_stop() {
	sleep 0.5
	kill -INT "$TCPDUMP"
	wait "$TCPDUMP" 2>/dev/null || true
}

# clock_offset: CLOCK_REALTIME - CLOCK_MONOTONIC in seconds, to put
# migrated's timeline on the capture's clock.
clock_offset() {
	python3 -c 'import time; m = time.clock_gettime(time.CLOCK_MONOTONIC); r = time.clock_gettime(time.CLOCK_REALTIME); print("%.6f" % (r - m))'
}

# median_of COLUMN FILE: "median M min A max B (N runs)" of a column.
median_of() {
	awk -v c="$1" '$c != "-" && $c != "" {print $c}' "$2" | sort -n |
	    awk '{a[NR]=$1} END {if (NR) printf "median %s min %s max %s (%d runs)\n", a[int((NR+1)/2)], a[1], a[NR], NR; else print "none"}'
}

# phase POLICY: (re)start dst's migrated with register_at = POLICY, RUNS
# runs under one capture, then the figures.
phase() {
	local p=$1 delay i uuid
	case $p in
	arrival) delay=${GARP_DELAY:-0.2} ;;
	rename) delay=${GARP_DELAY:-0} ;;
	*) die "POLICIES: arrival or rename, not '$p'" ;;
	esac
	MIG_CONF_EXTRA="register_at = $p"
	mig_stop dst
	mig_conf dst
	mig_start dst
	rt_apply
	: >"$RUN/$p.stamps"
	clock_offset >"$RUN/$p.offset"
	capture_start "$p"
	echo "== register_at = $p, GARP ${delay}s after the unpause," \
	    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
	uuid=$(cat /proc/sys/kernel/random/uuid)
	for i in $(seq 1 "$RUNS"); do
		one_run "$p" "$i" "$uuid" "$delay"
	done
	capture_stop
	echo "-- on the wire (tcpdump timestamps)"
	python3 bench/lib/detect_pcap.py "$p" "$RUN/$p.pcap" "$RUN/$p.stamps" \
	    "$(cat "$RUN/$p.offset")"
	echo "-- inside migrated (its timeline, CLOCK_MONOTONIC), us"
	echo "announcement -> register-sent: $(median_of 4 "$RUN/$p.stamps")"
	echo "unpaused     -> register-sent: $(median_of 5 "$RUN/$p.stamps")"
	echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

command -v tcpdump >/dev/null || skip "needs tcpdump"
mig_need
[ -z "$MIG_FAKE" ] || skip "needs the real xtrd (make)"
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
MIG_NOTIFY_WAIT_MS=1000
STAMPS=""
[ "${BENCH_RT:-1}" != 1 ] || command -v chrt >/dev/null ||
    die "BENCH_RT=1 needs chrt"
mig_setup
if [ "${BENCH_RT:-1}" = 1 ]; then
	echo "migrated, xtrd (dst, MS), dst's xenstored: SCHED_FIFO 20;" \
	    "rename to GARP: SCHED_FIFO 10 (BENCH_RT=0 to disable)"
else
	echo "BENCH_RT=0: everything SCHED_OTHER"
fi
for p in ${POLICIES:-arrival rename}; do
	phase "$p"
done
