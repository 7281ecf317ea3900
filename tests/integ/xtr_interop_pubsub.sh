#!/bin/bash
# xtr_interop_pubsub.sh: our Map-Server against a subscriber we did not
# write (RFC 9437; crafted ECM Map-Requests from 192.0.2.3, a crafted
# listener on its UDP 4342).  The subscriber registers its own site
# (10.3.0.0/24, xTR-ID X) so the Map-Server knows its key; the site
# 10.1.0.0/24 is registered from 192.0.2.1 (crafted too, proxy bit).
#  - subscribe (I and N bits, xTR-ID X, nonce N0): the Map-Server
#    acknowledges with a Map-Notify carrying N0 (§5: "MUST send a
#    Map-Notify message back to the xTR ... MUST use the nonce from the
#    Map-Request");
#  - two publications (a more-specific registered, then withdrawn) carry
#    N0+1, N0+2 (§6: "increments the nonce by one");
#  - the same subscription again with N0 is a replay: no acknowledgment,
#    drop_pubsub_replay (§5: "MUST verify that the nonce ... is greater");
#  - xTR-ID X asking from an ITR-RLOC that is not X's (192.0.2.66): not
#    subscribed, drop_pubsub_auth (§7: "MUST verify that an xTR is allowed
#    to ... use the xTR-ID, Site-ID, and ITR-RLOCs");
#  - unsubscribe (N set, one ITR-RLOC of AFI 0, nonce above): the
#    subscription goes, a Map-Notify goes to the source RLOC (§5), and
#    a further update reaches nobody.
# Before this (xtrd of 2026-11-25): no acknowledgment, random nonces, the
# replay and the forged ITR-RLOC accepted, the unsubscription refused as
# a bad AFI.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xips-*.
# Run directory: build/xtr_interop_pubsub.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xips-
RUN=$PWD/build/xtr_interop_pubsub
PY=${PYTHON:-python3}
CRAFT=$PWD/tests/xtr/lispcraft.py
. tests/xtr/lib.sh

X=0123456789abcdef0123456789abcdef
XA=a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0	# the site's xTR, registering
N0=0000000100000000

FAILED=""
fail() { echo "FAIL: $*" >&2; FAILED="$FAILED|$1"; }

craft() {	# NODE ARGS...
	local n=$1
	shift
	ip netns exec "${PFX}$n" "$PY" "$CRAFT" 192.0.2.100 "$@"
}
hexadd() { printf '%016x' $(( 16#$1 + $2 )); }
notifies() {	# NONCE: Map-Notifies with NONCE the subscriber got
	jq -s --arg n "$1" 'map(select(.type == 4 and .nonce == $n)) | length' \
	    "$RUN/sub.jsonl"
}
got() { [ "$(notifies "$1")" -ge 1 ]; }
subs() {
	xtr_jq ms '[.subscriptions[] | select(.eid == "10.1.0.0/24")] | length' \
	    subscriptions
}

xtr_need
command -v "$PY" >/dev/null || skip "needs python3"
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 s:3 r:66
cat >"$RUN/ms.conf" <<EOC
role = "ms"
sites = [ 'name=dc,key=dc-key-Zq3V9mXp7LtR2wK,eid=10.1.0.0/16,more_specifics=yes',
          'name=sub,key=sub-key-Zq3V9mXp7LtR2wK,eid=10.3.0.0/16,more_specifics=yes' ]
control_socket = "$RUN/ms.sock"
EOC
xtr_start ms "$RUN/ms.conf"
ip netns exec "${PFX}s" "$PY" "$CRAFT" listen 0.0.0.0 4342 90 \
    out="$RUN/sub.jsonl" &
XTR_PIDS="$XTR_PIDS $!"
xtr_wait 5 test -f "$RUN/sub.jsonl" || die "the listener did not start"
# (one xTR's Map-Register nonces grow, RFC 9301 §5.6: the MS drops others)
craft a map-register eid=10.1.0.0/24 rloc=192.0.2.1 key=dc-key-Zq3V9mXp7LtR2wK proxy=1 xtr_id="$XA" nonce=0000000000000011
craft s map-register eid=10.3.0.0/24 rloc=192.0.2.3 key=sub-key-Zq3V9mXp7LtR2wK xtr_id="$X"
xtr_wait 5 xtr_has_reg ms 10.1.0.0/24 192.0.2.1 || die "site not registered"
xtr_wait 5 xtr_has_reg ms 10.3.0.0/24 192.0.2.3 || die "subscriber not registered"

# subscribe: acknowledged with the request's nonce
craft s ecm-request eid=10.1.0.7/32 itr=192.0.2.3 sub_xtr_id="$X" nonce="$N0"
xtr_wait 5 got "$N0" || fail "no Map-Notify acknowledging the subscription with its nonce"
[ "$(subs)" = 1 ] || fail "no subscription at the MS: $(xtr_ctl ms subscriptions)"

# publications: nonce + 1, + 2
craft a map-register eid=10.1.0.5/32 rloc=192.0.2.1 key=dc-key-Zq3V9mXp7LtR2wK xtr_id="$XA" nonce=0000000000000012
xtr_wait 5 got "$(hexadd "$N0" 1)" || fail "first publication's nonce is not N0+1"
craft a map-register eid=10.1.0.5/32 rloc=192.0.2.1 key=dc-key-Zq3V9mXp7LtR2wK ttl=0 xtr_id="$XA" nonce=0000000000000013
xtr_wait 5 got "$(hexadd "$N0" 2)" || fail "second publication's nonce is not N0+2"

# a replayed subscription: no acknowledgment
craft s ecm-request eid=10.1.0.7/32 itr=192.0.2.3 sub_xtr_id="$X" nonce="$N0"
xtr_wait 5 bash -c "[ \"\$($BIN/xtrctl -s $RUN/ms.sock --json counters | jq .counters.drop_pubsub_replay)\" = 1 ]" ||
    fail "the replayed subscription was not dropped as drop_pubsub_replay"
# (the first acknowledgment is retransmitted: the listener sends no
# Map-Notify-Ack; the Map-Server's count of acknowledgments is the check)
[ "$(xtr_counter ms ms_pubsub_ack)" = 1 ] ||
    fail "the replay was acknowledged ($(xtr_counter ms ms_pubsub_ack) acknowledgments)"

# another ITR-RLOC for X: refused
craft r ecm-request eid=10.1.0.7/32 itr=192.0.2.66 sub_xtr_id="$X" \
    nonce="$(hexadd "$N0" 100)"
xtr_wait 5 bash -c "[ \"\$($BIN/xtrctl -s $RUN/ms.sock --json counters | jq .counters.drop_pubsub_auth)\" = 1 ]" ||
    fail "X's subscription from 192.0.2.66 not refused as drop_pubsub_auth"
[ "$(xtr_jq ms '[.subscriptions[] | select(.itr == "192.0.2.66")] | length' subscriptions)" = 0 ] ||
    fail "the subscription moved to 192.0.2.66"

# unsubscribe: gone, a Map-Notify to the source RLOC
NU=$(hexadd "$N0" 200)
craft s ecm-request eid=10.1.0.7/32 itr=none src=192.0.2.3 sub_xtr_id="$X" nonce="$NU"
xtr_wait 5 got "$NU" || fail "no Map-Notify for the unsubscription"
xtr_wait 5 bash -c "[ \$($BIN/xtrctl -s $RUN/ms.sock --json subscriptions | jq '[.subscriptions[] | select(.eid == \"10.1.0.0/24\")] | length') = 0 ]" ||
    fail "still subscribed after unsubscribing: $(xtr_ctl ms subscriptions)"
craft a map-register eid=10.1.0.6/32 rloc=192.0.2.1 key=dc-key-Zq3V9mXp7LtR2wK xtr_id="$XA" nonce=0000000000000014
xtr_wait 5 xtr_has_reg ms 10.1.0.6/32 192.0.2.1 || fail "10.1.0.6/32 not registered"
# a publication would have left with the registration, before this
[ "$(xtr_counter ms ms_pubsub_notify)" = 2 ] ||
    fail "$(xtr_counter ms ms_pubsub_notify) publications, 2 before unsubscribing"
[ "$(jq -s 'map(select(.type == 4 and .records[0].eid == "10.1.0.6/32")) | length' "$RUN/sub.jsonl")" = 0 ] ||
    fail "a publication after unsubscribing"
echo "what the subscriber got:"
jq -c '{type, nonce, records: [.records[] | {eid, ttl}]}' "$RUN/sub.jsonl"
[ -z "$FAILED" ] || die "failed:${FAILED//|/ | }"
echo "xtr_interop_pubsub: ok"
