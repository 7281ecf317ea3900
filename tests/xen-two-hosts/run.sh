#!/bin/bash
# run.sh: the two-host test.  Builds the images (build.sh), boots two Xen
# 4.17 hosts under QEMU (TCG), A and B, joined by QEMU's socket network
# backend (A listens on 127.0.0.1:PORT, B connects; an e1000 in each dom0),
# follows both serial consoles and turns the markers of host-test.sh into a
# result.  See README.md.
#
# Usage: tests/xen-two-hosts/run.sh [OUTDIR]
#   OUTDIR: build and run directory (default: a new /tmp/xen2h.XXXXXX,
#   removed at the end unless XEN2H_KEEP=1).  Serial logs: OUTDIR/A-N.log,
#   OUTDIR/B-N.log (attempt N).
#
# Exit: 0 pass; 1 a check failed; 2 no attempt reached the end (hangs);
# 77 QEMU cannot run here.
#
# Environment:
#   XEN2H_ATTEMPTS   boots to try when one hangs or dies (default 2)
#   XEN2H_TIMEOUT    seconds per attempt from QEMU start (default 1500)
#   XEN2H_STALL      seconds without serial output (both hosts) = hung
#                    (default 300)
#   XEN2H_MEM        QEMU memory per host (default 2G)
#   XEN_E2E_CPU      QEMU -cpu (default max,-smap,-rdtscp, as tests/xen-e2e/boot.sh)
#   XEN2H_SMP        QEMU vCPUs per host (default 1)
#   XEN2H_DOM0_VCPUS dom0's vCPUs (default XEN2H_SMP; with XEN2H_SMP=2 and
#                    1 here the guest has a CPU dom0 does not use)
#   XEN2H_DOM0_MEM   dom0_mem in MiB (default 1024)
#   XEN2H_DELAY_MS   one-way netem delay on each host's link (default 15)
#   XEN2H_DOM0_ARGS  more dom0 kernel arguments (e2e.KEY=VALUE, no commas)
#   XEN2H_PORT       TCP port of the socket link on 127.0.0.1 (default:
#                    20000 + pid % 20000)
#   XEN2H_LOCK       lock file shared with tests/xen-e2e/boot.sh so two
#                    QEMU tests do not share the 2 cores (default
#                    /run/lock/migrated-xen-e2e-qemu.lock; "" = no lock)
#   XEN_E2E_QEMU     QEMU binary (default qemu-system-x86_64)
#   XEN_E2E_CACHE, B, MAKE   passed to build.sh
set -eu -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
QEMU=${XEN_E2E_QEMU:-qemu-system-x86_64}
ATTEMPTS=${XEN2H_ATTEMPTS:-2}
TIMEOUT=${XEN2H_TIMEOUT:-1500}
STALL=${XEN2H_STALL:-300}
MEM=${XEN2H_MEM:-2G}
SMP=${XEN2H_SMP:-1}
QEMU_CPU=${XEN_E2E_CPU:-max,-smap,-rdtscp}
DOM0_VCPUS=${XEN2H_DOM0_VCPUS:-$SMP}
DOM0_MEM=${XEN2H_DOM0_MEM:-1024}
DELAY=${XEN2H_DELAY_MS:-15}
PORT=${XEN2H_PORT:-$((20000 + $$ % 20000))}
LOCK=${XEN2H_LOCK-/run/lock/migrated-xen-e2e-qemu.lock}
t_start=$(date +%s)
out=""
own_out=0
pid_a=""
pid_b=""

die() { echo "xen2h: $*" >&2; exit 1; }
skip() { echo "xen2h: skip: $*"; exit 77; }
el() { echo $(( $(date +%s) - t_start )); }

stop_qemus() {
	local p
	for p in $pid_a $pid_b; do
		kill "$p" 2>/dev/null || true
	done
	sleep 1
	for p in $pid_a $pid_b; do
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	pid_a=""
	pid_b=""
}

cleanup() {
	stop_qemus
	if [ "$own_out" = 1 ] && [ "${XEN2H_KEEP:-0}" != 1 ]; then
		rm -rf "$out"
	elif [ -n "$out" ]; then
		echo "xen2h: kept $out"
	fi
}

qemu_can_run() {
	local out rc=0
	command -v "$QEMU" >/dev/null || skip "$QEMU is not installed (Debian: qemu-system-x86)"
	"$QEMU" -accel help 2>/dev/null | grep -qx tcg || skip "$QEMU has no TCG accelerator"
	out=$(timeout 3 "$QEMU" -accel tcg -machine q35 -m 64M -S -display none \
		-nic none -monitor none -serial none 2>&1) || rc=$?
	[ "$rc" -eq 124 ] || skip "$QEMU cannot start a q35 machine here: ${out:-rc $rc}"
}

# start_host ROLE NETDEV LOG: one QEMU, pid in QPID
start_host() {
	local role=$1 netdev=$2 log=$3 mac
	mac=52:54:00:00:00:0$([ "$role" = a ] && echo 1 || echo 2)
	: > "$log"
	# spec-ctrl=eager-fpu: lazy FPU switching loses dom0's vector
	# registers under TCG (tests/xen-e2e/boot.sh, README.md)
	"$QEMU" -accel tcg -machine q35 -cpu "$QEMU_CPU" -m "$MEM" -smp "$SMP" \
		-netdev "$netdev" -device "e1000,netdev=wan,mac=$mac" \
		-no-reboot -display none -monitor none -serial "file:$log" \
		-kernel "$out/xen" \
		-append "console=com1 com1=115200,8n1 dom0_mem=${DOM0_MEM}M,max:${DOM0_MEM}M dom0_max_vcpus=$DOM0_VCPUS spec-ctrl=eager-fpu" \
		-initrd "$out/vmlinuz console=hvc0 panic=10 e2e.role=$role e2e.delay_ms=$DELAY ${XEN2H_DOM0_ARGS:-},$out/dom0-initrd2" \
		> "$log.qemu" 2>&1 &
	QPID=$!
}

# complete E2E lines of serial log FILE (no half-written last line)
markers() {
	cp "$1" "$1.snap"
	[ -z "$(tail -c 1 "$1.snap")" ] || sed -i '$d' "$1.snap"
	{ grep -ao 'E2E: .*' "$1.snap" || true; } | tr -d '\r'
}

# one attempt N: both hosts; RESULT = pass | fail | hang | crash
attempt() {
	local n=$1 la lb start seen_a=0 seen_b=0
	local done_a="" done_b="" size=0 nsize last_out line t h log quiet
	local -A last_stage=([A]=boot [B]=boot) last_t=([A]=0 [B]=0)
	la=$out/A-$n.log
	lb=$out/B-$n.log
	start=$(date +%s)
	start_host a "socket,id=wan,listen=127.0.0.1:$PORT" "$la"
	pid_a=$QPID
	sleep 1
	start_host b "socket,id=wan,connect=127.0.0.1:$PORT" "$lb"
	pid_b=$QPID
	echo "xen2h: attempt $n: qemu A pid $pid_a, B pid $pid_b, link 127.0.0.1:$PORT"
	last_out=0
	RESULT=hang
	while :; do
		sleep 2
		t=$(( $(date +%s) - start ))
		for h in A B; do
			if [ "$h" = A ]; then log=$la; else log=$lb; fi
			local seen
			if [ "$h" = A ]; then seen=$seen_a; else seen=$seen_b; fi
			while IFS= read -r line; do
				seen=$((seen + 1))
				echo "xen2h: [+${t}s] $h $line"
				case $line in
				"E2E: dom0 init"*)
					echo "xen2h: $h stage qemu-to-dom0-init ${t}s"
					last_stage[$h]=dom0-init; last_t[$h]=$t ;;
				"E2E: stage "*)
					echo "xen2h: $h stage ${last_stage[$h]} $((t - ${last_t[$h]}))s (host load $(cut -d ' ' -f 1-3 /proc/loadavg))"
					last_stage[$h]=${line#E2E: stage }
					last_stage[$h]=${last_stage[$h]%% *}
					last_t[$h]=$t ;;
				"E2E: DONE"*)
					echo "xen2h: $h stage ${last_stage[$h]} $((t - ${last_t[$h]}))s"
					echo "xen2h: $h total ${t}s"
					if [ "$h" = A ]; then done_a=${line#E2E: DONE }; else done_b=${line#E2E: DONE }; fi ;;
				esac
			done < <(markers "$log" | tail -n +$((seen + 1)))
			if [ "$h" = A ]; then seen_a=$seen; else seen_b=$seen; fi
		done
		if [ -n "$done_a" ] && [ -n "$done_b" ]; then
			if [ "$done_a" = rc=0 ] && [ "$done_b" = rc=0 ] &&
				! grep -aq 'E2E: FAIL' "$la" "$lb"; then
				RESULT=pass
			else
				RESULT=fail
			fi
			break
		fi
		# A decides; B gets 60 s more to print its end
		if [ -n "$done_a" ] && [ -z "$done_b" ] && [ "$quiet_b_wait" -ge 30 ]; then
			echo "xen2h: B did not end 60 s after A"
			RESULT=fail
			break
		fi
		[ -z "$done_a" ] || quiet_b_wait=$((quiet_b_wait + 1))
		# a QEMU that exited after DONE (dom0 reboots) is read once more
		if ! kill -0 "$pid_a" 2>/dev/null && [ -z "$done_a" ] &&
			! grep -aq 'E2E: DONE' "$la"; then
			RESULT=crash; echo "xen2h: qemu A exited: $(tail -n 3 "$la.qemu" | tr '\n' ' ')"; break
		fi
		if ! kill -0 "$pid_b" 2>/dev/null && [ -z "$done_b" ] &&
			! grep -aq 'E2E: DONE' "$lb"; then
			RESULT=crash; echo "xen2h: qemu B exited: $(tail -n 3 "$lb.qemu" | tr '\n' ' ')"; break
		fi
		nsize=$(( $(stat -c %s "$la") + $(stat -c %s "$lb") ))
		if [ "$nsize" != "$size" ]; then size=$nsize; last_out=$t; fi
		quiet=$((t - last_out))
		if [ "$quiet" -ge "$STALL" ]; then
			echo "xen2h: both consoles quiet for ${quiet}s: hung"; break
		fi
		if [ "$t" -ge "$TIMEOUT" ]; then
			echo "xen2h: no end after ${t}s: out of time"; break
		fi
	done
	stop_qemus
}

main() {
	local i rc=2
	qemu_can_run
	[ "$(id -u)" -eq 0 ] || die "must run as root (build-dom0.sh debootstraps)"
	if [ "$#" -ge 1 ]; then
		out=$1
		mkdir -p "$out"
	else
		out=$(mktemp -d /tmp/xen2h.XXXXXX)
		own_out=1
	fi
	out=$(cd "$out" && pwd)
	trap cleanup EXIT
	echo "xen2h: run dir $out"
	"$here/build.sh" "$out" 2>&1 | sed 's/^/xen2h: build: /' ||
		die "build.sh failed"
	echo "xen2h: stage build $(el)s"
	if [ -n "$LOCK" ]; then
		mkdir -p "$(dirname "$LOCK")"
		exec 8> "$LOCK"
		echo "xen2h: waiting for $LOCK (another QEMU test)"
		flock -w 1800 8 || die "another QEMU run holds $LOCK"
		echo "xen2h: stage lock-wait $(el)s"
	fi
	for i in $(seq 1 "$ATTEMPTS"); do
		quiet_b_wait=0
		attempt "$i"
		echo "xen2h: attempt $i: $RESULT ($(el)s since start)"
		case $RESULT in
		pass) rc=0; break ;;
		fail)
			rc=1
			for h in A B; do
				echo "xen2h: --- end of $h-$i.log ---"
				tail -n 60 "$out/$h-$i.log" | tr -d '\r'
			done
			break ;;
		*)
			for h in A B; do
				echo "xen2h: --- end of $h-$i.log ---"
				tail -n 30 "$out/$h-$i.log" | tr -d '\r'
			done ;;
		esac
	done
	echo "xen2h: wall time $(el)s"
	case $rc in
	0) echo "xen2h: PASS" ;;
	1) echo "xen2h: FAIL (markers above)" ;;
	*) echo "xen2h: FAIL: no attempt reached the end" ;;
	esac
	return "$rc"
}

main "$@"
