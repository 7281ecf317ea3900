#!/bin/bash
# migrated_localhost.sh: `xl migrate` to localhost, as the real-Xen test
# does (tests/xen-e2e): ONE migrated (libxl mode, the fixture's shim) sees
# both web1--incoming (domid 7) and the source web1 -> web1--migratedaway
# (domid 3) at once, with the same name and MAC; the guest's gratuitous
# ARP after the unpause.  Checks: the new domain is registered (from the
# same RLOC), arrives by the announcement, the source is released and
# forgotten, the vif capture of domid 7 is closed, and migrated is still
# alive (with MIGRATED=build-asan/bin/migrated, ASan-clean: the test fails
# on a sanitizer report in its log).  Arguments: none.  Environment: BIN,
# MIGRATED, KEEP_RUN.  Namespaces: mlh-*.  Run directory:
# build/migrated_localhost.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mlh-
RUN=$PWD/build/migrated_localhost
MIG_HV=libxl
. tests/tools/mig_lib.sh

EID=198.51.100.5/32
MAC=00:16:3e:00:00:05

# t_us of EVENT in web1's last incoming timeline (the last record of all
# is the source's outgoing one here)
# in_event EVENT: web1's arrival timeline's EVENT time; has_in_event EVENT:
# the same as a predicate for xtr_wait (evaluated again each round)
in_event() {
	mig_jq src "[.migrations[] | select(.domain == \"web1\" and .direction == \"in\")] | last | [.events[] | select(.event == \"$1\") | .t_us] | first // empty" migrations
}
has_in_event() { [ -n "$(in_event "$1")" ]; }

hook() {
	case $1 in
	dest_go) mig_guest src 7 -t garp -a 198.51.100.5 >/dev/null ;;
	esac
}

mig_need
[ -f "${B:-build}/lib/mig_flask_shim.so" ] || skip "no mig_flask_shim.so (make)"
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup
mig_vm_at src web1 3 "$MAC"
xtr_wait 10 mig_registered_at_ms "$EID" 192.0.2.1 || mig_fail "web1 not registered"
mig_vif src 7 0 "$MAC"
mig_ctl src departure web1 192.0.2.1 >/dev/null || mig_fail "departure"
XLR_HOOK=hook xlr_migrate "$RUN/xs-src" 3 "$RUN/xs-src" 7
xtr_wait 10 has_in_event arrived || mig_fail "no arrival"
xtr_wait 10 mig_registered_at_ms "$EID" 192.0.2.1 || mig_fail "not registered after"
xtr_wait 5 has_in_event smr-sent || mig_fail "no SMR"
xtr_wait 5 h_out_is 1 mig_jq src '.domains | length' status ||
    mig_fail "source domain not forgotten"
mig_ctl src status
mig_ctl src migrations
[ "$(mig_jq src '.domains[0].domid' status)" = 7 ] || mig_fail "not domid 7"
[ "$(mig_jq src '.domains[0].arrival' status)" = announcement ] ||
    mig_fail "arrival: $(mig_jq src '.domains[0].arrival' status)"
[ "$(mig_jq src '.domains[0].vifs[0].capturing' status)" = false ] ||
    mig_fail "vif7.0 still captured"
kill -0 "$MIG_PIDS_src" 2>/dev/null || mig_fail "migrated died"
if grep -q -e "ERROR: AddressSanitizer" -e "runtime error:" "$RUN/mig-src.log"; then
	grep -A40 -e "ERROR: AddressSanitizer" -e "runtime error:" "$RUN/mig-src.log"
	mig_fail "sanitizer report"
fi
echo "migrated_localhost: ok"
