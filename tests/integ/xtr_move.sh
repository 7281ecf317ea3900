#!/bin/bash
# xtr_move.sh: a VM's EID /32 moves from xTR A to xTR B.
#   - A serves 10.1.0.0/24 and the VM's 10.1.0.5/32; ITR C has cached A's
#     10.1.0.0/24 (covering the VM), and A has C in its map-cache.
#   - A withdraws 10.1.0.5/32, B registers it.  The MS notifies A; A sends
#     an SMR to C; C sends an SMR-invoked Map-Request through the mapping
#     system and, without waiting for any TTL, caches 10.1.0.5/32 -> B
#     while keeping 10.1.0.0/24 -> A.
#   - The order of events is checked in each daemon's timeline, and C is
#     shown never to believe an unauthenticated source: a forged Map-Reply
#     and a forged SMR from a rogue host change nothing in its map-cache.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xm-*.
# Run directory: build/xtr_move.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xm-
RUN=$PWD/build/xtr_move
. tests/xtr/lib.sh
VM=10.1.0.5/32
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3	# no pyenv shim: 10x faster

write_confs() {
	xtr_move_confs 5
}

seq_of() {	# NODE EVENT EID [PEER]
	local f=".events[] | select(.event == \"$2\" and .eid == \"$3\")"
	[ -n "${4:-}" ] && f="$f | select(.peer == \"$4\")"
	xtr_jq "$1" "[$f | .seq] | first // empty" timeline
}

before() {	# "what" SEQ1 SEQ2: SEQ1 exists, SEQ2 exists, SEQ1 < SEQ2
	[ -n "$2" ] || die "$1: first event missing"
	[ -n "$3" ] || die "$1: second event missing"
	[ "$2" -lt "$3" ] || die "$1: out of order ($2 >= $3)"
	echo "order ok: $1"
}

setup_before_move() {
	xtr_ctl a add "$VM" ttl 60 >/dev/null
	xtr_wait 10 xtr_registered a || die "A not registered"
	xtr_wait 10 xtr_registered b || die "B not registered"
	xtr_wait 10 xtr_registered c || die "C not registered"
	xtr_wait 5 xtr_has_reg ms "$VM" 192.0.2.1 || die "MS lacks A's /32"
	# C caches A's covering /24 (it asked for another host in it) ...
	xtr_ctl c resolve 10.1.0.7 >/dev/null
	xtr_wait 5 xtr_cached c 10.1.0.0/24 192.0.2.1 || die "C did not cache A"
	# ... and A has talked to C, so C is in A's map-cache.
	xtr_ctl a resolve 10.3.0.1 >/dev/null
	xtr_wait 5 xtr_cached a 10.3.0.0/24 192.0.2.3 || die "A did not cache C"
	xtr_ctl c map-cache
	# A SMRed C for the /32 it had just added (RFC 9301 §6.1) when C came
	# into its map-cache, and C asked for it: C asks again for that EID
	# no sooner than rate_limit (1 s) later, however soon the VM moves
	sleep 1.1
}

forge() {	# from the rogue host: a Map-Reply and an SMR, both lies
	ip netns exec "${PFX}r" "$PY" tests/xtr/lispcraft.py 192.0.2.3 \
	    map-reply eid=10.1.0.5/32 rloc=203.0.113.66
	ip netns exec "${PFX}r" "$PY" tests/xtr/lispcraft.py 192.0.2.3 \
	    map-reply eid=10.1.0.0/24 rloc=203.0.113.66 count=5
}

move() {
	local t0 t1
	t0=$(date +%s%N)
	xtr_ctl a remove "$VM" moved-to 192.0.2.2
	xtr_ctl b add "$VM" ttl 60
	xtr_wait 10 xtr_cached c "$VM" 192.0.2.2 ||
	    die "C did not learn $VM -> B: $(xtr_ctl c map-cache)"
	t1=$(date +%s%N)
	echo "C learned the move in $(( (t1 - t0) / 1000000 )) ms"
	[ $(( (t1 - t0) / 1000000 )) -lt 8000 ] || die "too slow"
	xtr_cached c 10.1.0.0/24 192.0.2.1 || die "C lost A's /24"
	xtr_ctl c map-cache
}

check_order() {
	local r w n s1 s2 s3 s4
	# MS: A's withdrawal, B's registration, then the notify to A
	w=$(seq_of ms withdrawn "$VM" 192.0.2.1)
	r=$(seq_of ms registered "$VM" 192.0.2.2)
	n=$(seq_of ms mobility-notify "$VM" 192.0.2.1)
	before "MS withdrawn < registered(B)" "$w" "$r"
	before "MS registered(B) < mobility-notify(A)" "$r" "$n"
	# A: the MS's notify, then the SMR to C
	# (A's first SMR for the VM went to C at setup: the /32 was new)
	s1=$(seq_of a map-notify-moved "$VM" 192.0.2.100)
	[ -n "$s1" ] || die "A got no mobility Map-Notify"
	s2=$(xtr_jq a "[.events[] | select(.event == \"smr-sent\" and
	    .eid == \"$VM\" and .peer == \"192.0.2.3\" and .seq > $s1) |
	    .seq] | first // empty" timeline)
	before "A map-notify-moved < smr-sent(C)" "$s1" "$s2"
	# C: SMR in, SMR-invoked Map-Request to the MR, reply from B
	s1=$(seq_of c smr-received "$VM" 192.0.2.1)
	s2=$(seq_of c map-request-sent "$VM" 192.0.2.100)
	s3=$(seq_of c map-reply-accepted "$VM" 192.0.2.2)
	before "C smr-received < map-request-sent" "$s1" "$s2"
	before "C map-request-sent < map-reply-accepted(B)" "$s2" "$s3"
	xtr_jq c ".events[] | select(.seq == $s2) | .detail" timeline |
	    grep -q smr-invoked || die "C's request lacks the s bit"
	# MS forwarded C's request to B, which answered
	s4=$(seq_of ms map-request-forwarded "$VM" 192.0.2.2)
	[ -n "$s4" ] || die "MS did not forward to B"
	s4=$(seq_of b map-reply-sent "$VM" 192.0.2.3)
	[ -n "$s4" ] || die "B did not answer C"
}

check_trust() {
	local bad
	[ "$(xtr_counter c drop_unsolicited_reply)" -ge 6 ] ||
	    die "forged Map-Replies not counted"
	# every mapping C accepted came from A, B or the MS, never 203.0.113.66
	bad=$(xtr_jq c '[.events[] | select(.event == "map-reply-accepted") | .peer | select(. != "192.0.2.1" and . != "192.0.2.2" and . != "192.0.2.100")] | length' timeline)
	[ "$bad" = 0 ] || die "C accepted a mapping from an unexpected source"
	[ "$(xtr_jq c '[.entries[].rlocs[] | select(.addr == "203.0.113.66")] | length' map-cache)" = 0 ] ||
	    die "forged RLOC in C's map-cache"
	# a forged SMR makes C ask the mapping system, not the forger
	ip netns exec "${PFX}r" "$PY" tests/xtr/lispcraft.py 192.0.2.3 \
	    smr eid=10.1.0.9/32 itr=192.0.2.66
	sleep 1
	[ "$(xtr_jq c '[.events[] | select(.event == "map-request-sent") | .peer | select(. != "192.0.2.100")] | length' timeline)" = 0 ] ||
	    die "C sent a Map-Request somewhere else than the MR"
	xtr_cached c "$VM" 192.0.2.2 || die "forged SMR changed C's cache"
}

xtr_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 b:2 c:3 r:66
write_confs
xtr_start ms "$RUN/ms.conf"
for n in a b c; do xtr_start "$n" "$RUN/$n.conf"; done
setup_before_move
forge
move
check_order
check_trust
xtr_ctl c timeline | tail -n 12
echo "xtr_move: ok"
