# shellcheck shell=bash
# xenstored.sh: run Debian's real xenstored (Xen 4.17) without a hypervisor,
# and write into it what libxl writes for domains and vifs.  Tests and the
# bench only.  Source it from bash:  . tests/lib/xenstored.sh
#
# The daemon is /usr/lib/xen-4.17/bin/xenstored -N under the LD_PRELOAD shim
# $B/lib/xs_shim.so (tests/lib/xs_shim.c: fakes libxenctrl, libxenevtchn and
# libxengnttab, redirects /proc/xen/xsd_{kva,port}).  Build it with `make`.
# Every write goes through the real libxenstore tools (xenstore-read, -ls,
# ... and xs_ctl for introduce/release/resume and multi-key transactions).
#
# Quick start (a test script, bash with set -eu):
#   . tests/lib/xenstored.sh
#   why=$(xs_fixture_check) || { echo "$why"; exit 77; }
#   R=$(mktemp -d /tmp/mytest.XXXXXX); trap 'xs_fixture_stop "$R"' EXIT
#   xs_fixture_start "$R"              # exports XENSTORED_PATH
#   my_daemon &                        # libxenstore finds the socket
#   xs_domain_create 5 vm5             # @introduceDomain
#   xs_vif_add 5 0 00:16:3e:00:00:05 xenbr0
#   xenstore-read /local/domain/5/name # any xenstore-* CLI works
#   xs_domain_destroy 5                # @releaseDomain
#
# Functions (each returns non-zero with a message on stderr when it fails):
#   xs_fixture_check              why the fixture cannot run here (prints a
#                                 reason, returns 1) or nothing (returns 0);
#                                 tests `exit 77` on failure
#   xs_fixture_start RUNDIR       start xenstored, wait for its socket, write
#                                 dom0's keys (as xen-init-dom0), then
#                                 xs_fixture_use RUNDIR.  Call it from the
#                                 test's own shell, not from $(...) or a
#                                 pipeline: xenstored dies with its parent.
#   xs_fixture_stop [RUNDIR]      stop it (TERM, then KILL after 5 s); no
#                                 process is left.  Idempotent.
#   xs_fixture_use RUNDIR         point the functions and the xenstore-* CLIs
#                                 at that fixture (two fixtures = two hosts)
#   xs_tx                         run an xs_ctl transaction script from stdin
#                                 (rm/mkdir/write/chmod lines, see xs_ctl.c)
#   xs_domain_create DOMID NAME [UUID [paused]]
#                                 what `xl create` writes for a PV domain:
#                                 libxl__domain_make, libxl__build_post, then
#                                 xs_introduce_domain (@introduceDomain).
#                                 The domain runs unless "paused" is given.
#   xs_domain_destroy DOMID       what `xl destroy` does: pause, remove the
#                                 vifs, rm /vm/<uuid>, /local/domain/<id>,
#                                 /libxl/<id>, then the hypervisor kills it:
#                                 the shim marks it dying and VIRQ_DOM_EXC
#                                 fires; xenstored releases it and fires
#                                 @releaseDomain.  Then the domain is gone.
#   xs_domain_rename DOMID OLD NEW   libxl__domain_rename (name + /vm name)
#   xs_domain_shutdown DOMID REASON  the guest shuts down (REASON: poweroff,
#                                 reboot, suspend, crash): VIRQ_DOM_EXC,
#                                 xenstored fires @releaseDomain
#   xs_domain_pause DOMID / xs_domain_unpause DOMID
#                                 xc_domain_pause/unpause: only the shim's
#                                 state changes (xenstore has no pause flag)
#   xs_domain_set DOMID [WORD...] overwrite the shim state of DOMID (words:
#                                 paused blocked shutdown crashed dying
#                                 reason=N uuid=U mem=KiB; none = running)
#   xs_domain_state DOMID         print the shim state words ("running" when
#                                 empty, "absent" when the domain is gone)
#   xs_domain_uuid DOMID          print the domain's uuid (from its vm key)
#   xs_virq                       fire VIRQ_DOM_EXC (xenstored re-reads every
#                                 domain with xc_domain_getinfo)
#   xs_vif_add DOMID DEVID MAC BRIDGE
#                                 libxl__device_nic_add: backend and frontend
#                                 directories, state 1 (Initialising)
#   xs_vif_state DOMID DEVID STATE        frontend state (4 = Connected)
#   xs_vif_backend_state DOMID DEVID STATE   backend state (what netback
#                                 writes: 2 InitWait, 4 Connected, 6 Closed)
#   xs_vif_hotplug DOMID DEVID [STATUS]   what vif-bridge writes when done:
#                                 backend hotplug-status (default connected)
#   xs_vif_remove DOMID DEVID     libxl's forced device removal
#   xs_as_guest DOMID read|write|mkdir PATH [VALUE]
#                                 the request made by the guest itself,
#                                 over its own ring (tests/lib/xs_guest.c):
#                                 xenstored checks the guest's permissions;
#                                 returns 1 and prints the error (EACCES)
#                                 when it refuses
#
# Environment read:
#   B                 build directory (default build), for xs_ctl and the shim
#   XS_XENSTORED      the daemon (default /usr/lib/xen-4.17/bin/xenstored)
#   XS_FIXTURE_TRACE  1: xenstored -T RUNDIR/trace (every request logged)
#   XS_SHIM_VERBOSE   1: the shim also logs getinfo/notify/unmask calls
# Environment set by xs_fixture_use (exported):
#   XENSTORED_PATH    RUNDIR/socket: libxenstore clients (our daemons, the
#                     xenstore-* CLIs) connect there
#   XS_SHIM_STATE     RUNDIR/shim: the shim's state directory
#   XS_FIXTURE_RUNDIR RUNDIR
# Files in RUNDIR:
#   socket            xenstored's socket
#   xenstored.pid     its pid;  xenstored.log  its stdout/stderr
#   trace             with XS_FIXTURE_TRACE=1
#   shim/domains/<domid>  one file per existing domain, holding the state
#                     words above: a daemon under test may read it, or
#                     preload xs_shim.so and call xc_domain_getinfo()
#   shim/evtchn       FIFO behind the event channel ("virq" lines)
#   shim/shim.log     the shim's log;  shim/virq_port, xsd_kva, xsd_port
# Xenstore keys written: see each function; the values mirror
# tools/libs/light/libxl_create.c (libxl__domain_make), libxl_dom.c
# (libxl__build_post), libxl_domain.c (libxl__domain_rename,
# libxl__destroy_domid), libxl_nic.c + libxl_device.c
# (libxl__device_generic_add) and xen-init-dom0.c of Xen 4.17.

XS_FIXTURE_XEN_VERSION=4.17
XS_XENSTORED=${XS_XENSTORED:-/usr/lib/xen-4.17/bin/xenstored}
_xs_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

_xs_fail() { echo "xenstored.sh: $*" >&2; return 1; }
_xs_bin() { echo "$_xs_repo/${B:-build}/bin/$1"; }
_xs_shim() { echo "$_xs_repo/${B:-build}/lib/xs_shim.so"; }

xs_fixture_check() {
	local v c
	if [ ! -x "$XS_XENSTORED" ]; then
		echo "no $XS_XENSTORED (xen-utils-$XS_FIXTURE_XEN_VERSION)"
		return 1
	fi
	v=$(dpkg-query -W -f='${Version}' "xen-utils-$XS_FIXTURE_XEN_VERSION" \
		2>/dev/null || true)
	case $v in
	"$XS_FIXTURE_XEN_VERSION".*) ;;
	*)	echo "xs_shim was written for Xen $XS_FIXTURE_XEN_VERSION;" \
			"xen-utils-$XS_FIXTURE_XEN_VERSION is '${v:-absent}'"
		return 1 ;;
	esac
	for c in xenstore-read xenstore-write xenstore-rm xenstore-ls; do
		command -v "$c" >/dev/null || { echo "no $c"; return 1; }
	done
	[ -f "$(_xs_shim)" ] || { echo "no $(_xs_shim) (run make)"; return 1; }
	[ -x "$(_xs_bin xs_ctl)" ] || { echo "no $(_xs_bin xs_ctl) (run make)"; return 1; }
	return 0
}

xs_fixture_use() {
	[ -n "${1:-}" ] || _xs_fail "usage: xs_fixture_use RUNDIR" || return 1
	export XS_FIXTURE_RUNDIR=$1
	export XENSTORED_PATH=$1/socket
	export XS_SHIM_STATE=$1/shim
}

xs_fixture_start() {
	local rundir=${1:-} why pid i trace=()
	[ -n "$rundir" ] || _xs_fail "usage: xs_fixture_start RUNDIR" || return 1
	why=$(xs_fixture_check) || _xs_fail "$why" || return 1
	[ "${#rundir}" -lt 100 ] || _xs_fail "RUNDIR too long for a socket" || return 1
	mkdir -p "$rundir/shim/domains" || return 1
	rundir=$(cd "$rundir" && pwd)
	if [ -f "$rundir/xenstored.pid" ] &&
	    _xs_alive "$(cat "$rundir/xenstored.pid")"; then
		_xs_fail "a fixture already runs in $rundir"
		return 1
	fi
	rm -f "$rundir/socket" "$rundir/socket_ro"
	[ "${XS_FIXTURE_TRACE:-0}" = 1 ] && trace=(-T "$rundir/trace")
	# XS_SHIM_PDEATHSIG: xenstored gets SIGTERM when this shell exits.
	XENSTORED_RUNDIR=$rundir XENSTORED_PATH=$rundir/socket \
	XS_SHIM_STATE=$rundir/shim XS_SHIM_PDEATHSIG=1 \
	LD_PRELOAD=$(_xs_shim) \
		"$XS_XENSTORED" -N "${trace[@]}" >"$rundir/xenstored.log" 2>&1 &
	pid=$!
	echo "$pid" >"$rundir/xenstored.pid"
	for i in $(seq 1 100); do
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$rundir/xenstored.log" >&2
			_xs_fail "xenstored exited at start (log above)"
			return 1
		fi
		[ -S "$rundir/socket" ] &&
			XENSTORED_PATH=$rundir/socket xenstore-read /tool/xenstored \
				>/dev/null 2>&1 && break
		[ "$i" -lt 100 ] || { xs_fixture_stop "$rundir";
			_xs_fail "xenstored not answering after 5 s"; return 1; }
		sleep 0.05
	done
	xs_fixture_use "$rundir"
	# xen-init-dom0.c: what a real dom0 has before any domain exists.
	xs_tx <<-EOF
	write /local/domain/0/domid 0
	write /local/domain/0/name Domain-0
	write /local/domain/0/vm /vm/00000000-0000-0000-0000-000000000000
	write /vm/00000000-0000-0000-0000-000000000000/uuid 00000000-0000-0000-0000-000000000000
	write /vm/00000000-0000-0000-0000-000000000000/name Domain-0
	EOF
}

xs_fixture_stop() {
	local rundir=${1:-${XS_FIXTURE_RUNDIR:-}} pid i
	[ -n "$rundir" ] && [ -f "$rundir/xenstored.pid" ] || return 0
	pid=$(cat "$rundir/xenstored.pid")
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for i in $(seq 1 100); do
			_xs_alive "$pid" || break
			[ "$i" -eq 50 ] && kill -KILL "$pid" 2>/dev/null
			sleep 0.05
		done
		wait "$pid" 2>/dev/null || true
	fi
	rm -f "$rundir/xenstored.pid" "$rundir/socket" "$rundir/socket_ro"
	! _xs_alive "$pid" || _xs_fail "xenstored $pid survived KILL"
}

# A zombie is dead for our purpose (its parent reaps it later).
_xs_alive() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

xs_tx() {
	[ -n "${XENSTORED_PATH:-}" ] || _xs_fail "no fixture (xs_fixture_use)" || return 1
	"$(_xs_bin xs_ctl)" tx
}

# --- hypervisor side: the shim's domain table ------------------------------

xs_domain_set() {
	local domid=$1
	shift
	[ -n "${XS_SHIM_STATE:-}" ] || _xs_fail "no fixture" || return 1
	echo "$*" >"$XS_SHIM_STATE/domains/$domid.tmp" &&
		mv "$XS_SHIM_STATE/domains/$domid.tmp" "$XS_SHIM_STATE/domains/$domid"
}

xs_domain_state() {
	local f=$XS_SHIM_STATE/domains/$1 w
	[ -f "$f" ] || { echo absent; return 0; }
	w=$({ grep -owE 'paused|blocked|shutdown|crashed|dying|reason=[0-9]+' \
		"$f" || true; } | tr '\n' ' ')
	w=${w% }
	echo "${w:-running}"
}

# Keeps uuid=/mem= words, replaces the run state.
_xs_domain_flags() {
	local domid=$1 keep=()
	shift
	[ -f "$XS_SHIM_STATE/domains/$domid" ] ||
		_xs_fail "domain $domid does not exist" || return 1
	read -ra keep <<<"$({ grep -owE '(uuid|mem)=[^ ]+' \
		"$XS_SHIM_STATE/domains/$domid" || true; } | tr '\n' ' ')"
	xs_domain_set "$domid" "${keep[@]}" "$@"
}

xs_virq() {
	[ -p "$XS_SHIM_STATE/evtchn" ] || _xs_fail "no event channel FIFO" || return 1
	# Read-write open: never blocks, even without a reader.
	echo virq 1<>"$XS_SHIM_STATE/evtchn"
}

xs_domain_pause() { _xs_domain_flags "$1" paused; }
xs_domain_unpause() { _xs_domain_flags "$1"; }

xs_domain_shutdown() {
	local reason
	case ${2:-} in
	poweroff) reason=0 ;; reboot) reason=1 ;; suspend) reason=2 ;;
	crash) reason=3 ;;
	*) _xs_fail "usage: xs_domain_shutdown DOMID poweroff|reboot|suspend|crash"
	   return 1 ;;
	esac
	_xs_domain_flags "$1" shutdown "reason=$reason" && xs_virq
}

xs_domain_uuid() {
	local vm
	vm=$(xenstore-read "/local/domain/$1/vm") || return 1
	echo "${vm#/vm/}"
}

# --- toolstack side: what libxl writes --------------------------------------

# libxl_create.c libxl__domain_make(): one transaction.
# roperm = n0 r<domid>, rwperm = n<domid>, noperm = n0.
_xs_domain_make() {
	local d=$1 name=$2 uuid=$3 dp=/local/domain/$1 vm=/vm/$3 lp=/libxl/$1 k
	{
		echo "rm $dp"; echo "mkdir $dp"; echo "chmod $dp n0 r$d"
		echo "rm $vm"; echo "mkdir $vm"; echo "chmod $vm n0 r$d"
		echo "rm $lp"; echo "mkdir $lp"; echo "chmod $lp n0"
		echo "mkdir $lp/device"; echo "chmod $lp/device n0"
		echo "write $dp/vm $vm"
		# libxl__domain_rename(old_name = NULL) inside the transaction
		echo "write $dp/name $name"; echo "write $vm/name $name"
		for k in cpu memory device; do
			echo "mkdir $dp/$k"; echo "chmod $dp/$k n0 r$d"
		done
		echo "mkdir $dp/device/suspend/event-channel"
		echo "chmod $dp/device/suspend/event-channel n$d"
		echo "mkdir $dp/control"; echo "chmod $dp/control n0 r$d"
		for k in control/shutdown control/feature-poweroff \
		    control/feature-reboot control/feature-suspend control/sysrq \
		    data drivers feature attr error; do
			echo "mkdir $dp/$k"; echo "chmod $dp/$k n$d"
		done
		echo "write $vm/uuid $uuid"; echo "write $vm/name $name"
		echo "write $dp/control/platform-feature-multiprocessor-suspend 1"
		echo "write $dp/control/platform-feature-xs_reset_watches 1"
		echo "write $lp/type pv"
	} | xs_tx
}

# libxl_dom.c libxl__build_post(): one transaction, then introduce.
# PV guest, 1 vcpu, 256 MiB: store/port 1, store/ring-ref an arbitrary gfn.
_xs_build_post() {
	local d=$1 dp=/local/domain/$1 vm
	vm=$(xenstore-read "$dp/vm") || return 1
	xs_tx <<-EOF || return 1
	write $dp/memory/static-max 262144
	write $dp/memory/target 262144
	write $dp/memory/videoram 0
	write $dp/domid $d
	write $dp/store/port 1
	write $dp/store/ring-ref $((0x100000 + d))
	write $dp/cpu/0/availability online
	write $vm/image/ostype linux
	write $vm/image/kernel /boot/vmlinuz-guest
	write $vm/start_time $(date +%s.%2N)
	EOF
	"$(_xs_bin xs_ctl)" introduce "$d" "$((0x100000 + d))" 1
}

xs_domain_create() {
	local d=${1:-} name=${2:-} uuid=${3:-} paused=${4:-}
	[ -n "$d" ] && [ -n "$name" ] ||
		_xs_fail "usage: xs_domain_create DOMID NAME [UUID [paused]]" || return 1
	[ -n "$uuid" ] || uuid=$(cat /proc/sys/kernel/random/uuid)
	[ ! -f "$XS_SHIM_STATE/domains/$d" ] ||
		_xs_fail "domain $d exists" || return 1
	# xc_domain_create(): the domain exists, paused, before any key.
	xs_domain_set "$d" paused "uuid=$uuid" || return 1
	_xs_domain_make "$d" "$name" "$uuid" || return 1
	_xs_build_post "$d" || return 1
	[ "$paused" = paused ] || xs_domain_unpause "$d"
}

# libxl_domain.c libxl__domain_rename(): name and /vm/<uuid>/name, checking
# the old name, in one transaction.
xs_domain_rename() {
	local d=$1 old=$2 new=$3 cur uuid
	cur=$(xenstore-read "/local/domain/$d/name") || return 1
	[ "$cur" = "$old" ] ||
		_xs_fail "domain $d is named '$cur', not '$old'" || return 1
	uuid=$(xs_domain_uuid "$d") || return 1
	xs_tx <<-EOF
	write /local/domain/$d/name $new
	write /vm/$uuid/name $new
	EOF
}

# libxl_domain.c libxl__destroy_domid(): xc_domain_pause, devices removed
# (force), devices_destroy_cb rm's vm, dom and libxl paths, then
# xc_domain_destroy in a child.  The hypervisor marks the domain dying and
# raises VIRQ_DOM_EXC; xenstored releases it (@releaseDomain).  Once
# released, the domain vanishes from the hypervisor too.
xs_domain_destroy() {
	local d=${1:-} vm devid i
	[ -n "$d" ] || _xs_fail "usage: xs_domain_destroy DOMID" || return 1
	xs_domain_pause "$d" || return 1
	for devid in $(xenstore-list "/libxl/$d/device/vif" 2>/dev/null); do
		xs_vif_remove "$d" "$devid" || return 1
	done
	vm=$(xenstore-read "/local/domain/$d/vm" 2>/dev/null || true)
	[ -z "$vm" ] || xenstore-rm "$vm"
	xenstore-rm "/local/domain/$d" 2>/dev/null || true
	xenstore-rm "/libxl/$d" 2>/dev/null || true
	xenstore-rm "/local/domain/$d/hvmloader" 2>/dev/null || true
	_xs_domain_flags "$d" paused dying && xs_virq || return 1
	for i in $(seq 1 100); do
		"$(_xs_bin xs_ctl)" is-introduced "$d" || break
		[ "$i" -lt 100 ] || _xs_fail "xenstored did not release $d" ||
			return 1
		sleep 0.02
	done
	rm -f "$XS_SHIM_STATE/domains/$d"
}

# --- vifs --------------------------------------------------------------------

_xs_vif_paths() {
	fe=/local/domain/$1/device/vif/$2
	be=/local/domain/0/backend/vif/$1/$2
	lp=/libxl/$1/device/vif/$2
}

# libxl_nic.c (libxl__set_xenstore_nic + libxl__device_nic_add's generic
# keys) and libxl_device.c libxl__device_generic_add(), one transaction.
# frontend perms: n<domid> r0; backend perms: n0 r<domid>.
xs_vif_add() {
	local d=${1:-} devid=${2:-} mac=${3:-} bridge=${4:-} fe be lp k
	[ -n "$bridge" ] ||
		_xs_fail "usage: xs_vif_add DOMID DEVID MAC BRIDGE" || return 1
	_xs_vif_paths "$d" "$devid"
	local bents=(frontend-id "$d" online 1 state 1
		script /etc/xen/scripts/vif-bridge mac "$mac" bridge "$bridge"
		handle "$devid" type vif)
	{
		echo "rm $lp"
		echo "write $lp/frontend $fe"; echo "write $lp/backend $be"
		echo "rm $fe"; echo "mkdir $fe"; echo "chmod $fe n$d r0"
		echo "write $fe/backend $be"
		for k in backend-id:0 state:1 handle:"$devid" mac:"$mac"; do
			echo "write $fe/${k%%:*} ${k#*:}"
			echo "chmod $fe/${k%%:*} n$d r0"
		done
		echo "rm $be"; echo "mkdir $be"; echo "chmod $be n0 r$d"
		echo "write $be/frontend $fe"
		for ((k = 0; k < ${#bents[@]}; k += 2)); do
			echo "write $be/${bents[k]} ${bents[k+1]}"
		done
		for ((k = 0; k < ${#bents[@]}; k += 2)); do
			echo "write $lp/${bents[k]} ${bents[k+1]}"
		done
	} | xs_tx
}

xs_vif_state() {
	local fe be lp
	_xs_vif_paths "$1" "$2"
	xenstore-write "$fe/state" "$3"
}

xs_vif_backend_state() {
	local fe be lp
	_xs_vif_paths "$1" "$2"
	xenstore-write "$be/state" "$3"
}

# xen-hotplug-common.sh success(): write hotplug-status connected
xs_vif_hotplug() {
	local fe be lp
	_xs_vif_paths "$1" "$2"
	xenstore-write "$be/hotplug-status" "${3:-connected}"
}

xs_as_guest() {
	local d=$1
	shift
	"$(_xs_bin xs_guest)" "$XS_SHIM_STATE" "$d" "$@"
}

# libxl_device.c libxl__initiate_device_generic_remove() with force (as
# in domain destroy): frontend path removed, backend online 0, state 5;
# netback answers 6 (Closed); the hotplug script runs offline (vif-bridge
# removes nothing from xenstore); libxl__device_destroy() removes the
# frontend, libxl and backend paths.
xs_vif_remove() {
	local fe be lp
	_xs_vif_paths "$1" "$2"
	xs_tx <<-EOF || return 1
	rm $fe
	write $be/online 0
	write $be/state 5
	EOF
	xenstore-write "$be/state" 6 || return 1
	xs_tx <<-EOF
	rm $fe
	rm $lp
	rm $be
	EOF
}
