#!/bin/bash
# dp_iid.sh: the instance-ID (RFC 9300 §5.3, I bit).  Sites a and b and
# the PxTR carry instance_id 7: hosts reach each other, tshark decodes the
# I bit and IID 7 in the data packets.  Then b's xtrd is restarted with
# instance_id 8: what a sends it is refused (drop_iid), not delivered.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dpi<pid>-*.  Run directory: build/dp_iid.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dpi-
RUN=$PWD/build/dp_iid
DP_SITES="a:1 b:2"
DP_EXTRA_CONF='instance_id = 7'
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

capture() {
	command -v tcpdump >/dev/null && command -v tshark >/dev/null || return 0
	xtr_capture "${PFX}br" br0 "$RUN/u.pcap" -s 256 udp port 4341
}

check_tshark() {
	local f
	[ -n "${CAP_PID:-}" ] || { echo "no tcpdump/tshark: check skipped"; return 0; }
	xtr_capture_stop 10 sh -c "tshark -r '$RUN/u.pcap' \
	    -d udp.port==4341,lisp-data -Y 'lisp-data.iid == 7' 2>/dev/null |
	    grep -q ."
	f=$(tshark -r "$RUN/u.pcap" -d udp.port==4341,lisp-data -T fields \
	    -e lisp-data.flags.iid -e lisp-data.iid 2>/dev/null | sort -u)
	echo "tshark I flag / IID: $f"
	grep -qE '^(1|True)\s+7$' <<<"$f" || die "no LISP data packet with IID 7"
}

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
capture
dp_in ha ping -c 3 -i 0.2 -W 2 10.2.0.10 >/dev/null || die "a -> b with IID 7"
dp_in hb ping -c 3 -i 0.2 -W 2 2001:db8:1::10 >/dev/null || die "b -> a with IID 7"
check_tshark
# b in instance 8 now: a's packets (IID 7) are refused
pid=$(pgrep -f "xtrd -d -v -f $RUN/b.conf" | head -1)
kill "$pid"
xtr_wait 5 sh -c "! kill -0 $pid 2>/dev/null" || die "b did not exit"
sed -i 's/^instance_id = 7$/instance_id = 8/' "$RUN/b.conf"
xtr_start b "$RUN/b.conf"
xtr_wait 10 xtr_registered b || die "b not registered again"
if dp_in ha ping -c 2 -i 0.3 -W 1 10.2.0.10 >/dev/null 2>&1; then
	die "b delivered packets of another instance"
fi
[ "$(xtr_counter b dp_drop_iid)" -gt 0 ] || die "b did not count drop_iid"
echo "b (IID 8) refused $(xtr_counter b dp_drop_iid) packets of IID 7"
echo "dp_iid: ok"
