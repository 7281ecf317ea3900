#!/bin/bash
# xtr_config_golden.sh: `xtrd -nv -f X.conf` against golden files.  For
# every tests/xtr/golden/NAME.conf, NAME.out holds the expected stdout and
# stderr (normalised config or the file:line errors) and the exit status.
# Arguments: none.  Environment: BIN (default build/bin); UPDATE=1
# rewrites the .out files from the current output.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-build/bin}
die() { echo "FAIL: $*" >&2; exit 1; }

[ -x "$BIN/xtrd" ] || { echo "build xtrd first"; exit 77; }
fail=0
for conf in tests/xtr/golden/*.conf; do
	exp=${conf%.conf}.out
	rc=0
	out=$("$BIN/xtrd" -nv -f "$conf" 2>&1) || rc=$?
	got=$(printf '%s\nexit %d\n' "$out" "$rc")
	if [ -n "${UPDATE:-}" ]; then
		printf '%s\n' "$got" > "$exp"
		continue
	fi
	[ -f "$exp" ] || die "missing $exp"
	if [ "$got" != "$(cat "$exp")" ]; then
		echo "mismatch: $conf"
		diff -u "$exp" <(printf '%s\n' "$got") || true
		fail=1
	else
		echo "ok: $conf"
	fi
	# an accepted config prints back to a config that prints the same
	if [ "$rc" -eq 0 ]; then
		printf '%s\n' "$out" > "build/golden.$$.conf"
		again=$("$BIN/xtrd" -nv -f "build/golden.$$.conf" 2>&1) ||
		    die "normalised $conf does not parse"
		rm -f "build/golden.$$.conf"
		[ "$again" = "$out" ] || die "normalised $conf is not stable"
	fi
done
[ "$fail" -eq 0 ] || die "golden mismatches"
echo "xtr_config_golden: ok"
