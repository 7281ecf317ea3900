#!/bin/bash
# shellcheck disable=SC2317 # on_signal runs from a trap
# scripts/demo.sh: the two-datacenter migration demo, in one command.
#
# On a fresh Debian 12 machine, as root, from a clone of this repository:
# installs what is missing (scripts/install-deps.sh), builds (make), brings
# up the bench's testbed in network namespaces (a client site, two
# datacenters 6000 km apart, each a "Dom0" with a bridge, xtrd, migrated
# and its own real xenstored, a Map-Server/Map-Resolver, a WAN emulator),
# starts a video-like UDP stream both ways between the client and the VM,
# live-migrates the VM from datacenter 1 to datacenter 2 as xl migrate
# does, prints the timeline (migrated, xtrd, the packets) and the downtime
# figures, draws the stream, and tears everything down.  Interrupted
# (Ctrl-C, SIGTERM), it still leaves no namespace or process behind.
#
# Usage: scripts/demo.sh [--km N] [--loss PCT] [--blackout S] [--mem MB]
#                        [--mode full|thesis|bgp] [--pxtr] [--no-build]
#   --km N        DC1-DC2 distance (default 6000 km: 30 ms one way)
#   --loss PCT    loss on the DC1-DC2 path (default 0)
#   --blackout S  stop-and-copy blackout (default 0.3 s)
#   --mem MB      VM memory sent in pre-copy (default 8)
#   --mode M      full (default), thesis or bgp: see bench/downtime.sh
#   --pxtr        add a PxTR and a non-LISP host streaming to the VM
#   --no-build    skip install-deps.sh and make
# Environment: KEEP_RUN=1 keeps the run directory (logs, timelines).
# Output: build/demo/<date>/ (results.csv, trials/1/, stream.svg/.png).
set -eu -o pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"

KM=6000
LOSS=0
BLACKOUT=0.3
MEM=8
MODE=full
BUILD=1
CHILD=""
EXTRA=()

die() { echo "demo: $*" >&2; exit 1; }

usage() { sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }

parse() {
	while [ "$#" -gt 0 ]; do
		case $1 in
		--km) KM=$2; shift ;;
		--loss) LOSS=$2; shift ;;
		--blackout) BLACKOUT=$2; shift ;;
		--mem) MEM=$2; shift ;;
		--mode) MODE=$2; shift ;;
		--no-build) BUILD=0 ;;
		--pxtr) EXTRA+=(--pxtr) ;;
		-h|--help) usage 0 ;;
		*) echo "demo: unknown option '$1'" >&2; usage 2 ;;
		esac
		shift
	done
}

build() {
	[ "$BUILD" = 1 ] || return 0
	echo "== dependencies and build"
	scripts/install-deps.sh
	make -j2 >"$OUT/make.log" 2>&1 ||
	    { tail -20 "$OUT/make.log" >&2; die "make failed (log: $OUT/make.log)"; }
}

# The bench cleans up on INT/TERM itself; forward a TERM sent to us alone.
on_signal() {
	trap '' INT TERM
	if [ -n "$CHILD" ]; then
		kill -TERM "$CHILD" 2>/dev/null || true
		wait "$CHILD" 2>/dev/null || true
	fi
	echo "demo: interrupted; testbed torn down" >&2
	exit 130
}

run() {
	echo "== migrating a VM over $KM km (one-way delay $((KM / 200)) ms," \
	    "loss $LOSS%, blackout ${BLACKOUT}s, mode $MODE)"
	bench/downtime.sh --modes "$MODE" --km "$KM" --loss "$LOSS" \
	    --blackout "$BLACKOUT" --mem "$MEM" --workloads udp --post 3 \
	    --out "$OUT" --no-plot "${EXTRA[@]}" &
	CHILD=$!
	wait "$CHILD" || die "the bench failed"
	CHILD=""
	[ -s "$OUT/trials/1/meta.env" ] || die "the migration failed (see above)"
}

show() {
	local d=$OUT/trials/1 term=png
	echo
	python3 bench/tools/timeline.py "$d" "$OUT"
	if command -v gnuplot >/dev/null; then
		gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1 && term=pngcairo
		(cd "$OUT" &&
		    { echo "set terminal svg size 900,500; set output 'stream.svg'"
		      cat stream.gp
		      echo "set terminal $term size 900,500; set output 'stream.png'"
		      echo "replot"; } | gnuplot)
		echo
		echo "Plot: $OUT/stream.svg (and .png)"
	fi
	echo "Logs, timelines, CSV: $OUT"
}

main() {
	local t0
	t0=$(date +%s)
	parse "$@"
	[ "$(id -u)" -eq 0 ] || die "run me as root (network namespaces)"
	OUT=$REPO/build/demo/$(date +%Y%m%d-%H%M%S)
	mkdir -p "$OUT"
	trap on_signal INT TERM
	build
	run
	show
	echo "Done in $(($(date +%s) - t0)) s; nothing left running."
}

main "$@"; exit $?  # one line: safe if this file is edited while it runs
