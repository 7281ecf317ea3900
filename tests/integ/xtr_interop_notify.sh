#!/bin/bash
# xtr_interop_notify.sh: Map-Register ports (RFC 9301 §5.6, §5.7, §8.2).
#  - an ETR we did not write (crafted, 192.0.2.9) sends its Map-Register
#    from a random source port, as §5.6 says ("a randomly selected UDP
#    source port number"), and listens on 4342: our Map-Server's
#    Map-Notify reaches it on 4342 (§8.2: "sent to UDP destination port
#    4342, not to the source port"); a copy goes to the source port for
#    ETRs that read §5 the other way;
#  - one from 4342 (crafted, 192.0.2.8) gets one Map-Notify there, not
#    two (the one to 4342 and the copy to the source port);
#  - our ETR A sends its Map-Registers from a port other than 4342 (the
#    MS's capture, decoded by tshark) and is registered: it reads the
#    Map-Notify on 4342.
#  - registration lifetime (§8.2, §5.6 T bit): with registration_timeout
#    3 s, a crafted registration without T expires, one with T and Record
#    TTL 1 minute outlives it.
# Before this (xtrd of 2026-11-25) the Map-Notify went to the source port
# only, A sent from 4342, and registrations lived 3 x register_interval
# whatever the T bit (registration_timeout was no key).
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xin-*.
# Run directory: build/xtr_interop_notify.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xin-
RUN=$PWD/build/xtr_interop_notify
PY=${PYTHON:-python3}
CRAFT=$PWD/tests/xtr/lispcraft.py
. tests/xtr/lib.sh

FAILED=""
fail() { echo "FAIL: $*" >&2; FAILED="$FAILED|$1"; }

xtr_need
command -v "$PY" >/dev/null || skip "needs python3"
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 p:9 q:8
cat >"$RUN/ms.conf" <<EOC
role = "ms"
sites = [ 'name=dc,key=dc-key-Zq3V9mXp7LtR2wK,eid=10.0.0.0/8,more_specifics=yes' ]
control_socket = "$RUN/ms.sock"
registration_timeout = 3
EOC
cat >"$RUN/a.conf" <<EOC
rlocs = [ '192.0.2.1' ]
database = [ '10.1.0.0/24' ]
map_servers = [ '192.0.2.100,key=dc-key-Zq3V9mXp7LtR2wK' ]
control_socket = "$RUN/a.sock"
EOC
if command -v tcpdump >/dev/null; then
	xtr_capture "${PFX}ms" eth0 "$RUN/ms.pcap" udp
fi
xtr_start ms "$RUN/ms.conf"

# the crafted ETR: listens on 4342, registers from a random port
ip netns exec "${PFX}p" "$PY" "$CRAFT" listen 0.0.0.0 4342 30 \
    out="$RUN/p4342.jsonl" &
XTR_PIDS="$XTR_PIDS $!"
xtr_wait 5 test -f "$RUN/p4342.jsonl" || die "the listener did not start"
ip netns exec "${PFX}p" "$PY" "$CRAFT" 192.0.2.100 map-register \
    eid=10.9.0.0/24 rloc=192.0.2.9 key=dc-key-Zq3V9mXp7LtR2wK nonce=00000000c0ffee01 \
    wait=2 >"$RUN/psport.jsonl"
got4342() {
	jq -e -s 'map(select(.type == 4 and .nonce == "00000000c0ffee01")) |
	    length > 0' "$RUN/p4342.jsonl" >/dev/null
}
xtr_wait 5 got4342 ||
    fail "no Map-Notify on 4342 for a Map-Register from a random port: $(cat "$RUN/p4342.jsonl")"
jq -e -s 'map(select(.type == 4 and .nonce == "00000000c0ffee01")) |
    length > 0' "$RUN/psport.jsonl" >/dev/null ||
    fail "no Map-Notify on the source port (the other reading)"
echo "on 4342: $(jq -c -s 'map({type, nonce, from, sport})' "$RUN/p4342.jsonl")"
echo "on the source port: $(jq -c -s 'map({type, nonce, from, sport})' "$RUN/psport.jsonl")"

# an ETR that registers from 4342 (older ones do) gets one Map-Notify, not
# the one to 4342 and a copy to its source port, the same port again
ip netns exec "${PFX}q" "$PY" "$CRAFT" 192.0.2.100 map-register \
    eid=10.8.0.0/24 rloc=192.0.2.8 key=dc-key-Zq3V9mXp7LtR2wK \
    nonce=00000000c0ffee02 sport=4342 wait=1 >"$RUN/q4342.jsonl"
n=$(jq -s 'map(select(.type == 4 and .nonce == "00000000c0ffee02")) |
    length' "$RUN/q4342.jsonl")
[ "$n" = 1 ] || fail "$n Map-Notifies to 4342 for a Map-Register from 4342"
echo "from 4342: $n Map-Notify"

# our ETR: from a random port, registered all the same
xtr_start a "$RUN/a.conf"
xtr_wait 10 xtr_registered a || fail "A not registered"
if [ -n "${CAP_PID:-}" ] && command -v tshark >/dev/null; then
	xtr_capture_stop 5 bash -c "tshark -r '$RUN/ms.pcap' -d udp.port==4342,lisp -Y 'ip.src == 192.0.2.1 && lisp.type == 3' 2>/dev/null | grep -q ."
	ports=$(tshark -r "$RUN/ms.pcap" -d udp.port==4342,lisp \
	    -Y 'ip.src == 192.0.2.1 && lisp.type == 3' -T fields \
	    -e udp.srcport -e udp.dstport 2>/dev/null | sort -u)
	echo "A's Map-Registers (source port, destination port): $ports"
	[ -n "$ports" ] || fail "no Map-Register from A captured"
	if echo "$ports" | grep -q "^4342"; then
		fail "A sent a Map-Register from port 4342"
	fi
	tshark -r "$RUN/ms.pcap" -d udp.port==4342,lisp \
	    -Y 'lisp.type == 4 && ip.dst == 192.0.2.1' -T fields \
	    -e udp.srcport -e udp.dstport 2>/dev/null | sort | uniq -c
	tshark -r "$RUN/ms.pcap" -d udp.port==4342,lisp \
	    -Y 'lisp.type == 4 && ip.dst == 192.0.2.1 && udp.dstport == 4342' \
	    2>/dev/null | grep -q . || fail "no Map-Notify to A's 4342"
fi

# lifetime: without T, registration_timeout; with T, the Record TTL
ip netns exec "${PFX}p" "$PY" "$CRAFT" 192.0.2.100 map-register \
    eid=10.9.1.0/24 rloc=192.0.2.9 key=dc-key-Zq3V9mXp7LtR2wK ttl=1
ip netns exec "${PFX}p" "$PY" "$CRAFT" 192.0.2.100 map-register \
    eid=10.9.2.0/24 rloc=192.0.2.9 key=dc-key-Zq3V9mXp7LtR2wK ttl=1 T=1
xtr_wait 5 xtr_has_reg ms 10.9.2.0/24 192.0.2.9 || fail "T=1 not registered"
expired() {
	[ "$(xtr_jq ms '[.events[] | select(.event == "registration-expired" and .eid == "10.9.1.0/24")] | length' timeline)" = 1 ]
}
xtr_wait 10 expired || fail "no T bit: not expired after registration_timeout"
xtr_has_reg ms 10.9.2.0/24 192.0.2.9 ||
    fail "T bit, Record TTL 1 min: expired with the others"
[ -z "$FAILED" ] || die "failed:${FAILED//|/ | }"
echo "xtr_interop_notify: ok"
