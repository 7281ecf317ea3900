# shellcheck shell=bash
# shellcheck disable=SC2034 # the MIG_T_* are read by the caller
# bench/lib/migrate.sh: one emulated Xen live migration of the testbed's VM
# (bench/lib/testbed.sh) from dc1 (domid 1) to dc2 (domid 2).  Sourced.
#
#   tb_migrate MEM_MB BLACKOUT_S
#     1 dc2: xl's receiver creates "vm1--incoming" (xlr_dest_create)
#       mode full: dc1's migrated is told of the departure (as the xl
#       migrate wrapper does), so dc1's xtrd keeps an away entry
#     2 pre-copy: MEM_MB MiB over one TCP connection dc1 -> dc2 across the
#       impaired WAN while the VM runs (wl.py precopy-send)
#     3 stop-and-copy: the guest suspends (xlr_src_suspend), its
#       processes are stopped (SIGSTOP) and its vif goes down; BLACKOUT_S after the suspend the VM resumes at dc2:
#       xlr_dest_restore, the vif moves to dc2's xenbr0 as vif2.0,
#       xlr_src_rename_away, xlr_dest_go (unpause), SIGCONT - the VM is
#       UP -: the VM's netfront helper (wl.py netfront, started by
#       tb_up) is continued first and sends a gratuitous ARP at once (as
#       Linux netfront does on reconnect), then the guest's other
#       processes (tb_vm_resume); xlr_guest_resume.  The vif
#       sits on dc2's bridge down (no carrier: netfront not connected)
#       until the VM is up
#       mode bgp: dc1 withdraws the /32 at the suspend, dc2 announces it
#       at UP
#     4 xlr_src_destroy at dc1
# Sets (CLOCK_REALTIME ns): MIG_T_START (= the pre-copy's TCP connection
# is up) MIG_T_PRECOPY_END MIG_T_SUSPEND
# MIG_T_SUSPENDED (guest suspended in xenstore) MIG_T_RESTORED (dc2's
# xenstore side done, vif on dc2's bridge) MIG_T_UP
# MIG_T_END, and MIG_PRECOPY_BYTES.  Needs WL (wl.py), BIN.

tb_now() { date +%s%N; }

# tb_mark STEP: "STEP realtime_ns" into RUN/marks (the emulator's timeline)
tb_mark() { echo "$1 $(tb_now)" >>"$RUN/marks.log"; }

tb_precopy() {
	local bytes=$1 out
	tb_bg dc2 "$RUN/precopy-recv.log" python3 "$WL" precopy-recv 7000 \
	    "$RUN/precopy.done"
	out=$(tb_in dc1 python3 "$WL" precopy-send 192.0.2.2 7000 "$bytes") ||
	    tb_die "pre-copy failed" || return 1
	echo "$out" >"$RUN/precopy.log"
	read -r MIG_PRECOPY_BYTES _ MIG_T_PRECOPY_START MIG_T_PRECOPY_END <<<"$out"
}

# tb_vm_freeze STOP|CONT: the paused guest runs nothing: every process of
# the VM's namespace is stopped (its kernel stack, e.g. TCP timers, still
# runs: a namespace has no pause)
tb_vm_freeze() {
	local p
	for p in $(ip netns pids "${TB}vm"); do
		kill "-$1" "$p" 2>/dev/null || true
	done
}

# tb_vm_resume FD PIDS: the guest runs again at dc2.  As with Linux
# netfront (netback_changed -> netdev_notify_peers on
# XenbusStateConnected), the gratuitous ARP follows the unpause at once:
# the vif's carrier comes up (a line to the `ip -batch` already running on
# FD: no fork here), the netfront helper is continued first, then the
# guest's other processes (PIDS, listed before the unpause).
tb_vm_resume() {
	local p
	echo "link set vif2.0 up" >&"$1"
	[ -n "${TB_NETFRONT_PID:-}" ] &&
	    { kill -CONT "$TB_NETFRONT_PID" 2>/dev/null || true; }
	for p in $2; do
		[ "$p" = "${TB_NETFRONT_PID:-}" ] ||
		    kill -CONT "$p" 2>/dev/null || true
	done
}

tb_vif_move() {
	ip -n "${TB}dc1" link set vif1.0 nomaster
	ip -n "${TB}dc1" link set vif1.0 netns "${TB}dc2"
	ip -n "${TB}dc2" link set vif1.0 name vif2.0
	ip -n "${TB}dc2" link set vif2.0 master xenbr0
}

tb_migrate() {
	local mem=$1 blackout=$2 uuid left pids ipb
	xs_fixture_use "$RUN/xs-dc1"
	uuid=$(xs_domain_uuid 1) || return 1
	xs_fixture_use "$RUN/xs-dc2"
	xlr_dest_create vm1 2 "$uuid" || return 1
	tb_mark dest-created
	if [ "$TB_MODE" = full ]; then
		tb_mig dc1 departure vm1 192.0.2.2 >/dev/null ||
		    tb_die "departure refused" || return 1
		tb_mark departure-announced
	fi
	tb_precopy "$((mem * 1048576))" || return 1
	# the migration starts with the memory stream (the setup before it
	# is this emulator's own process start-up, seconds on a busy host)
	MIG_T_START=$MIG_T_PRECOPY_START
	# the blackout as measured: from the VM's link cut (after it) to its
	# link back (before it), so that no packet can pass within it
	tb_vm_freeze STOP
	ip -n "${TB}dc1" link set vif1.0 down
	MIG_T_SUSPEND=$(tb_now)
	[ "$TB_MODE" = bgp ] && tb_bgp_withdraw dc1
	xs_fixture_use "$RUN/xs-dc1"
	xlr_src_suspend 1 || return 1
	MIG_T_SUSPENDED=$(tb_now)
	xs_fixture_use "$RUN/xs-dc2"
	xlr_dest_restore 2 "$TB_VM_MAC" xenbr0 || return 1
	tb_vif_move
	MIG_T_RESTORED=$(tb_now)
	left=$(awk -v b="$blackout" -v s="$MIG_T_SUSPEND" -v n="$(tb_now)" \
	    'BEGIN { l = b - (n - s) / 1e9; printf "%.3f", (l > 0 ? l : 0) }')
	sleep "$left"
	xs_fixture_use "$RUN/xs-dc1"
	xlr_src_rename_away vm1 1 || return 1
	xs_fixture_use "$RUN/xs-dc2"
	pids=$(ip netns pids "${TB}vm")
	exec {ipb}> >(exec ip -n "${TB}dc2" -batch -)
	xlr_dest_go vm1 2 || { exec {ipb}>&-; return 1; }
	MIG_T_UP=$(tb_now)
	tb_vm_resume "$ipb" "$pids"
	exec {ipb}>&-
	[ "$TB_MODE" = bgp ] && tb_bgp_announce dc2
	xlr_guest_resume 2 || return 1
	xs_fixture_use "$RUN/xs-dc1"
	xlr_src_destroy 1 || return 1
	MIG_T_END=$(tb_now)
}
