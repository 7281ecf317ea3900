# shellcheck shell=bash
# fake-hosts.sh: two stand-in Xen hosts for the tests of
# scripts/xl-migrate-lisp (tests/integ/wrapper_*.sh).  Source it from bash.
#
# Host "src" is this shell: `xl` (tests/tools/fake-xl), `migratectl` and
# `xtrctl` on PATH.  Host "dst" is reached with -s "$FAKE_SSH"
# (tests/tools/fake-ssh), which puts dst's own `migratectl`/`xtrctl` first
# on PATH.  Each host's migrated and xtrd are tests/tools/fake-api-server
# instances (recording requests, answering canned JSON), so the wrapper's
# whole conversation can be checked.  A host named "gone" is unreachable.
#
# Functions:
#   fh_start DIR        create DIR/{src,dst}, start the four API stand-ins,
#                       write the default canned answers (below), export
#                       PATH, FAKE_XL_DIR, FAKE_SSH_ROOT, FAKE_SSH
#   fh_stop             stop the stand-ins (idempotent; call it in the trap)
#   fh_stop_api HOST DAEMON   stop one stand-in (migrated or xtrd): "down"
#   fh_answer HOST DAEMON FILE JSON   replace one canned answer
#                       (FILE as fake-api-server names it: GET_v1_status)
#   fh_requests HOST DAEMON   the requests it received, one JSON per line
# Defaults: domain web1 (domid 5, PV, vif5.0 on xenbr0, EIDs 192.0.2.10/32
# and 2001:db8::10/128); domain plain (domid 6, no EIDs); src RLOC
# 198.51.100.1, dst RLOC 198.51.100.2, Map-Server 203.0.113.100 registered;
# both migrated watch xenbr0; the Map-Resolver answers src's RLOC until
# `xl migrate` succeeds (fake-xl's on-migrate hook switches it to dst's);
# hypervisor virt_caps "pv hvm hap shadow"; src's map-cache holds
# 203.0.113.0/25, 2001:db8:5::/48 (newer) and 10.9.0.0/16 in instance-ID 7;
# dst's prefetch answers 2 sent.
#
# Environment:
#   WRAPPER_TEST_CLIS  fake (default): tests/tools/fake-migratectl and
#                      fake-xtrctl; real: $B/bin/migratectl and xtrctl (the
#                      real clients against the same stand-in daemons)
#   B                  build directory (default build)
#   PYTHON             python3 for the stand-in daemons (default python3;
#                      the tests prefer Debian's /usr/bin/python3)

FH_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FH_DIR=
FH_PIDS=()

_fh_fail() { echo "fake-hosts: $*" >&2; return 1; }

_fh_cli() {
	if [ "${WRAPPER_TEST_CLIS:-fake}" = real ]; then
		echo "$FH_TOP/${B:-build}/bin/$1"
	else
		echo "$FH_TOP/tests/tools/fake-$1"
	fi
}

# _fh_shim DIR NAME SOCKET: DIR/NAME runs the client on that host's socket
_fh_shim() {
	printf '#!/bin/sh\nexec "%s" -s "%s" "$@"\n' "$(_fh_cli "$2")" "$3" >"$1/$2"
	chmod 755 "$1/$2"
}

_fh_api() {
	local h=$1 d=$2
	mkdir -p "$FH_DIR/$h/$d/responses"
	"${PYTHON:-python3}" "$FH_TOP/tests/tools/fake-api-server" \
		"$FH_DIR/$h/$d.sock" "$FH_DIR/$h/$d" &
	FH_PIDS+=("$!")
	echo "$!" >"$FH_DIR/$h/$d.pid"
	for _ in $(seq 1 100); do
		[ -S "$FH_DIR/$h/$d.sock" ] && return 0
		sleep 0.05
	done
	_fh_fail "fake-api-server for $h $d did not start"
}

fh_answer() {
	printf '%s\n' "$4" >"$FH_DIR/$1/$2/responses/$3.json"
}

fh_requests() {
	cat "$FH_DIR/$1/$2/requests.jsonl" 2>/dev/null || :
}

fh_stop_api() {
	local pid
	pid=$(cat "$FH_DIR/$1/$2.pid")
	kill "$pid" 2>/dev/null || :
	wait "$pid" 2>/dev/null || :
	rm -f "$FH_DIR/$1/$2.sock"
}

_fh_defaults() {
	local lig_src lig_dst
	fh_answer src migrated GET_v1_status '{"domains": [
	  {"domid": 5, "name": "web1", "state": "running", "owned": true,
	   "vifs": [{"devid": 0, "vif": "vif5.0", "mac": "00:16:3e:00:00:05", "bridge": "xenbr0"}],
	   "eids": ["192.0.2.10/32", "2001:db8::10/128"]},
	  {"domid": 6, "name": "plain", "state": "running", "owned": false,
	   "vifs": [{"devid": 0, "vif": "vif6.0", "mac": "00:16:3e:00:00:06", "bridge": "xenbr0"}],
	   "eids": []}],
	 "xtrd": "up", "bridges": ["xenbr0"], "counters": {}}'
	fh_answer dst migrated GET_v1_status '{"domains": [], "xtrd": "up", "bridges": ["xenbr0", "xenbr1"], "counters": {}}'
	fh_answer src xtrd GET_v1_status '{"roles": ["xtr"], "rlocs": ["198.51.100.1"],
	 "map_servers": [{"addr": "203.0.113.100", "registered": true, "last_notify_ms": 10}]}'
	fh_answer dst xtrd GET_v1_status '{"roles": ["xtr"], "rlocs": ["198.51.100.2"],
	 "map_servers": [{"addr": "203.0.113.100", "registered": true, "last_notify_ms": 20}]}'
	lig_src='{"from": "203.0.113.100", "records": [{"eid": "192.0.2.10/32", "rlocs": [{"addr": "198.51.100.1", "priority": 1, "weight": 100, "up": true}]}]}'
	lig_dst='{"from": "203.0.113.100", "records": [{"eid": "192.0.2.10/32", "rlocs": [{"addr": "198.51.100.2", "priority": 1, "weight": 100, "up": true}]}]}'
	fh_answer src xtrd POST_v1_lig "$lig_src"
	fh_answer src migrated GET_v1_migrations '{"migrations": [{"id": 1, "domain": "web1", "direction": "out", "events": [
	  {"t_ms": 1000, "event": "departing", "detail": ""},
	  {"t_ms": 1900, "event": "released", "detail": "moved"}]}]}'
	fh_answer dst migrated GET_v1_migrations '{"migrations": [{"id": 3, "domain": "web1", "direction": "in", "events": [
	  {"t_ms": 5000, "event": "domain-seen", "detail": "domid 9"},
	  {"t_ms": 7000, "event": "vif-connected", "detail": "vif9.0 on xenbr0"},
	  {"t_ms": 7150, "event": "unpaused", "detail": ""},
	  {"t_ms": 7160, "event": "announcement", "detail": "garp 192.0.2.10 on xenbr0"},
	  {"t_ms": 7162, "event": "register-sent", "detail": ""},
	  {"t_ms": 7170, "event": "map-notify", "detail": ""},
	  {"t_ms": 7175, "event": "smr-sent", "detail": "sent=3"}]}]}'
	fh_answer src xtrd GET_v1_timeline '{"events": [
	  {"seq": 5, "t_ms": 900, "event": "smr-sent", "eid": "192.0.2.10/32"},
	  {"seq": 6, "t_ms": 1050, "event": "dp-away", "eid": "192.0.2.10/32"},
	  {"seq": 7, "t_ms": 1100, "event": "dp-away-redirect", "eid": "192.0.2.10/32"}]}'
	fh_answer src xtrd GET_v1_map-cache '{"entries": [
	  {"eid": "203.0.113.0/25", "rlocs": [{"addr": "198.51.100.9", "priority": 1, "weight": 100, "up": true}],
	   "ttl": 1440, "installed_ms": 300, "negative": false, "action": "no-action"},
	  {"eid": "10.9.0.0/16", "iid": 7, "rlocs": [], "ttl": 15, "installed_ms": 400, "negative": true, "action": "native-forward"},
	  {"eid": "2001:db8:5::/48", "rlocs": [{"addr": "198.51.100.9", "priority": 1, "weight": 100, "up": true}],
	   "ttl": 1440, "installed_ms": 500, "negative": false, "action": "no-action"}]}'
	fh_answer dst xtrd POST_v1_map-cache_prefetch '{"sent": 2, "not_sent": 0, "cached": 0, "local": 0,
	 "eids": [{"eid": "2001:db8:5::/48", "result": "sent"}, {"eid": "203.0.113.0/25", "result": "sent"}]}'
	printf '5 web1 pv\n6 plain pvh\n7 hvm1 hvm\n' >"$FAKE_XL_DIR/domains"
	echo "pv hvm hvm_directio pv_directio hap shadow" >"$FAKE_XL_DIR/virt_caps"
	echo ok >"$FAKE_XL_DIR/migrate"
	printf '%s\n' "$lig_dst" >"$FH_DIR/lig-dst.json"
	printf '#!/bin/sh\ncp "%s" "%s"\n' "$FH_DIR/lig-dst.json" \
		"$FH_DIR/src/xtrd/responses/POST_v1_lig.json" >"$FAKE_XL_DIR/on-migrate"
	chmod 755 "$FAKE_XL_DIR/on-migrate"
}

fh_start() {
	local h
	FH_DIR=$1
	mkdir -p "$FH_DIR/src/bin" "$FH_DIR/dst/bin" "$FH_DIR/xl"
	for h in src dst; do
		_fh_api "$h" migrated || return 1
		_fh_api "$h" xtrd || return 1
		_fh_shim "$FH_DIR/$h/bin" migratectl "$FH_DIR/$h/migrated.sock"
		_fh_shim "$FH_DIR/$h/bin" xtrctl "$FH_DIR/$h/xtrd.sock"
	done
	ln -sf "$FH_TOP/tests/tools/fake-xl" "$FH_DIR/src/bin/xl"
	# fake-ssh finds host dst's tools in $FAKE_SSH_ROOT/dst/bin
	export FAKE_SSH_ROOT=$FH_DIR
	export FAKE_SSH_LOG=$FH_DIR/ssh.log
	export FAKE_SSH=$FH_TOP/tests/tools/fake-ssh
	export FAKE_XL_DIR=$FH_DIR/xl
	export PATH=$FH_DIR/src/bin:$PATH
	_fh_defaults
}

fh_stop() {
	local p
	for p in "${FH_PIDS[@]}"; do
		kill "$p" 2>/dev/null || :
	done
	for p in "${FH_PIDS[@]}"; do
		wait "$p" 2>/dev/null || :
	done
	FH_PIDS=()
}
