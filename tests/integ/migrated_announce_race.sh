#!/bin/bash
# migrated_announce_race.sh: the guest's gratuitous ARP reaches dst's
# migrated before the xenstore watch of the rename <name>--incoming ->
# <name> that preceded it (xl renames, then unpauses; the guest then
# announces).  migrated reads its captures and xenstore on separate
# descriptors, captures first in a poll round, so on a busy Dom0 the
# announcement can come first; it must still be the arrival (it was
# dropped as "announce_not_running ... is incoming", and arrival waited
# for netfront: tests/integ/migrated_two.sh "FAIL: web2 arrival").
#
# Made deterministic: dst's migrated is stopped (SIGSTOP), xl's rename and
# unpause are written to dst's real xenstored, the guest sends its GARP,
# the test waits until dst's bridge has received it (so it sits in
# migrated's capture rings), and migrated continues (SIGCONT): its next
# poll round has the capture ready, and the rename's watch at best in the
# same round, after it.  Checks: arrival = announcement, web1's EIDs
# registered from dst, the timeline's rename-at-announcement event and its
# counter.  Before that, a GARP while the domain really is still
# --incoming in xenstore is dropped and counted (announce_not_running) and
# is no arrival.  Arguments: none.  Environment: BIN, KEEP_RUN.
# Namespaces: mar<pid>-*.  Run directory: build/migrated_announce_race.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mar-
RUN=$PWD/build/migrated_announce_race
. tests/tools/mig_lib.sh

MAC=00:16:3e:00:00:05
EID=198.51.100.5/32

# br_rx: frames dst's bridge xenbr0 has received (passed up to it)
br_rx() {
	ip -n "${PFX}dst" -s -j link show xenbr0 | jq '.[0].stats64.rx.packets'
}

# garp_delivered: one GARP from web1's guest at dst, returns once dst's
# bridge has it: the bridge port's tap (migrated's vif capture) saw it
# before, the bridge's own tap (its bridge capture) in the same softirq
garp_delivered() {
	local n0
	n0=$(br_rx)
	mig_guest dst 7 -t garp -a 198.51.100.5 >/dev/null ||
	    mig_fail "garp_send"
	xtr_wait 5 sh -c "[ \$(ip -n '${PFX}dst' -s -j link show xenbr0 |
	    jq '.[0].stats64.rx.packets') -gt $n0 ]" ||
	    mig_fail "dst's bridge did not receive the GARP"
}

arrival() {
	mig_jq dst '.domains[] | select(.name == "web1") | .arrival' status
}

mig_need
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup
mig_vm_at_src web1 3 "$MAC"
xtr_wait 10 mig_registered_at_ms "$EID" 192.0.2.1 ||
    mig_fail "web1 not registered from src"
mig_vif dst 7 0 "$MAC"
mig_ctl src departure web1 192.0.2.2 >/dev/null || mig_fail "departure"

# xl migrate up to the "go" (tests/lib/xl_migrate_replay.sh, step by step)
xs_host src
uuid=$(xs_domain_uuid 3)
xs_host dst
xlr_dest_create web1 7 "$uuid" || mig_fail "dest_create"
xs_host src
xlr_src_suspend 3 || mig_fail "src_suspend"
xs_host dst
xlr_dest_restore 7 "$MAC" xenbr0 || mig_fail "dest_restore"
xs_host src
xlr_src_rename_away web1 3 || mig_fail "src_rename_away"
xtr_wait 5 mig_has_event dst web1 vif-connected ||
    mig_fail "dst's migrated did not see web1--incoming's vif"

# 1 still --incoming in xenstore: dropped, counted, no arrival
n0=$(mig_counter dst announce_not_running)
garp_delivered
xtr_wait 5 sh -c "[ \$($BIN/migratectl -s $RUN/mig-dst.sock status --json |
    jq '.counters.announce_not_running // 0') -gt $n0 ]" ||
    mig_fail "a GARP from web1--incoming was not counted as dropped"
[ "$(arrival)" = none ] || [ -z "$(arrival)" ] ||
    mig_fail "web1 arrived while --incoming: $(arrival)"
echo "GARP while web1 is --incoming: dropped" \
    "(announce_not_running $(mig_counter dst announce_not_running))"
sleep 0.2	# migrated reads a name at most every 100 ms (NAME_REREAD_US)

# 2 the rename written, its watch not yet read: the GARP comes first
pid=$MIG_PIDS_dst
kill -STOP "$pid"
xs_host dst
if ! xlr_dest_go web1 7; then
	kill -CONT "$pid"
	mig_fail "dest_go"
fi
garp_delivered
kill -CONT "$pid"
xtr_wait 5 sh -c "[ \"\$($BIN/migratectl -s $RUN/mig-dst.sock status --json |
    jq -r '.domains[] | select(.name == \"web1\") | .arrival')\" != none ]" ||
    true
[ "$(arrival)" = announcement ] || {
	grep -E 'announce|renamed' "$RUN/mig-dst.log" | tail -n 5
	mig_fail "web1 arrival: '$(arrival)', not the announcement"
}
xtr_wait 10 mig_registered_at_ms "$EID" 192.0.2.2 ||
    mig_fail "$EID not registered from dst"
[ -n "$(mig_event dst web1 rename-at-announcement)" ] ||
    mig_fail "dst's timeline lacks rename-at-announcement"
[ "$(mig_counter dst rename_at_announcement)" -ge 1 ] ||
    mig_fail "rename_at_announcement not counted"
# the watch event that follows changes nothing more
t_un=$(mig_event dst web1 unpaused)
t_an=$(mig_event dst web1 announcement)
[ "$t_un" -le "$t_an" ] || mig_fail "announcement before unpaused"
xlr_guest_resume 7 || mig_fail "guest_resume"
xs_host src
xlr_src_destroy 3 || mig_fail "src_destroy"
xtr_wait 5 mig_has_event src web1 withdrawn ||
    mig_fail "src did not withdraw web1"
[ "$(arrival)" = announcement ] || mig_fail "arrival became '$(arrival)'"
mig_ctl dst migrations
echo "migrated_announce_race: ok"
