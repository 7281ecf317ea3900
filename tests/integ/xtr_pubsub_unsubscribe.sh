#!/bin/bash
# xtr_pubsub_unsubscribe.sh: the ITR unsubscribes (RFC 9437 §5: a
# Map-Request with the N bit and a single ITR-RLOC of AFI 0).  ITR C runs
# with `subscribe = yes` and resolves A's EID (TTL 1 minute), so the MS
# holds C's subscription to 10.1.0.0/24.  (1) C stops (SIGTERM): the MS's
# subscription goes at once.  (2) C again, subscribed again; its map-cache
# entry expires: the MS's subscription goes within seconds, and C counts
# the MS's acknowledging Map-Notify.  tshark decodes the unsubscriptions
# in the capture at the MS: I and N set, one ITR-RLOC, of AFI 0.  Before
# this, C never unsubscribed: the MS kept the subscription (24 hours).
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xpu<pid>-*.
# Run directory: build/xtr_pubsub_unsubscribe.<pid>.
# integ-timeout: 240
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xpu-
RUN=$PWD/build/xtr_pubsub_unsubscribe
. tests/xtr/lib.sh

write_confs() {
	xtr_move_confs 5
	# A's EID lives a minute in C's map-cache (its expiry is step 2)
	sed -i "s|10.1.0.0/24,ttl=60|10.1.0.0/24,ttl=1|" "$RUN/a.conf"
	echo 'subscribe = yes' >>"$RUN/c.conf"
}

subs_at_ms() {		# how many subscriptions of C to A's /24 the MS holds
	xtr_jq ms '[.subscriptions[] | select(.eid == "10.1.0.0/24" and
	    .itr == "192.0.2.3")] | length' subscriptions
}

not_cached() {		# NODE PREFIX: no map-cache entry for PREFIX
	! xtr_jq "$1" ".entries[] | select(.eid == \"$2\")" map-cache |
	    grep -q .
}

subscribe_c() {
	xtr_ctl c resolve 10.1.0.7 >/dev/null
	xtr_wait 10 xtr_cached c 10.1.0.0/24 192.0.2.1 ||
	    die "C did not cache A's /24"
	xtr_wait 10 h_out_is 1 subs_at_ms ||
	    die "no subscription of C at the MS: $(xtr_ctl ms subscriptions)"
}

xtr_need
command -v jq >/dev/null || skip "needs jq"
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
c_pid=$H_LAST
xtr_wait 10 xtr_registered a || die "A not registered"
xtr_wait 10 xtr_registered c || die "C not registered"

# (1) C stops: its subscriptions end with it (the MS's Map-Notify to the
# stopped C goes unacknowledged; the next C drops its retransmissions)
subscribe_c
h_stop "$c_pid"
xtr_wait 5 h_out_is 0 subs_at_ms ||
    die "C stopped, the MS still holds its subscription: $(xtr_ctl ms subscriptions)"
[ "$(xtr_counter ms ms_pubsub_unsubscribed)" = 1 ] ||
    die "ms_pubsub_unsubscribed $(xtr_counter ms ms_pubsub_unsubscribed), not 1"
echo "(1) SIGTERM: C unsubscribed"

# (2) C again (a fresh random nonce: the MS holds none of C's since the
# unsubscription); the entry expires after its TTL, 1 minute
xtr_start c "$RUN/c.conf"
xtr_wait 10 xtr_registered c || die "C not registered again"
subscribe_c
xtr_wait 90 not_cached c 10.1.0.0/24 || die "C's entry for A did not expire"
xtr_wait 5 h_out_is 0 subs_at_ms ||
    die "C's entry expired, the MS still holds its subscription: $(xtr_ctl ms subscriptions)"
[ "$(xtr_counter ms ms_pubsub_unsubscribed)" = 2 ] ||
    die "ms_pubsub_unsubscribed $(xtr_counter ms ms_pubsub_unsubscribed), not 2"
# (one, unless the MS's answer took longer than rate_limit: then again)
xtr_wait 5 h_out_is 1 xtr_counter c pubsub_unsubscribe_acked ||
    die "C saw no acknowledgment of its unsubscription"
[ "$(xtr_counter c tx_pubsub_unsubscribe)" -ge 1 ] ||
    die "C counted no unsubscription sent"
# the acknowledgment installs nothing (the MS's record in it is its /24)
not_cached c 10.1.0.0/24 || die "C cached A's /24 again from the acknowledgment"
echo "(2) expiry: C unsubscribed, the MS acknowledged"

if [ -n "$CAP_PID" ] && command -v tshark >/dev/null; then
	# every unsubscription: an encapsulated Map-Request whose only
	# ITR-RLOC (IRC 0) has AFI 0, with the I bit (bit 11: tshark 4.0 shows
	# it among the reserved bits, 0x080).  tshark stops at the AFI-0
	# ITR-RLOC ("cannot decode"), so the record is read from its bytes:
	# reserved byte 0x80 (N), mask-len 24, AFI 1, 10.1.0.0, then C's xTR-ID
	unsub_filter='lisp.irc == 0 && lisp.mreq.itr_rloc.afi == 0 &&
	    lisp.mreq.res == 0x080'
	xtr_capture_stop 10 sh -c "[ \$(tshark -r '$RUN/ms.pcap' \
	    -d udp.port==4342,lisp -Y '$unsub_filter' 2>/dev/null |
	    wc -l) -ge 2 ]"
	tshark -r "$RUN/ms.pcap" -d udp.port==4342,lisp -Y "$unsub_filter" \
	    -T fields -e lisp.nonce -e data.data 2>/dev/null >"$RUN/unsub.txt"
	cat "$RUN/unsub.txt"
	n=$(wc -l <"$RUN/unsub.txt")
	[ "$n" -ge 2 ] || die "tshark found $n unsubscriptions, not 2"
	[ "$(grep -c $'\t801800010a010000' "$RUN/unsub.txt")" = "$n" ] ||
	    die "an unsubscription's record is not N + 10.1.0.0/24"
fi
echo "xtr_pubsub_unsubscribe: ok"
