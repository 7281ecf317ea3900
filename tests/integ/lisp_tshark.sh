#!/bin/bash
# lisp_tshark.sh: the independent oracle for the LISP codec.  lisp_pcapgen
# encodes one of each message variant with lisp/ into a pcap (Ethernet/
# IPv4/UDP, control to 4342, data to 4341) plus an expectations file;
# tshark decodes the pcap; check_tshark.py asserts tshark saw the same
# types, flags, nonces, key-ids, EID prefixes, RLOCs, priorities and
# weights, and that the ECM inner IPv4/UDP checksums verify.
# No network traffic: files only.
# Arguments: none.  Environment:
#   LISP_PCAPGEN  the generator (default build/bin/lisp_pcapgen, built if
#                 missing)
#   KEEP          if set, keep the run directory and print its path
set -eu -o pipefail

cd "$(dirname "$0")/../.."
GEN=${LISP_PCAPGEN:-build/bin/lisp_pcapgen}
RUNDIR=$(mktemp -d /tmp/lisp_tshark.XXXXXX)

die() { echo "lisp_tshark: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }

cleanup() {
	if [ -n "${KEEP:-}" ]; then
		echo "lisp_tshark: kept $RUNDIR"
	else
		rm -rf "$RUNDIR"
	fi
}
trap cleanup EXIT

build_gen() {
	[ -x "$GEN" ] || make -s "$GEN" || die "cannot build $GEN"
}

generate() {
	"$GEN" "$RUNDIR/lisp.pcap" "$RUNDIR/expect.json" ||
	    die "lisp_pcapgen failed"
}

decode() {
	tshark -r "$RUNDIR/lisp.pcap" -T json \
	    -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
	    -d udp.port==4342,lisp -d udp.port==4341,lisp-data \
	    >"$RUNDIR/tshark.json" 2>"$RUNDIR/tshark.err" ||
	    { cat "$RUNDIR/tshark.err" >&2; die "tshark failed"; }
}

compare() {
	python3 tests/tools/check_tshark.py "$RUNDIR/tshark.json" \
	    "$RUNDIR/expect.json"
}

command -v tshark >/dev/null || skip "tshark not installed"
command -v python3 >/dev/null || skip "python3 not installed"
build_gen
generate
decode
compare
echo "lisp_tshark: tshark agrees with every encoded field"
