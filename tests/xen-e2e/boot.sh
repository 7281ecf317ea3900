#!/bin/bash
# boot.sh: boot Xen 4.17 + the test dom0 under QEMU (TCG, no KVM), follow the
# serial console and turn dom0's markers into a result.  Retries a boot that
# hangs or dies (about one in ten does under emulation).
#
# Usage: tests/xen-e2e/boot.sh OUTDIR
#   OUTDIR is what build-dom0.sh made (xen, vmlinuz, dom0-initrd); the serial
#   log of attempt N goes to OUTDIR/serial-N.log.
#
# Markers read from the serial console (written by dom0-init.sh and
# dom0-test.sh, see there):  "E2E: dom0 init", "E2E: stage NAME",
# "E2E: PASS NAME", "E2E: FAIL NAME: why", "E2E: DONE rc=N".
# Result: 0 when DONE rc=0 was seen and no FAIL; 1 when the test ran to DONE
# and failed (not retried: that is a real failure); 2 when every attempt
# hung or crashed before DONE; 3 when XEN_E2E_DEADLINE left no time to boot.
#
# Environment:
#   XEN_E2E_ATTEMPTS      boots to try when one hangs (default 3)
#   XEN_E2E_STALL         a boot whose serial log has not grown for this many
#                         seconds is hung (default 90 before "dom0 init",
#                         3x that after; dom0-test.sh prints a line every
#                         30 s while it waits)
#   XEN_E2E_INIT_TIMEOUT  most seconds from QEMU start to "E2E: dom0 init"
#                         (default 300; 15-25 s on an idle machine, minutes
#                         when other jobs load it)
#   XEN_E2E_TEST_TIMEOUT  most seconds from QEMU start to "E2E: DONE" (1200;
#                         a hang is what XEN_E2E_STALL catches: this only
#                         bounds a boot that keeps printing; 600 cut short a
#                         migration still printing its progress at load 12)
#   XEN_E2E_DEADLINE      epoch second after which no attempt may run (an
#                         attempt is cut short to end by then; none starts
#                         with less than 90 s left).  Default: none.
#   XEN_E2E_DOM0_ARGS     extra dom0 kernel arguments (e.g. e2e.shell=1,
#                         e2e.guest_mem=64; no commas)
#   XEN_E2E_XEN_ARGS      extra hypervisor arguments (after ours:
#                         spec-ctrl=eager-fpu=0 brings lazy FPU back)
#   XEN_E2E_QEMU          QEMU binary (default qemu-system-x86_64)
#   XEN_E2E_CPU           QEMU -cpu (default max,-smap,-rdtscp: without
#                         -smap dom0 dies, without -rdtscp PVH guests
#                         fail; with ,-avx,-avx2 added the PVH guest
#                         did not come up in 2 of 4 boots, see README.md)
#   XEN_E2E_LOCK          lock file serialising QEMU runs on this machine
#                         (default /run/lock/migrated-xen-e2e-qemu.lock)
#   XEN_E2E_NICE          QEMU's nice value (default -15; 0: as the caller).
#                         The emulated dom0 keeps time by the host's clock,
#                         so when other jobs take the host's CPUs its work
#                         overruns its own timeouts (libxl's 40 s for a
#                         hotplug script: 'xl create' failed twice in a row
#                         at load ~15); at -15 QEMU's threads weigh ~28
#                         ordinary tasks each.  An idle emulated machine
#                         costs no CPU: this only says who waits for the
#                         fixed amount of work it has (the other jobs have
#                         no clock running inside an emulator).
set -eu -o pipefail

ATTEMPTS=${XEN_E2E_ATTEMPTS:-3}
INIT_TIMEOUT=${XEN_E2E_INIT_TIMEOUT:-300}
TEST_TIMEOUT=${XEN_E2E_TEST_TIMEOUT:-1200}
STALL=${XEN_E2E_STALL:-90}
DEADLINE=${XEN_E2E_DEADLINE:-0}
QEMU=${XEN_E2E_QEMU:-qemu-system-x86_64}
QEMU_CPU=${XEN_E2E_CPU:-max,-smap,-rdtscp}
LOCK=${XEN_E2E_LOCK:-/run/lock/migrated-xen-e2e-qemu.lock}
NICE=${XEN_E2E_NICE:--15}
# spec-ctrl=eager-fpu: Xen saves and restores every vCPU's FPU/SSE/AVX
# registers at each switch.  Its default on this emulated AMD CPU is lazy
# switching (CR0.TS and the #NM trap), and under QEMU's TCG that loses
# dom0's vector registers once a guest vCPU runs: fpu_stress.c found them
# wrong within seconds, and migrated, xtrd, bash and Xen's own
# libxl-save-helper died of the corrupted memory (README.md).
XEN_ARGS="console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M dom0_max_vcpus=2 spec-ctrl=eager-fpu ${XEN_E2E_XEN_ARGS:-}"
DOM0_ARGS="console=hvc0 panic=10 ${XEN_E2E_DOM0_ARGS:-}"

qpid=""
die() { echo "boot: $*" >&2; exit 2; }
note() { echo "boot: $*"; }

stop_qemu() {
	[ -n "$qpid" ] || return 0
	if kill -0 "$qpid" 2>/dev/null; then
		kill "$qpid" 2>/dev/null || true
		sleep 1
		kill -9 "$qpid" 2>/dev/null || true
	fi
	wait "$qpid" 2>/dev/null || true
	qpid=""
}

start_qemu() {
	local dir=$1 log=$2
	: > "$log"
	case "$DOM0_ARGS" in *,*) die "XEN_E2E_DOM0_ARGS may not hold a comma" ;; esac
	nice -n "$NICE" "$QEMU" -accel tcg -machine q35 -cpu "$QEMU_CPU" -m 3G -smp 2 \
		-nic none -no-reboot -display none -monitor none \
		-serial "file:$log" \
		-kernel "$dir/xen" -append "$XEN_ARGS" \
		-initrd "$dir/vmlinuz $DOM0_ARGS,$dir/dom0-initrd" \
		> "$log.qemu" 2>&1 &
	qpid=$!
}

# the complete marker lines of serial log FILE so far (a snapshot, without
# a last line still being written)
markers() {
	cp "$1" "$1.snap"
	if [ -n "$(tail -c 1 "$1.snap")" ]; then
		sed -i '$d' "$1.snap"
	fi
	{ grep -ao 'E2E: .*' "$1.snap" || true; } | tr -d '\r'
}

# one boot; sets RESULT to pass, fail, hang or crash.
attempt() {
	local dir=$1 log=$2 limit=$TEST_TIMEOUT start now el seen=0 init=0 line
	local last_stage="boot" last_t=0 size=0 nsize last_out=0 quiet
	start=$(date +%s)
	if [ "$DEADLINE" -gt 0 ] && [ $((DEADLINE - start)) -lt "$limit" ]; then
		limit=$((DEADLINE - start))
	fi
	start_qemu "$dir" "$log"
	note "attempt: qemu pid $qpid, limit ${limit}s, serial $log"
	RESULT=hang
	while :; do
		sleep 1
		now=$(date +%s)
		el=$((now - start))
		# new marker lines, with the host's elapsed time
		while IFS= read -r line; do
			seen=$((seen + 1))
			echo "boot: [+${el}s] $line"
			case $line in
			"E2E: dom0 init"*)
				init=1
				echo "boot: stage qemu-to-dom0-init ${el}s"
				last_stage="dom0-init"; last_t=$el ;;
			"E2E: stage "*)
				echo "boot: stage $last_stage $((el - last_t))s"
				last_stage=${line#E2E: stage }
				last_stage=${last_stage%% *}
				last_t=$el ;;
			"E2E: DONE"*)
				echo "boot: stage $last_stage $((el - last_t))s"
				echo "boot: total ${el}s"
				if [ "$line" = "E2E: DONE rc=0" ] &&
					! grep -aq 'E2E: FAIL' "$log"; then
					RESULT=pass
				else
					RESULT=fail
				fi ;;
			esac
		done < <(markers "$log" | tail -n +$((seen + 1)))
		case $RESULT in pass|fail) break ;; esac
		if ! kill -0 "$qpid" 2>/dev/null; then
			RESULT=crash
			note "qemu exited before E2E: DONE ($(tail -n 3 "$log.qemu" | tr '\n' ' '))"
			break
		fi
		nsize=$(stat -c %s "$log")
		if [ "$nsize" != "$size" ]; then
			size=$nsize
			last_out=$el
		fi
		quiet=$((el - last_out))
		if [ "$init" -eq 0 ] && { [ "$quiet" -ge "$STALL" ] ||
			[ "$el" -ge "$INIT_TIMEOUT" ]; }; then
			note "no 'E2E: dom0 init' after ${el}s, serial quiet for ${quiet}s: hung boot"
			break
		fi
		if [ "$quiet" -ge $((STALL * 3)) ]; then
			note "serial quiet for ${quiet}s after ${el}s (in stage $last_stage): hung"
			break
		fi
		if [ "$el" -ge "$limit" ]; then
			note "no 'E2E: DONE' after ${el}s (in stage $last_stage): out of time"
			break
		fi
	done
	# after DONE dom0 reboots and QEMU exits (-no-reboot): give it 10 s
	local n=0
	case $RESULT in pass|fail) ;; *) n=10 ;; esac
	while [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null && [ "$n" -lt 10 ]; do
		sleep 1
		n=$((n + 1))
	done
	stop_qemu
}

main() {
	local dir i left tried=0
	[ "$#" -eq 1 ] || die "usage: boot.sh OUTDIR"
	dir=$1
	for f in xen vmlinuz dom0-initrd; do
		[ -s "$dir/$f" ] || die "$dir/$f missing: run build-dom0.sh first"
	done
	command -v "$QEMU" >/dev/null || die "$QEMU not found"
	trap stop_qemu EXIT
	mkdir -p "$(dirname "$LOCK")"
	exec 8> "$LOCK"
	if ! flock -w 600 8; then
		die "another QEMU run holds $LOCK"
	fi
	for i in $(seq 1 "$ATTEMPTS"); do
		if [ "$DEADLINE" -gt 0 ]; then
			left=$((DEADLINE - $(date +%s)))
			if [ "$left" -lt 90 ]; then
				note "only ${left}s left before the deadline: no attempt $i"
				break
			fi
		fi
		note "attempt $i of $ATTEMPTS"
		tried=$i
		attempt "$dir" "$dir/serial-$i.log"
		note "attempt $i: $RESULT"
		case $RESULT in
		pass) return 0 ;;
		fail)
			echo "boot: --- end of $dir/serial-$i.log ---"
			tail -n 120 "$dir/serial-$i.log" | tr -d '\r'
			return 1 ;;
		*)
			echo "boot: --- end of $dir/serial-$i.log ---"
			tail -n 40 "$dir/serial-$i.log" | tr -d '\r' ;;
		esac
	done
	if [ "$tried" -eq 0 ]; then
		note "no time left to boot"
		return 3
	fi
	note "no attempt reached E2E: DONE"
	return 2
}

main "$@"
