#!/bin/bash
# xtr_layers.sh: xtrd's rooms (docs/ARCHITECTURE.md) depend on each other
# downwards only: main > api > ms > cp > dp > xtr/ base > common, lisp;
# xtr/ctl/ on common/ only.  tools/check-layers.sh reads every #include
# under xtr/ and, with the build's objects, every undefined symbol (nm),
# and fails on an upward edge or a cycle.  Negative controls: a copy of
# xtr/ where the data plane includes the control plane's header, and one
# where the ETR calls the API, must both fail.
# Arguments: none.  Environment: B (build folder, default build).
set -eu -o pipefail

cd "$(dirname "$0")/../.."
B=${B:-build}
RUN=$(mktemp -d /tmp/xtr_layers.$$.XXXXXX)
trap 'rm -rf "$RUN"' EXIT

die() { echo "xtr_layers: $*" >&2; exit 1; }

[ -d "$B/obj/xtr" ] || { echo "no $B/obj/xtr: build first"; exit 77; }
command -v nm >/dev/null || { echo "no nm"; exit 77; }

# the tree as it is: includes and calls
tools/check-layers.sh "$B/obj" | tee "$RUN/ok.log" ||
    die "the rooms depend on each other upwards or in a cycle (above)"
grep -q 'no cycle, no upward edge' "$RUN/ok.log" || die "no verdict"

# negative controls on copies of the sources (includes only)
copy() {
	rm -rf "$RUN/t"; mkdir -p "$RUN/t/tools"
	cp -r xtr common lisp "$RUN/t/"
	cp tools/check-layers.sh "$RUN/t/tools/"
}
copy
sed -i '0,/#include "xtr\/xtrd.h"/s//#include "xtr\/xtrd.h"\n#include "xtr\/cp\/cp.h"/' \
    "$RUN/t/xtr/dp/dp_decap.c"
grep -q 'xtr/cp/cp.h' "$RUN/t/xtr/dp/dp_decap.c" || die "control 1 not made"
if "$RUN/t/tools/check-layers.sh" > "$RUN/bad1.log"; then
	cat "$RUN/bad1.log"; die "dp including cp.h was not caught"
fi
grep -q 'include: xtr/dp/dp_decap.c (dp) -> xtr/cp/cp.h (cp): not allowed' \
    "$RUN/bad1.log" || { cat "$RUN/bad1.log"; die "control 1: wrong report"; }
grep -q 'cycle between rooms' "$RUN/bad1.log" ||
    { cat "$RUN/bad1.log"; die "control 1: the cp <-> dp cycle not named"; }

copy
echo '#include "xtr/api/api.h"' >> "$RUN/t/xtr/cp/etr_reply.c"
if "$RUN/t/tools/check-layers.sh" > "$RUN/bad2.log"; then
	cat "$RUN/bad2.log"; die "cp including api.h was not caught"
fi
grep -q 'include: xtr/cp/etr_reply.c (cp) -> xtr/api/api.h (api): not allowed' \
    "$RUN/bad2.log" || { cat "$RUN/bad2.log"; die "control 2: wrong report"; }
echo "xtr_layers: ok (and both controls caught)"
