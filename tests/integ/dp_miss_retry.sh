#!/bin/bash
# dp_miss_retry.sh: a stream to a new destination whose first Map-Request
# is lost.  xtrd a's first Map-Resolver is an address nobody answers
# (192.0.2.99), so its first Map-Request for b's EID is lost; the
# retransmission goes to the real one (192.0.2.100) no sooner than
# rate_limit (1 s, RFC 9301 §5.3) after it.  Host ha sends 300 UDP
# datagrams to hb at 200/s meanwhile: the miss queue (default
# miss_queue_prefix) must hold the ~200 sent before the Map-Reply, so that
# all 300 arrive, and nothing counts as drop_queue_full.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dpmr<pid>-*.  Run directory: build/dp_miss_retry.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dpmr-
RUN=$PWD/build/dp_miss_retry
DP_SITES="a:1 b:2"
N=300
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

# a asks a black hole first, the MS/MR on the retransmission
eval "dp_write_confs_lib() $(declare -f dp_write_confs | tail -n +2)"
dp_write_confs() {
	dp_write_confs_lib
	sed -i "s/^map_resolvers = .*/map_resolvers = [ '192.0.2.99', '192.0.2.100' ]/" \
	    "$RUN/a.conf"
}

# the t_ms of a's Map-Requests for EID ($1), one a line
mreq_times() {
	xtr_jq a ".events[] | select(.event == \"map-request-sent\" and .eid == \"$1\") | .t_ms" timeline
}

dp_need
command -v jq >/dev/null || skip "needs jq"
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
grep -q "'192.0.2.99', '192.0.2.100'" "$RUN/a.conf" || die "a.conf not patched"

dp_in hb "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.2.0.10", 5000))
s.settimeout(4)
seen = set()
try:
    while True:
        seen.add(int(s.recv(64)))
except socket.timeout:
    pass
print(len(seen))
' >"$RUN/recv.out" &
rpid=$!
sleep 0.5
dp_in ha "$PY" -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t = time.monotonic()
for i in range('"$N"'):
    s.sendto(b"%d" % i, ("10.2.0.10", 5000))
    t += 0.005
    time.sleep(max(0, t - time.monotonic()))
'
wait "$rpid" || die "receiver failed"
got=$(cat "$RUN/recv.out")

mapfile -t t < <(mreq_times 10.2.0.10/32)
[ "${#t[@]}" -ge 2 ] || die "${#t[@]} Map-Requests for 10.2.0.10/32, expected 2"
gap=$(( t[1] - t[0] ))
echo "Map-Request for b's host at ${t[0]} ms, again at ${t[1]} ms (+$gap)"
[ "$gap" -ge 1000 ] ||
    die "retransmitted after $gap ms: RFC 9301 §5.3 allows one per second"
[ "$gap" -lt 1500 ] || die "retransmitted only after $gap ms"
full=$(xtr_counter a dp_drop_queue_full)
echo "received $got of $N, drop_queue_full $full"
[ "$got" = "$N" ] || die "received $got of $N datagrams"
[ "$full" = 0 ] || die "drop_queue_full $full"
echo "dp_miss_retry: ok"
