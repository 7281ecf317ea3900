#!/bin/bash
# dp_move.sh: the lossless move.  A 1000 packets/s UDP stream with
# sequence numbers runs from host hc (behind xTR C) to a VM whose EID
# 10.1.0.5/32 moves from xTR A to xTR B: its link is pulled out of A's
# site bridge, announced as migrated (A: database remove with moved_to B,
# B: database add, as migrated does), and after a blackout plugged into
# B's site bridge, where the VM sends a gratuitous ARP as a resumed guest
# does.  Every packet sent after the VM is back up must arrive; the time
# from up to the first delivered packet is reported.  "Up" is when B's
# bridge forwards the VM's port, as a resumed guest's vif does once
# hotplug has plugged it in.  The stream is measured in datagrams, not
# seconds: it flows (2000 delivered at A) before the move and goes on until
# AFTER_UP datagrams were sent after up, however slowly a busy machine
# runs the sender, the move's steps or the receiver.  A's away entry must
# have redirected packets, sent no SMR before the MS's mobility Map-Notify
# (B registered) and C must map the VM to B within SMR_MAX_MS of it;
# the VM's old neighbour (ha, still at A) reaches it over IPv4 (proxy ARP)
# and IPv6 (proxy ND), and the VM reaches ha back; A's away entries expire
# once no packet uses them (away_timeout 3 s here).
# Arguments: none.  Environment: BLACKOUT (seconds, default 0.5), AFTER_UP
# (datagrams, default 2000), SMR_MAX_MS (default 500), BIN, KEEP_RUN=1.
# Namespaces: dpm-*.
# Run directory: build/dp_move.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dpm-
RUN=$PWD/build/dp_move
BLACKOUT=${BLACKOUT:-0.5}
AFTER_UP=${AFTER_UP:-2000}
SEQ=$PWD/tests/tools/seqstream.py
DP_EXTRA_CONF='away_timeout = 3'	# the away entry must go once idle
DP_PEERS=yes		# B decapsulates what A redirects (decap_peers)
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

add_vm() {
	local vm=${PFX}vm
	ip netns add "$vm"
	XTR_NS="$XTR_NS $vm"
	ip link add "${PFX}evm" netns "$vm" type veth peer name vifvm \
	    netns "${PFX}a"
	ip -n "${PFX}a" link set vifvm master site0 up
	ip -n "$vm" link set lo up
	ip -n "$vm" link set "${PFX}evm" name eth0
	ip -n "$vm" addr add 10.1.0.5/24 dev eth0
	ip -n "$vm" addr add 2001:db8:1::5/64 dev eth0 nodad
	ip -n "$vm" link set eth0 up
	ip -n "$vm" route add default via 10.1.0.1
	ip -n "$vm" -6 route add default via 2001:db8:1::1
	xtr_ctl a add 10.1.0.5/32 >/dev/null
	xtr_ctl a add 2001:db8:1::5/128 >/dev/null
	xtr_wait 10 xtr_has_reg ms 10.1.0.5/32 192.0.2.1 ||
	    die "10.1.0.5/32 not registered from A"
}

dp_counters() {
	echo "$1: $(xtr_jq "$1" '.counters | with_entries(select(.key | startswith("dp_")) | select(.value > 0))' counters | tr -d '\n ')"
}

warm_up() {
	dp_in hc ping -c 2 -i 0.2 -W 2 10.1.0.5 >/dev/null ||
	    die "hc cannot reach the VM at A"
	xtr_wait 5 xtr_cached c 10.1.0.5/32 192.0.2.1 ||
	    die "C does not map 10.1.0.5/32 to A: $(xtr_ctl c map-cache)"
}

move() {
	# blackout: the VM is suspended, its vif leaves A
	ip -n "${PFX}a" link set vifvm nomaster
	ip -n "${PFX}a" link set vifvm netns "${PFX}b"
	xtr_ctl a remove 10.1.0.5/32 moved-to 192.0.2.2 >/dev/null
	xtr_ctl b add 10.1.0.5/32 >/dev/null
	xtr_ctl a remove 2001:db8:1::5/128 moved-to 192.0.2.2 >/dev/null
	xtr_ctl b add 2001:db8:1::5/128 >/dev/null
	sleep "$BLACKOUT"
	# resume at B: up once B's bridge forwards the port (it leaves
	# "disabled" when linkwatch reports vifvm's carrier, a workqueue a
	# busy machine runs late; until then the GARP and B's ARP for the
	# VM go nowhere)
	ip -n "${PFX}b" link set vifvm master site0 up
	xtr_wait 10 port_forwarding b vifvm ||
	    die "B's bridge does not forward vifvm"
	UP_NS=$(date +%s%N)
	[ -z "${DP_DEBUG:-}" ] || date "+up %H:%M:%S.%N" >> "$RUN/neigh.log"
	dp_in vm "$PY" "$SEQ" garp eth0 10.1.0.5
	echo "moved: blackout ${BLACKOUT}s, up at $UP_NS"
}

# port_forwarding NODE PORT: NODE's bridge forwards on PORT
port_forwarding() {
	[ "$(ip -n "${PFX}$1" -d -j link show "$2" |
	    jq -r '.[0].linkinfo.info_slave_data.state')" = forwarding ]
}

# lines_at_least FILE N
lines_at_least() {
	[ "$(wc -l < "$1")" -ge "$2" ]
}

# sent_after_up N: N datagrams were sent at or after UP_NS
sent_after_up() {
	[ "$(awk -v up="$UP_NS" '$2 >= up' "$RUN/sent.log" | wc -l)" -ge "$1" ]
}

# check [quiet]: every datagram sent after up arrived
check() {
	"$PY" "$SEQ" check "$RUN/sent.log" "$RUN/recv.log" "$UP_NS"
}

stream() {
	# the stop files end the receiver and the sender (and so does the
	# run directory's removal, if the test dies)
	dp_in vm "$PY" "$SEQ" recv 9000 300 "$RUN/recv.log" "$RUN/rx.stop" &
	RX=$!
	xtr_wait 30 test -e "$RUN/recv.log" || die "the receiver did not start"
	dp_in hc "$PY" "$SEQ" send 10.1.0.5 9000 1000 300 "$RUN/sent.log" \
	    "$RUN/tx.stop" &
	TX=$!
	xtr_wait 30 lines_at_least "$RUN/recv.log" 2000 ||
	    die "the stream does not reach the VM at A"
	if [ -n "${DP_DEBUG:-}" ]; then
		dp_in b ip -ts monitor neigh dev site0 > "$RUN/neigh.log" 2>&1 &
		XTR_PIDS="$XTR_PIDS $!"
		dp_in b tcpdump -i any --immediate-mode -U -s 128 -w "$RUN/b.pcap" \
		    udp port 9000 or udp port 4341 or arp >/dev/null 2>&1 &
		XTR_PIDS="$XTR_PIDS $!"
		dp_in vm tcpdump -i eth0 --immediate-mode -U -s 128 -w "$RUN/vm.pcap" \
		    >/dev/null 2>&1 &
		XTR_PIDS="$XTR_PIDS $!"
		sleep 0.5
	fi
	move
	xtr_wait 120 sent_after_up "$AFTER_UP" ||
	    die "the sender did not send $AFTER_UP datagrams after up"
	touch "$RUN/tx.stop"
	wait "$TX" || die "sender failed"
	# what is still on its way (B's neighbour queue, a late receiver)
	xtr_wait 10 check || true
	touch "$RUN/rx.stop"
	wait "$RX" || die "receiver failed"
	check || {
		dp_counters a; dp_counters b; dp_counters c
		dp_in b ip -s neigh show dev site0
		dp_in b cat /proc/net/stat/arp_cache | head -3
		dp_in b nstat -az 2>/dev/null | grep -iE "drop|discard|Err" | grep -v " 0 " || true
		dp_in b ip -s link show site0
		die "packets sent after the VM came up were lost"
	}
}

# A's away entry is made at the suspend, before B registers: it must not
# SMR C until the MS's mobility Map-Notify says B holds the EID (an SMR
# before that fetches the old mapping and spends C's one-per-second
# budget), and C must then map the EID to B within SMR_MAX_MS.
SMR_MAX_MS=${SMR_MAX_MS:-500}
check_smr_timing() {
	local eid=10.1.0.5/32 tn tr early ts tc
	tn=$(xtr_jq a "[.events[] | select(.event == \"map-notify-moved\" and
	    .eid == \"$eid\") | .t_ms] | first // empty" timeline)
	[ -n "$tn" ] || die "A got no mobility Map-Notify for $eid"
	# (the SMRs of the database add, RFC 9301 §6.1, came long before)
	tr=$(xtr_jq a "[.events[] | select(.event == \"database-remove\" and
	    .eid == \"$eid\") | .t_ms] | last // empty" timeline)
	[ -n "$tr" ] || die "A logged no database-remove for $eid"
	early=$(xtr_jq a "[.events[] | select(.event == \"smr-sent\" and
	    .eid == \"$eid\" and .t_ms >= $tr and .t_ms < $tn)] | length" \
	    timeline)
	[ "$early" = 0 ] ||
	    die "A sent $early SMRs for $eid before the mobility Map-Notify"
	ts=$(xtr_jq a "[.events[] | select(.event == \"smr-sent\" and
	    .eid == \"$eid\" and .peer == \"192.0.2.3\") | .t_ms] |
	    first // empty" timeline)
	[ -n "$ts" ] || die "A sent no SMR to C for $eid"
	tc=$(xtr_jq c "[.events[] | select(.event == \"map-reply-accepted\"
	    and .eid == \"$eid\" and .peer == \"192.0.2.2\" and
	    .t_ms >= $tn) | .t_ms] | first // empty" timeline)
	[ -n "$tc" ] || die "C never accepted B's mapping for $eid"
	echo "A: mobility Map-Notify, SMR to C +$((ts - tn)) ms, C maps" \
	    "$eid to B +$((tc - tn)) ms ($(xtr_counter a dp_away_smr_held)" \
	    "SMRs held before it)"
	[ $((tc - tn)) -le "$SMR_MAX_MS" ] ||
	    die "C mapped $eid to B $((tc - tn)) ms after the notify" \
	    "(> $SMR_MAX_MS)"
}

check_after() {
	local n
	n=$(xtr_counter a dp_away_reencap)
	echo "A: $n packets redirected to B, $(xtr_counter a tx_smr) SMRs sent"
	[ "$n" -gt 0 ] || die "A redirected nothing"
	check_smr_timing
	# the timeline row xl-migrate-lisp shows as "first packet redirected"
	xtr_ctl a --json timeline | jq -e '[.events[] |
	    select(.event == "dp-first-redirect" and
	    (.eid | startswith("10.1.0.5")))] | length >= 1' >/dev/null ||
	    die "A's timeline has no dp-first-redirect for 10.1.0.5"
	xtr_wait 5 xtr_cached c 10.1.0.5/32 192.0.2.2 ||
	    die "C still does not map 10.1.0.5/32 to B: $(xtr_ctl c map-cache)"
	echo "C now maps 10.1.0.5/32 to B"
	dp_in ha ping -c 2 -i 0.2 -W 2 10.1.0.5 >/dev/null ||
	    die "the VM's old neighbour ha cannot reach it at B"
	echo "old neighbour ha reaches the VM at B (proxy ARP at A)"
	dp_in ha ping -c 2 -i 0.2 -W 2 2001:db8:1::5 >/dev/null ||
	    die "ha cannot reach the VM's IPv6 EID at B"
	dp_in vm ping -c 2 -i 0.2 -W 2 2001:db8:1::10 >/dev/null ||
	    die "the VM at B cannot reach its old IPv6 neighbour"
	echo "IPv6 both ways between ha and the VM at B (proxy ND at A and B:" \
	    "$(xtr_counter a dp_nd_proxy_na) + $(xtr_counter b dp_nd_proxy_na) NAs)"
	# nothing reaches A for the VM any more: its away entries expire
	xtr_wait 10 sh -c "[ \$($BIN/xtrctl -s $RUN/a.sock --json counters |
	    jq .counters.dp_away_expired) -ge 2 ]" ||
	    die "A's away entries did not expire"
	echo "A's away entries expired after ${DP_EXTRA_CONF#*= }s idle"
}

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
add_vm
warm_up
stream
check_after
echo "dp_move: ok"
