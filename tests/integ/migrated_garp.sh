#!/bin/bash
# migrated_garp.sh: a full `xl migrate` of web1 from src to dst, replayed
# on two real xenstored fixtures, with real xtrd's (xTR on each host, one
# MS) on real UDP 4342.  The guest announces itself on dst with a
# gratuitous ARP sent into its vif after the unpause; then its netfront
# reconnects.  Checks: dst's migrated registers 198.51.100.5/32 and
# 2001:db8:1::5/128 from dst's RLOC (at the MS), after the Map-Notify it
# sends SMRs, the arrival reason is the announcement, the timeline has
# every step, and the client xTR that had web1 cached receives an SMR;
# src withdraws with moved_to = dst's RLOC when the domain is
# destroyed.  Arguments: none.  Environment: BIN, KEEP_RUN.
# Namespaces: mg-*.  Run directory: build/migrated_garp.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mg-
RUN=$PWD/build/migrated_garp
. tests/tools/mig_lib.sh

MAC=00:16:3e:00:00:05
EID=198.51.100.5/32
EID6=2001:db8:1::5/128

hook() {
	case $1 in
	dest_go)
		# The guest runs on dst: Linux netfront's notify_peers.
		mig_guest dst 7 -t garp -a 198.51.100.5 >"$RUN/garp.out"
		sleep 0.3 ;;
	esac
}

mig_need
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup

# web1 runs on src (xl create), netfront connected: src owns its EIDs.
mig_vm_at_src web1 3 "$MAC"
xtr_wait 10 mig_registered_at_ms "$EID" 192.0.2.1 ||
    mig_fail "web1 not registered from src"
mig_vif dst 7 0 "$MAC"
mig_prime_caches
seq0=0
[ -n "$MIG_FAKE" ] || seq0=$(xtr_jq cl '[.events[].seq] | max // 0' timeline)

# The xl wrapper tells src where web1 goes, then xl migrate runs.
mig_ctl src departure web1 192.0.2.2 >/dev/null || mig_fail "departure"
XLR_HOOK=hook xlr_migrate "$RUN/xs-src" 3 "$RUN/xs-dst" 7

xtr_wait 10 mig_registered_at_ms "$EID" 192.0.2.2 ||
    mig_fail "$EID not registered from dst"
xtr_wait 10 mig_registered_at_ms "$EID6" 192.0.2.2 ||
    mig_fail "$EID6 not registered from dst"
xtr_wait 5 mig_has_event dst web1 smr-sent || mig_fail "no SMR"
# each EID's SMR follows its own Map-Notify: the IPv6 one's may come first
xtr_wait 5 mig_smr_sent dst "$EID" ||
    mig_fail "xtrd on dst sent no SMR for $EID"
xtr_wait 5 mig_smr_received "$EID" "$seq0" ||
    mig_fail "the client xTR received no SMR"
mig_ctl dst status
mig_ctl dst migrations
mig_ctl src migrations
[ "$(mig_jq dst '.domains[] | select(.name == "web1") | .arrival' status)" = announcement ] ||
    mig_fail "arrival was not the announcement"
for ev in domain-seen vif-connected unpaused announcement arrived \
    register-sent map-notify smr-sent; do
	[ -n "$(mig_event dst web1 "$ev")" ] || mig_fail "dst timeline lacks $ev"
done
# SMRs only after the Map-Notify.
[ "$(mig_event dst web1 smr-sent)" -ge "$(mig_event dst web1 map-notify)" ] ||
    mig_fail "SMR before Map-Notify"
# src: departing, released, withdrawn with moved_to
xtr_wait 5 mig_has_event src web1 withdrawn ||
    mig_fail "src did not withdraw"
for ev in departing released withdrawn; do
	[ -n "$(mig_event src web1 "$ev")" ] || mig_fail "src timeline lacks $ev"
done
mig_away_has src "$EID" 192.0.2.2 ||
    mig_fail "src xtrd has no away entry to 192.0.2.2"
xtr_wait 5 mig_not mig_registered_at_ms "$EID" 192.0.2.1 ||
    mig_fail "MS still maps $EID to src"
[ "$(mig_counter dst spoof_mac)" = 0 ] || mig_fail "spoof counted"
t_garp=$(mig_event dst web1 announcement)
t_reg=$(mig_event dst web1 register-sent)
echo "announcement -> register-sent: $(( t_reg - t_garp )) us"
echo "migrated_garp: ok"
