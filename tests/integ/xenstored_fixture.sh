#!/bin/bash
# xenstored_fixture.sh: proves the xenstored test fixture (tests/lib/
# xenstored.sh, xs_shim.so, xl_migrate_replay.sh) works: Debian's real
# xenstored 4.17 runs, introduce/destroy fire @introduceDomain and
# @releaseDomain, a vif gets libxl's keys, a replayed `xl migrate` renames
# <name>--incoming -> <name> and <name>--migratedaway, an aborted one renames
# back, and no xenstored survives stop or the death of the test shell.
# Arguments: none.  Environment: B (build directory, default build).
# Exit: 0 pass, 77 skip (reason on the last line), 1 fail.
set -eu -o pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/xenstored.sh
. tests/lib/xenstored.sh
# shellcheck source=tests/lib/xl_migrate_replay.sh
. tests/lib/xl_migrate_replay.sh

die() { echo "xenstored_fixture: FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }

why=$(xs_fixture_check) || skip "xenstored fixture unavailable: $why"

T=$(mktemp -d /tmp/xenstored_fixture.XXXXXX)
SRC=$T/src
DST=$T/dst
WATCH=$(_xs_bin xs_watch_dump)
cleanup() {
	xs_fixture_stop "$SRC" || true
	xs_fixture_stop "$DST" || true
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# watch_start NAME ARGS...: xs_watch_dump in the background, registered
# before returning; output in $T/NAME.out, pid in $T/NAME.pid.
watch_start() {
	local name=$1 i
	shift
	"$WATCH" -r "$T/$name.ready" "$@" >"$T/$name.out" 2>"$T/$name.err" &
	echo $! >"$T/$name.pid"
	for i in $(seq 1 100); do
		[ -e "$T/$name.ready" ] && return 0
		sleep 0.05
	done
	die "watcher $name not ready: $(cat "$T/$name.err")"
}

# watch_wait NAME: wait for the watcher (it exits after -n events).
watch_wait() {
	wait "$(cat "$T/$1.pid")" || die "watcher $1 exited $? ($(cat "$T/$1.err"))"
}

expect() {
	[ "$1" = "$2" ] || die "$3: got '$1', want '$2'"
}

echo "== start, write, read"
xs_fixture_start "$SRC"
expect "$(xenstore-read /local/domain/0/name)" Domain-0 "dom0 name"
xenstore-write /test/key "hello world"
expect "$(xenstore-read /test/key)" "hello world" "read back"
xenstore-rm /test

echo "== @introduceDomain on introduce"
watch_start intro -s -n 1 -t 10 @introduceDomain
xs_domain_create 5 vm5 11111111-2222-3333-4444-555555555555
watch_wait intro
grep -q ' @introduceDomain @introduceDomain$' "$T/intro.out" ||
	die "no @introduceDomain event: $(cat "$T/intro.out")"
"$(_xs_bin xs_ctl)" is-introduced 5 || die "domain 5 not introduced"
expect "$(xs_domain_state 5)" running "state after create"
expect "$(xenstore-read /local/domain/5/name)" vm5 "name"
expect "$(xs_domain_uuid 5)" 11111111-2222-3333-4444-555555555555 "uuid"
expect "$(xenstore-read /vm/11111111-2222-3333-4444-555555555555/name)" vm5 \
	"vm name"

echo "== vif keys"
xs_vif_add 5 0 00:16:3e:00:00:05 xenbr0
be=/local/domain/0/backend/vif/5/0
fe=/local/domain/5/device/vif/0
for kv in frontend=$fe frontend-id=5 online=1 state=1 \
    script=/etc/xen/scripts/vif-bridge mac=00:16:3e:00:00:05 bridge=xenbr0 \
    handle=0 type=vif; do
	expect "$(xenstore-read "$be/${kv%%=*}")" "${kv#*=}" "backend ${kv%%=*}"
done
for kv in backend=$be backend-id=0 state=1 handle=0 mac=00:16:3e:00:00:05; do
	expect "$(xenstore-read "$fe/${kv%%=*}")" "${kv#*=}" "frontend ${kv%%=*}"
done
expect "$(xenstore-read /libxl/5/device/vif/0/backend)" "$be" "libxl copy"
xs_vif_state 5 0 4
expect "$(xenstore-read "$fe/state")" 4 "frontend state"

echo "== @releaseDomain on destroy"
watch_start rel -s -n 1 -t 10 @releaseDomain
xs_domain_destroy 5
watch_wait rel
grep -q ' @releaseDomain @releaseDomain$' "$T/rel.out" ||
	die "no @releaseDomain event"
expect "$(xs_domain_state 5)" absent "state after destroy"
! "$(_xs_bin xs_ctl)" is-introduced 5 || die "domain 5 still introduced"
! xenstore-exists /local/domain/5 || die "/local/domain/5 left"
! xenstore-exists "$be" || die "$be left"
! xenstore-exists /vm/11111111-2222-3333-4444-555555555555 || die "/vm left"

echo "== replayed xl migrate: src dom 7 -> dst dom 3"
xs_fixture_start "$DST"
xs_fixture_use "$SRC"
xs_domain_create 7 web 22222222-3333-4444-5555-666666666666
xs_vif_add 7 0 00:16:3e:00:00:07 xenbr0
xs_vif_backend_state 7 0 2
xs_vif_hotplug 7 0
xlr_guest_resume 7
xs_fixture_use "$DST"
watch_start dname -v -n 3 -t 20 /local/domain/3/name @introduceDomain
xs_fixture_use "$SRC"
watch_start sname -v -n 4 -t 20 /local/domain/7/name @releaseDomain
: >"$T/steps"
hook() {
	echo "$1 src=$(XS_SHIM_STATE=$SRC/shim xs_domain_state 7)" \
		"dst=$(XS_SHIM_STATE=$DST/shim xs_domain_state 3)" >>"$T/steps"
}
XLR_HOOK=hook xlr_migrate "$SRC" 7 "$DST" 3 xenbr0
watch_wait dname
watch_wait sname
cat "$T/steps"
diff -u - "$T/steps" <<-EOF || die "domain states during the migration"
dest_create src=running dst=paused
src_suspend src=shutdown reason=2 dst=paused
dest_restore src=shutdown reason=2 dst=paused
src_rename_away src=shutdown reason=2 dst=paused
dest_go src=shutdown reason=2 dst=running
guest_resume src=shutdown reason=2 dst=running
src_destroy src=absent dst=running
EOF
# Destination: the name node appears as <name>--incoming, becomes <name>.
cut -d' ' -f2- "$T/dname.out" | grep -v '^@' >"$T/dname.seq" || true
diff -u - "$T/dname.seq" <<-EOF || die "destination name sequence"
/local/domain/3/name /local/domain/3/name -
/local/domain/3/name /local/domain/3/name web--incoming
/local/domain/3/name /local/domain/3/name web
EOF
grep -cE ' @introduceDomain @introduceDomain( -)?$' "$T/dname.out" |
	grep -qx 2 || die "destination: no @introduceDomain"
# Source: <name>, <name>--migratedaway, gone; @releaseDomain on suspend
# (shutdown noticed) and on destroy (released).
cut -d' ' -f2- "$T/sname.out" | grep -v '^@' >"$T/sname.seq" || true
diff -u - "$T/sname.seq" <<-EOF || die "source name sequence"
/local/domain/7/name /local/domain/7/name web
/local/domain/7/name /local/domain/7/name web--migratedaway
/local/domain/7/name /local/domain/7/name -
EOF
grep -cE ' @releaseDomain @releaseDomain( -)?$' "$T/sname.out" | grep -qx 3 ||
	die "source: want @releaseDomain at register, suspend and destroy"
xs_fixture_use "$DST"
expect "$(xenstore-read /local/domain/3/name)" web "destination name"
expect "$(xenstore-read /vm/22222222-3333-4444-5555-666666666666/name)" web \
	"destination vm name"
expect "$(xenstore-read /local/domain/0/backend/vif/3/0/hotplug-status)" \
	connected "destination hotplug-status"
expect "$(xenstore-read /local/domain/0/backend/vif/3/0/mac)" \
	00:16:3e:00:00:07 "destination mac"

echo "== aborted migration: renamed back, resumed"
xs_fixture_use "$SRC"
xs_domain_create 8 db
xlr_src_suspend 8
xlr_src_rename_away db 8
expect "$(xenstore-read /local/domain/8/name)" db--migratedaway "away name"
xlr_src_abort db 8
expect "$(xenstore-read /local/domain/8/name)" db "name after abort"
expect "$(xs_domain_state 8)" running "state after abort"

echo "== a program preloading the shim sees the states (xc_domain_getinfolist)"
cat >"$T/getinfo.py" <<'EOF'
import ctypes, sys
lib = ctypes.CDLL(None)
lib.xc_interface_open.restype = ctypes.c_void_p
xch = ctypes.c_void_p(lib.xc_interface_open(None, None, 0))
buf = ctypes.create_string_buffer(4096)   # xc_domaininfo_t
domid = int(sys.argv[1])
n = lib.xc_domain_getinfolist(xch, domid, 1, buf)
if n != 1 or int.from_bytes(buf.raw[0:2], "little") != domid:
    print("absent")
    sys.exit(0)
flags = int.from_bytes(buf.raw[4:8], "little")
words = [w for b, w in ((1, "dying"), (4, "shutdown"), (8, "paused"),
                        (32, "running")) if flags & b]
if flags & 4:
    words.append("reason=%d" % (flags >> 16 & 255))
print(" ".join(words))
EOF
getinfo() {
	LD_PRELOAD=$(_xs_shim) XS_SHIM_STATE=$1/shim python3 "$T/getinfo.py" "$2"
}
expect "$(getinfo "$DST" 3)" running "getinfo dst 3"
expect "$(getinfo "$SRC" 7)" absent "getinfo src 7"
xs_fixture_use "$SRC"
xlr_src_suspend 8
expect "$(getinfo "$SRC" 8)" "shutdown reason=2" "getinfo src 8 suspended"
xs_domain_pause 8
expect "$(getinfo "$SRC" 8)" paused "getinfo src 8 paused"

echo "== stop leaves no process"
pids="$(cat "$SRC/xenstored.pid") $(cat "$DST/xenstored.pid")"
xs_fixture_stop "$SRC"
xs_fixture_stop "$DST"
for p in $pids; do
	! _xs_alive "$p" || die "xenstored $p still running"
done
for p in $(pgrep -x xenstored || true); do
	if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null |
	    grep -q "^XS_SHIM_STATE=$T/"; then
		die "xenstored $p of this test still runs"
	fi
done

echo "== the fixture dies with its shell"
bash -c '. tests/lib/xenstored.sh; xs_fixture_start "$1" && exec sleep 30' \
	_ "$T/orphan" &
shell=$!
# Wait until the shell is done with the fixture and sleeps.
for i in $(seq 1 200); do
	[ "$(cat "/proc/$shell/comm" 2>/dev/null)" = sleep ] && break
	[ "$i" -lt 200 ] || die "orphan fixture did not start"
	sleep 0.05
done
opid=$(cat "$T/orphan/xenstored.pid")
kill -KILL "$shell"
wait "$shell" 2>/dev/null || true
for i in $(seq 1 100); do
	_xs_alive "$opid" || break
	[ "$i" -lt 100 ] || { kill -KILL "$opid"; die "orphan xenstored survived"; }
	sleep 0.05
done

echo "xenstored_fixture: PASS"
