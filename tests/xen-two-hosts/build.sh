#!/bin/bash
# build.sh: images for the two-host test: what tests/xen-e2e/build-dom0.sh
# builds (hypervisor, kernel, cached Debian dom0 root + `make install`
# overlay), plus one more initramfs archive that turns that dom0 into host A
# or host B of this test (the kernel unpacks concatenated archives in order,
# later files win).
#
# Usage: tests/xen-two-hosts/build.sh OUTDIR
#
# Writes into OUTDIR, besides what build-dom0.sh writes:
#   two-hosts.cpio.gz  /init (host-init.sh), /e2e/host-test.sh, /e2e/rsh.py,
#                      /e2e/rsh, /e2e/vif-lean, the extra modules in /e2e/mods (e1000,
#                      tun, sch_netem beside xen-e2e's veth), and
#                      /e2e/guest-initrd (xen-e2e's guest initramfs with
#                      guest-init.sh of this folder as /init)
#   dom0-initrd2       dom0-initrd followed by two-hosts.cpio.gz
#
# Modules: taken once from the kernel .deb build-dom0.sh cached, into
# CACHE/two-hosts-mods-KVER (nothing is installed on the host).
#
# Environment: XEN_E2E_CACHE, B, MAKE (passed on to build-dom0.sh).
set -Eeu -o pipefail
trap 'echo "two-hosts build: failed (rc $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CACHE=${XEN_E2E_CACHE:-/var/cache/migrated-xen-e2e}
MODS="e1000 tun sch_netem"

die() { echo "two-hosts build: $*" >&2; exit 1; }

# the modules of MODS into CACHE/two-hosts-mods-KVER (once per kernel)
extra_mods() {
	local kdir kver deb dir m tmp missing="" pats
	kdir=$(readlink -f "$1/vmlinuz")
	kdir=$(dirname "$kdir")
	kver=$(cat "$kdir/kver")
	dir=$CACHE/two-hosts-mods-$kver
	for m in $MODS; do
		[ -e "$dir/$m.ko" ] || missing="$missing $m"
	done
	if [ -n "$missing" ]; then
		deb=$(find "$CACHE/debs" -name "linux-image-${kver}_*.deb" | head -n 1)
		[ -n "$deb" ] || die "no cached kernel .deb for $kver in $CACHE/debs"
		tmp=$dir.tmp
		rm -rf "$tmp" && mkdir -p "$tmp/x"
		pats=()
		for m in $missing; do
			pats+=("*/$m.ko")
		done
		# one pass over the .deb; tar fails when a pattern matched nothing
		dpkg-deb --fsys-tarfile "$deb" |
			tar -x -C "$tmp/x" --wildcards "${pats[@]}" ||
			die "not all of$missing in $deb"
		mkdir -p "$dir"
		find "$tmp/x" -name '*.ko' -exec cp {} "$dir/" \;
		rm -rf "$tmp"
	fi
	MODDIR=$dir
}

main() {
	local out o bd
	[ "$#" -eq 1 ] || die "usage: build.sh OUTDIR"
	out=$1
	# read whole before it runs (bash reads a script as it goes, and
	# tests/xen-e2e/ may be edited meanwhile); $0 stays its real path
	bd=$top/tests/xen-e2e/build-dom0.sh
	bash -c "$(cat "$bd")" "$bd" "$out" || die "build-dom0.sh failed"
	extra_mods "$out"
	o=$out/two-hosts
	rm -rf "$o" "$out/guest2" && mkdir -p "$o/e2e/mods" "$out/guest2"
	cp "$MODDIR"/*.ko "$o/e2e/mods/"
	cp "$here/host-init.sh" "$o/init"
	cp "$here/host-test.sh" "$here/rsh.py" "$here/vif-lean" "$o/e2e/"
	printf '#!/bin/sh\nexec python3 /e2e/rsh.py client "$@"\n' > "$o/e2e/rsh"
	chmod 755 "$o/init" "$o/e2e/host-test.sh" "$o/e2e/rsh" "$o/e2e/vif-lean"
	cp "$here/guest-init.sh" "$out/guest2/init"
	chmod 755 "$out/guest2/init"
	[ -s "$out/overlay/e2e/guest-initrd" ] || die "no guest-initrd from build-dom0.sh"
	{
		cat "$out/overlay/e2e/guest-initrd"
		(cd "$out/guest2" && echo ./init | cpio -o -H newc --quiet -R 0:0 | gzip -1)
	} > "$o/e2e/guest-initrd"
	(cd "$o" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 |
		gzip -1) > "$out/two-hosts.cpio.gz"
	cat "$out/dom0-initrd" "$out/two-hosts.cpio.gz" > "$out/dom0-initrd2"
	echo "two-hosts build: ready: $out/dom0-initrd2 ($(du -m "$out/dom0-initrd2" | cut -f1) MiB)" >&2
}

main "$@"
