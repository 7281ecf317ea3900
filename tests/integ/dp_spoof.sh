#!/bin/bash
# dp_spoof.sh: nobody on the underlay can inject packets into a site
# (issue 15, finding 5).  The attacker (192.0.2.66, no key) sends LISP
# data straight to xTR a with an inner source of another site's EID
# (hc's 10.3.0.10) and of a non-EID (198.51.100.77), and to the PxTR p
# for the non-LISP host n with hc's EID as inner source; none of it may
# reach ha or n (a listener counts what arrives), each must be counted
# (a: dp_drop_src_spoofed; p, which proxies only for a: pxtr_allow,
# dp_drop_pxtr_acl), and hc's own datagrams to ha, and ha's to n, must
# still arrive.  On the old code a delivered the attacker's datagrams to
# ha, p to n.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dps<pid>-*.  Run directory: build/dp_spoof.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dps-
RUN=$PWD/build/dp_spoof
DP_SITES="a:1 c:3"
DP_P_EXTRA_CONF=${DP_P_EXTRA_CONF-"pxtr_allow = [ '192.0.2.1', '2001:db8:ffff::1' ]"}
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

# listen NODE FILE: count UDP datagrams to port 9999 in NODE, one line each
listen() {
	ip netns exec "${PFX}$1" "$PY" -u -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9999))
while True:
    d, a = s.recvfrom(2048)
    print(a[0], d.decode(errors="replace"), flush=True)
' >"$2" 2>&1 &
	XTR_PIDS="$XTR_PIDS $!"
}

# attack DEST INNER-SRC INNER-DST TAG: one LISP data packet from 192.0.2.66
attack() {
	ip netns exec "${PFX}x" "$PY" - "$@" <<-'PY'
	import socket, sys
	sys.path.insert(0, "tests/xtr")
	import lispcraft as lc
	dest, src, dst, tag = sys.argv[1:5]
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	for _ in range(3):
	    s.sendto(lc.lisp_data(lc.inner_udp(src, dst, tag.encode(), 9999,
	                                        9999)), (dest, 4341))
	PY
}

# send NODE DST TAG: a datagram from a site host, as hosts send them
send() {
	ip netns exec "${PFX}$1" "$PY" -c '
import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(
    sys.argv[2].encode(), (sys.argv[1], 9999))' "$2" "$3"
}

got() { grep -q "$2" "$1"; }

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
dp_attacker
listen ha "$RUN/ha.txt"
listen n "$RUN/n.txt"
dp_in hc ping -c 2 -i 0.2 -W 2 10.1.0.10 >/dev/null || die "hc cannot reach ha"
dp_in ha ping -c 2 -i 0.2 -W 2 198.51.100.10 >/dev/null ||
    die "ha cannot reach n through the PxTR"

attack 192.0.2.1 10.3.0.10 10.1.0.10 spoofed-eid
attack 192.0.2.1 198.51.100.77 10.1.0.10 spoofed-noneid
attack 192.0.2.50 10.3.0.10 198.51.100.10 spoofed-pxtr
send hc 10.1.0.10 real-hc-to-ha
send ha 198.51.100.10 real-ha-to-n
xtr_wait 5 got "$RUN/ha.txt" real-hc-to-ha || die "hc's datagram did not reach ha"
xtr_wait 5 got "$RUN/n.txt" real-ha-to-n || die "ha's datagram did not reach n"
# the non-EID source is refused once its (negative) mapping is in
xtr_wait 5 sh -c "[ \$($BIN/xtrctl -s $RUN/a.sock --json counters |
    jq .counters.dp_drop_src_spoofed) -ge 4 ]" || true
echo "ha got: $(tr '\n' ';' < "$RUN/ha.txt")"
echo "n got: $(tr '\n' ';' < "$RUN/n.txt")"
got "$RUN/ha.txt" spoofed && die "the attacker's datagrams reached ha"
got "$RUN/n.txt" spoofed && die "the attacker's datagram reached n through the PxTR"
sa=$(xtr_counter a dp_drop_src_spoofed)
sp=$(xtr_counter p dp_drop_pxtr_acl)
echo "refused: a $sa (dp_drop_src_spoofed), p $sp (dp_drop_pxtr_acl)"
[ "$sa" != null ] && [ "$sa" -ge 4 ] || die "a counted $sa spoofed packets, not 6"
[ "$sp" != null ] && [ "$sp" -ge 1 ] || die "p counted $sp packets outside pxtr_allow"

dp_alive
dp_in hc ping -c 2 -i 0.2 -W 2 10.1.0.10 >/dev/null ||
    die "hc cannot reach ha after the attack"
echo "dp_spoof: ok"
