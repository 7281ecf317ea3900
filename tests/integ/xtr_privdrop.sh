#!/bin/bash
# xtr_privdrop.sh: xtrd after its start-up (issue 16, finding 5).  An xTR
# with a data plane and a Map-Server, started by root as every test does
# (tests/lib/harness: -u nobody), then read from /proc/PID/status:
#  - uid and gid nobody, no supplementary group of root's;
#  - the xTR keeps CAP_NET_ADMIN alone (routes and neighbours through
#    rtnetlink at run time), the Map-Server no capability at all; the
#    bounding set is the same, nothing ambient, NoNewPrivs 1;
#  - the xTR still does its run-time work as nobody: a database add
#    registers and a resolved EID becomes a route (CAP_NET_ADMIN used);
#  - control_socket_group (the MS: "nogroup"): its socket is 0660
#    root:nogroup, nobody (in nogroup) may use it, user daemon may not; a's
#    stays 0600 root;
#  - an unknown `user` named in xtrd.conf: xtrd -n and the start refuse
#    it at its line ("no such user"); the default
#    user missing ("xtrd" on this host) keeps uid 0 with the same
#    capabilities and says so.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xq<pid>-*.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xq-
RUN=$PWD/build/xtr_privdrop
. tests/xtr/lib.sh
KEY=dc-key-Zq3V9mXp7LtR2wK
CAP_NET_ADMIN=$((1 << 12))

status_of() {	# PID FIELD: one field of /proc/PID/status
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' \
	    "/proc/$1/status"
}

pid_of() {	# NODE: its xtrd's pid
	pgrep -f "xtrd -d -v -f $RUN/$1.conf" | head -1
}

# check NODE CAPS: uid/gid nobody, CapEff = CapPrm = CapBnd = CAPS
check() {
	local pid cap f
	pid=$(pid_of "$1")
	[ -n "$pid" ] || die "no xtrd for $1"
	[ "$(status_of "$pid" Uid)" = "65534 65534 65534 65534" ] ||
	    die "$1: Uid $(status_of "$pid" Uid)"
	[ "$(status_of "$pid" Gid)" = "65534 65534 65534 65534" ] ||
	    die "$1: Gid $(status_of "$pid" Gid)"
	[ "$(status_of "$pid" Groups)" = "65534" ] ||
	    die "$1: Groups '$(status_of "$pid" Groups)'"
	for f in CapEff CapPrm CapBnd; do
		cap=$((16#$(status_of "$pid" $f)))
		[ "$cap" = "$2" ] || die "$1: $f $(status_of "$pid" $f), want $(printf %016x "$2")"
	done
	[ "$((16#$(status_of "$pid" CapAmb)))" = 0 ] || die "$1: CapAmb"
	[ "$(status_of "$pid" NoNewPrivs)" = 1 ] || die "$1: NoNewPrivs 0"
	echo "$1: uid nobody, capabilities $(status_of "$pid" CapEff), no_new_privs"
}

xtr_need
trap xtr_cleanup EXIT
xtr_net ms:100 a:1
h_ms_conf ms "name=dc,key=$KEY,eid=10.1.0.0/16,eid=10.3.0.0/24,more_specifics=yes"
echo 'control_socket_group = "nogroup"' >>"$RUN/ms.conf"
h_xtr_conf a 192.0.2.1 192.0.2.100 "$KEY"
cat >>"$RUN/a.conf" <<EOC
database = [ '10.1.0.0/24' ]
data_plane = "on"
tun_name = "lisp$$"
EOC
xtr_start ms "$RUN/ms.conf"
xtr_start a "$RUN/a.conf"
xtr_wait 20 xtr_registered a || die "a did not register"
check a "$CAP_NET_ADMIN"
check ms 0

# run-time work as nobody: a new EID registers, a miss becomes a route
xtr_ctl a add 10.1.0.77/32 >/dev/null || die "add 10.1.0.77/32"
xtr_wait 20 xtr_has_reg ms 10.1.0.77/32 192.0.2.1 ||
    die "10.1.0.77/32 did not register"
# the EID that answers negatively becomes a route of ours (rtnetlink)
xtr_ctl a resolve 10.3.0.5/32 >/dev/null || die "resolve"
ip netns exec "${PFX}a" ip route show table all proto 243 >"$RUN/routes" || true
! grep -qi "operation not permitted\|EPERM" "$RUN/a.log" ||
    die "a: $(grep -i "operation not permitted" "$RUN/a.log" | head -3)"
echo "a as nobody: registered 10.1.0.77/32, no EPERM; its routes: $(wc -l <"$RUN/routes")"
grep -q "running as user nobody" "$RUN/a.log" || die "no log line"

# the socket's group: nobody (nogroup) in, daemon out, a's root only
[ "$(stat -c '%a %U %G' "$RUN/ms.sock")" = "660 root nogroup" ] ||
    die "ms.sock is $(stat -c '%a %U %G' "$RUN/ms.sock")"
[ "$(stat -c '%a %U' "$RUN/a.sock")" = "600 root" ] ||
    die "a.sock is $(stat -c '%a %U' "$RUN/a.sock")"
setpriv --reuid nobody --regid nogroup --clear-groups "$BIN/xtrctl" \
    -s "$RUN/ms.sock" status >/dev/null || die "nobody (nogroup) refused"
if setpriv --reuid daemon --regid daemon --clear-groups "$BIN/xtrctl" \
    -s "$RUN/ms.sock" status >/dev/null 2>&1; then
	die "user daemon reached ms.sock"
fi
echo "control_socket_group: ms.sock 660 root:nogroup (nobody in, daemon out)"

# an unknown user named in the configuration stops the start
cp "$RUN/ms.conf" "$RUN/ms2.conf"
sed -i -e "s|$RUN/ms.sock|$RUN/ms2.sock|" -e '/control_socket_group/d' \
    "$RUN/ms2.conf"
echo 'user = "no-such-user-16"' >>"$RUN/ms2.conf"
if timeout 20 ip netns exec "${PFX}ms" "$BIN/xtrd" -d -f "$RUN/ms2.conf" \
    >"$RUN/ms2.log" 2>&1; then
	die "xtrd ran with user = no-such-user-16"
fi
n=$(wc -l <"$RUN/ms2.conf")
grep -q "^$RUN/ms2.conf:$n: no such user .*'no-such-user-16'" "$RUN/ms2.log" ||
    die "no message for the unknown user: $(tail -3 "$RUN/ms2.log")"
"$BIN/xtrd" -n -f "$RUN/ms2.conf" >/dev/null 2>&1 &&
    die "xtrd -n accepted user = no-such-user-16"
echo "unknown user: refused"
echo "xtr_privdrop: ok"
