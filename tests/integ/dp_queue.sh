#!/bin/bash
# dp_queue.sh: the miss queue's bounds.  With the Map-Server/Resolver down,
# host ha sends 10 packets to b's EID: xtrd a queues miss_queue_prefix (4)
# of them, counts the other 6 as drop_queue_full, and when the
# Map-Request times out counts the 4 as drop_queue_timeout.  With the MS
# back, the first packets to a new destination all arrive (queued, then
# sent when the Map-Reply comes).
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dpq<pid>-*.  Run directory: build/dp_queue.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dpq-
RUN=$PWD/build/dp_queue
DP_SITES="a:1 b:2"
# one retransmission, as soon as RFC 9301 §5.3 allows (rate_limit, at least
# 1 s): sent at 0 and 1 s, given up at 3 s, the queue's timeout 0.5 s
# later.  The MS restarts only once every Map-Request a started has given
# up (an MS without the sites' registrations yet answers negatively).
# Every step waits for its condition, with a bound far above what it takes.
DP_EXTRA_CONF='miss_queue_prefix = 4
map_request_retry = 1000
map_request_retries = 1
rate_limit = 1000'
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

counter_is() { [ "$(xtr_counter "$1" "$2")" = "$3" ]; }
# every Map-Request a started for b's EID has given up (the miss queue asks
# again each second while packets wait, so one can still be out after the
# queue's timeout; its retransmission must not reach the MS back without
# b's registration, whose negative answer a would keep for a minute)
requests_over() {
	[ "$(xtr_jq a '[.events[] | select(.eid == "10.2.0.10/32")] |
	    ([.[] | select(.event == "map-request-sent" and
	    ((.detail // "") | test("retransmit") | not))] | length) ==
	    ([.[] | select(.event == "map-request-timeout")] | length)' \
	    timeline)" = true ]
}

dp_need
command -v jq >/dev/null || skip "needs jq"
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
ms=$(pgrep -f "xtrd -d -v -f $RUN/ms.conf" | head -1)
kill "$ms"
xtr_wait 5 sh -c "! kill -0 $ms 2>/dev/null" || die "the MS did not exit"
dp_in ha ping -c 10 -i 0.01 -W 1 10.2.0.10 >/dev/null 2>&1 || true
xtr_wait 5 counter_is a dp_queued 4 ||
    die "queued $(xtr_counter a dp_queued), not 4"
xtr_wait 5 counter_is a dp_drop_queue_full 6 ||
    die "drop_queue_full $(xtr_counter a dp_drop_queue_full), not 6"
xtr_wait 15 counter_is a dp_drop_queue_timeout 4 ||
    die "drop_queue_timeout $(xtr_counter a dp_drop_queue_timeout), not 4"
xtr_wait 15 requests_over || die "a's Map-Requests for 10.2.0.10 still out"
echo "MS down: 4 queued, 6 over the bound, 4 dropped at the timeout"
xtr_start ms "$RUN/ms.conf"
xtr_wait 15 xtr_has_reg ms 10.2.0.0/24 192.0.2.2 || die "b not registered again"
# a too: b resolves a's EID to answer, and a negative reply (a not yet
# registered again) would make b drop its answers for a minute
xtr_wait 15 xtr_has_reg ms 10.1.0.0/24 192.0.2.1 || die "a not registered again"
out=$(dp_in ha ping -c 3 -i 0.2 -W 3 10.2.0.10 2>&1) || die "no answer: $out"
grep -q ' 0% packet loss' <<<"$out" || die "first contact lost packets: $out"
echo "MS back: first contact without loss"
echo "dp_queue: ok"
