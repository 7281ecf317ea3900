#!/bin/bash
# ms_iid.sh: issue 15 finding 7, sites and registrations keyed by
# (Instance-ID, prefix) (RFC 8060 §4.1).  The Map-Server has sites one
# ([1]10.5.0.0/24) and two ([2]10.5.0.0/24): the same prefix in two IIDs,
# and cl (10.3.0.0/24, IID 0) for the real xTR C.  One's ETR (192.0.2.11)
# registers with proxy-reply, two's (192.0.2.12) without; both are crafted
# (tests/xtr/lispcraft.py, the Instance-ID LCAF), since xtrd's ETR
# registers in IID 0.
#   - Asserted: both registrations held, each with its IID; an ECM
#     Map-Request for [1]10.5.0.9 is answered by the MS with one's RLOC and
#     IID 1; one for [2]10.5.0.9 is forwarded to two's ETR (and never to
#     one's); [3]10.5.0.9 gets a negative reply naming IID 3; C's lig of
#     10.5.0.9 (IID 0) is negative: no IID leaks into another.
#   - The attacker X (192.0.2.66) holds one's key: its Map-Register of
#     [2]10.5.0.0/24 (another site's IID) is refused (drop_auth_fail: that
#     (IID, prefix) is two's, whose key it lacks), of 10.5.0.0/24 in IID 0
#     and in IID 3 too (drop_unknown_site); two's registration still names
#     192.0.2.12 and requests still go there; the MS runs.
#   - The MS is restarted with its journal: both IIDs' registrations are
#     read back with their IIDs.
#   Before the fix xtrd refused the site prefixes ("bad site EID prefix"),
#   and every Instance-ID but 0 (drop_eid_not_allowed).
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: mi<pid>-*.
# Run directory: build/ms_iid.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mi-
RUN=$PWD/build/ms_iid
. tests/xtr/lib.sh
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
K1=k1-Zq3V9mXp7LtR2wK
K2=k2-Zq3V9mXp7LtR2wK
K3=k3-Zq3V9mXp7LtR2wK
ID1=11111111111111111111111111111111
ID2=22222222222222222222222222222222

write_confs() {
	mkdir -p "$RUN/ms-state"
	h_ms_conf ms "name=one,key=$K1,eid=[1]10.5.0.0/24" \
	    "name=two,key=$K2,eid=[2]10.5.0.0/24" "name=cl,key=$K3,eid=10.3.0.0/24"
	printf 'state_dir = "%s"\nregister_interval = 2\n' "$RUN/ms-state" \
	    >>"$RUN/ms.conf"
	h_xtr_conf c 192.0.2.3 192.0.2.100 "$K3"
	printf "database = [ '10.3.0.0/24,ttl=60' ]\nregister_interval = 2\n" \
	    >>"$RUN/c.conf"
}

craft() {	# NODE DEST KIND OPTION...: lispcraft from NODE's namespace
	local n=$1
	shift
	h_in "$n" "$PY" tests/xtr/lispcraft.py "$@"
}

register() {	# NODE KEY XTR_ID NONCE OPTION...: a Map-Register of 10.5.0.0/24
	local n=$1 key=$2 id=$3 nonce=$4
	shift 4
	craft "$n" 192.0.2.100 map-register eid=10.5.0.0/24 key="$key" \
	    xtr_id="$id" nonce="$nonce" ttl=60 "$@"
}

# IID FROM: the MS holds 10.5.0.0/24 in IID from FROM
has_iid_reg() {
	[ "$(xtr_jq ms "[.registrations[] | select(.eid == \"10.5.0.0/24\" and
	    (.iid // 0) == $1 and .from == \"$2\")] | length" registrations)" = 1 ]
}

# IID HOST [SECS]: an ECM Map-Request for [IID]10.5.0.HOST from Q (a new
# HOST for each round: the MS limits its Map-Replies per ITR and EID)
ask() {
	craft q 192.0.2.100 ecm-request eid="10.5.0.$2/32" iid="$1" \
	    itr=192.0.2.5 sport=4342 wait="${3:-2}"
}

cnt() {
	local v
	v=$(xtr_counter "$1" "$2")
	[ "$v" = null ] && v=0
	echo "$v"
}

ecms_at() {	# FILE: ECMs (type 8) the listener got
	grep -c '"type": 8' "$1" 2>/dev/null || true
}

iid2_forwarded() {	# N HOST: more than N ECMs at two's ETR after asking
	ask 2 "$2" 0.3 >/dev/null
	[ "$(ecms_at "$RUN/two.jsonl")" -gt "$1" ]
}

check_answers() {	# WHEN HOST: the answers for IIDs 1, 2, 3 and 0
	local before h=$2
	ask 1 "$h" | tee "$RUN/ask1.jsonl" >/dev/null
	grep '"type": 2' "$RUN/ask1.jsonl" | grep -q '"eid": "\[1\]10.5.0.0/24"' ||
	    die "$1: no Map-Reply for [1]10.5.0.0/24: $(cat "$RUN/ask1.jsonl")"
	grep '"type": 2' "$RUN/ask1.jsonl" | grep -q '"rloc": "192.0.2.11"' ||
	    die "$1: IID 1's reply does not name one's RLOC"
	if grep -q '"rloc": "192.0.2.12"' "$RUN/ask1.jsonl"; then
		die "$1: IID 1's reply names two's RLOC"
	fi
	before=$(ecms_at "$RUN/two.jsonl")
	xtr_wait 10 iid2_forwarded "$before" "$h" ||
	    die "$1: the Map-Request for IID 2 did not reach two's ETR"
	[ "$(ecms_at "$RUN/one.jsonl")" = 0 ] ||
	    die "$1: a Map-Request reached one's ETR (192.0.2.11)"
	ask 3 "$h" | tee "$RUN/ask3.jsonl" >/dev/null
	grep '"type": 2' "$RUN/ask3.jsonl" | grep '"eid": "\[3\]' |
	    grep -q '"locs": \[\]' ||
	    die "$1: IID 3 not answered negative: $(cat "$RUN/ask3.jsonl")"
	xtr_ctl c lig "10.5.0.$h" >"$RUN/lig.txt" 2>&1 || true
	if grep -Eq "192\\.0\\.2\\.1[12]" "$RUN/lig.txt"; then
		die "$1: C's lig in IID 0 named an ETR of IID 1 or 2: $(cat "$RUN/lig.txt")"
	fi
	echo "$1: [1] proxy-replied with 192.0.2.11, [2] forwarded to 192.0.2.12, [3] and IID 0 negative"
}

xtr_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
xtr_net ms:100 c:3 s1:11 s2:12 q:5 x:66
write_confs
# the ETRs of one and two: what the MS forwards to them
h_bg s1 "$RUN/s1.log" "$PY" tests/xtr/lispcraft.py listen 192.0.2.11 4342 600 \
    out="$RUN/one.jsonl"
XTR_PIDS="$XTR_PIDS $H_LAST"
h_bg s2 "$RUN/s2.log" "$PY" tests/xtr/lispcraft.py listen 192.0.2.12 4342 600 \
    out="$RUN/two.jsonl"
XTR_PIDS="$XTR_PIDS $H_LAST"
xtr_start ms "$RUN/ms.conf"
MS_PID=${XTR_PIDS##* }
xtr_start c "$RUN/c.conf"
xtr_wait 10 xtr_registered c || die "C not registered"

register s1 "$K1" "$ID1" 100 iid=1 rloc=192.0.2.11 proxy=1
register s2 "$K2" "$ID2" 100 iid=2 rloc=192.0.2.12
xtr_wait 10 has_iid_reg 1 192.0.2.11 ||
    die "one's registration in IID 1 not held: $(xtr_ctl ms registrations 2>&1 | head -20)"
xtr_wait 10 has_iid_reg 2 192.0.2.12 || die "two's registration in IID 2 not held"
[ "$(xtr_jq ms '[.sites[] | select(.name == "two") | .eids[]] | join(",")' sites)" = \
    "[2]10.5.0.0/24" ] || die "GET /v1/sites does not show two's prefix as [2]10.5.0.0/24"
check_answers "registered" 9

# the attacker, with one's key: two's IID, IID 0, an IID of no site
auth=$(cnt ms drop_auth_fail)
unk=$(cnt ms drop_unknown_site)
register x "$K1" "$ID1" 200 iid=2 rloc=192.0.2.66 proxy=1
register x "$K1" "$ID1" 201 rloc=192.0.2.66 proxy=1
register x "$K1" "$ID1" 202 iid=3 rloc=192.0.2.66 proxy=1
attack_counted() {
	[ "$(cnt ms drop_auth_fail)" -gt "$auth" ] &&
	    [ "$(cnt ms drop_unknown_site)" -ge $((unk + 2)) ]
}
xtr_wait 10 attack_counted || die "the crafted registrations were not counted \
(drop_auth_fail $auth -> $(cnt ms drop_auth_fail), drop_unknown_site $unk -> \
$(cnt ms drop_unknown_site))"
echo "attacker: drop_auth_fail $auth -> $(cnt ms drop_auth_fail), drop_unknown_site $unk -> $(cnt ms drop_unknown_site)"
kill -0 "$MS_PID" 2>/dev/null || die "the MS died"
if [ "$(xtr_jq ms '[.registrations[] | select(.from == "192.0.2.66")] | length' \
    registrations)" != 0 ]; then
	die "the MS holds a registration from the attacker"
fi
has_iid_reg 2 192.0.2.12 || die "two's registration lost"
has_iid_reg 1 192.0.2.11 || die "one's registration lost"
check_answers "after the attack" 10

# the journal keeps the IIDs across a restart
kill "$MS_PID"
xtr_wait 10 sh -c "! kill -0 $MS_PID 2>/dev/null" || die "the MS did not stop"
grep -q ' \[2\]10.5.0.0/24 ' "$RUN/ms-state/ms.journal" ||
    die "the journal has no [2]10.5.0.0/24: $(cat "$RUN/ms-state/ms.journal")"
xtr_start ms "$RUN/ms.conf"
MS_PID=${XTR_PIDS##* }
xtr_wait 10 has_iid_reg 1 192.0.2.11 || die "IID 1's registration not restored"
xtr_wait 10 has_iid_reg 2 192.0.2.12 || die "IID 2's registration not restored"
check_answers "after the restart" 11
echo "ms_iid: ok"
