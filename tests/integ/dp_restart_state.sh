#!/bin/bash
# dp_restart_state.sh: xtrd restarts in the middle of a migration (issue
# 16, finding 8).  A's EID 10.1.0.5/32 moves to B (A: remove with
# moved_to B, B: add); A keeps an away entry.  A's xtrd is then stopped
# (SIGTERM), and once more killed (SIGKILL, a crash), and started again
# each time.  After each start:
#  - A's away entry is back (timeline away-restored, 10.1.0.5/32 -> B),
#    with the lifetime it had left, and its route through the TUN again:
#    the old site still redirects what comes for the EID (hA, on A's
#    site, pings 10.1.0.5: A answers its ARP and re-encapsulates to B,
#    dp-first-redirect to 192.0.2.2 and dp_away_reencap in the new run);
#  - A's xTR-ID is the one it had, and A (subscribe = yes) holds one
#    subscription at the Map-Server under that xTR-ID, not a second,
#    orphaned one;
#  - the stop withdrew nothing: A's 10.1.0.0/24 stays registered at the
#    Map-Server throughout (no TTL-0 Map-Register on SIGTERM);
#  - xtrd.state is A's user's (nobody), mode 0600.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dps<pid>-*.  Run directory: build/dp_restart_state.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dps-
DP_PEERS=yes
RUN=$PWD/build/dp_restart_state
DP_EXTRA_CONF='subscribe = yes'
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

EID=10.1.0.5/32

a_pid() { pgrep -f "xtrd -d -v -f $RUN/a.conf" | head -1; }

subs_of_a() {	# the MS's subscriptions from A's RLOC: "xtr_id" per line
	xtr_jq ms '.subscriptions[] | select(.itr == "192.0.2.1") | .xtr_id' \
	    subscriptions | sort -u
}

has_subs() { [ -n "$(subs_of_a)" ]; }

restored() {
	[ "$(xtr_jq a "[.events[] | select(.event == \"away-restored\" and
	    .eid == \"$EID\" and .peer == \"192.0.2.2\")] | length" timeline)" \
	    -ge 1 ]
}

redirects() {	# hA's ping for the EID leaves A toward B
	dp_in ha ping -c 1 -W 1 10.1.0.5 >/dev/null 2>&1 || true
	[ "$(xtr_counter a dp_away_reencap)" -ge 1 ] &&
	[ "$(xtr_jq a "[.events[] | select(.event == \"dp-first-redirect\" and
	    .peer == \"192.0.2.2\")] | length" timeline)" -ge 1 ]
}

tun_route() {
	ip -n "${PFX}a" route show proto 243 | grep -q "^10.1.0.5 "
}

# restart SIGNAL: stop A's xtrd with SIGNAL and start it again
restart() {
	local pid
	pid=$(a_pid)
	[ -n "$pid" ] || die "no xtrd on a"
	kill "-$1" "$pid"
	h_wait 10 sh -c "! kill -0 $pid 2>/dev/null" || die "A did not stop"
	rm -f "$RUN/a.sock"
	xtr_start a "$RUN/a.conf"
}

dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
# A subscribes when it asks the Map-Resolver: C's space
xtr_ctl a resolve 10.3.0.10 >/dev/null
xtr_wait 10 xtr_cached a 10.3.0.0/24 192.0.2.3 || die "A did not cache C"
xtr_wait 10 has_subs || die "A holds no subscription"
id0=$(xtr_jq a .xtr_id status)
subs0=$(subs_of_a)
[ "$subs0" = "$id0" ] || die "A's subscription is under '$subs0', not $id0"

dp_add_at_a "$EID"
xtr_ctl a remove "$EID" moved-to 192.0.2.2 >/dev/null
xtr_ctl b add "$EID" >/dev/null
xtr_wait 10 xtr_has_reg ms "$EID" 192.0.2.2 || die "B not registered"
xtr_wait 5 tun_route || die "A has no route of the away entry"

for sig in TERM KILL; do
	restart "$sig"
	xtr_wait 10 restored || die "SIG$sig: A's away entry was not restored: $(xtr_ctl a timeline | tail -5)"
	xtr_wait 5 tun_route || die "SIG$sig: no route for $EID after the restart"
	[ "$(xtr_jq a "[.away[] | select(.eid == \"$EID\") | .moved_to[]] | join(\",\")" database)" = 192.0.2.2 ] ||
	    die "SIG$sig: xtrctl database lists no away entry: $(xtr_ctl a database)"
	xtr_wait 10 redirects || die "SIG$sig: A did not redirect hA's packets for $EID to B: dp_away_reencap $(xtr_counter a dp_away_reencap)"
	id=$(xtr_jq a .xtr_id status)
	[ "$id" = "$id0" ] || die "SIG$sig: A's xTR-ID $id0 became $id"
	xtr_ctl a resolve 10.3.0.99 >/dev/null || true
	xtr_wait 10 xtr_registered a || die "SIG$sig: A not registered again"
	subs=$(subs_of_a)
	[ "$subs" = "$id0" ] ||
	    die "SIG$sig: A's subscriptions at the MS: $(echo "$subs" | tr '\n' ' ')"
	xtr_has_reg ms 10.1.0.0/24 192.0.2.1 ||
	    die "SIG$sig: 10.1.0.0/24 of A withdrawn"
	echo "SIG$sig: redirected $(xtr_counter a dp_away_reencap) packet(s) to B, away entry restored ($(xtr_jq a '[.events[] | select(.event == "away-restored")] | last | .detail' timeline)), xTR-ID $id, one subscription"
done
xtr_wait 5 test -s "$RUN/a.state.d/xtrd.state" || die "no xtrd.state"
grep -q "^away $EID [0-9]* 192.0.2.2" "$RUN/a.state.d/xtrd.state" ||
    die "xtrd.state: $(cat "$RUN/a.state.d/xtrd.state")"
[ "$(stat -c '%a %U' "$RUN/a.state.d/xtrd.state")" = "600 nobody" ] ||
    die "xtrd.state is $(stat -c '%a %U' "$RUN/a.state.d/xtrd.state")"
echo "xtrd.state: 600 nobody, $(grep -c '^away' "$RUN/a.state.d/xtrd.state") away entry"
echo "dp_restart_state: ok"
