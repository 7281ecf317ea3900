# shellcheck shell=bash
# mig_lib.sh: shell helpers for tests/integ/migrated_*.sh and
# bench/detect_latency.sh, over the shared harness (tests/lib/harness/,
# through tests/xtr/lib.sh).  Sourced, not run.
#
# Two "hosts" (Dom0s) src and dst, each a network namespace with its own
# xenstored fixture (tests/lib/xenstored.sh), a bridge xenbr0, an xtrd
# (xTR role) and a migrated; an MS/MR xtrd; all three on the WAN bridge of
# tests/xtr/lib.sh (192.0.2.0/24: src .1, dst .2, ms .100).  A guest is a
# namespace whose eth0 is the peer of vif<domid>.<devid> on a host's xenbr0.
#
# The caller sets PFX (namespace prefix, unique per test) and RUN (run
# directory), then: mig_need; trap mig_cleanup EXIT; mig_setup.
# Functions:
#   mig_need                  skip (exit 77) when something is missing
#   mig_setup [MIGCONF_EXTRA]  network, fixtures, xtrds, migrateds
#   mig_vif HOST DOMID DEVID MAC   the vif and the guest namespace
#                                  ${PFX}HOSTgDOMID (its eth0 has MAC)
#   mig_guest HOST DOMID ARGS...   garp_send -i eth0 ARGS in that guest
#   mig_start HOST / mig_stop HOST  (re)start / stop migrated on HOST
#   mig_ctl HOST ARGS...           migratectl against HOST's migrated
#   mig_jq HOST FILTER CMD         one value out of migratectl CMD --json
#   mig_counter HOST NAME          one counter of HOST's migrated (0 if none)
#   mig_event HOST DOMAIN EVENT    1st t_us of EVENT in DOMAIN's last
#                                  migration timeline on HOST
#   mig_registered_at_ms EID RLOC  the MS holds EID from RLOC
#   mig_db_has HOST EID            HOST's xtrd database has EID
#   mig_vif_captured HOST NAME     NAME's first vif is captured (frames
#                                  it sends from now on are seen)
#   xs_host HOST                   xs_fixture_use for that host
# Environment: BIN (build/bin), MIGRATED (default $BIN/migrated: e.g.
# build-asan/bin/migrated), MIG_NOTIFY_WAIT_MS (default 1000),
# MIG_FAKE_XTRD=1 (use tests/tools/mig_fake_xtrd.py even with an xtrd),
# MIG_HV=libxl (migrated's libxl mode, libxenctrl answered by the shim),
# MIG_REGISTER_INTERVAL (src's and dst's xtrd, default 60), MIG_XTR_EXTRA
# (lines appended to src's and dst's xtrd.conf), MIG_USER (the user
# migrated drops to, default nobody; "": no user line: the tests run it
# unprivileged, as a Dom0 does; each xtrd's socket gets that user's group,
# mode 0660, so that it can still reach it: mig_share_xtrd HOST).
# Environment per host for the daemons: XENSTORED_PATH (set here).

# shellcheck source=tests/xtr/lib.sh
. tests/xtr/lib.sh
# shellcheck source=tests/lib/xl_migrate_replay.sh
. tests/lib/xl_migrate_replay.sh
# shellcheck disable=SC2034 # read by h_start_migrated
H_MIG_V=-vv

# shellcheck disable=SC2034  # set and read through eval
MIG_PIDS_src=""
# shellcheck disable=SC2034
MIG_PIDS_dst=""
MIG_SITE_KEY=mig-site-key-Zq3V9mXp7LtR2wK
MIG_EID_NET=198.51.100.0/24

# Without a built xtrd (or with MIG_FAKE_XTRD=1) each host gets
# tests/tools/mig_fake_xtrd.py instead and there is no MS: "registered at
# the MS from RLOC" then means "registered in that host's fake xtrd".
MIG_FAKE=${MIG_FAKE_XTRD:-}

mig_need() {
	local why
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
	command -v jq >/dev/null || skip "needs jq"
	ip netns add "${PFX}probe" 2>/dev/null || skip "cannot create netns"
	ip netns del "${PFX}probe"
	[ -x "$BIN/xtrctl" ] || skip "build xtrctl first"
	[ -x "$BIN/xtrd" ] || MIG_FAKE=1
	why=$(xs_fixture_check) || skip "$why"
	if ! [ -x "${MIGRATED:-$BIN/migrated}" ] || ! [ -x "$BIN/migratectl" ] ||
	    ! [ -x "$BIN/garp_send" ]; then
		skip "build migrated first"
	fi
}

xs_host() {
	h_xs "$1"
}

mig_cleanup() {
	local h p
	for h in src dst; do
		eval "p=\${MIG_PIDS_$h}"
		if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; fi
	done
	h_xs_down
	if [ -n "${KEEP_RUN:-}" ] || [ -n "${MIG_FAILED:-}" ]; then
		for h in src dst; do
			[ -f "$RUN/mig-$h.log" ] &&
			    { echo "--- migrated $h"; tail -n 40 "$RUN/mig-$h.log"; }
		done
	fi
	xtr_cleanup
}

mig_fail() {
	MIG_FAILED=1
	die "$@"
}

mig_xtr_conf() {
	local h=$1 n=$2
	h_xtr_conf "$h" "192.0.2.$n" 192.0.2.100 "$MIG_SITE_KEY"
	cat >>"$RUN/$h.conf" <<-EOC
	register_interval = ${MIG_REGISTER_INTERVAL:-60}
	register_retry = 200
	${MIG_XTR_EXTRA:-}
	EOC
}

mig_conf() {
	local h=$1
	h_mig_conf "$h" "${MIG_HV:-xenstore}" "${MIG_NOTIFY_WAIT_MS:-1000}"
	cat >>"$RUN/mig-$h.conf" <<-EOC
	$(_mig_user_line)
	bridge xenbr0 dynamic = [ "198.51.100.128/25" ]
	vm "web1" eids = [ "198.51.100.5", "2001:db8:1::5" ]
	vm "web2" eids = [ "198.51.100.6" ]
	${MIG_CONF_EXTRA:-}
	EOC
}

mig_start() {
	local h=$1 pre=""
	# libxl mode without Xen: libxl's libxenctrl calls answered by the
	# fixture's shim, from the same domain table xenstored sees.
	[ "${MIG_HV:-}" = libxl ] &&
	    pre="$PWD/${B:-build}/lib/xs_shim.so:$PWD/${B:-build}/lib/mig_flask_shim.so"
	xtr_pfx
	h_start_migrated "$h" ${pre:+"LD_PRELOAD=$pre"} ||
	    mig_fail "migrated on $h did not start"
	eval "MIG_PIDS_$h=$H_LAST"
}

mig_stop() {
	local h=$1 p
	eval "p=\${MIG_PIDS_$h}"
	[ -n "$p" ] || return 0
	kill "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
	eval "MIG_PIDS_$h="
	rm -f "$RUN/mig-$h.sock"
}

mig_setup() {
	local h
	xtr_net ms:100 src:1 dst:2 cl:3
	h_ms_conf ms \
	    "name=dc,key=$MIG_SITE_KEY,eid=$MIG_EID_NET,eid=2001:db8:1::/48,more_specifics=yes" \
	    'name=client,key=client-key-Zq3V9mXp7LtR2wK,eid=203.0.113.0/24'
	h_xtr_conf cl 192.0.2.3 192.0.2.100 client-key-Zq3V9mXp7LtR2wK
	echo "database = [ '203.0.113.0/24' ]" >>"$RUN/cl.conf"
	for h in src dst; do
		ip -n "${PFX}$h" link add xenbr0 type bridge
		h_sysctl "$h" net.ipv6.conf.xenbr0.disable_ipv6=1
		ip -n "${PFX}$h" link set xenbr0 up
		h_xenstored "$h" || mig_fail "xenstored on $h"
	done
	mig_xtr_conf src 1
	mig_xtr_conf dst 2
	if [ -n "$MIG_FAKE" ]; then
		echo "no xtrd: using tests/tools/mig_fake_xtrd.py"
		mig_fake_start src
		mig_fake_start dst
	else
		xtr_start ms "$RUN/ms.conf"
		xtr_start src "$RUN/src.conf"
		xtr_start dst "$RUN/dst.conf"
		mig_share_xtrd src
		mig_share_xtrd dst
		xtr_start cl "$RUN/cl.conf"
	fi
	for h in src dst; do
		mig_conf "$h"
		mig_start "$h"
	done
}

mig_vif() {
	local h=$1 d=$2 devid=$3 mac=$4 g="${1}g${2}"
	xtr_pfx
	h_ns "$g" || mig_fail "namespace ${PFX}$g"
	h_veth "$h" "vif$d.$devid" "$g" eth0
	h_sysctl "$g" net.ipv6.conf.all.disable_ipv6=1 \
	    net.ipv6.conf.default.disable_ipv6=1
	ip -n "${PFX}$g" link set eth0 address "$mac"
	ip -n "${PFX}$g" link set eth0 up
	h_sysctl "$h" "net.ipv6.conf.vif$d/$devid.disable_ipv6=1" 2>/dev/null ||
	    true
	h_port "$h" xenbr0 "vif$d.$devid"
}

mig_guest() {
	local h=$1 d=$2
	shift 2
	ip netns exec "${PFX}${h}g${d}" "$BIN/garp_send" -i eth0 "$@"
}

mig_ctl() {
	h_mig "$@"
}

mig_jq() {
	mig_ctl "$1" "$3" --json | jq -r "$2"
}

mig_counter() {
	mig_jq "$1" ".counters.\"$2\" // 0" status
}

mig_event() {
	mig_jq "$1" "[.migrations[] | select(.domain == \"$2\")] | last | [.events[] | select(.event == \"$3\") | .t_us] | first // empty" migrations
}

# mig_has_event NODE DOMAIN EVENT: true once the timeline has it.  A
# predicate for xtr_wait, which calls it again each round (a
# "test -n \"$(mig_event ...)\"" argument is expanded once, before the wait).
mig_has_event() {
	[ -n "$(mig_event "$@")" ]
}

_mig_user_line() {
	local u=${MIG_USER-nobody}
	[ -z "$u" ] || echo "user = \"$u\""
}

# mig_share_xtrd HOST: HOST's xtrd socket reachable by migrated's user
mig_share_xtrd() {
	local u=${MIG_USER-nobody}
	[ -n "$u" ] || return 0
	chgrp "$(id -gn "$u")" "$RUN/$1.sock" && chmod 0660 "$RUN/$1.sock"
}

mig_fake_start() {
	local h=$1
	rm -f "$RUN/$h.sock"
	ip netns exec "${PFX}$h" python3 tests/tools/mig_fake_xtrd.py \
	    "$RUN/$h.sock" "$RUN/$h.req" >"$RUN/$h.log" 2>&1 &
	XTR_PIDS="$XTR_PIDS $!"
	eval "MIG_XTRD_PID_$h=$!"
	xtr_wait 10 test -S "$RUN/$h.sock" || mig_fail "fake xtrd on $h"
	mig_share_xtrd "$h"
}

# mig_xtrd_stop HOST / mig_xtrd_start HOST / mig_xtrd_restart HOST
mig_xtrd_stop() {
	local h=$1 p
	if [ -n "$MIG_FAKE" ]; then
		eval "p=\${MIG_XTRD_PID_$h}"
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	else
		local xp=""
		for p in $(ip netns pids "${PFX}$h"); do
			if [ "$(cat /proc/"$p"/comm 2>/dev/null)" = xtrd ]; then
				xp="$xp $p"
			fi
		done
		# shellcheck disable=SC2086 # a pid list
		h_stop $xp
	fi
	rm -f "$RUN/$h.sock"
}

mig_xtrd_start() {
	if [ -n "$MIG_FAKE" ]; then
		mig_fake_start "$1"
	else
		xtr_start "$1" "$RUN/$1.conf"
		mig_share_xtrd "$1"
	fi
}

mig_xtrd_restart() {
	mig_xtrd_stop "$1"
	mig_xtrd_start "$1"
}

_mig_rloc_host() {
	case $1 in 192.0.2.1) echo src ;; 192.0.2.2) echo dst ;; esac
}

mig_registered_at_ms() {
	if [ -n "$MIG_FAKE" ]; then
		mig_db_registered "$(_mig_rloc_host "$2")" "$1"
		return
	fi
	h_registered_at ms "$1" "$2"
}

# mig_away_has HOST EID RLOC: HOST's xtrd keeps EID as moved to RLOC
mig_away_has() {
	[ "$(xtr_jq "$1" "[.away[]? | select(.eid == \"$2\") | .moved_to[] | select(. == \"$3\")] | length" database)" -ge 1 ] && return
	# an xtrd without a data plane keeps no away entry: it logs the
	# hand-over (moved-away, peer = the first RLOC) and withdraws
	[ "$(xtr_jq "$1" "[.events[] | select(.event == \"moved-away\" and .peer == \"$3\") | select(.eid == \"$2\" or .eid == \"$2/32\" or .eid == \"$2/128\")] | length" timeline)" -ge 1 ]
}

# mig_smr_sent HOST EID: HOST's xtrd was asked for SMRs for EID
mig_smr_sent() {
	if [ -n "$MIG_FAKE" ]; then
		grep -q "\"/v1/smr\".*\"$2\"" "$RUN/$1.req"
		return
	fi
	[ -n "$(xtr_event_seq "$1" smr-requested "$2")" ]
}

# mig_smr_received EID: (real xtrd only) the client xTR "cl", which has
# web1's EIDs in its map-cache, received an SMR since timeline seq $2
mig_smr_received() {
	[ -n "$MIG_FAKE" ] && return 0
	[ "$(xtr_jq cl "[.events[] | select(.event == \"smr-received\" and .seq > ${2:-0})] | length" timeline)" -ge 1 ]
}

# mig_prime_caches: (real xtrd only) the client's EID space in src's and
# dst's map-caches and web1's EID in the client's, as if they had talked.
mig_prime_caches() {
	[ -n "$MIG_FAKE" ] && return 0
	xtr_ctl src resolve 203.0.113.1 >/dev/null
	xtr_ctl dst resolve 203.0.113.1 >/dev/null
	xtr_ctl cl resolve 198.51.100.5 >/dev/null
	xtr_wait 5 xtr_cached src 203.0.113.0/24 192.0.2.3 || mig_fail "src cache"
	xtr_wait 5 xtr_cached dst 203.0.113.0/24 192.0.2.3 || mig_fail "dst cache"
	xtr_wait 5 xtr_cached cl 198.51.100.5/32 192.0.2.1 || mig_fail "cl cache"
}

mig_db_has() {
	[ "$(xtr_jq "$1" "[.mappings[] | select(.eid == \"$2\")] | length" database)" -ge 1 ]
}

mig_vif_captured() {
	[ "$(mig_jq "$1" ".domains[] | select(.name == \"$2\") | .vifs[0].capture" status)" != none ]
}

# mig_not CMD...: succeed when CMD fails (for xtr_wait)
mig_not() {
	! "$@"
}

mig_db_registered() {
	[ "$(xtr_jq "$1" "[.mappings[] | select(.eid == \"$2\" and .registered)] | length" database)" -ge 1 ]
}

# mig_vm_at_src NAME DOMID MAC: a running guest on src (xl create)
mig_vm_at_src() {
	mig_vm_at src "$@"
}

# mig_vm_at HOST NAME DOMID MAC: a running guest on HOST (xl create)
mig_vm_at() {
	local h=$1 name=$2 d=$3 mac=$4
	mig_vif "$h" "$d" 0 "$mac"
	xs_host "$h"
	xs_domain_create "$d" "$name"
	xs_vif_add "$d" 0 "$mac" xenbr0
	xs_vif_backend_state "$d" 0 2
	xs_vif_hotplug "$d" 0
	xs_vif_state "$d" 0 4
	xs_vif_backend_state "$d" 0 4
}
