#!/bin/bash
# xtr_interop_backoff.sh: RFC 9301 §5.3, "After 10 retransmits without
# receiving the corresponding Map-Reply, the sender MUST wait 30 seconds."
# ITR C's Map-Resolver is a crafted one that never answers (it records
# the ECM Map-Requests it gets).  With map_request_retries = 10, C's
# request for 10.9.0.7 is retransmitted 10 times and given up; asked
# again at once and a few seconds later, C sends nothing for that EID
# (drop_map_request_backoff) while another EID still goes.
# Before this (xtrd of 2026-11-25) a request given up started again on
# the next packet (here: the next `xtrctl resolve`), forever.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xib-*.
# Run directory: build/xtr_interop_backoff.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xib-
RUN=$PWD/build/xtr_interop_backoff
PY=${PYTHON:-python3}
CRAFT=$PWD/tests/xtr/lispcraft.py
. tests/xtr/lib.sh

# ecms EID: ECM Map-Requests for EID the silent Map-Resolver got
ecms() {
	[ -f "$RUN/mr.jsonl" ] || { echo 0; return; }
	"$PY" - "$RUN/mr.jsonl" "$1" <<'EOP'
import json, sys
sys.path.insert(0, "tests/xtr")
import lispcraft
n = 0
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d.get("type") != 8:
        continue
    m = bytes.fromhex(d["hex"])[4 + 28:]    # ECM word, IPv4 + UDP
    r = lispcraft.decode(m)
    if r["type"] == 1 and r["records"][0]["eid"] == sys.argv[2]:
        n += 1
print(n)
EOP
}
timed_out() {
	[ "$(xtr_jq c '[.events[] | select(.event == "map-request-timeout" and .eid == "10.9.0.7/32")] | length' timeline)" -ge 1 ]
}

xtr_need
command -v "$PY" >/dev/null || skip "needs python3"
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net mr:100 c:3
cat >"$RUN/c.conf" <<EOC
rlocs = [ '192.0.2.3' ]
map_resolvers = [ '192.0.2.100' ]
control_socket = "$RUN/c.sock"
map_request_retries = 10
map_request_retry = 1000
map_request_retry_max = 1000
EOC
ip netns exec "${PFX}mr" "$PY" "$CRAFT" listen 0.0.0.0 4342 120 \
    out="$RUN/mr.jsonl" &
XTR_PIDS="$XTR_PIDS $!"
xtr_wait 5 test -f "$RUN/mr.jsonl" || die "the listener did not start"
xtr_start c "$RUN/c.conf"
xtr_ctl c resolve 10.9.0.7 >/dev/null || true
xtr_wait 30 timed_out || die "C's request did not time out: $(xtr_ctl c timeline | tail -5)"
n1=$(ecms 10.9.0.7/32)
echo "C sent $n1 Map-Requests for 10.9.0.7 before giving up"
[ "$n1" = 11 ] || die "expected 11 (one and 10 retransmits), got $n1"
# asked again: held for 30 s
xtr_ctl c resolve 10.9.0.7 >/dev/null || true
xtr_ctl c resolve 10.9.0.8 >/dev/null || true	# another EID goes
xtr_wait 5 h_out_ge 1 ecms 10.9.0.8/32 || die "no request for 10.9.0.8"
sleep 1.5	# past the 1 s per-EID limit: what refuses now is the 30 s wait
xtr_ctl c resolve 10.9.0.7 >/dev/null || true
n2=$(ecms 10.9.0.7/32)
echo "after giving up, asked twice more: $((n2 - n1)) more Map-Requests for 10.9.0.7"
[ "$n2" = "$n1" ] || die "C sent $((n2 - n1)) Map-Requests for 10.9.0.7 during its 30 s wait"
[ "$(xtr_counter c drop_map_request_backoff)" -ge 2 ] ||
    die "drop_map_request_backoff is $(xtr_counter c drop_map_request_backoff)"
xtr_ctl c timeline | grep -E "backoff|timeout" || true
echo "xtr_interop_backoff: ok"
