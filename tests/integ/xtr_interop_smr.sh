#!/bin/bash
# xtr_interop_smr.sh: our SMRs in the layout deployed xTRs accept (RFC
# 9301 §6.1), and SMRs whenever our database changes.  A peer we did not
# write is played by crafted packets (tests/xtr/lispcraft.py): it
# registers 10.9.0.0/24 at our Map-Server with the proxy bit, xTR A
# resolves it, and the peer listens on UDP 4342.  Then:
#  - `xtrctl add 10.1.0.5/32` at A: the peer gets an SMR whose EID-record
#    is the peer's own prefix as A caches it (10.9.0.0/24) and whose
#    Source-EID is the changed EID (10.1.0.5), S and D set; tshark decodes
#    it the same way;
#  - `xtrctl remove 10.1.0.6/32` (a configured mapping): another SMR,
#    Source-EID 10.1.0.6;
#  - the API's POST /v1/database/add (what xtrctl add is) counts in
#    A's tx_smr.
# Before this (xtrd of 2026-11-25): no SMR at all on add/remove, and the
# SMRs of POST /v1/smr named the changed EID in the EID-record.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xis-*.
# Run directory: build/xtr_interop_smr.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xis-
RUN=$PWD/build/xtr_interop_smr
PY=${PYTHON:-python3}
CRAFT=$PWD/tests/xtr/lispcraft.py
. tests/xtr/lib.sh

write_confs() {
	cat >"$RUN/ms.conf" <<-EOC
	role = "ms"
	sites = [ 'name=dc,key=dc-key-Zq3V9mXp7LtR2wK,eid=10.1.0.0/16,more_specifics=yes',
	          'name=peer,key=peer-key-Zq3V9mXp7LtR2wK,eid=10.9.0.0/16,more_specifics=yes' ]
	control_socket = "$RUN/ms.sock"
	EOC
	cat >"$RUN/a.conf" <<-EOC
	rlocs = [ '192.0.2.1' ]
	database = [ '10.1.0.0/24', '10.1.0.6/32' ]
	map_servers = [ '192.0.2.100,key=dc-key-Zq3V9mXp7LtR2wK' ]
	map_resolvers = [ '192.0.2.100' ]
	control_socket = "$RUN/a.sock"
	EOC
}

# Every check runs, and the test fails at the end with all that failed.
FAILED=""
fail() { echo "FAIL: $*" >&2; FAILED="$FAILED|$1"; }

# smr_to_peer EID: an SMR whose EID-record is the peer's prefix as A
# caches it and whose Source-EID is EID
smr_to_peer() {
	[ -f "$RUN/peer.jsonl" ] &&
	    jq -e -s --arg e "$1" 'map(select(.type == 1 and .S == 1 and
	    .source_eid == $e and .records[0].eid == "10.9.0.0/24" and
	    .D == 1 and .itr_rlocs[0] == "192.0.2.1")) | length > 0' \
	    "$RUN/peer.jsonl" >/dev/null
}

xtr_need
command -v "$PY" >/dev/null || skip "needs python3"
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 p:9
write_confs
if command -v tcpdump >/dev/null; then
	xtr_capture "${PFX}p" eth0 "$RUN/p.pcap" udp port 4342
fi
xtr_start ms "$RUN/ms.conf"
xtr_start a "$RUN/a.conf"
xtr_wait 10 xtr_registered a || die "A not registered"
# the peer registers its site with the proxy bit: the MS answers for it
ip netns exec "${PFX}p" "$PY" "$CRAFT" 192.0.2.100 map-register \
    eid=10.9.0.0/24 rloc=192.0.2.9 key=peer-key-Zq3V9mXp7LtR2wK proxy=1
xtr_wait 5 xtr_has_reg ms 10.9.0.0/24 192.0.2.9 ||
    die "the peer's registration was refused: $(xtr_ctl ms registrations)"
xtr_ctl a resolve 10.9.0.7 >/dev/null
xtr_wait 5 xtr_cached a 10.9.0.0/24 192.0.2.9 ||
    die "A did not cache the peer: $(xtr_ctl a map-cache)"
ip netns exec "${PFX}p" "$PY" "$CRAFT" listen 0.0.0.0 4342 60 \
    out="$RUN/peer.jsonl" &
XTR_PIDS="$XTR_PIDS $!"
xtr_wait 5 test -f "$RUN/peer.jsonl" || die "the peer does not listen"
smr0=$(xtr_counter a tx_smr)

# the API's explicit SMR (POST /v1/smr, what migrated asks for)
xtr_ctl a smr 10.1.0.0/24 >/dev/null
xtr_wait 5 smr_to_peer 10.1.0.0 ||
    fail "POST /v1/smr: no SMR naming the peer's 10.9.0.0/24 with Source-EID 10.1.0.0"
# a database add (the API's, through xtrctl) SMRs the peer
xtr_ctl a add 10.1.0.5/32 >/dev/null
xtr_wait 5 smr_to_peer 10.1.0.5 ||
    fail "database add: no SMR for 10.1.0.5 (tx_smr $(xtr_counter a tx_smr))"
# a database remove SMRs the peer too
xtr_ctl a remove 10.1.0.6/32 >/dev/null
xtr_wait 5 smr_to_peer 10.1.0.6 ||
    fail "database remove: no SMR for 10.1.0.6 (tx_smr $(xtr_counter a tx_smr))"
[ "$(xtr_counter a tx_smr)" -ge $((smr0 + 3)) ] ||
    fail "A counted $(xtr_counter a tx_smr) SMRs, $smr0 before"
echo "what the peer received:"
cat "$RUN/peer.jsonl"

# tshark, an independent decoder, reads the same fields
if [ -n "${CAP_PID:-}" ] && command -v tshark >/dev/null && [ -z "$FAILED" ]
then
	xtr_capture_stop 5 bash -c "tshark -r '$RUN/p.pcap' -d udp.port==4342,lisp -Y 'lisp.type == 1 && ip.src == 192.0.2.1' 2>/dev/null | grep -q ."
	tshark -r "$RUN/p.pcap" -V -d udp.port==4342,lisp \
	    -Y 'ip.src == 192.0.2.1 && lisp.type == 1' 2>/dev/null \
	    >"$RUN/smr.txt" || true
	# (this tshark predates RFC 9301: it shows the D bit as "Reserved
	# bits: 0x001")
	grep -q "S bit (Solicit-Map-Request): Set" "$RUN/smr.txt" ||
	    fail "tshark sees no SMR bit: $(head -40 "$RUN/smr.txt")"
	grep -q "Map-Request Record 1: 10.9.0.0/24" "$RUN/smr.txt" ||
	    fail "tshark: no EID-record 10.9.0.0/24: $(head -60 "$RUN/smr.txt")"
	grep -q "Source EID: 10.1.0.5" "$RUN/smr.txt" ||
	    fail "tshark: no Source EID 10.1.0.5: $(head -60 "$RUN/smr.txt")"
	grep -E "Solicit-Map-Request|Source EID:|Map-Request Record" \
	    "$RUN/smr.txt" | sort | uniq -c
fi
[ -z "$FAILED" ] || die "failed:${FAILED//|/ | }"
echo "xtr_interop_smr: ok"
