#!/bin/bash
# dom0-test.sh: the test itself, run inside dom0 by dom0-init.sh once the
# Xen toolstack is up.  Starts our daemons (installed from `make install`
# at their real paths under /usr/local, list in /e2e/installed.txt): xtrd
# as MS/MR + xTR and migrated (libxl mode) in dom0, a second xtrd as the
# remote ITR in the namespace e2e-itr; creates a PVH guest, has the remote
# ITR resolve its EID, live-migrates it to localhost with xl-migrate-lisp
# and checks what xl, migrated, both xtrds and the wrapper recorded (see
# start_daemons(), prime_remote(), check_daemons(); README.md).
#
# Prints one "E2E: PASS NAME" or "E2E: FAIL NAME: why" per check and
# "E2E: stage NAME" before each step; exits 0 only if every check passed.
#
# Environment (from dom0-init.sh; e2e.KEY=VALUE on the dom0 command line
# sets E2E_KEY):
#   E2E_BRIDGE        bridge the guest vif joins (xenbr0)
#   E2E_BRIDGE_ADDR   dom0's address on it (192.0.2.1/24)
#   E2E_GUEST_MEM     guest memory in MiB (default 128; 64 is too small
#                     for the kernel image of the Debian 6.1 kernel)
#   E2E_GUEST_IP      guest address (default 192.0.2.10/24)
#   E2E_GUEST_MAC     guest MAC (default 00:16:3e:00:e2:01)
#   E2E_GUEST_TIMEOUT seconds for the guest to boot (default 240; ~15 s on
#                     an idle machine, minutes when the host is loaded)
#   E2E_MIGRATE_TIMEOUT seconds for xl migrate (default 400; 10-17 s idle)
#   E2E_FPU_ALONE     seconds of fpu_stress before the guest exists (10)
# Files: /e2e/fpu_stress (the platform check), /e2e/migrated.alt (when present: run instead of the installed
# migrated, e.g. an ASan build, see build-dom0.sh XEN_E2E_MIGRATED),
# /e2e/guest.cfg.in (template), /e2e/vmlinuz, /e2e/guest-initrd;
# guest console log /var/log/xen/console/guest-NAME.log.
set -u -o pipefail

NAME=e2e-guest
BRIDGE=${E2E_BRIDGE:-xenbr0}
MEM=${E2E_GUEST_MEM:-128}
IP=${E2E_GUEST_IP:-192.0.2.10/24}
MAC=${E2E_GUEST_MAC:-00:16:3e:00:e2:01}
GUEST_TIMEOUT=${E2E_GUEST_TIMEOUT:-240}
MIGRATE_TIMEOUT=${E2E_MIGRATE_TIMEOUT:-400}
CFG=/tmp/$NAME.cfg
ARPLOG=/tmp/arp-migrate.txt
CONLOG=/var/log/xen/console/guest-$NAME.log
t0=$(date +%s)
# mark, note, stage, pass, fail (counts $fails), check, wait_for, js,
# sock_up, fpu_alone/fpu_start/fpu_stop (the platform check)
. /e2e/dom0-lib.sh

# what helps to see why a step failed
debug_dump() {
	echo "--- xl list"; xl list
	echo "--- guest console $CONLOG"; tail -n 30 "$CONLOG" 2>/dev/null
	echo "--- xl dmesg"; xl dmesg | tail -n 20
	echo "--- dmesg"; dmesg | tail -n 20
	echo "--- ip link"; ip -br link
}

domid_of() { xl domid "$1" 2>/dev/null; }

render_cfg() {
	sed -e "s|@NAME@|$NAME|g" -e "s|@MEM@|$MEM|g" \
		-e "s|@KERNEL@|/e2e/vmlinuz|g" -e "s|@RAMDISK@|/e2e/guest-initrd|g" \
		-e "s|@MAC@|$MAC|g" -e "s|@IP@|$IP|g" -e "s|@BRIDGE@|$BRIDGE|g" \
		/e2e/guest.cfg.in > "$CFG"
}

# --- our daemons: xtrd (MS/MR + xTR) and migrated in dom0, a remote ITR --
# dom0 (RLOC 192.0.2.1 on xenbr0) runs xtrd with role "both": Map-Server /
# Map-Resolver for the site "dc" (192.0.2.0/24, more-specifics accepted)
# and "client" (203.0.113.0/24), and the xTR whose database migrated fills
# with the guest's EID.  migrated (hypervisor = auto: libxl in a real dom0)
# watches xenbr0.  The namespace e2e-itr (veth on xenbr0, RLOC 192.0.2.3)
# runs a second xtrd, the remote ITR of site "client", which resolves the
# guest's EID before the migration.  All from `make install` (/usr/local).
D=/run/e2e
FPU_DIR=$D
EID=${IP%/*}
ITR_NS=e2e-itr
XSOCK=/run/xtrd/xtrd.sock
ISOCK=/run/xtrd/itr.sock
MSOCK=/run/migrated/migrated.sock
T_MIG_START=""

xc() { xtrctl -s "$XSOCK" "$@"; }
ic() { xtrctl -s "$ISOCK" "$@"; }
mc() { migratectl -s "$MSOCK" "$@"; }
itr_cached() {
	ic --json map-cache > $D/itr-cache.json 2>/dev/null &&
	[ "$(js $D/itr-cache.json "len([e for e in j.get('entries', []) if e['eid'].startswith('$EID/')])")" -ge 1 ]
}

start_daemons() {
	local n
	n=$(grep -c . /e2e/installed.txt 2>/dev/null || true)
	echo "installed from make install: ${n:-0} files"
	grep -E 'sbin|bin/|vif|hook' /e2e/installed.txt | sed 's/^/  /' | head -n 30
	mkdir -p $D /run/xtrd /run/migrated
	cat > $D/xtrd.conf <<-EOC
	role = "both"
	rlocs = [ '192.0.2.1' ]
	map_servers = [ '192.0.2.1,key=dc-key-Zq3V9mXp7LtR2wK' ]
	map_resolvers = [ '192.0.2.1' ]
	sites = [ 'name=dc,key=dc-key-Zq3V9mXp7LtR2wK,eid=192.0.2.0/24,more_specifics=yes',
	          'name=client,key=client-key-Zq3V9mXp7LtR2wK,eid=203.0.113.0/24' ]
	control_socket = "$XSOCK"
	register_interval = 60
	register_retry = 500
	EOC
	cat > $D/itr.conf <<-EOC
	role = "xtr"
	rlocs = [ '192.0.2.3' ]
	database = [ '203.0.113.0/24' ]
	map_servers = [ '192.0.2.1,key=client-key-Zq3V9mXp7LtR2wK' ]
	map_resolvers = [ '192.0.2.1' ]
	control_socket = "$ISOCK"
	register_interval = 60
	register_retry = 500
	EOC
	# notify_wait_ms: the SMRs wait at most this for the Map-Notify, which
	# migrated learns by polling xtrd; in the emulated dom0 right after a
	# migration one poll has taken over a second (map-notify-timeout while
	# xtrd had its Map-Notify 12 ms after the Map-Register)
	cat > $D/migrated.conf <<-EOC
	socket = "$MSOCK"
	xtrd_socket = "$XSOCK"
	hypervisor = auto
	notify_wait_ms = 3000
	heartbeat_ms = 1000
	bridge "$BRIDGE"
	vm "$NAME" eids = [ "$EID" ]
	EOC
	for m in /e2e/mods/*.ko*; do
		insmod "$m" || echo "E2E: note: insmod $m failed"
	done
	ip netns add $ITR_NS
	ip link add e2e-itr0 type veth peer name eth0 netns $ITR_NS
	ip link set e2e-itr0 master "$BRIDGE" up
	ip -n $ITR_NS link set lo up
	ip -n $ITR_NS addr add 192.0.2.3/24 dev eth0
	ip -n $ITR_NS link set eth0 up
	xtrd -d -v -f $D/xtrd.conf > $D/xtrd.log 2>&1 &
	ip netns exec $ITR_NS xtrd -d -v -f $D/itr.conf > $D/itr.log 2>&1 &
	check xtrd-up wait_for 20 sock_up "$XSOCK" || { tail -n 20 $D/xtrd.log; return 1; }
	check itr-up wait_for 20 sock_up "$ISOCK" || { tail -n 20 $D/itr.log; return 1; }
	MIGRATED=migrated
	if [ -x /e2e/migrated.alt ]; then
		MIGRATED=/e2e/migrated.alt
		echo "E2E: note: running $MIGRATED (XEN_E2E_MIGRATED)"
	fi
	ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 \
	UBSAN_OPTIONS=print_stacktrace=1 \
	$MIGRATED -d -vv -f $D/migrated.conf > $D/migrated.log 2>&1 &
	MIG_PID=$!
	check migrated-up wait_for 60 sock_up "$MSOCK" || { tail -n 20 $D/migrated.log; return 1; }
	mc status --json > $D/status0.json
	local hv
	hv=$(js $D/status0.json "j.get('hypervisor')")
	echo "migrated hypervisor mode: $hv"
	if [ "$hv" = libxl ]; then pass hv-libxl; else fail hv-libxl "hypervisor '$hv'"; fi
}

# after the guest booted: its EID registered from dom0, the remote ITR has
# it in its map-cache (as a host talking to the guest would)
prime_remote() {
	if wait_for 30 eid_registered; then pass eid-registered-before; else
		fail eid-registered-before "MS has no $EID/32"
		xc registrations; tail -n 20 $D/migrated.log
	fi
	# dom0's xTR talks to the client site too (its map-cache holds the
	# remote ITR's RLOC): that is whom xtrd sends SMRs to
	xc resolve 203.0.113.1 > /dev/null 2>&1 || true
	if wait_for 20 dom0_has_client; then pass dom0-cached-client; else
		fail dom0-cached-client "dom0's xTR has no 203.0.113.0/24"
		xc map-cache
	fi
	ic lig "$EID" || true
	ic resolve "$EID" > /dev/null 2>&1 || true
	if wait_for 20 itr_cached; then pass remote-cached; else
		fail remote-cached "remote ITR has no $EID in its map-cache"
		ic map-cache
	fi
	ic --json timeline > $D/itr-tl0.json
	ITR_SEQ0=$(js $D/itr-tl0.json "max([e['seq'] for e in j['events']] or [0])")
	ic --json status > $D/itr-status0.json 2>/dev/null || true
}

dom0_has_client() {
	xc --json map-cache > $D/dom0-cache.json 2>/dev/null &&
	[ "$(js $D/dom0-cache.json "len([e for e in j.get('entries', []) if e['eid'] == '203.0.113.0/24' and any(x['addr'] == '192.0.2.3' for x in e['rlocs'])])")" -ge 1 ]
}

eid_registered() {
	xc --json registrations > $D/regs.json 2>/dev/null &&
	[ "$(js $D/regs.json "len([r for r in j.get('registrations', []) if r['eid'] == '$EID/32' and any(x['addr'] == '192.0.2.1' for x in r['rlocs'])])")" -ge 1 ]
}

# t_us of the first EVENT of NAME's last incoming migration (the one the
# move made; the first "in" is xl create), or of its last outgoing one
mig_t() {
	js $D/migs.json "next((e['t_us'] for m in [m for m in j['migrations'] if m['domain'] == '$NAME' and m['direction'] == '${2:-in}'][-1:] for e in m['events'] if e['event'] == '$1'), None)"
}

itr_smr_received() {
	ic --json timeline > $D/itr-tl.json 2>/dev/null &&
	[ "$(js $D/itr-tl.json "len([e for e in j['events'] if e['event'] == 'smr-received' and e['seq'] > ${ITR_SEQ0:-0}])")" -ge 1 ]
}

check_daemons() {
	local ev ok
	stage daemons-check
	mc migrations --json > $D/migs.json
	echo "E2E: --- migrated timeline (migratectl migrations) ---"
	mc migrations | sed 's/^/E2E: tl /'
	js $D/migs.json "'\n'.join('E2E: mig %s %s %s' % (m['domain'], m['direction'], ' '.join('%s@%.3fs' % (e['event'], (e['t_us'] - m['events'][0]['t_us']) / 1e6) for e in m['events'])) for m in j['migrations'])"
	# the incoming domain and the rename of the source
	if grep -q -- "$NAME--incoming" $D/migs.json $D/migrated.log; then pass mig-saw-incoming; else fail mig-saw-incoming "no $NAME--incoming in migrated's timeline or log"; fi
	if grep -q -- "migratedaway" $D/migs.json $D/migrated.log ||
		[ -n "$(mig_t departing out)" ]; then pass mig-saw-migratedaway; else fail mig-saw-migratedaway "no --migratedaway / departing"; fi
	if [ -n "$(mig_t released out)" ]; then pass mig-released; else fail mig-released "no released in the outgoing timeline"; fi
	for ev in unpaused announcement register-sent smr-sent; do
		if [ -n "$(mig_t $ev)" ]; then pass "mig-$ev"; else fail "mig-$ev" "migrated's last $NAME timeline lacks $ev"; fi
	done
	if [ -n "$(mig_t map-notify)" ]; then pass mig-map-notify; else fail mig-map-notify "no map-notify (map-notify-timeout: '$(mig_t map-notify-timeout)')"; fi
	mc status --json > $D/status.json
	echo "arrival: $(js $D/status.json "[(d['name'], d.get('arrival'), d.get('state')) for d in j['domains']]")"
	# xtrd: the EID registered again after the migration started, SMRs
	xc --json timeline > $D/xtrd-tl.json
	echo "E2E: --- xtrd timeline (last 25) ---"
	xc timeline | tail -n 25 | sed 's/^/E2E: xtrd /'
	if wait_for 10 eid_registered; then pass eid-registered-after; else fail eid-registered-after "MS lost $EID/32"; fi
	n=$(js $D/xtrd-tl.json "len([e for e in j['events'] if e['event'] in ('register-sent', 'map-notify', 'map-notify-received') and e.get('eid', '').startswith('$EID') and e['seq'] > ${XTRD_SEQ0:-0}])")
	if [ "${n:-0}" -ge 1 ]; then pass xtrd-reregistered; else fail xtrd-reregistered "no register/map-notify for $EID after seq ${XTRD_SEQ0:-0}"; fi
	n=$(js $D/xtrd-tl.json "len([e for e in j['events'] if e['event'] == 'smr-sent' and e['seq'] > ${XTRD_SEQ0:-0}])")
	if [ "${n:-0}" -ge 1 ]; then pass xtrd-smr-sent; else fail xtrd-smr-sent "no smr-sent in xtrd's timeline"; fi
	# the wrapper's timeline: every step but the data-plane ones (no
	# traffic here) has a time
	local step missing=""
	for step in "memory transfer" "blackout (from stream end)" "announcement seen" \
		registered "SMRs sent" "source released"; do
		grep -F "$step " $D/wrapper.out | grep -qE '[0-9]+ +[0-9-]+ *$' &&
			! grep -F "$step " $D/wrapper.out | grep -qE ' - +- *$' ||
			missing="$missing '$step'"
	done
	if [ -z "$missing" ]; then pass wrapper-timeline; else fail wrapper-timeline "no time for$missing"; fi
	if wait_for 10 itr_smr_received; then pass remote-smr-received; else fail remote-smr-received "remote ITR timeline has no smr-received"; fi
	echo "E2E: --- remote ITR timeline (since the migration) ---"
	ic --json timeline > $D/itr-tl.json
	js $D/itr-tl.json "'\n'.join('E2E: itr %s %s %s %s' % (e['seq'], e['event'], e.get('eid', ''), e.get('detail', '') or '') for e in j['events'] if e['seq'] > ${ITR_SEQ0:-0})"
	n=$(js $D/itr-tl.json "len([e for e in j['events'] if e['seq'] > ${ITR_SEQ0:-0} and e['event'] == 'map-reply-accepted' and e.get('eid', '').startswith('$EID/') and 'smr-invoked' in (e.get('detail') or '')])")
	if [ "${n:-0}" -ge 1 ] && itr_cached; then pass remote-cache-refreshed; else fail remote-cache-refreshed "no smr-invoked map-reply-accepted for $EID, or not in the remote map-cache"; fi
	ic map-cache | grep -F "$EID" | sed 's/^/E2E: itr cache /'
	migrated_alive
}

# migrated still runs (it once died of heap corruption in libxl mode)
migrated_alive() {
	if kill -0 "${MIG_PID:-0}" 2>/dev/null; then pass migrated-alive; else
		wait "${MIG_PID:-0}" 2>/dev/null
		fail migrated-alive "migrated exited (status $?); end of its log:"
		tail -n 30 $D/migrated.log | sed 's/^/E2E: migrated.log /'
		# a sanitizer's report, whole (XEN_E2E_MIGRATED)
		# migrated's own fault report (migrated/crash.c): resolve with
		# addr2line -fie build/bin/migrated 0xOFFSET
		sed -n '/^migrated: fatal signal/,$p' $D/migrated.log |
			head -n 80 | sed 's/^/E2E: crash /'
		sed -n '/^==[0-9]*==ERROR\|runtime error:/,$p' $D/migrated.log |
			head -n 150 | sed 's/^/E2E: sanitizer /'
	fi
}
# -------------------------------------------------------------------------

guest_up() { grep -q "E2E-GUEST: up" "$CONLOG"; }
ping_guest() { ping -c 1 -W 1 "${IP%/*}"; }

# the guest's domain no longer exists (it died while booting)
guest_gone() { ! xl domid "$NAME" >/dev/null 2>&1; }
guest_up_or_gone() { guest_up || guest_gone; }

# xl create, with one more try when the hotplug script overran libxl's
# 40 s (compiled in): vif-bridge and the hooks it runs can take longer on
# a loaded host
create_once() {
	local n
	for n in 1 2; do
		xl create "$CFG" 2>&1 | tee /tmp/xl-create.log
		[ "${PIPESTATUS[0]}" -ne 0 ] || return 0
		if [ "$n" -eq 2 ] || ! grep -q 'because of timeout' /tmp/xl-create.log; then
			return 1
		fi
		note "xl create hit the hotplug timeout, trying once more"
		xl destroy "$NAME" 2>/dev/null
	done
}

t_create() {
	local boot booted_at
	render_cfg
	# Under emulation the PVH guest's kernel sometimes triple-faults early
	# in its boot (Xen: "d1v0 Triple fault - invoking HVM shutdown", the
	# domain is gone): seen now and then, with lazy and with eager FPU,
	# never after the guest was up (2 of ~12 boots).  Up to two more boots.
	for boot in 1 2 3; do
		if ! create_once; then
			fail create "xl create"
			return 1
		fi
		[ "$boot" -gt 1 ] || pass create
		booted_at=$(date +%s)
		wait_for "$GUEST_TIMEOUT" guest_up_or_gone || true
		if guest_up; then
			pass guest-boot
			break
		fi
		if [ "$boot" -lt 3 ] && guest_gone &&
		    xl dmesg | grep -q 'Triple fault'; then
			note "the guest died while booting ($(xl dmesg | grep -m 1 -o 'd[0-9]*v[0-9]* Triple fault.*')); creating it again (boot $((boot + 1)))"
			continue
		fi
		fail guest-boot "no 'E2E-GUEST: up' in $CONLOG after $(( $(date +%s) - booted_at ))s$(guest_gone && echo " ('xl domid $NAME' fails: the domain is gone, or xl itself died)")"
		debug_dump
		return 1
	done
	if wait_for 20 ping_guest; then pass ping-before; else fail ping-before "no reply from ${IP%/*}"; fi
}

# every 20 s while xl migrate runs: the incoming domain's memory grows as
# pages arrive (also keeps the console from looking hung)
migrate_progress() {
	local t=0
	while sleep 20; do
		t=$((t + 20))
		echo "migrating for ${t}s: $(xl list 2>/dev/null | awk -v n="$NAME" \
			'index($1, n) == 1 {printf "%s id %s %s MiB; ", $1, $2, $3}')"
	done
}

garp_seen() {
	grep -F "who-has ${IP%/*} tell ${IP%/*}" "$ARPLOG" | grep -qi "$MAC"
}

t_migrate() {
	local before after rc=0 tpid start mpid
	before=$(domid_of "$NAME")
	: > "$ARPLOG"
	tcpdump -i "$BRIDGE" --immediate-mode -n -e -l arp > "$ARPLOG" 2>/tmp/tcpdump.err &
	tpid=$!
	wait_for 10 grep -q listening /tmp/tcpdump.err ||
		fail tcpdump "tcpdump did not start: $(cat /tmp/tcpdump.err)"
	start=$(date +%s)
	migrate_progress &
	mpid=$!
	xc --json timeline > $D/xtrd-tl0.json
	XTRD_SEQ0=$(js $D/xtrd-tl0.json "max([e['seq'] for e in j['events']] or [0])")
	# our wrapper: preflight (migrated and xtrd "on the destination", here
	# with -s ""), migratectl departure, xl migrate, then the Map-Resolver
	# must answer the destination's RLOC.  -s "": run "xl migrate-receive"
	# here instead of over ssh; the incoming domain is NAME--incoming, the
	# source NAME--migratedaway
	timeout "$MIGRATE_TIMEOUT" xl-migrate-lisp -s "" "$NAME" "xl migrate-receive" \
		> $D/wrapper.out 2>&1 || rc=$?
	echo "E2E: --- xl-migrate-lisp output (rc $rc) ---"
	sed 's/^/E2E: wrapper /' $D/wrapper.out
	kill "$mpid" 2>/dev/null
	wait "$mpid" 2>/dev/null
	note "xl-migrate-lisp took $(( $(date +%s) - start ))s (rc $rc)"
	after=$(domid_of "$NAME")
	if [ "$rc" -eq 0 ]; then
		pass migrate
	else
		fail migrate "xl-migrate-lisp rc $rc"
		debug_dump
	fi
	if [ -n "$after" ] && [ "$after" != "$before" ]; then
		pass new-domid
	else
		fail new-domid "domid before '$before' after '$after'"
	fi
	if xl list | grep -q -e '--incoming' -e '--migratedaway'; then
		fail no-leftover "$(xl list)"
	else
		pass no-leftover
	fi
	if wait_for 15 garp_seen; then
		pass garp
		grep -F "who-has ${IP%/*} tell ${IP%/*}" "$ARPLOG" | head -n 3
	else
		fail garp "no gratuitous ARP from $MAC for ${IP%/*} on $BRIDGE"
		cat "$ARPLOG"
	fi
	kill "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	if wait_for 20 ping_guest; then pass ping-after; else fail ping-after "no reply from ${IP%/*}"; fi
	xl list
}

t_destroy() {
	check destroy xl destroy "$NAME"
}

main() {
	stage daemons
	start_daemons || { fails=$((fails + 1)); }
	# the platform check (dom0-lib.sh): 10 s before the guest exists, then
	# in the background while it boots and migrates
	stage fpu-alone
	fpu_alone platform-fpu-alone
	stage create
	fpu_start platform-fpu-guest
	if t_create; then
		stage prime-remote
		prime_remote
		stage migrate
		t_migrate
		check_daemons
		fpu_stop
		stage destroy
		t_destroy
	fi
	fpu_stop
	stage end
	mark "note: dom0 stage wall times:$STAGES (total $(( $(date +%s) - t0 ))s)"
	[ "$fails" -eq 0 ]
}

main
