# shellcheck shell=bash
# xl_migrate_replay.sh: replay, against two xenstored fixtures (source and
# destination host), the xenstore writes, renames, introduces/releases and
# domain state changes that `xl migrate` (Xen 4.17) makes, in the same order.
# Source it after tests/lib/xenstored.sh:
#   . tests/lib/xenstored.sh; . tests/lib/xl_migrate_replay.sh
#
# Every function acts on the CURRENT fixture (xs_fixture_use RUNDIR), except
# xlr_migrate, which switches between the two itself.
#
# The order of a successful `xl migrate NAME HOST` (src = sender,
# dst = receiver), from tools/xl/xl_migrate.c and tools/libs/light/:
#   1 dst xlr_dest_create NAME DOMID UUID
#         migrate_receive() -> create_domain(dom_info.paused = 1,
#         migrate_fd) in xl_vmcontrol.c, which names the domain
#         "<NAME>--incoming" (migration_domname) -> libxl_domain_create_restore
#         -> libxl__domain_make(): xc_domain_create (the domain exists,
#         paused) and ONE transaction: /local/domain/<id>/{vm,name,cpu,memory,
#         device,control/...,data,...}, /vm/<uuid>/{uuid,name}, /libxl/<id>.
#         (xenstored.sh _xs_domain_make)
#   2 src xlr_src_suspend DOMID
#         migrate_domain(): libxl_domain_suspend(LIBXL_SUSPEND_LIVE) after the
#         live memory copy; libxl_dom_suspend.c
#         domain_suspend_callback_common() -> libxl__domain_pvcontrol_write
#         (control/shutdown = "suspend"); the guest acks by writing "" and
#         suspends (SCHEDOP_shutdown SHUTDOWN_suspend): the shim reports
#         shutdown reason=2, VIRQ_DOM_EXC -> xenstored fires @releaseDomain,
#         which libxl__domain_suspend_common_wait_guest() waits for.
#   3 dst xlr_dest_restore DOMID MAC BRIDGE [DEVID]
#         stream done -> domcreate_stream_done() -> libxl__build_post(): ONE
#         transaction (memory/*, domid, store/*, cpu/0/availability,
#         /vm/<uuid>/image/*, start_time), then xs_introduce_domain()
#         (@introduceDomain);  then domcreate_launch_dm -> libxl__add_nics ->
#         libxl__device_nic_add -> libxl__device_generic_add(): ONE
#         transaction (backend + frontend + /libxl copy, state 1); netback
#         answers backend state 2 (InitWait); libxl__wait_device_connection
#         -> device_hotplug runs vif-bridge online, which writes
#         hotplug-status = connected.  The domain stays paused.
#         Then xl writes migrate_receiver_ready to the sender.
#   4 src xlr_src_rename_away NAME DOMID
#         migrate_domain(): libxl_domain_rename(ctx, domid, common_domname,
#         away_domname = "<NAME>--migratedaway") -> libxl__domain_rename():
#         ONE transaction: /local/domain/<id>/name, /vm/<uuid>/name.
#         Then the sender writes migrate_permission_to_go.
#   5 dst xlr_dest_go NAME DOMID
#         migrate_receive(): libxl_domain_rename(ctx, domid, migration_domname,
#         common_domname) (same transaction as 4), then
#         libxl_domain_unpause() unless -p: the shim state becomes running.
#         Then xl reports success to the sender.
#     dst xlr_guest_resume DOMID [DEVID]   (the guest, not xl: netfront
#         reconnects on the new host: frontend state 4; netback: backend 4)
#   6 src xlr_src_destroy DOMID
#         migrate_domain(): libxl_domain_destroy(ctx, domid, 0) "bang!" ->
#         libxl__destroy_domid(): xc_domain_pause, devices removed (force),
#         devices_destroy_cb() rm /vm/<uuid>, /local/domain/<id>, /libxl/<id>,
#         xc_domain_destroy: dying, VIRQ_DOM_EXC, xenstored releases the
#         domain and fires @releaseDomain.  (xenstored.sh xs_domain_destroy)
# Failure paths:
#   xlr_src_abort NAME DOMID   migrate_domain() failed_resume / "Target
#         reports startup failure": libxl_domain_rename(away -> NAME) if it was
#         renamed, libxl_domain_resume(ctx, domid, 1, 0) -> xc_domain_resume
#         (suspend_cancel: the shim state becomes running) and
#         xs_resume_domain().
#   xlr_dest_abort DOMID       migrate_receive() perhaps_destroy_notify_rc:
#         libxl_domain_destroy of the incoming copy.
#   xlr_migrate SRC_RUNDIR SRC_DOMID DST_RUNDIR DST_DOMID [BRIDGE]
#         steps 1-6 (and the guest's reconnection) in order.  NAME, UUID and
#         the MAC of vif 0 are read from the source.  If XLR_HOOK names a
#         function, it is called after each step with the step name
#         (dest_create, src_suspend, dest_restore, src_rename_away, dest_go,
#         guest_resume, src_destroy) and the fixture of that step in use.
#
# Domain state (paused/running/shutdown) is not in xenstore; it is in the
# shim's table: xs_domain_state DOMID, or $XS_SHIM_STATE/domains/<domid>, or
# xc_domain_getinfo() in a program that preloads xs_shim.so.
#
# Sources read: xen-project/xen tools/xl/xl_migrate.c (migrate_domain,
# migrate_receive), tools/libs/light/libxl_create.c (libxl__domain_make),
# libxl_dom.c (libxl__build_post), libxl_domain.c (libxl__domain_rename,
# libxl__destroy_domid, devices_destroy_cb), libxl_device.c
# (libxl__device_generic_add), libxl_nic.c (libxl__set_xenstore_nic).
# Not replayed: the console device, the domain's JSON userdata, qemu.

xlr_dest_create() {
	local name=${1:-} d=${2:-} uuid=${3:-}
	[ -n "$uuid" ] ||
		_xs_fail "usage: xlr_dest_create NAME DOMID UUID" || return 1
	[ ! -f "$XS_SHIM_STATE/domains/$d" ] ||
		_xs_fail "domain $d exists" || return 1
	xs_domain_set "$d" paused "uuid=$uuid" || return 1
	_xs_domain_make "$d" "$name--incoming" "$uuid"
}

xlr_src_suspend() {
	local d=${1:-} dp=/local/domain/${1:-}
	[ -n "$d" ] || _xs_fail "usage: xlr_src_suspend DOMID" || return 1
	xenstore-write "$dp/control/shutdown" suspend || return 1
	# The guest (Linux drivers/xen/manage.c) acks and suspends.
	xenstore-write "$dp/control/shutdown" "" || return 1
	xs_domain_shutdown "$d" suspend
}

xlr_dest_restore() {
	local d=${1:-} mac=${2:-} bridge=${3:-} devid=${4:-0}
	[ -n "$bridge" ] ||
		_xs_fail "usage: xlr_dest_restore DOMID MAC BRIDGE [DEVID]" || return 1
	_xs_build_post "$d" || return 1
	xs_vif_add "$d" "$devid" "$mac" "$bridge" || return 1
	xs_vif_backend_state "$d" "$devid" 2 || return 1
	xs_vif_hotplug "$d" "$devid" connected
}

xlr_dest_prepare() {
	[ "$#" -ge 5 ] ||
		_xs_fail "usage: xlr_dest_prepare NAME DOMID UUID MAC BRIDGE [DEVID]" ||
		return 1
	xlr_dest_create "$1" "$2" "$3" && xlr_dest_restore "$2" "$4" "$5" "${6:-0}"
}

xlr_src_rename_away() {
	xs_domain_rename "$2" "$1" "$1--migratedaway"
}

xlr_dest_go() {
	xs_domain_rename "$2" "$1--incoming" "$1" && xs_domain_unpause "$2"
}

xlr_guest_resume() {
	local devid=${2:-0}
	xs_vif_state "$1" "$devid" 4 && xs_vif_backend_state "$1" "$devid" 4
}

xlr_src_destroy() { xs_domain_destroy "$1"; }
xlr_dest_abort() { xs_domain_destroy "$1"; }

xlr_src_abort() {
	local name=${1:-} d=${2:-} cur
	[ -n "$d" ] || _xs_fail "usage: xlr_src_abort NAME DOMID" || return 1
	cur=$(xenstore-read "/local/domain/$d/name") || return 1
	if [ "$cur" = "$name--migratedaway" ]; then
		xs_domain_rename "$d" "$cur" "$name" || return 1
	fi
	xs_domain_unpause "$d" && "$(_xs_bin xs_ctl)" resume "$d"
}

_xlr_step() {
	[ -z "${XLR_HOOK:-}" ] || "$XLR_HOOK" "$1"
}

xlr_migrate() {
	local src=${1:-} sd=${2:-} dst=${3:-} dd=${4:-} bridge=${5:-xenbr0}
	local name uuid mac
	[ -n "$dd" ] || _xs_fail "usage: xlr_migrate SRC_RUNDIR SRC_DOMID" \
		"DST_RUNDIR DST_DOMID [BRIDGE]" || return 1
	xs_fixture_use "$src"
	name=$(xenstore-read "/local/domain/$sd/name") || return 1
	uuid=$(xs_domain_uuid "$sd") || return 1
	mac=$(xenstore-read "/local/domain/$sd/device/vif/0/mac" 2>/dev/null ||
		echo 00:16:3e:00:00:01)
	xs_fixture_use "$dst"
	xlr_dest_create "$name" "$dd" "$uuid" && _xlr_step dest_create || return 1
	xs_fixture_use "$src"
	xlr_src_suspend "$sd" && _xlr_step src_suspend || return 1
	xs_fixture_use "$dst"
	xlr_dest_restore "$dd" "$mac" "$bridge" && _xlr_step dest_restore ||
		return 1
	xs_fixture_use "$src"
	xlr_src_rename_away "$name" "$sd" && _xlr_step src_rename_away || return 1
	xs_fixture_use "$dst"
	xlr_dest_go "$name" "$dd" && _xlr_step dest_go || return 1
	xlr_guest_resume "$dd" && _xlr_step guest_resume || return 1
	xs_fixture_use "$src"
	xlr_src_destroy "$sd" && _xlr_step src_destroy
}
