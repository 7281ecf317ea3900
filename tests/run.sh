#!/bin/bash
# run.sh: every test, from a fresh Debian 12 machine (this is `make check`
# and what .ci/run calls).  Installs what it needs, builds with gcc and
# clang, runs the unit tests plain and under ASan+UBSan, a short fuzz pass
# and the integration tests, then prints one "N passed, N failed" line.
# Environment:
#   FUZZ_SECONDS   per-target fuzz time in the short pass (default 5)
#   SKIP_FUZZ=1    leave out the fuzz pass;  SKIP_INTEG=1 the integration tests
#   INTEG_FILTER   regex: run only matching integration tests
set -eu -o pipefail

cd "$(dirname "$0")/.."
scripts/install-deps.sh
export RESULTS
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
status=0
jobs=$(nproc 2>/dev/null || echo 2)

step() { echo; echo "=== $*"; }

step "build (gcc)"
make -s -j"$jobs" all || { echo "build failed"; exit 1; }
step "build (clang, warnings are errors)"
make -s -j"$jobs" CC=clang B=build-clang all || { echo "clang build failed"; exit 1; }
step "unit tests"
make -s -j"$jobs" unit || status=1
step "unit tests under ASan+UBSan"
UNIT_TAG=asan make -s -j"$jobs" B=build-asan SAN=1 unit || status=1
if [ "${SKIP_FUZZ:-0}" != 1 ]; then
	step "fuzz pass (${FUZZ_SECONDS:-5}s per target)"
	make -s -j"$jobs" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-5}" || status=1
fi
if [ "${SKIP_INTEG:-0}" != 1 ]; then
	step "integration tests"
	tests/run-integ.sh || status=1
fi

step "summary"
awk '{ p += $2; f += $3; s += $4; printf "  %-10s %4d passed %4d failed%s\n", $1, $2, $3, ($4 ? sprintf(" %4d skipped", $4) : "") }
     END { printf "all: %d passed, %d failed, %d skipped\n", p, f, s }' "$RESULTS"
exit "$status"
