#!/bin/bash
# xtr_interop_withdraw.sh: a withdrawal never undoes a newer registration
# elsewhere.  A Map-Server that ignores Record TTL 0 (deployed ones do)
# takes a TTL-0 Map-Register as a fresh registration, so xTR A resolves an
# EID before withdrawing it and sends no TTL-0 Map-Register when another
# RLOC already answers for it.
#  - 10.1.0.5/32 registered from A, then by a peer we did not write
#    (crafted Map-Register from 192.0.2.9, proxy bit: the MS answers for
#    it); `xtrctl remove 10.1.0.5/32` at A: A resolves, the MS answers
#    192.0.2.9, A sends no Map-Register with TTL 0 for it (capture at the
#    MS, decoded by lispcraft's decoder and by tshark) and counts
#    withdraw_skipped;
#  - control: 10.1.0.6/32 only A has: `xtrctl remove` resolves, the MS
#    forwards the Map-Request to A itself (it is the registered ETR), so A
#    withdraws it and the MS drops the registration.
# Before this (xtrd of 2026-11-25) A withdrew 10.1.0.5/32 at once.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xiw-*.
# Run directory: build/xtr_interop_withdraw.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xiw-
RUN=$PWD/build/xtr_interop_withdraw
PY=${PYTHON:-python3}
CRAFT=$PWD/tests/xtr/lispcraft.py
. tests/xtr/lib.sh

write_confs() {
	cat >"$RUN/ms.conf" <<-EOC
	role = "ms"
	sites = [ 'name=dc,key=dc-key-Zq3V9mXp7LtR2wK,eid=10.1.0.0/16,more_specifics=yes' ]
	control_socket = "$RUN/ms.sock"
	# the peer takes A's /32 without A's consent: a deployed MS's way
	# (ours waits for A's release by default, tests/integ/ms_move_auth.sh)
	move_consent = no
	EOC
	cat >"$RUN/a.conf" <<-EOC
	rlocs = [ '192.0.2.1' ]
	database = [ '10.1.0.0/24', '10.1.0.5/32', '10.1.0.6/32' ]
	map_servers = [ '192.0.2.100,key=dc-key-Zq3V9mXp7LtR2wK' ]
	map_resolvers = [ '192.0.2.100' ]
	control_socket = "$RUN/a.sock"
	EOC
}

FAILED=""
fail() { echo "FAIL: $*" >&2; FAILED="$FAILED|$1"; }

# ttl0_from_a EID: A's Map-Registers with Record TTL 0 for EID, as the
# MS's capture holds them (lispcraft's decoder over tshark's raw bytes)
ttl0_from_a() {
	tshark -r "$RUN/ms.pcap" -d udp.port==4342,lisp \
	    -Y "ip.src == 192.0.2.1 && lisp.type == 3" \
	    -T fields -e udp.payload 2>/dev/null |
	    "$PY" -c '
import sys
sys.path.insert(0, "tests/xtr")
import lispcraft
n = 0
for h in sys.stdin:
    h = h.strip().split(",")[0].replace(":", "")
    if not h:
        continue
    d = lispcraft.decode(bytes.fromhex(h))
    if d["type"] == 3:
        n += sum(1 for r in d["records"]
                 if r["eid"] == sys.argv[1] and r["ttl"] == 0)
print(n)' "$1"
}

event_count() {	# NODE EVENT EID
	xtr_jq "$1" "[.events[] | select(.event == \"$2\" and .eid == \"$3\")] | length" timeline
}

xtr_need
command -v "$PY" >/dev/null || skip "needs python3"
command -v tcpdump >/dev/null || skip "needs tcpdump"
command -v tshark >/dev/null || skip "needs tshark"
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 p:9
write_confs
xtr_capture "${PFX}ms" eth0 "$RUN/ms.pcap" udp port 4342
xtr_start ms "$RUN/ms.conf"
xtr_start a "$RUN/a.conf"
xtr_wait 10 xtr_registered a || die "A not registered"
xtr_has_reg ms 10.1.0.5/32 192.0.2.1 || die "MS lacks A's 10.1.0.5/32"

# the peer takes 10.1.0.5/32 (as after a move), with proxy reply
ip netns exec "${PFX}p" "$PY" "$CRAFT" 192.0.2.100 map-register \
    eid=10.1.0.5/32 rloc=192.0.2.9 key=dc-key-Zq3V9mXp7LtR2wK proxy=1
xtr_wait 5 xtr_has_reg ms 10.1.0.5/32 192.0.2.9 ||
    die "the peer's registration was refused: $(xtr_ctl ms registrations)"

# A removes it: resolve first, another RLOC answers, no withdrawal
xtr_ctl a remove 10.1.0.5/32 >/dev/null
skipped() { [ "$(event_count a withdraw-skipped 10.1.0.5/32)" -ge 1 ]; }
sent() { [ "$(event_count a withdraw-sent 10.1.0.5/32)" -ge 1 ]; }
skipped_or_sent() { skipped || sent; }
xtr_wait 10 skipped_or_sent ||
    fail "A neither withdrew 10.1.0.5/32 nor skipped it"
sent && fail "A sent a withdrawal of 10.1.0.5/32 while 192.0.2.9 answers for it"
skipped || fail "A logged no withdraw-skipped for 10.1.0.5/32"
[ "$(xtr_counter a withdraw_skipped)" = 1 ] ||
    fail "withdraw_skipped is $(xtr_counter a withdraw_skipped)"
xtr_has_reg ms 10.1.0.5/32 192.0.2.9 || fail "the peer's registration is gone"

# control: 10.1.0.6/32 is A's alone, so it is withdrawn
xtr_ctl a remove 10.1.0.6/32 >/dev/null
gone() { ! xtr_has_reg ms 10.1.0.6/32 192.0.2.1; }
xtr_wait 10 gone || fail "A's 10.1.0.6/32 was not withdrawn"
[ "$(event_count a withdraw-checked 10.1.0.6/32)" -ge 1 ] ||
    echo "note: no withdraw-checked event (an xtrd without the check)"

xtr_capture_stop 5 bash -c "[ \$(tshark -r '$RUN/ms.pcap' -d udp.port==4342,lisp -Y 'ip.src == 192.0.2.1 && lisp.type == 3' 2>/dev/null | wc -l) -ge 3 ]"
n5=$(ttl0_from_a 10.1.0.5/32)
n6=$(ttl0_from_a 10.1.0.6/32)
echo "TTL-0 Map-Registers from A on the wire: 10.1.0.5/32: $n5, 10.1.0.6/32: $n6"
[ "$n5" = 0 ] || fail "A sent $n5 TTL-0 Map-Registers for 10.1.0.5/32"
[ "$n6" -ge 1 ] || fail "A sent no TTL-0 Map-Register for 10.1.0.6/32"
tshark -r "$RUN/ms.pcap" -V -d udp.port==4342,lisp \
    -Y 'ip.src == 192.0.2.1 && lisp.type == 3' 2>/dev/null |
    grep -E "^ +(Record TTL|EID Prefix):|Mapping Record [0-9]+" | sort | uniq -c
xtr_ctl a timeline | grep -E "withdraw|database-remove" || true
[ -z "$FAILED" ] || die "failed:${FAILED//|/ | }"
echo "xtr_interop_withdraw: ok"
