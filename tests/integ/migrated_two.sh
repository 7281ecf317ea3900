#!/bin/bash
# migrated_two.sh: two guests migrate src -> dst at the same time (two
# interleaved xl migrate replays); each announces itself with a gratuitous
# ARP; both end up registered from dst with SMRs, each with its own
# timeline, and src withdraws both.  Arguments: none.  Environment: BIN,
# KEEP_RUN.  Namespaces: m2-*.  Run directory: build/migrated_two.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=m2-
RUN=$PWD/build/migrated_two
. tests/tools/mig_lib.sh

hook1() { [ "$1" != dest_go ] || mig_guest dst 7 -t garp -a 198.51.100.5 >/dev/null; }
hook2() { [ "$1" != dest_go ] || mig_guest dst 8 -t garp -a 198.51.100.6 >/dev/null; }

mig_need
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup
mig_vm_at_src web1 3 00:16:3e:00:00:05
mig_vm_at_src web2 4 00:16:3e:00:00:06
xtr_wait 10 mig_registered_at_ms 198.51.100.6/32 192.0.2.1 || mig_fail "src"
mig_vif dst 7 0 00:16:3e:00:00:05
mig_vif dst 8 0 00:16:3e:00:00:06
mig_ctl src departure web1 192.0.2.2 >/dev/null
mig_ctl src departure web2 192.0.2.2 >/dev/null
(XLR_HOOK=hook1 xlr_migrate "$RUN/xs-src" 3 "$RUN/xs-dst" 7) & p1=$!
(XLR_HOOK=hook2 xlr_migrate "$RUN/xs-src" 4 "$RUN/xs-dst" 8) & p2=$!
wait "$p1" || mig_fail "migration of web1 failed"
wait "$p2" || mig_fail "migration of web2 failed"
for e in 198.51.100.5/32 198.51.100.6/32 2001:db8:1::5/128; do
	xtr_wait 10 mig_registered_at_ms "$e" 192.0.2.2 ||
	    mig_fail "$e not registered from dst"
	xtr_wait 5 mig_smr_sent dst "$e" || mig_fail "no SMR for $e"
done
for n in web1 web2; do
	[ "$(mig_jq dst ".domains[] | select(.name == \"$n\") | .arrival" status)" = announcement ] ||
	    mig_fail "$n arrival"
	xtr_wait 5 mig_has_event src "$n" withdrawn ||
	    mig_fail "src did not withdraw $n"
done
mig_ctl dst migrations
echo "migrated_two: ok"
