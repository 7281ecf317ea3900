#!/bin/bash
# wrapper_migrate.sh: scripts/xl-migrate-lisp once the preflight passes,
# against two stand-in hosts (tests/tools/fake-hosts.sh):
#   passthrough  every xl migrate option reaches `xl migrate` verbatim and in
#                order (-s, -e, -C, -p, -D, --debug, clustered -Fp);
#                the departure names the destination's RLOCs; the mapping is
#                checked with lig for every EID; the remote checks went over
#                the -s command
#                and dst's xtrd was asked over it to prefetch the EIDs
#                of src's map-cache (instance-ID 0 only, newest first);
#                dst's xtrd was told to expect the guest's EIDs (POST
#                /v1/expect, each word quoted for the remote shell) once,
#                before xl migrate ran, and not cancelled
#   expect       the expectation renewed while xl migrate runs
#                (XL_MIGRATE_LISP_EXPECT_REFRESH_S), none after it; a bad
#                interval is a usage error; dst refusing it is logged and
#                the migration goes on; XL_MIGRATE_LISP_EXPECT=0: not asked;
#                cancelled (the EIDs, "cancel": true) when the departure is
#                refused and when the wrapper is interrupted in xl migrate
#   timeline     the table, and --json (parsed, every step and value)
#   prefetch-failed  dst's xtrctl prefetch fails: logged, the migration
#                goes on (exit 0); XL_MIGRATE_LISP_PREFETCH=0: not asked
#   local        -s "": <host> is the receiving command, checks run here
#   failure      xl migrate fails: exit 3, "still runs on this host", every
#                EID registered again (POST /v1/database/add), and checked;
#                dst's expectation cancelled
#   unverified   the Map-Resolver keeps answering the source: exit 4
#   dry-run      preflight, then the plan; no departure, no xl migrate
#   hostile      RLOCs from dst's xtrd that are no addresses stop it in the
#                preflight (nothing posted, no xl migrate); map-cache EIDs
#                that are shell commands or options are never sent on
#
# Arguments: none.  Environment: WRAPPER_TEST_CLIS (fake|real, see
# tests/tools/fake-hosts.sh), B.
# Exit: 0 pass, 77 skip (reason on the last line), 1 fail.
set -eu -o pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
wrapper=$top/scripts/xl-migrate-lisp
T=
fails=0

die() { echo "wrapper_migrate: FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

cleanup() {
	fh_stop
	[ -z "$T" ] || rm -rf "$T"
}

reset_logs() {
	: >"$FAKE_XL_DIR/argv.log"
	: >"$FAKE_SSH_LOG"
	rm -f "$T"/{src,dst}/{migrated,xtrd}/requests.jsonl "$T/at-migrate.jsonl"
	cp "$T/lig-src.json" "$T/src/xtrd/responses/POST_v1_lig.json"
}

# posted HOST DAEMON PATH: the bodies POSTed there, one JSON per line
posted() {
	fh_requests "$1" "$2" | "$PYTHON" -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r["method"] == "POST" and r["path"] == sys.argv[1]:
        print(json.dumps(r["body"], sort_keys=True))' "$3"
}

case_passthrough() {
	local rc=0 want
	reset_logs
	"$wrapper" -s "$FAKE_SSH" -e -C /etc/xen/web1.cfg -p -D --debug -Fp \
		web1 dst >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] || fail "passthrough: exit $rc: $(cat "$T/err")"
	want="migrate $(printf '%q ' -s "$FAKE_SSH" -e -C /etc/xen/web1.cfg -p -D --debug -Fp web1 dst)"
	grep -qxF "$want" "$FAKE_XL_DIR/argv.log" ||
		fail "passthrough: xl got [$(grep '^migrate' "$FAKE_XL_DIR/argv.log")], expected [$want]"
	[ "$(posted src migrated /v1/departure)" = '{"dest_rlocs": ["198.51.100.2"], "domain": "web1"}' ] ||
		fail "passthrough: departure body [$(posted src migrated /v1/departure)]"
	[ "$(posted src xtrd /v1/lig | wc -l)" -ge 2 ] || fail "passthrough: not every EID checked with lig"
	posted src xtrd /v1/lig | grep -qF '"eid": "2001:db8::10"' || fail "passthrough: IPv6 EID not checked"
	# each word single-quoted for the remote shell (ssh joins them)
	grep -q "^dst 'migratectl' 'status' '--json'$" "$FAKE_SSH_LOG" ||
		fail "passthrough: dst's migrated not asked over the -s command"
	grep -q "^dst 'xtrctl' '--json' 'status'$" "$FAKE_SSH_LOG" ||
		fail "passthrough: dst's xtrd not asked over the -s command"
	grep -qx "dst 'xtrctl' '--json' '--' 'prefetch' '2001:db8:5::/48' '203.0.113.0/25'" "$FAKE_SSH_LOG" ||
		fail "passthrough: no prefetch over the -s command: $(grep prefetch "$FAKE_SSH_LOG")"
	[ "$(posted dst xtrd /v1/map-cache/prefetch)" = '{"eids": ["2001:db8:5::/48", "203.0.113.0/25"]}' ] ||
		fail "passthrough: prefetch body [$(posted dst xtrd /v1/map-cache/prefetch)]"
	grep -qF "map-cache prefetch: dst's xtrd asked to resolve 2 EIDs: 2 Map-Requests sent, 0 pending or rate-limited, 0 cached already, 0 local from this host's map-cache" \
		"$T/out" || fail "passthrough: prefetch not logged: $(cat "$T/out")"
	# dst expects the EIDs before xl migrate runs (the on-migrate hook's
	# snapshot of dst's xtrd requests), once, never cancelled
	grep -qx "dst 'xtrctl' '--json' '--' 'expect' '192.0.2.10/32' '2001:db8::10/128'" "$FAKE_SSH_LOG" ||
		fail "passthrough: no expect over the -s command: $(grep expect "$FAKE_SSH_LOG")"
	[ "$(posted dst xtrd /v1/expect)" = '{"cancel": false, "eids": ["192.0.2.10/32", "2001:db8::10/128"]}' ] ||
		fail "passthrough: expect bodies [$(posted dst xtrd /v1/expect)]"
	grep -qF '"/v1/expect"' "$T/at-migrate.jsonl" 2>/dev/null ||
		fail "passthrough: dst's xtrd was not told to expect the EIDs before xl migrate"
	grep -qF "dst's xtrd expects 192.0.2.10/32 2001:db8::10/128" "$T/out" ||
		fail "passthrough: the expectation not said: $(cat "$T/out")"
	echo "checked passthrough"
}

case_timeline() {
	local rc=0 src_migs
	src_migs=$(cat "$T/src/migrated/responses/GET_v1_migrations.json")
	# from case_passthrough's output: the table
	grep -qE '^memory transfer +dst +2000 +2000$' "$T/out" || fail "timeline: memory transfer row: $(cat "$T/out")"
	grep -qE '^blackout \(from stream end\) +dst +2150 +150$' "$T/out" || fail "timeline: blackout row"
	grep -qE '^announcement seen +dst +2160 +10$' "$T/out" || fail "timeline: announcement row"
	grep -qE '^registered +dst +2170 +8$' "$T/out" || fail "timeline: registered row"
	grep -qE '^SMRs sent +dst +2175 +5$' "$T/out" || fail "timeline: SMR row"
	grep -qE '^away entry at source +src +50 +50$' "$T/out" || fail "timeline: away row"
	grep -qE '^first packet redirected +src +100 +100$' "$T/out" || fail "timeline: redirect row"
	grep -qE '^xl migrate \(wall clock\) +src +- +[0-9]+$' "$T/out" || fail "timeline: xl row"
	grep -qE '^map-cache prefetch +dst +- +[0-9]+$' "$T/out" || fail "timeline: prefetch row"
	reset_logs
	"$wrapper" -s "$FAKE_SSH" --json web1 dst >"$T/out.json" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] || fail "timeline --json: exit $rc: $(cat "$T/err")"
	"$PYTHON" - "$T/out.json" <<-'EOF' || fail "timeline --json: $(cat "$T/out.json")"
	import json, sys
	j = json.load(open(sys.argv[1]))
	assert j["domain"] == "web1" and j["dest"] == "dst", j
	assert isinstance(j["xl_migrate_ms"], int), j
	got = {s["step"]: (s["host"], s["at_ms"], s["took_ms"]) for s in j["steps"]}
	want = {"memory transfer": ("dst", 2000, 2000),
	        "blackout (from stream end)": ("dst", 2150, 150),
	        "announcement seen": ("dst", 2160, 10),
	        "registered": ("dst", 2170, 8),
	        "SMRs sent": ("dst", 2175, 5),
	        "source released": ("src", 900, 900),
	        "away entry at source": ("src", 50, 50),
	        "first packet redirected": ("src", 100, 100)}
	assert got == want, got
	pf = j["prefetch"]
	assert (pf["eids"], pf["sent"], pf["not_sent"], pf["cached"], pf["local"]) == (2, 2, 0, 0, 0), pf
	assert isinstance(pf["took_ms"], int), pf
	EOF
	# handed over at the suspend (departure announced): src's steps count
	# from the suspend, not from the rename 400 ms later (was -350 ms)
	reset_logs
	rc=0
	fh_answer src migrated GET_v1_migrations '{"migrations": [{"id": 2, "domain": "web1", "direction": "out", "events": [
	  {"t_ms": 1000, "event": "suspended", "detail": "control/shutdown = suspend"},
	  {"t_ms": 1001, "event": "redirecting", "detail": "to 198.51.100.2"},
	  {"t_ms": 1400, "event": "departing", "detail": "domid 5"},
	  {"t_ms": 1900, "event": "released", "detail": "moved"}]}]}'
	"$wrapper" -s "$FAKE_SSH" --json web1 dst >"$T/out.json" 2>"$T/err" || rc=$?
	fh_answer src migrated GET_v1_migrations "$src_migs"
	[ "$rc" = 0 ] || fail "timeline suspended: exit $rc: $(cat "$T/err")"
	"$PYTHON" - "$T/out.json" <<-'EOF' || fail "timeline suspended: $(cat "$T/out.json")"
	import json, sys
	j = json.load(open(sys.argv[1]))
	got = {s["step"]: (s["at_ms"], s["took_ms"]) for s in j["steps"] if s["host"] == "src"}
	want = {"source released": (900, 900), "away entry at source": (50, 50),
	        "first packet redirected": (100, 100)}
	assert got == want, got
	EOF
	echo "checked timeline"
}

case_prefetch_failed() {
	local rc=0 shim=$FAKE_SSH_ROOT/dst/bin/xtrctl
	reset_logs
	mv "$shim" "$shim.real"
	printf '#!/bin/sh\ncase " $* " in *" prefetch "*) echo "xtrctl: no map-resolver configured (HTTP 409)" >&2; exit 1 ;; esac\nexec "%s" "$@"\n' \
		"$shim.real" >"$shim"
	chmod 755 "$shim"
	"$wrapper" -s "$FAKE_SSH" web1 dst >"$T/out" 2>"$T/err" || rc=$?
	mv "$shim.real" "$shim"
	[ "$rc" = 0 ] || fail "prefetch-failed: exit $rc: $(cat "$T/err")"
	grep -qF "map-cache prefetch on dst failed (exit 1: xtrctl: no map-resolver configured (HTTP 409)); the guest's first packets there will wait for Map-Requests" \
		"$T/out" || fail "prefetch-failed: not logged: $(cat "$T/out")"
	grep -q '^migrate' "$FAKE_XL_DIR/argv.log" || fail "prefetch-failed: xl migrate did not run"
	! grep -q '^map-cache prefetch' "$T/out" || fail "prefetch-failed: a prefetch row"
	reset_logs
	rc=0
	XL_MIGRATE_LISP_PREFETCH=0 "$wrapper" -s "$FAKE_SSH" web1 dst >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] || fail "prefetch off: exit $rc: $(cat "$T/err")"
	! grep -q prefetch "$FAKE_SSH_LOG" "$T/out" || fail "prefetch off: prefetched anyway"
	echo "checked prefetch-failed"
}

# expect: what the wrapper tells dst's xtrd about the arriving EIDs
case_expect() {
	local rc=0 shim n hook=$FAKE_XL_DIR/on-migrate
	# xl migrate lasts until dst has had 3 expectations (at most 30 s):
	# renewed every 0.5 s meanwhile, none after
	reset_logs
	mv "$hook" "$hook.orig"
	# shellcheck disable=SC2016
	printf '#!/bin/sh\nfor i in $(seq 300); do [ "$(grep -c /v1/expect "%s" 2>/dev/null)" -ge 3 ] && break; sleep 0.1; done\nexec "%s" "$@"\n' \
		"$T/dst/xtrd/requests.jsonl" "$hook.orig" >"$hook"
	chmod 755 "$hook"
	XL_MIGRATE_LISP_EXPECT_REFRESH_S=0.5 "$wrapper" -s "$FAKE_SSH" web1 dst >"$T/out" 2>"$T/err" || rc=$?
	mv "$hook.orig" "$hook"
	[ "$rc" = 0 ] || fail "expect: refresh: exit $rc: $(cat "$T/err")"
	n=$(posted dst xtrd /v1/expect | sort -u)
	[ "$n" = '{"cancel": false, "eids": ["192.0.2.10/32", "2001:db8::10/128"]}' ] ||
		fail "expect: refresh: bodies [$n]"
	n=$(posted dst xtrd /v1/expect | wc -l)
	if [ "$n" -lt 3 ]; then fail "expect: refresh: $n expectations while xl migrate ran (3 awaited)"; fi
	sleep 1
	[ "$(posted dst xtrd /v1/expect | wc -l)" = "$n" ] || fail "expect: refresh: renewed after xl migrate"
	for bad in 0 -1 x 0.0 '1;true'; do
		rc=0
		XL_MIGRATE_LISP_EXPECT_REFRESH_S=$bad "$wrapper" -s "$FAKE_SSH" web1 dst >"$T/out" 2>"$T/err" || rc=$?
		[ "$rc" = 2 ] || fail "expect: refresh interval '$bad': exit $rc, expected 2"
	done
	# dst's xtrd refuses: said, the migration goes on
	reset_logs
	rc=0
	shim=$FAKE_SSH_ROOT/dst/bin/xtrctl
	mv "$shim" "$shim.real"
	printf '#!/bin/sh\ncase " $* " in *" expect "*) echo "xtrctl: too many EIDs expected at once (HTTP 503)" >&2; exit 1 ;; esac\nexec "%s" "$@"\n' \
		"$shim.real" >"$shim"
	chmod 755 "$shim"
	"$wrapper" -s "$FAKE_SSH" web1 dst >"$T/out" 2>"$T/err" || rc=$?
	mv "$shim.real" "$shim"
	[ "$rc" = 0 ] || fail "expect: refused: exit $rc: $(cat "$T/err")"
	grep -qF "dst's xtrd did not take the expectation (exit 1: xtrctl: too many EIDs expected at once (HTTP 503)); packets sent to 192.0.2.10/32 2001:db8::10/128 during the blackout may be lost" \
		"$T/out" || fail "expect: refused: not said: $(cat "$T/out")"
	grep -q '^migrate' "$FAKE_XL_DIR/argv.log" || fail "expect: refused: xl migrate did not run"
	# off
	reset_logs
	rc=0
	XL_MIGRATE_LISP_EXPECT=0 "$wrapper" -s "$FAKE_SSH" web1 dst >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] || fail "expect off: exit $rc: $(cat "$T/err")"
	! grep -q expect "$FAKE_SSH_LOG" || fail "expect off: expected anyway"
	# the departure refused: dst forgets the EIDs, nothing migrated
	reset_logs
	rc=0
	shim=$FH_DIR/src/bin/migratectl
	mv "$shim" "$shim.real"
	printf '#!/bin/sh\ncase " $* " in *" departure "*) echo "migratectl: unknown domain (HTTP 404)" >&2; exit 1 ;; esac\nexec "%s" "$@"\n' \
		"$shim.real" >"$shim"
	chmod 755 "$shim"
	"$wrapper" -s "$FAKE_SSH" web1 dst >"$T/out" 2>"$T/err" || rc=$?
	mv "$shim.real" "$shim"
	[ "$rc" = 1 ] || fail "expect: departure refused: exit $rc, expected 1"
	! grep -q '^migrate' "$FAKE_XL_DIR/argv.log" || fail "expect: departure refused: xl migrate ran"
	[ "$(posted dst xtrd /v1/expect | tail -n 1)" = '{"cancel": true, "eids": ["192.0.2.10/32", "2001:db8::10/128"]}' ] ||
		fail "expect: departure refused: not cancelled [$(posted dst xtrd /v1/expect)]"
	# interrupted while xl migrate runs (SIGTERM to the wrapper; xl ends)
	reset_logs
	rc=0
	mv "$hook" "$hook.orig"
	# shellcheck disable=SC2016
	printf '#!/bin/sh\nkill -TERM "$(ps -o ppid= -p "$PPID" | tr -d " ")"\nexit 1\n' >"$hook"
	chmod 755 "$hook"
	"$wrapper" -s "$FAKE_SSH" web1 dst >"$T/out" 2>"$T/err" || rc=$?
	mv "$hook.orig" "$hook"
	[ "$rc" = 143 ] || fail "expect: interrupted: exit $rc, expected 143"
	[ "$(posted dst xtrd /v1/expect | tail -n 1)" = '{"cancel": true, "eids": ["192.0.2.10/32", "2001:db8::10/128"]}' ] ||
		fail "expect: interrupted: not cancelled [$(posted dst xtrd /v1/expect)]"
	echo "checked expect"
}

case_local() {
	local rc=0
	reset_logs
	# the destination is this host: lig keeps answering its own RLOC
	mv "$FAKE_XL_DIR/on-migrate" "$T/on-migrate.off"
	"$wrapper" -s "" web1 "xl migrate-receive" >"$T/out" 2>"$T/err" || rc=$?
	mv "$T/on-migrate.off" "$FAKE_XL_DIR/on-migrate"
	[ "$rc" = 0 ] || fail "local: exit $rc: $(cat "$T/err")"
	grep -qxF "migrate $(printf '%q ' -s '' web1 'xl migrate-receive')" "$FAKE_XL_DIR/argv.log" ||
		fail "local: xl got [$(grep '^migrate' "$FAKE_XL_DIR/argv.log")]"
	[ ! -s "$FAKE_SSH_LOG" ] || fail "local: ssh used with -s \"\""
	[ "$(posted src migrated /v1/departure)" = '{"dest_rlocs": ["198.51.100.1"], "domain": "web1"}' ] ||
		fail "local: departure body [$(posted src migrated /v1/departure)]"
	[ "$(posted src xtrd /v1/expect)" = '{"cancel": false, "eids": ["192.0.2.10/32", "2001:db8::10/128"]}' ] ||
		fail "local: expect body [$(posted src xtrd /v1/expect)]"
	echo "checked local"
}

case_failure() {
	local rc=0
	reset_logs
	echo fail >"$FAKE_XL_DIR/migrate"
	"$wrapper" -s "$FAKE_SSH" web1 dst >"$T/out" 2>"$T/err" || rc=$?
	echo ok >"$FAKE_XL_DIR/migrate"
	[ "$rc" = 3 ] || fail "failure: exit $rc, expected 3"
	grep -qF "xl migrate failed; xl resumed 'web1' on this host" "$T/err" || fail "failure: no resume line"
	grep -qF "Failed to enable logdirty: 95" "$T/err" || fail "failure: xl's own message hidden"
	grep -qF "'web1' still runs on this host; its EIDs (192.0.2.10/32 2001:db8::10/128) are registered again from here (198.51.100.1) and the Map-Resolver confirms it" \
		"$T/err" || fail "failure: no re-assert line: $(cat "$T/err")"
	[ "$(posted src xtrd /v1/database/add | sort | tr '\n' ' ')" = '{"eid": "192.0.2.10/32"} {"eid": "2001:db8::10/128"} ' ] ||
		fail "failure: re-assert bodies [$(posted src xtrd /v1/database/add)]"
	! grep -q '^STEP' "$T/out" || fail "failure: printed a timeline"
	[ "$(posted dst xtrd /v1/expect | tr '\n' ' ')" = '{"cancel": false, "eids": ["192.0.2.10/32", "2001:db8::10/128"]} {"cancel": true, "eids": ["192.0.2.10/32", "2001:db8::10/128"]} ' ] ||
		fail "failure: dst's expectation not cancelled [$(posted dst xtrd /v1/expect)]"
	echo "checked failure"
}

case_unverified() {
	local rc=0
	reset_logs
	mv "$FAKE_XL_DIR/on-migrate" "$T/on-migrate.off"
	XL_MIGRATE_LISP_VERIFY_S=1 "$wrapper" -s "$FAKE_SSH" web1 dst >"$T/out" 2>"$T/err" || rc=$?
	mv "$T/on-migrate.off" "$FAKE_XL_DIR/on-migrate"
	[ "$rc" = 4 ] || fail "unverified: exit $rc, expected 4"
	grep -qF "'web1' moved, but after 1s the Map-Resolver does not answer 198.51.100.2 for 192.0.2.10/32" \
		"$T/err" || fail "unverified: message: $(cat "$T/err")"
	grep -q '^memory transfer' "$T/out" || fail "unverified: no timeline"
	echo "checked unverified"
}

case_dry_run() {
	local rc=0
	reset_logs
	"$wrapper" -s "$FAKE_SSH" -e --dry-run web1 dst >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] || fail "dry-run: exit $rc: $(cat "$T/err")"
	grep -qF "dry run: preflight passed; would run:" "$T/out" || fail "dry-run: no plan"
	grep -qF "migratectl departure web1 198.51.100.2" "$T/out" || fail "dry-run: departure not shown"
	grep -qF "on dst: xtrctl expect 192.0.2.10/32 2001:db8::10/128" "$T/out" || fail "dry-run: expect not shown"
	[ -z "$(posted dst xtrd /v1/expect)" ] || fail "dry-run: expect posted"
	grep -qF "xtrctl prefetch <its EIDs>" "$T/out" || fail "dry-run: prefetch not shown"
	grep -qF "xl migrate $(printf '%q ' -s "$FAKE_SSH" -e web1 dst | sed 's/ $//')" "$T/out" ||
		fail "dry-run: xl command not shown: $(cat "$T/out")"
	! grep -q '^migrate' "$FAKE_XL_DIR/argv.log" || fail "dry-run: xl migrate ran"
	[ -z "$(posted src migrated /v1/departure)" ] || fail "dry-run: departure posted"
	echo "checked dry-run"
}

# hostile: what the destination and the mapping system answer is checked
# before any use (issue 16, finding 7).  dst's xtrd lists RLOCs that are no
# addresses (a glob, an option, two words, a command): the preflight stops
# it, nothing is posted, xl migrate does not run.  src's map-cache holds an
# entry whose EID is a shell command for the remote end and one that is an
# option: both left out of the prefetch, nothing runs on the remote.
case_hostile() {
	local rc=0 bad good_mc
	reset_logs
	good_mc=$(cat "$T/src/xtrd/responses/GET_v1_map-cache.json")
	for bad in '"*"' '"-s/tmp/evil"' '"198.51.100.2 198.51.100.66"' '"$(touch /tmp/evil)"' \
	    '"198.51.100.2/32"' '"fe80::1%eth0"' '7'; do
		rc=0
		reset_logs
		fh_answer dst xtrd GET_v1_status "{\"roles\": [\"xtr\"], \"rlocs\": [\"198.51.100.2\", $bad],
		 \"map_servers\": [{\"addr\": \"203.0.113.100\", \"registered\": true}]}"
		(cd "$T" && "$wrapper" -s "$FAKE_SSH" web1 dst) >"$T/out" 2>"$T/err" || rc=$?
		[ "$rc" = 1 ] || fail "hostile: RLOC $bad: exit $rc, expected 1: $(cat "$T/err")"
		grep -qF "lists an RLOC that is not an address" "$T/err" ||
			fail "hostile: RLOC $bad: no reason given: $(cat "$T/err")"
		[ -z "$(posted src migrated /v1/departure)" ] ||
			fail "hostile: RLOC $bad: departure posted: $(posted src migrated /v1/departure)"
		! grep -q '^migrate' "$FAKE_XL_DIR/argv.log" || fail "hostile: RLOC $bad: xl migrate ran"
	done
	fh_answer dst xtrd GET_v1_status '{"roles": ["xtr"], "rlocs": ["198.51.100.2"],
	 "map_servers": [{"addr": "203.0.113.100", "registered": true, "last_notify_ms": 20}]}'
	reset_logs
	rc=0
	rm -f "$T/pwned"
	fh_answer src xtrd GET_v1_map-cache "{\"entries\": [
	  {\"eid\": \"203.0.113.0/25\", \"installed_ms\": 300},
	  {\"eid\": \"10.1.0.0/16;touch\${IFS}$T/pwned\", \"installed_ms\": 600},
	  {\"eid\": \"--socket=/tmp/evil\", \"installed_ms\": 700},
	  {\"eid\": \"2001:db8:5::/48\", \"installed_ms\": 500}]}"
	"$wrapper" -s "$FAKE_SSH" web1 dst >"$T/out" 2>"$T/err" || rc=$?
	fh_answer src xtrd GET_v1_map-cache "$good_mc"
	[ "$rc" = 0 ] || fail "hostile: map-cache: exit $rc: $(cat "$T/err")"
	[ ! -e "$T/pwned" ] || fail "hostile: map-cache: an EID ran a command on the remote end"
	[ "$(posted dst xtrd /v1/map-cache/prefetch)" = '{"eids": ["2001:db8:5::/48", "203.0.113.0/25"]}' ] ||
		fail "hostile: map-cache: prefetch body [$(posted dst xtrd /v1/map-cache/prefetch)]"
	echo "checked hostile"
}

main() {
	# Debian's python3: a version manager's shim on PATH costs seconds a call
	if [ -x /usr/bin/python3 ]; then export PYTHON=/usr/bin/python3; fi
	PYTHON=${PYTHON:-python3}
	command -v "$PYTHON" >/dev/null || skip "no python3"
	command -v curl >/dev/null || skip "no curl"
	if [ "${WRAPPER_TEST_CLIS:-fake}" = real ]; then
		if [ ! -x "$top/${B:-build}/bin/migratectl" ] || [ ! -x "$top/${B:-build}/bin/xtrctl" ]; then
			skip "WRAPPER_TEST_CLIS=real but migratectl/xtrctl are not built"
		fi
	fi
	# shellcheck source=tests/tools/fake-hosts.sh
	. "$top/tests/tools/fake-hosts.sh"
	trap cleanup EXIT
	trap 'exit 1' INT TERM
	T=$(mktemp -d /tmp/wrapper_migrate.XXXXXX)
	fh_start "$T" || die "stand-in hosts did not start"
	cp "$T/src/xtrd/responses/POST_v1_lig.json" "$T/lig-src.json"
	# the on-migrate hook first keeps what dst's xtrd had been asked
	mv "$FAKE_XL_DIR/on-migrate" "$FAKE_XL_DIR/on-migrate.fh"
	printf '#!/bin/sh\ncp "%s" "%s" 2>/dev/null\nexec "%s" "$@"\n' \
		"$T/dst/xtrd/requests.jsonl" "$T/at-migrate.jsonl" \
		"$FAKE_XL_DIR/on-migrate.fh" >"$FAKE_XL_DIR/on-migrate"
	chmod 755 "$FAKE_XL_DIR/on-migrate"
	export XL_MIGRATE_LISP_VERIFY_S=5
	case_passthrough
	case_timeline
	case_prefetch_failed
	case_expect
	case_local
	case_failure
	case_unverified
	case_dry_run
	case_hostile
	[ "$fails" -eq 0 ] || die "$fails check(s) failed"
	echo "wrapper_migrate: all checks passed"
}

main "$@"
