#!/bin/bash
# dp_public_internet.sh: RFC 9300 §4.1, "on the public Internet, xTRs:
# MUST set the N-, L-, E-, and V-bits in the LISP header (Section 5.1) to
# zero" and "MUST NOT use Locator-Status-Bits and Echo-Nonce ... for RLOC
# reachability".  With public_internet = "on", hosts of sites a and c
# ping each other; tshark decodes every captured LISP data packet with N,
# L, E and V clear and no nonce; c takes no locator-status-bits from a
# (dp_lsb_probe stays 0).  The default (off) keeps N and L (dp_basic).
# Before this (xtrd of 2026-11-25) public_internet was no key (a
# configuration error) and every packet had N and L set.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dppi-*.  Run directory: build/dp_public_internet.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dppi-
RUN=$PWD/build/dp_public_internet
DP_SITES="a:1 c:3"
DP_EXTRA_CONF='public_internet = "on"'
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

flags() {
	tshark -r "$RUN/u.pcap" -d udp.port==4341,lisp-data -T fields \
	    -E separator='|' -e lisp-data.flags.nonce -e lisp-data.flags.lsb \
	    -e lisp-data.flags.enr -e lisp-data.flags.mv 2>/dev/null
}

dp_need
command -v tshark >/dev/null || skip "needs tshark"
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
xtr_capture "${PFX}br" br0 "$RUN/u.pcap" -s 256 udp port 4341
out=$(dp_in ha ping -c 3 -i 0.2 -W 3 10.3.0.10 2>&1) ||
    die "ping ha -> hc failed: $out"
out=$(dp_in hc ping -c 3 -i 0.2 -W 3 10.1.0.10 2>&1) ||
    die "ping hc -> ha failed: $out"
xtr_capture_stop 5 bash -c "[ \$(tshark -r '$RUN/u.pcap' -d udp.port==4341,lisp-data 2>/dev/null | wc -l) -ge 12 ]"
flags | sort | uniq -c
n=$(flags | wc -l)
[ "$n" -ge 12 ] || die "only $n LISP data packets captured"
bad=$(flags | grep -v -c '^\(0\|False\)|\(0\|False\)|\(0\|False\)|\(0\|False\)$' || true)
[ "$bad" = 0 ] || die "$bad of $n packets with N, L, E or V set"
[ "$(xtr_jq c '.counters.dp_lsb_probe // 0' counters)" = 0 ] ||
    die "c used locator-status-bits: dp_lsb_probe $(xtr_jq c '.counters.dp_lsb_probe' counters)"
echo "dp_public_internet: ok ($n packets, N L E V all clear)"
