# dom0-lib.sh: shell functions every script inside an emulated dom0 uses
# (sourced, not run): the /init scripts (dom0-init.sh here,
# tests/xen-two-hosts/host-init.sh) and the tests they start (dom0-test.sh,
# host-test.sh).  build-dom0.sh puts it at /e2e/dom0-lib.sh; the two-host
# dom0 root is built over this one, so it is there too.
#
# Console markers (boot.sh and tests/xen-two-hosts/run.sh read them, one
# per line at the start of the line):
#   E2E: stage NAME (dom0 t+Ns)   a step starts
#   E2E: PASS NAME[: detail]      a check passed
#   E2E: FAIL NAME: why           a check failed (counted in $fails)
#   E2E: note: TEXT               information only
#   E2E: DONE rc=N                the end (finish)
# The sourcing script sets t0 (epoch seconds of its start) first.

fails=0
STAGES=""
stage_t=${t0:-0}
stage_n=""

mark() { echo "E2E: $*"; }
note() { mark "note: $*"; }
pass() { mark "PASS $1${2:+: $2}"; }
fail() { mark "FAIL $1: $2"; fails=$((fails + 1)); }

# stage NAME: a step starts; STAGES collects the wall time of each step
stage() {
	local now
	now=$(date +%s)
	[ -z "$stage_n" ] || STAGES="$STAGES $stage_n=$((now - stage_t))s"
	stage_n=$1
	stage_t=$now
	mark "stage $1 (dom0 t+$((now - t0))s)"
}

# check NAME CMD...: run CMD; on failure FAIL NAME and return 1
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "$*"; return 1; fi
}

# wait_for SECONDS CMD...: retry CMD every half second; a line every 30 s
# shows the console is alive (the runners take a silent console for a hang)
wait_for() {
	local start end next
	start=$(date +%s)
	end=$((start + $1))
	next=$((start + 30))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		if [ "$(date +%s)" -ge "$next" ]; then
			echo "waiting for '$*' since $(( $(date +%s) - start ))s"
			next=$((next + 30))
		fi
		sleep 0.5
	done
}

# js FILE EXPR: a python expression over the JSON in FILE (as j)
js() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); r=eval(sys.argv[2]); print("" if r is None else r)' "$1" "$2"; }
sock_up() { [ -S "$1" ]; }

# e2e.KEY=VALUE on the kernel command line -> export E2E_KEY=VALUE (KEY
# upper-cased, '.' and '-' as '_')
import_cmdline() {
	local a k v args
	read -r -a args < /proc/cmdline
	for a in "${args[@]}"; do
		case $a in
		e2e.*=*)
			k=${a%%=*}; k=${k#e2e.}; v=${a#*=}
			k=$(echo "$k" | tr 'a-z.-' 'A-Z__')
			export "E2E_$k=$v" ;;
		esac
	done
}

# finish RC: the last marker, then reboot (QEMU runs with -no-reboot, so it
# exits); e2e.shell=1 leaves a shell on the console first
finish() {
	mark "DONE rc=$1"
	sync
	if [ "${E2E_SHELL:-0}" = 1 ]; then
		setsid -c /bin/bash -i </dev/hvc0 >/dev/hvc0 2>&1
	fi
	echo b > /proc/sysrq-trigger
	while :; do sleep 3600; done
}
fail_boot() { mark "FAIL dom0-setup: $*"; finish 1; }

# --- the platform check: are vector registers kept across switches? ----
# fpu_stress (tests/xen-e2e/fpu_stress.c) loads all XMM/YMM registers,
# yields or spins and compares, and checks glibc's string functions
# against byte loops.  With Xen's default lazy FPU switching under QEMU's
# TCG, dom0's registers were wrong within seconds of a guest vCPU running
# (boot.sh passes spec-ctrl=eager-fpu since); when the check fails, no
# other result of the run can be trusted.  Logs go to $FPU_DIR (/tmp).
FPU_PID=""
FPU_NAME=""
fpu_report() {
	local f=$1 name=$2
	sed 's/^/E2E: fpu /' "$f" | grep -v ' alive, '
	if grep -q 'MISMATCH' "$f"; then
		fail "$name" "fpu_stress found vector registers or string results corrupted: the emulated platform loses FPU state (is spec-ctrl=eager-fpu on Xen's command line?)"
	elif grep -q 'no mismatch' "$f"; then
		pass "$name"
	else
		fail "$name" "fpu_stress ended without a verdict: $(tail -n 1 "$f")"
	fi
}
# fpu_alone NAME: 10 s (E2E_FPU_ALONE) in the foreground, check NAME
fpu_alone() {
	local f=${FPU_DIR:-/tmp}/$1.log
	[ -x /e2e/fpu_stress ] || return 0
	/e2e/fpu_stress -q -w 2 -s 1 "${E2E_FPU_ALONE:-10}" > "$f" 2>&1
	fpu_report "$f" "$1"
}
# fpu_start NAME: in the background (light: 10 ms pause a round) until
# fpu_stop, which checks NAME
fpu_start() {
	[ -x /e2e/fpu_stress ] || return 0
	FPU_NAME=$1
	/e2e/fpu_stress -q -w 2 -s 10 3600 > "${FPU_DIR:-/tmp}/$1.log" 2>&1 &
	FPU_PID=$!
}
fpu_stop() {
	[ -n "$FPU_PID" ] || return 0
	kill -TERM "$FPU_PID" 2>/dev/null
	wait "$FPU_PID" 2>/dev/null
	FPU_PID=""
	fpu_report "${FPU_DIR:-/tmp}/$FPU_NAME.log" "$FPU_NAME"
}
