#!/bin/sh
# guest-init.sh: /init of the PVH guest of the two-host test (busybox, no
# disk); tests/xen-e2e/guest-init.sh plus a default route, so the guest
# answers the client on the other LISP site through the anycast gateway.
#
# Kernel command line (the "extra" line of the xl config host-test.sh
# writes):
#   e2e_ip=ADDR/LEN   address of eth0
#   e2e_gw=ADDR       default gateway (the xTRs' anycast gateway)
# Prints "E2E-GUEST: up ADDR" on hvc0 once eth0 is configured, then idles.
PATH=/bin
export PATH

die() { echo "E2E-GUEST: FAIL $*"; exec sleep 100000; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

ip_arg=""
gw=""
read -r cmdline < /proc/cmdline
for a in $cmdline; do
	case $a in
	e2e_ip=*) ip_arg=${a#e2e_ip=} ;;
	e2e_gw=*) gw=${a#e2e_gw=} ;;
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
[ -z "$gw" ] || ip route add default via "$gw" || die "route via $gw"
echo "E2E-GUEST: up $ip_arg"
while :; do
	sleep 3600
done
