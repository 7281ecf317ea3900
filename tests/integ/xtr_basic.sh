#!/bin/bash
# xtr_basic.sh: an MS/MR and two xTRs, three xtrd in their own network
# namespaces on one bridge, real UDP 4342.  Both xTRs register (checked
# through the API and by decoding the captured Map-Register/Map-Notify
# with tshark); each resolves the other's EID with `xtrctl lig` and into
# its map-cache; an EID nobody registered gets a negative reply.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1 keeps
# the run directory.  Namespaces: xb-*.  Run directory: build/xtr_basic.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xb-
RUN=$PWD/build/xtr_basic
. tests/xtr/lib.sh

write_confs() {
	cat >"$RUN/ms.conf" <<-EOC
	role = "ms"
	sites = [ 'name=site-a,key=alpha-key-Zq3V9mXp7LtR2wK,eid=10.1.0.0/16,eid=2001:db8:a::/48,more_specifics=yes',
	          'name=site-b,key=bravo-key-Zq3V9mXp7LtR2wK,alg=hmac-sha1,key_id=1,eid=10.2.0.0/24' ]
	control_socket = "$RUN/ms.sock"
	register_interval = 5
	registration_timeout = 15
	api_tcp = "127.0.0.1:8042"
	api_token_file = "$RUN/ms.token"
	EOC
	head -c 32 /dev/urandom | base64 >"$RUN/ms.token"
	chmod 0600 "$RUN/ms.token"
	cat >"$RUN/a.conf" <<-EOC
	role = "xtr"
	rlocs = [ '192.0.2.1', '2001:db8:ffff::1' ]
	database = [ '10.1.0.0/24,priority=1,weight=100,ttl=60', '2001:db8:a::/48' ]
	map_servers = [ '192.0.2.100,key=alpha-key-Zq3V9mXp7LtR2wK' ]
	map_resolvers = [ '192.0.2.100' ]
	control_socket = "$RUN/a.sock"
	register_interval = 5
	EOC
	cat >"$RUN/b.conf" <<-EOC
	role = "xtr"
	rlocs = [ '192.0.2.2' ]
	database = [ '10.2.0.0/24,priority=2,weight=50,ttl=30' ]
	map_servers = [ '192.0.2.100,key=bravo-key-Zq3V9mXp7LtR2wK,alg=hmac-sha1,key_id=1' ]
	map_resolvers = [ '192.0.2.100' ]
	control_socket = "$RUN/b.sock"
	register_interval = 5
	EOC
}

start_capture() {
	command -v tcpdump >/dev/null || return 0
	xtr_capture "${PFX}ms" eth0 "$RUN/ms.pcap" udp port 4342
}

check_registrations() {
	xtr_wait 10 xtr_registered a || die "A not registered"
	xtr_wait 10 xtr_registered b || die "B not registered"
	xtr_has_reg ms 10.1.0.0/24 192.0.2.1 || die "MS lacks A's 10.1.0.0/24"
	xtr_has_reg ms 2001:db8:a::/48 192.0.2.1 || die "MS lacks A's IPv6 EID"
	xtr_has_reg ms 10.2.0.0/24 192.0.2.2 || die "MS lacks B's 10.2.0.0/24"
	[ "$(xtr_jq ms '.registrations[] | select(.eid == "10.2.0.0/24") | .rlocs[0].priority' registrations)" = 2 ] ||
	    die "B's priority not registered"
	xtr_ctl ms registrations
	xtr_ctl a database
}

# the API is on TCP only where configured (the MS), never elsewhere
check_api_tcp() {
	local out
	out=$(ip netns exec "${PFX}ms" curl -s -H "Authorization: Bearer \
$(cat "$RUN/ms.token")" http://127.0.0.1:8042/v1/sites) ||
	    die "no TCP API on the MS"
	echo "$out" | jq -e '.sites | length == 2' >/dev/null ||
	    die "TCP API answer: $out"
	if command -v ss >/dev/null; then
		[ -z "$(ip netns exec "${PFX}a" ss -Hltn)" ] ||
		    die "A listens on TCP: $(ip netns exec "${PFX}a" ss -ltn)"
	fi
	[ "$(stat -c %a "$RUN/a.sock")" = 600 ] || die "API socket not 0600"
}

# tshark_regs: tshark decodes, in the capture as it is written, a
# Map-Register (type 3) for each EID of A and B, with the want-notify
# flag, and a Map-Notify (type 4) answering each
tshark_regs() {
	tshark -r "$RUN/ms.pcap" -T json -d udp.port==4342,lisp \
	    2>/dev/null > "$RUN/ms.json" || true
	python3 - "$RUN/ms.json" <<-'PY'
	import json, sys
	pk = json.load(open(sys.argv[1]))
	def walk(o, out):
	    if isinstance(o, dict):
	        for k, v in o.items():
	            out.append((k, v)); walk(v, out)
	    elif isinstance(o, list):
	        for v in o: walk(v, out)
	    return out
	seen = {3: set(), 4: set()}
	wmn = 0
	for p in pk:
	    lisp = p["_source"]["layers"].get("lisp")
	    if lisp is None: continue
	    kv = walk(lisp, [])
	    t = [v for k, v in kv if k == "lisp.type"]
	    if not t: continue
	    t = int(t[0])
	    if t not in seen: continue
	    for k, v in kv:
	        if k in ("lisp.mapping.eid.ipv4", "lisp.mapping.eid.ipv6"):
	            seen[t].add(v)
	        if t == 3 and k == "lisp.mreg.flags.wmn" and v == "1":
	            wmn += 1
	print("tshark Map-Register EIDs:", sorted(seen[3]))
	print("tshark Map-Notify EIDs:", sorted(seen[4]))
	for t in (3, 4):
	    for e in ("10.1.0.0", "10.2.0.0", "2001:db8:a::"):
	        if e not in seen[t]:
	            sys.exit("tshark: no type %d message for %s" % (t, e))
	if wmn == 0:
	    sys.exit("tshark: no Map-Register with the M bit")
	PY
}

check_tshark() {
	[ -n "${CAP_PID:-}" ] || { echo "no tcpdump: tshark check skipped"; return 0; }
	command -v tshark >/dev/null || { echo "no tshark: check skipped"; return 0; }
	xtr_capture_stop 10 tshark_regs
	tshark_regs
}

check_resolution() {
	local out
	out=$(xtr_ctl a lig 10.2.0.5) || die "lig from A failed: $out"
	echo "$out"
	echo "$out" | grep -q '10.2.0.0/24' || die "lig: no 10.2.0.0/24"
	echo "$out" | grep -q '192.0.2.2 ' || die "lig: no RLOC 192.0.2.2"
	out=$(xtr_ctl b lig 2001:db8:a::1 192.0.2.100) || die "lig from B failed"
	echo "$out" | grep -q '2001:db8:a::/48' || die "lig v6: $out"
	xtr_ctl a resolve 10.2.0.5 >/dev/null
	xtr_ctl b resolve 10.1.0.7 >/dev/null
	xtr_wait 5 xtr_cached a 10.2.0.0/24 192.0.2.2 || die "A did not cache B"
	xtr_wait 5 xtr_cached b 10.1.0.0/24 192.0.2.1 || die "B did not cache A"
	xtr_cached b 10.1.0.0/24 2001:db8:ffff::1 || die "B lacks A's v6 RLOC"
	xtr_ctl a map-cache
	xtr_ctl b map-cache
	out=$(xtr_ctl a lig 10.9.9.9) || die "lig for unregistered space failed"
	echo "$out" | grep -q 'negative' || die "no negative reply: $out"
	# the same over IPv6 to the Map-Resolver
	out=$(xtr_ctl a lig 10.2.0.5 2001:db8:ffff::100) || die "lig over v6: $out"
	echo "$out" | grep -q '192.0.2.2 ' || die "lig over v6: $out"
}

# SIGHUP re-reads the database: A gains a mapping without a restart
check_reload() {
	sed -i "s|^database = .*|database = [ '10.1.0.0/24,priority=1,weight=100,ttl=60', '2001:db8:a::/48', '10.1.0.128/25' ]|" "$RUN/a.conf"
	kill -HUP "$(ip netns pids "${PFX}a" | head -n1)"
	xtr_wait 5 xtr_has_reg ms 10.1.0.128/25 192.0.2.1 ||
	    die "reload did not register 10.1.0.128/25"
	xtr_has_reg ms 10.1.0.0/24 192.0.2.1 || die "reload lost 10.1.0.0/24"
}

# B stops refreshing: the MS drops its registration after three missed
# refreshes (register_interval 5 s), A's stay.
check_expiry() {
	local pid
	pid=$(ip netns pids "${PFX}b" | head -n1)
	kill "$pid"
	xtr_wait 25 bash -c "$BIN/xtrctl -s $RUN/ms.sock --json timeline |
	    jq -e '[.events[] | select(.event == \"registration-expired\" and .eid == \"10.2.0.0/24\")] | length == 1'" ||
	    die "B's registration did not expire"
	xtr_has_reg ms 10.1.0.0/24 192.0.2.1 || die "A's registration went too"
	[ "$(xtr_counter ms ms_expired)" = 1 ] || die "ms_expired is not 1"
}

xtr_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 a:1 b:2
write_confs
start_capture
xtr_start ms "$RUN/ms.conf"
xtr_start a "$RUN/a.conf"
xtr_start b "$RUN/b.conf"
check_registrations
check_api_tcp
check_resolution
check_tshark
check_reload
check_expiry
[ "$(xtr_counter ms drop_auth_fail)" = 0 ] || die "MS saw auth failures"
echo "xtr_basic: ok"
