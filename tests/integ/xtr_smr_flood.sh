#!/bin/bash
# xtr_smr_flood.sh: junk SMRs cannot starve real ones (issue 15, finding
# 6).  The attacker (192.0.2.66, no key) sends c 2000 SMRs a second for
# 7 s: for EIDs c never cached, and one in ten for an EID c did cache
# (10.1.0.10, a's).  Meanwhile a (192.0.2.1) sends c six real SMRs for
# 10.1.0.10, 1.1 s apart (our rate_limit, one a second per EID: RFC 9301
# §6.1 RECOMMENDS once every 3 s for the SMR responder, §5.3 allows one).
# Every real one must make c send its SMR-invoked Map-Request (timeline
# smr-received from 192.0.2.1: 6), the junk must be counted
# (drop_smr_not_cached, drop_smr_src_limited), and c must keep running
# with a's mapping and hc -> ha traffic as before.  On the old code (the
# aggregate bucket charged before the map-cache check) 1 or 2 of 6 passed.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: xsf<pid>-*.  Run directory: build/xtr_smr_flood.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xsf-
RUN=$PWD/build/xtr_smr_flood
DP_SITES="a:1 c:3"
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

# real_smrs: smr-received events at c from a
real_smrs() {
	xtr_jq c '[.events[] | select(.event == "smr-received" and
	    .peer == "192.0.2.1")] | length' timeline
}

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
dp_attacker
dp_in hc ping -c 2 -i 0.2 -W 2 10.1.0.10 >/dev/null || die "hc cannot reach ha"
xtr_wait 5 xtr_cached c 10.1.0.0/24 192.0.2.1 ||
    die "c does not map a's EIDs: $(xtr_ctl c map-cache)"
before=$(real_smrs)

dp_in x "$PY" - <<'PY' &
import os, socket, sys, time
sys.path.insert(0, "tests/xtr")
import lispcraft as lc
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t0 = time.monotonic()
i = 0
while time.monotonic() - t0 < 7:
    # 2000 a second: each 10 ms, 20 SMRs
    for _ in range(20):
        i += 1
        eid = "10.%d.%d.%d/32" % (100 + i % 100, (i >> 8) & 255, i & 255)
        if i % 10 == 0:
            eid = "10.1.0.10/32"
        src = eid.split("/")[0]
        s.sendto(lc.map_request(int.from_bytes(os.urandom(8), "big"),
                                eid, ["192.0.2.66"], smr=True,
                                src_eid=src), ("192.0.2.3", 4342))
    time.sleep(max(0, t0 + i / 2000 - time.monotonic()))
print("attacker: %d SMRs in %.1f s" % (i, time.monotonic() - t0))
PY
FLOOD=$!
XTR_PIDS="$XTR_PIDS $FLOOD"
sleep 0.5
dp_in a "$PY" - <<'PY'
import os, socket, sys, time
sys.path.insert(0, "tests/xtr")
import lispcraft as lc
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.1", 0))
for k in range(6):
    s.sendto(lc.map_request(int.from_bytes(os.urandom(8), "big"),
                            "10.1.0.10/32", ["192.0.2.1"], smr=True,
                            src_eid="10.1.0.10"), ("192.0.2.3", 4342))
    time.sleep(1.1)
PY
wait "$FLOOD" || die "the attacker's flood failed"
XTR_PIDS=${XTR_PIDS% "$FLOOD"}
n=$(( $(real_smrs) - before ))
nc=$(xtr_counter c drop_smr_not_cached)
ns=$(xtr_counter c drop_smr_src_limited)
echo "c: $n of 6 real SMRs acted on; junk dropped: $nc not cached," \
    "$ns over the source's limit, $(xtr_counter c drop_smr_flood) over" \
    "the aggregate"
[ "$n" -eq 6 ] || die "only $n of a's 6 SMRs reached c's mapping system"
[ "$nc" -gt 1000 ] || die "drop_smr_not_cached $nc"
[ "$ns" != null ] && [ "$ns" -gt 0 ] || die "drop_smr_src_limited $ns"
dp_alive
xtr_cached c 10.1.0.0/24 192.0.2.1 || die "c lost a's mapping"
dp_in hc ping -c 2 -i 0.2 -W 2 10.1.0.10 >/dev/null ||
    die "hc cannot reach ha after the flood"
echo "xtr_smr_flood: ok"
