#!/bin/bash
# dp_hold_stop.sh: what B holds for an arriving EID when its xtrd stops
# is counted and said (issue 18): B expects 10.1.0.7/32 until the guest's
# arrival, A hands it over to B (away entry), 20 pings from hc reach B
# and are held; B's xtrd stops (SIGTERM) before any arrival.  Its log must
# carry the timeline's end event for the EID, dp-hold-stopped, "held 20,
# released 0, returned 0, dropped 20", and one warning with the total.
# Before, the stop freed them without a word.
# Arguments: none.  Environment: BIN, KEEP_RUN=1.
# Namespaces: dphs-*.  Run directory: build/dp_hold_stop.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dphs-
RUN=$PWD/build/dp_hold_stop
DP_PEERS=yes		# B decapsulates what A redirects (decap_peers)
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

# pid_of NODE: the pid of NODE's xtrd among those the harness started
pid_of() {
	local p
	for p in $XTR_PIDS; do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
		    grep -q -- "-f $RUN/$1.conf " && { echo "$p"; return 0; }
	done
	return 1
}

held() { [ "$(xtr_counter b dp_held)" -ge "$1" ]; }

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
xtr_ctl a add 10.1.0.7/32 >/dev/null
xtr_wait 10 xtr_has_reg ms 10.1.0.7/32 192.0.2.1 ||
    die "10.1.0.7/32 not registered from A"
xtr_ctl b expect 10.1.0.7/32 until-arrival >/dev/null
xtr_ctl a remove 10.1.0.7/32 moved-to 192.0.2.2 >/dev/null
dp_in hc ping -c 20 -i 0.05 -W 1 10.1.0.7 >/dev/null || true
xtr_wait 10 held 20 || die "B held $(xtr_counter b dp_held) of 20 pings"
pid=$(pid_of b) || die "no xtrd pid for b"
h_stop "$pid"
grep -q "event dp-hold-stopped eid 10.1.0.7/32: held 20, released 0," \
    "$RUN/b.log" || die "no dp-hold-stopped for 10.1.0.7/32 in B's log:" \
    "$(grep dp-hold "$RUN/b.log")"
grep -q "returned 0, dropped 20" "$RUN/b.log" || die "not 20 dropped"
grep -q "dp: 20 packets held for 1 arriving EIDs dropped at the stop" \
    "$RUN/b.log" || die "no warning with the total in B's log"
grep "dp-hold-stopped\|at the stop" "$RUN/b.log"
echo "dp_hold_stop: ok"
