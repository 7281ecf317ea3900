# shellcheck shell=bash
# tests/xtr/dp_lib.sh: the data-plane topology shared by tests/integ/dp_*.sh
# and bench/dp_bench.sh.  Sourced after tests/xtr/lib.sh (PFX, RUN set);
# built with the shared harness (tests/lib/harness/).
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
# every xTR config), DP_MS_EXTRA_CONF (appended to the MS's),
# DP_P_EXTRA_CONF (to the PxTR's), DP_PEERS=yes (every xTR lists the
# others in decap_peers: they redirect moved EIDs to each other; without it
# an xTR decapsulates only from RLOCs of the inner source's mapping and
# from the PxTR, issue 15 finding 5) or none (no decap_peers key at all,
# for an xtrd older than it).

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
	local node=$1 n=$2 h=h$1
	xtr_pfx
	h_ns "$h" || die "namespace ${PFX}$h"
	h_bridge "$node" site0 mcast_snooping 0
	dp_norpf "${PFX}$node"
	h_veth "$h" eth0 "$node" "vif$node"
	h_port "$node" site0 "vif$node"
	h_addr "$h" eth0 "10.$n.0.10/24" "2001:db8:$n::10/64"
	h_in "$h" ip route add default via "10.$n.0.1"
	h_in "$h" ip -6 route add default via "2001:db8:$n::1"
	# the non-LISP site is reached natively, through the PxTR
	h_in "$node" ip route add 198.51.100.0/24 via 192.0.2.50
	h_in "$node" ip -6 route add 2001:db8:100::/64 via 2001:db8:ffff::50
}

# dp_nonlisp: host ${PFX}n behind the PxTR ${PFX}p
dp_nonlisp() {
	xtr_pfx
	h_ns n || die "namespace ${PFX}n"
	dp_norpf "${PFX}p"
	h_veth n eth0 p nl0
	h_addr p nl0 198.51.100.1/24 2001:db8:100::1/64
	h_addr n eth0 198.51.100.10/24 2001:db8:100::10/64
	h_in n ip route add default via 198.51.100.1
	h_in n ip -6 route add default via 2001:db8:100::1
}

dp_gateways() {
	local s n out=""
	for s in $DP_SITES; do
		n=${s##*:}
		out="$out '10.$n.0.1/24', '2001:db8:$n::1/64',"
	done
	echo "${out%,}"
}

# dp_peers: every xTR's RLOCs, as a decap_peers list (and the PxTR's: it
# is a proxy_itrs by its IPv4 RLOC only, but encapsulates to IPv6 RLOCs
# from its IPv6 one)
dp_peers() {
	local s n out=" '2001:db8:ffff::50',"
	for s in $DP_SITES; do
		n=${s##*:}
		out="$out '192.0.2.$n', '2001:db8:ffff::$n',"
	done
	echo "${out%,}"
}

dp_write_confs() {
	local s node n gws rlocs ms peers=""
	gws=$(dp_gateways)
	peers="decap_peers = [ '2001:db8:ffff::50' ]"
	[ "${DP_PEERS:-}" = yes ] && peers="decap_peers = [ $(dp_peers) ]"
	[ "${DP_PEERS:-}" = none ] && peers=""	# an xtrd before decap_peers
	for s in $DP_SITES; do
		node=${s%%:*}
		n=${s##*:}
		case " ${DP_V6SITES:-} " in
		*" $node "*)	# IPv6 RLOC only
			rlocs="2001:db8:ffff::$n" ms=2001:db8:ffff::100 ;;
		*)		# IPv4, and IPv6 too when some site has only that
			rlocs="192.0.2.$n" ms=192.0.2.100
			[ -z "${DP_V6SITES:-}" ] ||
			    rlocs="$rlocs 2001:db8:ffff::$n" ;;
		esac
		h_xtr_conf "$node" "$rlocs" "$ms" dc-key-Zq3V9mXp7LtR2wK
		cat >>"$RUN/$node.conf" <<-EOC
		database = [ '10.$n.0.0/24', '2001:db8:$n::/64' ]
		proxy_itrs = [ '192.0.2.50' ]
		register_interval = 5
		data_plane = "on"
		site_interface = "site0"
		eid_space = [ '10.0.0.0/8', '2001:db8::/44' ]
		anycast_gateway = [ $gws ]
		anycast_mac = "$DP_MAC"
		$peers
		${DP_EXTRA_CONF:-}
		EOC
	done
	h_ms_conf ms 'name=dc,key=dc-key-Zq3V9mXp7LtR2wK,eid=10.0.0.0/8,eid=2001:db8::/44,more_specifics=yes'
	echo "${DP_MS_EXTRA_CONF:-}" >>"$RUN/ms.conf"
	h_xtr_conf p "192.0.2.50 2001:db8:ffff::50" 192.0.2.100
	cat >>"$RUN/p.conf" <<-EOC
	data_plane = "on"
	eid_space = [ '10.0.0.0/8', '2001:db8::/44' ]
	pxtr = "on"
	${DP_P_EXTRA_CONF:-}
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
	xtr_pfx
	h_in "$@"
}

# dp_attacker: namespace ${PFX}x on the underlay bridge, 192.0.2.66 and
# 2001:db8:ffff::66, knowing no site key: the issue 15 attacker, who sees
# LISP in clear and sends what it likes (tests/xtr/lispcraft.py)
dp_attacker() {
	xtr_pfx
	h_ns x && h_veth x eth0 br px && h_port br br0 px &&
	    h_addr x eth0 192.0.2.66/24 2001:db8:ffff::66/64 ||
	    die "cannot build the attacker's namespace"
	xtr_wait 5 h_in x ping -c 1 -W 1 192.0.2.100 ||
	    die "the attacker's namespace does not reach the underlay"
}

# dp_add_at_a EID...: each EID added to A's database, registered at the
# Map-Server from A's RLOC 192.0.2.1
dp_add_at_a() {
	local e
	for e in "$@"; do
		xtr_ctl a add "$e" >/dev/null
		xtr_wait 10 xtr_has_reg ms "$e" 192.0.2.1 ||
		    die "$e not registered from A"
	done
}

# dp_c_caches_at_a EID: A and C know each other first (each resolved the
# other's space); then EID is added at A, whose SMR (RFC 9301 §6.1: a
# database change) makes C fetch EID -> A: one Map-Request from C, one
# Map-Reply (they are rate limited, §5.4)
dp_c_caches_at_a() {
	xtr_ctl a resolve 10.3.0.10 >/dev/null
	xtr_wait 5 xtr_cached a 10.3.0.0/24 192.0.2.3 || die "A did not cache C"
	xtr_ctl c resolve 10.1.0.7 >/dev/null
	xtr_wait 5 xtr_cached c 10.1.0.0/24 192.0.2.1 || die "C did not cache A"
	dp_add_at_a "$1"
	xtr_wait 5 xtr_cached c "$1" 192.0.2.1 ||
	    die "C did not fetch $1 -> A after A's SMR"
}

# dp_alive: every xtrd of the topology still runs and answers its API
dp_alive() {
	local s
	for s in ms:0 p:0 $DP_SITES; do
		xtr_ctl "${s%%:*}" counters >/dev/null 2>&1 ||
		    die "xtrd on ${s%%:*} no longer answers"
	done
}
