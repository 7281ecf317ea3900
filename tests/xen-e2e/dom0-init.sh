#!/bin/bash
# dom0-init.sh: PID 1 of the test dom0 (installed as /init of the initramfs
# built by build-dom0.sh; the root is that initramfs, there is no disk).
#
# Brings up what Debian's /etc/init.d/xen would, without an init system:
# /proc /sys /dev /run, the Xen modules, xenfs on /proc/xen, xenstored,
# xen-init-dom0, xenconsoled (logging guest consoles to
# /var/log/xen/console), and the bridge xenbr0 (192.0.2.1/24) for guest
# vifs.  Then runs /e2e/dom0-test.sh, the hook that does the test, and
# reboots, which makes QEMU (-no-reboot) exit.
#
# Everything goes to hvc0 = Xen's console = com1 = QEMU's serial port, where
# boot.sh reads these markers (one per line, at the start of the line):
#   E2E: dom0 init                 PID 1 runs (boot.sh's first watchdog)
#   E2E: stage NAME                a step starts (boot.sh times them)
#   E2E: PASS NAME | E2E: FAIL NAME: why   one per check
#   E2E: note: TEXT                information only
#   E2E: DONE rc=N                 the end; rc 0 only if nothing failed
#
# Kernel command line: every e2e.KEY=VALUE is exported to dom0-test.sh as
# E2E_KEY=VALUE (KEY upper-cased, '.' and '-' as '_'); e2e.shell=1 starts a
# shell on the console instead of rebooting at the end (debugging).
set -u -o pipefail

export PATH=/usr/lib/xen-4.17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb
MODULES="xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-netback xen-blkback bridge af_packet"
BRIDGE=xenbr0
BRIDGE_ADDR=192.0.2.1/24

t0=$(date +%s)
# mark, stage, finish, fail_boot, import_cmdline
. /e2e/dom0-lib.sh

mount_all() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /run
	mount -t tmpfs tmpfs /tmp
	mkdir -p /run/lock /run/xen /run/xenstored /var/lib/xen /var/lib/xenstored \
		/var/log/xen/console
	chmod 700 /run/xen
}

load_modules() {
	local m
	for m in $MODULES; do
		modprobe "$m" || fail_boot "modprobe $m"
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

setup_bridge() {
	ip link set lo up
	ip link add name "$BRIDGE" type bridge stp_state 0 forward_delay 0 ||
		fail_boot "bridge $BRIDGE"
	ip addr add "$BRIDGE_ADDR" dev "$BRIDGE"
	ip link set "$BRIDGE" up
}

main() {
	mount_all
	mark "dom0 init ($(uname -r), $(grep -c ^processor /proc/cpuinfo) cpus, $(awk '/MemTotal/ {print $2 / 1024 " MiB"}' /proc/meminfo))"
	mark "note: dom0 CPU vector extensions: $(grep -o -w -E "avx|avx2|avx512f" /proc/cpuinfo | sort -u | tr "\n" " ")(none listed = no AVX; see XEN_E2E_CPU)"
	hostname dom0
	import_cmdline
	stage xen-stack
	load_modules
	start_xen_daemons
	setup_bridge
	xl info | grep -E '^(xen_version|xen_caps|total_memory|free_memory)'
	stage test
	rc=0
	E2E_BRIDGE=$BRIDGE E2E_BRIDGE_ADDR=$BRIDGE_ADDR /e2e/dom0-test.sh || rc=$?
	finish "$rc"
}

main
