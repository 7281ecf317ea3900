#!/bin/bash
# xtr_interop_auth.sh: the authentication algorithm is an explicit choice.
# Deployed Map-Servers that know only HMAC-SHA-1 read 20 bytes of
# authentication data whatever the Algorithm ID, and read our Key ID and
# Algorithm ID bytes as RFC 6833's one 16-bit Key ID; with our default
# (HMAC-SHA-256, Algorithm ID 2) they reject our Map-Registers.  So:
#  - `xtrd -n` says, for each Map-Server and site, the algorithm, its
#    Algorithm ID and authentication data length and the Key ID, and
#    that the default was taken and what such peers need;
#  - with alg=hmac-sha1,key_id=0 the Map-Register that reaches a Map-Server
#    we did not write (a crafted listener on 192.0.2.100) carries Key ID 0,
#    Algorithm ID 1, 20 bytes of HMAC-SHA-1 over the message with them
#    zeroed, which the listener verifies with Python's hmac (RFC 2104).
#  - our Map-Server with a site on HMAC-SHA-256-128+HKDF-SHA256 (RFC 9301
#    §5.6 algorithm 3, Key ID 3) accepts a crafted Map-Register whose
#    per-message key Python derived (RFC 5869 HKDF over hmac), refuses
#    one with Key ID 4 (drop_auth_key_id), and our ETR B registers
#    with it; a site on HMAC-SHA-256 accepts the RFC's 16-byte
#    HMAC-SHA-256-128 as well as the deployed 32 bytes.
# Before this (xtrd of 2026-11-25) `xtrd -n` printed "configuration OK"
# alone, algorithm 3 was refused and the Key ID was not checked.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xia-*.
# Run directory: build/xtr_interop_auth.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xia-
RUN=$PWD/build/xtr_interop_auth
PY=${PYTHON:-python3}
CRAFT=$PWD/tests/xtr/lispcraft.py
. tests/xtr/lib.sh

xtr_need
command -v "$PY" >/dev/null || skip "needs python3"
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net a:1 ms:100 b:2 p:9 ms2:200
cat >"$RUN/a.conf" <<EOC
rlocs = [ '192.0.2.1' ]
database = [ '10.1.0.0/24' ]
map_servers = [ '192.0.2.100,key=old-key-Zq3V9mXp7LtR2wK,alg=hmac-sha1,key_id=0',
                '192.0.2.101,key=new-key-Zq3V9mXp7LtR2wK' ]
control_socket = "$RUN/a.sock"
register_interval = 5
EOC
"$BIN/xtrd" -n -f "$RUN/a.conf" >"$RUN/n.out" 2>&1 || die "xtrd -n: $(cat "$RUN/n.out")"
cat "$RUN/n.out"
grep -q "^map-server 192.0.2.100: authentication HMAC-SHA-1 (Algorithm ID 1, 20-byte authentication data), Key ID 0$" "$RUN/n.out" ||
    die "xtrd -n does not state 192.0.2.100's HMAC-SHA-1, Key ID 0"
grep -q "^map-server 192.0.2.101: authentication HMAC-SHA-256 (Algorithm ID 2, 32-byte authentication data), Key ID 0 (the default: alg= not set; a peer that knows only HMAC-SHA-1 needs alg=hmac-sha1,key_id=0)$" "$RUN/n.out" ||
    die "xtrd -n does not say 192.0.2.101's HMAC-SHA-256 is the default"

# an older Map-Server: what reaches it, checked byte by byte
ip netns exec "${PFX}ms" "$PY" "$CRAFT" listen 0.0.0.0 4342 30 \
    out="$RUN/ms.jsonl" &
XTR_PIDS="$XTR_PIDS $!"
xtr_wait 5 test -f "$RUN/ms.jsonl" || die "the listener did not start"
xtr_start a "$RUN/a.conf"
xtr_wait 10 grep -q '"type": 3' "$RUN/ms.jsonl" || die "no Map-Register came"
head -n 1 "$RUN/ms.jsonl" | "$PY" -c '
import hashlib, hmac, json, sys
d = json.loads(sys.stdin.readline())
m = bytes.fromhex(d["hex"])
assert d["key_id"] == 0 and d["alg_id"] == 1 and d["auth_len"] == 20, d
assert m[12:16] == bytes([0, 1, 0, 20]), m[12:16].hex()
zeroed = m[:16] + bytes(20) + m[36:]
want = hmac.new(b"old-key-Zq3V9mXp7LtR2wK", zeroed, hashlib.sha1).digest()
assert m[16:36] == want, "HMAC-SHA-1 does not verify"
print("Map-Register to 192.0.2.100: Key ID 0, Algorithm ID 1, 20-byte "
      "HMAC-SHA-1 verified by Python hmac")' || die "the Map-Register is not what an HMAC-SHA-1 peer expects"

# algorithm 3 and the Key ID at our Map-Server
FAILED=""
fail() { echo "FAIL: $*" >&2; FAILED="$FAILED|$1"; }
cat >"$RUN/ms2.conf" <<EOC
role = "ms"
sites = [ 'name=hk,key=hk-key-Zq3V9mXp7LtR2wK,alg=hmac-sha256-hkdf,key_id=3,eid=10.2.0.0/16,more_specifics=yes',
          'name=tr,key=tr-key-Zq3V9mXp7LtR2wK,eid=10.5.0.0/16,more_specifics=yes' ]
control_socket = "$RUN/ms2.sock"
EOC
cat >"$RUN/b.conf" <<EOC
rlocs = [ '192.0.2.2' ]
database = [ '10.2.0.0/24' ]
map_servers = [ '192.0.2.200,key=hk-key-Zq3V9mXp7LtR2wK,alg=hmac-sha256-hkdf,key_id=3' ]
control_socket = "$RUN/b.sock"
EOC
xtr_start ms2 "$RUN/ms2.conf"
craft() { ip netns exec "${PFX}p" "$PY" "$CRAFT" 192.0.2.200 map-register rloc=192.0.2.9 "$@"; }
craft eid=10.2.9.0/24 key=hk-key-Zq3V9mXp7LtR2wK alg=hkdf key_id=3
xtr_wait 5 xtr_has_reg ms2 10.2.9.0/24 192.0.2.9 ||
    fail "algorithm 3 (Python's HKDF) refused: $(xtr_ctl ms2 counters | grep drop)"
craft eid=10.2.8.0/24 key=hk-key-Zq3V9mXp7LtR2wK alg=hkdf key_id=4
xtr_wait 5 bash -c "[ \"\$($BIN/xtrctl -s $RUN/ms2.sock --json counters | jq .counters.drop_auth_key_id)\" = 1 ]" ||
    fail "Key ID 4 for a site of Key ID 3 not refused as drop_auth_key_id"
xtr_has_reg ms2 10.2.8.0/24 192.0.2.9 && fail "Key ID 4 registered"
craft eid=10.5.1.0/24 key=tr-key-Zq3V9mXp7LtR2wK alg=sha256-128
xtr_wait 5 xtr_has_reg ms2 10.5.1.0/24 192.0.2.9 ||
    fail "the RFC's 16-byte HMAC-SHA-256-128 refused"
craft eid=10.5.2.0/24 key=tr-key-Zq3V9mXp7LtR2wK alg=sha256
xtr_wait 5 xtr_has_reg ms2 10.5.2.0/24 192.0.2.9 ||
    fail "the deployed 32-byte HMAC-SHA-256 refused"
xtr_start b "$RUN/b.conf"
xtr_wait 10 xtr_registered b || fail "our ETR on algorithm 3 not registered"
xtr_ctl ms2 registrations
[ -z "$FAILED" ] || die "failed:${FAILED//|/ | }"
echo "xtr_interop_auth: ok"
