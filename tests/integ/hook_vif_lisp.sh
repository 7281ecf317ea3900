#!/bin/bash
# hook_vif_lisp.sh: hooks/vif-lisp and hooks/vif-post.d/lisp.hook, run the
# way libxl runs a vif script, with Debian's real /etc/xen/scripts/vif-bridge
# doing the bridge work, against the real xenstored fixture, in a private
# network and mount namespace (unshare -n -m).  Inside it, a copy of
# /etc/xen/scripts with our two files is bind-mounted over /etc/xen/scripts
# (what `make install` puts there) and a tmpfs over /var/log/xen, so the
# host's scripts and logs are untouched.
#
# Cases:
#   down      migrated not running: online still succeeds (vif on xenbr0,
#             hotplug-status=connected), the hotplug log says why
#   up        a stand-in migrated (tests/tools/fake-api-server) records the
#             POST /v1/vif bodies: exact JSON for online and offline, once
#             each (vif-lisp and lisp.hook do not both report)
#   hook      script=vif-bridge (Debian's own) with lisp.hook installed:
#             the hook reports online and offline
#   refused   migrated answers 500, ignores the vif (bridge not watched),
#             or hangs: hotplug still succeeds, in bounded time, and the
#             log says so
#   real      the real migrated ($B/bin/migrated, when built) on the same
#             xenstored: after online, `migratectl status` shows vif1.0
#             connected on xenbr0 with its MAC; after offline, not connected
#   broken    vif-bridge fails (no such bridge): vif-lisp fails the same
#             way (hotplug-status=error) and reports nothing
#
# Arguments: none (--inner is internal).  Environment: B (build directory).
# Exit: 0 pass, 77 skip (reason on the last line), 1 fail.
set -eu -o pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
T=
fake_pid=
mig_pid=
fails=0
# Debian's python3: a version manager's shim on PATH costs seconds a call
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

die() { echo "hook_vif_lisp: FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# --- outside: checks, then the same script inside the namespaces ----------
outer() {
	local why
	[ "$(id -u)" -eq 0 ] || skip "needs root (unshare -n -m)"
	command -v unshare >/dev/null || skip "no unshare"
	command -v curl >/dev/null || skip "no curl"
	command -v python3 >/dev/null || skip "no python3"
	[ -x /etc/xen/scripts/vif-bridge ] || skip "no /etc/xen/scripts/vif-bridge (xen-utils-common)"
	# shellcheck source=tests/lib/xenstored.sh
	. "$top/tests/lib/xenstored.sh"
	why=$(xs_fixture_check) || skip "xenstored fixture unavailable: $why"
	unshare -n -m true 2>/dev/null || skip "unshare -n -m not permitted here"
	exec unshare -n -m --propagation private bash "$0" --inner
}

cleanup() {
	[ -z "$mig_pid" ] || kill "$mig_pid" 2>/dev/null || :
	[ -z "$mig_pid" ] || wait "$mig_pid" 2>/dev/null || :
	[ -z "$fake_pid" ] || kill "$fake_pid" 2>/dev/null || :
	[ -z "$fake_pid" ] || wait "$fake_pid" 2>/dev/null || :
	[ -z "$T" ] || xs_fixture_stop "$T/xs" || :
	[ -z "$T" ] || rm -rf "$T"
}

# setup: scripts and log dir overlaid, bridge, a veth as vif1.0, xenstored
setup() {
	T=$(mktemp -d /tmp/hook_vif_lisp.XXXXXX)
	mkdir -p "$T/scripts" "$T/log" "$T/api"
	cp -a /etc/xen/scripts/. "$T/scripts/"
	install -m 755 "$top/hooks/vif-lisp" "$T/scripts/vif-lisp"
	mkdir -p "$T/scripts/vif-post.d"
	install -m 755 "$top/hooks/vif-post.d/lisp.hook" "$T/scripts/vif-post.d/lisp.hook"
	mount --bind "$T/scripts" /etc/xen/scripts
	mount -t tmpfs tmpfs /var/log/xen
	# sysfs of this network namespace (vif-bridge reads /sys/class/net)
	mount -t sysfs sysfs /sys
	ip link set lo up
	ip link add xenbr0 type bridge
	ip link set xenbr0 up
	ip link add vif1.0 type veth peer name guest1.0
	xs_fixture_start "$T/xs"
	xs_domain_create 1 web1
	xs_vif_add 1 0 00:16:3e:00:00:01 xenbr0
	# libxl writes the script the domain config names
	xenstore-write /local/domain/0/backend/vif/1/0/script /etc/xen/scripts/vif-lisp
}

# hotplug SCRIPT ACTION: run it as libxl__get_hotplug_script_info does
# (tools/libs/light/libxl_linux.c): argv, environment, nothing else.
hotplug() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		XENSTORED_PATH="$XENSTORED_PATH" \
		MIGRATED_SOCKET="${MIGRATED_SOCKET-$T/none.sock}" \
		MIGRATED_CONF="${MIGRATED_CONF:-$T/none.conf}" \
		VIF_LISP_TIMEOUT=1 \
		script="/etc/xen/scripts/$1" XENBUS_TYPE=vif \
		XENBUS_PATH=backend/vif/1/0 XENBUS_BASE_PATH=backend netdev= \
		vif=vif1.0 \
		"/etc/xen/scripts/$1" "$2" type_if=vif
}

be() { xenstore-read "/local/domain/0/backend/vif/1/0/$1" 2>/dev/null || :; }
master() { basename "$(readlink /sys/class/net/vif1.0/master 2>/dev/null)" 2>/dev/null || :; }

start_fake() {
	"$PY" "$top/tests/tools/fake-api-server" "$T/m.sock" "$T/api" &
	fake_pid=$!
	local i
	for i in $(seq 1 100); do
		[ -S "$T/m.sock" ] && return 0
		sleep 0.05
	done
	die "fake-api-server did not start"
}

# requests: the recorded POST /v1/vif bodies, one JSON object per line
requests() {
	"$PY" - "$T/api/requests.jsonl" <<-'EOF'
	import json, sys
	try:
	    lines = open(sys.argv[1]).read().splitlines()
	except OSError:
	    lines = []
	for l in lines:
	    r = json.loads(l)
	    assert r["method"] == "POST" and r["path"] == "/v1/vif", r
	    print(json.dumps(r["body"], sort_keys=True))
	EOF
}

# expect_body ACTION: exactly one request, with exactly these fields
expect_body() {
	local want got
	want=$("$PY" -c 'import json, sys; print(json.dumps({"action": sys.argv[1], "domid": 1, "devid": 0, "vif": "vif1.0", "bridge": "xenbr0", "mac": "00:16:3e:00:00:01"}, sort_keys=True))' "$1")
	got=$(requests)
	[ "$got" = "$want" ] || fail "$2: migrated got [$got], expected [$want]"
	rm -f "$T/api/requests.jsonl"
}

case_down() {
	local rc=0
	MIGRATED_SOCKET=$T/none.sock hotplug vif-lisp online || rc=$?
	[ "$rc" = 0 ] || fail "down: online exit $rc with migrated down"
	[ "$(be hotplug-status)" = connected ] || fail "down: hotplug-status '$(be hotplug-status)'"
	[ "$(master)" = xenbr0 ] || fail "down: vif1.0 not on xenbr0 ('$(master)')"
	grep -q "vif-lisp.*migrated is not running (no socket $T/none.sock): online not reported" \
		/var/log/xen/xen-hotplug.log || fail "down: no log line in xen-hotplug.log"
	echo "case down done"
}

case_up() {
	local rc=0 conf=$T/migrated.conf
	start_fake
	# the socket found through migrated.conf this time
	printf 'socket = "%s"\n' "$T/m.sock" >"$conf"
	MIGRATED_CONF=$conf MIGRATED_SOCKET='' hotplug vif-lisp offline || rc=$?
	[ "$rc" = 0 ] || fail "up: offline exit $rc"
	[ -z "$(master)" ] || fail "up: vif1.0 still on $(master) after offline"
	expect_body offline "up: offline"
	MIGRATED_SOCKET=$T/m.sock hotplug vif-lisp online || rc=$?
	[ "$rc" = 0 ] || fail "up: online exit $rc"
	[ "$(master)" = xenbr0 ] || fail "up: vif1.0 not on xenbr0 after online"
	expect_body online "up: online"
	grep -q 'vif-lisp.*reported to migrated: {"action":"online"' /var/log/xen/xen-hotplug.log ||
		fail "up: report not logged"
	echo "case up done"
}

case_hook() {
	local rc=0
	xenstore-write /local/domain/0/backend/vif/1/0/script /etc/xen/scripts/vif-bridge
	MIGRATED_SOCKET=$T/m.sock hotplug vif-bridge offline || rc=$?
	[ "$rc" = 0 ] || fail "hook: vif-bridge offline exit $rc"
	expect_body offline "hook: offline"
	xenstore-rm /local/domain/0/backend/vif/1/0/hotplug-status
	MIGRATED_SOCKET=$T/m.sock hotplug vif-bridge online || rc=$?
	[ "$rc" = 0 ] || fail "hook: vif-bridge online exit $rc"
	[ "$(be hotplug-status)" = connected ] || fail "hook: hotplug-status '$(be hotplug-status)'"
	expect_body online "hook: online"
	xenstore-write /local/domain/0/backend/vif/1/0/script /etc/xen/scripts/vif-lisp
	echo "case hook done"
}

case_refused() {
	local rc=0 t0 secs
	echo 500 >"$T/api/mode"
	xenstore-rm /local/domain/0/backend/vif/1/0/hotplug-status
	MIGRATED_SOCKET=$T/m.sock hotplug vif-lisp online || rc=$?
	[ "$rc" = 0 ] || fail "refused: online exit $rc when migrated answers 500"
	[ "$(be hotplug-status)" = connected ] || fail "refused: hotplug-status '$(be hotplug-status)'"
	grep -q "vif-lisp.*migrated did not take the report (curl exit 22" \
		/var/log/xen/xen-hotplug.log || fail "refused: 500 not logged"
	# a bridge migrated does not watch: it says so, the log tells how to fix
	rm -f "$T/api/mode"
	mkdir -p "$T/api/responses"
	echo '{"ignored": true}' >"$T/api/responses/POST_v1_vif.json"
	t0=$(date +%s.%N)
	MIGRATED_SOCKET=$T/m.sock hotplug vif-lisp online || rc=$?
	base=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	rm -f "$T/api/responses/POST_v1_vif.json"
	[ "$rc" = 0 ] || fail "refused: online exit $rc when the bridge is not watched"
	grep -q 'vif-lisp.*migrated does not watch the bridge of this vif (add bridge "<name>" to migrated.conf)' \
		/var/log/xen/xen-hotplug.log || fail "refused: unwatched bridge not logged"
	echo hang >"$T/api/mode"
	t0=$(date +%s.%N)
	MIGRATED_SOCKET=$T/m.sock hotplug vif-lisp online || rc=$?
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	[ "$rc" = 0 ] || fail "refused: online exit $rc when migrated hangs"
	# the hook gives migrated VIF_LISP_TIMEOUT (2 s): the hang may cost
	# that much more than the answered call just above (same load), not 3 s
	echo "online: ${base}s answered, ${secs}s with migrated hanging"
	awk -v s="$secs" -v b="$base" 'BEGIN { exit !(s - b <= 3) }' ||
		fail "refused: took ${secs}s with migrated hanging (${base}s answered)"
	grep -q "vif-lisp.*migrated did not take the report (curl exit 28" \
		/var/log/xen/xen-hotplug.log || fail "refused: timeout not logged"
	rm -f "$T/api/mode" "$T/api/requests.jsonl"
	echo "case refused done"
}

# vif_field FIELD: migrated's view of vif1.0 (devid 0 of domid 1)
vif_field() {
	"$top/${B:-build}/bin/migratectl" -s "$T/real.sock" status --json | "$PY" -c '
import json, sys
for d in json.load(sys.stdin)["domains"]:
    for v in d["vifs"]:
        if d["domid"] == 1 and v["devid"] == 0:
            print(str(v[sys.argv[1]]).lower())' "$1"
}

case_real() {
	local bin=$top/${B:-build}/bin rc=0 i
	if [ ! -x "$bin/migrated" ] || [ ! -x "$bin/migratectl" ]; then
		echo "note: case real skipped: migrated/migratectl not built"
		return 0
	fi
	cat >"$T/real.conf" <<-EOF
	socket = "$T/real.sock"
	xtrd_socket = "$T/no-xtrd.sock"
	hypervisor = xenstore
	bridge "xenbr0"
	vm "web1" eids = [ "192.0.2.10" ]
	EOF
	"$bin/migrated" -d -f "$T/real.conf" >"$T/real.log" 2>&1 &
	mig_pid=$!
	for i in $(seq 1 100); do
		[ -S "$T/real.sock" ] && break
		sleep 0.05
	done
	[ -S "$T/real.sock" ] || { fail "real: migrated did not start: $(cat "$T/real.log")"; return 0; }
	MIGRATED_SOCKET=$T/real.sock hotplug vif-lisp offline || rc=$?
	MIGRATED_SOCKET=$T/real.sock hotplug vif-lisp online || rc=$?
	[ "$rc" = 0 ] || fail "real: hotplug exit $rc"
	[ "$(vif_field connected)" = true ] || fail "real: vif1.0 not connected in migrated"
	[ "$(vif_field bridge)" = xenbr0 ] || fail "real: bridge '$(vif_field bridge)'"
	[ "$(vif_field mac)" = 00:16:3e:00:00:01 ] || fail "real: mac '$(vif_field mac)'"
	MIGRATED_SOCKET=$T/real.sock hotplug vif-lisp offline || rc=$?
	[ "$(vif_field connected)" != true ] || fail "real: vif1.0 still connected after offline"
	MIGRATED_SOCKET=$T/real.sock hotplug vif-lisp online || rc=$?
	echo "case real done"
}

case_broken() {
	local rc=0
	xenstore-write /local/domain/0/backend/vif/1/0/bridge nosuchbr0
	xenstore-rm /local/domain/0/backend/vif/1/0/hotplug-status
	MIGRATED_SOCKET=$T/m.sock hotplug vif-lisp online || rc=$?
	[ "$rc" != 0 ] || fail "broken: online succeeded without a bridge"
	[ "$(be hotplug-status)" = error ] || fail "broken: hotplug-status '$(be hotplug-status)'"
	[ -z "$(requests)" ] || fail "broken: reported online although vif-bridge failed"
	xenstore-write /local/domain/0/backend/vif/1/0/bridge xenbr0
	echo "case broken done"
}

inner() {
	# shellcheck source=tests/lib/xenstored.sh
	. "$top/tests/lib/xenstored.sh"
	trap cleanup EXIT
	trap 'exit 1' INT TERM
	setup
	case_down
	case_up
	case_hook
	case_refused
	case_real
	case_broken
	echo "--- xen-hotplug.log"
	cat /var/log/xen/xen-hotplug.log
	[ "$fails" -eq 0 ] || die "$fails check(s) failed"
	echo "hook_vif_lisp: all checks passed"
}

if [ "${1:-}" = --inner ]; then
	inner
else
	outer
fi
