#!/bin/bash
# install_tree.sh: `make install DESTDIR=<fresh dir>` puts every program,
# script, unit, man page and configuration where Xen's own tools and Debian
# keep theirs, and `make uninstall` takes it all away again.  Checked on the
# installed tree:
#   - the expected files, with their modes (configurations 0600: keys)
#   - systemd-analyze verify on the units (relocated into DESTDIR, so that
#     ExecStart= and the Documentation= man pages resolve there); skipped,
#     with the reason, where systemd-analyze cannot run
#   - every man page renders without a warning (groff -man -ww -z and
#     MANWIDTH=80 man --warnings -l)
#   - shellcheck on the installed scripts
#   - the installed daemons accept the installed configurations (-n)
#   - a second install keeps a configuration the operator changed, and
#     uninstall keeps it too; everything else is gone
# Arguments: none.  Environment: B is not used (make install builds in
# build/).  Exit: 0 pass, 77 skip (reason on the last line), 1 fail.
set -eu -o pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
D=
fails=0

die() { echo "install_tree: FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
cleanup() { [ -z "$D" ] || rm -rf "$D"; }

EXPECT_FILES="
usr/local/sbin/xtrd 755
usr/local/sbin/migrated 755
usr/local/sbin/xl-migrate-lisp 755
usr/local/bin/xtrctl 755
usr/local/bin/migratectl 755
usr/local/bin/openlisp-import 755
etc/xen/scripts/vif-lisp 755
etc/xen/scripts/vif-post.d/lisp.hook 755
lib/systemd/system/xtrd.service 644
lib/systemd/system/migrated.service 644
usr/lib/sysusers.d/migrated.conf 644
etc/xen/xtrd.conf 600
etc/xen/migrated.conf 600
etc/xen/xlexample.lisp-pvh 600
etc/xen/two-datacenters/README 600
etc/xen/two-datacenters/dc1-xtrd.conf 600
etc/xen/two-datacenters/dc2-xtrd.conf 600
etc/xen/two-datacenters/ms-xtrd.conf 600
etc/xen/two-datacenters/migrated.conf 600
usr/local/share/man/man1/xl-migrate-lisp.1 644
usr/local/share/man/man1/openlisp-import.1 644
usr/local/share/man/man5/xtrd.conf.5 644
usr/local/share/man/man5/migrated.conf.5 644
usr/local/share/man/man8/xtrd.8 644
usr/local/share/man/man8/xtrctl.8 644
usr/local/share/man/man8/migrated.8 644
usr/local/share/man/man8/migratectl.8 644
usr/local/share/man/man8/vif-lisp.8 644
"

check_files() {
	local f mode got
	while read -r f mode; do
		[ -n "$f" ] || continue
		if [ ! -f "$D/$f" ]; then
			fail "not installed: $f"
			continue
		fi
		got=$(stat -c %a "$D/$f")
		[ "$got" = "$mode" ] || fail "$f: mode $got, expected $mode"
	done <<<"$EXPECT_FILES"
	grep -q "^ExecStart=/usr/local/sbin/xtrd -d -f /etc/xen/xtrd.conf$" \
		"$D/lib/systemd/system/xtrd.service" || fail "xtrd.service: ExecStart"
	! find "$D" -name 'test_*' -o -name 'fuzz_*' -o -name 'xs_ctl' | grep -q . ||
		fail "test programs installed"
	echo "checked files"
}

check_units() {
	local u why
	if ! command -v systemd-analyze >/dev/null; then
		echo "note: systemd-analyze verify skipped: no systemd-analyze"
		return 0
	fi
	mkdir -p "$D.verify"
	printf '[Unit]\nDescription=probe\n[Service]\nExecStart=/bin/true\n' >"$D.verify/probe.service"
	if ! why=$(systemd-analyze verify "$D.verify/probe.service" 2>&1); then
		echo "note: systemd-analyze verify skipped: it fails on a trivial unit here: $why"
		rm -rf "$D.verify"
		return 0
	fi
	for u in xtrd migrated; do
		sed -e "s|/usr/local/|$D/usr/local/|g" -e "s|/etc/xen/|$D/etc/xen/|g" \
			"$D/lib/systemd/system/$u.service" >"$D.verify/$u.service"
	done
	MANPATH=$D/usr/local/share/man systemd-analyze verify \
		"$D.verify/xtrd.service" "$D.verify/migrated.service" >"$D.verify/log" 2>&1 ||
		fail "systemd-analyze verify: $(cat "$D.verify/log")"
	[ ! -s "$D.verify/log" ] || fail "systemd-analyze verify warns: $(cat "$D.verify/log")"
	rm -rf "$D.verify"
	echo "checked units"
}

check_man() {
	local p out
	for p in "$D"/usr/local/share/man/man?/*; do
		out=$(groff -man -ww -z "$p" 2>&1) || fail "groff: $p"
		[ -z "$out" ] || fail "groff warns on ${p##*/}: $out"
		out=$(MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null) || fail "man -l: $p"
		[ -z "$out" ] || fail "man warns on ${p##*/}: $out"
	done
	echo "checked man pages"
}

check_scripts() {
	if ! command -v shellcheck >/dev/null; then
		echo "note: shellcheck skipped: not installed"
		return 0
	fi
	shellcheck "$D/usr/local/sbin/xl-migrate-lisp" "$D/etc/xen/scripts/vif-lisp" \
		"$D/etc/xen/scripts/vif-post.d/lisp.hook" || fail "shellcheck"
	echo "checked scripts"
}

check_configs() {
	local f
	for f in xtrd.conf two-datacenters/dc1-xtrd.conf two-datacenters/dc2-xtrd.conf \
		two-datacenters/ms-xtrd.conf; do
		"$D/usr/local/sbin/xtrd" -n -f "$D/etc/xen/$f" 2>/dev/null ||
			fail "installed xtrd rejects $f"
	done
	for f in migrated.conf two-datacenters/migrated.conf; do
		"$D/usr/local/sbin/migrated" -n -f "$D/etc/xen/$f" 2>/dev/null ||
			fail "installed migrated rejects $f"
	done
	echo "checked configurations"
}

check_keep_and_uninstall() {
	local left
	echo "# changed by the operator" >>"$D/etc/xen/xtrd.conf"
	make -s -C "$top" install DESTDIR="$D" >"$D.log" 2>&1 || fail "second install: $(tail -5 "$D.log")"
	grep -q "^# changed by the operator$" "$D/etc/xen/xtrd.conf" ||
		fail "second install replaced a changed xtrd.conf"
	make -s -C "$top" uninstall DESTDIR="$D" >"$D.log" 2>&1 || fail "uninstall: $(tail -5 "$D.log")"
	[ -f "$D/etc/xen/xtrd.conf" ] || fail "uninstall removed a changed xtrd.conf"
	rm -f "$D/etc/xen/xtrd.conf" "$D.log"
	left=$(find "$D" -type f -o -type l)
	[ -z "$left" ] || fail "left after uninstall: $left"
	echo "checked uninstall"
}

main() {
	command -v make >/dev/null || skip "no make"
	command -v groff >/dev/null || skip "no groff (groff-base)"
	command -v man >/dev/null || skip "no man (man-db)"
	trap cleanup EXIT
	trap 'exit 1' INT TERM
	D=$(mktemp -d /tmp/install_tree.XXXXXX)
	make -s -C "$top" install DESTDIR="$D" >"$D.log" 2>&1 ||
		{ tail -30 "$D.log"; rm -f "$D.log"; die "make install failed"; }
	rm -f "$D.log"
	check_files
	check_units
	check_man
	check_scripts
	check_configs
	check_keep_and_uninstall
	[ "$fails" -eq 0 ] || die "$fails check(s) failed"
	echo "install_tree: all checks passed"
}

main "$@"
