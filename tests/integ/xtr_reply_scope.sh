#!/bin/bash
# xtr_reply_scope.sh: a Map-Reply may not claim more than was asked, nor
# for longer than a day (issue 15, finding 3).  The attacker (192.0.2.66)
# is a Dom0 of site dc: it holds dc's key, registers 10.1.0.99/32, and
# when the Map-Server forwards it c's Map-Request for that EID it answers
# with 10.0.0.0/8 -> 192.0.2.66 for a year (TTL 525600).  c must install
# 10.1.0.99/32 alone (the reply's record narrowed to the request:
# map_reply_narrowed), with a TTL of at most map_cache_ttl_max (1440;
# map_reply_ttl_capped), and keep sending hc's traffic for b's EIDs,
# which it had not cached, to b.  tshark decodes the attacker's reply
# (what was claimed) as an independent oracle.  On the old code c
# installed 10.0.0.0/8 for a year and hc's pings to hb went to the
# attacker.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: xrs<pid>-*.  Run directory: build/xtr_reply_scope.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xrs-
RUN=$PWD/build/xtr_reply_scope
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

# claimed_reply: the capture holds a Map-Reply (tshark decodes it)
claimed_reply() {
	tshark -r "$RUN/reply.pcap" -d udp.port==4342,lisp -Y 'lisp.type == 2' \
	    2>/dev/null | grep -q .
}

dp_need
command -v tshark >/dev/null || skip "needs tshark"
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
dp_attacker

# the attacker: register 10.1.0.99/32 with dc's key, then answer every
# Map-Request forwarded to it with the whole 10/8, for a year
KEY=$(sed -n "s/.*name=dc,key=\([^,]*\),.*/\1/p" "$RUN/ms.conf")
[ -n "$KEY" ] || die "no key for site dc in $RUN/ms.conf"
ip netns exec "${PFX}x" "$PY" - "$RUN/attacker.log" "$KEY" <<'PY' &
import os, socket, struct, sys, time
sys.path.insert(0, "tests/xtr")
import lispcraft as lc
log = open(sys.argv[1], "w", buffering=1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.66", 4342))
s.settimeout(0.5)
xid = os.urandom(16)
t0 = time.monotonic()
last = 0
while time.monotonic() - t0 < 60:
    if time.monotonic() - last > 2:     # keep the registration fresh
        # RFC 9301 §5.6: a nonce that only grows (the MS keeps the last)
        s.sendto(lc.map_register(time.time_ns(),
                                 "10.1.0.99/32", ["192.0.2.66"], sys.argv[2],
                                 xtr_id=xid), ("192.0.2.100", 4342))
        last = time.monotonic()
    try:
        d, peer = s.recvfrom(9000)
    except socket.timeout:
        continue
    if d[0] >> 4 == 8:                  # ECM: the forwarded Map-Request
        ihl = (d[4] & 0x0f) * 4
        m = d[4 + ihl + 8:]
        if m[0] >> 4 != 1:
            continue
        nonce = struct.unpack("!Q", m[4:12])[0]
        rep = lc.map_reply(nonce, "10.0.0.0/8", ["192.0.2.66"], 525600)
        s.sendto(rep, ("192.0.2.3", 4342))
        print("answered %016x with 10.0.0.0/8" % nonce, file=log)
PY
ATT=$!
XTR_PIDS="$XTR_PIDS $ATT"
xtr_wait 10 xtr_has_reg ms 10.1.0.99/32 192.0.2.66 ||
    die "the attacker's registration did not take"
xtr_capture "${PFX}br" br0 "$RUN/reply.pcap" udp port 4342 and src host 192.0.2.66

dp_in hc ping -c 2 -i 0.3 -W 1 10.1.0.99 >/dev/null 2>&1 || true
xtr_wait 5 grep -q answered "$RUN/attacker.log" ||
    die "the Map-Request never reached the attacker"
xtr_wait 5 xtr_cached c 10.1.0.99/32 192.0.2.66 ||
    die "c did not install 10.1.0.99/32: $(xtr_ctl c map-cache)"
xtr_capture_stop 5 claimed_reply
claimed=$(tshark -r "$RUN/reply.pcap" -d udp.port==4342,lisp -T fields \
    -e lisp.mapping.eid.ipv4 -e lisp.mapping.eid.masklen \
    -e lisp.mapping.ttl -Y 'lisp.type == 2' 2>/dev/null | sort -u | head -1 |
    tr '\t' ' ') || true
echo "tshark: the attacker's Map-Reply claimed: $claimed"
case $claimed in
"10.0.0.0 8 525600"*) ;;
*) die "tshark does not decode the attacker's reply as 10.0.0.0/8 for 525600 min: '$claimed'" ;;
esac
mc=$(xtr_ctl c --json map-cache)
echo "$mc" | jq -e '[.entries[] | select(.eid == "10.0.0.0/8")] | length == 0' \
    >/dev/null || die "c installed 10.0.0.0/8: $(xtr_ctl c map-cache)"
ttl=$(echo "$mc" | jq -r '[.entries[] | select(.eid == "10.1.0.99/32") |
    .ttl] | first')
echo "c: 10.1.0.99/32 -> 192.0.2.66, TTL $ttl min; no 10.0.0.0/8;" \
    "narrowed $(xtr_counter c map_reply_narrowed)," \
    "TTL capped $(xtr_counter c map_reply_ttl_capped)"
[ "$ttl" -le 1440 ] || die "c keeps the attacker's mapping for $ttl minutes"
[ "$(xtr_counter c map_reply_narrowed)" -ge 1 ] || die "map_reply_narrowed did not move"
# c had not cached b: its traffic to hb must still go to b
xtr_cached c 10.2.0.0/24 192.0.2.2 && die "c had b cached already"
dp_in hc ping -c 3 -i 0.3 -W 2 10.2.0.10 >/dev/null ||
    die "hc cannot reach hb: $(xtr_ctl c map-cache)"
xtr_cached c 10.2.0.0/24 192.0.2.2 || die "c does not map b's EIDs to b"
dp_in hc ping -c 2 -i 0.2 -W 2 10.1.0.10 >/dev/null || die "hc cannot reach ha"
dp_alive
kill "$ATT" 2>/dev/null || true
echo "xtr_reply_scope: ok"
