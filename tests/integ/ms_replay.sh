#!/bin/bash
# ms_replay.sh: issue 15 finding 1, a replayed Map-Register must not take
# an EID over (RFC 9301 §5.6: the Map-Server drops a Map-Register whose
# nonce is not greater than the last one of that xTR-ID and key).
#   - A registers the VM's 10.1.0.5/32; an on-path recorder in the MS's
#     namespace keeps A's Map-Register for it (the attacker's capture).
#   - The VM moves: A withdraws it, B registers it, C learns VM -> B.
#   - The attacker r (192.0.2.66, no key) replays A's Map-Register to the
#     MS, from its own address and once more claiming A's (a spoofed
#     source).  Before the fix the MS listed the VM "from 192.0.2.66" and
#     forwarded C's Map-Requests there.
#   - Asserted: the MS still holds the VM from B only, counted the replays
#     (drop_register_replay), is alive, and C's Map-Request for the VM is
#     forwarded to B and answered by B; A's and B's own refreshes (a new,
#     greater nonce each) still go through.
#   - tshark, the independent oracle, decodes the MS's capture: the
#     replayed Map-Register from 192.0.2.66 carries the nonce of one A
#     sent earlier, and no Map-Notify answered it (to 192.0.2.66 or A).
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: mr-*.
# Run directory: build/ms_replay.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mr-
RUN=$PWD/build/ms_replay
. tests/xtr/lib.sh
VM=10.1.0.5/32
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

write_confs() {
	xtr_move_confs 2
}

# record_a_register: A's Map-Register of the VM, as the wire carried it
record_a_register() {
	ip netns exec "${PFX}ms" "$PY" tests/xtr/lispcraft.py sniff eth0 \
	    out="$RUN/a-registers.hex" \
	    ready="$RUN/a-registers.ready" type=3 src=192.0.2.1 count=6 \
	    timeout=15 &
	SNIFF=$!
	xtr_wait 10 test -e "$RUN/a-registers.ready" || die "the recorder did not start"
	xtr_ctl a add "$VM" ttl 60 >/dev/null
	xtr_wait 10 xtr_has_reg ms "$VM" 192.0.2.1 || die "MS lacks A's VM"
	wait "$SNIFF" || true
	# the record: TTL 60, 1 locator, /32, ..., AFI 1, 10.1.0.5
	grep -m1 '0000003c0120.\{8\}00010a010005' "$RUN/a-registers.hex" \
	    >"$RUN/replay.hex" || die "no Map-Register of the VM recorded"
	echo "recorded: $(cut -c1-40 "$RUN/replay.hex")..."
}

move_to_b() {
	xtr_ctl a remove "$VM" >/dev/null
	xtr_ctl b add "$VM" ttl 60 >/dev/null
	xtr_wait 10 xtr_has_reg ms "$VM" 192.0.2.2 || die "MS lacks B's VM"
	xtr_ctl c resolve 10.1.0.5 >/dev/null
	xtr_wait 5 xtr_cached c "$VM" 192.0.2.2 || die "C did not learn VM -> B"
}

replay() {
	local hex
	hex=$(cat "$RUN/replay.hex")
	xtr_capture "${PFX}ms" eth0 "$RUN/ms.pcap" udp port 4342
	ip netns exec "${PFX}r" "$PY" tests/xtr/lispcraft.py 192.0.2.100 raw \
	    hex="$hex"
	ip netns exec "${PFX}r" "$PY" tests/xtr/lispcraft.py 192.0.2.100 raw \
	    hex="$hex" spoof=192.0.2.1
	sleep 1
	xtr_capture_stop
}

# check_tshark: the capture of the replay, decoded by tshark
check_tshark() {
	local n
	command -v tshark >/dev/null || { echo "no tshark: check skipped"; return 0; }
	tshark -r "$RUN/ms.pcap" -d udp.port==4342,lisp -T fields -E separator=' ' \
	    -e frame.time_relative -e ip.src -e ip.dst -e lisp.type -e lisp.nonce \
	    2>/dev/null >"$RUN/tshark.txt"
	cat "$RUN/tshark.txt"
	# the replay: a Map-Register (type 3) from the attacker, A's nonce
	n=$(awk '$2 == "192.0.2.66" && $4 == 3 {print $5; exit}' "$RUN/tshark.txt")
	[ -n "$n" ] || die "tshark: no Map-Register from 192.0.2.66 in the capture"
	"$PY" -c "import sys; n=int(sys.argv[1], 16); h=open(sys.argv[2]).read(); sys.exit(0 if ('%016x' % n) in h else 1)" \
	    "$n" "$RUN/a-registers.hex" || die "tshark: the replay's nonce $n is not one of A's"
	# nobody got a Map-Notify (type 4) for it: not the attacker, and not
	# A with the replay's nonce
	[ "$(awk -v n="$n" '$4 == 4 && ($3 == "192.0.2.66" || $5 == n)' "$RUN/tshark.txt" | wc -l)" = 0 ] ||
	    die "tshark: the MS answered the replay with a Map-Notify"
	echo "tshark: replay nonce $n (A's), unanswered"
}

check() {
	local n f
	kill -0 "$MS_PID" 2>/dev/null || die "the MS died"
	xtr_ctl ms registrations
	n=$(xtr_jq ms "[.registrations[] | select(.eid == \"$VM\")] | length" registrations)
	[ "$n" = 1 ] || die "the MS holds $n registrations of the VM (want B's only)"
	xtr_has_reg ms "$VM" 192.0.2.2 || die "the replay took the VM from B"
	[ "$(xtr_jq ms "[.registrations[] | select(.from == \"192.0.2.66\")] | length" registrations)" = 0 ] ||
	    die "the MS lists a registration from the attacker"
	[ "$(xtr_counter ms drop_register_replay)" -ge 2 ] ||
	    die "the replays were not counted (drop_register_replay $(xtr_counter ms drop_register_replay))"
	# C asks again: the MS forwards to B (not to 192.0.2.66), B answers
	f=$(xtr_counter ms tx_ecm_forward)
	xtr_ctl c lig 10.1.0.5 | tee "$RUN/lig.txt"
	grep -Eq "^ +192\\.0\\.2\\.2 " "$RUN/lig.txt" || die "lig of the VM did not name B"
	[ "$(xtr_jq ms '[.events[] | select(.event == "map-request-forwarded" and .peer == "192.0.2.66")] | length' timeline)" = 0 ] ||
	    die "the MS forwarded a Map-Request to the attacker"
	[ "$(xtr_counter ms tx_ecm_forward)" -gt "$f" ] || die "nothing forwarded"
	# the legitimate refreshes (register_interval 2) still pass
	n=$(xtr_counter b register_acked)
	xtr_wait 8 acked_since b "$n" ||
	    die "B's refresh was not acknowledged after the replay"
	xtr_registered a || die "A lost its registration"
}

acked_since() {	# NODE N: more than N Map-Registers acknowledged
	[ "$(xtr_counter "$1" register_acked)" -gt "$2" ]
}

xtr_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 b:2 c:3 r:66
write_confs
xtr_start ms "$RUN/ms.conf"
MS_PID=${XTR_PIDS##* }
for n in a b c; do xtr_start "$n" "$RUN/$n.conf"; done
xtr_wait 10 xtr_registered a || die "A not registered"
xtr_wait 10 xtr_registered b || die "B not registered"
record_a_register
move_to_b
replay
check
check_tshark
echo "ms_replay: ok"
