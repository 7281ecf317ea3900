#!/bin/bash
# migrated_libxl.sh: migrated in its libxl mode (hypervisor = libxl): the
# domain facts (existence, pause state, UUID) come from libxl_domain_info,
# whose libxenctrl calls the fixture's shim answers from the same domain
# table xenstored sees.  A migration src -> dst with a gratuitous ARP:
# while web1--incoming waits on dst its status says paused, after "go" it
# runs; it is registered from dst; src withdraws on release.
# Arguments: none.  Environment: BIN, KEEP_RUN.
# Namespaces: ml-*.  Run directory: build/migrated_libxl.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=ml-
RUN=$PWD/build/migrated_libxl
MIG_HV=libxl
. tests/tools/mig_lib.sh

paused() {
	mig_jq dst '.domains[] | select(.domid == 7) | .paused' status
}

hook() {
	case $1 in
	dest_restore)
		[ "$(paused)" = true ] || mig_fail "incoming not paused: $(paused)" ;;
	dest_go)
		[ "$(paused)" = false ] || mig_fail "running but paused: $(paused)"
		mig_guest dst 7 -t garp -a 198.51.100.5 >/dev/null ;;
	esac
}

mig_need
[ -f "${B:-build}/lib/mig_flask_shim.so" ] || skip "no mig_flask_shim.so (make)"
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup
[ "$(mig_jq dst .hypervisor status)" = libxl ] ||
    mig_fail "migrated is not in libxl mode: $(mig_jq dst .hypervisor status)"
mig_vm_at src web1 3 00:16:3e:00:00:05
xtr_wait 10 mig_registered_at_ms 198.51.100.5/32 192.0.2.1 || mig_fail "src"
[ "$(mig_jq src '.domains[0].uuid' status)" = "$(xs_host src; xs_domain_uuid 3)" ] ||
    mig_fail "uuid from libxl differs"
mig_vif dst 7 0 00:16:3e:00:00:05
mig_ctl src departure web1 192.0.2.2 >/dev/null
XLR_HOOK=hook xlr_migrate "$RUN/xs-src" 3 "$RUN/xs-dst" 7
xtr_wait 10 mig_registered_at_ms 198.51.100.5/32 192.0.2.2 ||
    mig_fail "not registered from dst"
xtr_wait 5 test -n "$(mig_event src web1 withdrawn)" || mig_fail "no withdraw"
mig_ctl dst status
echo "migrated_libxl: ok"
