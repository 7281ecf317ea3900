#!/bin/bash
# xtr_lispsec.sh: LISP-SEC (RFC 9303) between xtrd in their own network
# namespaces (ITR a, MS/MR, ETR b; c an ETR with lisp_sec = off, d one
# that asks for proxy replies), and an ETR that lies (m, a Python crafter
# holding its own site key: tests/xtr/lispsec_attacker.py).
#  - honest path: a's Map-Request for b's EID goes out with the S bit and a
#    wrapped one-time key, the MS forwards it with the MS-OTK and the
#    EID-AD, b signs its reply, a verifies it and caches b's mapping; the
#    MS's proxy reply for d is signed by the MS (§6.7.2); for c, whose ETR
#    cannot sign, the MS answers a signed negative reply with the E bit:
#    a (required) keeps it, b (optional) asks again without LISP-SEC and
#    gets c's mapping; d (optional) asking r, a Map-Resolver without
#    LISP-SEC (tests/xtr/legacy_mr.py: drops S-bit ECMs), gets its answer
#    from the third send on, which goes unprotected;
#  - under lisp_sec = required, a refuses, counts and logs: m answering a
#    request for its /32 with the covering 10.0.0.0/8 (EID-AD overclaim),
#    a reply with a tampered PKT HMAC, a reply without LISP-SEC; its cache
#    keeps b's entry and gains nothing of m's, every daemon keeps running;
#  - tshark decodes the S bits we send (ECM, Map-Reply, Map-Register).
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1 keeps
# the run directory.  Namespaces: xsec-*.  Run directory: build/xtr_lispsec.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xsec-
RUN=$PWD/build/xtr_lispsec
. tests/xtr/lib.sh

write_confs() {
	cat >"$RUN/ms.conf" <<-EOC
	role = "ms"
	sites = [ 'name=site-a,key=alpha-key-Zq3V9mXp7LtR2wK,eid=10.1.0.0/24',
	          'name=site-b,key=bravo-key-Zq3V9mXp7LtR2wK,eid=10.2.0.0/24,eid=2001:db8:b::/48',
	          'name=site-m,key=mallory-key-Zq3V9mXp7LtR2wK,eid=10.3.0.0/24',
	          'name=site-c,key=charlie-key-Zq3V9mXp7LtR2wK,eid=10.4.0.0/24',
	          'name=site-d,key=delta-key-Zq3V9mXp7LtR2wK,eid=10.5.0.0/24' ]
	control_socket = "$RUN/ms.sock"
	register_interval = 5
	lisp_sec = required
	lisp_sec_key = "mr-secret"
	EOC
	cat >"$RUN/a.conf" <<-EOC
	role = "xtr"
	rlocs = [ '192.0.2.1' ]
	database = [ '10.1.0.0/24' ]
	map_servers = [ '192.0.2.100,key=alpha-key-Zq3V9mXp7LtR2wK' ]
	map_resolvers = [ '192.0.2.100' ]
	control_socket = "$RUN/a.sock"
	register_interval = 5
	map_request_retries = 0
	lisp_sec = required
	lisp_sec_key = "mr-secret"
	EOC
	cat >"$RUN/b.conf" <<-EOC
	role = "xtr"
	rlocs = [ '192.0.2.2' ]
	database = [ '10.2.0.0/24', '2001:db8:b::/48' ]
	map_servers = [ '192.0.2.100,key=bravo-key-Zq3V9mXp7LtR2wK' ]
	map_resolvers = [ '192.0.2.100' ]
	control_socket = "$RUN/b.sock"
	register_interval = 5
	map_request_retries = 0
	lisp_sec_key = "mr-secret"
	EOC
	cat >"$RUN/c.conf" <<-EOC
	role = "xtr"
	rlocs = [ '192.0.2.3' ]
	database = [ '10.4.0.0/24' ]
	map_servers = [ '192.0.2.100,key=charlie-key-Zq3V9mXp7LtR2wK' ]
	map_resolvers = [ '192.0.2.100' ]
	control_socket = "$RUN/c.sock"
	register_interval = 5
	lisp_sec = off
	EOC
	cat >"$RUN/d.conf" <<-EOC
	role = "xtr"
	rlocs = [ '192.0.2.4' ]
	database = [ '10.5.0.0/24' ]
	map_servers = [ '192.0.2.100,key=delta-key-Zq3V9mXp7LtR2wK,proxy_reply=yes' ]
	map_resolvers = [ '192.0.2.100' ]
	control_socket = "$RUN/d.sock"
	register_interval = 5
	lisp_sec_key = "mr-secret"
	EOC
}

# m_started N: m's log has more than N "registered" lines
m_started() {
	[ "$(grep -c '^registered' "$RUN/m.log" 2>/dev/null)" -gt "$1" ]
}

# cnt_ge NODE COUNTER N: the counter is at least N
cnt_ge() {
	[ "$(cnt "$1" "$2")" -ge "$3" ]
}

# attacker MODE EID: m registers 10.3.0.0/24 and answers one request
attacker() {
	local n
	n=$(grep -c '^registered' "$RUN/m.log" 2>/dev/null) || true
	ip netns exec "${PFX}m" python3 tests/xtr/lispsec_attacker.py \
	    192.0.2.100 mallory-key-Zq3V9mXp7LtR2wK 10.3.0.0/24 192.0.2.66 "$1" 1 \
	    "$RUN/m.log" >>"$RUN/m.err" 2>&1 &
	ATT_PID=$!
	XTR_PIDS="$XTR_PIDS $ATT_PID"
	# listening (it writes the line once bound and registered)
	xtr_wait 10 m_started "${n:-0}" ||
	    die "m did not start: $(cat "$RUN/m.log" "$RUN/m.err")"
	xtr_wait 10 xtr_has_reg ms 10.3.0.0/24 192.0.2.66 ||
	    die "m did not register: $(cat "$RUN/m.log" "$RUN/m.err")"
	xtr_ctl a resolve "$2" >/dev/null || die "resolve $2"
	xtr_wait 10 bash -c "! kill -0 $ATT_PID 2>/dev/null" ||
	    die "m got no Map-Request for $2: $(cat "$RUN/m.log")"
	wait "$ATT_PID" || die "attacker failed: $(cat "$RUN/m.log" "$RUN/m.err")"
	# reaped: its PID may be reused, so the cleanup must not kill it
	XTR_PIDS=${XTR_PIDS/ $ATT_PID/}
	grep -q "answered $1" "$RUN/m.log" || die "m did not answer: $(cat "$RUN/m.log")"
}

cnt() { xtr_counter "$1" "\"$2\""; }

no_entry() {
	[ "$(xtr_jq a "[.entries[] | select(.eid == \"$1\")] | length" map-cache)" = 0 ]
}

# neg_entry NODE EID ACTION: a negative map-cache entry with that action
neg_entry() {
	[ "$(xtr_jq "$1" "[.entries[] | select(.eid == \"$2\" and .negative and .action == \"$3\")] | length" map-cache)" = 1 ]
}

# §6.7.2: d asked for proxy replies: the MS answers, signed
check_proxy() {
	xtr_wait 10 xtr_registered d || die "D not registered"
	xtr_ctl a resolve 10.5.0.5 >/dev/null
	xtr_wait 5 xtr_cached a 10.5.0.0/24 192.0.2.4 ||
	    die "A did not cache D's proxy reply: $(xtr_ctl a map-cache)"
}

# r_listening: the legacy Map-Resolver is up
r_listening() {
	grep -q '^listening' "$RUN/r.log" 2>/dev/null
}

# optional against a Map-Resolver that cannot read LISP-SEC: unanswered
# twice, the request goes without it and is answered
check_legacy_mr() {
	local out pid
	ip netns exec "${PFX}r" python3 tests/xtr/legacy_mr.py 192.0.2.77 1 \
	    "$RUN/r.log" >>"$RUN/r.err" 2>&1 &
	pid=$!
	XTR_PIDS="$XTR_PIDS $pid"
	xtr_wait 10 r_listening || die "r did not start: $(cat "$RUN/r.err")"
	out=$(xtr_ctl d lig 10.9.9.7 192.0.2.77 timeout 15000) ||
	    die "lig through a Map-Resolver without LISP-SEC: $out"
	echo "$out" | grep -q negative || die "lig via r: $out"
	wait "$pid" || die "r: $(cat "$RUN/r.log" "$RUN/r.err")"
	XTR_PIDS=${XTR_PIDS/ $pid/}
	[ "$(grep -c 'dropped an ECM with S' "$RUN/r.log")" = 2 ] ||
	    die "r did not see two protected requests: $(cat "$RUN/r.log")"
	[ "$(cnt d lispsec_downgraded)" = 1 ] || die "d did not count the fallback"
}

# §6.7 Table 1 row 3: c's ETR does not sign (registered without S)
check_cant_sign() {
	xtr_wait 10 xtr_registered c || die "C not registered"
	xtr_ctl a resolve 10.4.0.5 >/dev/null
	xtr_wait 5 neg_entry a 10.4.0.0/24 drop-auth-failure ||
	    die "A (required) has no signed negative entry for C: $(xtr_ctl a map-cache)"
	xtr_ctl b resolve 10.4.0.5 >/dev/null
	xtr_wait 5 cnt_ge b lispsec_downgraded 1 ||
	    die "B (optional) did not downgrade for C"
	xtr_wait 5 xtr_cached b 10.4.0.0/24 192.0.2.3 ||
	    die "B did not get C's mapping: $(xtr_ctl b map-cache)"
}

check_honest() {
	xtr_wait 10 xtr_registered a || die "A not registered"
	xtr_wait 10 xtr_registered b || die "B not registered"
	xtr_ctl a resolve 10.2.0.5 >/dev/null
	xtr_wait 5 xtr_cached a 10.2.0.0/24 192.0.2.2 ||
	    die "A did not cache B: $(xtr_ctl a counters | grep -i lispsec)"
	[ "$(cnt a lispsec_verified)" -ge 1 ] || die "A verified nothing"
	[ "$(cnt b lispsec_signed)" -ge 1 ] || die "B signed nothing"
	[ "$(cnt ms lispsec_signed)" -ge 1 ] || die "MS forwarded nothing signed"
	# a lig goes the same way, also to the Map-Resolver over IPv6 (an
	# IPv6 inner header after the AD), and an IPv6 EID-AD
	xtr_ctl a lig 10.2.0.9 | grep -q '192.0.2.2 ' || die "lig through LISP-SEC"
	xtr_ctl a lig 10.2.0.10 2001:db8:ffff::100 | grep -q '192.0.2.2 ' ||
	    die "lig through LISP-SEC over IPv6"
	xtr_ctl a resolve 2001:db8:b::5 >/dev/null
	xtr_wait 5 xtr_cached a 2001:db8:b::/48 192.0.2.2 ||
	    die "A did not cache B's IPv6 EID: $(xtr_ctl a map-cache)"
	# an unregistered EID: the MS's own negative reply, signed
	xtr_ctl a resolve 10.9.9.9 >/dev/null
	xtr_wait 5 bash -c "$BIN/xtrctl -s $RUN/a.sock --json map-cache |
	    jq -e '[.entries[] | select(.negative)] | length >= 1'" ||
	    die "no signed negative reply accepted"
}

check_attacks() {
	local before
	before=$(cnt a map_reply_accepted)
	attacker overclaim 10.3.0.5
	xtr_wait 5 cnt_ge a drop_lispsec_scope 1 ||
	    die "the /8 overclaim was not refused: $(xtr_ctl a map-cache)"
	no_entry 10.0.0.0/8 || die "A cached the /8: $(xtr_ctl a map-cache)"
	grep -q "lies outside the EID-Prefixes" "$RUN/a.log" ||
	    die "no log line for the overclaim"
	# refused for its scope alone: the crafter (Python, not lisp/) read
	# our ECM AD, unwrapped the MS-OTK and built an EID-AD copy and a PKT
	# HMAC that a verified, an independent check of the wire format
	[ "$(cnt a drop_lispsec_pkt_hmac)" = 0 ] && [ "$(cnt a drop_lispsec_eid_hmac)" = 0 ] ||
	    die "the crafter's HMACs did not verify"
	attacker tamper 10.3.0.77
	xtr_wait 5 cnt_ge a drop_lispsec_pkt_hmac 1 ||
	    die "the tampered PKT-AD was not refused"
	grep -q "LISP-SEC check failed" "$RUN/a.log" ||
	    die "no log line for the tampered reply"
	attacker plain 10.3.0.99
	xtr_wait 5 cnt_ge a drop_lispsec_missing 1 ||
	    die "a reply without LISP-SEC was accepted under required"
	no_entry 10.3.0.0/24 || die "A cached m's prefix: $(xtr_ctl a map-cache)"
	[ "$(cnt a map_reply_accepted)" = "$before" ] ||
	    die "A accepted a reply from m"
	xtr_cached a 10.2.0.0/24 192.0.2.2 || die "A lost B's mapping"
	for n in ms a b c d; do
		kill -0 "$(ip netns pids "${PFX}$n" | head -n1)" ||
		    die "$n died"
	done
	xtr_ctl a counters | grep -E 'lispsec' || true
}

# tshark_sec: in the MS's capture, tshark shows the S bit of a's ECM, of
# b's Map-Register and of b's signed Map-Reply (which goes to a, not via the
# MS: a's capture)
tshark_sec() {
	local f=$1 field=$2 out
	out=$(tshark -r "$f" -d udp.port==4342,lisp -Y "$field == 1" \
	    2>/dev/null) || true
	[ -n "$out" ]
}

check_tshark() {
	[ -n "${CAP_MS:-}" ] || { echo "no tcpdump: tshark check skipped"; return 0; }
	command -v tshark >/dev/null || { echo "no tshark: check skipped"; return 0; }
	CAP_PID=$CAP_MS
	xtr_capture_stop 10 tshark_sec "$RUN/ms.pcap" lisp.ecm.flags.sec
	CAP_PID=$CAP_A
	xtr_capture_stop 10 tshark_sec "$RUN/a.pcap" lisp.mrep.flags.sec
	tshark_sec "$RUN/ms.pcap" lisp.ecm.flags.sec ||
	    die "tshark: no ECM with S"
	tshark_sec "$RUN/ms.pcap" lisp.mreg.flags.sec ||
	    die "tshark: no Map-Register with S"
	tshark_sec "$RUN/a.pcap" lisp.mrep.flags.sec ||
	    die "tshark: no Map-Reply with S"
	# what tshark makes of the rest (it has no LISP-SEC AD fields: the
	# ECM's AD is shown as data where it looks for the inner IP header)
	tshark -r "$RUN/a.pcap" -V -d udp.port==4342,lisp \
	    -Y 'lisp.mrep.flags.sec == 1' >"$RUN/tshark-reply.txt" 2>/dev/null ||
	    true
	tshark -r "$RUN/ms.pcap" -V -d udp.port==4342,lisp \
	    -Y 'lisp.ecm.flags.sec == 1' >"$RUN/tshark-ecm.txt" 2>/dev/null ||
	    true
	grep -q "S bit (LISP-SEC capable): Set" "$RUN/tshark-reply.txt" ||
	    die "tshark -V: no S bit in the Map-Reply"
}

xtr_need
python3 -c 'import cryptography' 2>/dev/null || skip "needs python3-cryptography"
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 b:2 c:3 d:4 m:66 r:77
write_confs
if command -v tcpdump >/dev/null; then
	xtr_capture "${PFX}ms" eth0 "$RUN/ms.pcap" udp port 4342
	CAP_MS=$CAP_PID
	xtr_capture "${PFX}a" eth0 "$RUN/a.pcap" udp port 4342
	CAP_A=$CAP_PID
fi
xtr_start ms "$RUN/ms.conf"
xtr_start a "$RUN/a.conf"
xtr_start b "$RUN/b.conf"
xtr_start c "$RUN/c.conf"
xtr_start d "$RUN/d.conf"
check_honest
check_proxy
check_cant_sign
check_legacy_mr
check_attacks
check_tshark
echo "xtr_lispsec: ok"
