#!/bin/bash
# migrated_guest_port.sh: hostile guests on one Dom0 (issue 16, findings 2,
# 3 and 8).  On dst, web2 (domid 8, static 198.51.100.6) and web3 (domid
# 9, no static EID; the bridge's dynamic range is 198.51.100.128/25) run.
#   port    web2 sends, into its own vif, gratuitous ARPs with web3's MAC
#           (Ethernet source and ARP sender) for 8 addresses of the range:
#           charged to the vif they came in by (web2's), counted spoof_mac,
#           none registered, web3 holds no EID and web2 only its own.
#           (Before: the bridge capture charged them to web3 by MAC and
#           filled its 8 dynamic slots.)
#   slots   web3 then claims 9 addresses itself: 8 are registered, the
#           9th is counted dyn_slots_full (before: dropped silently).
#   fsync   each claim rewrites the dynamic-eids file: strace on the
#           running migrated sees fsync of the temporary file before its
#           rename and fsync of the directory after (before: no fsync).
#   fe      web2 itself (its own requests over its own xenstore ring,
#           tests/lib/xs_guest.c: xenstored checks its permissions) writes
#           device/vif/<devid>/state for 8 devids no backend made (where
#           the toolstack gives it device/vif; with libxl 4.17's
#           permissions xenstored refuses the first, checked too) and junk
#           into its own vif's state: no vif slot is made (counted
#           xs_fe_unknown_vif), the junk is counted xs_bad_fe_state, and a
#           real vif the toolstack adds next (devid 1) is tracked.
#           (Before: 7 slots filled by the guest, the real vif counted
#           vif_table_full.)
#   priv    (finding 5) dst's migrated, once its captures, xenstore and
#           sockets are open, runs as user nobody (mig_lib's `user`):
#           every uid 65534, CapPrm, CapEff, CapBnd and CapAmb empty,
#           NoNewPrivs 1; its dynamic-eids directory is nobody's; a local
#           user (nobody, setpriv) cannot use its API socket.  (Before:
#           uid 0 with every capability.)
# Arguments: none.  Environment: BIN, MIGRATED, KEEP_RUN, GP_PARTS (the
# parts to run, default "port slots fe priv"; fsync goes with slots,
# checked first).
# Namespaces: gp-*.
# Run directory: build/migrated_guest_port.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=gp-
RUN=$PWD/build/migrated_guest_port
. tests/tools/mig_lib.sh

W2MAC=00:16:3e:00:00:06
W3MAC=00:16:3e:00:00:07

web3_eids() {
	mig_jq dst '.domains[] | select(.name == "web3") | .eids | length' status
}

web2_vifs() {
	mig_jq dst '.domains[] | select(.name == "web2") | .vifs | map(.devid) | sort | join(",")' status
}

counter_ge() {
	[ "$(mig_counter dst "$1")" -ge "$2" ]
}

mig_need
command -v strace >/dev/null || skip "needs strace"
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup
mig_vm_at dst web2 8 "$W2MAC"
mig_vm_at dst web3 9 "$W3MAC"
xtr_wait 10 mig_registered_at_ms 198.51.100.6/32 192.0.2.2 || mig_fail "web2"
xtr_wait 10 h_out_is true mig_jq dst '.domains[] | select(.name == "web3") | .owned' status ||
    mig_fail "web3 did not arrive"

part() {
	case " ${GP_PARTS:-port slots fe priv} " in *" $1 "*) return 0 ;; esac
	return 1
}

# --- port: web2 sends with web3's MAC -------------------------------------
if part port; then
for i in $(seq 140 147); do
	mig_guest dst 8 -t garp -a "198.51.100.$i" -m "$W3MAC" >/dev/null
done
port_seen() { counter_ge spoof_mac 8 || [ "$(web3_eids)" -ge 8 ]; }
xtr_wait 10 port_seen || true
[ "$(web3_eids)" = 0 ] ||
    mig_fail "port: web2's frames charged to web3: $(mig_jq dst '.domains[] | select(.name == "web3") | .eids | join(",")' status)"
counter_ge spoof_mac 8 ||
    mig_fail "port: web2's frames with web3's MAC not counted spoof_mac ($(mig_counter dst spoof_mac))"
[ "$(mig_jq dst '.domains[] | select(.name == "web2") | .eids | join(",")' status)" = 198.51.100.6/32 ] ||
    mig_fail "port: web2's EIDs changed"
for i in $(seq 140 147); do
	! mig_db_has dst "198.51.100.$i/32" || mig_fail "port: 198.51.100.$i registered"
done
echo "port: ok (spoof_mac $(mig_counter dst spoof_mac))"
fi

# --- slots and fsync: web3's own claims -------------------------------------
if part slots; then
xtr_wait 5 mig_vif_captured dst web3 || mig_fail "web3's vif not captured"
strace -f -tt -e trace=fsync,fdatasync,rename,renameat,renameat2 \
    -p "$MIG_PIDS_dst" -o "$RUN/strace.out" 2>"$RUN/strace.err" &
STRACE=$!
xtr_wait 5 grep -q attached "$RUN/strace.err" || true
for i in $(seq 150 158); do
	mig_guest dst 9 -t garp -a "198.51.100.$i" >/dev/null
done
xtr_wait 10 mig_registered_at_ms 198.51.100.157/32 192.0.2.2 ||
    mig_fail "slots: web3's 8th claim not registered"
kill "$STRACE" 2>/dev/null || true
wait "$STRACE" 2>/dev/null || true
# fsync(tmp fd) ... rename(tmp, dynamic-eids) ... fsync(dir fd), in order
awk '
	/fsync\(/ && !ren { f = 1 }
	/rename.*dynamic-eids\.tmp/ { if (f) ren = 1 }
	/fsync\(/ && ren { d = 1 }
	END { exit !(f && ren && d) }' "$RUN/strace.out" ||
    mig_fail "fsync: no fsync before and after the rename: $(grep -m3 'rename\|fsync' "$RUN/strace.out")"
echo "fsync: ok"
xtr_wait 10 counter_ge dyn_slots_full 1 ||
    mig_fail "slots: web3's 9th claim not counted dyn_slots_full"
! mig_db_has dst 198.51.100.158/32 || mig_fail "slots: a 9th EID registered"
[ "$(web3_eids)" = 8 ] || mig_fail "slots: web3 holds $(web3_eids) EIDs"
echo "slots: ok"
fi

# --- fe: frontend keys the guest owns ---------------------------------------
if part fe; then
xs_host dst
# As libxl 4.17 sets them up, the guest cannot make a devid: xenstored
# itself refuses (the guest's own request, over its ring).
if out=$(xs_as_guest 8 write /local/domain/8/device/vif/9/state 4); then
	mig_fail "fe: xenstored let the guest make device/vif/9"
fi
[ "$out" = EACCES ] || mig_fail "fe: xenstored answered '$out'"
# A toolstack that gives the guest its device/vif directory (older libxl
# gave it device/ whole): the guest makes 8 devids with a state of its own.
echo "chmod /local/domain/8/device/vif n8 r0" | xs_tx
for i in $(seq 10 17); do
	xs_as_guest 8 write "/local/domain/8/device/vif/$i/state" 4 ||
	    mig_fail "fe: the guest could not write its device/vif/$i"
done
fe_seen() { counter_ge xs_fe_unknown_vif 1 || [ "$(web2_vifs)" != 0 ]; }
xtr_wait 10 fe_seen || true
[ "$(web2_vifs)" = 0 ] || mig_fail "fe: the guest made vif slots $(web2_vifs)"
counter_ge xs_fe_unknown_vif 1 || mig_fail "fe: frontend-only devids not counted"
# its own vif's frontend, junk: a hint, counted, its slot untouched
xs_as_guest 8 write /local/domain/8/device/vif/0/state "connected!" ||
    mig_fail "fe: the guest could not write its own state"
xtr_wait 10 counter_ge xs_bad_fe_state 1 || mig_fail "fe: junk state not counted"
# the toolstack hot-plugs a second vif (xl network-attach)
xs_vif_add 8 1 00:16:3e:00:01:06 xenbr0
xs_vif_hotplug 8 1
xtr_wait 10 h_out_is 0,1 web2_vifs ||
    mig_fail "fe: web2's real vif 1 not tracked: $(web2_vifs); vif_table_full $(mig_counter dst vif_table_full)"
[ "$(mig_counter dst vif_table_full)" = 0 ] || mig_fail "fe: vif_table_full"
mig_registered_at_ms 198.51.100.6/32 192.0.2.2 || mig_fail "fe: web2 lost its EID"
echo "fe: ok (xs_fe_unknown_vif $(mig_counter dst xs_fe_unknown_vif))"
fi

# --- priv: what the daemon runs as -------------------------------------------
if part priv; then
st=/proc/$MIG_PIDS_dst/status
[ "$(cat "/proc/$MIG_PIDS_dst/comm")" = migrated ] || mig_fail "priv: $MIG_PIDS_dst is not migrated"
grep -E '^(Uid|Gid|CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs):' "$st"
[ "$(awk '/^Uid:/ { print $2 $3 $4 $5 }' "$st")" = 65534655346553465534 ] ||
    mig_fail "priv: migrated runs as $(grep ^Uid: "$st")"
[ "$(awk '/^CapEff:/ { print $2 }' "$st")" = 0000000000000000 ] ||
    mig_fail "priv: effective capabilities $(grep ^CapEff: "$st")"
[ "$(awk '/^CapPrm:/ { print $2 }' "$st")" = 0000000000000000 ] ||
    mig_fail "priv: permitted capabilities $(grep ^CapPrm: "$st")"
[ "$(awk '/^CapBnd:/ { print $2 }' "$st")" = 0000000000000000 ] ||
    mig_fail "priv: bounding set $(grep ^CapBnd: "$st")"
[ "$(awk '/^CapAmb:/ { print $2 }' "$st")" = 0000000000000000 ] ||
    mig_fail "priv: ambient $(grep ^CapAmb: "$st")"
[ "$(awk '/^NoNewPrivs:/ { print $2 }' "$st")" = 1 ] || mig_fail "priv: no_new_privs not set"
grep -q "running as user nobody (uid 65534" "$RUN/mig-dst.log" ||
    mig_fail "priv: the drop was not logged"
[ "$(stat -c %U "$RUN/state")" = nobody ] || mig_fail "priv: state directory not nobody's"
# a local user cannot drive it: the API socket stays root's
if setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$BIN/migratectl" -s "$RUN/mig-dst.sock" status >/dev/null 2>&1; then
	mig_fail "priv: user nobody used migrated's API"
fi
echo "priv: ok"
fi
echo "migrated_guest_port: ok"
