#!/bin/bash
# dp_away_late.sh: a hand-over whose new site registers late (issue 18).
# migrated hands an EID over at the suspend, so the hand-over's bound
# (DP_AWAY_SMR_WAIT_MS, 5 s) runs inside the blackout; under QEMU TCG the
# blackout took 10 to 40 s.  A's EID moves to B (A: remove with moved_to
# B) while C caches it at A; B adds it only LATE seconds later.  At the
# bound A SMRs C, and must keep its registration at the MS: withdrawn
# (TTL 0) the MS would have nothing and answer C negative (the two-host
# run: C's xTR dropped 11 and 67 pings as negative until B registered).
# So: no withdraw-sent at A while B has not registered (withdraw-deferred
# instead), the MS still maps the EID to A, C maps it to B (A's ETR
# answers where it went); once B registers, the MS maps it to B and A
# never sent a TTL-0 Map-Register.
# Arguments: none.  Environment: LATE (seconds, default 12), BIN,
# KEEP_RUN=1.
# Namespaces: dpl-*.  Run directory: build/dp_away_late.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dpl-
DP_PEERS=yes		# the new site decapsulates what the old one redirects
RUN=$PWD/build/dp_away_late
LATE=${LATE:-12}
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

EID=10.1.0.5/32

a_has() {
	[ "$(xtr_jq a "[.events[] | select(.event == \"$1\" and .eid == \"$EID\")] | length" timeline)" -ge 1 ]
}

setup() {
	dp_c_caches_at_a "$EID"
}

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
setup
t0=$(date +%s)
xtr_ctl a remove "$EID" moved-to 192.0.2.2 >/dev/null
# the bound passes: A's check of the MS, then deferred (or, before, withdrawn)
xtr_wait 15 a_has dp-away-confirmed || die "A's away entry not confirmed"
xtr_wait 10 a_has withdraw-deferred ||
    die "A did not defer its withdrawal: $(xtr_jq a "[.events[] | select(.eid == \"$EID\") | .event + \" \" + (.detail // \"\")]" timeline)"
! a_has withdraw-sent || die "A withdrew $EID while B had not registered"
xtr_has_reg ms "$EID" 192.0.2.1 || die "the MS lost $EID before B registered"
xtr_wait 5 xtr_cached c "$EID" 192.0.2.2 ||
    die "C does not map $EID to B: $(xtr_ctl c map-cache)"
# B registers LATE s after the hand-over
sleep $(( t0 + LATE - $(date +%s) > 0 ? t0 + LATE - $(date +%s) : 0 ))
! a_has withdraw-sent || die "A withdrew $EID while B had not registered"
xtr_has_reg ms "$EID" 192.0.2.1 || die "the MS lost $EID before B registered"
xtr_ctl b add "$EID" >/dev/null
xtr_wait 10 xtr_has_reg ms "$EID" 192.0.2.2 || die "B not registered"
xtr_wait 10 a_has withdraw-skipped || die "A's hand-over did not end"
! a_has withdraw-sent || die "A sent a TTL-0 Map-Register for $EID"
echo "A kept $EID registered until B registered $LATE s after the hand-over;" \
    "deferred $(xtr_jq a "[.events[] | select(.event == \"withdraw-deferred\")] | length" timeline) times"
echo "dp_away_late: ok"
