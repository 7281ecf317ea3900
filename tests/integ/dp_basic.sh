#!/bin/bash
# dp_basic.sh: the data plane end to end.  Three xTRs (a, b, c), each with
# a host behind its site bridge, a PxTR (p) with a non-LISP host (n), and
# an MS/MR, all xtrd in their own network namespaces.  Checks:
#   - ping between the sites' hosts over IPv4 and IPv6 EIDs, over IPv4 and
#     IPv6 RLOCs (c has only an IPv6 one), with no loss on first contact (the miss queue holds the packets
#     while the Map-Request is out);
#   - a TCP transfer (iperf3) site to site, and from the non-LISP host
#     through the PxTR;
#   - tshark decodes the captured UDP 4341 packets as LISP data with the
#     expected inner addresses;
#   - PMTU: a too-big DF packet gets "fragmentation needed" / "packet too
#     big", from the kernel at the TUN (1464) and from xtrd for the IPv6
#     RLOC path (1444), and TCP still flows;
#   - on exit xtrd removes the TUN and its routes.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dpb-*.  Run directory: build/dp_basic.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dpb-
RUN=$PWD/build/dp_basic
DP_V6SITES=c		# c: IPv6 RLOC only; a, b: IPv4 and IPv6
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

start_capture() {
	command -v tcpdump >/dev/null || return 0
	xtr_capture "${PFX}br" br0 "$RUN/u.pcap" -s 256 udp port 4341
}

# first_contact FROM TO: 3 pings, the first one included, must all answer
first_contact() {
	local out
	out=$(dp_in "$1" ping -c 3 -i 0.2 -W 3 "$2" 2>&1) ||
	    die "ping $1 -> $2 failed: $out"
	grep -q ' 0% packet loss' <<<"$out" ||
	    die "ping $1 -> $2 lost packets on first contact: $out"
	echo "ping $1 -> $2: $(echo "$out" | tail -1)"
}

check_pings() {
	first_contact ha 10.2.0.10
	first_contact hb 10.3.0.10
	first_contact hc 10.1.0.10
	first_contact ha 2001:db8:2::10
	first_contact hb 2001:db8:3::10
	first_contact hc 2001:db8:1::10
	first_contact n 10.1.0.10
	first_contact n 2001:db8:2::10
	first_contact ha 198.51.100.10
	xtr_ctl a map-cache
}

# tcp FROM SERVERHOST ADDR: a 2-second iperf3 transfer
tcp() {
	local out bytes
	dp_in "$2" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	sleep 0.5
	out=$(dp_in "$1" iperf3 -c "$3" -p 5201 -t 2 -J) ||
	    die "iperf3 $1 -> $3 failed"
	bytes=$(echo "$out" | jq '.end.sum_received.bytes')
	[ "$bytes" -gt 100000 ] || die "iperf3 $1 -> $3: $bytes bytes"
	echo "tcp $1 -> $3: $bytes bytes, $(echo "$out" |
	    jq '.end.sum_received.bits_per_second / 1e6 | floor') Mbit/s"
}

check_tcp() {
	command -v iperf3 >/dev/null || { echo "no iperf3: TCP skipped"; return 0; }
	tcp ha hb 10.2.0.10
	tcp hb ha 2001:db8:1::10
	tcp n hc 10.3.0.10
}

check_pmtu() {
	local out
	# to b: the TUN MTU, 1464, is the limit (kernel's ICMP)
	out=$(dp_in ha ping -c 2 -W 2 -M "do" -s 1472 10.2.0.10 2>&1 || true)
	grep -qE 'mtu ?= ?14[46]4' <<<"$out" ||
	    die "no fragmentation-needed for a 1500-byte packet: $out"
	# to c, over an IPv6 RLOC: 1444 (xtrd's ICMP / ICMPv6)
	out=$(dp_in ha ping -c 2 -i 0.3 -W 2 -M "do" -s 1436 10.3.0.10 2>&1 || true)
	grep -qE 'mtu ?= ?1444' <<<"$out" ||
	    die "no fragmentation-needed (1444) over the IPv6 RLOC: $out"
	echo "pmtu v4: $(echo "$out" | grep -E 'mtu' | head -1)"
	dp_in ha ping -c 1 -W 2 -M "do" -s 1416 10.3.0.10 >/dev/null ||
	    die "a 1444-byte packet does not pass over the IPv6 RLOC"
	out=$(dp_in ha ping -c 2 -i 0.3 -W 2 -s 1400 2001:db8:3::10 2>&1 || true)
	grep -qE 'mtu ?= ?1444|too big' <<<"$out" ||
	    die "no packet-too-big (1444) over the IPv6 RLOC: $out"
	echo "pmtu v6: $(echo "$out" | grep -iE 'mtu|big' | head -1)"
	dp_in ha ping -c 1 -W 2 -s 1396 2001:db8:3::10 >/dev/null ||
	    die "a 1444-byte IPv6 packet does not pass"
	[ "$(xtr_counter a dp_pmtu_icmp)" -gt 0 ] || die "xtrd sent no ICMP"
}

# tshark_pairs: tshark decodes, in the capture as it is written, a LISP
# data packet for each inner pair pinged, over IPv4 and IPv6 outer headers
tshark_pairs() {
	tshark -r "$RUN/u.pcap" -d udp.port==4341,lisp-data -T fields \
	    -E separator='|' -e frame.protocols -e ip.src -e ip.dst \
	    -e ipv6.src -e ipv6.dst -e lisp-data.flags.nonce \
	    2>/dev/null > "$RUN/u.txt"
	python3 - "$RUN/u.txt" <<-'PY'
	import sys
	want = {("10.1.0.10", "10.2.0.10"), ("10.2.0.10", "10.1.0.10"),
	        ("2001:db8:1::10", "2001:db8:2::10"),
	        ("10.1.0.10", "10.3.0.10"), ("2001:db8:3::10", "2001:db8:1::10"),
	        ("198.51.100.10", "10.1.0.10"),
	        ("2001:db8:100::10", "2001:db8:2::10")}
	seen = set(); outer = set(); n = 0
	for line in open(sys.argv[1]):
	    f = line.rstrip("\n").split("|")
	    protos = f[0].split(":")
	    if "lisp-data" not in protos:
	        continue
	    n += 1
	    i = protos.index("lisp-data")
	    outer.add(protos[i - 2])
	    inner = protos[i + 1] if i + 1 < len(protos) else ""
	    if inner == "ip":
	        seen.add((f[1].split(",")[-1], f[2].split(",")[-1]))
	    elif inner == "ipv6":
	        seen.add((f[3].split(",")[-1], f[4].split(",")[-1]))
	print("tshark: %d LISP data packets, outer %s, inner pairs: %s" %
	      (n, sorted(outer), sorted(seen)))
	missing = want - seen
	if missing:
	    sys.exit("tshark: no LISP data packet for %s" % sorted(missing))
	if outer != {"ip", "ipv6"}:
	    sys.exit("tshark: expected IPv4 and IPv6 outer headers")
	PY
}

check_tshark() {
	[ -n "${CAP_PID:-}" ] || { echo "no tcpdump: tshark check skipped"; return 0; }
	command -v tshark >/dev/null || { echo "no tshark: check skipped"; return 0; }
	xtr_capture_stop 10 tshark_pairs
	tshark_pairs
}

check_counters() {
	local node c
	for node in a b c p; do
		for c in dp_drop_queue_full dp_drop_queue_timeout dp_drop_bad_hdr \
		    dp_drop_not_local dp_drop_tun_write; do
			[ "$(xtr_counter "$node" "$c")" = 0 ] ||
			    die "$node: $c = $(xtr_counter "$node" "$c")"
		done
	done
	echo "a: queued $(xtr_counter a dp_queued), encap $(xtr_counter a dp_encap_tx), decap $(xtr_counter a dp_decap_tx)"
	[ "$(xtr_counter a dp_queued)" -gt 0 ] || die "nothing went through the miss queue"
}

check_cleanup() {
	local pid
	pid=$(pgrep -f "xtrd -d -v -f $RUN/c.conf" | head -1)
	[ -n "$pid" ] || die "no xtrd for c"
	[ -n "$(ip -n "${PFX}c" route show proto 243)" ] ||
	    die "c: no routes of ours"
	kill "$pid"
	xtr_wait 5 sh -c "! ip -n ${PFX}c link show lisp0 >/dev/null 2>&1" ||
	    die "c: lisp0 still there after exit"
	[ -z "$(ip -n "${PFX}c" route show proto 243)" ] || die "c: routes left"
	[ -z "$(ip -n "${PFX}c" -6 route show proto 243)" ] || die "c: v6 routes left"
	echo "cleanup: c's TUN and routes removed on exit"
}

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
start_capture
check_pings
check_tshark
check_tcp
check_pmtu
check_counters
check_cleanup
echo "dp_basic: ok"
