#!/bin/bash
# xtr_interop_mr.sh: what our Map-Resolver/Map-Server answers an ITR we
# did not write (crafted ECM Map-Requests from 192.0.2.9, whose replies a
# crafted listener on its UDP 4342 decodes):
#  - an ECM Map-Request with the probe bit is dropped (RFC 9301 §5.2: "If
#    a Map-Resolver or Map-Server receives a Map-Request with the
#    probe-bit set, it MUST drop the message"), counted drop_probe_to_ms;
#  - a negative Map-Reply has the A bit clear (§5.4: "The Authoritative
#    bit MAY only be set to 1 by an ETR");
#  - a proxy Map-Reply (a site registered with the P bit and RLOCs
#    192.0.2.19, 192.0.2.9 in that order) has A clear, L clear on every
#    locator (§5.4) and the locators sorted (§5.5: 192.0.2.9 first);
#  - Map-Replies are rate limited (§5.4 MUST): five Map-Requests for one
#    prefix from one ITR at once get three replies (our burst; docs/
#    interop.md), the other two are dropped (drop_map_reply_ratelimited).
# Before this (xtrd of 2026-11-25): a reply to the probe, A set on the
# negative reply, L set and the registered order in the proxy reply, five
# replies.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xir-*.
# Run directory: build/xtr_interop_mr.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xir-
RUN=$PWD/build/xtr_interop_mr
PY=${PYTHON:-python3}
CRAFT=$PWD/tests/xtr/lispcraft.py
. tests/xtr/lib.sh

FAILED=""
fail() { echo "FAIL: $*" >&2; FAILED="$FAILED|$1"; }

# ecm NONCE ARGS...: a crafted ECM Map-Request from the ITR to the MS
ecm() {
	local nonce=$1
	shift
	ip netns exec "${PFX}p" "$PY" "$CRAFT" 192.0.2.100 ecm-request \
	    itr=192.0.2.9 nonce="$nonce" "$@"
}
# replies NONCE: the Map-Replies with NONCE the ITR got so far
replies() {
	jq -s --arg n "$1" 'map(select(.type == 2 and .nonce == $n))' \
	    "$RUN/itr.jsonl"
}
nreplies() { replies "$1" | jq length; }
has_reply() { [ "$(nreplies "$1")" -ge 1 ]; }

xtr_need
command -v "$PY" >/dev/null || skip "needs python3"
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 p:9 q:19
cat >"$RUN/ms.conf" <<EOC
role = "ms"
sites = [ 'name=dc,key=dc-key-Zq3V9mXp7LtR2wK,eid=10.9.0.0/16,more_specifics=yes' ]
control_socket = "$RUN/ms.sock"
EOC
xtr_start ms "$RUN/ms.conf"
ip netns exec "${PFX}p" "$PY" "$CRAFT" listen 0.0.0.0 4342 60 \
    out="$RUN/itr.jsonl" &
XTR_PIDS="$XTR_PIDS $!"
xtr_wait 5 test -f "$RUN/itr.jsonl" || die "the listener did not start"
ip netns exec "${PFX}q" "$PY" "$CRAFT" 192.0.2.100 map-register \
    eid=10.9.0.0/24 rloc=192.0.2.19,192.0.2.9 key=dc-key-Zq3V9mXp7LtR2wK proxy=1
xtr_wait 5 xtr_has_reg ms 10.9.0.0/24 192.0.2.19 ||
    die "the site's registration was refused: $(xtr_ctl ms registrations)"

# negative: outside every site (answered first: it sets the baseline)
ecm 00000000000000a1 eid=10.200.0.1/32
xtr_wait 5 has_reply 00000000000000a1 || fail "no negative Map-Reply"
replies 00000000000000a1 | jq -e '.[0].records[0].locs == [] and
    .[0].records[0].A == 0' >/dev/null ||
    fail "negative Map-Reply: $(replies 00000000000000a1 | jq -c '.[0].records')"

# proxy reply: A clear, L clear, sorted
ecm 00000000000000b1 eid=10.9.0.7/32
xtr_wait 5 has_reply 00000000000000b1 || fail "no proxy Map-Reply"
replies 00000000000000b1 | jq -e '.[0].records[0].A == 0' >/dev/null ||
    fail "proxy Map-Reply with the A bit"
replies 00000000000000b1 | jq -e '[.[0].records[0].locs[].L] | all(. == 0)' \
    >/dev/null || fail "proxy Map-Reply with L set"
replies 00000000000000b1 | jq -e '[.[0].records[0].locs[].rloc] ==
    ["192.0.2.9", "192.0.2.19"]' >/dev/null ||
    fail "proxy Map-Reply's locators not sorted: $(replies 00000000000000b1 | jq -c '[.[0].records[0].locs[].rloc]')"

# the probe bit: dropped
ecm 00000000000000c1 eid=10.9.0.8/32 probe=1
# the next request (after the probe) is answered: by then the probe's
# answer, if any, came too (one socket, in order)
ecm 00000000000000c2 eid=10.9.0.9/32
xtr_wait 5 has_reply 00000000000000c2 || fail "no reply after the probe"
[ "$(nreplies 00000000000000c1)" = 0 ] ||
    fail "the MS answered a Map-Request with the probe bit"
[ "$(xtr_counter ms drop_probe_to_ms)" = 1 ] ||
    fail "drop_probe_to_ms is $(xtr_counter ms drop_probe_to_ms)"

# rate limit: five at once for one prefix, one answer
ecm 00000000000000d1 eid=10.9.0.10/32 count=5	# one process: ~ms apart
ecm 00000000000000e1 eid=10.9.0.11/32	# another prefix: answered
xtr_wait 5 has_reply 00000000000000e1 || fail "no reply for 10.9.0.11"
n=$(nreplies 00000000000000d1)
echo "five Map-Requests for 10.9.0.10/32 at once: $n replies"
[ "$n" = 3 ] || fail "$n Map-Replies to five Map-Requests at once"
[ "$(xtr_counter ms drop_map_reply_ratelimited)" = 2 ] ||
    fail "drop_map_reply_ratelimited is $(xtr_counter ms drop_map_reply_ratelimited)"
[ -z "$FAILED" ] || die "failed:${FAILED//|/ | }"
echo "xtr_interop_mr: ok"
