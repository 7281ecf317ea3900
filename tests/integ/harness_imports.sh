#!/bin/bash
# harness_imports.sh: the shell of tests/ and bench/ imports in one
# direction.  The harness library (tests/lib/harness/) sources nothing
# outside tests/lib/; nothing under tests/ sources bench/ or scripts/; and
# the old harnesses (tests/xtr/lib.sh, tests/xtr/dp_lib.sh,
# tests/tools/mig_lib.sh, bench/lib/testbed.sh) reach the shared pieces
# through the library instead of carrying their own copies (no wait loop,
# no xtrd or migrated start of their own).  Reads files only: no root, no
# namespaces.  Arguments: none.  Environment: none.
set -eu -o pipefail
cd "$(dirname "$0")/../.."

fail=0
die() { echo "FAIL: $*" >&2; exit 1; }
bad() { echo "FAIL: $*" >&2; fail=1; }

# sources FILE: the word after each '.' or 'source' command, one a line
sources() {
	sed -nE 's/^[[:space:]]*(\.|source)[[:space:]]+("?[^"[:space:];]+"?).*/\2/p' "$1" |
	    tr -d '"'
}

[ -f tests/lib/harness/harness.sh ] || die "no tests/lib/harness/harness.sh"

for f in tests/lib/harness/*.sh; do
	while read -r s; do
		# shellcheck disable=SC2016 # the literal text
		case $s in
		'$H_DIR/'*) ;;			# tests/lib/harness/ or tests/lib/
		*) bad "$f sources '$s', outside tests/lib/" ;;
		esac
		case $s in *bench/*|*scripts/*) bad "$f sources '$s'" ;; esac
	done < <(sources "$f")
done

n=0
while read -r f; do
	n=$((n + 1))
	while read -r s; do
		case $s in
		*bench/*|*scripts/*) bad "$f sources '$s' (tests must not import bench/ or scripts/)" ;;
		esac
	done < <(sources "$f")
done < <(grep -rlE --include='*.sh' '^[[:space:]]*(\.|source)[[:space:]]' tests)
[ "$n" -gt 10 ] || die "found only $n sourcing files under tests/"

# the library is what they source
grep -q '^\. tests/lib/harness/harness.sh' tests/xtr/lib.sh ||
    bad "tests/xtr/lib.sh does not source the harness"
grep -q '^\. tests/lib/harness/harness.sh' bench/downtime.sh ||
    bad "bench/downtime.sh does not source the harness"

# no second copy of the shared bodies in the layers above it
for f in tests/xtr/lib.sh tests/xtr/dp_lib.sh tests/tools/mig_lib.sh \
    bench/lib/testbed.sh; do
	grep -nE 'date \+%s%N\) / 1000000' "$f" &&
	    bad "$f has its own deadline loop (use h_wait)"
	grep -nE '(xtrd|migrated)\}?" -d' "$f" &&
	    bad "$f starts a daemon itself (use h_start_xtrd/h_start_migrated)"
	grep -nE '(xtrctl|migratectl)" -s' "$f" &&
	    bad "$f runs a ctl itself (use h_xtr/h_mig)"
done
[ "$fail" = 0 ] || exit 1
echo "harness_imports: ok ($n sourcing files under tests/ checked)"
