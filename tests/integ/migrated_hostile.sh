#!/bin/bash
# migrated_hostile.sh: a guest may not claim an address that is not its
# own.  web1 (198.51.100.5) runs on src.  On dst, the hostile guest web2
# (198.51.100.6, bridge range 198.51.100.128/25) announces: web1's EID;
# an address outside every range (203.0.113.9); an ARP whose sender MAC is
# not its vif's; an NA for web1's IPv6 EID.  None is registered (the MS
# still maps web1 to src only), each is counted under its own name.  A
# free address of the dynamic range is accepted for web2; web3 then
# claiming that same address is refused.  Then a reload (SIGHUP) gives
# web2 a second static EID, registered at once, and SIGTERM ends migrated
# cleanly (exit 0 from its loop).  Arguments: none.  Environment:
# BIN, KEEP_RUN.  Namespaces: mh-*.  Run directory: build/migrated_hostile.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mh-
RUN=$PWD/build/migrated_hostile
. tests/tools/mig_lib.sh

# exited PID: PID is a zombie or gone (kill -0 succeeds on a zombie)
exited() {
	[ ! -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat")" = Z ]
}

MIG_CONF_EXTRA='vm "web3" eids = [ "198.51.100.7" ]'
W1MAC=00:16:3e:00:00:05

not_in_db() {
	! mig_db_has dst "$1" || mig_fail "dst xtrd has $1"
}

mig_need
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup
mig_vm_at src web1 3 "$W1MAC"
mig_vm_at dst web2 8 00:16:3e:00:00:06
mig_vm_at dst web3 9 00:16:3e:00:00:07
xtr_wait 10 mig_registered_at_ms 198.51.100.5/32 192.0.2.1 || mig_fail "web1"
xtr_wait 10 mig_registered_at_ms 198.51.100.6/32 192.0.2.2 || mig_fail "web2"

mig_guest dst 8 -t garp -a 198.51.100.5 >/dev/null
mig_guest dst 8 -t garp-reply -a 203.0.113.9 >/dev/null
mig_guest dst 8 -t garp -a 198.51.100.6 -M "$W1MAC" >/dev/null
mig_guest dst 8 -t na -a 2001:db8:1::5 >/dev/null
sleep 1
mig_ctl dst status
[ "$(mig_counter dst spoof_other_vm_eid)" -ge 2 ] ||
    mig_fail "web1's EIDs announced by web2 not counted"
[ "$(mig_counter dst spoof_eid_not_allowed)" -ge 1 ] ||
    mig_fail "out-of-range address not counted"
[ "$(mig_counter dst spoof_mac)" -ge 1 ] || mig_fail "MAC spoof not counted"
not_in_db 198.51.100.5/32
not_in_db 2001:db8:1::5/128
not_in_db 203.0.113.9/32
mig_registered_at_ms 198.51.100.5/32 192.0.2.1 || mig_fail "web1 lost at MS"
if [ -z "$MIG_FAKE" ]; then
	! mig_registered_at_ms 198.51.100.5/32 192.0.2.2 ||
	    mig_fail "the MS maps web1 to dst"
fi

# dynamic range: first come, first served
mig_guest dst 8 -t garp -a 198.51.100.200 >/dev/null
xtr_wait 10 mig_registered_at_ms 198.51.100.200/32 192.0.2.2 ||
    mig_fail "web2's dynamic EID not registered"
n=$(mig_counter dst spoof_other_vm_eid)
mig_guest dst 9 -t garp -a 198.51.100.200 >/dev/null
xtr_wait 5 h_out_gt "$n" mig_counter dst spoof_other_vm_eid ||
    mig_fail "web3 took web2's dynamic EID"
[ "$(mig_jq dst '.domains[] | select(.name == "web3") | .eids | length' status)" = 1 ] ||
    mig_fail "web3 got a second EID"

# SIGHUP: web2 gets a second static EID; migrated pushes it at once.
sed -i 's|^vm "web2" eids = .*|vm "web2" eids = [ "198.51.100.6", "198.51.100.66" ]|' \
    "$RUN/mig-dst.conf"
kill -HUP "$MIG_PIDS_dst"
xtr_wait 10 mig_registered_at_ms 198.51.100.66/32 192.0.2.2 ||
    mig_fail "EID added by a reload not registered"
grep -q "reloaded: " "$RUN/mig-dst.log" || mig_fail "no reload logged"
# SIGTERM: the loop ends (a flag, common/sigflags.c), a clean exit
p=$MIG_PIDS_dst
kill -TERM "$p"
rc=0
xtr_wait 5 exited "$p" || mig_fail "migrated ignored SIGTERM"
wait "$p" || rc=$?
MIG_PIDS_dst=""
[ "$rc" = 0 ] || mig_fail "migrated exited $rc on SIGTERM"
grep -q "shutting down" "$RUN/mig-dst.log" ||
    mig_fail "migrated did not leave its loop on SIGTERM"
echo "migrated_hostile: ok"
