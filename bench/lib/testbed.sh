# shellcheck shell=bash
# shellcheck disable=SC2034 # TB_LAST etc. are read by the caller
# bench/lib/testbed.sh: the two-datacenter testbed of the downtime bench,
# in network namespaces.  Sourced by bench/downtime.sh and scripts/demo.sh
# after tests/lib/xenstored.sh, tests/lib/xl_migrate_replay.sh and
# bench/lib/wan.sh.
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
#   tb_wait SECS CMD...     retry CMD every 0.1 s
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
TB_PIDS=()
TB_NS=()
TB_VM_IP=198.51.100.5
TB_VM_MAC=00:16:3e:00:00:05
TB_CH_IP=203.0.113.10
TB_NL_IP=203.0.113.200
TB_AMAC=00:00:5e:00:01:01
TB_KEY="dc-site-key"
TB_MODE=full

tb_die() { echo "testbed: $*" >&2; return 1; }

tb_in() {
	local n=$1
	shift
	ip netns exec "${TB}$n" "$@"
}

tb_bg() {
	local n=$1 log=$2
	shift 2
	ip netns exec "${TB}$n" "$@" >"$log" 2>&1 &
	TB_PIDS+=("$!")
	TB_LAST=$!
}

tb_wait() {
	local secs=$1 end
	shift
	end=$(($(date +%s%N) / 1000000 + secs * 1000))
	while [ $(($(date +%s%N) / 1000000)) -lt "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

tb_xtr() {
	local n=$1
	shift
	"$BIN/xtrctl" -s "$RUN/$n.sock" "$@"
}

tb_mig() {
	local n=$1
	shift
	"$BIN/migratectl" -s "$RUN/mig-$n.sock" "$@"
}

tb_ns_add() {
	ip netns add "${TB}$1" || return 1
	TB_NS+=("${TB}$1")
	ip -n "${TB}$1" link set lo up
	tb_in "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	    net.ipv6.conf.default.disable_ipv6=1 \
	    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
	    >/dev/null
}

# tb_wan NODE IP KNOBS...: NODE's eth0 on the core through an impaired link
tb_wan() {
	local n=$1 ip=$2
	shift 2
	wan_link "${TB}$n" eth0 "${TB}core" "c$n" "$@" || return 1
	ip -n "${TB}core" link set "c$n" master br0 up
	ip -n "${TB}$n" addr add "$ip/24" dev eth0
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
	ip -n "${TB}core" link add br0 type bridge
	ip -n "${TB}core" link set br0 up
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
		ip link add eth0 netns "${TB}nl" type veth peer name nl0 \
		    netns "${TB}px"
		ip -n "${TB}px" addr add 203.0.113.129/25 dev nl0
		ip -n "${TB}px" link set nl0 up
		ip -n "${TB}nl" addr add "$TB_NL_IP/25" dev eth0
		ip -n "${TB}nl" link set eth0 up
		ip -n "${TB}nl" route add default via 203.0.113.129
	fi
	# site bridges: the client's site0, the Dom0s' xenbr0
	ip -n "${TB}cl" link add site0 type bridge mcast_snooping 0
	ip -n "${TB}cl" link set site0 up
	for n in dc1 dc2; do
		ip -n "${TB}$n" link add xenbr0 type bridge mcast_snooping 0
		ip -n "${TB}$n" link set xenbr0 up
	done
	ip link add eth0 netns "${TB}ch" type veth peer name vifch netns "${TB}cl"
	ip -n "${TB}cl" link set vifch master site0 up
	ip -n "${TB}ch" addr add "$TB_CH_IP/25" dev eth0
	ip -n "${TB}ch" link set eth0 up
	ip -n "${TB}ch" route add default via 203.0.113.1
	ip -n "${TB}vm" link add eth0 type veth peer name vif1.0 netns "${TB}dc1"
	ip -n "${TB}vm" link set eth0 address "$TB_VM_MAC"
	ip -n "${TB}vm" addr add "$TB_VM_IP/24" dev eth0
	ip -n "${TB}vm" link set eth0 up
	ip -n "${TB}vm" route add default via 198.51.100.1
	ip -n "${TB}dc1" link set vif1.0 master xenbr0 up
	# the guest's netfront: a gratuitous ARP each time the VM resumes
	tb_bg vm "$RUN/netfront.err" "$TB_PY" "$TB_REPO/bench/tools/wl.py" \
	    netfront eth0 "$TB_VM_IP" "$RUN/netfront.log"
	TB_NETFRONT_PID=$TB_LAST
}

tb_pxtr_on() { [ "${TB_PXTR:-0}" = 1 ]; }

tb_conf_xtr() {
	local n=$1 rloc=$2
	cat >"$RUN/$n.conf" <<-EOC
	role = "xtr"
	rlocs = [ '$rloc' ]
	map_servers = [ '192.0.2.100,key=$3' ]
	map_resolvers = [ '192.0.2.100' ]
	control_socket = "$RUN/$n.sock"
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
	cat >"$RUN/ms.conf" <<-EOC
	role = "ms"
	sites = [ 'name=dc,key=$TB_KEY,eid=198.51.100.0/24,more_specifics=yes',
	          'name=client,key=client-key,eid=203.0.113.0/25' ]
	control_socket = "$RUN/ms.sock"
	EOC
	# mode thesis: the old site hears nothing from the MS about the move
	# and keeps no away entry (the new site's registration and SMRs only)
	[ "$TB_MODE" = thesis ] && echo "mobility_notify = no" >>"$RUN/ms.conf"
	tb_conf_xtr cl 192.0.2.3 client-key
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
		EOC
		tb_pxtr_on && echo "proxy_itrs = [ '192.0.2.50' ]" >>"$RUN/$n.conf"
		[ "$TB_MODE" = thesis ] && echo "away_entries = no" >>"$RUN/$n.conf"
		cat >"$RUN/mig-$n.conf" <<-EOC
		socket = "$RUN/mig-$n.sock"
		xtrd_socket = "$RUN/$n.sock"
		hypervisor = xenstore
		notify_wait_ms = 1000
		heartbeat_ms = 200
		bridge xenbr0
		vm "vm1" eids = [ "$TB_VM_IP" ]
		EOC
	done
}

tb_start_xtrd() {
	local n=$1
	tb_bg "$n" "$RUN/$n.log" "$BIN/xtrd" -d -v -f "$RUN/$n.conf"
	tb_wait 5 test -S "$RUN/$n.sock" ||
	    tb_die "xtrd on $n did not start: $(tail -3 "$RUN/$n.log")" || return 1
}

tb_start_migrated() {
	local n=$1
	xs_fixture_use "$RUN/xs-$n"
	tb_bg "$n" "$RUN/mig-$n.log" "$BIN/migrated" -d -v -f "$RUN/mig-$n.conf"
	tb_wait 5 test -S "$RUN/mig-$n.sock" ||
	    tb_die "migrated on $n did not start: $(tail -3 "$RUN/mig-$n.log")" || return 1
}

tb_registered() {
	[ "$(tb_xtr ms --json registrations | jq "[.registrations[] |
	    select(.eid == \"$1\") | .rlocs[] | select(.addr == \"$2\")] |
	    length")" -ge 1 ]
}

tb_cached() {
	[ "$(tb_xtr "$1" --json map-cache | jq "[.entries[] |
	    select(.eid == \"$2\") | .rlocs[] | select(.addr == \"$3\")] |
	    length")" -ge 1 ]
}

# The VM "runs" at dc1 (what xl create writes), migrated registers it.
tb_vm_create() {
	xs_fixture_use "$RUN/xs-dc1"
	xs_domain_create 1 vm1 || return 1
	xs_vif_add 1 0 "$TB_VM_MAC" xenbr0 || return 1
	xs_vif_backend_state 1 0 2 && xs_vif_hotplug 1 0 &&
	    xs_vif_state 1 0 4 && xs_vif_backend_state 1 0 4
}

tb_up_lisp() {
	local n
	tb_confs
	for n in dc1 dc2; do
		xs_fixture_start "$RUN/xs-$n" || return 1
	done
	if tb_pxtr_on; then
		cat >"$RUN/px.conf" <<-EOC
		role = "xtr"
		rlocs = [ '192.0.2.50' ]
		map_resolvers = [ '192.0.2.100' ]
		control_socket = "$RUN/px.sock"
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
	if tb_pxtr_on; then
		tb_wait 10 tb_in nl ping -c 1 -W 1 "$TB_VM_IP" ||
		    tb_die "the non-LISP host cannot reach the VM" || return 1
	fi
}

tb_up() {
	TB_MODE=${1:-full}
	mkdir -p "$RUN"
	tb_net || return 1
	if [ "$TB_MODE" = bgp ]; then
		tb_up_bgp
	else
		tb_up_lisp
	fi
}

tb_down() {
	local p ns i
	for p in "${TB_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${TB_PIDS[@]}"; do
		for i in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	TB_PIDS=()
	xs_fixture_stop "$RUN/xs-dc1" 2>/dev/null || true
	xs_fixture_stop "$RUN/xs-dc2" 2>/dev/null || true
	wan_teardown 2>/dev/null || true
	# anything still running in our namespaces was started by this run
	for ns in "${TB_NS[@]}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
	TB_NS=()
	return 0
}
