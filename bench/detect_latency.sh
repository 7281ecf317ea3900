#!/bin/bash
# detect_latency.sh: how long from a migrated guest's gratuitous ARP on the
# wire to our Map-Register on the wire.  Both instants are capture
# timestamps from one tcpdump in the destination Dom0's namespace (-i any:
# the ARP as it enters vif<id>.0, the Map-Register as it leaves eth0), so
# they share one clock.  Each run replays the destination side of `xl
# migrate` on the real xenstored fixture (web1--incoming, vif, rename),
# the guest sends one gratuitous ARP, migrated tells xtrd, xtrd registers;
# then the domain is destroyed and the EID withdrawn before the next run.
# Prints every delta and the median, p90, min and max (goal: median
# <= 1 ms), plus migrated's own announcement -> register-sent times.
#
# Usage: bench/detect_latency.sh [RUNS]   (default 30)
# Environment: BIN (build/bin), KEEP_RUN=1 keeps build/detect_latency,
#   BENCH_RT=1 (default) runs migrated and the xtrds of dst and the MS
#   under SCHED_FIFO (chrt -f 20), so that other jobs on a small shared
#   machine do not decide the result; BENCH_RT=0 leaves them as they are.
# Needs root, a built tree (make), tcpdump, jq, python3.
# Namespaces: dl-*.
set -eu -o pipefail
cd "$(dirname "$0")/.."
PFX=dl-
RUN=$PWD/build/detect_latency
RUNS=${1:-30}
. tests/tools/mig_lib.sh

MAC=00:16:3e:00:00:05
EID=198.51.100.5/32

one_run() {
	local d=$1 uuid=$2
	mig_vif dst "$d" 0 "$MAC"
	xs_host dst
	xlr_dest_create web1 "$d" "$uuid"
	xlr_dest_restore "$d" "$MAC" xenbr0
	xlr_dest_go web1 "$d"
	sleep 0.2
	mig_guest dst "$d" -t garp -a 198.51.100.5 >/dev/null
	xtr_wait 5 mig_db_registered dst "$EID" || mig_fail "run $d: not registered"
	xtr_wait 5 test -n "$(mig_event dst web1 smr-sent)" || true
	# shellcheck disable=SC2016  # jq variables, not shell ones
	mig_jq dst '[.migrations[] | select(.domain == "web1")] | last | .events as $e | (($e[] | select(.event == "register-sent") | .t_us) - ($e[] | select(.event == "announcement") | .t_us))' migrations 2>/dev/null |
	    head -n1 >>"$RUN/internal.txt" || true
	xs_domain_destroy "$d"
	xtr_wait 5 mig_not mig_db_registered dst "$EID" || true
	sleep 0.3
	ip -n "${PFX}dst" link del "vif$d.0" 2>/dev/null || true
}

analyse() {
	python3 - "$RUN/dst.pcap" <<-'PY'
	import struct, sys, statistics
	f = open(sys.argv[1], "rb")
	magic, = struct.unpack("<I", f.read(4))
	hdr = f.read(20)
	linktype, = struct.unpack("<I", hdr[16:20])
	nano = magic in (0xa1b23c4d,)
	# -i any: LINUX_SLL (113, protocol at 14, 16 bytes) or SLL2 (276,
	# protocol at 0, 20 bytes)
	poff, hlen = (0, 20) if linktype == 276 else (14, 16)
	garp, regs = [], []
	while True:
	    h = f.read(16)
	    if len(h) < 16: break
	    s, us, incl, orig = struct.unpack("<IIII", h)
	    p = f.read(incl)
	    t = s + us / (1e9 if nano else 1e6)
	    if len(p) < hlen: continue
	    proto, = struct.unpack(">H", p[poff:poff + 2])
	    b = p[hlen:]
	    if proto == 0x0806 and len(b) >= 28:
	        if b[14:18] == b[24:28] and b[14:18] == bytes([198, 51, 100, 5]):
	            garp.append(t)
	    elif proto == 0x0800 and len(b) >= 29 and b[9] == 17:
	        ihl = (b[0] & 15) * 4
	        dport, = struct.unpack(">H", b[ihl + 2:ihl + 4])
	        if dport == 4342 and len(b) > ihl + 8 and b[ihl + 8] >> 4 == 3:
	            regs.append(t)
	d = []
	used = -1
	for g in sorted(set(garp)):
	    if d and g - d[-1][0] < 0.05: continue   # same frame on 2 ifaces
	    nxt = [r for r in regs if r >= g]
	    if not nxt: continue
	    d.append((g, nxt[0] - g))
	lat = [x[1] * 1e6 for x in d if x[1] < 1.0]
	for x in lat: print("garp->map-register %.0f us" % x)
	if not lat: sys.exit("no GARP/Map-Register pairs captured")
	lat.sort()
	p90 = lat[min(len(lat) - 1, int(len(lat) * 0.9))]
	print("runs %d  median %.0f us  p90 %.0f us  min %.0f us  max %.0f us"
	      % (len(lat), statistics.median(lat), p90, lat[0], lat[-1]))
	PY
}

command -v tcpdump >/dev/null || skip "needs tcpdump"
mig_need
[ -z "$MIG_FAKE" ] || skip "needs the real xtrd (make)"
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
MIG_NOTIFY_WAIT_MS=1000
mig_setup
ip netns exec "${PFX}dst" tcpdump -i any -U -n -s 128 -w "$RUN/dst.pcap" \
    'arp or (udp port 4342)' >/dev/null 2>&1 &
XTR_PIDS="$XTR_PIDS $!"
TCPDUMP=$!
sleep 1
if [ "${BENCH_RT:-1}" = 1 ] && command -v chrt >/dev/null; then
	for ns in "${PFX}dst" "${PFX}ms"; do
		for p in $(ip netns pids "$ns"); do
			case $(cat /proc/"$p"/comm 2>/dev/null) in
			migrated|xtrd) chrt -f -p 20 "$p" ;;
			esac
		done
	done
	echo "migrated and xtrd run SCHED_FIFO 20 (BENCH_RT=0 to disable)"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
uuid=$(cat /proc/sys/kernel/random/uuid)
for i in $(seq 1 "$RUNS"); do
	one_run $((10 + i)) "$uuid"
done
sleep 0.5
kill -INT "$TCPDUMP"
sleep 0.5
echo "== on the wire (tcpdump timestamps)"
analyse | tee "$RUN/result.txt"
echo "== inside migrated (announcement -> xtrd answered database/add), us"
sort -n "$RUN/internal.txt" | awk '{a[NR]=$1} END {if (NR) print "median", a[int((NR+1)/2)], "min", a[1], "max", a[NR]}'
