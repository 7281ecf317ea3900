#!/bin/bash
# dp_away_list.sh: GET /v1/database lists the data plane's away entries,
# not a copy the API kept of the moves it was told (issue 14: the move
# policy is the ETR's, xtr/cp/etr_move.c, and the away table the data
# plane's alone).
#   - 10.1.0.5/32 leaves A with "moved_to": [] (a plain xl migrate: the
#     destination not known yet) and B registers it: the Map-Server's
#     mobility Map-Notify makes A's away entry (dp_moved), and A's
#     database lists it, moved to B;
#   - 10.1.0.6/32 leaves A moved to B, and comes back (A adds it again):
#     A's away entry is gone (dp_away_del), and A's database no longer
#     lists it.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dpal<pid>-*.  Run directory: build/dp_away_list.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dpal-
RUN=$PWD/build/dp_away_list
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

# post NODE PATH BODY: POST over NODE's control socket
post() {
	curl -sS --max-time 10 --unix-socket "$RUN/$1.sock" \
	    -H 'Content-Type: application/json' -d "$3" "http://xtrd$2"
}

# listed NODE EID: NODE's database lists EID as away, RLOCs on stdout
listed() {
	xtr_jq "$1" "[.away[]? | select(.eid == \"$2\") | .moved_to[]] |
	    join(\",\")" database
}

# away_is NODE EID RLOCS: NODE lists EID as moved to RLOCS
away_is() { [ "$(listed "$1" "$2")" = "$3" ]; }

# has_dp_away NODE EID: NODE's data plane made an away entry for EID
has_dp_away() { [ -n "$(xtr_event_seq "$1" dp-away "$2")" ]; }

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology

E1=10.1.0.5/32
E2=10.1.0.6/32
dp_add_at_a "$E1" "$E2"

# E1: moved, destination unknown; the Map-Notify names B
r=$(post a /v1/database/remove "{\"eid\":\"$E1\",\"moved_to\":[]}")
[ "$(echo "$r" | jq -r .away)" = false ] || die "remove of $E1: $r"
xtr_ctl b add "$E1" >/dev/null
xtr_wait 10 xtr_has_reg ms "$E1" 192.0.2.2 || die "$E1 not at B"
xtr_wait 10 has_dp_away a "$E1" ||
    die "A made no away entry from the Map-Notify: $(xtr_ctl a timeline | tail -5)"
xtr_wait 5 away_is a "$E1" 192.0.2.2 ||
    die "A's database lists '$(listed a "$E1")' as $E1's away entry, not B: $(xtr_ctl a database)"
echo "$E1: away entry made by the mobility Map-Notify, listed (moved to B)"

# E2: moved to B, then back to A
xtr_ctl a remove "$E2" moved-to 192.0.2.2 >/dev/null
xtr_ctl b add "$E2" >/dev/null
xtr_wait 10 xtr_has_reg ms "$E2" 192.0.2.2 || die "$E2 not at B"
away_is a "$E2" 192.0.2.2 || die "A does not list $E2 as away: $(xtr_ctl a database)"
xtr_ctl b remove "$E2" moved-to 192.0.2.1 >/dev/null
xtr_ctl a add "$E2" >/dev/null
xtr_wait 10 xtr_has_reg ms "$E2" 192.0.2.1 || die "$E2 not back at A"
away_is a "$E2" "" ||
    die "A serves $E2 again but still lists it away (moved to '$(listed a "$E2")')"
echo "$E2: listed while away, not once back"
echo "dp_away_list: ok"
