#!/bin/bash
# xtr_interop_pubsub_replay.sh: our subscriber against a Map-Server we did
# not write that replays publications (RFC 9437 §6: "If a Map-Notify that
# is received as a publication has a nonce value that is not greater than
# the saved nonce, the xTR drops the Map-Notify message and logs the fact
# a replay attack could have occurred").  The Map-Server/Map-Resolver at
# 192.0.2.100 is lispcraft.py's crafted one (its own namespace), mapping
# 10.1.0.0/24 to 192.0.2.1; ITR C (`subscribe = yes`) resolves 10.1.0.7
# and subscribes, acknowledged with its Map-Request's nonce N.  Then:
#  - five publications pointing at 192.0.2.66 with N again and one with
#    N-1: all dropped (drop_pubsub_replay 6), none acknowledged, C's
#    map-cache still maps the /24 to 192.0.2.1, and the drop is logged
#    at most twice (one line a second, the rest counted as suppressed);
#  - one with N+1: installed (192.0.2.66) and acknowledged.
# Seen failing on main before 2026-12-07 (the acknowledgment's nonce
# replayed was taken as a new acknowledgment once the Map-Reply had
# answered the request: 'C took a replayed publication') and with the
# nonce check taken out of itr_pubsub_notify (a local revert, not
# committed).
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xipr<pid>-*.
# Run directory: build/xtr_interop_pubsub_replay.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xipr-
RUN=$PWD/build/xtr_interop_pubsub_replay
PY=${PYTHON:-python3}
CRAFT=$PWD/tests/xtr/lispcraft.py
KEY=dc-key-Zq3V9mXp7LtR2wK
. tests/xtr/lib.sh

ms_events() {	# EVENT [JQ-CONDITION]: lines of the crafted MS's log
	jq -c "select(.event == \"$1\")${2:+ | select($2)}" "$RUN/ms.jsonl"
}
ms_count() { ms_events "$@" | wc -l; }
rloc_of_24() {
	xtr_jq c '.entries[] | select(.eid == "10.1.0.0/24") | .rlocs[0].addr' \
	    map-cache
}
hexadd() { printf '%016x' $(( 16#$1 + $2 )); }

xtr_need
command -v "$PY" >/dev/null || skip "needs python3"
command -v jq >/dev/null || skip "needs jq"
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 c:3
cat >"$RUN/c.conf" <<EOC
rlocs = [ '192.0.2.3' ]
database = [ '10.3.0.0/24' ]
map_servers = [ '192.0.2.100,key=$KEY' ]
map_resolvers = [ '192.0.2.100' ]
control_socket = "$RUN/c.sock"
subscribe = yes
EOC
h_bg ms "$RUN/craft-ms.log" "$PY" "$CRAFT" ms 192.0.2.100 120 key="$KEY" \
    out="$RUN/ms.jsonl" cmd="$RUN/ms.cmd" state="$RUN/ms.state" \
    reg="10.1.0.0/24=192.0.2.1"
xtr_wait 5 test -s "$RUN/ms.jsonl" || die "the crafted MS did not start"
xtr_start c "$RUN/c.conf"
xtr_wait 10 xtr_registered c ||
    die "C not registered at the crafted MS: $(cat "$RUN/craft-ms.log")"

xtr_ctl c resolve 10.1.0.7 >/dev/null
xtr_wait 10 h_out_is 1 ms_count subscribe || die "C did not subscribe"
N=$(ms_events subscribe | jq -r .nonce)
# C took the acknowledgment (its Map-Notify-Ack carries N)
xtr_wait 10 h_out_is 1 ms_count notify-ack ".nonce == \"$N\"" ||
    die "C did not acknowledge the subscription's Map-Notify"
xtr_wait 5 h_out_is 192.0.2.1 rloc_of_24 || die "C did not cache the /24"
echo "subscribed, nonce $N"

# replays: N five times, then N-1
printf 'publish 0 192.0.2.66 5\npublish -1 192.0.2.66 1\n' >>"$RUN/ms.cmd"
xtr_wait 10 h_out_is 2 ms_count published || die "the MS did not publish"
# all six handled: dropped, or one taken (the map-cache moved)
handled() {
	[ "$(xtr_counter c drop_pubsub_replay)" -ge 6 ] ||
	    [ "$(rloc_of_24)" != 192.0.2.1 ]
}
xtr_wait 10 handled ||
    die "replays not handled: drop_pubsub_replay $(xtr_counter c drop_pubsub_replay)"
[ "$(rloc_of_24)" = 192.0.2.1 ] ||
    die "C took a replayed publication: the /24 now maps to $(rloc_of_24)"
[ "$(xtr_counter c drop_pubsub_replay)" = 6 ] ||
    die "drop_pubsub_replay $(xtr_counter c drop_pubsub_replay), not 6"
lines=$(grep -c "drop pubsub_replay" "$RUN/c.log" || true)
if [ "$lines" -lt 1 ] || [ "$lines" -gt 2 ]; then
	die "$lines log lines for 6 replays (want 1 or 2: rate-limited)"
fi
grep "drop pubsub_replay" "$RUN/c.log"
echo "6 replays dropped, map-cache unchanged, $lines log line(s)"

# a fresh publication, N+1
echo "publish 1 192.0.2.66" >>"$RUN/ms.cmd"
xtr_wait 10 h_out_is 192.0.2.66 rloc_of_24 ||
    die "C did not take the publication with N+1: $(rloc_of_24)"
N1=$(hexadd "$N" 1)
xtr_wait 5 h_out_is 1 ms_count notify-ack ".nonce == \"$N1\"" ||
    die "C did not acknowledge the publication with N+1"
# none of the replays was acknowledged
[ "$(ms_count notify-ack)" = 2 ] ||
    die "$(ms_count notify-ack) Map-Notify-Acks, not 2: $(ms_events notify-ack)"
[ "$(xtr_counter c drop_pubsub_replay)" = 6 ] ||
    die "drop_pubsub_replay $(xtr_counter c drop_pubsub_replay) after N+1"
echo "xtr_interop_pubsub_replay: ok"
