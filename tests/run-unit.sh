#!/bin/bash
# run-unit.sh: run cmocka unit test programs and tally their results.
# Usage: tests/run-unit.sh BINDIR TEST...
# Environment:
#   RESULTS  file to append "unit PASSED FAILED" to (optional)
set -eu -o pipefail

bindir=$1; shift
pass=0; fail=0
for t in "$@"; do
	out=$("$bindir/$t" 2>&1) && rc=0 || rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	p=${p:-0}; f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed or sanitizer abort before cmocka's summary
	fi
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out"
		echo "FAIL $t ($p passed, $f failed, rc=$rc)"
	else
		echo "ok   $t ($p tests)"
	fi
	pass=$((pass + p)); fail=$((fail + f))
done
[ -n "${RESULTS:-}" ] && echo "unit${UNIT_TAG:+-$UNIT_TAG} $pass $fail" >> "$RESULTS"
echo "unit${UNIT_TAG:+ ($UNIT_TAG)}: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
