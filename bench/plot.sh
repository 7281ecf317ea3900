#!/bin/bash
# bench/plot.sh: the figures and the summary of a downtime bench run.
# Usage: bench/plot.sh OUTDIR   (OUTDIR/results.csv from bench/downtime.sh)
# Writes OUTDIR/plots/{restoration,downtime,migration}.{svg,png} (gnuplot)
# and OUTDIR/summary.md (bench/tools/report.py).
# Environment: none.
set -eu -o pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "plot: $*" >&2; exit 1; }

main() {
	local out=${1:-} term=png
	[ -n "$out" ] || die "usage: bench/plot.sh OUTDIR"
	[ -s "$out/results.csv" ] || die "no $out/results.csv"
	command -v gnuplot >/dev/null || die "needs gnuplot"
	python3 "$REPO/bench/tools/report.py" "$out"
	gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1 && term=pngcairo
	sed -i "s/TERM_PNG/$term/" "$out/plots/figures.gp"
	(cd "$out/plots" && gnuplot figures.gp)
	echo "plots: $out/plots/restoration.svg (.png), downtime, migration"
	echo "summary: $out/summary.md"
}

main "$@"; exit $?  # one line: safe if this file is edited while it runs
