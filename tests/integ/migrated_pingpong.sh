#!/bin/bash
# migrated_pingpong.sh: web1 migrates src -> dst and back dst -> src (new
# domids each time, as xl does).  After the way back src registers the
# EID again (replacing the "away" entry its xtrd kept), dst withdraws it
# with moved_to = src, and the MS maps it to src only.  Arguments: none.
# Environment: BIN, KEEP_RUN.  Namespaces: mp-*.
# Run directory: build/migrated_pingpong.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mp-
RUN=$PWD/build/migrated_pingpong
. tests/tools/mig_lib.sh

EID=198.51.100.5/32
hook_dst() { [ "$1" != dest_go ] || mig_guest dst 7 -t garp -a 198.51.100.5 >/dev/null; }
hook_src() { [ "$1" != dest_go ] || mig_guest src 9 -t garp -a 198.51.100.5 >/dev/null; }

mig_need
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup
mig_vm_at src web1 3 00:16:3e:00:00:05
xtr_wait 10 mig_registered_at_ms "$EID" 192.0.2.1 || mig_fail "src"
mig_vif dst 7 0 00:16:3e:00:00:05
mig_vif src 9 0 00:16:3e:00:00:05

mig_ctl src departure web1 192.0.2.2 >/dev/null
XLR_HOOK=hook_dst xlr_migrate "$RUN/xs-src" 3 "$RUN/xs-dst" 7
xtr_wait 10 mig_registered_at_ms "$EID" 192.0.2.2 || mig_fail "there"
xtr_wait 5 mig_away_has src "$EID" 192.0.2.2 || mig_fail "src away entry"

mig_ctl dst departure web1 192.0.2.1 >/dev/null
XLR_HOOK=hook_src xlr_migrate "$RUN/xs-dst" 7 "$RUN/xs-src" 9
xtr_wait 10 mig_registered_at_ms "$EID" 192.0.2.1 || mig_fail "not back"
xtr_wait 5 mig_db_registered src "$EID" || mig_fail "src database"
xtr_wait 5 mig_away_has dst "$EID" 192.0.2.1 || mig_fail "dst away entry"
xtr_wait 5 mig_has_event dst web1 withdrawn || mig_fail "dst kept it"
if [ -z "$MIG_FAKE" ]; then
	xtr_wait 5 mig_not mig_registered_at_ms "$EID" 192.0.2.2 ||
	    mig_fail "the MS still maps $EID to dst"
fi
[ "$(mig_jq src '.domains[] | select(.name == "web1") | .domid' status)" = 9 ] ||
    mig_fail "src does not track the new domid"
mig_ctl src migrations
echo "migrated_pingpong: ok"
