#!/bin/sh
# install-deps.sh: install every Debian 12 package the build, tests, bench
# and demo need.  Idempotent: when everything is present it only runs
# dpkg-query and returns in well under a second.
#
# Usage: scripts/install-deps.sh [--print]
#   --print   list the packages and exit
# Environment:
#   MIGRATED_DEPS_EXTRA  extra package names to install as well
set -eu

PKGS="
build-essential pkg-config clang llvm libclang-rt-14-dev
libxen-dev xen-utils-4.17 xen-utils-common xenstore-utils
libpcap-dev libjson-c-dev libcurl4-openssl-dev libcmocka-dev
libmicrohttpd-dev libmnl-dev libssl-dev
tshark tcpdump iproute2 iputils-ping bridge-utils procps psmisc
iperf3 socat python3 python3-cryptography gnuplot-nox bird2 curl jq
shellcheck man-db groff-base systemd
qemu-system-x86 qemu-utils debootstrap busybox-static cpio zstd kmod
"
PKGS="$PKGS ${MIGRATED_DEPS_EXTRA:-}"

die() { echo "install-deps: $*" >&2; exit 1; }

if [ "${1:-}" = "--print" ]; then
	for p in $PKGS; do echo "$p"; done
	exit 0
fi

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

[ "$(id -u)" -eq 0 ] || die "packages missing:$missing (run as root)"
echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no up front.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	debconf-set-selections
# xen-utils pulls in the hypervisor only as a recommendation: leave it out,
# and never let a package start a service on this machine.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
	made_policy=1
fi
rc=0
apt-get update -qq || rc=$?
if [ "$rc" -eq 0 ]; then
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null || rc=$?
fi
[ "$made_policy" -eq 1 ] && rm -f "$policy"
[ "$rc" -eq 0 ] || die "apt-get failed ($rc)"
exit 0
