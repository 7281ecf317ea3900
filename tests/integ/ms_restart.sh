#!/bin/bash
# ms_restart.sh: issue 15 finding 8, the Map-Server's registrations and
# nonces survive its restart (state_dir/ms.journal, reloaded with their
# remaining lifetimes), so `lig` answers right after a restart.
#   - A (10.1.0.0/24) and C (10.3.0.0/24) register (register_interval 30:
#     no refresh comes during the test); an on-path recorder in the MS's
#     namespace keeps A's Map-Register.
#   - The MS is stopped and started again.  Before the fix it then
#     answered C's lig for A's EID with a negative (natively-forward) reply
#     until A's next refresh, up to a minute later.
#   - Asserted: right after the restart C's lig names A; the MS lists A's
#     and C's registrations again; the attacker r (192.0.2.66) replays A's
#     recorded Map-Register and the restarted MS drops it
#     (drop_register_replay: the nonce survived too); A's next Map-Register
#     (a fresh nonce, `xtrctl add` of a /32) is accepted.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: ms-*.
# Run directory: build/ms_restart.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=ms-
RUN=$PWD/build/ms_restart
. tests/xtr/lib.sh
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

write_confs() {
	local n probe state="state_dir = \"$RUN/ms-state\""
	mkdir -p "$RUN/ms-state"
	# an xtrd without state_dir (before the journal): the same scenario
	printf '%s\n' "$state" >"$RUN/probe.conf"
	probe=$("$BIN/xtrd" -n -f "$RUN/probe.conf" 2>&1 || true)
	case $probe in
	*"unknown key"*) echo "(this xtrd has no state_dir)"; state="" ;;
	esac
	cat >"$RUN/ms.conf" <<-EOC
	role = "ms"
	sites = [ 'name=dc,key=dc-key-Zq3V9mXp7LtR2wK,eid=10.1.0.0/16,eid=10.3.0.0/24,more_specifics=yes' ]
	control_socket = "$RUN/ms.sock"
	register_interval = 30
	$state
	EOC
	for n in a:1:10.1.0.0/24 c:3:10.3.0.0/24; do
		cat >"$RUN/${n%%:*}.conf" <<-EOC
		role = "xtr"
		rlocs = [ '192.0.2.$(echo "$n" | cut -d: -f2)' ]
		database = [ '${n##*:},ttl=60' ]
		map_servers = [ '192.0.2.100,key=dc-key-Zq3V9mXp7LtR2wK' ]
		map_resolvers = [ '192.0.2.100' ]
		control_socket = "$RUN/${n%%:*}.sock"
		register_interval = 30
		EOC
	done
}

lig_names() {	# NODE ADDR RLOC
	xtr_ctl "$1" lig "$2" >"$RUN/lig.txt" 2>&1 &&
	    grep -Eq "^ +${3//./\\.} " "$RUN/lig.txt"
}

cnt() {
	local v
	v=$(xtr_counter "$1" "$2")
	[ "$v" = null ] && v=0
	echo "$v"
}

xtr_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 c:3 r:66
write_confs
xtr_start ms "$RUN/ms.conf"
MS_PID=${XTR_PIDS##* }
ip netns exec "${PFX}ms" "$PY" tests/xtr/lispcraft.py sniff eth0 \
    out="$RUN/a-registers.hex" \
    ready="$RUN/a-registers.ready" type=3 src=192.0.2.1 count=1 timeout=10 &
SNIFF=$!
xtr_wait 10 test -e "$RUN/a-registers.ready" || die "the recorder did not start"
for n in a c; do xtr_start "$n" "$RUN/$n.conf"; done
for n in a c; do xtr_wait 10 xtr_registered "$n" || die "$n not registered"; done
wait "$SNIFF" || die "A's Map-Register not recorded"
lig_names c 10.1.0.9 192.0.2.1 || die "lig before the restart: $(cat "$RUN/lig.txt")"

# the restart
kill "$MS_PID"
while kill -0 "$MS_PID" 2>/dev/null; do sleep 0.1; done
rm -f "$RUN/ms.sock"
xtr_start ms "$RUN/ms.conf"
MS_PID=${XTR_PIDS##* }
lig_names c 10.1.0.9 192.0.2.1 ||
    die "lig right after the restart did not name A: $(cat "$RUN/lig.txt")"
cat "$RUN/lig.txt"
xtr_has_reg ms 10.1.0.0/24 192.0.2.1 || die "A's registration was not restored"
xtr_has_reg ms 10.3.0.0/24 192.0.2.3 || die "C's registration was not restored"
[ "$(cnt ms ms_journal_restored)" -ge 2 ] || die "restorations not counted"

# the nonces survived: an old Map-Register of A's is a replay
ip netns exec "${PFX}r" "$PY" tests/xtr/lispcraft.py 192.0.2.100 raw \
    hex="$(head -n1 "$RUN/a-registers.hex")"
sleep 0.5
[ "$(cnt ms drop_register_replay)" -ge 1 ] ||
    die "the restarted MS took A's old Map-Register"
kill -0 "$MS_PID" 2>/dev/null || die "the MS died"
# and A's next one is fresh
xtr_ctl a add 10.1.0.5/32 ttl 60 >/dev/null
xtr_wait 10 xtr_has_reg ms 10.1.0.5/32 192.0.2.1 || die "A's new registration refused"
echo "ms_restart: ok"
