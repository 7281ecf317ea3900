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
# Before this (xtrd of 2026-11-25) `xtrd -n` printed "configuration OK"
# alone.
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
xtr_net a:1 ms:100
cat >"$RUN/a.conf" <<EOC
rlocs = [ '192.0.2.1' ]
database = [ '10.1.0.0/24' ]
map_servers = [ '192.0.2.100,key=old-key,alg=hmac-sha1,key_id=0',
                '192.0.2.101,key=new-key' ]
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
want = hmac.new(b"old-key", zeroed, hashlib.sha1).digest()
assert m[16:36] == want, "HMAC-SHA-1 does not verify"
print("Map-Register to 192.0.2.100: Key ID 0, Algorithm ID 1, 20-byte "
      "HMAC-SHA-1 verified by Python hmac")' || die "the Map-Register is not what an HMAC-SHA-1 peer expects"
echo "xtr_interop_auth: ok"
