#!/bin/bash
# xtr_pubsub.sh: publish/subscribe (RFC 9437).  ITR C runs with
# `subscribe = yes`: its Map-Request for A's EID carries the I and N bits
# and its xTR-ID, so the MS keeps a subscription.  Then A registers a /32
# inside its /24 and changes the /24's priority: C learns both from the
# MS's Map-Notifies alone (no Map-Request, no SMR), and the capture shows
# tshark decoding the subscription's Map-Request.  When A withdraws the
# /32, C is told (TTL 0) and falls back to the /24.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xp-*.
# Run directory: build/xtr_pubsub.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xp-
RUN=$PWD/build/xtr_pubsub
. tests/xtr/lib.sh

write_confs() {
	xtr_move_confs 5
	echo 'subscribe = yes' >>"$RUN/c.conf"
}

no_request_for() {	# NODE EID: no Map-Request was sent for EID
	[ "$(xtr_jq "$1" "[.events[] | select(.event == \"map-request-sent\" and .eid == \"$2\")] | length" timeline)" = 0 ]
}

prio_is() {	# NODE EID PRIO
	[ "$(xtr_jq "$1" ".entries[] | select(.eid == \"$2\") | .rlocs[0].priority" map-cache)" = "$3" ]
}

xtr_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 c:3
write_confs
CAP_PID=
if command -v tcpdump >/dev/null; then
	xtr_capture "${PFX}ms" eth0 "$RUN/ms.pcap" udp port 4342
fi
xtr_start ms "$RUN/ms.conf"
xtr_start a "$RUN/a.conf"
xtr_start c "$RUN/c.conf"
xtr_wait 10 xtr_registered a || die "A not registered"
xtr_wait 10 xtr_registered c || die "C not registered"
xtr_ctl c resolve 10.1.0.7 >/dev/null
xtr_wait 5 xtr_cached c 10.1.0.0/24 192.0.2.1 || die "C did not cache A"
xtr_wait 5 bash -c "[ \$($BIN/xtrctl -s $RUN/ms.sock --json subscriptions | jq '[.subscriptions[] | select(.eid == \"10.1.0.0/24\" and .itr == \"192.0.2.3\")] | length') = 1 ]" ||
    die "no subscription at the MS: $(xtr_ctl ms subscriptions)"
xtr_ctl ms subscriptions
# a more-specific appears inside the subscribed prefix
xtr_ctl a add 10.1.0.5/32 ttl 60 >/dev/null
xtr_wait 5 xtr_cached c 10.1.0.5/32 192.0.2.1 || die "C not told of the /32"
no_request_for c 10.1.0.5/32 || die "C asked for the /32 itself"
# the subscribed mapping itself changes
xtr_ctl a add 10.1.0.0/24 priority 7 ttl 60 >/dev/null
xtr_wait 5 prio_is c 10.1.0.0/24 7 || die "C not told of the new priority"
# the more-specific goes away: C drops it and uses the /24 again
xtr_ctl a remove 10.1.0.5/32 >/dev/null
xtr_wait 5 bash -c "! $BIN/xtrctl -s $RUN/c.sock --json map-cache | jq -e '.entries[] | select(.eid == \"10.1.0.5/32\")' >/dev/null" ||
    die "C kept the withdrawn /32"
xtr_cached c 10.1.0.0/24 192.0.2.1 || die "C lost the /24"
[ "$(xtr_counter ms ms_pubsub_notify)" -ge 3 ] || die "MS counted no notifies"
[ "$(xtr_counter c drop_unsolicited_notify)" = 0 ] || die "C dropped notifies"
# C acknowledged every Map-Notify, so the MS retransmitted none
xtr_wait 3 bash -c "[ \$($BIN/xtrctl -s $RUN/ms.sock --json timeline | jq '[.events[] | select(.event == \"notify-acked\")] | length') -ge 2 ]" ||
    die "the MS saw no Map-Notify-Ack"
[ "$(xtr_counter ms drop_unsolicited_notify)" = 0 ] || die "MS dropped acks"
xtr_ctl c map-cache
if [ -n "$CAP_PID" ] && command -v tshark >/dev/null; then
	# the Map-Notify-Acks (type 5) C sent are in the file before it stops
	xtr_capture_stop 10 sh -c "tshark -r '$RUN/ms.pcap' \
	    -d udp.port==4342,lisp -Y 'lisp.type == 5' 2>/dev/null | grep -q ."
	tshark -r "$RUN/ms.pcap" -V -d udp.port==4342,lisp 2>/dev/null |
	    grep -i -E "xtr-id|notify" | sort | uniq -c | head -n 10
fi
echo "xtr_pubsub: ok"
