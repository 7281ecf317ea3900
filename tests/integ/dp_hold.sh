#!/bin/bash
# dp_hold.sh: nothing lost during the blackout either (issue 18).  A 1000
# datagrams/s UDP stream with sequence numbers runs from host hc (behind
# xTR C) to a VM whose EID 10.1.0.5/32 moves from xTR A to xTR B, as a
# live migration does it: at the suspend B is told the EID is coming
# (POST /v1/expect, as migrated does for an --incoming domain) and A hands
# it over (database remove with moved_to B: its away entry redirects from
# now on); the VM's link leaves A; BLACKOUT seconds later it is plugged
# into B's site bridge, the VM announces itself (gratuitous ARP) and only
# then does B add the EID to its database (migrated's arrival).  Every
# datagram of the whole stream must arrive, in order of sequence, the
# blackout's too: B holds them (dp_held) and releases them at the arrival
# (dp_hold_released).  On the old code B dropped them as not local.
# With HOLD_EID_PACKETS=N (dp_hold_bound.sh) B holds at most N: exactly
# dp_drop_hold_full datagrams are missing, no other.  With HOLD_EXPECT=0
# (dp_hold_peer.sh) B is not told: the first datagram A (a decap_peers
# Dom0) redirects is the expectation, as when libxl introduces the
# incoming domain only at the end of the blackout.
# With HOLD_MODE=arrival (dp_hold_arrival.sh) B is told as migrated tells
# it: expected until the guest's arrival ("until": "arrival"); B adds the
# EID at xl's rename (register_at = rename), ARRIVAL_GAP seconds before
# the guest's vif is plugged in, and only then does migrated's arrival
# (netfront connected, or the announcement) come ("arrived"): nothing may
# be released into the site before it (before, B released at the add,
# into a vif that was not connected).  ARRIVAL_SIGNAL=0 runs the same
# timing with a plain expect, as B did before (shows the loss).
# With HOLD_MODE=sends (dp_hold_sends.sh) the same as arrival, but the
# guest sends (one datagram to hc) as soon as it is up and migrated's
# "arrived" comes only ARRIVAL_LATE seconds (default 1) later: B must
# release at the guest's first packet (dp-hold-arrived "its first packet
# from the site"), before migrated's call; nothing lost.  Before, B
# released only at migrated's call (in the bench 4-98 ms after up).
# With HOLD_MODE=abort (dp_hold_abort.sh) the migration aborts during the
# hold: the VM never leaves A (its link is only down, suspended), B is
# told the migration was cancelled, then A takes the EID back; every
# datagram B held must reach the VM at A, those of the blackout in order,
# none lost (before, B dropped them: dp_drop_hold_cancel).
# Arguments: none.  Environment: BLACKOUT (seconds, default 0.5),
# AFTER_UP (datagrams, default 1000), HOLD_EID_PACKETS, HOLD_EXPECT,
# HOLD_MODE, ARRIVAL_GAP (seconds, default 1), ARRIVAL_SIGNAL,
# ARRIVAL_LATE (seconds, default 1), BIN, KEEP_RUN=1.
# Namespaces: dph-* (dphb-* with HOLD_EID_PACKETS, dphp- HOLD_EXPECT=0,
# dpha- HOLD_MODE=arrival, dphs- HOLD_MODE=sends, dphx- HOLD_MODE=abort).
# Run directory: build/dp_hold (build/dp_hold_bound, build/dp_hold_peer,
# build/dp_hold_arrival, build/dp_hold_sends, build/dp_hold_abort).
set -eu -o pipefail
cd "$(dirname "$0")/../.."
HOLD_MODE=${HOLD_MODE:-}
if [ "$HOLD_MODE" = arrival ]; then
	PFX=dpha-
	RUN=$PWD/build/dp_hold_arrival
	DP_EXTRA_CONF=""
elif [ "$HOLD_MODE" = sends ]; then
	PFX=dphs-
	RUN=$PWD/build/dp_hold_sends
	DP_EXTRA_CONF=""
elif [ "$HOLD_MODE" = abort ]; then
	PFX=dphx-
	RUN=$PWD/build/dp_hold_abort
	DP_EXTRA_CONF=""
elif [ "${HOLD_EXPECT:-1}" = 0 ]; then
	PFX=dphp-
	RUN=$PWD/build/dp_hold_peer
	DP_EXTRA_CONF=""
elif [ -n "${HOLD_EID_PACKETS:-}" ]; then
	PFX=dphb-
	RUN=$PWD/build/dp_hold_bound
	DP_EXTRA_CONF="hold_eid_packets = $HOLD_EID_PACKETS"
else
	PFX=dph-
	RUN=$PWD/build/dp_hold
	DP_EXTRA_CONF=""
fi
BLACKOUT=${BLACKOUT:-0.5}
AFTER_UP=${AFTER_UP:-1000}
SEQ=$PWD/tests/tools/seqstream.py
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
	ip -n "$vm" link set eth0 up
	ip -n "$vm" route add default via 10.1.0.1
	xtr_ctl a add 10.1.0.5/32 >/dev/null
	xtr_wait 10 xtr_has_reg ms 10.1.0.5/32 192.0.2.1 ||
	    die "10.1.0.5/32 not registered from A"
}

warm_up() {
	dp_in hc ping -c 2 -i 0.2 -W 2 10.1.0.5 >/dev/null ||
	    die "hc cannot reach the VM at A"
	xtr_wait 5 xtr_cached c 10.1.0.5/32 192.0.2.1 ||
	    die "C does not map 10.1.0.5/32 to A: $(xtr_ctl c map-cache)"
}

# port_forwarding NODE PORT: NODE's bridge forwards on PORT
port_forwarding() {
	[ "$(ip -n "${PFX}$1" -d -j link show "$2" |
	    jq -r '.[0].linkinfo.info_slave_data.state')" = forwarding ]
}

lines_at_least() {
	[ "$(wc -l < "$1")" -ge "$2" ]
}

sent_after_up() {
	[ "$(awk -v up="$UP_NS" '$2 >= up' "$RUN/sent.log" | wc -l)" -ge "$1" ]
}

# the guest resumes at B: its vif plugged in and forwarding
plug_in_b() {
	ip -n "${PFX}b" link set vifvm master site0 up
	xtr_wait 10 port_forwarding b vifvm ||
	    die "B's bridge does not forward vifvm"
}

# HOLD_MODE=arrival: migrated's timing, the add at xl's rename before the
# guest's vif is connected, the release at the guest's arrival
move_arrival() {
	local how=until-arrival
	[ "${ARRIVAL_SIGNAL:-1}" = 1 ] || how=""
	xtr_ctl b expect 10.1.0.5/32 ${how:+"$how"} >/dev/null ||
	    echo "B refused 'expect $how' (an xtrd without the arrival)"
	xtr_ctl a remove 10.1.0.5/32 moved-to 192.0.2.2 >/dev/null
	ip -n "${PFX}a" link set vifvm nomaster
	ip -n "${PFX}a" link set vifvm netns "${PFX}b"
	SUSPEND_NS=$(date +%s%N)
	sleep "$BLACKOUT"
	# xl renames the domain: migrated registers it (register_at =
	# rename) while the guest's netfront is still to connect
	xtr_ctl b add 10.1.0.5/32 >/dev/null
	ADD_NS=$(date +%s%N)
	sleep "${ARRIVAL_GAP:-1}"
	plug_in_b
	UP_NS=$(date +%s%N)
	dp_in vm "$PY" "$SEQ" garp eth0 10.1.0.5
	# migrated's arrival (netfront connected or the announcement)
	[ -z "$how" ] || xtr_ctl b expect 10.1.0.5/32 arrived >/dev/null
	echo "moved: blackout ${BLACKOUT}s, added at B $(( (ADD_NS -
	    SUSPEND_NS) / 1000000 )) ms after the suspend, guest up" \
	    "$(( (UP_NS - ADD_NS) / 1000000 )) ms after the add"
}

# now_us: CLOCK_MONOTONIC in µs, the clock of xtrd's timeline (t_us)
now_us() {
	"$PY" -c 'import time; print(time.monotonic_ns() // 1000)'
}

# HOLD_MODE=sends: migrated's timing as in move_arrival, but the guest
# sends before anyone says it arrived, and migrated's "arrived" is late
move_sends() {
	xtr_ctl b expect 10.1.0.5/32 until-arrival >/dev/null
	xtr_ctl a remove 10.1.0.5/32 moved-to 192.0.2.2 >/dev/null
	ip -n "${PFX}a" link set vifvm nomaster
	ip -n "${PFX}a" link set vifvm netns "${PFX}b"
	SUSPEND_NS=$(date +%s%N)
	sleep "$BLACKOUT"
	xtr_ctl b add 10.1.0.5/32 >/dev/null	# xl's rename
	sleep "${ARRIVAL_GAP:-1}"
	plug_in_b
	UP_NS=$(date +%s%N)
	# the guest's first packet: one datagram to hc (through B's TUN)
	SENT_US=$(now_us)
	dp_in vm "$PY" -c 'import socket; socket.socket(socket.AF_INET,
	    socket.SOCK_DGRAM).sendto(b"up", ("10.3.0.10", 9))'
	sleep "${ARRIVAL_LATE:-1}"
	LATE_US=$(now_us)
	xtr_ctl b expect 10.1.0.5/32 arrived >/dev/null || true
	echo "moved: blackout ${BLACKOUT}s, the guest sent at up," \
	    "migrated's arrival ${ARRIVAL_LATE:-1}s later"
}

# check_sends: B released at the guest's first packet, before migrated's
# (late) arrival
check_sends() {
	local arr rel
	xtr_jq b '.events[] | select(.event | startswith("dp-hold")) |
	    "  \(.t_us) \(.event) \(.eid) \(.detail)"' timeline
	arr=$(xtr_jq b '[.events[] | select(.event == "dp-hold-arrived" and
	    .eid == "10.1.0.5/32")][0].detail // ""' timeline)
	case $arr in
	*"first packet from the site"*) ;;
	*) die "B's arrival was not the guest's first packet: '$arr'" ;;
	esac
	rel=$(xtr_jq b '[.events[] | select(.event == "dp-hold-release" and
	    .eid == "10.1.0.5/32")][0].t_us // 0' timeline)
	if [ "$rel" -lt "$SENT_US" ] || [ "$rel" -ge "$LATE_US" ]; then
		die "B released at $rel us, not between the guest's packet" \
		    "($SENT_US) and migrated's arrival ($LATE_US)"
	fi
	echo "released $(( (rel - SENT_US) / 1000 )) ms after the guest's" \
	    "first packet was sent"
}

# HOLD_MODE=abort: suspended at A, redirected to B and held there, then
# the migration aborts: B is told (cancel), A resumes the guest and takes
# the EID back (as migrated's reclaim: registered again, SMRs)
move_abort() {
	xtr_ctl b expect 10.1.0.5/32 >/dev/null
	xtr_ctl a remove 10.1.0.5/32 moved-to 192.0.2.2 >/dev/null
	ip -n "${PFX}a" link set vifvm nomaster
	SUSPEND_NS=$(date +%s%N)
	sleep "$BLACKOUT"
	CANCEL_NS=$(date +%s%N)
	xtr_ctl b expect 10.1.0.5/32 cancel >/dev/null
	ip -n "${PFX}a" link set vifvm master site0 up
	xtr_wait 10 port_forwarding a vifvm ||
	    die "A's bridge does not forward vifvm"
	xtr_ctl a add 10.1.0.5/32 >/dev/null
	ABORT_NS=$(date +%s%N)
	UP_NS=$ABORT_NS
	dp_in vm "$PY" "$SEQ" garp eth0 10.1.0.5
	xtr_ctl a smr 10.1.0.5/32 >/dev/null
	echo "aborted: blackout ${BLACKOUT}s (suspend to A's add" \
	    "$(( (ABORT_NS - SUSPEND_NS) / 1000000 )) ms)"
}

move() {
	case $HOLD_MODE in
	arrival) move_arrival; return ;;
	sends) move_sends; return ;;
	abort) move_abort; return ;;
	esac
	# the suspend: B expects the EID, A redirects it to B from now on
	# (an old xtrd without /v1/expect refuses: the loss check says what
	# that costs)
	if [ "${HOLD_EXPECT:-1}" = 1 ]; then
		xtr_ctl b expect 10.1.0.5/32 >/dev/null ||
		    echo "B refused 'expect' (an xtrd without issue 18)"
	fi
	xtr_ctl a remove 10.1.0.5/32 moved-to 192.0.2.2 >/dev/null
	ip -n "${PFX}a" link set vifvm nomaster
	ip -n "${PFX}a" link set vifvm netns "${PFX}b"
	SUSPEND_NS=$(date +%s%N)
	sleep "$BLACKOUT"
	# resume at B: plugged in, forwarding, the guest announces itself,
	# and migrated's arrival adds the EID at B
	plug_in_b
	UP_NS=$(date +%s%N)
	dp_in vm "$PY" "$SEQ" garp eth0 10.1.0.5
	xtr_ctl b add 10.1.0.5/32 >/dev/null
	echo "moved: blackout ${BLACKOUT}s (suspend to up" \
	    "$(( (UP_NS - SUSPEND_NS) / 1000000 )) ms)"
}

# missing: datagrams sent but never received (the whole stream)
missing() {
	{ "$PY" "$SEQ" check "$RUN/sent.log" "$RUN/recv.log" 0 || true; } |
	    sed -n 's/.*missing after up \([0-9]*\).*/\1/p'
}

# settled: no more missing than the bound dropped
settled() {
	[ "$(missing)" -le "$(xtr_counter b dp_drop_hold_full)" ]
}

stream() {
	dp_in vm "$PY" "$SEQ" recv 9000 300 "$RUN/recv.log" "$RUN/rx.stop" &
	RX=$!
	xtr_wait 30 test -e "$RUN/recv.log" || die "the receiver did not start"
	dp_in hc "$PY" "$SEQ" send 10.1.0.5 9000 1000 300 "$RUN/sent.log" \
	    "$RUN/tx.stop" &
	TX=$!
	xtr_wait 30 lines_at_least "$RUN/recv.log" 1000 ||
	    die "the stream does not reach the VM at A"
	move
	xtr_wait 120 sent_after_up "$AFTER_UP" ||
	    die "the sender did not send $AFTER_UP datagrams after up"
	touch "$RUN/tx.stop"
	wait "$TX" || die "sender failed"
	# what is still on its way (B's paced release or return, a late
	# receiver)
	if [ "$HOLD_MODE" = abort ]; then
		xtr_wait 20 settled_abort || true
	else
		xtr_wait 10 settled || true
	fi
	touch "$RUN/rx.stop"
	wait "$RX" || die "receiver failed"
}

# settled_abort: B returned all it held
settled_abort() {
	[ "$(xtr_counter b dp_hold_returned)" -ge \
	    "$(xtr_counter b dp_held)" ] && [ "$(missing)" = 0 ]
}

# out_of_order: the datagrams sent from the suspend to the cancel (all
# held at B: A's away entry lasts until its add, well after the cancel;
# then returned) that arrived after one of a higher sequence of that
# window
out_of_order() {
	awk -v s="$SUSPEND_NS" -v e="$CANCEL_NS" '$2 >= s && $2 < e {
	    if (n++ && $1 <= last) bad++; last = $1 }
	    END { print bad + 0 }' "$RUN/recv.log"
}

check_abort() {
	local lost held ret ooo win
	lost=$(missing)
	held=$(xtr_counter b dp_held)
	ret=$(xtr_counter b dp_hold_returned)
	ooo=$(out_of_order)
	win=$(awk -v s="$SUSPEND_NS" -v e="$CANCEL_NS" '$2 >= s && $2 < e' \
	    "$RUN/sent.log" | wc -l)
	echo "B held $held, returned $ret, dropped on cancel" \
	    "$(xtr_counter b dp_drop_hold_cancel); A looped" \
	    "$(xtr_counter a dp_drop_loop), TTL $(xtr_counter a dp_drop_ttl);" \
	    "$win sent in the blackout, $ooo of them out of order"
	xtr_jq b '.events[] | select(.event | startswith("dp-hold")) |
	    "  \(.t_ms) \(.event) \(.eid) \(.detail)"' timeline
	[ "$lost" = 0 ] || die "$lost datagrams lost across the abort"
	[ "$held" -gt 0 ] || die "B held nothing: no blackout?"
	[ "$held" = "$ret" ] || die "B held $held, returned $ret"
	[ "$ooo" = 0 ] || die "$ooo held datagrams came back out of order"
	[ "$(xtr_counter a dp_drop_loop)" = 0 ] ||
	    die "A cut a loop: B returned before A took the EID back"
	[ -n "$(xtr_jq b '.events[] | select(.event == "dp-hold-returned"
	    and .eid == "10.1.0.5/32") | .seq' timeline)" ] ||
	    die "no dp-hold-returned in B's timeline"
}

check_all() {
	local lost held rel full sent
	"$PY" "$SEQ" check "$RUN/sent.log" "$RUN/recv.log" "$UP_NS" || true
	sent=$(wc -l < "$RUN/sent.log")
	lost=$(missing)
	held=$(xtr_counter b dp_held)
	rel=$(xtr_counter b dp_hold_released)
	full=$(xtr_counter b dp_drop_hold_full)
	echo "sent $sent, lost $lost; A redirected" \
	    "$(xtr_counter a dp_away_reencap); B held $held, released $rel," \
	    "dropped $full (bound), $(xtr_counter b dp_drop_not_local) not local"
	if [ "$HOLD_MODE" = abort ]; then
		check_abort
	elif [ -z "${HOLD_EID_PACKETS:-}" ]; then
		[ "$lost" = 0 ] || die "$lost datagrams lost across the move"
		[ "$held" -gt 0 ] || die "B held nothing: no blackout?"
		[ "$held" = "$rel" ] || die "B held $held, released $rel"
		[ "$HOLD_MODE" != sends ] || check_sends
	else
		if [ "$held" -lt "$HOLD_EID_PACKETS" ] || [ "$held" != "$rel" ]
		then
			die "B held $held (bound $HOLD_EID_PACKETS), released $rel"
		fi
		[ "$full" -gt 0 ] || die "the bound dropped nothing"
		[ "$lost" = "$full" ] ||
		    die "$lost datagrams lost, $full counted as the overflow"
	fi
	[ "$(xtr_counter b dp_drop_hold_timeout)" = 0 ] ||
	    die "B's expectation timed out"
}

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
add_vm
warm_up
stream
check_all
echo "dp_hold${HOLD_EID_PACKETS:+ (bound $HOLD_EID_PACKETS)}${HOLD_MODE:+ ($HOLD_MODE)}: ok"
