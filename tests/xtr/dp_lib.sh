# shellcheck shell=bash
# tests/xtr/dp_lib.sh: the data-plane topology shared by tests/integ/dp_*.sh
# and bench/dp_bench.sh.  Sourced after tests/xtr/lib.sh (PFX, RUN set).
#
#   underlay: ${PFX}br bridge, 192.0.2.0/24 + 2001:db8:ffff::/64 (xtr_net)
#     ms 192.0.2.100 (MS/MR), xTRs a .1, b .2, c .3, PxTR p .50
#   site of xTR X (number N): bridge site0 in ${PFX}X (the Dom0's xenbr0),
#     host ${PFX}hX = 10.N.0.10/24, 2001:db8:N::10/64 behind vifX,
#     gateways 10.N.0.1 / 2001:db8:N::1 (anycast: on every xTR)
#   non-LISP host ${PFX}n = 198.51.100.10, 2001:db8:100::10 behind the PxTR
# One MS site holds the whole EID space, so an EID may register from any
# xTR (mobility).
# Environment: DP_SITES (default "a:1 b:2 c:3"), DP_V6SITES (xTRs with an
# IPv6 RLOC only; the others then have both), DP_EXTRA_CONF (appended to
# every xTR config), DP_MS_EXTRA_CONF (appended to the MS's).

DP_SITES=${DP_SITES:-"a:1 b:2 c:3"}
DP_MAC=00:00:5e:00:01:01

dp_need() {
	xtr_need
	[ -c /dev/net/tun ] || skip "needs /dev/net/tun"
	command -v python3 >/dev/null || skip "needs python3"
	# the interpreter itself, not a (slow) version-manager shim
	# shellcheck disable=SC2034 # used by the tests
	PY=$(python3 -c 'import sys; print(sys.executable)')
}

# Every namespace we forward in: no reverse-path filter (the return path of
# an EID goes through the TUN, its packets come in on the underlay).
dp_norpf() {
	ip netns exec "$1" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
	    net.ipv4.conf.default.rp_filter=0 >/dev/null
}

# dp_site NODE N: the site bridge of xTR NODE with one host
dp_site() {
	local node=$1 n=$2 h=${PFX}h$1 x=${PFX}$1
	ip netns add "$h"
	XTR_NS="$XTR_NS $h"
	ip -n "$x" link add site0 type bridge mcast_snooping 0
	ip -n "$x" link set site0 up
	dp_norpf "$x"
	ip link add "${PFX}e$node" netns "$h" type veth peer name "vif$node" \
	    netns "$x"
	ip -n "$x" link set "vif$node" master site0 up
	ip -n "$h" link set lo up
	ip -n "$h" link set "${PFX}e$node" name eth0
	ip -n "$h" addr add "10.$n.0.10/24" dev eth0
	ip -n "$h" addr add "2001:db8:$n::10/64" dev eth0 nodad
	ip -n "$h" link set eth0 up
	ip -n "$h" route add default via "10.$n.0.1"
	ip -n "$h" -6 route add default via "2001:db8:$n::1"
	# the non-LISP site is reached natively, through the PxTR
	ip -n "$x" route add 198.51.100.0/24 via 192.0.2.50
	ip -n "$x" -6 route add 2001:db8:100::/64 via 2001:db8:ffff::50
}

# dp_nonlisp: host ${PFX}n behind the PxTR ${PFX}p
dp_nonlisp() {
	local h=${PFX}n p=${PFX}p
	ip netns add "$h"
	XTR_NS="$XTR_NS $h"
	dp_norpf "$p"
	ip link add "${PFX}en" netns "$h" type veth peer name nl0 netns "$p"
	ip -n "$p" addr add 198.51.100.1/24 dev nl0
	ip -n "$p" addr add 2001:db8:100::1/64 dev nl0 nodad
	ip -n "$p" link set nl0 up
	ip -n "$h" link set lo up
	ip -n "$h" link set "${PFX}en" name eth0
	ip -n "$h" addr add 198.51.100.10/24 dev eth0
	ip -n "$h" addr add 2001:db8:100::10/64 dev eth0 nodad
	ip -n "$h" link set eth0 up
	ip -n "$h" route add default via 198.51.100.1
	ip -n "$h" -6 route add default via 2001:db8:100::1
}

dp_gateways() {
	local s n out=""
	for s in $DP_SITES; do
		n=${s##*:}
		out="$out '10.$n.0.1/24', '2001:db8:$n::1/64',"
	done
	echo "${out%,}"
}

dp_write_confs() {
	local s node n gws rlocs ms
	gws=$(dp_gateways)
	for s in $DP_SITES; do
		node=${s%%:*}
		n=${s##*:}
		case " ${DP_V6SITES:-} " in
		*" $node "*)	# IPv6 RLOC only
			rlocs="'2001:db8:ffff::$n'" ms=2001:db8:ffff::100 ;;
		*)		# IPv4, and IPv6 too when some site has only that
			rlocs="'192.0.2.$n'" ms=192.0.2.100
			[ -z "${DP_V6SITES:-}" ] ||
			    rlocs="$rlocs, '2001:db8:ffff::$n'" ;;
		esac
		cat >"$RUN/$node.conf" <<-EOC
		role = "xtr"
		rlocs = [ $rlocs ]
		database = [ '10.$n.0.0/24', '2001:db8:$n::/64' ]
		map_servers = [ '$ms,key=dc-key' ]
		map_resolvers = [ '$ms' ]
		proxy_itrs = [ '192.0.2.50' ]
		control_socket = "$RUN/$node.sock"
		register_interval = 5
		data_plane = "on"
		site_interface = "site0"
		eid_space = [ '10.0.0.0/8', '2001:db8::/44' ]
		anycast_gateway = [ $gws ]
		anycast_mac = "$DP_MAC"
		${DP_EXTRA_CONF:-}
		EOC
	done
	cat >"$RUN/ms.conf" <<-EOC
	role = "ms"
	sites = [ 'name=dc,key=dc-key,eid=10.0.0.0/8,eid=2001:db8::/44,more_specifics=yes' ]
	control_socket = "$RUN/ms.sock"
	${DP_MS_EXTRA_CONF:-}
	EOC
	cat >"$RUN/p.conf" <<-EOC
	role = "xtr"
	rlocs = [ '192.0.2.50', '2001:db8:ffff::50' ]
	map_resolvers = [ '192.0.2.100' ]
	control_socket = "$RUN/p.sock"
	data_plane = "on"
	eid_space = [ '10.0.0.0/8', '2001:db8::/44' ]
	pxtr = "on"
	EOC
}

# dp_topology: namespaces, configs, daemons; returns once all registered
dp_topology() {
	local s nodes="ms:100 p:50"
	for s in $DP_SITES; do
		nodes="$nodes $s"
	done
	# shellcheck disable=SC2086
	xtr_net $nodes
	for s in $DP_SITES; do
		dp_site "${s%%:*}" "${s##*:}"
	done
	dp_nonlisp
	dp_write_confs
	xtr_start ms "$RUN/ms.conf"
	xtr_start p "$RUN/p.conf"
	for s in $DP_SITES; do
		xtr_start "${s%%:*}" "$RUN/${s%%:*}.conf"
	done
	for s in $DP_SITES; do
		xtr_wait 10 xtr_registered "${s%%:*}" ||
		    die "${s%%:*} not registered"
	done
}

# dp_in NODE CMD...: run CMD in the namespace of host/xTR NODE
dp_in() {
	local ns=$1
	shift
	ip netns exec "${PFX}$ns" "$@"
}
