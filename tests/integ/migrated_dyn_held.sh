#!/bin/bash
# migrated_dyn_held.sh: a guest cannot take a dynamic EID that a guest on
# another Dom0 holds (issue 16, finding 1).  Both Dom0s have the same
# migrated.conf (the range 198.51.100.128/25 on xenbr0), real xtrd's and
# one MS.
#   held    web3 (src, domid 5, no static EID) claims 198.51.100.130:
#           registered from src.  web2 (dst, domid 8, created there, not
#           migrated) then announces 198.51.100.130 on its own vif: dst's
#           migrated asks the Map-Resolver (POST /v1/lig), which answers
#           src's RLOC: refused, counted spoof_eid_held_elsewhere; the MS
#           still maps it to src only; web2's EIDs are unchanged.  (Before:
#           registered from dst, the MS moved web3's address to web2.)
#   free    web2 announces 198.51.100.140, which no one holds: the
#           Map-Resolver answers negative, registered from dst.
#   move    web3 migrates to dst (xl's steps replayed) and announces its
#           address there: it takes it, registered from dst (src handed it
#           over at the suspend, so the Map-Resolver answers negative; had
#           it still answered src, a guest that came in by migration would
#           be let through as dyn_handover_unverified while xtrd keeps no
#           VM UUID to compare), and nothing more is counted as a spoof.
# Arguments: none.  Environment: BIN, MIGRATED, KEEP_RUN.  Namespaces: dh-*.
# Run directory: build/migrated_dyn_held.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dh-
RUN=$PWD/build/migrated_dyn_held
. tests/tools/mig_lib.sh

EID=198.51.100.130

hook() {
	[ "$1" = dest_go ] || return 0
	mig_guest dst 9 -t garp -a "$EID" >/dev/null
}

eids_of() {
	mig_jq "$1" ".domains[] | select(.name == \"$2\") | .eids | join(\",\")" status
}

mig_need
trap mig_cleanup EXIT
[ -z "$MIG_FAKE" ] || skip "needs the real xtrd and Map-Server"
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup
mig_vm_at src web3 5 00:16:3e:00:00:07
mig_vm_at dst web2 8 00:16:3e:00:00:06
xtr_wait 10 mig_registered_at_ms 198.51.100.6/32 192.0.2.2 || mig_fail "web2"
xtr_wait 5 mig_vif_captured src web3 || mig_fail "web3's vif not captured"
mig_guest src 5 -t garp -a "$EID" >/dev/null
xtr_wait 10 mig_registered_at_ms "$EID/32" 192.0.2.1 ||
    mig_fail "web3's dynamic EID not registered from src"

# --- held: web2 on dst announces web3's address ---------------------------
xtr_wait 5 mig_vif_captured dst web2 || mig_fail "web2's vif not captured"
mig_guest dst 8 -t garp -a "$EID" >/dev/null
xtr_wait 10 h_out_ge 1 mig_counter dst spoof_eid_held_elsewhere ||
    mig_fail "held: web2's claim of $EID not refused (spoof_eid_held_elsewhere $(mig_counter dst spoof_eid_held_elsewhere), web2: $(eids_of dst web2))"
sleep 0.5	# what a wrongly accepted claim would need to reach the MS
mig_registered_at_ms "$EID/32" 192.0.2.1 || mig_fail "held: the MS lost src's $EID"
! mig_registered_at_ms "$EID/32" 192.0.2.2 || mig_fail "held: the MS maps $EID to dst"
! mig_db_has dst "$EID/32" || mig_fail "held: dst's xtrd has $EID"
[ "$(eids_of dst web2)" = 198.51.100.6/32 ] || mig_fail "held: web2 holds $(eids_of dst web2)"
grep -q "spoof_eid_held_elsewhere: $EID claimed by web2" "$RUN/mig-dst.log" ||
    mig_fail "held: no log line"
echo "held: ok"

# --- free: an address no one holds ----------------------------------------
mig_guest dst 8 -t garp -a 198.51.100.140 >/dev/null
xtr_wait 10 mig_registered_at_ms 198.51.100.140/32 192.0.2.2 ||
    mig_fail "free: web2's claim of a free address not registered"
echo "free: ok"

# --- move: web3 itself migrates to dst and keeps its address ---------------
mig_vif dst 9 0 00:16:3e:00:00:07
XLR_HOOK=hook xlr_migrate "$RUN/xs-src" 5 "$RUN/xs-dst" 9
xtr_wait 10 mig_registered_at_ms "$EID/32" 192.0.2.2 ||
    mig_fail "move: web3's $EID not registered from dst after its migration"
[ "$(eids_of dst web3)" = "$EID/32" ] || mig_fail "move: web3 holds $(eids_of dst web3)"
[ "$(mig_counter dst spoof_eid_held_elsewhere)" = 1 ] ||
    mig_fail "move: web3's own claim counted as a spoof"
echo "move: ok"
mig_ctl dst status
echo "migrated_dyn_held: ok"
