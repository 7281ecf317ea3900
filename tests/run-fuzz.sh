#!/bin/bash
# run-fuzz.sh: run each libFuzzer target for a bounded time.
# Usage: tests/run-fuzz.sh FUZZDIR SECONDS TARGET...
# Seeds: tests/fuzz/corpus/<target>/ (read; new inputs go to a scratch dir so
# the tree is not modified).  Environment: RESULTS as in run-unit.sh.
set -eu -o pipefail

dir=$1; secs=$2; shift 2
pass=0; fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in "$@"; do
	mkdir -p "$work/$t"
	seeds=tests/fuzz/corpus/$t
	[ -d "$seeds" ] || seeds=
	log=$work/$t.log
	if "$dir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$work/$t-" \
	    "$work/$t" ${seeds:+"$seeds"} >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
		echo "ok   $t: ${runs:-?} executions in ${secs}s, no crash"
		pass=$((pass + 1))
	else
		tail -n 40 "$log"
		for a in "$work/$t"-*; do
			[ -e "$a" ] && { echo "artifact: $a"; od -An -tx1 "$a" | head -n 8; }
		done
		echo "FAIL $t"
		fail=$((fail + 1))
	fi
done
[ -n "${RESULTS:-}" ] && echo "fuzz $pass $fail" >> "$RESULTS"
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
