#!/bin/bash
# build-dom0.sh: build everything QEMU needs to boot Xen with a Debian 12 dom0
# that runs our end-to-end test (see boot.sh for the boot itself).
#
# Usage: tests/xen-e2e/build-dom0.sh OUTDIR
#
# Writes into OUTDIR:
#   xen            the hypervisor (gunzipped multiboot image, QEMU -kernel)
#   vmlinuz        the dom0 kernel (also the PVH guest's kernel)
#   dom0-initrd    the dom0 root as an initramfs: the cached base archive
#                  followed by a per-run overlay archive (the kernel unpacks
#                  concatenated cpio archives in order, later files win)
#   versions       the Debian package versions used
#
# Two layers:
#   cached, keyed by package versions (rebuilt when Debian publishes a new
#   hypervisor, kernel or xen-utils):
#     CACHE/debs/            xen-hypervisor-4.17-amd64 and linux-image .debs
#     CACHE/xen-VER/xen      gunzipped hypervisor
#     CACHE/kernel-VER/      vmlinuz and the few modules we need
#     CACHE/dom0-KEY/base.cpio.gz   debootstrap --variant=minbase root with
#                            xen-utils-4.17, tcpdump, iproute2, the runtime
#                            libraries of our daemons, the modules and the
#                            guest kernel (/e2e/vmlinuz)
#   per run (always rebuilt, our binaries change):
#     overlay: `make install DESTDIR=...` of this repo at its real paths
#     (PREFIX=/usr/local, so /usr/local/sbin/migrated etc. are on dom0's
#     PATH; list in /e2e/installed.txt), /init (dom0-init.sh),
#     /e2e/dom0-test.sh, /e2e/dom0-lib.sh (functions the dom0 scripts
#     share), /e2e/guest.cfg.in, /e2e/fpu_stress and
#     /e2e/guest-initrd (busybox + xen-netfront).
#
# Nothing is installed on the host: the hypervisor and kernel are fetched
# with `apt-get download` and unpacked with `dpkg-deb -x`; the dom0 root is
# made with debootstrap from the host's own Debian mirrors (read from
# `apt-cache policy`).  Needs root (debootstrap, chroot) and the host
# packages debootstrap, busybox-static, cpio, kmod, binutils, util-linux.
#
# Environment:
#   XEN_E2E_CACHE    cache directory (default /var/cache/migrated-xen-e2e)
#   XEN_E2E_REBUILD  1: throw away the cached dom0 root and build it again
#   B                build directory of this repo for `make install`
#                    (default build)
#   MAKE             make program (default make)
#   XEN_E2E_MIGRATED a migrated binary dom0-test.sh runs instead of the
#                    installed one (copied to /e2e/migrated.alt), e.g. an
#                    ASan build with the sanitizers linked in statically,
#                    since dom0 has no libasan:
#                      make B=build-e2e-asan SAN=1 LDFLAGS="-fsanitize=address,undefined -static-libasan -static-libubsan" build-e2e-asan/bin/migrated
set -Eeu -o pipefail
# never exit silently on an unexpected error
trap 'echo "build-dom0: failed (rc $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CACHE=${XEN_E2E_CACHE:-/var/cache/migrated-xen-e2e}
# Bump when the way the cached root is built changes.
BUILD_REV=1
SUITE=bookworm
XEN_PKG=xen-hypervisor-4.17-amd64
# Packages of the dom0 root beyond minbase.  The lib* ones are the runtime
# libraries of xtrd and migrated (libpcap, json-c, curl, microhttpd, mnl,
# openssl, xenstore/xenctrl come with xen-utils); curl is what
# hooks/vif-lisp reports vifs to migrated with.  A change here changes the
# cache key: the next run debootstraps again.
DOM0_PKGS="xen-utils-4.17 xen-utils-common xenstore-utils iproute2 kmod
tcpdump procps psmisc iputils-ping libpcap0.8 libjson-c5 libcurl4
libmicrohttpd12 libmnl0 libssl3 ca-certificates curl"
# Modules dom0 loads (dom0-init.sh loads the same list) and the guest's.
DOM0_MODS="xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-netback
xen-blkback bridge af_packet"
GUEST_MODS="xen-netfront"
# Modules dom0-test.sh insmods from /e2e/mods (veth: the remote ITR's
# namespace).  Not part of the cache key of the dom0 root: extracted once
# from the cached kernel .deb into KDIR/extra, copied into the overlay.
EXTRA_MODS="veth"

die() { echo "build-dom0: $*" >&2; exit 1; }
note() { echo "build-dom0: $*" >&2; }
now() { date +%s; }
stage_start=0
stage() { stage_start=$(now); note "stage $1"; }
stage_end() { note "stage $1 done in $(( $(now) - stage_start ))s"; }

# "PACKAGE VERSION" lines, the candidates of PACKAGES (one apt-cache run)
candidates() {
	apt-cache policy "$@" 2>/dev/null | awk '
		/^[^ ].*:$/ { pkg = substr($0, 1, length($0) - 1) }
		/^  Candidate:/ && $2 != "(none)" { print pkg, $2 }'
}

# candidate VERSION of PACKAGE in the output of candidates()
pick() {
	local v
	v=$(echo "$2" | awk -v p="$1" '$1 == p {print $2}')
	[ -n "$v" ] || die "no candidate for $1"
	echo "$v"
}

# the host's mirror URL for SUITE/main (e.g. bookworm, bookworm-security).
mirror_of() {
	apt-cache policy | awk -v s="$1/main" \
		'$3 == s && $4 == "amd64" {print $2; exit}'
}

kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ {print $2; exit}'
}

# the cached .deb of PACKAGE at VERSION, if any.
cached_deb() {
	local d
	for d in "$CACHE/debs/$1"_*.deb; do
		[ -e "$d" ] || continue
		[ "$(dpkg-deb -f "$d" Version)" = "$2" ] && { echo "$d"; return 0; }
	done
	return 0
}

# fetch PACKAGE at VERSION into CACHE/debs, print the .deb path.
fetch_deb() {
	local f
	mkdir -p "$CACHE/debs"
	f=$(cached_deb "$1" "$2")
	if [ -z "$f" ]; then
		(cd "$CACHE/debs" && apt-get -o APT::Sandbox::User=root download -q "$1=$2" >&2) ||
			die "apt-get download $1=$2 failed"
		f=$(cached_deb "$1" "$2")
	fi
	[ -n "$f" ] || die "no .deb for $1 $2"
	echo "$f"
}

prepare_xen() {
	local deb dir
	dir="$CACHE/xen-$XEN_VER"
	if [ ! -s "$dir/xen" ]; then
		deb=$(fetch_deb "$XEN_PKG" "$XEN_VER")
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
		dpkg-deb -x "$deb" "$dir.tmp/x"
		gunzip -c "$dir.tmp"/x/boot/xen-4.17-amd64.gz > "$dir.tmp/xen" ||
			die "no boot/xen-4.17-amd64.gz in $deb"
		rm -rf "$dir.tmp/x" "$dir"
		mv "$dir.tmp" "$dir"
	fi
	XEN_IMG="$dir/xen"
}

# copy MODULES (with their dependencies) from the unpacked kernel at SRC to
# DST/lib/modules/KVER; skip the built-in ones.
copy_modules() {
	local src=$1 dst=$2 m line f
	shift 2
	for m in "$@"; do
		modprobe -d "$src" -S "$KVER" --show-depends "$m" 2>/dev/null |
			while read -r line; do
				case $line in
				builtin*) continue ;;
				insmod*) ;;
				*) continue ;;
				esac
				f=${line#insmod }
				f=${f%% *}
				mkdir -p "$dst$(dirname "${f#"$src"}")"
				cp "$f" "$dst${f#"$src"}"
			done
		modprobe -d "$src" -S "$KVER" --show-depends "$m" >/dev/null 2>&1 ||
			die "module $m not found in kernel $KVER"
	done
}

prepare_kernel() {
	local deb dir
	dir="$CACHE/kernel-$KPKG-$KVERSION"
	if [ ! -s "$dir/vmlinuz" ]; then
		deb=$(fetch_deb "$KPKG" "$KVERSION")
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
		dpkg-deb -x "$deb" "$dir.tmp/x"
		KVER=$(ls "$dir.tmp/x/lib/modules")
		depmod -b "$dir.tmp/x" "$KVER"
		cp "$dir.tmp/x/boot/vmlinuz-$KVER" "$dir.tmp/vmlinuz"
		cp "$dir.tmp/x/boot/config-$KVER" "$dir.tmp/config"
		mkdir -p "$dir.tmp/m/lib/modules/$KVER"
		cp "$dir.tmp/x/lib/modules/$KVER"/modules.builtin* \
			"$dir.tmp/x/lib/modules/$KVER/modules.order" \
			"$dir.tmp/m/lib/modules/$KVER/"
		# shellcheck disable=SC2086
		copy_modules "$dir.tmp/x" "$dir.tmp/m" $DOM0_MODS $GUEST_MODS
		depmod -b "$dir.tmp/m" "$KVER"
		echo "$KVER" > "$dir.tmp/kver"
		rm -rf "$dir.tmp/x" "$dir"
		mv "$dir.tmp" "$dir"
	fi
	KDIR=$dir
	KVER=$(cat "$dir/kver")
}

chroot_cleanup() {
	local r=$1
	umount "$r/proc" 2>/dev/null || true
	umount "$r/sys" 2>/dev/null || true
}

# debootstrap the dom0 root into DIR/root, install DOM0_PKGS from the host's
# mirrors (including security, so xen-utils matches the hypervisor).
debootstrap_root() {
	local r=$1/root main sec pkgs
	main=$(mirror_of "$SUITE")
	sec=$(mirror_of "$SUITE-security")
	[ -n "$main" ] || die "no $SUITE/main mirror in apt-cache policy"
	# a root left by an interrupted build of the same key is reused
	if [ ! -e "$1/debootstrap.done" ]; then
		rm -rf "$r"
		debootstrap --variant=minbase "$SUITE" "$r" "$main" \
			> "$1/debootstrap.log" 2>&1 ||
			die "debootstrap failed, see $1/debootstrap.log"
		touch "$1/debootstrap.done"
	fi
	{
		echo "deb $main $SUITE main"
		echo "deb $main $SUITE-updates main"
		[ -z "$sec" ] || echo "deb $sec $SUITE-security main"
	} > "$r/etc/apt/sources.list"
	cp /etc/resolv.conf "$r/etc/resolv.conf"
	printf '#!/bin/sh\nexit 101\n' > "$r/usr/sbin/policy-rc.d"
	chmod 755 "$r/usr/sbin/policy-rc.d"
	trap 'chroot_cleanup "$r"' EXIT
	mount -t proc proc "$r/proc"
	pkgs=${DOM0_PKGS//$'\n'/ }
	if ! chroot "$r" /bin/sh -c "export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq && apt-get -y -qq upgrade &&
		apt-get install -y -qq --no-install-recommends $pkgs" \
		>> "$1/debootstrap.log" 2>&1; then
		chroot_cleanup "$r"
		die "apt-get in the dom0 root failed, see $1/debootstrap.log"
	fi
	chroot_cleanup "$r"
	trap - EXIT
	# shellcheck disable=SC2016
	chroot "$r" dpkg-query -W -f='${Package} ${Version}\n' > "$1/packages"
	rm -f "$r/usr/sbin/policy-rc.d" "$r/etc/resolv.conf"
}

# make the root smaller and add what the cached layer carries.
finish_root() {
	local r=$1/root
	rm -rf "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/info/* \
		"$r"/usr/share/locale/* "$r"/var/cache/apt/* \
		"$r"/var/lib/apt/lists/* "$r"/var/cache/debconf/*-old \
		"$r"/var/log/*.log
	cp -a "$KDIR/m/lib/modules" "$r/lib/"
	mkdir -p "$r/e2e"
	cp "$KDIR/vmlinuz" "$r/e2e/vmlinuz"
	echo "dom0" > "$r/etc/hostname"
}

build_base() {
	local dir=$1
	mkdir -p "$dir.tmp"
	debootstrap_root "$dir.tmp"
	finish_root "$dir.tmp"
	(cd "$dir.tmp/root" && find . -xdev | LC_ALL=C sort |
		cpio -o -H newc --quiet | gzip -1) > "$dir.tmp/base.cpio.gz"
	du -sm "$dir.tmp/root" | awk '{print "build-dom0: dom0 root " $1 " MiB"}' >&2
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
}

# EXTRA_MODS into KDIR/extra (once per kernel), from the cached .deb.
prepare_extra_mods() {
	local m deb missing="" tmp
	for m in $EXTRA_MODS; do
		ls "$KDIR/extra/$m".ko* >/dev/null 2>&1 || missing="$missing $m"
	done
	[ -n "$missing" ] || return 0
	deb=$(fetch_deb "$KPKG" "$KVERSION")
	tmp="$KDIR/extra.tmp"
	rm -rf "$tmp" && mkdir -p "$tmp/x"
	for m in $missing; do
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/x" --wildcards \
			"*/$m.ko*" || die "no module $m in $deb"
	done
	find "$tmp/x" -name '*.ko*' -exec cp {} "$tmp/" \;
	mkdir -p "$KDIR/extra"
	cp "$tmp"/*.ko* "$KDIR/extra/"
	rm -rf "$tmp"
}

# the guest's initramfs: busybox and xen-netfront, /init from here.
build_guest_initrd() {
	local g=$1 out=$2 bb
	bb=$(command -v busybox) || die "busybox-static is not installed"
	! objdump -p "$bb" | grep -q NEEDED ||
		die "$bb is dynamic: install busybox-static"
	mkdir -p "$g/bin" "$g/proc" "$g/sys" "$g/dev" "$g/lib"
	cp "$bb" "$g/bin/busybox"
	for a in sh mount ip insmod sleep cat echo ifconfig grep sed; do
		ln -sf busybox "$g/bin/$a"
	done
	find "$KDIR/m/lib/modules" -name 'xen-netfront.ko*' -exec cp {} "$g/lib/" \;
	[ -n "$(ls "$g/lib")" ] || die "no xen-netfront module"
	cp "$here/guest-init.sh" "$g/init"
	chmod 755 "$g/init"
	(cd "$g" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
}

# every shared library our installed ELF files need must be in the base root.
check_libs() {
	local stage=$1 root=$2 f lib missing=""
	while read -r f; do
		# ELF files only (make install also installs shell scripts)
		[ "$(head -c 4 "$f" | tr -d '\0')" = $'\x7fELF' ] || continue
		{ objdump -p "$f" 2>/dev/null || true; } | awk '/NEEDED/ {print $2}' |
			while read -r lib; do
				[ -e "$stage/usr/local/lib/$lib" ] && continue
				find "$root/lib" "$root/usr/lib" -name "$lib" 2>/dev/null |
					grep -q . || echo "$lib (needed by ${f#"$stage"})"
			done
	done < <(find "$stage" -type f -perm -u+x) > "$3"
	missing=$(cat "$3")
	[ -z "$missing" ] || die "dom0 root lacks: $missing; add the package to DOM0_PKGS"
}

# Debian 12 roots are merged-/usr: /lib, /bin, /sbin are symlinks into /usr.
# A real /lib directory in the overlay archive would replace the symlink
# when the kernel unpacks it (and dom0 would find no dynamic loader), so
# what `make install` put under DESTDIR/lib goes to DESTDIR/usr/lib.
merge_usr() {
	local o=$1 root=$2 d
	for d in bin sbin lib lib32 lib64 libx32; do
		if [ ! -d "$o/$d" ] || [ -L "$o/$d" ] || [ ! -L "$root/$d" ]; then
			continue
		fi
		mkdir -p "$o/usr/$d"
		cp -a "$o/$d/." "$o/usr/$d/"
		rm -rf "${o:?}/$d"
	done
}

build_overlay() {
	local o=$1/overlay
	rm -rf "$o" "$1/guest" && mkdir -p "$o/e2e"
	${MAKE:-make} -s -C "$top" B="${B:-build}" install DESTDIR="$o" \
		PREFIX=/usr/local > "$1/make-install.log" 2>&1 ||
		die "make install failed, see $1/make-install.log"
	merge_usr "$o" "$BASE/root"
	(cd "$o" && find . ! -type d ! -path './e2e/*' | sort) > "$1/installed.txt"
	check_libs "$o" "$BASE/root" "$1/missing-libs"
	cp "$1/installed.txt" "$o/e2e/installed.txt"
	mkdir -p "$o/e2e/mods"
	cp "$KDIR"/extra/*.ko* "$o/e2e/mods/"
	cp "$here/dom0-init.sh" "$o/init"
	cp "$here/dom0-test.sh" "$here/dom0-lib.sh" "$here/guest.cfg.in" "$o/e2e/"
	# the platform check (fpu_stress.c), built by the same make
	local bdir=${B:-build}
	case $bdir in /*) ;; *) bdir=$top/$bdir ;; esac
	install -m 755 "$bdir/bin/fpu_stress" "$o/e2e/fpu_stress"
	chmod 755 "$o/init" "$o/e2e/dom0-test.sh"
	if [ -n "${XEN_E2E_MIGRATED:-}" ]; then
		install -m 755 "$XEN_E2E_MIGRATED" "$o/e2e/migrated.alt" ||
			die "XEN_E2E_MIGRATED=$XEN_E2E_MIGRATED: cannot copy it"
		note "dom0 runs $XEN_E2E_MIGRATED as migrated"
	fi
	build_guest_initrd "$1/guest" "$o/e2e/guest-initrd"
	(cd "$o" && find . | LC_ALL=C sort | cpio -o -H newc --quiet \
		-R 0:0 | gzip -1) > "$1/overlay.cpio.gz"
}

main() {
	local out key cands
	[ "$#" -eq 1 ] || die "usage: build-dom0.sh OUTDIR"
	out=$1
	[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot)"
	for t in debootstrap cpio gzip dpkg-deb apt-get depmod modprobe objdump flock; do
		command -v "$t" >/dev/null || die "missing host tool $t"
	done
	mkdir -p "$out" "$CACHE"
	exec 9> "$CACHE/.build.lock"
	flock 9

	stage versions
	KPKG=$(kernel_pkg)
	if [ -z "$KPKG" ]; then
		# no package lists yet (fresh machine)
		apt-get update -qq >&2 || die "apt-get update failed"
		KPKG=$(kernel_pkg)
	fi
	[ -n "$KPKG" ] || die "cannot resolve linux-image-amd64"
	cands=$(candidates "$XEN_PKG" "$KPKG" xen-utils-4.17)
	XEN_VER=$(pick "$XEN_PKG" "$cands")
	KVERSION=$(pick "$KPKG" "$cands")
	UTILS_VER=$(pick xen-utils-4.17 "$cands")
	printf '%s %s\n' "$XEN_PKG" "$XEN_VER" "$KPKG" "$KVERSION" \
		xen-utils-4.17 "$UTILS_VER" > "$out/versions"
	stage_end versions

	stage "fetch hypervisor and kernel"
	prepare_xen
	prepare_kernel
	# older versions go, so that the cache stays at one set
	find "$CACHE" -maxdepth 1 \( -name 'xen-*' -o -name 'kernel-*' \) \
		! -path "$(dirname "$XEN_IMG")" ! -path "$KDIR" -exec rm -rf {} +
	find "$CACHE/debs" -name '*.deb' ! -name "${XEN_PKG}_*" ! -name "${KPKG}_*" \
		-delete
	prepare_extra_mods
	stage_end "fetch hypervisor and kernel"

	key=$(printf '%s\n' "$BUILD_REV" "$XEN_VER" "$KPKG" "$KVERSION" \
		"$UTILS_VER" "$DOM0_PKGS" "$DOM0_MODS" | sha256sum | cut -c1-16)
	BASE="$CACHE/dom0-$key"
	[ "${XEN_E2E_REBUILD:-0}" = 1 ] && rm -rf "$BASE"
	stage "dom0 root (debootstrap, cached as dom0-$key)"
	if [ ! -s "$BASE/base.cpio.gz" ]; then
		find "$CACHE" -maxdepth 1 -name 'dom0-*' ! -name "dom0-$key" \
			-exec rm -rf {} +
		build_base "$BASE"
	else
		note "cached"
	fi
	stage_end "dom0 root"

	stage "overlay (make install, scripts, guest initramfs)"
	build_overlay "$out"
	cat "$BASE/base.cpio.gz" "$out/overlay.cpio.gz" > "$out/dom0-initrd"
	ln -sf "$XEN_IMG" "$out/xen"
	ln -sf "$KDIR/vmlinuz" "$out/vmlinuz"
	stage_end overlay
	note "ready in $out: xen, vmlinuz, dom0-initrd ($(du -m "$out/dom0-initrd" | cut -f1) MiB)"
}

main "$@"
