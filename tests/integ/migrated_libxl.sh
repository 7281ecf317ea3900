#!/bin/bash
# migrated_libxl.sh: migrated in its libxl mode (hypervisor = libxl): the
# domain facts (existence, pause state, UUID) come from libxl_domain_info,
# whose libxenctrl calls the fixture's shim answers from the same domain
# table xenstored sees.  A migration src -> dst with a gratuitous ARP:
# while web1--incoming waits on dst its status says paused, after "go" it
# runs; it is registered from dst; src withdraws on release.  Then a guest
# libxl cannot tell about (libxl_domain_info fails for its domid: the
# preloaded shim's MIG_SHIM_LIBXL_FAIL): migrated asks xenstore instead,
# so the guest is registered and, once destroyed, released and withdrawn
# (before, a domain libxl failed on was kept forever).
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
# both migrateds (env inherits it): libxl_domain_info fails for domain 9
export MIG_SHIM_LIBXL_FAIL=9
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
xtr_wait 5 mig_has_event src web1 withdrawn || mig_fail "no withdraw"
mig_ctl dst status

# web2 (domain 9): libxl fails on it, xenstore answers
mig_vm_at src web2 9 00:16:3e:00:00:06
xtr_wait 10 mig_registered_at_ms 198.51.100.6/32 192.0.2.1 ||
    mig_fail "web2 (libxl fails on it) not registered from src"
xs_host src
xs_domain_destroy 9
xtr_wait 10 mig_has_event src web2 released ||
    mig_fail "web2 destroyed but not released (libxl fails on it)"
xtr_wait 10 mig_not mig_registered_at_ms 198.51.100.6/32 192.0.2.1 ||
    mig_fail "web2 still registered from src after its release"
[ "$(mig_counter src hv_info_failed)" -ge 1 ] ||
    mig_fail "hv_info_failed not counted"
echo "migrated_libxl: ok (hv_info_failed $(mig_counter src hv_info_failed))"
