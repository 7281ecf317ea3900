#!/bin/bash
# xtr_pending_cap.sh: issue 15 finding 9, a bounded pending set.  The ITR
# keeps at most 4096 outstanding Map-Requests (xtr/cp/itr_resolve.c
# PENDING_MAX), the oldest given up first and counted
# (drop_pending_evicted).
#   The Map-Requests that can pile up are the ones nobody answers: the
#   Map-Server forwards them to an ETR that is silent.  A registration of
#   10.7.0.0/16 is crafted (lispcraft, with the site key, sent as if from
#   192.0.2.77, an RLOC the MS's namespace routes to a black hole): every
#   Map-Request for an EID in it goes there and is never answered.  Then B, a decap_peers Dom0 of A,
#   sends A 12000 encapsulated packets (about 2000 a second) to an EID A
#   does not serve, each from a new inner source 10.7.X.Y: A asks for each
#   source's mapping (dp_decap.c prefetch_src), and retransmits each
#   request (map_request_retries) for some 15 s.
#   - Asserted: in the 4 s after the flood, when no new request starts and
#     only the outstanding ones are retransmitted, A's Map-Requests (seen
#     on the wire, ECMs to the Map-Resolver, decoded here) name at most
#     4096 distinct flood EIDs; drop_pending_evicted counted one given up
#     for each request past the cap; A still runs, and resolves a legitimate EID (lig of C's
#     10.3.0.10 names 192.0.2.3) and its host pings C's.
#   Before the cap (67003ba: a list, no bound) the same window shows every
#   request of the last seconds still outstanding (several thousand more
#   than 4096) and no drop_pending_evicted counter.
# Arguments: none.  Environment: BIN, KEEP_RUN, FLOOD (default 12000),
# RATE (per second, default 2000).
# Namespaces: pc<pid>-*.  Run directory: build/xtr_pending_cap.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=pc-
RUN=$PWD/build/xtr_pending_cap
FLOOD=${FLOOD:-12000}
RATE=${RATE:-2000}
CAP=4096
KEY=dc-key-Zq3V9mXp7LtR2wK
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

# an xtrd from before decap_peers (67003ba) decapsulates from anyone
probe_peers() {
	local out

	mkdir -p "$RUN"
	printf "role = \"xtr\"\nrlocs = [ '192.0.2.1' ]\ndecap_peers = [ '192.0.2.2' ]\n" \
	    >"$RUN/probe.conf"
	out=$("$BIN/xtrd" -n -f "$RUN/probe.conf" 2>&1 || true)
	if grep -q decap_peers <<<"$out"; then
		echo "(this xtrd has no decap_peers)"
		DP_PEERS=none
	else
		DP_PEERS=yes
	fi
}

cnt() {
	local v
	v=$(xtr_counter "$1" "$2")
	[ "$v" = null ] && v=0
	echo "$v"
}

# B floods A: FLOOD packets, RATE a second, each from a new 10.7.X.Y to
# 10.9.9.9; prints the wall-clock time the last one left
flood() {
	dp_in b "$PY" - "$FLOOD" "$RATE" <<-'EOP'
	import socket, sys, time
	sys.path.insert(0, "tests/xtr")
	import lispcraft
	n, rate = int(sys.argv[1]), float(sys.argv[2])
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	t0 = time.monotonic()
	for i in range(n):
	    src = "10.7.%d.%d" % (1 + i // 250, 1 + i % 250)
	    s.sendto(lispcraft.lisp_data(lispcraft.inner_udp(src, "10.9.9.9")),
	             ("192.0.2.1", 4341))
	    ahead = t0 + (i + 1) / rate - time.monotonic()
	    if ahead > 0:
	        time.sleep(ahead)
	print("%.6f" % time.time())
	EOP
}

# FILE SINCE: distinct 10.7/16 EIDs in A's ECM Map-Requests captured at or
# after wall-clock time SINCE (RFC 9301 §5.8 ECM, §5.2 Map-Request)
distinct_since() {
	"$PY" - "$1" "$2" <<-'EOP'
	import struct, sys
	sys.path.insert(0, "tests/xtr")
	import lispcraft
	f, since = open(sys.argv[1], "rb"), float(sys.argv[2])
	magic = struct.unpack("<I", f.read(24)[:4])[0]
	div = 1e9 if magic == 0xa1b23c4d else 1e6
	seen = set()
	while True:
	    h = f.read(16)
	    if len(h) < 16:
	        break
	    sec, frac, incl, _ = struct.unpack("<IIII", h)
	    b = f.read(incl)
	    if sec + frac / div < since or len(b) < 14 + 20 + 8 + 4 + 28:
	        continue
	    if struct.unpack("!H", b[12:14])[0] != 0x0800:
	        continue
	    o = 14 + (b[14] & 15) * 4 + 8          # outer IPv4, UDP
	    if b[o] >> 4 != 8:                      # ECM
	        continue
	    o += 4
	    o += (b[o] & 15) * 4 + 8                # inner IPv4, UDP
	    try:
	        d = lispcraft.decode(b[o:])
	    except (ValueError, struct.error, IndexError):
	        continue
	    for r in d.get("records", []):
	        if d["type"] == 1 and r["eid"].startswith("10.7."):
	            seen.add(r["eid"])
	print(len(seen))
	EOP
}

after() {	# T: the wall clock is past T
	"$PY" -c "import sys, time; sys.exit(time.time() <= $1)"
}

dp_need
command -v tcpdump >/dev/null || skip "needs tcpdump"
trap xtr_cleanup EXIT
rm -rf "$RUN"
probe_peers
DP_SITES="a:1 b:2 c:3"
dp_topology

# the silent ETR: 10.7.0.0/16 registered at 192.0.2.77, a black hole (a
# route that discards at once: an address nobody answers ARP for would
# fill the MS's send buffer with datagrams waiting for a neighbour)
h_in ms ip route add blackhole 192.0.2.77/32
dp_in b "$PY" tests/xtr/lispcraft.py 192.0.2.100 map-register \
    eid=10.7.0.0/16 rloc=192.0.2.77 key="$KEY" ttl=60 spoof=192.0.2.77
xtr_wait 10 xtr_has_reg ms 10.7.0.0/16 192.0.2.77 ||
    die "the silent ETR's 10.7.0.0/16 not registered"

xtr_capture "${PFX}br" br0 "$RUN/mr.pcap" -B 32768 -s 160 \
    udp dst port 4342 and src host 192.0.2.1 and dst host 192.0.2.100
ev0=$(cnt a drop_pending_evicted)
end=$(flood)
echo "flood: $FLOOD sources from B, ended at $end"
# only retransmissions from here on; stop once the window is over
xtr_capture_stop 15 after "$(awk "BEGIN { printf \"%.6f\", $end + 4.5 }")"
kill -0 "$(pgrep -f "xtrd -d -v -f $RUN/a.conf" | head -1)" 2>/dev/null ||
    die "A's xtrd died"
all=$(distinct_since "$RUN/mr.pcap" 0)
n=$(distinct_since "$RUN/mr.pcap" "$(awk "BEGIN { printf \"%.6f\", $end + 0.3 }")")
ev=$(( $(cnt a drop_pending_evicted) - ev0 ))
echo "asked for: $all distinct flood EIDs; outstanding after the flood: $n asked for again (cap $CAP); drop_pending_evicted +$ev; map_request_retransmit $(cnt a map_request_retransmit)"
[ "$all" -gt "$CAP" ] || die "A asked for $all flood EIDs only, the cap was not reached"
[ "$n" -gt 0 ] || die "no retransmission seen: the capture or the flood failed"
[ "$n" -le "$CAP" ] || die "$n Map-Requests outstanding after the flood, more than $CAP"
# each request past the cap gave one up (a tenth of slack for any that
# timed out meanwhile on a slow run)
if [ "$ev" -lt $(( (all - CAP) * 9 / 10 )) ] || [ "$ev" -eq 0 ]; then
	die "drop_pending_evicted moved by $ev for $all requests"
fi

# legitimate resolution still works
xtr_ctl a lig 10.3.0.10 | tee "$RUN/lig.txt"
grep -Eq "^ +192\\.0\\.2\\.3 " "$RUN/lig.txt" || die "A's lig of C's EID did not name C"
dp_in ha ping -c 3 -i 0.3 -W 2 10.3.0.10 >/dev/null || die "A's host cannot reach C's"
echo "xtr_pending_cap: ok"
