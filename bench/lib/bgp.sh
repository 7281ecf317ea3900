# shellcheck shell=bash
# bench/lib/bgp.sh: mode bgp of the testbed (bench/lib/testbed.sh): no
# LISP, the VM's /32 is a BGP route.  Sourced after testbed.sh.
#
# bird2 (default timers: hold 240 s, keepalive 80 s; BIRD has no MRAI) in
# ${TB}core (AS 64500, 192.0.2.254, a transit router on the WAN core's
# bridge), cl (AS 64503, announces 203.0.113.0/25), dc1 (AS 64501) and dc2
# (AS 64502).  Each Dom0's xenbr0 carries the VM's gateway 198.51.100.1
# with the same MAC at both DCs (as LISP mode's anycast gateway), and a
# static protocol "vm" with 198.51.100.5/32 on xenbr0: enabled at dc1 at
# start, disabled there when the VM suspends (tb_bgp_withdraw), enabled at
# dc2 when it is up (tb_bgp_announce).  With TB_PXTR=1, px (AS 64504,
# 192.0.2.50) announces the non-LISP site 203.0.113.128/25 of nl, the
# host that the LISP modes reach through the PxTR.  The xenstore side of
# the migration
# is the same as in the LISP modes (real xenstored per Dom0, xl's writes),
# with no migrated watching it.
#
# Mode bgp-mrai: the same, with the eBGP MinRouteAdvertisementInterval
# operators run (TB_BGP_MRAI, default 30 s: the eBGP default of Cisco IOS
# and FRR, `neighbor X advertisement-interval`).  RFC 4271 §9.2.1.1: "two
# UPDATE messages sent by a BGP speaker to a peer that advertise feasible
# routes and/or withdrawal of unfeasible routes to some common set of
# destinations MUST be separated by at least
# MinRouteAdvertisementIntervalTimer".  bird2 (2.0.12 here) has no MRAI
# (no such BGP option), so
# it is emulated where it acts in this topology: the core's withdrawal of
# the /32 to cl (and px, dc2) at the suspend starts its per-peer timer
# (the route had been stable for longer than the MRAI, so the withdrawal
# itself leaves at once), and the core may send dc2's new route to them
# only MRAI after that withdrawal.  dc2's announcement is that one
# update, so tb_bgp_announce_mrai makes it at withdrawal + MRAI (dc2's
# own first update to the core has no timer running).  One transit AS:
# a path with more ASes can add up to one MRAI per hop.

tb_bird_conf() {
	local n=$1 id=$2 as=$3 extra=$4
	cat >"$RUN/bird-$n.conf" <<-EOC
	router id $id;
	protocol device { }
	protocol kernel { ipv4 { import none; export all; }; learn no; }
	$extra
	protocol bgp core {
	  local $id as $as;
	  neighbor 192.0.2.254 as 64500;
	  ipv4 { import all; export where source = RTS_STATIC; };
	}
	EOC
}

tb_bird_core_conf() {
	local n peers="dc1:192.0.2.1:64501 dc2:192.0.2.2:64502 cl:192.0.2.3:64503"
	tb_pxtr_on && peers="$peers px:192.0.2.50:64504"
	{
		echo "router id 192.0.2.254;"
		echo "protocol device { }"
		echo "protocol kernel { ipv4 { import none; export all; }; learn no; }"
		for n in $peers; do
			IFS=: read -r name addr as <<<"$n"
			echo "protocol bgp $name {"
			echo "  local 192.0.2.254 as 64500;"
			echo "  neighbor $addr as $as;"
			echo "  ipv4 { import all; export all; next hop self; };"
			echo "}"
		done
	} >"$RUN/bird-core.conf"
}

tb_bird_start() {
	local n=$1
	tb_bg "$n" "$RUN/bird-$n.log" bird -f -c "$RUN/bird-$n.conf" \
	    -s "$RUN/bird-$n.ctl" -P "$RUN/bird-$n.pid"
	tb_wait 5 test -S "$RUN/bird-$n.ctl" ||
	    tb_die "bird on $n did not start: $(tail -3 "$RUN/bird-$n.log")" || return 1
}

tb_birdc() {
	local n=$1
	shift
	birdc -s "$RUN/bird-$n.ctl" "$@"
}

tb_bgp_routes_to() {
	ip -n "${TB}$1" route get "$2" 2>/dev/null | grep -q via
}

tb_up_bgp() {
	local n routers="core cl dc1 dc2"
	tb_pxtr_on && routers="$routers px"
	for n in $routers; do
		tb_in "$n" sysctl -qw net.ipv4.ip_forward=1 \
		    net.ipv4.conf.all.send_redirects=0 >/dev/null
	done
	ip -n "${TB}core" addr add 192.0.2.254/24 dev br0
	ip -n "${TB}cl" addr add 203.0.113.1/25 dev site0
	for n in dc1 dc2; do
		ip -n "${TB}$n" link set xenbr0 address "$TB_AMAC"
		ip -n "${TB}$n" addr add 198.51.100.1/24 dev xenbr0
	done
	tb_bird_core_conf
	tb_bird_conf cl 192.0.2.3 64503 \
	    'protocol static site { ipv4; route 203.0.113.0/25 via "site0"; }'
	tb_bird_conf dc1 192.0.2.1 64501 \
	    'protocol static vm { ipv4; route 198.51.100.5/32 via "xenbr0"; }'
	tb_bird_conf dc2 192.0.2.2 64502 \
	    'protocol static vm { disabled yes; ipv4; route 198.51.100.5/32 via "xenbr0"; }'
	tb_pxtr_on && tb_bird_conf px 192.0.2.50 64504 \
	    'protocol static site { ipv4; route 203.0.113.128/25 via "nl0"; }'
	for n in $routers; do
		tb_bird_start "$n" || return 1
	done
	for n in dc1 dc2; do
		xs_fixture_start "$RUN/xs-$n" || return 1
	done
	tb_vm_create || return 1
	tb_wait 40 tb_bgp_routes_to cl "$TB_VM_IP" ||
	    tb_die "no BGP route to the VM at the client site" || return 1
	tb_wait 20 tb_bgp_routes_to dc1 203.0.113.10 ||
	    tb_die "no BGP route to the client at dc1" || return 1
	tb_wait 20 tb_bgp_routes_to dc2 203.0.113.10 ||
	    tb_die "no BGP route to the client at dc2" || return 1
	tb_wait 10 tb_in ch ping -c 1 -W 1 "$TB_VM_IP" ||
	    tb_die "the client cannot reach the VM" || return 1
	if tb_pxtr_on; then
		tb_wait 20 tb_bgp_routes_to dc1 "$TB_NL_IP" ||
		    tb_die "no BGP route to the non-LISP site at dc1" || return 1
		tb_wait 10 tb_in nl ping -c 1 -W 1 "$TB_VM_IP" ||
		    tb_die "the non-LISP host cannot reach the VM" || return 1
	fi
}

tb_bgp_withdraw() { tb_birdc "$1" disable vm >/dev/null; }
tb_bgp_announce() { tb_birdc "$1" enable vm >/dev/null; }

# tb_bgp_mode: the testbed runs one of the BGP modes (no LISP)
tb_bgp_mode() { case ${TB_MODE:-} in bgp|bgp-mrai) return 0 ;; esac; return 1; }

# tb_bgp_announce_mrai WITHDRAWN_NS: dc2 announces the /32 at the core's
# MRAI timer's expiry, TB_BGP_MRAI s after the withdrawal (realtime ns)
tb_bgp_announce_mrai() {
	local at left
	at=$(($1 + ${TB_BGP_MRAI:-30} * 1000000000))
	left=$(awk -v a="$at" -v n="$(tb_now)" \
	    'BEGIN { d = (a - n) / 1e9; printf "%.3f", (d > 0 ? d : 0) }')
	sleep "$left"
	tb_bgp_announce dc2
	tb_mark bgp-announced-mrai
}
