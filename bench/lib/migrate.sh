# shellcheck shell=bash
# shellcheck disable=SC2034 # the MIG_T_* are read by the caller
# bench/lib/migrate.sh: one emulated Xen live migration of the testbed's VM
# (bench/lib/testbed.sh) from dc1 (domid 1) to dc2 (domid 2).  Sourced.
#
#   tb_migrate MEM_MB BLACKOUT_S
#     1 dc2: xl's receiver creates "vm1--incoming" (xlr_dest_create)
#       mode full: dc1's migrated is told of the departure (as the xl
#       migrate wrapper does), so dc1's xtrd keeps an away entry; with
#       TB_PREFETCH=1 dc2's xtrd then resolves the EIDs of dc1's
#       map-cache (tb_prefetch, as the wrapper does)
#       the xenstore steps of the blackout are recorded (tb_xl_prepare)
#       and bench/lib/xl_steps.py, which will make them, is started
#     2 pre-copy: MEM_MB MiB over one TCP connection dc1 -> dc2 across the
#       impaired WAN while the VM runs (wl.py precopy-send)
#     3 stop-and-copy: the guest's neighbour entries are pinned
#       (tb_vm_neigh_pin: a paused guest's ARP does not run), its
#       processes are stopped (SIGSTOP); libxl asks the guest to suspend
#       (control/shutdown = "suspend") and the guest acks ("")
#       (xlr_src_suspend's writes); only then does its vif go down, at
#       once: the blackout starts (MIG_T_SUSPEND; MIG_T_ASKED the ack).
#       Then, by xl_steps.py, in xl's order: the guest's SCHEDOP_shutdown
#       (the shim's shutdown reason, @releaseDomain); the last pages (a
#       sleep: BLACKOUT_S less TB_XL_STEPS_S, what the steps after it take); xlr_dest_restore
#       (libxl__build_post, introduce, the nic's transaction; the vif
#       moves to dc2's xenbr0 as vif2.0, no carrier; backend state 2,
#       hotplug-status connected); xlr_src_rename_away; xlr_dest_go
#       (rename, unpause) - the VM is UP (MIG_T_UP) -: the vif gets
#       its carrier, the VM's netfront helper (wl.py netfront, started by
#       tb_up) is continued first and sends a gratuitous ARP at once (as
#       Linux netfront does on reconnect), then the guest's other
#       processes (tb_vm_resume); xlr_guest_resume.
#       mode bgp: dc1 withdraws the /32 at the suspend, dc2 announces it
#       at UP
#     4 xlr_src_destroy at dc1
# Sets (CLOCK_REALTIME ns): MIG_T_START (= the pre-copy's TCP connection
# is up) MIG_T_PRECOPY_END MIG_T_ASKED (the suspend asked and acked in
# xenstore) MIG_T_SUSPEND (the guest's link cut)
# MIG_T_SUSPENDED (guest suspended in xenstore) MIG_T_BUILT (dc2's
# domain built) MIG_T_VIF (vif on dc2's bridge) MIG_T_RESTORED (dc2's
# xenstore side done) MIG_T_AWAY (src renamed --migratedaway) MIG_T_UP
# MIG_T_END, and MIG_PRECOPY_BYTES; the blackout's steps also go to
# RUN/marks.log.  Needs WL (wl.py), BIN.
# Environment: TB_XL_STEPS_S (default 0.03) the time the steps after the
# last pages take (restore to unpause: 0.03-0.09 s on a 2-core host at load
# 4-7), taken off the sleep so that the blackout is BLACKOUT_S.
#
# The blackout's steps fork nothing: each used to be a handful of
# xenstore-* and xs_ctl processes, 0.1-0.3 s a step on a busy host (the
# blackout was 0.5-3.3 s for 0.3 asked, and longer since migrated reacts
# to the --incoming rename, between that rename's and the unpause's
# processes: bench/results/20261125-blackout.md).

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

# tb_vm_freeze PIDS: the paused guest runs nothing: every process of the
# VM's namespace (PIDS, from `ip netns pids`) is stopped (its kernel
# stack, e.g. TCP timers, still runs: a namespace has no pause)
tb_vm_freeze() {
	local p
	for p in $1; do
		kill -STOP "$p" 2>/dev/null || true
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

# tb_vm_resume FD PIDS VMFD VMFD_OUT FD_OUT: the guest runs again at dc2.  As with Linux
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
	# nor before dc2's bridge forwards what its vif receives: the port
	# leaves "disabled" when linkwatch reports vif2.0's carrier, which
	# can come after eth0's (seen: the 55-datagram catch-up burst of the
	# first 30 ms after up lost in 1 trial of 5, xtrd never saw it).
	# Asked of dc2's ip -batch (FD 1 in, FD 5 out), no fork.
	for ((i = 0; i < 2000; i++)); do
		echo "link show dev vif2.0" >&"$1"
		read -r -t 2 -u "$5" line || break
		case $line in *"bridge_slave state forwarding"*) break ;; esac
	done
	[ -n "${TB_NETFRONT_PID:-}" ] &&
	    { kill -CONT "$TB_NETFRONT_PID" 2>/dev/null || true; }
	for p in $2; do
		[ "$p" = "${TB_NETFRONT_PID:-}" ] ||
		    kill -CONT "$p" 2>/dev/null || true
	done
}

# tb_prefetch: dc2's xtrd resolves the EIDs dc1's map-cache holds (the VM's
# correspondents) before the VM runs there; a failure is only logged
tb_prefetch() {
	local eids
	eids=$(tb_xtr dc1 --json map-cache |
	    jq -r '.entries[] | select((.iid // 0) == 0) | .eid') || eids=
	if [ -z "$eids" ]; then
		tb_mark prefetch-none
		return 0
	fi
	# shellcheck disable=SC2086
	tb_xtr dc2 --json prefetch $eids >"$RUN/prefetch.json" 2>&1 ||
	    echo "testbed: prefetch at dc2 failed: $(tr -d '\n' <"$RUN/prefetch.json")" >&2
	tb_mark prefetch-requested
}

# tb_vif_move START|END: netback makes the vif on dc2 and vif-bridge puts
# it on the bridge: commands to xl_steps.py (vif1.0 was set down at the
# suspend).  START (before dc2's xenstore steps, which it overlaps: ip
# runs them while xl_steps.py writes) takes vif1.0 out of dc1; END (after
# them, before hotplug-status connected) names it vif2.0 on dc2's bridge
tb_vif_move() {
	local a=${TB}dc1 b=${TB}dc2
	case $1 in
	START) printf '%s\n' "ip $a link set vif1.0 nomaster" \
	    "ip $a link set vif1.0 netns $b" ;;
	END) printf '%s\n' "ipsync $a" "ip $b link set vif1.0 name vif2.0" \
	    "ip $b link set vif2.0 master xenbr0" "ipsync $b" ;;
	esac >&"$TB_XLS_IN"
}

# tb_xl_record FILE CMD...: the xenstore operations of the replay step CMD
# (tests/lib/xl_migrate_replay.sh, tests/lib/xenstored.sh), done now, as
# lines for bench/lib/xl_steps.py into FILE: writes, transactions,
# introduce and the shim's domain table are recorded, reads are done (the
# names and uuids they check do not change before the step runs).  Every
# step of the blackout is recorded before it, so that the steps themselves
# fork nothing: in the order xl makes them, by one process.
# shellcheck disable=SC2317 # the overrides are called by the replay step
tb_xl_record() {
	local f=$1
	shift
	(
		xenstore-write() { echo "write $1 ${2:-}"; }
		xs_tx() { echo tx; cat; echo commit; }
		_xs_bin() { echo _tb_xl_rec_ctl; }
		_tb_xl_rec_ctl() { echo "$*"; }
		xs_domain_set() { echo "state $1 ${*:2}"; }
		xs_virq() { echo virq; }
		echo "use $XS_FIXTURE_RUNDIR"
		"$@"
	) >"$f"
}

# xlr_dest_restore in two: the vif moves in between (tb_vif_move)
tb_xl_restore1() { _xs_build_post 2 && xs_vif_add 2 0 "$TB_VM_MAC" xenbr0; }
tb_xl_restore2() { xs_vif_backend_state 2 0 2 && xs_vif_hotplug 2 0 connected; }

# tb_xl_prepare: the blackout's steps recorded into RUN/xl-*.cmd, and
# bench/lib/xl_steps.py started (commands to FD TB_XLS_IN, answers on
# TB_XLS_OUT) with its connections to both xenstoreds and its ip -batch in
# dc1 and dc2 open
tb_xl_prepare() {
	local r=$RUN/xl f
	xs_fixture_use "$RUN/xs-dc1"
	# the suspend in two: what libxl and the guest write in xenstore
	# before the guest stops (the request and the ack: Linux's
	# drivers/xen/manage.c shutdown_handler writes "" in its watch, then
	# calls do_suspend), and the guest's SCHEDOP_shutdown after it
	tb_xl_record "$r-suspend-all.cmd" xlr_src_suspend 1 || return 1
	grep -v -e '^state ' -e '^virq' "$r-suspend-all.cmd" >"$r-suspend.cmd"
	grep -e '^use ' -e '^state ' -e '^virq' "$r-suspend-all.cmd" \
	    >"$r-suspended.cmd"
	tb_xl_record "$r-away.cmd" xlr_src_rename_away vm1 1 || return 1
	xs_fixture_use "$RUN/xs-dc2"
	tb_xl_record "$r-restore1.cmd" tb_xl_restore1 || return 1
	tb_xl_record "$r-restore2.cmd" tb_xl_restore2 || return 1
	tb_xl_record "$r-go.cmd" xlr_dest_go vm1 2 || return 1
	f=$RUN/xl-steps.out
	rm -f "$f"
	mkfifo "$f"
	exec {TB_XLS_OUT}<>"$f"
	exec {TB_XLS_IN}> >(exec "$TB_PY" "$TB_REPO/bench/lib/xl_steps.py" \
	    >"$f" 2>"$RUN/xl-steps.err")
	printf '%s\n' "use $RUN/xs-dc1" "use $RUN/xs-dc2" \
	    "ipsync ${TB}dc1" "ipsync ${TB}dc2" "sync ready" >&"$TB_XLS_IN"
	tb_xl_wait ready f
}

# tb_xl_wait TAG VAR: VAR = the realtime (ns) at which xl_steps.py got to
# "sync TAG" (no fork)
tb_xl_wait() {
	local tag t
	read -r -t 30 -u "$TB_XLS_OUT" tag t ||
	    tb_die "xl_steps.py: no answer for $1" || return 1
	[ "$tag" = "$1" ] && [ "${t%% *}" != error ] ||
	    tb_die "xl_steps.py: $tag $t (waiting for $1)" || return 1
	printf -v "$2" '%s' "$t"
}

# the ip -batch processes of tb_migrate
tb_ipb_close() {
	[ -n "${ipb:-}" ] && exec {ipb}>&-
	[ -n "${ipbo:-}" ] && exec {ipbo}<&-
	[ -n "${TB_VMB_IN:-}" ] && eval "exec $TB_VMB_IN>&- $TB_VMB_OUT<&-"
	[ -n "${TB_VMB_PID:-}" ] && wait "$TB_VMB_PID" 2>/dev/null
	[ -n "${TB_XLS_IN:-}" ] && eval "exec $TB_XLS_IN>&- $TB_XLS_OUT<&-"
	TB_VMB_IN="" TB_VMB_OUT="" ipb="" ipbo="" TB_XLS_IN="" TB_XLS_OUT=""
	return 0
}

tb_migrate() {
	local mem=$1 blackout=$2 uuid pids bo_ns
	xs_fixture_use "$RUN/xs-dc1"
	uuid=$(xs_domain_uuid 1) || return 1
	xs_fixture_use "$RUN/xs-dc2"
	xlr_dest_create vm1 2 "$uuid" || return 1
	tb_mark dest-created
	if [ "$TB_MODE" = full ] || [ "$TB_MODE" = pubsub ]; then
		tb_mig dc1 departure vm1 192.0.2.2 >/dev/null ||
		    tb_die "departure refused" || return 1
		tb_mark departure-announced
		if [ "${TB_PREFETCH:-0}" = 1 ]; then tb_prefetch; fi
	fi
	# the last pages take what the steps after them leave of the blackout
	bo_ns=$(awk -v b="$blackout" -v r="${TB_XL_STEPS_S:-0.03}" \
	    'BEGIN { l = b - r; printf "%d", (l > 0 ? l : 0) * 1e9 }')
	tb_xl_prepare || { tb_ipb_close; return 1; }
	# dc2's ip -batch answers through a FIFO (tb_vm_resume reads it)
	rm -f "$RUN/ipb-dc2.out"
	mkfifo "$RUN/ipb-dc2.out" || { tb_ipb_close; return 1; }
	tb_precopy "$((mem * 1048576))" || { tb_ipb_close; return 1; }
	# the migration starts with the memory stream (the setup before it
	# is this emulator's own process start-up, seconds on a busy host)
	MIG_T_START=$MIG_T_PRECOPY_START
	# the blackout as measured: from the VM's link cut (after it) to its
	# link back (before it), so that no packet can pass within it
	tb_vm_neigh_pin
	pids=$(ip netns pids "${TB}vm")
	# libxl asks, the guest acks and only then stops: a guest cannot stop
	# before it is asked (this emulator cut its link first until
	# 2026-12-07: what dc1 delivered between the cut and the request, 2-3
	# ms, 0-2 datagrams a stream, died at dc1 with the hold on).  The
	# guest's link is cut right after its ack by the same xl_steps.py
	# (its dc1 ip -batch, no fork; a Linux guest still runs its
	# freeze_processes, device suspend and stop_machine in between): the
	# worst case for the old site's redirection.  Its processes are
	# stopped just before the request (no process would run between
	# the ack and the cut anyway; the kernel still receives).
	tb_vm_freeze "$pids"
	printf '%s\n' "file $RUN/xl-suspend.cmd" "sync asked" \
	    "ip ${TB}dc1 link set vif1.0 down" "ipsync ${TB}dc1" \
	    "sync cut" >&"$TB_XLS_IN"
	if ! { tb_xl_wait asked MIG_T_ASKED && tb_xl_wait cut MIG_T_SUSPEND; }
	then
		tb_ipb_close
		return 1
	fi
	# what xl does in the blackout, as one list to xl_steps.py: the
	# guest's suspend; the last pages (the rest of BLACKOUT_S); dc2's
	# libxl__build_post and nic add, the vif on dc2's bridge, hotplug
	# connected; src rename --migratedaway; dst rename and unpause
	printf '%s\n' "file $RUN/xl-suspended.cmd" "sync suspended" \
	    "until $((MIG_T_SUSPEND + bo_ns))" >&"$TB_XLS_IN"
	tb_vif_move START
	printf '%s\n' "file $RUN/xl-restore1.cmd" "sync built" >&"$TB_XLS_IN"
	tb_vif_move END
	printf '%s\n' "sync vif" "file $RUN/xl-restore2.cmd" "sync restored" \
	    "file $RUN/xl-away.cmd" "sync away" \
	    "file $RUN/xl-go.cmd" "sync up" >&"$TB_XLS_IN"
	if tb_bgp_mode; then
		tb_bgp_withdraw dc1
		tb_stamp MIG_T_WITHDRAWN
	fi
	# an ip -batch on dc2 (FD ipb) and one on the VM (commands to FD
	# TB_VMB_IN, line-buffered answers on TB_VMB_OUT), started in the
	# blackout (after PIDS were listed): no fork between UP and the
	# guest running
	exec {ipbo}<>"$RUN/ipb-dc2.out"
	exec {ipb}> >(exec stdbuf -oL ip -o -d -n "${TB}dc2" -batch - \
	    >"$RUN/ipb-dc2.out")
	coproc TB_VMB { exec stdbuf -oL ip -o -n "${TB}vm" -batch -; }
	TB_VMB_IN=${TB_VMB[1]} TB_VMB_OUT=${TB_VMB[0]}
	if ! { tb_xl_wait suspended MIG_T_SUSPENDED &&
	    tb_xl_wait built MIG_T_BUILT && tb_xl_wait vif MIG_T_VIF &&
	    tb_xl_wait restored MIG_T_RESTORED &&
	    tb_xl_wait away MIG_T_AWAY && tb_xl_wait up MIG_T_UP; }; then
		tb_ipb_close
		return 1
	fi
	tb_stamp MIG_T_UP
	tb_vm_neigh_unpin "$TB_VMB_IN"
	tb_vm_resume "$ipb" "$pids" "$TB_VMB_IN" "$TB_VMB_OUT" "$ipbo"
	tb_ipb_close
	printf '%s\n' "asked $MIG_T_ASKED" "suspend $MIG_T_SUSPEND" \
	    "suspended $MIG_T_SUSPENDED" \
	    "built $MIG_T_BUILT" "vif-moved $MIG_T_VIF" \
	    "restored $MIG_T_RESTORED" \
	    "renamed-away $MIG_T_AWAY" "up $MIG_T_UP" >>"$RUN/marks.log"
	[ "$TB_MODE" = bgp ] && tb_bgp_announce dc2
	if tb_bgp_mode; then echo "bgp-withdrawn $MIG_T_WITHDRAWN" >>"$RUN/marks.log"; fi
	xs_fixture_use "$RUN/xs-dc2"
	xlr_guest_resume 2 || return 1
	xs_fixture_use "$RUN/xs-dc1"
	xlr_src_destroy 1 || return 1
	# mode bgp-mrai: the new route reaches the client MRAI after the
	# withdrawal (bench/lib/bgp.sh); the migration itself is over
	[ "$TB_MODE" = bgp-mrai ] && tb_bgp_announce_mrai "$MIG_T_WITHDRAWN"
	tb_stamp MIG_T_END
}
