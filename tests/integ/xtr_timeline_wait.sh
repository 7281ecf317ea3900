#!/bin/bash
# xtr_timeline_wait.sh: GET /v1/timeline?since=&wait=&events= (docs/api.md),
# the request xtrd holds until an event comes, which migrated waits on for
# a Map-Notify instead of polling the database.  An MS and one xTR a
# (10.1.0.0/16 site).  Checks, through curl on a's unix socket:
#   1 a request for database-registered held before an xtrctl add is
#     answered with that EID's event, well before its wait (20 s), and the
#     event comes after a's map-notify for it
#   2 a held request is not woken by an event of another kind (the add's
#     database-add while it waits for smr-sent): answered after its wait
#     (2 s) with no event
#   3 since beyond last_seq (a client of an earlier xtrd) is answered at
#     once; wait above 25000 is a 400
#   4 without wait, the answer is at once, as before
#   5 an answer carries every matching event since SEQ, not only the one
#     that woke it: three registrations already recorded after SEQ come in
#     one answer at once, in order; and three adds made while a request is
#     held are all seen by chaining held requests the way migrated does
#     (the next since = the answer's last_seq), none twice, none lost
# On the code before the push, 1 fails (no database-registered event) and
# 2 fails (wait ignored, answered at once).
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: xtw-*.  Run directory: build/xtr_timeline_wait.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xtw-
RUN=$PWD/build/xtr_timeline_wait
. tests/xtr/lib.sh

# get PATH: GET over a's socket, the body on stdout
get() {
	curl -sS --max-time 40 --unix-socket "$RUN/a.sock" "http://xtrd$1"
}


last_seq() {
	get /v1/timeline?since=999999999 | jq -r .last_seq
}

# for xtr_wait: a has a database-registered event for EID
# shellcheck disable=SC2317 # called through xtr_wait
registered_ev() { [ -n "$(xtr_event_seq a database-registered "$1")" ]; }

xtr_need
command -v curl >/dev/null || skip "needs curl"
trap xtr_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
xtr_net ms:100 a:1
h_ms_conf ms 'name=a,key=a-key-Zq3V9mXp7LtR2wK,eid=10.1.0.0/16,more_specifics=yes'
h_xtr_conf a 192.0.2.1 192.0.2.100 a-key-Zq3V9mXp7LtR2wK
xtr_start ms "$RUN/ms.conf"
xtr_start a "$RUN/a.conf"

# 1: held, then woken by the registration
s=$(last_seq)
t0=$(date +%s%N)
get "/v1/timeline?since=$s&wait=20000&events=database-registered" \
    >"$RUN/1.json" &
held=$!
xtr_ctl a add 10.1.0.5/32 >/dev/null
wait "$held" || die "1: the held request failed"
t1=$(date +%s%N)
echo "1: answered after $(( (t1 - t0) / 1000000 )) ms: $(cat "$RUN/1.json")"
[ "$(jq -r '[.events[] | select(.event == "database-registered" and .eid == "10.1.0.5/32")] | length' "$RUN/1.json")" = 1 ] ||
    die "1: no database-registered event for 10.1.0.5/32"
[ "$(jq -r '[.events[] | select(.event != "database-registered")] | length' "$RUN/1.json")" = 0 ] ||
    die "1: events of other kinds in the answer"
[ $(( (t1 - t0) / 1000000 )) -lt 15000 ] || die "1: answered only at the wait"
# the event's time in µs too (issue 18), the same clock as t_ms
jq -e '.events[0] | (.t_us | type) == "number" and
    (.t_us / 1000 | floor) == .t_ms' "$RUN/1.json" >/dev/null ||
    die "1: the event has no t_us, or one that is not t_ms in µs"
n=$(jq -r '.events[0].seq' "$RUN/1.json")
[ -n "$(xtr_event_seq a map-notify 10.1.0.5/32)" ] || die "1: no map-notify"
[ "$(xtr_event_seq a map-notify 10.1.0.5/32)" -lt "$n" ] ||
    die "1: database-registered before the map-notify"

# 2: held through an event of another kind, answered at its wait
s=$(last_seq)
t0=$(date +%s%N)
get "/v1/timeline?since=$s&wait=2000&events=smr-sent" >"$RUN/2.json" &
held=$!
xtr_ctl a add 10.1.0.6/32 >/dev/null
wait "$held" || die "2: the held request failed"
t1=$(date +%s%N)
echo "2: answered after $(( (t1 - t0) / 1000000 )) ms: $(cat "$RUN/2.json")"
[ $(( (t1 - t0) / 1000000 )) -ge 1900 ] || die "2: not held for its wait"
[ "$(jq -r '.events | length' "$RUN/2.json")" = 0 ] ||
    die "2: answered with events"
[ "$(jq -r .last_seq "$RUN/2.json")" -gt "$s" ] ||
    die "2: the add's events are not counted in last_seq"

# 3: a since from an earlier xtrd is answered at once; wait is bounded
t0=$(date +%s%N)
get "/v1/timeline?since=$(( $(last_seq) + 1000 ))&wait=20000" >"$RUN/3.json"
t1=$(date +%s%N)
[ $(( (t1 - t0) / 1000000 )) -lt 1500 ] || die "3: since beyond last_seq held"
get "/v1/timeline?wait=25001" | jq -e '.error' >/dev/null ||
    die "3: wait=25001 accepted"

# 4: no wait: at once, every kind
t0=$(date +%s%N)
get "/v1/timeline?since=0" >"$RUN/4.json"
t1=$(date +%s%N)
[ $(( (t1 - t0) / 1000000 )) -lt 1500 ] || die "4: held without wait"
[ "$(jq -r '[.events[] | select(.event == "database-add")] | length' "$RUN/4.json")" = 2 ] ||
    die "4: the full timeline is not there"
# 5a: three events already after since: all of them, at once, in order
s=$(last_seq)
for k in 7 8 9; do
	xtr_ctl a add "10.1.0.$k/32" >/dev/null
done
for k in 7 8 9; do
	xtr_wait 15 registered_ev "10.1.0.$k/32" ||
	    die "5a: 10.1.0.$k/32 not registered"
done
t0=$(date +%s%N)
get "/v1/timeline?since=$s&wait=20000&events=database-registered" \
    >"$RUN/5a.json"
t1=$(date +%s%N)
echo "5a: answered after $(( (t1 - t0) / 1000000 )) ms: $(cat "$RUN/5a.json")"
[ $(( (t1 - t0) / 1000000 )) -lt 1500 ] || die "5a: held with events there"
[ "$(jq -r '[.events[].eid] | join(" ")' "$RUN/5a.json")" = \
    "10.1.0.7/32 10.1.0.8/32 10.1.0.9/32" ] ||
    die "5a: not the three registrations in order"
jq -e '[.events[].seq] as $q | $q == ($q | sort) and (.last_seq >= $q[-1])' \
    "$RUN/5a.json" >/dev/null || die "5a: seqs out of order or beyond last_seq"

# 5b: adds while held; chained held requests see each event once
s=$(last_seq)
get "/v1/timeline?since=$s&wait=20000&events=database-registered" \
    >"$RUN/5b.0.json" &
held=$!
for k in 10 11 12; do
	xtr_ctl a add "10.1.0.$k/32" >/dev/null
done
wait "$held" || die "5b: the held request failed"
n=0
while :; do
	s=$(jq -r .last_seq "$RUN/5b.$n.json")
	[ "$(jq -r '.events[].eid' "$RUN"/5b.*.json | wc -l)" -lt 3 ] || break
	[ "$n" -lt 3 ] || die "5b: more than 4 answers for 3 events"
	n=$((n + 1))
	get "/v1/timeline?since=$s&wait=20000&events=database-registered" \
	    >"$RUN/5b.$n.json"
done
echo "5b: $((n + 1)) answer(s): $(jq -c '[.events[].eid]' "$RUN"/5b.*.json | tr '\n' ' ')"
[ "$(jq -r '.events[].eid' "$RUN"/5b.*.json | sort | tr '\n' ' ')" = \
    "10.1.0.10/32 10.1.0.11/32 10.1.0.12/32 " ] ||
    die "5b: not each of the three registrations once"
echo "PASS"
