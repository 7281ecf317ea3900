#!/bin/bash
# xtr_badinput.sh: bad input against a Map-Server and an xTR.  For each
# kind (malformed packets, wrong key, unknown site, EID outside the site's
# policy, unsolicited Map-Reply and Map-Notify, SMR flood, API garbage)
# the named counter moves, the daemons keep running and no registration
# is lost or changed.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xi-*.
# Run directory: build/xtr_badinput.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xi-
RUN=$PWD/build/xtr_badinput
. tests/xtr/lib.sh
CRAFT=tests/xtr/lispcraft.py
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3	# no pyenv shim: 10x faster

write_confs() {
	cat >"$RUN/ms.conf" <<-EOC
	role = "ms"
	sites = [ 'name=a,key=a-key-Zq3V9mXp7LtR2wK,eid=10.1.0.0/24',
	          'name=b,key=b-key-Zq3V9mXp7LtR2wK,eid=10.2.0.0/16,more_specifics=yes' ]
	control_socket = "$RUN/ms.sock"
	register_interval = 5
	EOC
	cat >"$RUN/a.conf" <<-EOC
	role = "xtr"
	rlocs = [ '192.0.2.1' ]
	database = [ '10.1.0.0/24' ]
	map_servers = [ '192.0.2.100,key=a-key-Zq3V9mXp7LtR2wK' ]
	map_resolvers = [ '192.0.2.100' ]
	control_socket = "$RUN/a.sock"
	register_interval = 5
	EOC
}

rogue() {	# DEST KIND ARGS...: send from the rogue namespace
	ip netns exec "${PFX}r" "$PY" "$CRAFT" "$@"
}

snapshot() {	# the MS's registrations, minus timestamps
	xtr_jq ms '[.registrations[] | {eid, from, xtr_id, rlocs}]' registrations
}

# expect NODE COUNTER MIN CMD...: run CMD, then COUNTER grew by >= MIN
expect() {
	local node=$1 c=$2 min=$3 v0 v1
	shift 3
	v0=$(xtr_counter "$node" "$c")
	"$@"
	sleep 0.3
	v1=$(xtr_counter "$node" "$c")
	[ "$v1" -ge $((v0 + min)) ] || die "$node $c: $v0 -> $v1 (want +$min)"
	echo "ok: $node $c $v0 -> $v1"
}

intact() {
	local now
	kill -0 $XTR_PIDS 2>/dev/null || die "a daemon died"
	now=$(snapshot)
	[ "$now" = "$REGS" ] || die "registrations changed: $now"
	xtr_registered a || die "A lost its registration"
}

malformed() {
	expect ms drop_truncated 1 rogue 192.0.2.100 map-register \
	    eid=10.1.0.0/24 key=a-key-Zq3V9mXp7LtR2wK cut=30
	expect ms drop_unknown_type 1 rogue 192.0.2.100 raw hex=f000000000
	expect a drop_truncated 1 rogue 192.0.2.1 map-request cut=13
	expect a drop_bad_afi 1 rogue 192.0.2.1 raw \
	    hex=100000010000000000000001000700
	expect ms drop_bad_inner 1 rogue 192.0.2.100 raw \
	    hex=800000004500001c0000000040060000c0000242c000026410f610f600080000
	local t
	for t in 1 2 3 4 8; do	# random bodies behind each known type
		expect a rx_packets 100 rogue 192.0.2.1 junk type=$t count=100
		expect ms rx_packets 100 rogue 192.0.2.100 junk type=$t count=100
	done
	intact
}

wrong_key() {
	expect ms drop_auth_fail 1 rogue 192.0.2.100 map-register \
	    eid=10.1.0.0/24 key=guess-Zq3V9mXp7LtR2wK rloc=203.0.113.66
	# a forged withdrawal of A's EID, signed with the wrong key
	expect ms drop_auth_fail 1 rogue 192.0.2.100 map-register \
	    eid=10.1.0.0/24 key=b-key-Zq3V9mXp7LtR2wK ttl=0
	expect ms drop_auth_fail 1 rogue 192.0.2.100 map-register \
	    eid=10.1.0.0/24 key=a-key-Zq3V9mXp7LtR2wK bad_auth=1
	intact
}

unknown_site() {
	expect ms drop_unknown_site 1 rogue 192.0.2.100 map-register \
	    eid=10.99.0.0/24 key=a-key-Zq3V9mXp7LtR2wK
	# site a takes no more-specifics
	expect ms drop_eid_not_allowed 1 rogue 192.0.2.100 map-register \
	    eid=10.1.0.5/32 key=a-key-Zq3V9mXp7LtR2wK
	intact
}

unsolicited() {
	expect a drop_unsolicited_reply 1 rogue 192.0.2.1 map-reply \
	    eid=10.1.0.0/24 rloc=203.0.113.66
	expect a drop_unsolicited_notify 1 rogue 192.0.2.1 map-notify \
	    eid=10.1.0.0/24 key=a-key-Zq3V9mXp7LtR2wK
	expect ms drop_role 1 rogue 192.0.2.100 map-reply eid=10.2.0.0/24
	intact
	[ "$(xtr_jq a '[.entries[].rlocs[] | select(.addr == "203.0.113.66")] | length' map-cache)" = 0 ] ||
	    die "forged RLOC in A's map-cache"
}

smr_flood() {
	local inv0 inv1
	xtr_ctl a resolve 10.2.0.1 >/dev/null	# something to SMR about
	xtr_wait 5 bash -c "[ \$($BIN/xtrctl -s $RUN/a.sock --json map-cache | jq '.entries | length') -gt 0 ]" ||
	    die "A has nothing cached"
	inv0=$(xtr_counter a smr_invoked_request)
	# one source: its own budget (SMR_SRC_BURST 20) goes first, then one
	# a second for the EID (issue 15 finding 6)
	expect a drop_smr_src_limited 100 rogue 192.0.2.1 smr \
	    eid=10.2.0.1/32 count=300
	inv1=$(xtr_counter a smr_invoked_request)
	[ $((inv1 - inv0)) -le 2 ] || die "SMR flood made $((inv1 - inv0)) requests"
	expect a drop_smr_src_limited 50 rogue 192.0.2.1 smr eid=10.2.0.0/32 \
	    count=600 vary=1
	expect a drop_smr_not_cached 1 rogue 192.0.2.1 smr eid=10.200.0.1/32
	intact
}

api_garbage() {
	local s="$RUN/a.sock" code
	post() {
		curl -s -o /dev/null -w '%{http_code}' --unix-socket "$s" \
		    -H 'Content-Type: application/json' -d "$2" \
		    "http://localhost$1"
	}
	expect a api_bad_request 1 post /v1/database/add '{"eid": '
	expect a api_bad_request 1 post /v1/database/add '{"eid":"10.1.0.9/32","colour":1}'
	expect a api_bad_request 1 post /v1/database/add '{"eid":"10.1.0.9/33"}'
	expect a api_bad_request 1 post /v1/database/add '[1,2,3]'
	expect a api_bad_request 1 post /v1/smr "$(head -c 70000 /dev/zero | tr '\0' x)"
	# "moved_to" must be RLOC addresses, at most 8: refused before
	# anything is withdrawn (intact, below, sees A's EID still registered)
	expect a api_bad_request 1 post /v1/database/remove \
	    '{"eid":"10.1.0.0/24","moved_to":["not-an-address"]}'
	expect a api_bad_request 1 post /v1/database/remove \
	    '{"eid":"10.1.0.0/24","moved_to":"192.0.2.2"}'
	expect a api_bad_request 1 post /v1/database/remove "{\"eid\":\"10.1.0.0/24\",\"moved_to\":[$(printf '"192.0.2.%d",' 1 2 3 4 5 6 7 8)\"192.0.2.9\"]}"
	expect a api_not_found 1 post /v1/nonsense '{}'
	code=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$s" \
	    -X DELETE http://localhost/v1/status)
	[ "$code" = 405 ] || die "DELETE /v1/status gave $code"
	printf 'GARBAGE\r\n\r\n' | timeout 2 socat - "UNIX-CONNECT:$s" \
	    >/dev/null 2>&1 || true
	[ "$(stat -c %a "$s")" = 600 ] || die "API socket is not 0600"
	intact
}

xtr_need
command -v curl >/dev/null || skip "needs curl"
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 r:66
write_confs
xtr_start ms "$RUN/ms.conf"
xtr_start a "$RUN/a.conf"
xtr_wait 10 xtr_registered a || die "A not registered"
REGS=$(snapshot)
echo "registrations: $REGS"
malformed
wrong_key
unknown_site
unsolicited
smr_flood
api_garbage
xtr_ctl ms counters
xtr_ctl a counters
echo "xtr_badinput: ok"
