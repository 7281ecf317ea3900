#!/bin/bash
# ms_caps.sh: issue 15 finding 7, what one key holder may make the
# Map-Server hold.  Sites: dc1 10.1.0.0/16 (more-specifics, at most 60
# registrations, 40 more-specifics under its prefix) and dc2 10.1.5.0/24
# nested inside it.  A (dc1) and B (dc2) are legitimate xTRs.
#   - A dc1 key holder (crafted packets, fresh nonces) floods 100 /32s:
#     before the fix all were kept; now at most 40 (the cap), the rest
#     counted in drop_reg_cap_more_specifics.
#   - It registers 10.1.4.0/22, which covers dc2's 10.1.5.0/24: refused
#     (drop_covers_other_site); before the fix, accepted.
#   - It registers 10.1.7.0/24 in Instance-ID 5: refused (dc1's prefixes
#     are Instance-ID 0's, [5]10.1.7.0/24 is in no site; before the fix
#     it was stored as IID 0's).
#   - Asserted too: the MS runs, A's and B's registrations and refreshes
#     go on, C still resolves B's EID to B.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: mc-*.
# Run directory: build/ms_caps.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mc-
RUN=$PWD/build/ms_caps
. tests/xtr/lib.sh
XID=58585858585858585858585858585858
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

write_confs() {
	local n probe caps=",max_registrations=60,max_more_specifics=40"
	# an xtrd without the caps (before the fix): the same attack
	printf "sites = [ 'name=p,key=k-Zq3V9mXp7LtR2wK,eid=10.9.0.0/16%s' ]\n" "$caps" \
	    >"$RUN/probe.conf"
	probe=$("$BIN/xtrd" -n -f "$RUN/probe.conf" 2>&1 || true)
	case $probe in
	*"unknown site option"*) echo "(this xtrd has no caps)"; caps="" ;;
	esac
	cat >"$RUN/ms.conf" <<-EOC
	role = "ms"
	sites = [ 'name=dc1,key=k1-Zq3V9mXp7LtR2wK,eid=10.1.0.0/16,more_specifics=yes$caps',
	          'name=dc2,key=k2-Zq3V9mXp7LtR2wK,eid=10.1.5.0/24',
	          'name=cl,key=k3-Zq3V9mXp7LtR2wK,eid=10.3.0.0/24' ]
	control_socket = "$RUN/ms.sock"
	register_interval = 2
	EOC
	for n in a:1:10.1.0.0/24:k1-Zq3V9mXp7LtR2wK b:2:10.1.5.0/24:k2-Zq3V9mXp7LtR2wK \
	    c:3:10.3.0.0/24:k3-Zq3V9mXp7LtR2wK; do
		IFS=: read -r node i eid key <<<"$n"
		cat >"$RUN/$node.conf" <<-EOC
		role = "xtr"
		rlocs = [ '192.0.2.$i' ]
		database = [ '$eid,ttl=60' ]
		map_servers = [ '192.0.2.100,key=$key' ]
		map_resolvers = [ '192.0.2.100' ]
		control_socket = "$RUN/$node.sock"
		register_interval = 2
		EOC
	done
}

craft() {	# lispcraft options: a dc1 key holder's Map-Register
	ip netns exec "${PFX}x" "$PY" tests/xtr/lispcraft.py 192.0.2.100 \
	    map-register rloc=192.0.2.4 key=k1-Zq3V9mXp7LtR2wK xtr_id="$XID" "$@"
}

nregs() {	# TEXT: registrations whose EID starts with TEXT
	xtr_jq ms "[.registrations[] | select(.eid | startswith(\"$1\"))] | length" registrations
}

cnt() {	# NODE NAME: a counter, 0 when the daemon has no such counter
	local v
	v=$(xtr_counter "$1" "$2")
	[ "$v" = null ] && v=0
	echo "$v"
}

flood_done() {	# every /32 of the flood kept or counted
	[ $(( $(nregs 10.1.200.) + $(cnt ms drop_reg_cap_more_specifics) )) -ge 100 ]
}

acked_since() {
	[ "$(xtr_counter "$1" register_acked)" -gt "$2" ]
}

xtr_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 b:2 c:3 x:4
write_confs
xtr_start ms "$RUN/ms.conf"
MS_PID=${XTR_PIDS##* }
for n in a b c; do xtr_start "$n" "$RUN/$n.conf"; done
for n in a b c; do xtr_wait 10 xtr_registered "$n" || die "$n not registered"; done

# the flood: 100 /32s, one message each, nonces 0x100, 0x101, ...
craft eid=10.1.200.0/32 vary=1 count=100 nonce=100 nonce_step=1
xtr_wait 10 flood_done || true
n=$(nregs 10.1.200.)
echo "flood: $n of 100 kept, drop_reg_cap_more_specifics $(cnt ms drop_reg_cap_more_specifics)"
[ "$n" -le 40 ] || die "the flood was not capped: $n /32s kept"
[ "$(cnt ms drop_reg_cap_more_specifics)" -ge 60 ] ||
    die "the capped registrations were not counted"

# a prefix covering the nested site dc2
craft eid=10.1.4.0/22 nonce=1000
sleep 0.5
[ "$(nregs 10.1.4.0/22)" = 0 ] || die "10.1.4.0/22 (covers dc2's /24) was registered"
[ "$(cnt ms drop_covers_other_site)" -ge 1 ] || die "covering prefix not counted"

# another Instance-ID
craft eid=10.1.7.0/24 iid=5 nonce=1001
sleep 0.5
[ "$(nregs 10.1.7.0/24)" = 0 ] || die "an IID 5 prefix was stored as IID 0's"

# legitimate state and traffic unchanged
kill -0 "$MS_PID" 2>/dev/null || die "the MS died"
xtr_has_reg ms 10.1.5.0/24 192.0.2.2 || die "MS lost B's registration"
xtr_has_reg ms 10.1.0.0/24 192.0.2.1 || die "MS lost A's registration"
n=$(xtr_counter b register_acked)
xtr_wait 8 acked_since b "$n" || die "B's refresh not acknowledged"
xtr_ctl c lig 10.1.5.9 | tee "$RUN/lig.txt"
grep -Eq "^ +192\\.0\\.2\\.2 " "$RUN/lig.txt" || die "C's lig of B's EID did not name B"
echo "ms_caps: ok"
