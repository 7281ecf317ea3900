#!/bin/bash
# dp_away_batch.sh: POST /v1/database/remove {"eids": [...]} hands a
# guest's EIDs over in one request, every away entry made before any
# hand-over (issue 18: migrated sent one request per EID at the suspend,
# and the last EID's away entry waited for each other's round trip, 1.5-6
# ms in migrated_departed at load 6-11, while the old site delivered its
# packets to a guest that had stopped).
#   - "eid" and "eids" together, an EID named twice: 400, nothing done;
#   - "eids" with an EID A does not serve: 404, and none of the others
#     removed (A still registers them, no away entry);
#   - "eids" [E1, E2] moved to B: both answered away, A's timeline has
#     both dp-away events before either database-remove (the hand-over),
#     and A's database lists both as moved to B.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dpab<pid>-*.  Run directory: build/dp_away_batch.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dpab-
RUN=$PWD/build/dp_away_batch
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

# post NODE PATH BODY: POST over NODE's control socket, "HTTP-code body"
post() {
	curl -sS --max-time 10 --unix-socket "$RUN/$1.sock" -w ' %{http_code}' \
	    -H 'Content-Type: application/json' -d "$3" "http://xtrd$2"
}

# listed NODE EID: NODE's database lists EID as away, RLOCs on stdout
listed() {
	xtr_jq "$1" "[.away[]? | select(.eid == \"$2\") | .moved_to[]] |
	    join(\",\")" database
}

# refused BODY CODE: A answers CODE to the remove, and removed nothing
refused() {
	local r e
	r=$(post a /v1/database/remove "$1")
	[ "${r##* }" = "$2" ] || die "remove $1: '$r', not HTTP $2"
	for e in "$E1" "$E2"; do
		if [ -n "$(xtr_event_seq a dp-away "$e")$(xtr_event_seq a \
		    database-remove "$e")" ]; then
			die "remove $1 ($2) removed $e: $(xtr_ctl a timeline |
			    tail -5)"
		fi
	done
	echo "refused ($2): $1: ${r% *}"
}

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology

E1=10.1.0.5/32
E2=10.1.0.6/32
dp_add_at_a "$E1" "$E2"

refused "{\"eid\":\"$E1\",\"eids\":[\"$E2\"],\"moved_to\":[\"192.0.2.2\"]}" 400
refused "{\"eids\":[\"$E1\",\"$E1\"],\"moved_to\":[\"192.0.2.2\"]}" 400
refused "{\"eids\":[\"$E1\",\"10.1.0.9/32\",\"$E2\"],\"moved_to\":[\"192.0.2.2\"]}" 404
for e in "$E1" "$E2"; do
	xtr_has_reg ms "$e" 192.0.2.1 || die "$e no longer registered by A"
done

r=$(post a /v1/database/remove \
    "{\"eids\":[\"$E1\",\"$E2\"],\"moved_to\":[\"192.0.2.2\"]}")
[ "${r##* }" = 200 ] || die "remove of both: $r"
[ "$(echo "${r% *}" | jq -r '[.eids[] | select(.away and .withdrawing) |
    .eid] | join(" ")')" = "$E1 $E2" ] || die "remove of both: $r"
a1=$(xtr_event_seq a dp-away "$E1")
a2=$(xtr_event_seq a dp-away "$E2")
h1=$(xtr_event_seq a database-remove "$E1")
h2=$(xtr_event_seq a database-remove "$E2")
echo "A's timeline: dp-away $E1 #$a1, $E2 #$a2; database-remove #$h1, #$h2"
if [ -z "$a1" ] || [ -z "$a2" ] || [ -z "$h1" ] || [ -z "$h2" ]; then
	die "an event is missing: $(xtr_ctl a timeline | tail -8)"
fi
if [ "$a1" -gt "$h1" ] || [ "$a2" -gt "$h1" ] || [ "$a2" -gt "$h2" ]; then
	die "a hand-over before every away entry was in: $(xtr_ctl a timeline |
	    tail -8)"
fi
for e in "$E1" "$E2"; do
	[ "$(listed a "$e")" = 192.0.2.2 ] ||
	    die "A lists '$(listed a "$e")' as $e's away entry, not B"
done
echo "both away entries made first, then the hand-overs; both listed"
echo "dp_away_batch: ok"
