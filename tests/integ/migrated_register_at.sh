#!/bin/bash
# migrated_register_at.sh: both values of register_at, on a full `xl
# migrate` replayed on two xenstored fixtures with real xtrd's.  web1 goes
# src -> dst, dst with register_at = rename (the default): dst registers
# 198.51.100.5/32 when xl renames web1--incoming to web1, before the guest's
# gratuitous ARP (sent 0.3 s after the unpause), and still records that
# announcement and the arrival.  Then src is switched to register_at =
# arrival (its config rewritten, SIGHUP) and web1 comes back dst -> src:
# src registers only after the announcement.  Both ways the SMRs follow
# the Map-Notify, register-sent follows the rename, and the MS maps the EID
# to the new host.  Arguments: none.  Environment: BIN, KEEP_RUN.
# Namespaces: mra-*.  Run directory: build/migrated_register_at.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mra-
RUN=$PWD/build/migrated_register_at
. tests/tools/mig_lib.sh

EID=198.51.100.5/32
MAC=00:16:3e:00:00:05

hook_dst() { [ "$1" != dest_go ] || { sleep 0.3; mig_guest dst 7 -t garp -a 198.51.100.5 >/dev/null; }; }
hook_src() { [ "$1" != dest_go ] || { sleep 0.3; mig_guest src 9 -t garp -a 198.51.100.5 >/dev/null; }; }

# check_order HOST BEFORE AFTER: in web1's last timeline on HOST, the first
# BEFORE comes before the first AFTER (both present)
check_order() {
	local a b
	a=$(mig_event "$1" web1 "$2")
	b=$(mig_event "$1" web1 "$3")
	[ -n "$a" ] || mig_fail "$1: no $2"
	[ -n "$b" ] || mig_fail "$1: no $3"
	[ "$a" -lt "$b" ] || mig_fail "$1: $2 ($a) not before $3 ($b)"
	echo "$1: $2 -> $3: $(( b - a )) us"
}

mig_need
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup
mig_vm_at src web1 3 "$MAC"
xtr_wait 10 mig_registered_at_ms "$EID" 192.0.2.1 || mig_fail "src"
mig_vif dst 7 0 "$MAC"
mig_vif src 9 0 "$MAC"
mig_ctl src status --json | jq -e '.domains[0].early == false' >/dev/null ||
    mig_fail "status has no 'early'"

# src -> dst, dst registers at the rename
mig_ctl src departure web1 192.0.2.2 >/dev/null
XLR_HOOK=hook_dst xlr_migrate "$RUN/xs-src" 3 "$RUN/xs-dst" 7
xtr_wait 10 mig_registered_at_ms "$EID" 192.0.2.2 || mig_fail "not at dst"
xtr_wait 5 mig_has_event dst web1 smr-sent || mig_fail "dst: no SMR"
xtr_wait 5 mig_has_event dst web1 arrived || mig_fail "dst: no arrival"
mig_ctl dst migrations
check_order dst unpaused register-sent
check_order dst register-sent announcement
check_order dst map-notify smr-sent
[ "$(mig_jq dst '.domains[] | select(.name == "web1") | .arrival' status)" = announcement ] ||
    mig_fail "dst: arrival was not the announcement"

# dst -> src, src now waits for the arrival
printf 'register_at = arrival\n' >>"$RUN/mig-src.conf"
kill -HUP "$MIG_PIDS_src"
sleep 0.5
mig_ctl dst departure web1 192.0.2.1 >/dev/null
XLR_HOOK=hook_src xlr_migrate "$RUN/xs-dst" 7 "$RUN/xs-src" 9
xtr_wait 10 mig_registered_at_ms "$EID" 192.0.2.1 || mig_fail "not back at src"
xtr_wait 5 mig_has_event src web1 smr-sent || mig_fail "src: no SMR"
mig_ctl src migrations
check_order src unpaused announcement
check_order src announcement register-sent
check_order src map-notify smr-sent
echo "migrated_register_at: ok"
