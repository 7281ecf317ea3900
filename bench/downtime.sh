#!/bin/bash
# shellcheck disable=SC2317 # cleanup and phase run from traps
# bench/downtime.sh: the downtime bench.  Reproduces the experiments of the
# thesis (chapter 5: FTP, HTTP and video streaming from a VM migrated over
# an impaired WAN, Figures 5.6-5.10) on one machine, with xtrd + migrated
# in place of OpenLISP, and the same migration over BGP for comparison.
#
# For every point of the grid (mode x distance x loss x trial) it builds
# the testbed of bench/lib/testbed.sh, starts the workloads, migrates the
# VM (bench/lib/migrate.sh), stops the workloads, collects the timelines
# of migrated and xtrd, tears everything down and appends the trial's rows
# to results.csv (bench/tools/analyze.py).  At the end bench/plot.sh draws
# the figures and writes summary.md.
#
# Usage: bench/downtime.sh [options]
#   --quick            the small grid (a few minutes; the default grid is
#                      the thesis's, see --help for its running time)
#   --modes "M..."     full thesis bgp (default these three), and:
#                      pubsub: full, the client's ITR subscribing to
#                      the VM's mapping at the MS (RFC 9437);
#                      bgp-mrai: bgp with the eBGP MRAI of operators
#                      (--bgp-mrai; the trial runs 2 x MRAI s longer)
#   --bgp-mrai S       mode bgp-mrai's MinRouteAdvertisementInterval
#                      (default 30: Cisco's and FRR's eBGP default)
#   --km "N..."        DC1-DC2 distances in km
#   --loss "P..."      loss rates in % on the DC1-DC2 path
#   --corrupt "P..."   corruption rates in % on the DC1-DC2 path (default 0)
#   --jitter MS        jitter on every WAN link (default none)
#   --rate R           rate of every WAN link, e.g. 100mbit (default none)
#   --trials N         trials per point (default 1)
#   --blackout S       stop-and-copy blackout in seconds (default 0.3)
#   --mem MB           VM memory sent in pre-copy (default 8; --quick 4)
#   --workloads "W.."  udp tcp http (default all); v2c: the VM -> client
#                      UDP stream of udp alone (a streaming server whose
#                      client sends nothing, so nothing reaches dc2 before
#                      the VM is up)
#   --separate         one trial per workload, as the thesis ran them
#                      (default: all workloads at once in one trial)
#   --post S           seconds the workloads run after the VM is up
#                      (default 4)
#   --out DIR          results directory (default build/bench/<date>)
#   --pxtr             add the PxTR and a non-LISP host streaming to the
#                      VM through it (workload udp_n2v; in mode bgp the
#                      host's site is a BGP AS like the client's)
#   --prefetch "P..."  on off: mode full warms dc2's map-cache with the
#                      EIDs of dc1's map-cache before the pre-copy (as
#                      xl-migrate-lisp does: xtrctl prefetch) or not;
#                      both ("on off") alternate trial by trial (default on;
#                      trials/<n>/meta.env says PREFETCH=)
#   --hold "H..."      on off: dc2 holds what dc1 redirects to the VM
#                      during the blackout until it arrives (issue 18,
#                      xtrd.conf hold_*) or drops it (hold_eid_packets =
#                      0); both alternate trial by trial (default on;
#                      meta.env HOLD=)
#   --no-plot          skip bench/plot.sh
# Environment: BIN (build/bin), KEEP_RUN=1 keeps the per-trial run
# directories, TB_PCAP=1 captures the TCP flows at the client and in the
# VM (trials/<n>/tcp-{ch,vm}.pcap), BENCH_PFX namespace prefix (default bd<pid>-), TB_* (see
# bench/lib/testbed.sh), WAN_MECH (tests/lib/harness/wan.sh).
# Output in DIR: results.csv, trials/<n>/ (logs, timelines), plots/*.svg
# and *.png, summary.md.
set -eu -o pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
# --out is the caller's path: relative to where they ran us, not to REPO
CALLER_PWD=$PWD
cd "$REPO"
. tests/lib/harness/harness.sh
. tests/lib/xl_migrate_replay.sh
. bench/lib/testbed.sh
. bench/lib/migrate.sh
. bench/lib/bgp.sh

WL=$REPO/bench/tools/wl.py
MODES="full thesis bgp"
KMS="0 1500 3000 6000 12000"
LOSSES="0 0.1 0.5 1"
CORRUPTS=0
CORRUPT=0
TRIALS=1
BLACKOUT=0.3
MEM=8
WORKLOADS="udp tcp http"
SEPARATE=0
WL_SET=""
POST=4
OUT=""
PLOT=1
PREFETCHES=on
PREFETCH=on
HOLDS=on
HOLD=on
TB=${BENCH_PFX:-bd$$-}
WL_PIDS=()
WL_SENDERS=()

die() { echo "downtime: $*" >&2; exit 1; }

usage() { sed -n '3,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }

parse() {
	local p
	while [ "$#" -gt 0 ]; do
		case $1 in
		--quick) KMS="500 6000"; LOSSES="0.2"; MEM=4; POST=3 ;;
		--modes) MODES=$2; shift ;;
		--km) KMS=$2; shift ;;
		--loss) LOSSES=$2; shift ;;
		--corrupt) CORRUPTS=$2; shift ;;
		--jitter) export TB_JITTER=$2; shift ;;
		--rate) export TB_RATE=$2; shift ;;
		--trials) TRIALS=$2; shift ;;
		--blackout) BLACKOUT=$2; shift ;;
		--mem) MEM=$2; shift ;;
		--workloads) WORKLOADS=$2; shift ;;
		--separate) SEPARATE=1 ;;
		--post) POST=$2; shift ;;
		--out) OUT=$2; shift ;;
		--no-plot) PLOT=0 ;;
		--prefetch) PREFETCHES=$2; shift ;;
		--hold) HOLDS=$2; shift ;;
		--pxtr) export TB_PXTR=1 ;;
		--bgp-mrai) export TB_BGP_MRAI=$2; shift ;;
		-h|--help) usage 0 ;;
		*) echo "downtime: unknown option '$1'" >&2; usage 2 ;;
		esac
		shift
	done
	for p in $MODES; do
		case $p in full|thesis|bgp|pubsub|bgp-mrai) ;;
		*) die "--modes takes full thesis bgp pubsub bgp-mrai, not '$p'" ;;
		esac
	done
	case ${TB_BGP_MRAI:-30} in *[!0-9]*|'') die "--bgp-mrai takes whole seconds" ;; esac
	for p in $HOLDS; do
		case $p in on|off) ;; *) die "--hold takes on and off, not '$p'" ;; esac
	done
	for p in $PREFETCHES; do
		case $p in on|off) ;; *) die "--prefetch takes on and off, not '$p'" ;; esac
	done
	[ -n "$OUT" ] || OUT=$REPO/build/bench/$(date +%Y%m%d-%H%M%S)
	# absolute: the daemons' control_socket must be (xtrd refused
	# "control_socket must be an absolute path" for --out x)
	case $OUT in /*) ;; *) OUT=$CALLER_PWD/$OUT ;; esac
}

need() {
	local c
	[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
	for c in ip jq python3 awk; do
		command -v "$c" >/dev/null || die "needs $c"
	done
	for c in xtrd xtrctl migrated migratectl garp_send wanem; do
		[ -x "$BIN/$c" ] || die "no $BIN/$c (run make)"
	done
	why=$(xs_fixture_check) || die "$why"
	# a snapshot: the tree is rebuilt under us by others
	mkdir -p "$OUT/bin"
	for c in xtrd xtrctl migrated migratectl garp_send wanem; do
		cp "$BIN/$c" "$OUT/bin/$c"
	done
	BIN=$OUT/bin
	WANEM=$BIN/wanem
	case " $MODES " in
	*" bgp "*|*" bgp-mrai "*) command -v bird >/dev/null ||
		{ echo "downtime: no bird2: modes bgp, bgp-mrai skipped" >&2
		  MODES=$(for m in $MODES; do
			case $m in bgp*) ;; *) echo "$m" ;; esac; done); } ;;
	esac
}

wl_bg() {
	tb_bg "$@"
	WL_PIDS+=("$TB_LAST")
	case " $* " in *" udp-send "*) WL_SENDERS+=("$TB_LAST") ;; esac
}

has() { case ",$WL_SET," in *",$1,"*) return 0 ;; esac; return 1; }

wl_start() {
	local d=$1 n
	WL_PIDS=()
	WL_SENDERS=()
	# TB_PCAP=1: the TCP flows' headers at the client and in the VM
	# (tcpdump, 96 bytes a frame), to tell what a stall waited for
	if [ "${TB_PCAP:-0}" = 1 ] && command -v tcpdump >/dev/null; then
		for n in ch vm; do
			wl_bg "$n" "$d/pcap-$n.err" tcpdump -n -s 96 -U -i eth0 \
			    -w "$d/tcp-$n.pcap" tcp
		done
	fi
	if has udp || has v2c; then
		wl_bg ch "$d/udp_v2c.err" "$TB_PY" "$WL" udp-recv 9001 600 "$d/udp_v2c.recv"
	fi
	if has udp; then
		wl_bg vm "$d/udp_c2v.err" "$TB_PY" "$WL" udp-recv 9002 600 "$d/udp_c2v.recv"
		tb_pxtr_on && wl_bg vm "$d/udp_n2v.err" "$TB_PY" "$WL" udp-recv \
		    9003 600 "$d/udp_n2v.recv"
	fi
	if has tcp; then
		wl_bg vm "$d/tcp-src.err" "$TB_PY" "$WL" tcp-source 2121
	fi
	if has http; then
		truncate -s 4G "$RUN/www.bin"
		wl_bg vm "$d/http-srv.err" "$TB_PY" -m http.server -d "$RUN" \
		    -b 0.0.0.0 8080
	fi
	sleep 0.5
	if has udp || has v2c; then
		wl_bg vm "$d/udp_v2c.err2" "$TB_PY" "$WL" udp-send "$TB_CH_IP" 9001 \
		    200 1000 600 "$d/udp_v2c.sent"
	fi
	if has udp; then
		wl_bg ch "$d/udp_c2v.err2" "$TB_PY" "$WL" udp-send "$TB_VM_IP" 9002 \
		    200 1000 600 "$d/udp_c2v.sent"
		tb_pxtr_on && wl_bg nl "$d/udp_n2v.err2" "$TB_PY" "$WL" udp-send \
		    "$TB_VM_IP" 9003 200 1000 600 "$d/udp_n2v.sent"
	fi
	has tcp && wl_bg ch "$d/tcp.err" "$TB_PY" "$WL" tcp-sink "$TB_VM_IP" \
	    2121 600 "$d/tcp.log"
	has http && wl_bg ch "$d/http.err" "$TB_PY" "$WL" http-get \
	    "http://$TB_VM_IP:8080/www.bin" 600 "$d/http.log"
	wl_warm "$d"
}

# wl_warm DIR: every workload delivers (its receiver's first line), then
# WL_WARMUP s more, so that each stream runs a while before the suspend
# (lost_before starts 1 s before it, wan_loss_pct ends there): on a busy
# host the python start-ups alone took more than the fixed second this
# used to sleep
WL_WARMUP=1.5
wl_warm() {
	local d=$1 f
	local -a logs=()
	{ has udp || has v2c; } && logs+=("$d/udp_v2c.recv")
	has udp && logs+=("$d/udp_c2v.recv")
	has udp && tb_pxtr_on && logs+=("$d/udp_n2v.recv")
	has tcp && logs+=("$d/tcp.log")
	has http && logs+=("$d/http.log")
	for f in "${logs[@]}"; do
		tb_wait 30 test -s "$f" ||
		    echo "downtime: nothing received in $f after 30 s" >&2
	done
	sleep "$WL_WARMUP"
}

# The senders stop first and the receivers WL_DRAIN s later, so that the
# datagrams still in flight when the senders stop (up to the one-way delay:
# 60 ms at 12000 km) are not counted lost.
WL_DRAIN=0.5

wl_stop() {
	local p
	tb_stamp WL_T_STOP
	for p in "${WL_SENDERS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	[ "${#WL_SENDERS[@]}" -gt 0 ] && sleep "$WL_DRAIN"
	WL_SENDERS=()
	for p in "${WL_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${WL_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	WL_PIDS=()
}

collect() {
	local d=$1 n
	tb_bgp_mode && return 0
	tb_mig dc2 migrations --json >"$d/mig-dc2.json" 2>/dev/null || true
	tb_mig dc1 migrations --json >"$d/mig-dc1.json" 2>/dev/null || true
	for n in cl dc1 dc2 ms $(tb_pxtr_on && echo px); do
		tb_xtr "$n" --json timeline >"$d/tl-$n.json" 2>/dev/null || true
	done
	for n in cl dc1 dc2 $(tb_pxtr_on && echo px); do
		tb_xtr "$n" --json counters >"$d/counters-$n.json" 2>/dev/null ||
		    true
	done
	# the TCP stacks' own account of the stalls (timeouts, loss probes,
	# retransmissions, spurious RTOs): the client's and the VM's
	for n in ch vm; do
		tb_in "$n" nstat -as >"$d/tcp-$n.txt" 2>&1 || true
	done
	# where packets waited or were dropped in the kernels (the TUNs'
	# qdiscs, the bridges, the VM's link)
	for n in cl dc1 dc2 vm; do
		{ tb_in "$n" tc -s qdisc; tb_in "$n" ip -s link
		  tb_in "$n" ip neigh; } \
		    >"$d/links-$n.txt" 2>&1 || true
	done
}

write_meta() {
	local d=$1 mode=$2 km=$3 loss=$4 trial=$5
	cat >"$d/meta.env" <<-EOF
	MODE=$mode
	KM=$km
	LOSS=$loss
	CORRUPT=$CORRUPT
	TRIAL=$trial
	PREFETCH=$PREFETCH
	HOLD=$HOLD
	BLACKOUT_S=$BLACKOUT
	BGP_MRAI_S=$([ "$mode" = bgp-mrai ] && echo "${TB_BGP_MRAI:-30}" || echo 0)
	MEM_MB=$MEM
	MIG_T_START=$MIG_T_START
	MIG_T_PRECOPY_END=$MIG_T_PRECOPY_END
	MIG_T_ASKED=${MIG_T_ASKED:-0}
	MIG_T_SUSPEND=$MIG_T_SUSPEND
	MIG_T_SUSPENDED=$MIG_T_SUSPENDED
	MIG_T_RESTORED=$MIG_T_RESTORED
	MIG_T_UP=$MIG_T_UP
	MIG_T_END=$MIG_T_END
	WL_T_STOP=$WL_T_STOP
	MONO_OFFSET_NS=$("$TB_PY" "$WL" offset)
	EOF
}

# phase NAME: how long the trial's last phase took (TRIAL_PHASES)
phase() {
	local now
	now=$(date +%s%N)
	TRIAL_PHASES="$TRIAL_PHASES $1 $(((now - PHASE_T) / 100000000))"
	PHASE_T=$now
}

# trial N MODE KM LOSS T: one point of the grid, in its own testbed
trial() {
	local n=$1 mode=$2 km=$3 loss=$4 t=$5 d=$OUT/trials/$1 t0
	t0=$(date +%s)
	PHASE_T=$(date +%s%N)
	TRIAL_PHASES=""
	mkdir -p "$d"
	RUN=$d/run
	mkdir -p "$RUN"
	export WAN_RUNDIR=$RUN/wan
	# wanem names each frame it drops: analyze.py tells the WAN's random
	# loss from the migration's (wan_drop, lost_beyond_wan)
	export WAN_DROP_LOG=1
	mkdir -p "$WAN_RUNDIR"
	TB_PREFETCH=0
	[ "$PREFETCH" = on ] && TB_PREFETCH=1
	TB_HOLD=1
	[ "$HOLD" = on ] || TB_HOLD=0
	export TB_HOLD
	TB_KM=$km TB_LOSS=$loss TB_CORRUPT=$CORRUPT tb_up "$mode" ||
	    { tb_down; echo "trial $n: testbed failed" >&2; return 1; }
	phase up
	wl_start "$d"
	phase workloads
	tb_migrate "$MEM" "$BLACKOUT" || { wl_stop; tb_down; return 1; }
	phase migration
	# bgp-mrai: tb_migrate returned at the delayed announcement, MRAI
	# after the withdrawal; the TCP flows' retransmission timer doubled
	# meanwhile, so their next try comes well after it (38-73 s after up
	# at MRAI 30 s; with MRAI s more one FTP flow was not restored, 63 s)
	if [ "$mode" = bgp-mrai ]; then
		sleep "$((POST + 2 * ${TB_BGP_MRAI:-30}))"
	else
		sleep "$POST"
	fi
	wl_stop
	collect "$d"
	write_meta "$d" "$mode" "$km" "$loss" "$t"
	phase collect
	tb_down
	phase down
	cp "$RUN"/*.log "$d/" 2>/dev/null || true
	# each WAN link's counters per direction and the frames it dropped
	cp "$WAN_RUNDIR"/wanem*.json "$WAN_RUNDIR"/wanem*.drops "$d/" \
	    2>/dev/null || true
	[ -n "${KEEP_RUN:-}" ] || rm -rf "$RUN"
	"$TB_PY" bench/tools/analyze.py "$d" >>"$OUT/results.csv"
	printf 'trial %s: %-8s %5s km loss %4s%% corrupt %s%% %-12s prefetch %-3s hold %-3s migration %.1fs  (%ss:%s ds)\n' \
	    "$n" "$mode" "$km" "$loss" "$CORRUPT" "$WL_SET" "$PREFETCH" "$HOLD" \
	    "$(awk -v a="$MIG_T_START" -v b="$MIG_T_UP" 'BEGIN { print (b - a) / 1e9 }')" \
	    "$(($(date +%s) - t0))" "$TRIAL_PHASES"
}

cleanup() {
	# a second Ctrl-C or TERM must not cut the cleanup short
	trap '' INT TERM
	trap - EXIT
	wl_stop 2>/dev/null || true
	tb_down
	[ -n "${KEEP_RUN:-}" ] || rm -rf "${RUN:-/nonexistent}" 2>/dev/null || true
}

main() {
	local mode km loss t n=0 start sets corrupt
	parse "$@"
	# a set is the workloads of one trial, comma-separated
	sets=${WORKLOADS// /,}
	[ "$SEPARATE" = 1 ] && sets=$WORKLOADS
	mkdir -p "$OUT/trials"
	need
	"$TB_PY" bench/tools/analyze.py --header-only >"$OUT/results.csv"
	trap cleanup EXIT
	trap 'cleanup; exit 130' INT
	trap 'cleanup; exit 143' TERM
	start=$(date +%s)
	for mode in $MODES; do
		for km in $KMS; do
			for loss in $LOSSES; do
				for corrupt in $CORRUPTS; do
					CORRUPT=$corrupt
					for t in $(seq "$TRIALS"); do
						for WL_SET in $sets; do
						for PREFETCH in $PREFETCHES; do
						for HOLD in $HOLDS; do
							n=$((n + 1))
							trial "$n" "$mode" "$km" "$loss" "$t" ||
							    echo "trial $n ($mode $km km $loss% corrupt $CORRUPT% prefetch $PREFETCH hold $HOLD) failed" >&2
						done
						done
						done
					done
				done
			done
		done
	done
	echo "$n trials in $(($(date +%s) - start)) s: $OUT/results.csv"
	[ "$PLOT" = 1 ] && bench/plot.sh "$OUT"
	return 0
}

main "$@"; exit $?  # one line: safe if this file is edited while it runs
