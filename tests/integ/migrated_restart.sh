#!/bin/bash
# migrated_restart.sh: restart safety.
# (1) dst's migrated is restarted in the middle of a migration (after the
#     vif is connected, before "go"): it rebuilds its table from xenstore
#     (web1--incoming) and still detects the arrival (gratuitous ARP).
# (2) src's migrated is restarted while the guest runs there: it
#     re-asserts the guest's EIDs to xtrd (database/add again).
# (3) dst's xtrd is restarted (its database is empty again): migrated
#     notices (uptime went back / EIDs missing) and re-pushes web1's EIDs,
#     which are registered again.
# (4) dst's xtrd is down while a guest arrives: requests are queued and
#     retried with backoff until it is back.
# Arguments: none.  Environment: BIN, KEEP_RUN.
# Namespaces: mr-*.  Run directory: build/migrated_restart.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mr-
RUN=$PWD/build/migrated_restart
. tests/tools/mig_lib.sh

hook() {
	case $1 in
	dest_restore)
		mig_stop dst
		mig_start dst ;;
	dest_go)
		sleep 0.3
		mig_guest dst 7 -t garp -a 198.51.100.5 >/dev/null ;;
	esac
}

hook2() {
	case $1 in
	dest_restore)
		# xtrd on dst dies before the guest arrives
		mig_xtrd_stop dst ;;
	dest_go)
		sleep 0.3
		mig_guest dst 8 -t garp -a 198.51.100.6 >/dev/null
		sleep 1
		[ "$(mig_jq dst .xtrd status)" = down ] ||
		    mig_fail "migrated did not notice xtrd is down"
		[ "$(mig_jq dst .xtrd_queue status)" -ge 1 ] ||
		    mig_fail "nothing queued while xtrd is down"
		mig_xtrd_start dst ;;
	esac
}

mig_need
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup
mig_vm_at_src web1 3 00:16:3e:00:00:05
mig_vm_at_src web2 4 00:16:3e:00:00:06
xtr_wait 10 mig_registered_at_ms 198.51.100.6/32 192.0.2.1 || mig_fail "src"
mig_vif dst 7 0 00:16:3e:00:00:05
mig_vif dst 8 0 00:16:3e:00:00:06

# (2) src restarted: re-asserts
before=$(mig_counter src xtrd_eids_added)
mig_stop src
mig_start src
xtr_wait 5 h_out_ge 3 mig_counter src xtrd_eids_added ||
    mig_fail "src did not re-assert (counter $(mig_counter src xtrd_eids_added), before $before)"
[ "$(mig_jq src '.domains[] | select(.name == "web1") | .arrival' status)" = startup ] ||
    mig_fail "src web1 not owned at start-up"

# (1) dst restarted mid-migration
XLR_HOOK=hook xlr_migrate "$RUN/xs-src" 3 "$RUN/xs-dst" 7
xtr_wait 10 mig_registered_at_ms 198.51.100.5/32 192.0.2.2 ||
    mig_fail "web1 not registered from dst after the restart"
[ "$(mig_jq dst '.domains[] | select(.name == "web1") | .arrival' status)" = announcement ] ||
    mig_fail "dst arrival after restart"

# (3) dst's xtrd restarted: EIDs pushed again
mig_xtrd_restart dst
xtr_wait 10 mig_db_has dst 198.51.100.5/32 ||
    mig_fail "migrated did not re-push web1 to the new xtrd"
xtr_wait 10 mig_registered_at_ms 198.51.100.5/32 192.0.2.2 ||
    mig_fail "web1 not registered again"

# (4) xtrd down while web2 arrives: queued, then delivered
XLR_HOOK=hook2 xlr_migrate "$RUN/xs-src" 4 "$RUN/xs-dst" 8
xtr_wait 15 mig_registered_at_ms 198.51.100.6/32 192.0.2.2 ||
    mig_fail "web2 not registered once xtrd was back"
xtr_wait 5 mig_db_has dst 198.51.100.5/32 || mig_fail "web1 lost"
mig_ctl dst status
echo "migrated_restart: ok"
