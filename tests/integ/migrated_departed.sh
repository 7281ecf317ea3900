#!/bin/bash
# migrated_departed.sh: a guest that left stays gone from the source.
# web1 migrates src -> dst with the departure announced (as xl-migrate-lisp
# does: src hands its EIDs over at the suspend, away entries), web2 with a
# plain xl migrate, and its source domain stays --migratedaway for HOLD
# seconds after the guest runs at dst (xl destroys it only after the
# receiver's answer; a slow dom0 takes long).  Throughout the hold the MS
# must map web2 to dst: src handed it over at the rename (before the fix
# src's xtrd kept it as a live mapping and its periodic refresh took it
# back from dst once per register_interval, dst's refresh took it back in
# turn, until the release).  Both released, for WATCH seconds src's xtrd
# must not take any of their EIDs back: no database-add in its timeline,
# no mapping in its database, no registration from src at the MS, and
# src's migrated must not re-push them (counter xtrd_missing_eid).  dst's
# xtrd, told the EIDs were coming, releases what it held for them only
# once migrated says the guest arrived, not at the rename's add.  (The
# two-host Xen run: "host A's xtrd re-added the guest's EID about once a
# minute".)  register_interval and migrated's heartbeat are short here.
# Arguments: none.  Environment: WATCH (seconds, default 20), HOLD
# (default 3 register intervals), MIG_REGISTER_INTERVAL (default 5),
# MIG_DP (1: src and dst run a data plane on xenbr0, the default when
# /dev/net/tun exists), VERBOSE=1 (print the timelines), BIN, KEEP_RUN.
# Namespaces: md-*.  Run directory: build/migrated_departed.
# integ-timeout: 300
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=md-
RUN=$PWD/build/migrated_departed
WATCH=${WATCH:-20}
MIG_REGISTER_INTERVAL=${MIG_REGISTER_INTERVAL:-5}
MIG_DP=${MIG_DP:-$([ -c /dev/net/tun ] && echo 1 || echo 0)}
if [ "$MIG_DP" = 1 ]; then
	MIG_XTR_EXTRA="data_plane = \"on\"
site_interface = \"xenbr0\"
eid_space = [ '198.51.100.0/24', '2001:db8:1::/48' ]
anycast_gateway = [ '198.51.100.1/24' ]
anycast_mac = \"00:00:5e:00:01:01\"
away_timeout = 5"
fi
. tests/tools/mig_lib.sh

EIDS="198.51.100.5/32 2001:db8:1::5/128 198.51.100.6/32"
hook1() {
	case $1 in
	src_suspend) suspend_redirects web1 ;;
	dest_go) mig_guest dst 7 -t garp -a 198.51.100.5 >/dev/null ;;
	esac
}
# issue 18: with the departure announced, src hands web1's EIDs over at the
# suspend (control/shutdown = "suspend", the guest suspended), not at the
# --migratedaway rename at the end of the blackout
has_event() { [ -n "$(mig_event "$1" "$2" "$3")" ]; }
suspend_redirects() {
	xtr_wait 5 has_event src "$1" redirecting ||
	    fail_tl "src did not redirect $1 at its suspend"
	echo "src redirects $1 at the suspend ($(mig_jq src "[.migrations[] |
	    select(.domain == \"$1\")] | last | [.events[] |
	    select(.event == \"suspended\") | .detail] | first // empty" \
	    migrations))"
	away_window 198.51.100.5/32
	away_window 2001:db8:1::5/128
	away_first 198.51.100.5/32 2001:db8:1::5/128
}
# both EIDs' away entries in before either hand-over: one request for the
# guest's EIDs (before, one each: the second waited for the first's round
# trip and its registration work)
has_seq() { [ -n "$(xtr_event_seq "$@")" ]; }
away_first() {
	local e a h amax=0 hmin=
	{ [ "$MIG_DP" = 1 ] && [ -z "$MIG_FAKE" ]; } || return 0
	for e in "$@"; do
		a=$(xtr_event_seq src dp-away "$e")
		xtr_wait 5 has_seq src database-remove "$e" ||
		    fail_tl "src did not hand $e over"
		h=$(xtr_event_seq src database-remove "$e")
		if [ "$a" -gt "$amax" ]; then amax=$a; fi
		if [ -z "$hmin" ] || [ "$h" -lt "$hmin" ]; then hmin=$h; fi
	done
	[ "$amax" -lt "$hmin" ] || fail_tl "src handed an EID of web1 over" \
	    "(#$hmin) before every away entry was in (#$amax)"
}
# the old site's window (issue 18): from migrated seeing the suspend to
# src's xtrd redirecting (its dp-away event), both CLOCK_MONOTONIC µs;
# what arrives in between goes to a guest that no longer takes it
away_dp() {
	[ -n "$(xtr_jq src "[.events[] | select(.event == \"dp-away\" and
	    .eid == \"$1\") | .t_us] | last // empty" timeline)" ]
}
away_window() {
	local s a
	{ [ "$MIG_DP" = 1 ] && [ -z "$MIG_FAKE" ]; } || return 0
	xtr_wait 5 away_dp "$1" || fail_tl "src made no away entry for $1"
	s=$(mig_event src web1 suspended)
	a=$(xtr_jq src "[.events[] | select(.event == \"dp-away\" and
	    .eid == \"$1\") | .t_us] | last" timeline)
	echo "src: suspend seen -> away entry $1: $((a - s)) us" \
	    "(load $(cut -d' ' -f1 /proc/loadavg))"
}
# web2's source domain stays --migratedaway for HOLD seconds after the
# guest runs at dst (a slow destroy: xl destroys it only after the
# receiver's answer), over several of src's registration refreshes; the
# MS must keep mapping it to dst all along
HOLD=${HOLD:-$((3 * MIG_REGISTER_INTERVAL))}
hook2() {
	case $1 in
	dest_go) mig_guest dst 8 -t garp -a 198.51.100.6 >/dev/null ;;
	guest_resume) hold_web2 ;;
	esac
}

hold_web2() {
	local end
	xtr_wait 10 mig_registered_at_ms 198.51.100.6/32 192.0.2.2 ||
	    mig_fail "198.51.100.6/32 not registered from dst"
	end=$(($(date +%s) + HOLD))
	while [ "$(date +%s)" -lt "$end" ]; do
		[ -n "$MIG_FAKE" ] || ! mig_registered_at_ms 198.51.100.6/32 \
		    192.0.2.1 || fail_tl "the MS maps 198.51.100.6/32 to" \
		    "src again while web2--migratedaway waits for its destroy"
		sleep 0.5
	done
}

# released_at_arrival EID: dst's xtrd was told the guest arrived, and
# released (or ended) EID's hold only after that
released_at_arrival() {
	local arr rel
	arr=$(xtr_jq dst "[.events[] | select(.event == \"dp-hold-arrived\"
	    and .eid == \"$1\") | .seq] | first // empty" timeline)
	rel=$(xtr_jq dst "[.events[] | select((.event == \"dp-hold-release\"
	    or .event == \"dp-hold-released\") and .eid == \"$1\") | .seq] |
	    first // empty" timeline)
	[ -n "$arr" ] || fail_tl "dst's xtrd was not told $1's guest arrived"
	if [ -z "$rel" ] || [ "$rel" -le "$arr" ]; then
		fail_tl "dst's xtrd released $1's hold (seq ${rel:-none})" \
		    "before the guest arrived (seq $arr)"
	fi
}

migrate_both() {
	mig_vm_at_src web1 3 00:16:3e:00:00:05
	mig_vm_at_src web2 4 00:16:3e:00:00:06
	for e in $EIDS; do
		xtr_wait 10 mig_registered_at_ms "$e" 192.0.2.1 ||
		    mig_fail "$e not registered from src"
	done
	mig_vif dst 7 0 00:16:3e:00:00:05
	mig_vif dst 8 0 00:16:3e:00:00:06
	mig_ctl src departure web1 192.0.2.2 >/dev/null
	XLR_HOOK=hook1 xlr_migrate "$RUN/xs-src" 3 "$RUN/xs-dst" 7 ||
	    mig_fail "migration of web1"
	XLR_HOOK=hook2 xlr_migrate "$RUN/xs-src" 4 "$RUN/xs-dst" 8 ||
	    mig_fail "migration of web2"
	for e in $EIDS; do
		xtr_wait 10 mig_registered_at_ms "$e" 192.0.2.2 ||
		    mig_fail "$e not registered from dst"
		xtr_wait 10 mig_not mig_db_has src "$e" ||
		    mig_fail "src's xtrd still serves $e"
	done
	for n in web1 web2; do
		xtr_wait 5 mig_has_event src "$n" released ||
		    mig_fail "src did not release $n"
	done
	[ "$(mig_jq src '.domains | length' status)" = 0 ] ||
	    mig_fail "src still tracks: $(mig_jq src '.domains' status)"
	# issue 18: dst's migrated told its xtrd the --incoming domain's
	# EIDs were coming (POST /v1/expect), which its data plane held for
	[ "$(mig_counter dst xtrd_expect_failed)" = 0 ] ||
	    mig_fail "dst's xtrd refused POST /v1/expect"
	if [ "$MIG_DP" = 1 ] && [ -z "$MIG_FAKE" ] &&
	    [ -z "$(xtr_jq dst '.events[] | select(.event == "dp-hold-expect"
	    and .eid == "198.51.100.6/32") | .seq' timeline)" ]; then
		fail_tl "dst's xtrd was not told 198.51.100.6/32 was coming"
	fi
	# ... and released what it held only at the guest's arrival (netfront
	# or its announcement: "arrived"), not at the add of xl's rename
	if [ "$MIG_DP" = 1 ] && [ -z "$MIG_FAKE" ]; then
		for e in 198.51.100.5/32 198.51.100.6/32; do
			released_at_arrival "$e"
		done
	fi
	# handed over, the mobility Map-Notify made src's away entry
	if [ "$MIG_DP" = 1 ] && [ -z "$MIG_FAKE" ] &&
	    [ -z "$(xtr_jq src '.events[] | select(.event == "dp-away" and
	    .eid == "198.51.100.6/32" and .peer == "192.0.2.2") | .seq' \
	    timeline)" ]; then
		fail_tl "src made no away entry for 198.51.100.6/32"
	fi
}

# src_adds SEQ: src's xtrd database-add events for the EIDs after SEQ
src_adds() {
	local e f=""
	for e in $EIDS; do
		f="$f or .eid == \"$e\""
	done
	xtr_jq src "[.events[] | select(.seq > $1 and
	    .event == \"database-add\" and (${f# or }))]" timeline
}

watch_src() {
	local seq0 missing0 end e adds n=0
	seq0=$(xtr_jq src '[.events[].seq] | max // 0' timeline)

	missing0=$(mig_counter src xtrd_missing_eid)
	echo "watching src for ${WATCH}s (register_interval" \
	    "${MIG_REGISTER_INTERVAL}s, heartbeat 200 ms, data plane $MIG_DP)"
	end=$(($(date +%s) + WATCH))
	while [ "$(date +%s)" -lt "$end" ]; do
		for e in $EIDS; do
			mig_db_has src "$e" &&
			    fail_tl "src's xtrd serves $e again after $n s:" \
			    "$(src_adds "$seq0")"
			[ -z "$MIG_FAKE" ] &&
			    mig_registered_at_ms "$e" 192.0.2.1 &&
			    fail_tl "the MS maps $e to src again after $n s"
		done
		sleep 1
		n=$((n + 1))
	done
	adds=$(src_adds "$seq0")
	[ "$(echo "$adds" | jq length)" = 0 ] ||
	    fail_tl "src's xtrd added departed EIDs: $adds"
	[ "$(mig_counter src xtrd_missing_eid)" = "$missing0" ] ||
	    mig_fail "src's migrated re-pushed EIDs (xtrd_missing_eid" \
	    "$missing0 -> $(mig_counter src xtrd_missing_eid))"
	echo "src: no departed EID re-added in ${WATCH}s" \
	    "($(xtr_jq src "[.events[] | select(.seq > $seq0)] | length" \
	    timeline) timeline events since)"
	[ -z "${VERBOSE:-}" ] || ms_timeline
}

fail_tl() {
	ms_timeline
	mig_fail "$@"
}

# the MS's and the xTRs' timelines for the EIDs since the migrations began
ms_timeline() {
	local n
	[ -n "$MIG_FAKE" ] && return 0
	for n in ms src dst; do
		echo "$n's timeline for the EIDs since the migrations began:"
		xtr_jq "$n" ".events[] | select(.t_ms >= $T0) |
		    select(.eid != null and
		    (.eid | test(\"198.51.100.[56]|2001:db8:1::5\"))) |
		    \"  \\(.t_ms) \\(.event) \\(.eid) \\(.peer // \"\")\"" \
		    timeline
	done
}

mig_need
[ "$MIG_DP" = 1 ] && [ -z "$MIG_FAKE" ] && [ ! -c /dev/net/tun ] &&
    skip "needs /dev/net/tun (MIG_DP=1)"
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup
T0=0
[ -n "$MIG_FAKE" ] || T0=$(xtr_jq ms '[.events[].t_ms] | max // 0' timeline)
migrate_both
watch_src
echo "migrated_departed: ok"
