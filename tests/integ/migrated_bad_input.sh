#!/bin/bash
# migrated_bad_input.sh: malformed input everywhere, counted and survived.
#   xenstore: a vif with a bad MAC, one with a 1000-byte MAC, one on an
#     unknown bridge, one without a MAC yet "connected", a frontend state
#     that is not a number, a non-numeric devid, an absurd domain name;
#   frames: malformed ARP/RARP/NA and 300 random frames from a guest;
#   API: bad JSON, unknown fields, wrong types, a huge body, unknown path
#     and method, an unknown domid.
# Each lands in its named counter; migrated keeps running, and a good
# guest migrating afterwards is still detected.  Arguments: none.
# Environment: BIN, KEEP_RUN.  Namespaces: mbi-*.  Run directory:
# build/migrated_bad_input.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mbi-
RUN=$PWD/build/migrated_bad_input
. tests/tools/mig_lib.sh

BE=/local/domain/0/backend/vif/20

api() {
	local method=$1 path=$2 body=${3:-}
	if [ -n "$body" ]; then
		curl -s -o /dev/null -w '%{http_code}' --unix-socket \
		    "$RUN/mig-dst.sock" -X "$method" \
		    -H 'Content-Type: application/json' --data-binary "$body" \
		    "http://m$path"
	else
		curl -s -o /dev/null -w '%{http_code}' --unix-socket \
		    "$RUN/mig-dst.sock" -X "$method" "http://m$path"
	fi
}

expect_counter() {
	local v
	v=$(mig_counter dst "$1")
	[ "$v" -ge "${2:-1}" ] || mig_fail "counter $1 is $v"
	echo "  $1 = $v"
}

alive() {
	kill -0 "$MIG_PIDS_dst" 2>/dev/null || mig_fail "migrated died"
	mig_ctl dst status >/dev/null || mig_fail "migrated does not answer"
}

mig_need
command -v curl >/dev/null || skip "needs curl"
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup

# --- xenstore ---
xs_host dst
xs_domain_create 20 junk1
xs_vif_add 20 0 zz:16:3e:00:00:20 xenbr0
xs_vif_hotplug 20 0
xs_vif_add 20 1 00:16:3e:00:00:21 xenbr0
xenstore-write "$BE/1/mac" "$(printf '0%.0s' $(seq 1 1000))"
xs_vif_hotplug 20 1
xs_vif_add 20 2 00:16:3e:00:00:22 otherbr
xs_vif_hotplug 20 2
xs_vif_add 20 3 00:16:3e:00:00:23 xenbr0
xenstore-rm "$BE/3/mac"
xs_vif_hotplug 20 3
xenstore-write "$BE/bogus/mac" 00:16:3e:00:00:24
# a frontend state is read only for a vif the backend made (issue 16): a
# good vif 4 whose guest writes junk into its state
xs_vif_add 20 4 00:16:3e:00:00:25 xenbr0
xs_vif_hotplug 20 4
xenstore-write /local/domain/20/device/vif/4/state "four"
xenstore-write /local/domain/20/name "$(printf 'n%.0s' $(seq 1 300))"
sleep 1
alive
echo "xenstore counters:"
expect_counter xs_vif_bad_mac
expect_counter xs_value_too_long
expect_counter xs_vif_unknown_bridge
expect_counter xs_vif_missing_mac
expect_counter xs_bad_fe_state
expect_counter xs_bad_path
[ "$(mig_jq dst '[.domains[] | select(.domid == 20) | .vifs[].devid] | join(",")' status)" = 4 ] ||
    mig_fail "a bad vif was accepted"

# --- frames ---
mig_vm_at dst web2 8 00:16:3e:00:00:06
ip netns exec "${PFX}dstg8" python3 tests/tools/mig_junk_frames.py eth0 300
sleep 1
alive
echo "frame counters:"
mig_jq dst '.counters | to_entries[] | select(.key | startswith("frame_")) | "  \(.key) = \(.value)"' status
n=$(mig_jq dst '[.counters | to_entries[] | select(.key | startswith("frame_")) | .value] | add // 0' status)
[ "$n" -ge 10 ] || mig_fail "only $n malformed frames counted"
expect_counter frame_arp_bad_header
expect_counter frame_icmp6_bad_checksum
expect_counter frame_na_hop_limit

# --- API ---
[ "$(api POST /v1/vif '{"action":')" = 400 ] || mig_fail "truncated JSON"
[ "$(api POST /v1/vif '[1,2]')" = 400 ] || mig_fail "not an object"
[ "$(api POST /v1/vif '{"action":"online","domid":8,"devid":0,"vif":"vif8.0","bridge":"xenbr0","mac":"00:16:3e:00:00:06","x":1}')" = 400 ] ||
    mig_fail "unknown field"
[ "$(api POST /v1/vif '{"action":"online","domid":"8","devid":0}')" = 400 ] ||
    mig_fail "domid as a string"
[ "$(api POST /v1/vif '{"action":"online","domid":-1,"devid":0}')" = 400 ] ||
    mig_fail "negative domid"
[ "$(api POST /v1/vif '{"action":"online","domid":999,"devid":0,"vif":"v","bridge":"xenbr0","mac":"00:16:3e:00:00:06"}')" = 404 ] ||
    mig_fail "unknown domid"
[ "$(api POST /v1/vif '{"action":"online","domid":8,"devid":0,"vif":"vif8.0","bridge":"xenbr0","mac":"nope"}')" = 400 ] ||
    mig_fail "bad mac"
[ "$(api POST /v1/departure '{"domain":"web2","dest_rlocs":["not-an-ip"]}')" = 400 ] ||
    mig_fail "bad rloc"
[ "$(api POST /v1/departure '{"domain":"nosuch","dest_rlocs":["192.0.2.9"]}')" = 404 ] ||
    mig_fail "unknown domain"
big=$(head -c 40000 /dev/zero | tr '\0' 'a')
[ "$(api POST /v1/vif "{\"action\":\"$big\"}")" = 413 ] || mig_fail "huge body"
[ "$(api GET /v1/nothing)" = 404 ] || mig_fail "unknown path"
[ "$(api DELETE /v1/status)" = 405 ] || mig_fail "bad method"
[ "$(api POST /v1/departure '{"domain":"web2","dest_rlocs":["192.0.2.9"]}')" = 200 ] ||
    mig_fail "a good departure was refused"
alive
echo "API counters:"
expect_counter api_bad_request 5
expect_counter api_bad_json 2
expect_counter api_body_too_large
expect_counter api_not_found

# --- still works ---
mig_vm_at src web1 3 00:16:3e:00:00:05
mig_vif dst 7 0 00:16:3e:00:00:05
xlr_migrate "$RUN/xs-src" 3 "$RUN/xs-dst" 7
xtr_wait 10 mig_registered_at_ms 198.51.100.5/32 192.0.2.2 ||
    mig_fail "a good guest is no longer detected"
alive
echo "migrated_bad_input: ok"
