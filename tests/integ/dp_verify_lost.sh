#!/bin/bash
# dp_verify_lost.sh: the source check's queue (issue 15 finding 5) holds a
# moved guest's stream through one lost Map-Request (issue 18, the bench
# at 5 % WAN loss).  c maps the guest 10.1.0.5/32 to a; the guest moves to
# b, which sends c 500 datagrams/s of 1000 bytes from it (inner 10.1.0.5
# -> hc, outer 192.0.2.2: not an RLOC of c's cached mapping).  c holds
# them and asks the mapping system; that first Map-Request is lost (the
# MS/MR's port on the underlay bridge is down until c has sent it),
# the next goes a second later (RFC 9301 §5.3: one a second per
# EID-prefix).  Every datagram must reach hc.  Before, the per-source
# queue held 256 packets (miss_queue_prefix): ~0.5 s of this stream, the
# rest of the second dropped (dp_drop_src_unverified).  hc keeps the
# default socket buffer (net.core.rmem_default, ~208 KiB): c releases what
# it held paced (hold_release_pps), not at once; before, the ~500
# datagrams it held arrived in one burst and hc lost two thirds of them
# (UDP RcvbufErrors, printed).  RCVBUF=bytes gives hc a bigger buffer.
# Arguments: none.  Environment: BIN (default build/bin), RATE (default
# 500), COUNT (default 1500), RCVBUF (default: the system's), KEEP_RUN=1.
# Namespaces: dvl-*.  Run directory: build/dp_verify_lost.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dvl-
RUN=$PWD/build/dp_verify_lost
DP_SITES="a:1 b:2 c:3"
RATE=${RATE:-500}
COUNT=${COUNT:-1500}
RCVBUF=${RCVBUF:-0}
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

# ms_port up|down: the MS/MR's port on the underlay bridge (p1: the
# first node of dp_topology's xtr_net)
ms_port() {
	ip -n "${PFX}br" link set p1 "$1"
}

# requests: the Map-Requests c sent for the guest (its timeline)
requests() {
	xtr_jq c '[.events[] | select(.event == "map-request-sent" and
	    .eid == "10.1.0.5/32")] | length' timeline
}

# asked: c sent one since the stream began
asked() {
	[ "$(requests)" -gt "$REQ0" ]
}

received() {
	[ "$(sort -un "$RUN/hc.txt" | wc -l)" -ge "$COUNT" ]
}

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
h_in hc "$PY" -u -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if int(sys.argv[1]):
    s.setsockopt(socket.SOL_SOCKET, 33, int(sys.argv[1]))  # SO_RCVBUFFORCE
s.bind(("0.0.0.0", 9999))
while True:
    d, a = s.recvfrom(2048)
    print(d.split(b" ", 1)[0].decode(errors="replace"), flush=True)
' "$RCVBUF" >"$RUN/hc.txt" 2>&1 &
XTR_PIDS="$XTR_PIDS $!"
xtr_ctl a add 10.1.0.5/32 >/dev/null
xtr_wait 10 xtr_has_reg ms 10.1.0.5/32 192.0.2.1 ||
    die "10.1.0.5/32 not registered from a"
xtr_ctl c resolve 10.1.0.5/32 >/dev/null
xtr_wait 5 xtr_cached c 10.1.0.5/32 192.0.2.1 ||
    die "c does not map the guest to a"

# the move: b holds the guest now, c still maps it to a
xtr_ctl a remove 10.1.0.5/32 moved-to 192.0.2.2 >/dev/null
xtr_ctl b add 10.1.0.5/32 >/dev/null
xtr_wait 10 xtr_has_reg ms 10.1.0.5/32 192.0.2.2 ||
    die "10.1.0.5/32 not registered from b"
xtr_cached c 10.1.0.5/32 192.0.2.1 || die "c's mapping changed before the test"

# c's first Map-Request is lost: the MS/MR unreachable until c sent it
REQ0=$(requests)
ms_port down
dp_in b "$PY" - "$RATE" "$COUNT" >"$RUN/sender.txt" 2>&1 <<-'PY' &
import socket, sys, time
sys.path.insert(0, "tests/xtr")
import lispcraft as lc
rate, count = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.2", 0))
t0 = time.monotonic()
for i in range(count):
    d = t0 + i / rate - time.monotonic()
    if d > 0:
        time.sleep(d)
    pay = (b"%d " % i).ljust(1000, b".")
    s.sendto(lc.lisp_data(lc.inner_udp("10.1.0.5", "10.3.0.10", pay,
             9999, 9999)), ("192.0.2.3", 4341))
print("sent %d in %.2f s" % (count, time.monotonic() - t0))
PY
TX=$!
xtr_wait 10 asked || die "c sent no Map-Request for the moved source"
ms_port up
LOST=$(( $(requests) - REQ0 ))
wait "$TX" || die "the sender failed"
cat "$RUN/sender.txt"
xtr_wait 10 received || true
got=$(sort -un "$RUN/hc.txt" | wc -l)
# shellcheck disable=SC2016 # awk's program
rcvbuf=$(h_in hc awk '/^Udp:/ && $NF ~ /^[0-9]+$/ { print $6 }' /proc/net/snmp)
echo "hc received $got of $COUNT; c held $(xtr_counter c dp_src_held)," \
    "delivered $(xtr_counter c dp_src_verified), dropped" \
    "$(xtr_counter c dp_drop_src_unverified) unverified," \
    "$(xtr_counter c dp_drop_src_spoofed) as spoofed; Map-Requests lost" \
    "$LOST; hc's UDP receive buffer errors $rcvbuf"
if [ "$got" != "$COUNT" ]; then
	echo "missing: $(sort -un "$RUN/hc.txt" | awk -v n="$COUNT" '
	    { seen[$1] = 1 } END { for (i = 0; i < n; i++) if (!(i in seen)) {
	    if (s == "") s = i; if ((i + 1) in seen || i + 1 == n) {
	    printf "%d-%d ", s, i; s = "" } } }')"
	xtr_jq c '.counters | to_entries[] | select(.value != 0 and
	    (.key | test("drop|src|tun|decap"))) | "  c \(.key) \(.value)"' \
	    counters
fi
[ "$got" = "$COUNT" ] ||
    die "$((COUNT - got)) datagrams lost through one lost Map-Request"
xtr_jq c '.events[] | select(.eid == "10.1.0.5/32") |
    "  c \(.t_us) \(.event) \(.detail)"' timeline
[ "$(xtr_counter c dp_src_held)" -ge "$RATE" ] ||
    die "c held less than a second of the stream: no lost Map-Request?"
xtr_cached c 10.1.0.5/32 192.0.2.2 || die "c does not map the guest to b"
dp_alive
echo "dp_verify_lost: ok"
