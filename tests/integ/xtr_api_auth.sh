#!/bin/bash
# xtr_api_auth.sh: the control API against a local user (issue 16,
# finding 4).  User `nobody` on the Dom0 tries to add 10.3.0.99/32 (space
# another site may hold) to what xtrd registers:
#  - xtrd -n refuses api_tcp on an address others reach (0.0.0.0, the
#    RLOC), api_tcp without api_token_file, a token file others can read
#    and a weak token, each at its file:line;
#  - over TCP (127.0.0.1) without a token and with a wrong one: HTTP 401,
#    counted (drop_api_auth), the database and the Map-Server unchanged;
#    xtrctl -t with the token file gets in;
#  - the unix socket is srw------- root: nobody cannot connect at all
#    (the directory above it is open, so the socket's mode is what says
#    no), and no request reached xtrd.
# Arguments: none.  Environment: BIN, KEEP_RUN.  Namespaces: xk<pid>-*.
# Run directory: build/xtr_api_auth.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=xk-
RUN=$PWD/build/xtr_api_auth
. tests/xtr/lib.sh
KEY=dc-key-Zq3V9mXp7LtR2wK
EID=10.3.0.99/32

as_nobody() {	# CMD...: in a's namespace as nobody, no capabilities
	ip netns exec "${PFX}a" setpriv --reuid nobody --regid nogroup \
	    --clear-groups --inh-caps=-all --bounding-set=-all "$@"
}

# post_as_nobody [TOKEN]: nobody's database/add over TCP; the HTTP status
post_as_nobody() {
	local auth=()
	[ -z "${1:-}" ] || auth=(-H "Authorization: Bearer $1")
	as_nobody curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
	    "${auth[@]}" -H 'Content-Type: application/json' \
	    -d "{\"eid\":\"$EID\"}" http://127.0.0.1:8042/v1/database/add ||
	    true
}

has_eid() {	# NODE: its database holds $EID
	[ "$(xtr_jq "$1" "[.mappings[] | select(.eid == \"$EID\")] | length" \
	    database)" != 0 ]
}

# refused LINE TOKEN CONF: xtrd -n refuses CONF with "CONF:LINE: ... 'TOKEN'"
refused() {
	local out
	if out=$("$BIN/xtrd" -n -f "$3" 2>&1); then
		die "xtrd -n accepted $(grep -v '^#' "$3" | tr '\n' ' ')"
	fi
	grep -qF "$3:$1: " <<<"$out" && grep -qF "'$2'" <<<"$out" ||
	    die "xtrd -n: no '$3:$1: ... '$2'' in: $out"
	echo "refused: $(head -1 <<<"$out")"
}

xtr_need
command -v curl >/dev/null && command -v setpriv >/dev/null ||
    skip "needs curl and setpriv"
trap xtr_cleanup EXIT
xtr_net ms:100 a:1
chmod 0755 "$RUN"
head -c 32 /dev/urandom | base64 >"$RUN/token"
chmod 0600 "$RUN/token"

h_ms_conf ms "name=dc,key=$KEY,eid=10.1.0.0/16,eid=10.3.0.0/24,more_specifics=yes"
h_xtr_conf a 192.0.2.1 192.0.2.100 "$KEY"
cp "$RUN/a.conf" "$RUN/base.conf"
echo "database = [ '10.1.0.0/24' ]" >>"$RUN/a.conf"

# --- xtrd -n --------------------------------------------------------------
for addr in 0.0.0.0:8042 192.0.2.1:8042 '[::]:8042'; do
	cp "$RUN/base.conf" "$RUN/bad.conf"
	printf 'api_tcp = "%s"\n' "$addr" >>"$RUN/bad.conf"
	n=$(wc -l <"$RUN/base.conf")
	refused "$((n + 1))" "$addr" "$RUN/bad.conf"
done
cp "$RUN/base.conf" "$RUN/bad.conf"
echo 'api_tcp = "127.0.0.1:8042"' >>"$RUN/bad.conf"
refused "$((n + 1))" api_token_file "$RUN/bad.conf"
echo "api_token_file = \"$RUN/token\"" >>"$RUN/bad.conf"
cp "$RUN/token" "$RUN/open.token"
chmod 0644 "$RUN/open.token"
sed "s|$RUN/token|$RUN/open.token|" "$RUN/bad.conf" >"$RUN/bad2.conf"
refused "$((n + 2))" "$RUN/open.token" "$RUN/bad2.conf"
echo secret >"$RUN/weak.token"
chmod 0600 "$RUN/weak.token"
sed "s|$RUN/token|$RUN/weak.token|" "$RUN/bad.conf" >"$RUN/bad2.conf"
refused "$((n + 2))" "$RUN/weak.token" "$RUN/bad2.conf"
"$BIN/xtrd" -n -f "$RUN/bad.conf" >/dev/null 2>&1 ||
    die "xtrd -n refused api_tcp on 127.0.0.1 with a good token file"

# --- the running xtrd ------------------------------------------------------
printf 'api_tcp = "127.0.0.1:8042"\napi_token_file = "%s"\n' "$RUN/token" \
    >>"$RUN/a.conf"
xtr_start ms "$RUN/ms.conf"
xtr_start a "$RUN/a.conf"
xtr_wait 20 xtr_registered a || die "a did not register"

code=$(post_as_nobody)
[ "$code" = 401 ] || die "nobody without a token: HTTP $code, not 401"
code=$(post_as_nobody "$(head -c 32 /dev/urandom | base64)")
[ "$code" = 401 ] || die "nobody with a wrong token: HTTP $code, not 401"
[ "$(xtr_counter a drop_api_auth)" = 2 ] ||
    die "drop_api_auth: $(xtr_counter a drop_api_auth), not 2"
! has_eid a || die "nobody added $EID to a's database"
! xtr_has_reg ms "$EID" 192.0.2.1 || die "$EID registered at the MS"
grep -qE "API over TCP from 127.0.0.1: (no|wrong) token" "$RUN/a.log" ||
    die "no log line for the refused requests"
echo "nobody over TCP: 401 twice, counted, nothing added"

# the token's holder gets in (xtrctl reads the token file)
ip netns exec "${PFX}a" "$BIN/xtrctl" -t 127.0.0.1:8042 -k "$RUN/token" \
    status >/dev/null || die "xtrctl -t with the token refused"
ip netns exec "${PFX}a" "$BIN/xtrctl" -t 127.0.0.1:8042 -k "$RUN/open.token" \
    status >/dev/null || die "xtrctl -t (a copy of the token) refused"
echo "xtrctl -t with the token file: in"

# --- the unix socket --------------------------------------------------------
mode=$(stat -c '%a %U' "$RUN/a.sock")
[ "$mode" = "600 root" ] || die "a.sock is $mode, not 600 root"
before=$(xtr_counter a api_requests)
if as_nobody curl -s --max-time 5 --unix-socket "$RUN/a.sock" \
    -H 'Content-Type: application/json' -d "{\"eid\":\"$EID\"}" \
    http://x/v1/database/add >"$RUN/nobody.out" 2>&1; then
	die "nobody connected to a.sock: $(cat "$RUN/nobody.out")"
fi
# the counter read itself is one request
[ "$(xtr_counter a api_requests)" = "$((before + 1))" ] ||
    die "a request of nobody's reached xtrd over a.sock"
! has_eid a || die "nobody added $EID over a.sock"
echo "nobody on a.sock ($mode): cannot connect"
echo "xtr_api_auth: ok"
