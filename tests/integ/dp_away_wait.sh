#!/bin/bash
# dp_away_wait.sh: an away entry made from the API when the Map-Server
# sends no mobility Map-Notify (mobility_notify = no).  A's EID moves to B
# (A: remove with moved_to B, B: add) while C caches it at A and A has C
# in its map-cache.  A must send no SMR for the EID and keep its
# registration at the MS (handed over, not withdrawn) until the bound
# (DP_AWAY_SMR_WAIT_MS, 5 s) passes without a Map-Notify; then it logs
# dp-away-confirmed, SMRs C, and C maps the EID to B.  Its withdrawal comes
# after the bound too: resolved first, B answers, so A skips the TTL-0
# Map-Register (docs/interop.md: it never undoes a newer registration).
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dpw-*.  Run directory: build/dp_away_wait.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dpw-
DP_PEERS=yes		# the new site decapsulates what the old one redirects
RUN=$PWD/build/dp_away_wait
DP_MS_EXTRA_CONF='mobility_notify = no'
WAIT_MS=5000
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

EID=10.1.0.5/32

# t_ms of NODE's first EVENT for EID (optionally with PEER), or empty
first_t() {
	local f=".events[] | select(.event == \"$2\" and .eid == \"$EID\")"
	[ -n "${3:-}" ] && f="$f | select(.peer == \"$3\")"
	xtr_jq "$1" "[$f | .t_ms] | first // empty" timeline
}

# A and C know each other, C caches EID -> A (dp_lib.sh)
setup() {
	dp_c_caches_at_a "$EID"
}

move() {
	xtr_ctl a remove "$EID" moved-to 192.0.2.2 >/dev/null
	xtr_ctl b add "$EID" >/dev/null
	xtr_wait 10 xtr_has_reg ms "$EID" 192.0.2.2 || die "B not registered"
	xtr_wait $((WAIT_MS / 1000 + 5)) xtr_cached c "$EID" 192.0.2.2 ||
	    die "C did not learn $EID -> B: $(xtr_ctl c map-cache)"
}

check() {
	local t0 tc ts tw
	t0=$(first_t a dp-away)
	tc=$(first_t a dp-away-confirmed)
	[ -n "$t0" ] || die "A's timeline lacks dp-away"
	# (A SMRed C for the EID when it was added, before the move)
	ts=$(xtr_jq a "[.events[] | select(.event == \"smr-sent\" and
	    .eid == \"$EID\" and .peer == \"192.0.2.3\" and .t_ms >= $t0) |
	    .t_ms] | first // empty" timeline)
	tw=$(first_t a withdraw-skipped)
	[ -n "$tw" ] || tw=$(first_t a withdraw-sent)
	[ -n "$tc" ] && [ -n "$ts" ] && [ -n "$tw" ] ||
	    die "A's timeline lacks dp-away ($t0), dp-away-confirmed ($tc)," \
	    "smr-sent to C ($ts) or withdraw-skipped/-sent ($tw)"
	xtr_jq a '.events[] | select(.event == "dp-away-confirmed") | .detail' \
	    timeline | grep -q "no Map-Notify" ||
	    die "A's away entry was confirmed by something else"
	echo "A: away entry at 0, confirmed +$((tc - t0)) ms, SMR to C" \
	    "+$((ts - t0)) ms, withdrawn +$((tw - t0)) ms"
	[ $((tc - t0)) -ge $((WAIT_MS - 200)) ] ||
	    die "confirmed after $((tc - t0)) ms, before the bound"
	[ "$ts" -ge "$tc" ] || die "A SMRed C before the bound"
	[ $((tw - t0)) -ge $((WAIT_MS - 200)) ] ||
	    die "A withdrew after $((tw - t0)) ms, not handed over"
	[ "$(xtr_counter ms ms_mobility_notify)" = 0 ] ||
	    die "the MS sent a mobility Map-Notify"
}

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
setup
move
check
echo "dp_away_wait: ok"
