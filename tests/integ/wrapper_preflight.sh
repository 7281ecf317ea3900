#!/bin/bash
# wrapper_preflight.sh: every preflight check of scripts/xl-migrate-lisp
# fails the way an operator needs: exit 1, "preflight failed, nothing was
# migrated", what is wrong and how to fix it; and nothing moved (`xl
# migrate` never ran, no departure was posted).  Two stand-in hosts
# (tests/tools/fake-hosts.sh): stand-in xl, ssh and daemons.
#
# Arguments: none.  Environment: WRAPPER_TEST_CLIS (fake|real, see
# tests/tools/fake-hosts.sh), B.
# Exit: 0 pass, 77 skip (reason on the last line), 1 fail.
set -eu -o pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
wrapper=$top/scripts/xl-migrate-lisp
T=
fails=0

die() { echo "wrapper_preflight: FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

cleanup() {
	fh_stop
	[ -z "$T" ] || rm -rf "$T"
}

# refused NAME EXPECTED-TEXT FIX-TEXT WRAPPER-ARGS...: the wrapper must
# refuse, with both texts on stderr, and move nothing
refused() {
	local name=$1 what=$2 fix=$3 rc=0
	shift 3
	: >"$FAKE_XL_DIR/argv.log"
	rm -f "$T/src/migrated/requests.jsonl"
	"$wrapper" "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 1 ] || fail "$name: exit $rc, expected 1"
	grep -qF "preflight failed, nothing was migrated" "$T/err" ||
		fail "$name: no 'nothing was migrated' line"
	grep -qF -- "$what" "$T/err" || fail "$name: no '$what' in: $(cat "$T/err")"
	grep -qF -- "fix: $fix" "$T/err" || fail "$name: no 'fix: $fix' in: $(cat "$T/err")"
	! grep -q '^migrate' "$FAKE_XL_DIR/argv.log" || fail "$name: xl migrate ran"
	! fh_requests src migrated | grep -q departure || fail "$name: departure posted"
	echo "checked $name"
}

accepted() {
	local name=$1 rc=0
	shift
	"$wrapper" --dry-run "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] || fail "$name: exit $rc: $(cat "$T/err")"
	echo "checked $name"
}

main() {
	# Debian's python3: a version manager's shim on PATH costs seconds a call
	[ -x /usr/bin/python3 ] && export PYTHON=/usr/bin/python3
	command -v "${PYTHON:-python3}" >/dev/null || skip "no python3"
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
	T=$(mktemp -d /tmp/wrapper_preflight.XXXXXX)
	fh_start "$T" || die "stand-in hosts did not start"
	local s=(-s "$FAKE_SSH")

	accepted "all good" "${s[@]}" web1 dst
	refused "no such domain" "domain 'nosuch' does not exist on this host" \
		"'xl list' shows the domains" "${s[@]}" nosuch dst
	refused "no EIDs" "domain 'plain' has no EIDs configured" \
		'add vm "plain" eids = [' "${s[@]}" plain dst
	refused "unknown to migrated" "migrated on this host does not know domain 'hvm1'" \
		"check that migrated watches xenstore" "${s[@]}" hvm1 dst
	refused "destination unreachable" "cannot reach gone with '$FAKE_SSH'" \
		"check that '$FAKE_SSH gone true' works without a password" "${s[@]}" web1 gone

	# PV guest, HAP-only hypervisor (Debian 12's 4.17 security build)
	echo "pv hvm hvm_directio pv_directio hap iommu_hap_pt_share" >"$FAKE_XL_DIR/virt_caps"
	refused "PV on HAP-only Xen" \
		"'web1' is a PV guest, and this hypervisor has no shadow paging (virt_caps: pv hvm hvm_directio pv_directio hap iommu_hap_pt_share)" \
		'run the guest as PVH (type = "pvh" in its config), or boot a Xen built with shadow paging' \
		"${s[@]}" web1 dst
	grep -qF "Failed to enable logdirty: 95" "$T/err" || fail "PV on HAP-only: the xl error is not named"
	# a PVH guest is fine there (domain "plain" is PVH: give it EIDs)
	cp "$T/src/migrated/responses/GET_v1_status.json" "$T/status.saved"
	sed 's/"eids": \[\]/"eids": ["192.0.2.11\/32"]/' "$T/status.saved" \
		>"$T/src/migrated/responses/GET_v1_status.json"
	accepted "PVH on HAP-only Xen" "${s[@]}" plain dst
	cp "$T/status.saved" "$T/src/migrated/responses/GET_v1_status.json"
	echo "pv hvm hap shadow" >"$FAKE_XL_DIR/virt_caps"

	# the destination's xtrd not registered, no RLOCs
	cp "$T/dst/xtrd/responses/GET_v1_status.json" "$T/xtrd.saved"
	fh_answer dst xtrd GET_v1_status '{"rlocs": [], "map_servers": [{"addr": "203.0.113.100", "registered": false}]}'
	refused "destination not registered" \
		"xtrd on dst is not registered with any Map-Server (map_servers: 203.0.113.100)" \
		"check map_servers and their keys in /etc/xen/xtrd.conf on dst" "${s[@]}" web1 dst
	grep -qF "xtrd on dst has no RLOCs" "$T/err" || fail "no RLOCs not reported"
	cp "$T/xtrd.saved" "$T/dst/xtrd/responses/GET_v1_status.json"

	# the destination's migrated does not watch xenbr0
	fh_answer dst migrated GET_v1_status '{"domains": [], "bridges": ["xenbr1"]}'
	refused "bridge not watched" \
		"migrated on dst does not watch bridge xenbr0, which 'web1' uses" \
		'add bridge "xenbr0" to /etc/xen/migrated.conf on dst' "${s[@]}" web1 dst

	# daemons down
	fh_stop_api dst migrated
	refused "destination migrated down" "migrated is not running on dst" \
		"on dst: systemctl start migrated" "${s[@]}" web1 dst
	fh_stop_api dst xtrd
	fh_stop_api src xtrd
	refused "local xtrd down" "xtrd is not running on this host" \
		"systemctl start xtrd" "${s[@]}" web1 dst
	fh_stop_api src migrated
	refused "local migrated down" "migrated is not running on this host" \
		"systemctl start migrated" "${s[@]}" web1 dst

	# usage errors exit 2
	local rc=0
	"$wrapper" -X web1 dst >/dev/null 2>&1 || rc=$?
	[ "$rc" = 2 ] || fail "unknown option: exit $rc, expected 2"
	rc=0
	"$wrapper" web1 >/dev/null 2>&1 || rc=$?
	[ "$rc" = 2 ] || fail "missing host: exit $rc, expected 2"

	[ "$fails" -eq 0 ] || die "$fails check(s) failed"
	echo "wrapper_preflight: all checks passed"
}

main "$@"
