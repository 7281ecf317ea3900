#!/bin/bash
# host-init.sh: PID 1 of a dom0 of the two-host test (the /init that
# build.sh puts over tests/xen-e2e/dom0-init.sh).  Brings up the Xen stack
# as dom0-init.sh does (modules, xenfs, xenstored, xen-init-dom0,
# xenconsoled), then this host's network:
#   wan0     bridge with eth0, the emulated e1000 on QEMU's socket link to
#            the other host; this dom0's RLOC (A 192.0.2.1, B 192.0.2.2)
#   xenbr0   bridge of the guest vifs, no address (xtrd's anycast gateway
#            198.51.100.1 answers the guest there)
# and the link impairment: netem delay on eth0 (each direction of the
# inter-host link is delayed once, on the sending host).  Runs
# /e2e/host-test.sh (the role's part of the test) and reboots, which ends
# QEMU (-no-reboot).
#
# Kernel command line (e2e.KEY=VALUE -> E2E_KEY=VALUE, as dom0-init.sh):
#   e2e.role=a|b        which host this is (required)
#   e2e.delay_ms=N      one-way netem delay on eth0 (default 15)
#   e2e.jitter_ms=N     netem jitter (default 0)
#   e2e.shell=1         a shell on the console at the end (debugging)
# Console markers: those of tests/xen-e2e (E2E: dom0 init / stage / PASS /
# FAIL / note / DONE rc=N); run.sh prefixes them with the host.
set -u -o pipefail

export PATH=/usr/lib/xen-4.17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb
MODULES="xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-netback xen-blkback bridge af_packet"

t0=$(date +%s)
# mark, stage, finish, fail_boot, import_cmdline (tests/xen-e2e/dom0-lib.sh)
. /e2e/dom0-lib.sh

mount_all() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
	mkdir -p /dev/pts /dev/shm /dev/net
	mount -t devpts devpts /dev/pts
	# what udev would add: bash's <(...) needs /dev/fd
	ln -sf /proc/self/fd /dev/fd
	ln -sf /proc/self/fd/0 /dev/stdin
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	mount -t tmpfs tmpfs /run
	mount -t tmpfs tmpfs /tmp
	mkdir -p /run/lock /run/xen /run/xenstored /var/lib/xen /var/lib/xenstored \
		/var/log/xen/console /run/netns
	chmod 700 /run/xen
}

load_modules() {
	local m
	for m in $MODULES; do
		modprobe "$m" || fail_boot "modprobe $m"
	done
	for m in /e2e/mods/*.ko*; do
		insmod "$m" || fail_boot "insmod $m"
	done
	mount -t xenfs xenfs /proc/xen || fail_boot "mount xenfs"
	grep -q control_d /proc/xen/capabilities || fail_boot "not the control domain"
}

start_xen_daemons() {
	local n=0
	xenstored --pid-file /run/xen/xenstored.pid || fail_boot "xenstored"
	until xenstore-read / >/dev/null 2>&1; do
		n=$((n + 1))
		[ "$n" -le 100 ] || fail_boot "xenstored does not answer"
		sleep 0.1
	done
	xen-init-dom0 || fail_boot "xen-init-dom0"
	xenconsoled --pid-file=/run/xen/xenconsoled.pid --log=guest \
		--log-dir=/var/log/xen/console || fail_boot "xenconsoled"
}

setup_network() {
	local n=0 rloc
	case ${E2E_ROLE:-} in
	a) rloc=192.0.2.1 ;;
	b) rloc=192.0.2.2 ;;
	*) fail_boot "no e2e.role=a|b on the kernel command line" ;;
	esac
	ip link set lo up
	until [ -e /sys/class/net/eth0 ]; do
		n=$((n + 1))
		[ "$n" -le 100 ] || fail_boot "no eth0 (e1000)"
		sleep 0.1
	done
	ip link add name wan0 type bridge stp_state 0 forward_delay 0 || fail_boot "bridge wan0"
	ip link set eth0 master wan0 || fail_boot "eth0 into wan0"
	ip link set eth0 up
	ip addr add "$rloc/24" dev wan0
	ip link set wan0 up
	ip link add name xenbr0 type bridge stp_state 0 forward_delay 0 \
		mcast_snooping 0 || fail_boot "bridge xenbr0"
	ip link set xenbr0 up
	# the distance: every frame leaving this host on the link waits
	tc qdisc add dev eth0 root netem delay "${E2E_DELAY_MS:-15}ms" \
		"${E2E_JITTER_MS:-0}ms" limit 10000 || fail_boot "tc netem on eth0"
	tc qdisc show dev eth0
	export E2E_RLOC=$rloc
}

main() {
	mount_all
	import_cmdline
	mark "dom0 init role ${E2E_ROLE:-?} ($(uname -r), $(grep -c ^processor /proc/cpuinfo) cpus, $(awk '/MemTotal/ {print $2 / 1024 " MiB"}' /proc/meminfo))"
	hostname "host-${E2E_ROLE:-x}"
	stage xen-stack
	load_modules
	start_xen_daemons
	setup_network
	xl info | grep -E '^(xen_version|nr_cpus|total_memory|free_memory)'
	stage test
	rc=0
	/e2e/host-test.sh || rc=$?
	finish "$rc"
}

main
