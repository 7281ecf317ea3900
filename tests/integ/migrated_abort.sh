#!/bin/bash
# migrated_abort.sh: aborted migrations.  (1) The receiver fails after the
# memory copy (xl migrate-receive destroys web1--incoming; the sender
# renames web1--migratedaway back and resumes): dst forgets the
# half-arrived domain and never told its xtrd anything; src keeps web1's
# EIDs registered and did not withdraw them.  (2) The destination was
# renamed and unpaused but crashed before the guest said anything: dst
# (register_at = rename, the default) registered at the rename and
# withdraws at the destroy, so nothing stays registered from dst; src
# registers again when renamed back and keeps everything.
# Arguments: none.  Environment: BIN, KEEP_RUN.
# Namespaces: mab-*.  Run directory: build/migrated_abort.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mab-
RUN=$PWD/build/migrated_abort
. tests/tools/mig_lib.sh

UUID=""
EID=198.51.100.5/32

check_src_kept() {
	xs_host src
	[ "$(xenstore-read /local/domain/3/name)" = web1 ] || mig_fail "src name"
	[ "$(mig_jq src '.domains[] | select(.name == "web1") | .state' status)" = running ] ||
	    mig_fail "src web1 not running"
	[ "$(mig_jq src '.domains[] | select(.name == "web1") | .owned' status)" = true ] ||
	    mig_fail "src web1 not owned"
	mig_db_has src "$EID" || mig_fail "src xtrd lost $EID"
	# Once suspended with a known destination, src hands the EIDs over
	# (redirect); renamed back, it must have taken them back afterwards.
	local wd rs
	wd=$(mig_event src web1 withdrawn)
	if [ -n "$wd" ]; then
		[ -n "$(mig_event src web1 redirecting)" ] ||
		    mig_fail "src withdrew without a destination"
		rs=$(mig_jq src "[.migrations[] | select(.domain == \"web1\")] | last | [.events[] | select(.event == \"register-sent\" and .t_us > $wd)] | length" migrations)
		[ "${rs:-0}" -ge 1 ] || mig_fail "src withdrew and did not register again"
	fi
	mig_registered_at_ms "$EID" 192.0.2.1 || mig_fail "MS lost src's $EID"
}

# dst_tracks_7 [N]: dst's table holds domid 7 (N = 0: no longer).  libxl
# introduces web1--incoming at build_post (xlr_dest_restore) and the
# memory copy goes on for seconds after, so each step waits until dst has
# seen the domain (on a loaded machine its watch event could otherwise
# come after the rename or the destroy, and dst would have nothing to
# abort: "dst timeline lacks aborted"), and until it let it go.
dst_tracks_7() {
	[ "$(mig_jq dst '[.domains[] | select(.domid == 7)] | length' status)" = "${1:-1}" ]
}

check_dst_forgot() {
	xtr_wait 10 dst_tracks_7 0 || mig_fail "dst still tracks domid 7"
	! mig_db_has dst "$EID" || mig_fail "dst xtrd got $EID"
	[ -n "$(mig_event dst web1 aborted)" ] || mig_fail "dst timeline lacks aborted"
}

mig_need
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup
mig_vm_at_src web1 3 00:16:3e:00:00:05
xtr_wait 10 mig_registered_at_ms "$EID" 192.0.2.1 || mig_fail "not at src"
mig_vif dst 7 0 00:16:3e:00:00:05
xs_host src
UUID=$(xs_domain_uuid 3)

# (1) the receiver fails after the stream
mig_ctl src departure web1 192.0.2.2 >/dev/null
xs_host dst; xlr_dest_create web1 7 "$UUID"
xs_host src; xlr_src_suspend 3
xs_host dst; xlr_dest_restore 7 00:16:3e:00:00:05 xenbr0
xtr_wait 10 dst_tracks_7 || mig_fail "dst never saw web1--incoming"
xs_host src; xlr_src_rename_away web1 3
xs_host dst; xlr_dest_abort 7
xs_host src; xlr_src_abort web1 3
check_dst_forgot
check_src_kept
[ -n "$(mig_event src web1 aborted)" ] || mig_fail "src timeline lacks aborted"
[ "$(mig_counter src migrations_aborted_out)" = 1 ] || mig_fail "src count"
[ "$(mig_counter dst migrations_aborted_in)" = 1 ] || mig_fail "dst count"

# (2) renamed and unpaused, then destroyed before any sign of life
xs_host dst; xlr_dest_create web1 7 "$UUID"
xs_host src; xlr_src_suspend 3
xs_host dst; xlr_dest_restore 7 00:16:3e:00:00:05 xenbr0
xtr_wait 10 dst_tracks_7 || mig_fail "dst never saw web1--incoming"
xs_host src; xlr_src_rename_away web1 3
xs_host dst; xlr_dest_go web1 7; xlr_dest_abort 7
xs_host src; xlr_src_abort web1 3
check_dst_forgot
check_src_kept
[ "$(mig_counter dst migrations_aborted_in)" = 2 ] || mig_fail "dst count 2"
[ -n "$(mig_event dst web1 register-sent)" ] ||
    mig_fail "dst did not register at the rename"
[ -n "$(mig_event dst web1 withdrawn)" ] ||
    mig_fail "dst did not withdraw after the destroy"
mig_ctl src migrations
mig_ctl dst migrations
echo "migrated_abort: ok"
