# shellcheck shell=bash
# tests/lib/harness/net.sh: namespaces, bridges and veth pairs.  Sourced by
# harness.sh.  NODE is a namespace name without the prefix: ${H_NS}NODE.
#
#   h_ns NODE                a namespace (loopback up), removed by h_down
#   h_bridge NODE BR [OPT..] a bridge BR in NODE, up (OPT: ip's bridge
#                            options, e.g. mcast_snooping 0)
#   h_veth NODE_A IF_A NODE_B IF_B   one veth pair between two namespaces
#   h_port NODE BR IF        IF becomes a port of bridge BR, up
#   h_addr NODE IF ADDR...   the addresses (IPv6 ones without DAD), IF up
#   h_underlay NODE:N...     the RLOC underlay of the xTR tests: namespace
#                            ${H_NS}br with bridge br0, and per NODE a
#                            namespace whose eth0 (192.0.2.N/24,
#                            2001:db8:ffff::N/64) is a port of br0
#   h_sysctl NODE KEY=VAL... sysctl -qw in NODE

h_ns() {
	ip netns add "${H_NS}$1" || return 1
	H_NETNS="$H_NETNS ${H_NS}$1"
	ip -n "${H_NS}$1" link set lo up
}

h_bridge() {
	local n=$1 br=$2
	shift 2
	ip -n "${H_NS}$n" link add "$br" type bridge "$@" &&
	    ip -n "${H_NS}$n" link set "$br" up
}

h_veth() {
	ip link add "$2" netns "${H_NS}$1" type veth peer name "$4" \
	    netns "${H_NS}$3"
}

h_port() {
	ip -n "${H_NS}$1" link set "$3" master "$2" up
}

h_addr() {
	local n=$1 ifc=$2 a
	shift 2
	for a in "$@"; do
		case $a in
		*:*) ip -n "${H_NS}$n" addr add "$a" dev "$ifc" nodad ;;
		*) ip -n "${H_NS}$n" addr add "$a" dev "$ifc" ;;
		esac || return 1
	done
	ip -n "${H_NS}$n" link set "$ifc" up
}

h_sysctl() {
	local n=$1
	shift
	ip netns exec "${H_NS}$n" sysctl -qw "$@" >/dev/null
}

h_underlay() {
	local spec node n i=0
	h_ns br && h_bridge br br0 || return 1
	for spec in "$@"; do
		node=${spec%%:*}
		n=${spec##*:}
		i=$((i + 1))
		h_ns "$node" && h_veth "$node" eth0 br "p$i" &&
		    h_port br br0 "p$i" &&
		    h_addr "$node" eth0 "192.0.2.$n/24" "2001:db8:ffff::$n/64" ||
		    return 1
	done
}
