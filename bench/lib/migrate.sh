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
#       neighbour entries are pinned (tb_vm_neigh_pin: a paused guest's
#       ARP does not run), its processes are stopped (SIGSTOP) and its
#       vif goes down; BLACKOUT_S after the suspend the VM resumes at dc2:
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

# tb_stamp VAR: VAR = now (CLOCK_REALTIME ns, microsecond resolution)
# without a fork: the stamps inside the blackout and at UP must not wait
# for a process start-up on a busy host
tb_stamp() { printf -v "$1" '%s000' "${EPOCHREALTIME//[^0-9]/}"; }

# tb_mark STEP: "STEP realtime_ns" into RUN/marks (the emulator's timeline)
tb_mark() { echo "$1 $(tb_now)" >>"$RUN/marks.log"; }

tb_precopy() {
	local bytes=$1 out
	tb_bg dc2 "$RUN/precopy-recv.log" "$TB_PY" "$WL" precopy-recv 7000 \
	    "$RUN/precopy.done"
	out=$(tb_in dc1 "$TB_PY" "$WL" precopy-send 192.0.2.2 7000 "$bytes") ||
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

# tb_vm_neigh_pin: the paused guest's neighbour table does not change:
# the VM's resolved entries (its gateway's) are pinned (nud permanent) for
# the blackout.  The namespace's kernel would otherwise go on running its
# ARP state machine: a stale entry used by a TCP retransmission during the
# blackout went to probe, the probes were lost (no carrier) and after the
# resume every packet waited in the neighbour queue (64 KiB: the video
# stream's datagrams overflowed it behind TCP segments) for the next ARP
# retransmission, up to 1 s after up (seen at 6000 km: 130-230 datagrams
# lost after up).  TB_VM_NEIGH keeps "ip mac" per line for the resume.
tb_vm_neigh_pin() {
	TB_VM_NEIGH=$(ip -n "${TB}vm" neigh show dev eth0 |
	    awk '$2 == "lladdr" && $4 != "FAILED" { print $1, $3 }')
	echo "vm-neigh-pinned $TB_VM_NEIGH" >>"$RUN/marks.log"
	[ -n "$TB_VM_NEIGH" ] || return 0
	awk '{ print "neigh replace", $1, "lladdr", $2, "dev eth0 nud permanent" }' \
	    <<<"$TB_VM_NEIGH" | ip -n "${TB}vm" -batch - || true
}

# tb_vm_neigh_unpin FD: the pinned entries back to what a guest finds after
# a pause (stale: used at once, confirmed by a unicast probe later), as
# lines to the `ip -n VM -batch` running on FD (no fork at the resume)
tb_vm_neigh_unpin() {
	local ip mac
	while read -r ip mac; do
		[ -n "$ip" ] &&
		    echo "neigh replace $ip lladdr $mac dev eth0 nud stale" >&"$1"
	done <<<"${TB_VM_NEIGH:-}"
}

# tb_vm_resume FD PIDS VMFD VMFD_OUT: the guest runs again at dc2.  As with Linux
# netfront (netback_changed -> netdev_notify_peers on
# XenbusStateConnected), the gratuitous ARP follows the unpause at once:
# the vif's carrier comes up (a line to the `ip -batch` already running on
# FD: no fork here), the netfront helper is continued first, then the
# guest's other processes (PIDS, listed before the unpause).
tb_vm_resume() {
	local p i line
	echo "link set vif2.0 up" >&"$1"
	# the guest must not run before its eth0 transmits: until the
	# kernel's linkwatch has seen the carrier (operstate UP) the link's
	# qdisc drops everything (seen: the video stream's catch-up burst, 50
	# datagrams, dropped on the VM's eth0 after up).  Asked of the VM's
	# ip -batch (FD 3 in, FD 4 out), no fork.
	for ((i = 0; i < 2000; i++)); do
		echo "link show dev eth0" >&"$3"
		read -r -t 2 -u "$4" line || break
		case $line in *" state UP "*) break ;; esac
	done
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

# the ip -batch processes of tb_migrate
tb_ipb_close() {
	[ -n "${ipb:-}" ] && exec {ipb}>&-
	[ -n "${TB_VMB_IN:-}" ] && eval "exec $TB_VMB_IN>&- $TB_VMB_OUT<&-"
	[ -n "${TB_VMB_PID:-}" ] && wait "$TB_VMB_PID" 2>/dev/null
	TB_VMB_IN="" TB_VMB_OUT="" ipb=""
	return 0
}

tb_migrate() {
	local mem=$1 blackout=$2 uuid left pids now
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
	tb_vm_neigh_pin
	tb_vm_freeze STOP
	ip -n "${TB}dc1" link set vif1.0 down
	tb_stamp MIG_T_SUSPEND
	[ "$TB_MODE" = bgp ] && tb_bgp_withdraw dc1
	xs_fixture_use "$RUN/xs-dc1"
	xlr_src_suspend 1 || return 1
	tb_stamp MIG_T_SUSPENDED
	xs_fixture_use "$RUN/xs-dc2"
	xlr_dest_restore 2 "$TB_VM_MAC" xenbr0 || return 1
	tb_vif_move
	tb_stamp MIG_T_RESTORED
	tb_stamp now
	left=$(awk -v b="$blackout" -v s="$MIG_T_SUSPEND" -v n="$now" \
	    'BEGIN { l = b - (n - s) / 1e9; printf "%.3f", (l > 0 ? l : 0) }')
	sleep "$left"
	xs_fixture_use "$RUN/xs-dc1"
	xlr_src_rename_away vm1 1 || return 1
	xs_fixture_use "$RUN/xs-dc2"
	pids=$(ip netns pids "${TB}vm")
	# an ip -batch on dc2 (FD ipb) and one on the VM (commands to FD
	# TB_VMB_IN, line-buffered answers on TB_VMB_OUT), started now: no
	# fork between UP and the guest running
	exec {ipb}> >(exec ip -n "${TB}dc2" -batch -)
	coproc TB_VMB { exec stdbuf -oL ip -o -n "${TB}vm" -batch -; }
	TB_VMB_IN=${TB_VMB[1]} TB_VMB_OUT=${TB_VMB[0]}
	xlr_dest_go vm1 2 || { tb_ipb_close; return 1; }
	tb_stamp MIG_T_UP
	tb_vm_neigh_unpin "$TB_VMB_IN"
	tb_vm_resume "$ipb" "$pids" "$TB_VMB_IN" "$TB_VMB_OUT"
	tb_ipb_close
	[ "$TB_MODE" = bgp ] && tb_bgp_announce dc2
	xlr_guest_resume 2 || return 1
	xs_fixture_use "$RUN/xs-dc1"
	xlr_src_destroy 1 || return 1
	tb_stamp MIG_T_END
}
