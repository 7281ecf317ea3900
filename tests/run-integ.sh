#!/bin/bash
# run-integ.sh: run integration test scripts, each under a time limit.
# Usage: tests/run-integ.sh [TEST...]   (default: every tests/integ/*.sh)
# A test exits 0 (pass), 77 (skip, with the reason on its last line) or
# anything else (fail).  Environment: RESULTS as in run-unit.sh;
# INTEG_TIMEOUT seconds per test (default 300; a test may raise its own with
# a line "# integ-timeout: SECS", and sees its limit as INTEG_LIMIT);
# INTEG_FILTER a regex on names.
set -eu -o pipefail

cd "$(dirname "$0")/.."
[ "$#" -gt 0 ] || set -- tests/integ/*.sh
pass=0; fail=0; skip=0
logdir=${INTEG_LOGDIR:-build/integ-logs}
mkdir -p "$logdir"
for t in "$@"; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	if [ -n "${INTEG_FILTER:-}" ] && ! [[ $name =~ $INTEG_FILTER ]]; then
		continue
	fi
	# A test may ask for a longer limit with a line "# integ-timeout: SECS".
	limit=$(sed -n 's/^# integ-timeout: *\([0-9][0-9]*\)$/\1/p' "$t" | head -n1)
	limit=${limit:-${INTEG_TIMEOUT:-300}}
	start=$(date +%s)
	rc=0
	INTEG_LIMIT=$limit timeout -k 10 "$limit" bash "$t" >"$logdir/$name.log" 2>&1 || rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0)  echo "ok   $name (${secs}s)"; pass=$((pass + 1)) ;;
	77) echo "skip $name: $(tail -n1 "$logdir/$name.log")"; skip=$((skip + 1)) ;;
	*)  tail -n 60 "$logdir/$name.log"
	    echo "FAIL $name (rc=$rc, ${secs}s, log $logdir/$name.log)"
	    fail=$((fail + 1)) ;;
	esac
done
[ -n "${RESULTS:-}" ] && echo "integ $pass $fail $skip" >> "$RESULTS"
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
