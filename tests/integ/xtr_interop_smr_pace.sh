#!/bin/bash
# xtr_interop_smr_pace.sh: SMR-invoked Map-Requests are within RFC 9301
# §5.3's "1 per second per EID-Prefix".  ITR C resolves 10.1.0.5 (A's);
# 0.2 s later an SMR for 10.1.0.5 comes (crafted, from 192.0.2.9, in the
# layout deployed xTRs send: C's own prefix in the EID-record, the changed
# EID in Source-EID).  C's SMR-invoked Map-Request for 10.1.0.5/32 must
# not leave before a second after the first (it waits: map_request_deferred),
# and must leave (the SMR says the mapping changed).
# Before this (xtrd of 2026-11-25) SMR-invoked requests bypassed the
# per-EID limit and left at once.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xisp-*.
# Run directory: build/xtr_interop_smr_pace.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xisp-
RUN=$PWD/build/xtr_interop_smr_pace
PY=${PYTHON:-python3}
CRAFT=$PWD/tests/xtr/lispcraft.py
. tests/xtr/lib.sh

# t_ms of C's map-request-sent events for 10.1.0.5/32 (first, second)
sent_t() {
	xtr_jq c "[.events[] | select(.event == \"map-request-sent\" and .eid == \"10.1.0.5/32\") | .t_ms] | .[$1] // empty" timeline
}
two_sent() { [ -n "$(sent_t 1)" ]; }

xtr_need
command -v "$PY" >/dev/null || skip "needs python3"
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 c:3 r:9
cat >"$RUN/ms.conf" <<EOC
role = "ms"
sites = [ 'name=dc,key=dc-key-Zq3V9mXp7LtR2wK,eid=10.0.0.0/8,more_specifics=yes' ]
control_socket = "$RUN/ms.sock"
EOC
for n in a:1:10.1.0.0/24 c:3:10.3.0.0/24; do
	cat >"$RUN/${n%%:*}.conf" <<EOC
rlocs = [ '192.0.2.$(echo "$n" | cut -d: -f2)' ]
database = [ '${n##*:}' ]
map_servers = [ '192.0.2.100,key=dc-key-Zq3V9mXp7LtR2wK' ]
map_resolvers = [ '192.0.2.100' ]
control_socket = "$RUN/${n%%:*}.sock"
EOC
done
xtr_start ms "$RUN/ms.conf"
xtr_start a "$RUN/a.conf"
xtr_start c "$RUN/c.conf"
xtr_wait 10 xtr_registered a || die "A not registered"
xtr_wait 10 xtr_registered c || die "C not registered"
xtr_ctl c resolve 10.1.0.5 >/dev/null
xtr_wait 5 xtr_cached c 10.1.0.0/24 192.0.2.1 || die "C did not cache A"
ip netns exec "${PFX}r" "$PY" "$CRAFT" 192.0.2.3 map-request \
    eid=10.3.0.0/24 itr=192.0.2.9 src_eid=10.1.0.5 smr=1
xtr_wait 5 two_sent || die "no SMR-invoked Map-Request for 10.1.0.5: $(xtr_ctl c timeline | tail -6)"
t0=$(sent_t 0)
t1=$(sent_t 1)
echo "C's Map-Requests for 10.1.0.5/32: at $t0 ms and $t1 ms (SMR-invoked), $((t1 - t0)) ms apart"
xtr_jq c '.events[] | select(.event == "map-request-sent" and .eid == "10.1.0.5/32") | .detail' timeline
[ $((t1 - t0)) -ge 990 ] || die "the SMR-invoked Map-Request left $((t1 - t0)) ms after the first"
echo "xtr_interop_smr_pace: ok"
