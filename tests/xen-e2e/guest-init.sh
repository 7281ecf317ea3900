#!/bin/sh
# guest-init.sh: /init of the PVH test guest (busybox, no disk).
#
# Kernel command line (from the "extra" line of guest.cfg.in):
#   e2e_ip=ADDR/LEN   address for eth0 (so its gratuitous ARPs carry it)
# Prints "E2E-GUEST: up ADDR" on hvc0 once eth0 is configured, then idles;
# dom0 reads it from xenconsoled's log of the guest console.
PATH=/bin
export PATH

die() { echo "E2E-GUEST: FAIL $*"; exec sleep 100000; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

ip_arg=""
read -r cmdline < /proc/cmdline
for a in $cmdline; do
	case $a in
	e2e_ip=*) ip_arg=${a#e2e_ip=} ;;
	esac
done
[ -n "$ip_arg" ] || die "no e2e_ip= on the command line"

for m in /lib/*.ko*; do
	insmod "$m" || die "insmod $m"
done
n=0
while [ ! -e /sys/class/net/eth0 ]; do
	n=$((n + 1))
	[ "$n" -le 50 ] || die "no eth0"
	sleep 0.2
done
ip link set lo up
ip link set eth0 up || die "eth0 up"
ip addr add "$ip_arg" dev eth0 || die "ip addr $ip_arg"
echo "E2E-GUEST: up $ip_arg"
while :; do
	sleep 3600
done
