#!/bin/bash
# ms_notify_replay.sh: issue 15 finding 2 (the Map-Notify part): an ETR
# accepts a Map-Notify only when it answers an outstanding Map-Register of
# ours (its nonce) or, when the Map-Server starts it (mobility), when its
# nonce is greater than the last one accepted from that Map-Server.
#   - A serves 10.1.0.0/24 and the VM's 10.1.0.5/32.  The VM moves to B:
#     the MS tells A (mobility Map-Notify, VM -> B), which the attacker's
#     recorder in A's namespace keeps.
#   - The VM comes back to A (B withdraws, A registers it again).
#   - The attacker r (192.0.2.66, no key) replays the recorded Map-Notify
#     to A claiming the MS's address.  Before the fix A believed it:
#     map-notify-moved, SMRs to its peers, and (with a data plane) an away
#     entry that sends the VM's traffic to B, where it loops.
#   - Asserted: A drops it (drop_stale_notify), no second map-notify-moved,
#     A still serves and registers the VM, its refreshes still acked, the
#     MS still holds the VM from A and C resolves it to A.
#   - A restarts (state_dir keeps the Map-Server's last nonce and A's
#     xTR-ID) and the attacker replays again: still dropped, still no
#     map-notify-moved; the MS lists A under the same xTR-ID.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: mn-*.
# Run directory: build/ms_notify_replay.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mn-
RUN=$PWD/build/ms_notify_replay
. tests/xtr/lib.sh
VM=10.1.0.5/32
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

write_confs() {
	xtr_move_confs 2
	echo "state_dir = \"$RUN/a-state\"" >>"$RUN/a.conf"
}

moved_events() {
	xtr_jq a "[.events[] | select(.event == \"map-notify-moved\" and .eid == \"$VM\")] | length" timeline
}

moved_once() {
	[ "$(moved_events)" = 1 ]
}

# move_and_record: the VM goes to B; A's mobility Map-Notify is recorded
move_and_record() {
	xtr_ctl a add "$VM" ttl 60 >/dev/null
	xtr_wait 10 xtr_has_reg ms "$VM" 192.0.2.1 || die "MS lacks A's VM"
	ip netns exec "${PFX}a" "$PY" tests/xtr/lispcraft.py sniff eth0 \
	    out="$RUN/a-notifies.hex" \
	    ready="$RUN/a-notifies.ready" type=4 src=192.0.2.100 count=40 \
	    timeout=6 &
	SNIFF=$!
	xtr_wait 10 test -e "$RUN/a-notifies.ready" || die "the recorder did not start"
	xtr_ctl a remove "$VM" >/dev/null
	xtr_ctl b add "$VM" ttl 60 >/dev/null
	xtr_wait 10 moved_once || die "A was not told of the move"
	wait "$SNIFF" || true
	# the record: 10.1.0.5/32 with one locator, B's 192.0.2.2
	grep -m1 '00010a010005.\{12\}0001c0000202' "$RUN/a-notifies.hex" \
	    >"$RUN/replay.hex" || die "no mobility Map-Notify recorded"
	echo "recorded: $(cut -c1-40 "$RUN/replay.hex")..."
}

move_back() {
	xtr_ctl b remove "$VM" >/dev/null
	xtr_ctl a add "$VM" ttl 60 >/dev/null
	xtr_wait 10 xtr_has_reg ms "$VM" 192.0.2.1 || die "MS lacks A's VM again"
	xtr_wait 10 xtr_registered a || die "A not registered again"
	xtr_ctl c resolve 10.1.0.5 >/dev/null
	xtr_wait 5 xtr_cached c "$VM" 192.0.2.1 || die "C did not learn VM -> A"
}

replay() {
	ip netns exec "${PFX}r" "$PY" tests/xtr/lispcraft.py 192.0.2.1 raw \
	    hex="$(cat "$RUN/replay.hex")" spoof=192.0.2.100 count=3
	sleep 1
}

check() {
	local n
	kill -0 "$A_PID" 2>/dev/null || die "A died"
	[ "$(moved_events)" = 1 ] ||
	    die "A believed the replayed Map-Notify ($(moved_events) map-notify-moved)"
	[ "$(xtr_counter a drop_stale_notify)" -ge 3 ] ||
	    die "the replays were not counted (drop_stale_notify $(xtr_counter a drop_stale_notify))"
	[ "$(xtr_jq a "[.mappings[] | select(.eid == \"$VM\")] | length" database)" = 1 ] ||
	    die "A no longer serves the VM"
	n=$(xtr_counter a register_acked)
	xtr_wait 8 acked_since a "$n" ||
	    die "A's refresh was not acknowledged after the replay"
	xtr_has_reg ms "$VM" 192.0.2.1 || die "the MS lost A's VM"
	xtr_ctl c lig 10.1.0.5 | tee "$RUN/lig.txt"
	grep -Eq "^ +192\\.0\\.2\\.1 " "$RUN/lig.txt" || die "lig of the VM did not name A"
}

acked_since() {	# NODE N: more than N Map-Registers acknowledged
	[ "$(xtr_counter "$1" register_acked)" -gt "$2" ]
}

# restart_a: A stops and starts again (its API-added VM is gone; the VM
# is still inside its 10.1.0.0/24, so a Map-Notify moving it is a move)
a_xtr_id() {	# A's xTR-ID as the MS lists it for A's /24
	xtr_jq ms '.registrations[] | select(.eid == "10.1.0.0/24") | .xtr_id' registrations
}

restart_a() {
	local before
	before=$(a_xtr_id)
	kill "$A_PID"
	while kill -0 "$A_PID" 2>/dev/null; do sleep 0.1; done
	rm -f "$RUN/a.sock"
	xtr_start a "$RUN/a.conf"
	A_PID=${XTR_PIDS##* }
	xtr_wait 10 xtr_registered a || die "A not registered after its restart"
	# state_dir/xtr-id: the same xTR-ID (RFC 9301 §5.6: it tracks the
	# nonce), so the MS refreshes A's registration, no second xTR
	[ "$(a_xtr_id)" = "$before" ] ||
	    die "A came back with another xTR-ID: $(a_xtr_id) (was $before)"
}

check_after_restart() {
	local n
	n=$(xtr_jq a "[.events[] | select(.event == \"map-notify-moved\")] | length" timeline)
	[ "$n" = 0 ] || die "the restarted A believed the replayed Map-Notify"
	[ "$(xtr_counter a drop_stale_notify)" -ge 1 ] ||
	    die "the restarted A did not count the replay"
	kill -0 "$A_PID" 2>/dev/null || die "A died"
}

xtr_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 b:2 c:3 r:66
write_confs
xtr_start ms "$RUN/ms.conf"
xtr_start a "$RUN/a.conf"
A_PID=${XTR_PIDS##* }
for n in b c; do xtr_start "$n" "$RUN/$n.conf"; done
xtr_wait 10 xtr_registered a || die "A not registered"
move_and_record
move_back
replay
check
restart_a
replay
check_after_restart
echo "ms_notify_replay: ok"
