#!/bin/bash
# dp_garp.sh: the anycast gateway never claims a guest's own address.
# A guest (10.1.0.5, 2001:db8:1::5, A's subnets) lands on B's site bridge
# before B serves its EID (xtrd adds it only when migrated sees the
# rename: the guest's first frames come earlier, and B routes the address
# into the TUN then, as it does for every address of the subnet that is
# not here).  B proxies for such addresses (proxy ARP, proxy ND), but must
# not answer what the guest says about itself:
#   - its gratuitous ARP (request, sender IP = target IP, RFC 5227 §2.3)
#   - an ARP probe (sender IP 0.0.0.0, RFC 5227 §2.1.1) for its address
#   - a DAD neighbour solicitation (from ::, RFC 4862 §5.4.2)
# while it still answers the gateway's own address and the guest's
# neighbours left at A (a request from the guest for 10.1.0.10, an NS for
# 2001:db8:1::10).  The same GARP sent to A after A's remove moved-to
# (an away entry: the address routed into A's TUN) gets no answer either.
# Oracle: tshark on a capture of the guest's link.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dpg-*.  Run directory: build/dp_garp.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dpg-
RUN=$PWD/build/dp_garp
DP_SITES="a:1 b:2"
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

VM4=10.1.0.5
VM6=2001:db8:1::5
VM_MAC=00:16:3e:00:00:05
CAP_PID=""

# add_vm NODE: the guest's link on NODE's site bridge (vifvm in NODE)
add_vm() {
	local vm=${PFX}vm
	ip netns add "$vm"
	XTR_NS="$XTR_NS $vm"
	ip link add "${PFX}evm" netns "$vm" type veth peer name vifvm \
	    netns "${PFX}$1"
	ip -n "${PFX}$1" link set vifvm master site0 up
	ip -n "$vm" link set lo up
	ip -n "$vm" link set "${PFX}evm" name eth0
	ip -n "$vm" link set eth0 address "$VM_MAC"
	# the guest's own stack must not answer what we send in its name
	# (nodad, no address): frames are made by garp_send
	ip -n "$vm" link set eth0 up
	vm_up
}

# vm_up: the guest's eth0 has its carrier back (until the kernel's
# linkwatch sees it, what garp_send writes is dropped)
vm_up() {
	xtr_wait 5 sh -c "ip -n '${PFX}vm' link show dev eth0 |
	    grep -q 'state UP'" || die "the guest's eth0 is not up"
}

# capture NAME: tcpdump on the guest's link into RUN/NAME.pcap
capture() {
	xtr_capture "${PFX}vm" eth0 "$RUN/$1.pcap" 'arp or icmp6'
}

# capture_end NAME: once the guest's own frames are in the file (has),
# 1 s more for an answer that must not come (xtrd answers within ms when
# it does), then stop
capture_end() {
	xtr_wait 10 has "$1" || true
	sleep 1
	xtr_capture_stop
}

# count PCAP FILTER: frames of PCAP that match the tshark display FILTER
count() {
	tshark -n -r "$RUN/$1.pcap" -Y "$2" 2>/dev/null | wc -l
}

# has PCAP: the capture holds what the guest sent
has() {
	[ "$(count "$1" "arp.opcode == 1 && arp.src.proto_ipv4 == $VM4 &&
	    arp.dst.proto_ipv4 == $VM4")" -ge 1 ] &&
	[ "$(count "$1" "arp.opcode == 1 && arp.src.proto_ipv4 == 0.0.0.0 &&
	    arp.dst.proto_ipv4 == $VM4")" -ge 1 ] &&
	[ "$(count "$1" "icmpv6.type == 135 && ipv6.src == :: &&
	    icmpv6.nd.ns.target_address == $VM6")" -ge 1 ]
}

# seen PCAP: has, or fail (no vacuous pass)
seen() {
	has "$1" || die "the $1 capture lacks the guest's GARP, probe or DAD"
}

send() {
	dp_in vm "$BIN/garp_send" -i eth0 "$@" >/dev/null ||
	    die "garp_send $*"
}

# the claims: an ARP reply whose sender is the guest's address, an NA
# whose target is the guest's IPv6 address, from the gateway's MAC
CLAIM4="arp.opcode == 2 && arp.src.proto_ipv4 == $VM4"
CLAIM6="icmpv6.type == 136 && icmpv6.nd.na.target_address == $VM6"

check_b() {
	local n
	capture b
	# the guest's own announcements and probes: never answered
	send -t garp -a "$VM4" -c 2 -w 100
	send -t probe -a "$VM4" -c 2 -w 100
	send -t dad -a "$VM6" -c 2 -w 100
	# what B answers: its own address (the kernel), the guest's
	# neighbour at A (proxy ARP / proxy ND)
	send -t probe -a 10.1.0.1
	dp_in vm ip addr add "$VM4/24" dev eth0
	dp_in vm ip addr add "$VM6/64" dev eth0 nodad
	dp_in vm ping -c 1 -W 1 10.1.0.10 >/dev/null 2>&1 || true
	dp_in vm ping -6 -c 1 -W 1 2001:db8:1::10 >/dev/null 2>&1 || true
	capture_end b
	seen b
	dp_in b ip route get "$VM4" | grep -q "dev lisp" ||
	    echo "note: B routes $VM4: $(dp_in b ip route get "$VM4")"
	n=$(count b "$CLAIM4")
	[ "$n" = 0 ] || { tshark -n -r "$RUN/b.pcap" -Y "$CLAIM4";
	    die "B answered the guest's GARP/probe for $VM4 ($n replies)"; }
	n=$(count b "$CLAIM6")
	[ "$n" = 0 ] || { tshark -n -r "$RUN/b.pcap" -Y "$CLAIM6";
	    die "B answered the guest's DAD for $VM6 ($n NAs)"; }
	echo "B: no reply to the guest's GARP, ARP probe or DAD"
	# the positive side: the proxy still works
	[ "$(count b "arp.opcode == 2 && arp.src.proto_ipv4 == 10.1.0.1 &&
	    arp.src.hw_mac == $DP_MAC")" -ge 1 ] ||
	    die "B did not answer the probe for its gateway address"
	[ "$(count b "arp.opcode == 2 && arp.src.proto_ipv4 == 10.1.0.10 &&
	    arp.src.hw_mac == $DP_MAC")" -ge 1 ] ||
	    die "B did not proxy ARP for 10.1.0.10 (the guest's neighbour at A)"
	[ "$(count b "icmpv6.type == 136 &&
	    icmpv6.nd.na.target_address == 2001:db8:1::10")" -ge 1 ] ||
	    die "B did not proxy ND for 2001:db8:1::10"
	echo "B: answers its gateway address and proxies for 10.1.0.10," \
	    "2001:db8:1::10 ($(xtr_counter b dp_arp_proxy_reply) ARP replies," \
	    "$(xtr_counter b dp_proxy_self_ignored) own-address requests" \
	    "ignored)"
	[ "$(xtr_counter b dp_proxy_self_ignored)" -ge 6 ] ||
	    die "B counted $(xtr_counter b dp_proxy_self_ignored) of the 6" \
	    "GARPs/probes/DADs as ignored"
}

# the guest back at A, whose away entry routes its address into A's TUN
check_a() {
	local n
	dp_in vm ip addr flush dev eth0
	ip -n "${PFX}b" link set vifvm nomaster
	ip -n "${PFX}b" link set vifvm netns "${PFX}a"
	xtr_ctl a add "$VM4/32" >/dev/null
	xtr_ctl a add "$VM6/128" >/dev/null
	xtr_ctl a remove "$VM4/32" moved-to 192.0.2.2 >/dev/null
	xtr_ctl a remove "$VM6/128" moved-to 192.0.2.2 >/dev/null
	ip -n "${PFX}a" link set vifvm master site0 up
	vm_up
	dp_in a ip route get "$VM4" | grep -q "dev lisp" ||
	    die "A does not route $VM4 into its TUN: $(dp_in a ip route get "$VM4")"
	capture a
	send -t garp -a "$VM4" -c 2 -w 100
	send -t probe -a "$VM4"
	send -t dad -a "$VM6"
	capture_end a
	seen a
	n=$(count a "$CLAIM4")
	[ "$n" = 0 ] || { tshark -n -r "$RUN/a.pcap" -Y "$CLAIM4";
	    die "A (away entry) answered the guest's GARP/probe ($n)"; }
	n=$(count a "$CLAIM6")
	[ "$n" = 0 ] || die "A (away entry) answered the guest's DAD ($n)"
	echo "A: no reply to the guest's GARP, probe or DAD while it is away"
}

dp_need
command -v tshark >/dev/null || skip "needs tshark"
command -v tcpdump >/dev/null || skip "needs tcpdump"
[ -x "$BIN/garp_send" ] || skip "build garp_send first"
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
add_vm b
check_b
check_a
echo "dp_garp: ok"
