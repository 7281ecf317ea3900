#!/bin/bash
# xtr_interop_etr.sh: what xTR A answers a peer we did not write (crafted
# packets, tests/xtr/lispcraft.py, from namespace p), and what it keeps.
#  - moved: 10.1.0.5/32 left A (database remove with moved_to 192.0.2.2,
#    an away entry): a Map-Request for 10.1.0.5/32 is answered with
#    10.1.0.5/32 -> 192.0.2.2 (A bit clear), never with A's covering
#    10.1.0.0/24 -> A ("it's here", which sent the traffic back to A);
#    one for 10.1.0.0/24 gets the /24 and the moved /32 as a more-specific
#    record (RFC 9301 §5.5);
#  - self: A resolving an EID of its own prefix (its Map-Request comes
#    back to itself through the Map-Server) installs no mapping pointing
#    at itself (it dropped 4498 packets as dp_drop_loop so);
#  - probe: an RLOC-probe sent to A's second RLOC 192.0.2.11 is answered
#    with the P bit and the p bit on 192.0.2.11 alone (RFC 9301 §5.4);
#    tshark decodes the same;
#  - D: a Map-Request with the D bit (RFC 9301 §5.2) gets no Map-Reply.
# Locators come sorted (RFC 9301 §5.5: 192.0.2.1 before 192.0.2.11).
# Before this (xtrd of 2026-11-25) the moved /32 was answered with the
# /24, A cached its own /24, and no locator had the p bit.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xie-*.
# Run directory: build/xtr_interop_etr.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xie-
RUN=$PWD/build/xtr_interop_etr
PY=${PYTHON:-python3}
CRAFT=$PWD/tests/xtr/lispcraft.py
. tests/xtr/lib.sh

write_confs() {
	cat >"$RUN/ms.conf" <<-EOC
	role = "ms"
	sites = [ 'name=dc,key=dc-key-Zq3V9mXp7LtR2wK,eid=10.1.0.0/16,more_specifics=yes' ]
	control_socket = "$RUN/ms.sock"
	EOC
	cat >"$RUN/a.conf" <<-EOC
	rlocs = [ '192.0.2.11', '192.0.2.1' ]
	database = [ '10.1.0.0/24', '10.1.0.5/32' ]
	map_servers = [ '192.0.2.100,key=dc-key-Zq3V9mXp7LtR2wK' ]
	map_resolvers = [ '192.0.2.100' ]
	control_socket = "$RUN/a.sock"
	data_plane = "on"
	site_interface = "site0"
	eid_space = [ '10.0.0.0/8' ]
	EOC
}

FAILED=""
fail() { echo "FAIL: $*" >&2; FAILED="$FAILED|$1"; }

# ask WHAT ARGS...: a crafted Map-Request from the peer 192.0.2.9 to A,
# the replies (JSON lines) into $RUN/WHAT.jsonl
ask() {
	local what=$1
	shift
	ip netns exec "${PFX}p" "$PY" "$CRAFT" 192.0.2.1 map-request \
	    itr=192.0.2.9 wait=1.5 "$@" >"$RUN/$what.jsonl"
	echo "$what: $(cat "$RUN/$what.jsonl")"
}

xtr_need
[ -c /dev/net/tun ] || skip "needs /dev/net/tun"
command -v "$PY" >/dev/null || skip "needs python3"
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 p:9
ip -n "${PFX}a" addr add 192.0.2.11/24 dev eth0
ip -n "${PFX}a" link add site0 type bridge
ip -n "${PFX}a" link set site0 up
write_confs
if command -v tcpdump >/dev/null; then
	xtr_capture "${PFX}p" eth0 "$RUN/p.pcap" udp port 4342
fi
xtr_start ms "$RUN/ms.conf"
xtr_start a "$RUN/a.conf"
xtr_wait 10 xtr_registered a || die "A not registered"

# self: A asks for an EID of its own /24
xtr_ctl a resolve 10.1.0.7 >/dev/null || true
xtr_wait 5 bash -c "[ \$($BIN/xtrctl -s $RUN/a.sock --json timeline | jq '[.events[] | select(.event == \"map-request-sent\" and .eid == \"10.1.0.7/32\")] | length') -ge 1 ]" ||
    fail "A sent no Map-Request for 10.1.0.7"
# the reply came back: refused (new) or accepted (old)
reply_handled() {
	local c
	c=$(xtr_counter a drop_reply_self)
	[ "$c" != 0 ] && [ "$c" != null ] && return 0
	[ "$(xtr_jq a '[.events[] | select(.event == "map-reply-accepted")] | length' timeline)" -gt 0 ]
}
xtr_wait 5 reply_handled || fail "self: A's reply to itself never came back"
if xtr_cached a 10.1.0.0/24 192.0.2.1 || xtr_cached a 10.1.0.0/24 192.0.2.11
then
	fail "self: A cached its own 10.1.0.0/24 pointing at itself: $(xtr_ctl a map-cache)"
fi

# probe: to the second RLOC; p on that locator only, sorted locators
ip netns exec "${PFX}p" "$PY" "$CRAFT" 192.0.2.11 map-request \
    itr=192.0.2.9 eid=10.1.0.0/24 probe=1 wait=1.5 >"$RUN/probe.jsonl"
echo "probe: $(cat "$RUN/probe.jsonl")"
jq -e -s 'length == 1 and .[0].type == 2 and .[0].P == 1' \
    "$RUN/probe.jsonl" >/dev/null || fail "probe: no Map-Reply with P"
jq -e -s '[.[0].records[0].locs[] | select(.p == 1) | .rloc] ==
    ["192.0.2.11"]' "$RUN/probe.jsonl" >/dev/null ||
    fail "probe: the p bit is not on the probed 192.0.2.11 (alone)"
jq -e -s '[.[0].records[0].locs[].rloc] == ["192.0.2.1", "192.0.2.11"]' \
    "$RUN/probe.jsonl" >/dev/null ||
    fail "probe: locators not in ascending order (RFC 9301 §5.5)"

# D: no reply
ip netns exec "${PFX}p" "$PY" "$CRAFT" 192.0.2.1 map-request \
    itr=192.0.2.9 eid=10.1.0.0/24 dont_reply=1 wait=1 >"$RUN/d.jsonl"
[ ! -s "$RUN/d.jsonl" ] || fail "D bit: A answered: $(cat "$RUN/d.jsonl")"

# moved: 10.1.0.5/32 leaves A for 192.0.2.2
xtr_ctl a remove 10.1.0.5/32 moved-to 192.0.2.2 >/dev/null
ask moved eid=10.1.0.5/32
jq -e -s 'length == 1 and .[0].type == 2' "$RUN/moved.jsonl" >/dev/null ||
    fail "moved: no single Map-Reply"
if jq -e -s '[.[].records[] | select(.eid == "10.1.0.0/24")] | length > 0' \
    "$RUN/moved.jsonl" >/dev/null; then
	fail "moved: A answered 10.1.0.5/32 with its covering 10.1.0.0/24"
fi
jq -e -s '.[0].records[0].eid == "10.1.0.5/32" and .[0].records[0].A == 0
    and [.[0].records[0].locs[].rloc] == ["192.0.2.2"]' \
    "$RUN/moved.jsonl" >/dev/null ||
    fail "moved: not answered with 10.1.0.5/32 -> 192.0.2.2, A clear"
ask covering eid=10.1.0.0/24
jq -e -s '[.[0].records[].eid] == ["10.1.0.0/24", "10.1.0.5/32"]' \
    "$RUN/covering.jsonl" >/dev/null ||
    fail "covering: not the /24 and the moved /32 (RFC 9301 §5.5)"

if [ -n "${CAP_PID:-}" ] && command -v tshark >/dev/null && [ -z "$FAILED" ]
then
	xtr_capture_stop 5 bash -c "tshark -r '$RUN/p.pcap' -d udp.port==4342,lisp -Y 'lisp.type == 2' 2>/dev/null | grep -q ."
	tshark -r "$RUN/p.pcap" -V -d udp.port==4342,lisp \
	    -Y 'lisp.type == 2 && lisp.mrep.flags.probe == 1' \
	    >"$RUN/probe.txt" 2>/dev/null || true
	grep -E "Probe|Locator: |RLOC-probed|Local RLOC|Reachable" \
	    "$RUN/probe.txt" | sort | uniq -c
	grep -q -i -E "p bit.*RLOC-probed.*: Set|RLOC-probed.*Set|P bit \(Probe\): Set" \
	    "$RUN/probe.txt" || fail "tshark: the probe reply's bits: $(head -80 "$RUN/probe.txt")"
fi
[ -z "$FAILED" ] || die "failed:${FAILED//|/ | }"
echo "xtr_interop_etr: ok"
