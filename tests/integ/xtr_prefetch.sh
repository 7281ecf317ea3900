#!/bin/bash
# xtr_prefetch.sh: POST /v1/map-cache/prefetch (xtrctl prefetch) warms a
# destination xTR before traffic needs it, as xl-migrate-lisp does for a
# migrating VM.  Sites a (the correspondent, 10.1.0.0/24), b (the
# destination, 10.2.0.0/24) and c (the source, 10.3.0.0/24) of
# tests/xtr/dp_lib.sh:
#   1 hc talks to ha: c's map-cache holds a's prefix
#   2 b is told to prefetch what c's map-cache holds (xtrctl --json
#     map-cache on c, xtrctl prefetch EID... on b, as the wrapper does),
#     plus b's own 10.2.0.10/32 (answered local) and, again, a's prefix
#     once cached (answered cached, no second Map-Request)
#   3 hb's first datagram to ha, after that: it must arrive, and b must
#     send no Map-Request for it
#   4 control: hb's first datagram to hc (never prefetched): b sends a
#     Map-Request then, so the oracle does see a miss when there is one
# Oracle: a capture of b's underlay link (tcpdump), decoded by tshark
# (-d udp.port==4342,lisp, 4341,lisp-data): the Map-Request for a's
# prefix precedes the first LISP data packet to a's RLOC and none
# follows it; the one for hc follows the first datagram hb sent to it.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: xpf-*.  Run directory: build/xtr_prefetch.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xpf-
RUN=$PWD/build/xtr_prefetch
DP_SITES="a:1 b:2 c:3"
CAP_PID=
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

# capture: tcpdump on b's underlay link into RUN/b.pcap
capture() {
	xtr_capture "${PFX}b" eth0 "$RUN/b.pcap" 'udp port 4341 or udp port 4342'
}

# capture_end: once c's echo to hb's last datagram (the last frame of the
# test, its answer seen by send_one) is in the file, every earlier frame is
capture_end() {
	xtr_capture_stop 10 sh -c "tshark -n -r '$RUN/b.pcap' \
	    -d udp.port==4341,lisp-data -Y 'ip.src == 192.0.2.3 &&
	    ip.dst == 192.0.2.2 && lisp-data' 2>/dev/null | grep -q ."
}

# send_one HOST DST: one datagram from HOST to DST:5000, answered by
# DST's echo (recv_echo): 0 if the answer came within 3 s
send_one() {
	dp_in "$1" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"first", (sys.argv[1], 5000))
try:
    s.recv(64)
except socket.timeout:
    sys.exit(1)
' "$2"
}

# echo_on HOST ADDR: a UDP echo on ADDR:5000 in HOST, in the background
echo_on() {
	ip netns exec "${PFX}$1" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 5000))
while True:
    d, a = s.recvfrom(64)
    s.sendto(d, a)
' "$2" &
	XTR_PIDS="$XTR_PIDS $!"
}

# frames FILTER: "time" per frame of b.pcap matching the display FILTER
frames() {
	tshark -n -r "$RUN/b.pcap" -d udp.port==4342,lisp \
	    -d udp.port==4341,lisp-data -Y "$1" -T fields \
	    -e frame.time_epoch 2>/dev/null
}

# result EID: what b's prefetch answered for EID
result() {
	jq -r ".eids[] | select(.eid == \"$1\") | .result" "$2"
}

dp_need
command -v tshark >/dev/null || skip "needs tshark"
command -v tcpdump >/dev/null || skip "needs tcpdump"
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology

# 1 the source's correspondent
echo_on ha 10.1.0.10
echo_on hc 10.3.0.10
sleep 0.3
xtr_wait 10 send_one hc 10.1.0.10 || die "hc cannot reach ha"
xtr_cached c 10.1.0.0/24 192.0.2.1 || die "c does not cache a's prefix"
xtr_cached b 10.1.0.0/24 192.0.2.1 && die "b caches a's prefix already"

# 2 the prefetch, as the wrapper does it
capture
eids=$(xtr_ctl c --json map-cache | jq -r '.entries[] | select((.iid // 0) == 0) | .eid')
case " $(tr '\n' ' ' <<<"$eids") " in
*" 10.1.0.0/24 "*) ;;
*) die "c's map-cache lacks 10.1.0.0/24: $eids" ;;
esac
# shellcheck disable=SC2086 # one word per EID
xtr_ctl b --json prefetch $eids 10.2.0.10/32 >"$RUN/pf1.json" ||
    die "xtrctl prefetch failed: $(cat "$RUN/pf1.json")"
[ "$(result 10.1.0.0/24 "$RUN/pf1.json")" = sent ] ||
    die "10.1.0.0/24 not sent: $(cat "$RUN/pf1.json")"
[ "$(result 10.2.0.10/32 "$RUN/pf1.json")" = local ] ||
    die "b's own EID not skipped as local: $(cat "$RUN/pf1.json")"
xtr_wait 5 xtr_cached b 10.1.0.0/24 192.0.2.1 ||
    die "b did not cache a's prefix after the prefetch"
xtr_ctl b --json prefetch 10.1.0.10/32 10.1.0.0/24 >"$RUN/pf2.json" ||
    die "second prefetch failed"
[ "$(jq -r '"\(.sent) \(.cached)"' "$RUN/pf2.json")" = "0 2" ] ||
    die "a cached prefix asked for again: $(cat "$RUN/pf2.json")"
xtr_ctl b timeline | grep -q prefetch-requested ||
    die "no prefetch-requested event"

# 3 hb's first packet to ha; 4 hb's first packet to hc (not prefetched)
sleep 0.6
send_one hb 10.1.0.10 || die "hb's first datagram to ha got no answer"
sleep 0.3
send_one hb 10.3.0.10 || die "hb's first datagram to hc got no answer"
capture_end

n_mr_a=$(xtr_jq b '[.events[] | select(.event == "map-request-sent" and
    (.eid | startswith("10.1.0.")))] | length' timeline)
[ "$n_mr_a" = 1 ] || die "b sent $n_mr_a Map-Requests for a's EIDs, expected 1"

# the oracle: Map-Requests in ECMs from b to the Map-Resolver, data to a/c
mapfile -t mr_a < <(frames "ip.src == 192.0.2.2 && ip.dst == 192.0.2.100 &&
    lisp.type == 1 && lisp.mreq.record.prefix.ipv4 == 10.1.0.0")
mapfile -t mr_c < <(frames "ip.src == 192.0.2.2 && ip.dst == 192.0.2.100 &&
    lisp.type == 1 && lisp.mreq.record.prefix.ipv4 == 10.3.0.10")
mapfile -t d_a < <(frames "ip.src == 192.0.2.2 && ip.dst == 192.0.2.1 &&
    udp.dstport == 4341 && lisp-data")
mapfile -t d_c < <(frames "ip.src == 192.0.2.2 && ip.dst == 192.0.2.3 &&
    udp.dstport == 4341 && lisp-data")
echo "tshark: Map-Requests for a's prefix at ${mr_a[*]:-none}, first data" \
    "to a at ${d_a[0]:-none}; Map-Request for hc at ${mr_c[*]:-none}," \
    "first data to c at ${d_c[0]:-none}"
[ "${#mr_a[@]}" = 1 ] ||
    die "tshark sees ${#mr_a[@]} Map-Requests for a's prefix, expected 1"
[ "${#d_a[@]}" -ge 1 ] || die "tshark sees no data packet from b to a"
[ "${#mr_c[@]}" -ge 1 ] ||
    die "tshark sees no Map-Request for hc: the oracle would miss a miss"
[ "${#d_c[@]}" -ge 1 ] || die "tshark sees no data packet from b to c"
awk -v mr="${mr_a[0]}" -v d="${d_a[0]}" 'BEGIN { exit !(mr < d) }' ||
    die "the Map-Request for a's prefix (${mr_a[0]}) came after the first data (${d_a[0]})"
awk -v mr="${mr_c[0]}" -v d="${d_c[0]}" 'BEGIN { exit !(mr < d) }' ||
    die "control: the first data to c (${d_c[0]}) preceded its Map-Request"
awk -v mr="${mr_a[0]}" -v d="${d_a[0]}" 'BEGIN { exit !(d - mr > 0.5) }' ||
    die "the first data to a left only $(awk -v mr="${mr_a[0]}" -v d="${d_a[0]}" \
    'BEGIN { print d - mr }') s after the prefetch's Map-Request: not told apart from a miss"
echo "xtr_prefetch: ok (the first packet to a prefetched EID waited for no Map-Request)"
