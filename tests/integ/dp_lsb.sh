#!/bin/bash
# dp_lsb.sh: RLOC liveness (RFC 9300 §10, locator-status-bits), believed
# only once an RLOC-probe (RFC 9301 §7.1) confirms it (issue 15, finding
# 4).  Site a has two RLOCs (IPv4 first, IPv6 second).
#  1. The attacker (192.0.2.66) sends c LISP data spoofed from a's IPv4
#     RLOC with LSBs 0 (both RLOCs down): c probes them, both answer, both
#     stay up (lsb_refuted), and c's packets keep going to a.  On the old
#     code this one packet marked a down at c.
#  2. c cannot reach a's IPv4 RLOC any more (a blackhole route in c), and
#     a packet from it says LSBs 0b10: c's probe goes unanswered, the RLOC
#     is marked down, c's next packet to a leaves over IPv6.
#  3. The route is back; a's own packets (LSBs 0b11) make c probe again,
#     the RLOC answers and is up again.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dpl<pid>-*.  Run directory: build/dp_lsb.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dpl-
RUN=$PWD/build/dp_lsb
DP_SITES="a:1 c:3"
DP_V6SITES=none		# no such site: a and c get both RLOC families
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

# up NODE EID RLOC: the map-cache's "up" for that RLOC
up() {
	xtr_jq "$1" "[.entries[] | select(.eid == \"$2\") | .rlocs[] | select(.addr == \"$3\") | .up] | first" map-cache
}

# is_up NODE EID RLOC true|false
is_up() { [ "$(up "$1" "$2" "$3")" = "$4" ]; }

# lsb_packet NS LSB: LISP data from 192.0.2.1 (a's IPv4 RLOC) to c, inner
# 10.1.0.10 -> 10.3.0.10; from the attacker's namespace the outer IPv4
# header is written by hand (a raw socket): a spoofed source
lsb_packet() {
	dp_in "$1" "$PY" - "$2" <<-'PY'
	import socket, struct, sys
	sys.path.insert(0, "tests/xtr")
	import lispcraft as lc
	lsb = int(sys.argv[1], 0)
	data = lc.lisp_data(lc.inner_udp("10.1.0.10", "10.3.0.10", b"lsb!"),
	                    lsb=lsb)
	try:
	    so = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    so.bind(("192.0.2.1", 0))
	    so.sendto(data, ("192.0.2.3", 4341))
	except OSError:         # not our address: spoof it
	    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW,
	                        socket.IPPROTO_RAW)
	    raw.sendto(lc.ipv4_udp("192.0.2.1", "192.0.2.3", 4341, 4341, data),
	               ("192.0.2.3", 0))
	PY
}

# first_family: the outer family of c's next LISP packet to a
first_family() {
	ip netns exec "${PFX}br" tcpdump -i br0 -U --immediate-mode -c 1 \
	    -w "$RUN/first.pcap" "udp dst port 4341 and (src host 192.0.2.3 or src host 2001:db8:ffff::3)" \
	    >/dev/null 2>"$RUN/tcpdump.err" &
	CAP=$!
	XTR_PIDS="$XTR_PIDS $CAP"
	xtr_wait 10 grep -q "listening on" "$RUN/tcpdump.err" || die "tcpdump did not start"
	dp_in hc ping -c 1 -W 2 10.1.0.10 >/dev/null || die "c cannot reach a any more"
	xtr_wait 5 sh -c "! kill -0 $CAP 2>/dev/null" || die "nothing captured"
	tcpdump -nr "$RUN/first.pcap" 2>/dev/null | awk '{print $2}'
}

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
dp_attacker
dp_in hc ping -c 2 -i 0.2 -W 2 10.1.0.10 >/dev/null || die "c cannot reach a"
[ "$(up c 10.1.0.0/24 192.0.2.1)" = true ] || die "a's IPv4 RLOC not up at c"

# 1. the spoofed "everything down"
lsb_packet x 0x0
xtr_wait 5 sh -c "[ \$($BIN/xtrctl -s $RUN/c.sock --json counters |
    jq .counters.lsb_refuted) -ge 2 ]" ||
    die "c did not refute the spoofed LSBs: $(xtr_ctl c map-cache)"
is_up c 10.1.0.0/24 192.0.2.1 true && is_up c 10.1.0.0/24 2001:db8:ffff::1 true ||
    die "the spoofed LSBs marked a down at c: $(xtr_ctl c map-cache)"
dp_in hc ping -c 2 -i 0.2 -W 2 10.1.0.10 >/dev/null || die "c cannot reach a after the spoof"
echo "1. spoofed LSBs 0: c probed, both RLOCs answered and stay up" \
    "(lsb_refuted $(xtr_counter c lsb_refuted))"

# 2. a's IPv4 RLOC really unreachable from c
dp_in c ip route add blackhole 192.0.2.1/32
# a keeps sending (one probe a second per RLOC: the first may be refused)
down_after_lsb() { lsb_packet a 0x2; is_up c 10.1.0.0/24 192.0.2.1 false; }
xtr_wait 6 down_after_lsb ||
    die "LSBs 0b10 and an unanswered probe did not mark 192.0.2.1 down at c: $(xtr_ctl c map-cache)"
echo "2. c: 192.0.2.1 down after its probe went unanswered," \
    "2001:db8:ffff::1 $(up c 10.1.0.0/24 2001:db8:ffff::1)"
outer=$(first_family)
[ "$outer" = IP6 ] || die "c's first packet went out over '$outer', not IPv6"
echo "c's next packet to a went to the IPv6 RLOC"

# 3. back
dp_in c ip route del blackhole 192.0.2.1/32
dp_in hc ping -c 3 -i 0.3 -W 2 10.1.0.10 >/dev/null || true
xtr_wait 5 is_up c 10.1.0.0/24 192.0.2.1 true ||
    die "a's own LSBs and the probe did not bring 192.0.2.1 back up"
echo "3. a's packets (LSBs 0b11), probe answered: 192.0.2.1 up again" \
    "(probes $(xtr_counter c rloc_probe_sent), confirmed $(xtr_counter c lsb_confirmed))"
dp_alive
echo "dp_lsb: ok"
