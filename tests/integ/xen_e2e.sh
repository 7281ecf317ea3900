#!/bin/bash
# xen_e2e.sh: end-to-end test on the real hypervisor: Xen 4.17 under QEMU
# (TCG) with a Debian 12 dom0 that holds this repo's `make install`; dom0
# runs xtrd (MS/MR + xTR), migrated (libxl mode) and a remote ITR, creates a
# PVH guest and live-migrates it to localhost with xl-migrate-lisp, and
# checks the guest's gratuitous ARP, the re-registration of its EID, the
# SMRs and what the remote ITR did with them.  See tests/xen-e2e/README.md.
#
# Skips (77) only when QEMU cannot run at all; anything else is pass/fail.
# Cold (empty cache): ~3 min to fetch and debootstrap the dom0, then ~2 min
# of boot and test; warm: ~2-4 min.  On a loaded machine much more: the
# emulated dom0 ran 3-10 times slower at load 12 (QEMU now runs at nice
# -15, boot.sh), and another run's QEMU holds the machine-wide lock for up
# to 600 s (two clones' suites, two people), hence 2100 s.
#
# Environment:
#   XEN_E2E_CACHE   cache of .debs and the dom0 root (build-dom0.sh)
#   XEN_E2E_BUDGET  seconds this test may take in all (default: the limit
#                   run-integ.sh gives it, INTEG_LIMIT (2100, from the
#                   integ-timeout line below), less 15)
#   XEN_E2E_KEEP=1  keep the run directory (images, serial logs)
#   the XEN_E2E_* variables of boot.sh
# integ-timeout: 2100
set -eu -o pipefail

cd "$(dirname "$0")/../.."
start=$(date +%s)
budget=${XEN_E2E_BUDGET:-$(( ${INTEG_LIMIT:-${INTEG_TIMEOUT:-300}} - 15 ))}
run=""

die() { echo "xen_e2e: $*" >&2; exit 1; }
skip() { echo "xen_e2e: skip: $*"; exit 77; }

cleanup() {
	[ -n "$run" ] || return 0
	if [ "${XEN_E2E_KEEP:-0}" = 1 ]; then
		echo "xen_e2e: kept $run"
	else
		rm -rf "$run"
	fi
}

qemu_can_run() {
	local q=${XEN_E2E_QEMU:-qemu-system-x86_64} out rc=0
	command -v "$q" >/dev/null || skip "$q is not installed (Debian: qemu-system-x86)"
	"$q" -accel help 2>/dev/null | grep -qx tcg ||
		skip "$q has no TCG accelerator"
	# a paused q35 machine that is still running after 3 s: QEMU works
	out=$(timeout 3 "$q" -accel tcg -machine q35 -m 64M -S -display none \
		-nic none -monitor none -serial none 2>&1) || rc=$?
	[ "$rc" -eq 124 ] || skip "$q cannot start a q35 machine here: ${out:-rc $rc}"
}

main() {
	local rc=0
	qemu_can_run
	[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap of the dom0 root)"
	run=$(mktemp -d "${TMPDIR:-/tmp}/xen_e2e.XXXXXX")
	trap cleanup EXIT
	echo "xen_e2e: run dir $run, budget ${budget}s"
	tests/xen-e2e/build-dom0.sh "$run" 2>&1 || die "build-dom0.sh failed"
	echo "xen_e2e: stage build-dom0 $(( $(date +%s) - start ))s"
	XEN_E2E_DEADLINE=$((start + budget)) tests/xen-e2e/boot.sh "$run" || rc=$?
	echo "xen_e2e: wall time $(( $(date +%s) - start ))s"
	case $rc in
	0) echo "xen_e2e: PASS" ;;
	1) die "the test in dom0 failed (markers above)" ;;
	3) die "out of the ${budget}s budget before QEMU could boot (a cold cache costs ~3 min); run again now that the cache is warm, or raise the integ-timeout line" ;;
	*) die "no boot reached the end (hung or crashed every time)" ;;
	esac
}

main "$@"
