#!/bin/bash
# dp_config.sh: the data-plane keys of xtrd.conf.  `xtrd -nv` prints a
# data-plane configuration back so that it parses to the same text; a
# configuration without data_plane prints no data-plane key at all; every
# bad value is refused with "file:line: message 'token'".
# Arguments: none.  Environment: BIN (default build/bin).  No namespaces;
# run directory: build/dp_config.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-build/bin}
RUN=$PWD/build/dp_config.$$

die() { echo "FAIL: $*" >&2; exit 1; }
cleanup() { rm -rf "$RUN"; }

[ -x "$BIN/xtrd" ] || { echo "build xtrd first"; exit 77; }
trap cleanup EXIT
mkdir -p "$RUN"

base() {
	printf 'role = "xtr"\nrlocs = [ %s ]\ncontrol_socket = "%s"\n' \
	    "'192.0.2.1'" "$RUN/x.sock"
}

check_roundtrip() {
	{ base; cat <<-'EOC'
	data_plane = "on"
	tun_name = "lisp7"
	underlay_mtu = 9000
	site_interface = "xenbr0"
	eid_space = [ '10.0.0.0/8',
	              '2001:db8::/32' ]
	anycast_gateway = [ '10.1.0.1/24', '2001:db8:a::1/64' ]
	anycast_mac = "00:00:5e:00:01:01"
	miss_queue_prefix = 16
	miss_queue_total = 1024
	away_timeout = 90
	proxy_etrs = [ '192.0.2.50', '2001:db8:ffff::50' ]
	pxtr = "on"
	instance_id = 4097
	tun_offload = "off"
	rt_priority = 5
	EOC
	} > "$RUN/dp.conf"
	"$BIN/xtrd" -nv -f "$RUN/dp.conf" > "$RUN/p1.conf" || die "-nv failed"
	"$BIN/xtrd" -nv -f "$RUN/p1.conf" > "$RUN/p2.conf" || die "reparse failed"
	cmp -s "$RUN/p1.conf" "$RUN/p2.conf" || die "-nv does not round-trip"
	for k in 'tun_name = "lisp7"' 'anycast_gateway = \[ .10.1.0.1/24.' \
	    'instance_id = 4097' 'tun_offload = "off"' 'pxtr = "on"' \
	    'rt_priority = 5'; do
		grep -q "$k" "$RUN/p1.conf" || die "-nv lost: $k"
	done
	base > "$RUN/off.conf"
	if "$BIN/xtrd" -nv -f "$RUN/off.conf" | grep -qE \
	    '^(data_plane|tun_|eid_space|anycast)'; then
		die "data-plane keys printed while it is off"
	fi
	echo "round trip ok"
}

# bad LINE TOKEN: the line is refused and the message quotes TOKEN
bad() {
	local out
	{ base; echo "$1"; } > "$RUN/bad.conf"
	if out=$("$BIN/xtrd" -n -f "$RUN/bad.conf" 2>&1); then
		die "accepted: $1"
	fi
	grep -qF "bad.conf:4:" <<<"$out" || die "no file:line for $1: $out"
	grep -qF "'$2'" <<<"$out" || die "token '$2' not quoted for $1: $out"
}

check_errors() {
	local out
	bad 'data_plane = "maybe"' maybe
	bad 'tun_name = "a/b"' a/b
	bad 'tun_name = "waytoolonginterfacename"' waytoolonginterfacename
	bad 'underlay_mtu = 100' 100
	bad 'tun_mtu = 70000' 70000
	bad "eid_space = [ '10.1.0.1/8' ]" 10.1.0.1/8
	bad "eid_space = [ '10.0.0.0/8', '10.0.0.0/8' ]" 10.0.0.0/8
	bad "anycast_gateway = [ '10.1.0.1' ]" 10.1.0.1
	bad "anycast_gateway = [ '10.1.0.1/33' ]" 10.1.0.1/33
	bad 'anycast_mac = "01:00:5e:00:00:01"' 01:00:5e:00:00:01
	bad 'anycast_mac = "00:00:5e:00:01"' 00:00:5e:00:01
	bad "proxy_etrs = [ 'nowhere' ]" nowhere
	bad 'instance_id = 16777216' 16777216
	bad 'away_timeout = 0' 0
	bad 'rt_priority = 100' 100
	# across keys: reported at the key's line
	{ base; echo 'data_plane = "on"'; echo "anycast_gateway = [ '10.1.0.1/24' ]"; } \
	    > "$RUN/bad.conf"
	out=$("$BIN/xtrd" -n -f "$RUN/bad.conf" 2>&1) && die "gateway without site"
	grep -qF "bad.conf:5: needs site_interface: 'anycast_gateway'" <<<"$out" ||
	    die "gateway without site: $out"
	echo "errors ok"
}

check_roundtrip
check_errors
echo "dp_config: ok"
