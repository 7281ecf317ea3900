# shellcheck shell=bash
# shellcheck disable=SC2034 # TB_LAST etc. are read by the caller
# bench/lib/testbed.sh: the two-datacenter testbed of the downtime bench,
# in network namespaces, built with the shared harness.  Sourced by
# bench/downtime.sh (which scripts/demo.sh runs) after
# tests/lib/harness/harness.sh and tests/lib/xl_migrate_replay.sh.
#
#   ${TB}core   the WAN core: bridge br0, one impaired link (wan_link) per
#               site, 192.0.2.0/24 (RLOCs)
#   ${TB}ms     Map-Server/Map-Resolver (xtrd role ms)        192.0.2.100
#   ${TB}cl     client site xTR (ITR/ETR), site bridge site0   192.0.2.3
#   ${TB}ch     client host 203.0.113.10/25 behind cl (gw .1, anycast)
#   ${TB}dc1    Dom0 of datacenter 1: xenbr0, xtrd, migrated,  192.0.2.1
#               its own xenstored (RUN/xs-dc1)
#   ${TB}dc2    the same for datacenter 2                      192.0.2.2
#   ${TB}vm     the VM: eth0 198.51.100.5/24 (gw .1, anycast at both
#               DCs), the peer of vif<domid>.0 on a Dom0's xenbr0
#   with TB_PXTR=1:
#   ${TB}px     PxTR (xtrd pxtr = on)                          192.0.2.50
#   ${TB}nl     non-LISP host 203.0.113.200/25 behind px (gw .129); the
#               DCs reach 203.0.113.128/25 natively through px and name
#               px in proxy_itrs (SMRs go to it)
# In mode bgp there is no LISP: ${TB}core is a router (bird2, AS 64500)
# peering with bird2 on cl (64503), dc1 (64501) and dc2 (64502); the DC
# hosting the VM announces 198.51.100.5/32.  The client host ch is then a
# non-LISP host like nl; with TB_PXTR=1, px is the border router (bird2,
# AS 64504, announcing 203.0.113.128/25) of nl's non-LISP site, so the
# non-LISP stream (udp_n2v) runs in every mode.
#
# Functions:
#   tb_up MODE              build everything, wait for the registrations
#   tb_down                 remove everything (idempotent, for traps)
#   tb_in NODE CMD...       run CMD in ${TB}NODE
#   tb_xtr NODE ARGS...     xtrctl against NODE's xtrd
#   tb_mig NODE ARGS...     migratectl against NODE's migrated
#   tb_bg NODE LOG CMD...   run CMD in NODE in the background; pid recorded
#   tb_wait SECS CMD...     retry CMD every 0.1 s (h_wait)
# Environment:
#   TB        namespace prefix (unique per run), RUN run directory,
#   BIN       binaries (default <repo>/build/bin)
#   TB_KM     DC1-DC2 distance in km (each DC link gets half), default 1000
#   TB_CLIENT_KM  client link distance, default 500
#   TB_LOSS   loss % on the DC1-DC2 path (half on each DC link, both
#             directions), default 0;  TB_CORRUPT  likewise
#   TB_JITTER ms on every link, default none;  TB_RATE  e.g. 100mbit
#   TB_PXTR   1: the PxTR and the non-LISP host too (default 0)
#   TB_MEM_MB unused here (see bench/lib/migrate.sh)
#   TB_PY     the python3 interpreter (default: python3's sys.executable)
#   TB_XTR_RT xtrd's rt_priority on the xTRs and the PxTR (default 0: off)

TB_REPO=${TB_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# the interpreter itself, not a wrapper in PATH (a pyenv shim forks half a
# dozen bash scripts per start: seconds per workload on a busy host)
TB_PY=${TB_PY:-$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null ||
    echo python3)}
BIN=${BIN:-$TB_REPO/build/bin}
TB_VM_IP=198.51.100.5
TB_VM_MAC=00:16:3e:00:00:05
TB_CH_IP=203.0.113.10
TB_NL_IP=203.0.113.200
TB_AMAC=00:00:5e:00:01:01
TB_KEY="dc-site-key-Zq3V9mXp7LtR2wK"
TB_MODE=full

tb_die() { echo "testbed: $*" >&2; return 1; }

# the harness's namespace prefix is TB (set by the caller after sourcing)
tb_in() {
	H_NS=$TB
	h_in "$@"
}

tb_bg() {
	H_NS=$TB
	h_bg "$@"
	TB_LAST=$H_LAST
}

tb_wait() { h_wait "$@"; }
tb_xtr() { h_xtr "$@"; }
tb_mig() { h_mig "$@"; }

tb_ns_add() {
	H_NS=$TB
	h_ns "$1" || return 1
	h_sysctl "$1" net.ipv6.conf.all.disable_ipv6=1 \
	    net.ipv6.conf.default.disable_ipv6=1 \
	    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
}

# tb_wan NODE IP KNOBS...: NODE's eth0 on the core through an impaired link
tb_wan() {
	local n=$1 ip=$2
	shift 2
	wan_link "${TB}$n" eth0 "${TB}core" "c$n" "$@" || return 1
	h_port core br0 "c$n" && h_addr "$n" eth0 "$ip/24"
}

# tb_knobs KM [DC]: the wan.sh knobs of one link
tb_knobs() {
	local km=$1 dc=${2:-} half
	local -a k=(--km "$km")
	[ -n "${TB_JITTER:-}" ] && k+=(--jitter "$TB_JITTER")
	[ -n "${TB_RATE:-}" ] && k+=(--rate "$TB_RATE")
	if [ -n "$dc" ]; then
		half=$(awk -v l="${TB_LOSS:-0}" 'BEGIN { printf "%.4g", l / 2 }')
		[ "$half" != 0 ] && k+=(--loss "$half")
		half=$(awk -v l="${TB_CORRUPT:-0}" 'BEGIN { printf "%.4g", l / 2 }')
		[ "$half" != 0 ] && k+=(--corrupt "$half")
	fi
	printf '%s\n' "${k[@]}"
}

tb_net() {
	local half n
	local -a k
	for n in core ms cl ch dc1 dc2 vm; do
		tb_ns_add "$n" || return 1
	done
	tb_pxtr_on && { tb_ns_add px && tb_ns_add nl || return 1; }
	h_bridge core br0 || return 1
	half=$(awk -v k="${TB_KM:-1000}" 'BEGIN { printf "%.6g", k / 2 }')
	mapfile -t k < <(tb_knobs 0)
	tb_wan ms 192.0.2.100 "${k[@]}" || return 1
	mapfile -t k < <(tb_knobs "${TB_CLIENT_KM:-500}")
	tb_wan cl 192.0.2.3 "${k[@]}" || return 1
	mapfile -t k < <(tb_knobs "$half" dc)
	tb_wan dc1 192.0.2.1 "${k[@]}" || return 1
	tb_wan dc2 192.0.2.2 "${k[@]}" || return 1
	if tb_pxtr_on; then
		mapfile -t k < <(tb_knobs "${TB_CLIENT_KM:-500}")
		tb_wan px 192.0.2.50 "${k[@]}" || return 1
		h_veth nl eth0 px nl0 &&
		    h_addr px nl0 203.0.113.129/25 &&
		    h_addr nl eth0 "$TB_NL_IP/25" || return 1
		ip -n "${TB}nl" route add default via 203.0.113.129
	fi
	# site bridges: the client's site0, the Dom0s' xenbr0
	h_bridge cl site0 mcast_snooping 0 || return 1
	for n in dc1 dc2; do
		h_bridge "$n" xenbr0 mcast_snooping 0 || return 1
	done
	h_veth ch eth0 cl vifch && h_port cl site0 vifch &&
	    h_addr ch eth0 "$TB_CH_IP/25" || return 1
	ip -n "${TB}ch" route add default via 203.0.113.1
	h_veth vm eth0 dc1 vif1.0 || return 1
	ip -n "${TB}vm" link set eth0 address "$TB_VM_MAC"
	h_addr vm eth0 "$TB_VM_IP/24" || return 1
	ip -n "${TB}vm" route add default via 198.51.100.1
	h_port dc1 xenbr0 vif1.0
	# the guest's netfront: a gratuitous ARP each time the VM resumes
	tb_bg vm "$RUN/netfront.err" "$TB_PY" "$TB_REPO/bench/tools/wl.py" \
	    netfront eth0 "$TB_VM_IP" "$RUN/netfront.log"
	TB_NETFRONT_PID=$TB_LAST
}

tb_pxtr_on() { [ "${TB_PXTR:-0}" = 1 ]; }

tb_conf_xtr() {
	local n=$1
	h_xtr_conf "$n" "$2" 192.0.2.100 "$3"
	cat >>"$RUN/$n.conf" <<-EOC
	register_interval = 60
	data_plane = "on"
	eid_space = [ '198.51.100.0/24', '203.0.113.0/25' ]
	anycast_mac = "$TB_AMAC"
	EOC
	tb_conf_rt "$RUN/$n.conf"
}

# TB_XTR_RT=N: the xTRs' data planes in SCHED_RR N (xtrd rt_priority), as
# wanem runs in SCHED_FIFO: on a shared 2-core host at load 15-20 xtrd
# otherwise waits for the CPU and the first packets after a move arrive in
# 300 ms bunches
tb_conf_rt() {
	[ "${TB_XTR_RT:-0}" -gt 0 ] || return 0
	echo "rt_priority = $TB_XTR_RT" >>"$1"
}

tb_confs() {
	h_ms_conf ms "name=dc,key=$TB_KEY,eid=198.51.100.0/24,more_specifics=yes" \
	    'name=client,key=client-key-Zq3V9mXp7LtR2wK,eid=203.0.113.0/25'
	# mode thesis: the old site hears nothing from the MS about the move
	# and keeps no away entry (the new site's registration and SMRs only)
	[ "$TB_MODE" = thesis ] && echo "mobility_notify = no" >>"$RUN/ms.conf"
	tb_conf_xtr cl 192.0.2.3 client-key-Zq3V9mXp7LtR2wK
	# mode pubsub: the client's ITR subscribes to what it asks the MS
	# (RFC 9437): the MS's Map-Notify tells it of dc2's registration
	[ "$TB_MODE" = pubsub ] && echo "subscribe = yes" >>"$RUN/cl.conf"
	cat >>"$RUN/cl.conf" <<-EOC
	database = [ '203.0.113.0/25' ]
	site_interface = "site0"
	anycast_gateway = [ '203.0.113.1/25' ]
	EOC
	for n in dc1 dc2; do
		tb_conf_xtr "$n" "192.0.2.${n#dc}" "$TB_KEY"
		cat >>"$RUN/$n.conf" <<-EOC
		site_interface = "xenbr0"
		anycast_gateway = [ '198.51.100.1/24' ]
		decap_peers = [ '192.0.2.1', '192.0.2.2' ]
		EOC
		tb_pxtr_on && echo "proxy_itrs = [ '192.0.2.50' ]" >>"$RUN/$n.conf"
		[ "$TB_MODE" = thesis ] && echo "away_entries = no" >>"$RUN/$n.conf"
		# TB_HOLD=0: the destination drops what arrives for the VM
		# before it does (no hold, issue 18), to measure both in a run
		[ "${TB_HOLD:-1}" = 0 ] && echo "hold_eid_packets = 0" >>"$RUN/$n.conf"
		h_mig_conf "$n" xenstore 1000
		cat >>"$RUN/mig-$n.conf" <<-EOC
		bridge xenbr0
		vm "vm1" eids = [ "$TB_VM_IP" ]
		EOC
	done
}

tb_start_xtrd() {
	H_NS=$TB
	h_start_xtrd "$1" || tb_die "xtrd on $1" || return 1
	TB_LAST=$H_LAST
}

tb_start_migrated() {
	H_NS=$TB
	MIGRATED=$BIN/migrated h_start_migrated "$1" ||
	    tb_die "migrated on $1" || return 1
	TB_LAST=$H_LAST
}

tb_registered() { h_registered_at ms "$@"; }
tb_cached() { h_cached "$@"; }
# tb_subscribed EID ITR: the MS holds ITR's subscription to EID (RFC 9437)
tb_subscribed() {
	[ "$(h_jq ms "[.subscriptions[] | select(.eid == \"$1\" and .itr == \"$2\")] | length" \
	    subscriptions)" -ge 1 ]
}

# The VM "runs" at dc1 (what xl create writes), migrated registers it.
tb_vm_create() {
	h_xs dc1
	xs_domain_create 1 vm1 || return 1
	xs_vif_add 1 0 "$TB_VM_MAC" xenbr0 || return 1
	xs_vif_backend_state 1 0 2 && xs_vif_hotplug 1 0 &&
	    xs_vif_state 1 0 4 && xs_vif_backend_state 1 0 4
}

tb_up_lisp() {
	local n
	tb_confs
	for n in dc1 dc2; do
		h_xenstored "$n" || return 1
	done
	if tb_pxtr_on; then
		h_xtr_conf px 192.0.2.50 192.0.2.100
		cat >>"$RUN/px.conf" <<-EOC
		data_plane = "on"
		eid_space = [ '198.51.100.0/24', '203.0.113.0/25' ]
		pxtr = "on"
		EOC
		tb_conf_rt "$RUN/px.conf"
		for n in dc1 dc2; do
			ip -n "${TB}$n" route add 203.0.113.128/25 via 192.0.2.50
		done
		tb_start_xtrd px || return 1
	fi
	for n in ms cl dc1 dc2; do
		tb_start_xtrd "$n" || return 1
	done
	for n in dc1 dc2; do
		tb_start_migrated "$n" || return 1
	done
	tb_vm_create || return 1
	tb_wait 15 tb_registered "$TB_VM_IP/32" 192.0.2.1 ||
	    tb_die "the VM's EID is not registered from dc1" || return 1
	tb_wait 10 tb_registered 203.0.113.0/25 192.0.2.3 ||
	    tb_die "the client site is not registered" || return 1
	# first contact: the client caches the VM's mapping, dc1 the client's
	tb_wait 10 tb_in ch ping -c 1 -W 1 "$TB_VM_IP" ||
	    tb_die "the client cannot reach the VM" || return 1
	if [ "$TB_MODE" = pubsub ]; then
		tb_wait 10 tb_subscribed "$TB_VM_IP/32" 192.0.2.3 ||
		    tb_die "no subscription of cl for the VM at the MS" || return 1
	fi
	if tb_pxtr_on; then
		tb_wait 10 tb_in nl ping -c 1 -W 1 "$TB_VM_IP" ||
		    tb_die "the non-LISP host cannot reach the VM" || return 1
	fi
}

tb_up() {
	TB_MODE=${1:-full}
	H_NS=$TB
	mkdir -p "$RUN"
	tb_net || return 1
	if tb_bgp_mode; then
		tb_up_bgp
	else
		tb_up_lisp
	fi
}

tb_down() {
	h_down
}
