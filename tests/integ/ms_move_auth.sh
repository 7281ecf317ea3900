#!/bin/bash
# ms_move_auth.sh: move authorization (issue 15): a Dom0 that shares the
# site key can no longer pull a VM's address to itself.  The Map-Server
# (move_consent = yes, the default) lets an EID held by one xTR be taken
# by another only once the holder released it (the hand-over), withdrew
# it, or stopped refreshing it.
#   - A holds the VM's 10.1.0.5/32.  X (192.0.2.4, a key holder with its
#     own xTR-ID, crafted packets, fresh nonces) registers the VM at its
#     own RLOC: before the fix the MS handed the VM to X at once.
#     Asserted: refused and counted (drop_move_unauthorized), X gets no
#     Map-Notify, the MS still answers with A and C still reaches A; X's
#     pending claim is not applied while A keeps refreshing.
#   - The VM really moves, B first: B's registration waits (pending,
#     unacknowledged) until A withdraws it, then is applied at once and B
#     hears its Map-Notify.
#   - B's xtrd dies (stops refreshing): after two thirds of its lifetime
#     (registration_timeout 6 s here) X's claim is applied (what the
#     policy allows).
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: mv-*.
# Run directory: build/ms_move_auth.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mv-
RUN=$PWD/build/ms_move_auth
. tests/xtr/lib.sh
VM=10.1.0.5/32
XID=58585858585858585858585858585858
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

write_confs() {
	xtr_move_confs 2
	echo 'registration_timeout = 6' >>"$RUN/ms.conf"
}

# claim NONCE: X registers the VM at its own RLOC, with the site key
claim() {
	ip netns exec "${PFX}x" "$PY" tests/xtr/lispcraft.py 192.0.2.100 \
	    map-register eid="$VM" rloc=192.0.2.4 key=dc-key-Zq3V9mXp7LtR2wK xtr_id="$XID" \
	    nonce="$1" sport=4342
}

holds() {	# EID RLOC: the MS's only registration of EID is at RLOC
	[ "$(xtr_jq ms "[.registrations[] | select(.eid == \"$1\")] | length" registrations)" = 1 ] &&
	[ "$(xtr_jq ms "[.registrations[] | select(.eid == \"$1\") | .rlocs[] | select(.addr == \"$2\")] | length" registrations)" = 1 ]
}

more_refused() {	# N: drop_move_unauthorized went past N
	[ "$(xtr_counter ms drop_move_unauthorized)" -gt "$1" ]
}

lig_names() {	# NODE ADDR RLOC
	xtr_ctl "$1" lig "$2" >"$RUN/lig.txt" 2>&1 &&
	    grep -Eq "^ +${3//./\\.} " "$RUN/lig.txt"
}

xtr_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 b:2 c:3 x:4
write_confs
xtr_start ms "$RUN/ms.conf"
MS_PID=${XTR_PIDS##* }
for n in a b c; do xtr_start "$n" "$RUN/$n.conf"; done
B_PID=${XTR_PIDS##* }
B_PID=$(echo "$XTR_PIDS" | awk '{print $3}')
xtr_wait 10 xtr_registered a || die "A not registered"
xtr_ctl a add "$VM" ttl 60 >/dev/null
xtr_wait 10 holds "$VM" 192.0.2.1 || die "MS lacks A's VM"

# 1. the key holder's grab
ip netns exec "${PFX}x" "$PY" tests/xtr/lispcraft.py sniff eth0 \
    out="$RUN/x-notifies.hex" \
    ready="$RUN/x-notifies.ready" type=4 count=1 timeout=3 &
SNIFF=$!
xtr_wait 10 test -e "$RUN/x-notifies.ready" || die "the recorder did not start"
claim 0000000000001000
sleep 1
kill -0 "$MS_PID" 2>/dev/null || die "the MS died"
holds "$VM" 192.0.2.1 || die "X took the VM from A: $(xtr_ctl ms registrations)"
[ "$(xtr_counter ms drop_move_unauthorized)" -ge 1 ] ||
    die "the grab was not counted (drop_move_unauthorized $(xtr_counter ms drop_move_unauthorized))"
if wait "$SNIFF"; then die "X got a Map-Notify for its grab"; fi
lig_names c 10.1.0.5 192.0.2.1 || die "C's lig of the VM: $(cat "$RUN/lig.txt")"
# A keeps refreshing: X's claim stays refused (3 intervals)
sleep 6
holds "$VM" 192.0.2.1 || die "X's pending claim was applied while A refreshes"
echo "grab refused: $(xtr_counter ms drop_move_unauthorized) counted"

# 2. the real move, B first (the race of a migration): B's registration
# waits, unacknowledged, until A withdraws; then it is applied and B hears
# its Map-Notify at once (not at its next retransmission)
n=$(xtr_counter ms drop_move_unauthorized)
xtr_ctl b add "$VM" ttl 60 >/dev/null
xtr_wait 5 more_refused "$n" || die "B's early registration was not held"
holds "$VM" 192.0.2.1 || die "B took the VM before A let it go"
xtr_registered b && die "B's pending registration was acknowledged"
xtr_ctl a remove "$VM" >/dev/null
xtr_wait 10 holds "$VM" 192.0.2.2 || die "B could not take the VM A gave up"
xtr_wait 10 xtr_registered b || die "B not registered"
c=$(xtr_event_seq ms move-consented "$VM")
[ -n "$c" ] || die "no move-consented event at the MS"
echo "hand-over: ok (B waited for A's withdrawal)"

# 3. B stops refreshing: after two intervals a claim is applied
kill -9 "$B_PID"
sleep 5
claim 0000000000002000
xtr_wait 5 holds "$VM" 192.0.2.4 ||
    die "X could not take the VM B no longer refreshes: $(xtr_ctl ms registrations)"
echo "ms_move_auth: ok"
