#!/bin/bash
# dp_lsb.sh: RLOC liveness (RFC 9300 §10, locator-status-bits).  Site a
# has two RLOCs (IPv4 first, IPv6 second).  A LISP data packet from a's
# IPv4 RLOC to xTR c with L set and LSBs 0b10 (IPv4 RLOC down) marks that
# RLOC down in c's map-cache: c's next packet to a goes to the IPv6 RLOC.
# a's own packets (LSBs 0b11) bring it back up.
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

# lsb_packet LSB: from a's IPv4 RLOC to c, inner 10.1.0.10 -> 10.3.0.10
lsb_packet() {
	dp_in a "$PY" - "$1" <<-'PY'
	import socket, struct, sys
	lsb = int(sys.argv[1], 0)
	udp = struct.pack("!HHHH", 9, 9, 12, 0) + b"lsb!"
	ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0x4000,
	                 64, 17, 0, socket.inet_aton("10.1.0.10"),
	                 socket.inet_aton("10.3.0.10"))
	s = sum(struct.unpack("!10H", ip))
	s = (s & 0xffff) + (s >> 16); s = (s & 0xffff) + (s >> 16)
	ip = ip[:10] + struct.pack("!H", ~s & 0xffff) + ip[12:]
	hdr = struct.pack("!BBBBI", 0xc0, 1, 2, 3, lsb)   # N, L; nonce; LSBs
	so = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	so.bind(("192.0.2.1", 0))
	so.sendto(hdr + ip + udp, ("192.0.2.3", 4341))
	PY
}

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
dp_in hc ping -c 2 -i 0.2 -W 2 10.1.0.10 >/dev/null || die "c cannot reach a"
[ "$(up c 10.1.0.0/24 192.0.2.1)" = true ] || die "a's IPv4 RLOC not up at c"
lsb_packet 0x2
xtr_wait 5 is_up c 10.1.0.0/24 192.0.2.1 false ||
    die "LSBs 0b10 did not mark 192.0.2.1 down at c: $(xtr_ctl c map-cache)"
echo "c: 192.0.2.1 down, 2001:db8:ffff::1 $(up c 10.1.0.0/24 2001:db8:ffff::1)"
ip netns exec "${PFX}br" tcpdump -i br0 -U --immediate-mode -c 1 \
    -w "$RUN/first.pcap" "udp dst port 4341 and (src host 192.0.2.3 or src host 2001:db8:ffff::3)" \
    >/dev/null 2>"$RUN/tcpdump.err" &
CAP=$!
XTR_PIDS="$XTR_PIDS $CAP"
xtr_wait 10 grep -q "listening on" "$RUN/tcpdump.err" || die "tcpdump did not start"
dp_in hc ping -c 1 -W 2 10.1.0.10 >/dev/null || die "c cannot reach a any more"
xtr_wait 5 sh -c "! kill -0 $CAP 2>/dev/null" || die "nothing captured"
outer=$(tcpdump -nr "$RUN/first.pcap" 2>/dev/null | awk '{print $2}')
[ "$outer" = IP6 ] || die "c's first packet went out over '$outer', not IPv6"
echo "c's next packet to a went to the IPv6 RLOC"
xtr_wait 5 is_up c 10.1.0.0/24 192.0.2.1 true ||
    die "a's own LSBs did not bring 192.0.2.1 back up"
echo "a's packets (LSBs 0b11) brought it back: lsb updates $(xtr_counter c dp_lsb_update)"
echo "dp_lsb: ok"
