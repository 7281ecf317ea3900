#!/bin/bash
# migrated_announce.sh: every kind of announcement moves a guest.
# web1 announces with an unsolicited IPv6 neighbour advertisement (target
# link-layer option) for 2001:db8:1::5; web2 (QEMU-emulated NIC) with a
# RARP; web3, a guest of the dynamic range 198.51.100.128/25, with a
# gratuitous ARP *reply* for 198.51.100.130, which it may claim because no
# one else owns it (a claim src's migrated keeps across a restart):
# registered from dst, and withdrawn by src's migrated when it leaves.  Arguments: none.  Environment: BIN, KEEP_RUN.
# Namespaces: ma-*.  Run directory: build/migrated_announce.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=ma-
RUN=$PWD/build/migrated_announce
. tests/tools/mig_lib.sh

hook() {
	[ "$1" = dest_go ] || return 0
	sleep 0.2
	case $CUR in
	web1) mig_guest dst 7 -t na -a 2001:db8:1::5 ;;
	web2) mig_guest dst 8 -t rarp ;;
	web3) mig_guest dst 9 -t garp-reply -a 198.51.100.130 ;;
	esac >/dev/null
	sleep 0.3
}

arrival() {
	mig_jq dst ".domains[] | select(.name == \"$1\") | .arrival" status
}

mig_need
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup

mig_vm_at_src web1 3 00:16:3e:00:00:05
mig_vm_at_src web2 4 00:16:3e:00:00:06
mig_vm_at_src web3 5 00:16:3e:00:00:07
# web3 has no static EID: it claims one from the range on src first,
# once migrated captures its vif (frames are seen on the vif they come in by).
xtr_wait 5 mig_vif_captured src web3 || mig_fail "web3's vif not captured"
mig_guest src 5 -t garp -a 198.51.100.130 >/dev/null
xtr_wait 10 mig_registered_at_ms 198.51.100.130/32 192.0.2.1 ||
    mig_fail "web3's dynamic EID not registered from src"
# The claim survives a restart of src's migrated (its dynamic-eids file).
mig_stop src
mig_start src
xtr_wait 5 h_out_is 0 mig_jq src '.domains[] | select(.name == "web3") | .eids | index("198.51.100.130/32")' status ||
    mig_fail "web3's dynamic EID forgotten by a restart"
mig_vif dst 7 0 00:16:3e:00:00:05
mig_vif dst 8 0 00:16:3e:00:00:06
mig_vif dst 9 0 00:16:3e:00:00:07

CUR=web1 XLR_HOOK=hook xlr_migrate "$RUN/xs-src" 3 "$RUN/xs-dst" 7
xtr_wait 10 mig_registered_at_ms 2001:db8:1::5/128 192.0.2.2 ||
    mig_fail "web1 IPv6 EID not registered from dst"
[ "$(arrival web1)" = announcement ] || mig_fail "web1: $(arrival web1)"
mig_jq dst '[.migrations[] | select(.domain == "web1")] | last | .events[] | select(.event == "announcement") | .detail' migrations |
    grep -q unsolicited-na || mig_fail "web1 not announced by an NA"

CUR=web2 XLR_HOOK=hook xlr_migrate "$RUN/xs-src" 4 "$RUN/xs-dst" 8
xtr_wait 10 mig_registered_at_ms 198.51.100.6/32 192.0.2.2 ||
    mig_fail "web2 not registered from dst"
[ "$(arrival web2)" = announcement ] || mig_fail "web2: $(arrival web2)"
mig_jq dst '[.migrations[] | select(.domain == "web2")] | last | .events[] | select(.event == "announcement") | .detail' migrations |
    grep -q rarp || mig_fail "web2 not announced by RARP"

CUR=web3 XLR_HOOK=hook xlr_migrate "$RUN/xs-src" 5 "$RUN/xs-dst" 9
xtr_wait 10 mig_registered_at_ms 198.51.100.130/32 192.0.2.2 ||
    mig_fail "web3's dynamic EID not registered from dst"
xtr_wait 5 mig_has_event src web3 withdrawn ||
    mig_fail "src did not withdraw web3's dynamic EID"
mig_ctl dst status
[ "$(mig_counter dst spoof_eid_not_allowed)" = 0 ] || mig_fail "spoof counted"
echo "migrated_announce: ok"
