#!/bin/bash
# migrated_slow_suspend.sh: a guest slow to act on the suspend request, in
# migrated's libxl mode (issue 18, the two-host Xen run).  With the
# departure announced, src hands web1's EIDs to dst at the toolstack's
# suspend request (control/shutdown = suspend), while the guest is still
# running: it suspends only once it has frozen its tasks and devices.  The
# two-host run under QEMU TCG: src's migrated logged "aborted: running here
# again before the rename" 2 ms after "suspended", re-registered the EID
# from src, and src's xtrd delivered the client's pings of the whole
# blackout to the suspended guest (56 of 1823 lost).
#   web1: the guest runs on for SLOW seconds after the request (migrated
#         polls libxl every 100 ms meanwhile), then acks and suspends; the
#         migration completes.  No "aborted" at src, src's xtrd never has
#         the EID back, the MS ends mapping it to dst.
#   web2: a real abort in the blackout: suspended (shut down), then running
#         again without a rename (xl resumed it): src takes its EID back
#         ("aborted", registered from src again).
# Arguments: none.  Environment: SLOW (seconds, default 1.5), BIN, KEEP_RUN.
# Namespaces: mss-*.  Run directory: build/migrated_slow_suspend.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mss-
RUN=$PWD/build/migrated_slow_suspend
MIG_HV=libxl
SLOW=${SLOW:-1.5}
. tests/tools/mig_lib.sh

EID1=198.51.100.5/32
EID2=198.51.100.6/32

# the guest acks the request and suspends (xlr_src_suspend without the
# request itself)
guest_suspends() {
	xenstore-write "/local/domain/$1/control/shutdown" "" &&
	    xs_domain_shutdown "$1" suspend
}

mig_need
[ -f "${B:-build}/lib/mig_flask_shim.so" ] || skip "no mig_flask_shim.so (make)"
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup
[ "$(mig_jq src .hypervisor status)" = libxl ] ||
    mig_fail "migrated is not in libxl mode: $(mig_jq src .hypervisor status)"
mig_vm_at src web1 3 00:16:3e:00:00:05
mig_vm_at src web2 4 00:16:3e:00:00:06
xtr_wait 10 mig_registered_at_ms "$EID1" 192.0.2.1 || mig_fail "web1 not at src"
xtr_wait 10 mig_registered_at_ms "$EID2" 192.0.2.1 || mig_fail "web2 not at src"
mig_vif dst 7 0 00:16:3e:00:00:05

# web1: slow to suspend, then migrated
xs_host src
UUID=$(xs_domain_uuid 3)
mig_ctl src departure web1 192.0.2.2 >/dev/null
xs_host dst; xlr_dest_create web1 7 "$UUID"
xs_host src
xenstore-write /local/domain/3/control/shutdown suspend
xtr_wait 5 mig_has_event src web1 redirecting ||
    mig_fail "src did not redirect web1 at the suspend request"
# the guest's own delay (the input of this test, not a wait for migrated)
sleep "$SLOW"
[ -z "$(mig_event src web1 aborted)" ] ||
    mig_fail "src took web1 back while it was still suspending: $(mig_ctl src migrations)"
guest_suspends 3
xs_host dst; xlr_dest_restore 7 00:16:3e:00:00:05 xenbr0
xs_host src; xlr_src_rename_away web1 3
xs_host dst; xlr_dest_go web1 7
mig_guest dst 7 -t garp -a 198.51.100.5 >/dev/null
xlr_guest_resume 7
xtr_wait 10 mig_registered_at_ms "$EID1" 192.0.2.2 ||
    mig_fail "web1 not registered from dst"
xs_host src; xlr_src_destroy 3
xtr_wait 5 mig_has_event src web1 released || mig_fail "src did not release web1"
[ -z "$(mig_event src web1 aborted)" ] ||
    mig_fail "src timeline has aborted for web1: $(mig_ctl src migrations)"
[ "$(xtr_jq src "[.events[] | select(.event == \"database-add\" and .eid == \"$EID1\")] | length" timeline)" -le 1 ] ||
    mig_fail "src's xtrd added $EID1 again: $(xtr_jq src '.events' timeline)"
! mig_db_has src "$EID1" || mig_fail "src's xtrd serves $EID1"
mig_registered_at_ms "$EID1" 192.0.2.2 || mig_fail "the MS lost web1 at dst"
echo "web1: slow suspend (${SLOW}s), no abort, moved to dst"

# web2: suspended, then resumed here without a rename (xl's failure path)
mig_ctl src departure web2 192.0.2.2 >/dev/null
xs_host src
xenstore-write /local/domain/4/control/shutdown suspend
xtr_wait 5 mig_has_event src web2 redirecting ||
    mig_fail "src did not redirect web2 at the suspend request"
guest_suspends 4
xtr_wait 5 mig_not mig_db_has src "$EID2" || mig_fail "src kept $EID2 at the suspend"
# a 1 s blackout (migrated sees the shut-down domain at its @releaseDomain
# event and polls libxl every 100 ms), then xl resumes it here
sleep 1
xs_domain_unpause 4
xtr_wait 5 mig_has_event src web2 aborted ||
    mig_fail "src did not take web2 back after its resume"
xtr_wait 10 mig_registered_at_ms "$EID2" 192.0.2.1 ||
    mig_fail "web2 not registered from src again"
mig_db_has src "$EID2" || mig_fail "src's xtrd does not serve $EID2"
[ "$(mig_counter src migrations_aborted_out)" = 1 ] ||
    mig_fail "migrations_aborted_out $(mig_counter src migrations_aborted_out), expected 1"
echo "web2: resumed after its suspend, taken back"
mig_ctl src migrations
echo "migrated_slow_suspend: ok"
