#!/bin/bash
# dp_noaway.sh: `away_entries = no` (the thesis's xTR, bench mode thesis).
# An EID of A's moves to B: POST /v1/database/remove with moved_to B must
# then keep no away entry and say so (reply "away": false), log neither
# an away-entry nor a dp-away event, count no dp_away_added, and withdraw
# the registration at once (no handoff: nothing waits for the MS's
# mobility Map-Notify).
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dpn-*.  Run directory: build/dp_noaway.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dpn-
RUN=$PWD/build/dp_noaway
DP_SITES="a:1 b:2"
DP_EXTRA_CONF='away_entries = no'
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

EID=10.1.0.5/32

move() {
	local r
	xtr_ctl a add "$EID" >/dev/null
	xtr_wait 10 xtr_has_reg ms "$EID" 192.0.2.1 ||
	    die "$EID not registered from A"
	r=$(xtr_ctl a --json remove "$EID" moved-to 192.0.2.2)
	echo "A: remove moved-to B: $r"
	[ "$(echo "$r" | jq -r .away)" = false ] ||
	    die "A says it keeps an away entry with away_entries = no"
	xtr_ctl b add "$EID" >/dev/null
	xtr_wait 10 xtr_has_reg ms "$EID" 192.0.2.2 ||
	    die "$EID not registered from B"
}

check() {
	local n
	n=$(xtr_jq a '[.events[] | select(.event == "away-entry" or
	    .event == "dp-away")] | length' timeline)
	[ "$n" = 0 ] || die "A logged $n away events with away_entries = no"
	[ "$(xtr_counter a dp_away_added)" = 0 ] ||
	    die "A added an away entry"
	# withdrawn at once, not handed over
	xtr_jq a '.events[] | select(.event == "database-remove") | .detail' \
	    timeline | grep -q "handed over" &&
	    die "A handed the registration over instead of withdrawing it"
	xtr_wait 5 sh -c "[ \$($BIN/xtrctl -s $RUN/a.sock --json timeline |
	    jq '[.events[] | select(.event == \"withdraw-sent\")] | length') \
	    -ge 1 ]" || die "A did not withdraw $EID"
	echo "A: no away entry, no away event, withdrawn at once"
}

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
move
check
echo "dp_noaway: ok"
