#!/bin/bash
# arrivals_cpu.sh: migrated's CPU while N guests arrive at once, for two
# migrated binaries in the same run: BASE (before xtrd pushed its events:
# migrated fetched GET /v1/database every 2 ms while a Map-Notify was
# awaited) and this tree's (it waits on a GET /v1/timeline?wait= that xtrd
# holds until the database-registered event).  Prints each round's figures
# and the ratio new / base; the figure is a ratio against a baseline
# measured on the same machine in the same run, never an absolute time.
#
# One topology (tests/tools/mig_lib.sh over tests/lib/harness/): the MS, the
# Dom0s src and dst with their real xtrd and real xenstored fixture, migrated
# on dst.  A round: dst's migrated is (re)started with one binary; N
# domains g1..gN (one EID each, 198.51.100.10 onwards, in migrated.conf)
# are created on dst's xenstored as "gK--incoming" with a vif on xenbr0
# (xl migrate's receiving side up to the rename: xlr_dest_create,
# xlr_dest_restore); then ONE xenstore transaction renames all N to gK
# (what N `xl migrate`s finishing together look like to migrated) and they
# are unpaused.  migrated registers each EID through xtrd (register_at =
# rename), waits for its Map-Notify and has xtrd send SMRs.  The round ends
# when dst's xtrd was asked for N SMRs since the rename (its timeline, read
# through xtrctl, not through migrated); the CPU figure is migrated's utime
# + stime (/proc/PID/stat, clock ticks) and its threads' time on CPU
# (/proc/PID/task/*/schedstat, ns) over that window.  Then the domains are
# destroyed, migrated withdraws the EIDs, and the next round starts.
# Rounds alternate base, new, base, new, ... (ROUNDS pairs).
#
# Usage: bench/arrivals_cpu.sh [N]      (default 100 guests)
# Environment:
#   BIN           build/bin (this tree's migrated, xtrd, xtrctl, ...)
#   BASE_MIGRATED the baseline binary; default: migrated built from BASE
#   BASE          the commit to build it from (git archive + make); default:
#                 the parent of the commit that removed the 2 ms poll
#   ROUNDS        pairs of rounds (default 2)
#   MS_DELAY_MS   one-way delay of the Map-Server's link (default 0; 25: a
#                 Map-Server ~5000 km away, a Map-Notify 50 ms after its
#                 Map-Register), made with tests/lib/harness/wan.sh
#   KEEP_RUN=1    keeps the run directory
# Also printed: the CPU of dst's xtrd (which answered the 2 ms database
# fetches before, and holds the request now) and the API requests it served.
# Writes build/arrivals_cpu.PID/ (configs, logs, base/ the baseline tree).
# Needs root, a built tree (make), jq, git.  Namespaces: ac<pid>-*.
set -eu -o pipefail
cd "$(dirname "$0")/.."
PFX=ac-
RUN=$PWD/build/arrivals_cpu
N=${1:-100}
ROUNDS=${ROUNDS:-2}
. tests/tools/mig_lib.sh
# shellcheck disable=SC2034 # read by h_start_migrated: debug lines would
# make both binaries pay for their log
H_MIG_V=-v

# base_binary: the baseline migrated, built once in $RUN/base
base_binary() {
	local base
	if [ -n "${BASE_MIGRATED:-}" ]; then
		echo "$BASE_MIGRATED"
		return
	fi
	base=${BASE:-}
	if [ -z "$base" ]; then
		base=$(git log -1 --format=%H -S DBPOLL_MS -- migrated/mover.c)
		[ -n "$base" ] || die "no commit removed DBPOLL_MS: set BASE"
		base="$base^"
	fi
	mkdir -p "$RUN/base"
	git archive "$base" | tar -x -C "$RUN/base"
	make -s -C "$RUN/base" -j2 build/bin/migrated >"$RUN/base.log" 2>&1 ||
	    die "building migrated at $base failed: $(tail -5 "$RUN/base.log")"
	echo "$RUN/base/build/bin/migrated"
}

# cpu PID: "TICKS NS": utime+stime, and the threads' schedstat run time
cpu() {
	local p=$1 ticks ns=0 t
	ticks=$(awk '{print $14 + $15}' "/proc/$p/stat")
	for t in /proc/"$p"/task/*/schedstat; do
		ns=$((ns + $(cut -d' ' -f1 "$t")))
	done
	echo "$ticks $ns"
}

smr_count_since() {
	xtr_jq dst "[.events[] | select(.event == \"smr-requested\" and .seq > $1)] | length" timeline
}

# ms_far: with MS_DELAY_MS, the MS's link into the WAN bridge (p1, the
# first of xtr_net's) is replaced by an impaired one (wan_link: netem, or
# userspace wanem)
ms_far() {
	local d=${MS_DELAY_MS:-0}
	[ "$d" != 0 ] || return 0
	ip -n "${PFX}ms" link del eth0
	wan_link "${PFX}ms" eth0 "${PFX}br" p1 --delay "$d" ||
	    die "the delayed link to the MS"
	h_port br br0 p1
	ip -n "${PFX}ms" link set eth0 up
	h_addr ms eth0 192.0.2.100/24 2001:db8:ffff::100/64
	xtr_wait 10 ip netns exec "${PFX}dst" ping -c1 -W1 192.0.2.100 >/dev/null ||
	    die "dst does not reach the MS over the delayed link"
	echo "MS link: $d ms each way ($(wan_mechanism))"
}

# for xtr_wait: the condition is evaluated at each try
# shellcheck disable=SC2317 # called through xtr_wait
smrs_reach() { [ "$(smr_count_since "$1")" -ge "$2" ]; }
# shellcheck disable=SC2317
incoming_are() {
	[ "$(mig_jq dst '[.domains[] | select(.state == "incoming")] | length' status)" = "$1" ]
}
# shellcheck disable=SC2317
no_guest_eids() {
	[ "$(xtr_jq dst '[.mappings[] | select(.eid | startswith("198.51.100."))] | length' database)" = 0 ]
}

# prepare: N domains gK--incoming (domid OFF+K) with their vif
prepare() {
	local off=$1 k d uuid
	xs_host dst
	for k in $(seq 1 "$N"); do
		d=$((off + k))
		uuid=$(cat /proc/sys/kernel/random/uuid)
		ip -n "${PFX}dst" link add "vif$d.0" type veth peer name "gp$d"
		ip -n "${PFX}dst" link set "gp$d" up
		h_port dst xenbr0 "vif$d.0"
		xlr_dest_create "g$k" "$d" "$uuid" || die "create g$k"
		xlr_dest_restore "$d" "$(printf '00:16:3e:01:%02x:%02x' $((d / 256)) $((d % 256)))" xenbr0 ||
		    die "restore g$k"
	done
}

# rename_all OFF: one transaction renames every gK--incoming to gK
rename_all() {
	local off=$1 k d uuid
	{
		for k in $(seq 1 "$N"); do
			d=$((off + k))
			uuid=$(xs_domain_uuid "$d")
			echo "write /local/domain/$d/name g$k"
			echo "write /vm/$uuid/name g$k"
		done
	} | "$(_xs_bin xs_ctl)" tx
	for k in $(seq 1 "$N"); do
		xs_domain_unpause "$((off + k))"
	done
}

teardown() {
	local off=$1 k d
	xs_host dst
	for k in $(seq 1 "$N"); do
		d=$((off + k))
		xs_domain_destroy "$d" || true
		ip -n "${PFX}dst" link del "vif$d.0" 2>/dev/null || true
	done
	xtr_wait 60 no_guest_eids ||
	    die "dst's xtrd still has guest EIDs"
}

# xtrd_pid NODE: the xtrd in NODE's namespace
xtrd_pid() {
	local p
	for p in $(ip netns pids "${PFX}$1"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = xtrd ] && { echo "$p"; return; }
	done
	die "no xtrd in $1"
}

# round LABEL BINARY OFF: prints "LABEL TICKS NS SECONDS XTRD_NS API_REQS"
round() {
	local label=$1 bin=$2 off=$3 pid xp seq0 c0 c1 x0 x1 r0 r1 t0 t1
	mig_stop dst
	MIGRATED=$bin mig_start dst
	pid=$MIG_PIDS_dst
	[ "$(cat "/proc/$pid/comm")" = migrated ] || die "pid $pid is not migrated"
	[ "$(ip netns pids "${PFX}dst" | while read -r p; do cat "/proc/$p/comm"; done | grep -c '^migrated$')" = 1 ] ||
	    die "$label: more than one migrated on dst"
	prepare "$off"
	# migrated has seen the incoming domains and is idle again
	xtr_wait 30 incoming_are "$N" ||
	    die "$label: migrated does not list $N incoming domains"
	seq0=$(xtr_jq dst .last_seq timeline)
	xp=$(xtrd_pid dst)
	r0=$(xtr_counter dst api_requests)
	x0=$(cpu "$xp")
	c0=$(cpu "$pid")
	t0=$EPOCHREALTIME
	rename_all "$off"
	xtr_wait 120 smrs_reach "$seq0" "$N" ||
	    die "$label: $(smr_count_since "$seq0") of $N SMRs"
	c1=$(cpu "$pid")
	x1=$(cpu "$xp")
	t1=$EPOCHREALTIME
	r1=$(xtr_counter dst api_requests)
	# shellcheck disable=SC2086 # two numbers each
	set -- $c0 $c1 $x0 $x1
	# api_requests: the ones migrated made (less the counter reads here
	# and the SMR-count waits, the same in both rounds)
	echo "$label $(($3 - $1)) $(($4 - $2)) $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') $(($8 - $6)) $((r1 - r0))"
	teardown "$off"
}

main() {
	local base k r off=100 eids="" out
	mig_need
	command -v git >/dev/null || skip "needs git"
	trap mig_cleanup EXIT
	rm -rf "$RUN"
	mkdir -p "$RUN"
	base=$(base_binary)
	for k in $(seq 1 "$N"); do
		eids="$eids
vm \"g$k\" eids = [ \"198.51.100.$((9 + k))\" ]"
	done
	[ "$N" -le 110 ] || die "N: at most 110 (198.51.100.10-119)"
	MIG_NOTIFY_WAIT_MS=10000
	MIG_CONF_EXTRA="register_at = rename$eids"
	mig_setup
	ms_far
	echo "== $N guests arriving at once, $ROUNDS pairs of rounds," \
	    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "round migrated_ticks(utime+stime, 1/$(getconf CLK_TCK) s) migrated_cpu_ns seconds xtrd_cpu_ns xtrd_api_requests"
	out=$RUN/rounds
	: >"$out"
	for r in $(seq 1 "$ROUNDS"); do
		# not in a pipeline: round keeps MIG_PIDS_dst for the next one
		round base "$base" "$off" >>"$out"
		tail -n 1 "$out"
		off=$((off + N))
		round new "${MIGRATED:-$BIN/migrated}" "$off" >>"$out"
		tail -n 1 "$out"
		off=$((off + N))
	done
	awk '{t[$1] += $2; n[$1] += $3; s[$1] += $4; x[$1] += $5; q[$1] += $6}
	    END {for (k = 0; k < 2; k++) { r = k ? "new" : "base";
		 printf "%-4s migrated %d ticks, %.1f ms on CPU; xtrd %.1f ms on CPU, %d API requests; %.2f s\n", r, t[r], n[r] / 1e6, x[r] / 1e6, q[r], s[r] }
		 printf "ratio new/base: migrated ticks %.3f, migrated cpu_ns %.3f, xtrd cpu_ns %.3f, migrated+xtrd cpu_ns %.3f\n",
		    t["base"] ? t["new"] / t["base"] : 0, n["base"] ? n["new"] / n["base"] : 0,
		    x["base"] ? x["new"] / x["base"] : 0, n["base"] + x["base"] ? (n["new"] + x["new"]) / (n["base"] + x["base"]) : 0}' "$out"
	echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

main "$@"; exit $?
