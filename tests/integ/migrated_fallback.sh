#!/bin/bash
# migrated_fallback.sh: guests that never send a gratuitous ARP are still
# detected.  web1 migrates src -> dst and stays silent: its arrival is its
# netfront reaching Connected (4) after the unpause.  web2 migrates and
# sends one ordinary IPv4 datagram before its netfront reconnects: its
# arrival is that first frame, seen on its vif.  Both are registered from
# dst and SMRs are sent.  Arguments: none.  Environment: BIN, KEEP_RUN.
# Namespaces: mf-*.  Run directory: build/migrated_fallback.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=mf-
RUN=$PWD/build/migrated_fallback
. tests/tools/mig_lib.sh

hook_frame() {
	case $1 in
	dest_go)
		sleep 0.2
		mig_guest dst 8 -t ip -a 198.51.100.6 >/dev/null
		sleep 0.3 ;;
	esac
}

mig_need
trap mig_cleanup EXIT
rm -rf "$RUN"
mkdir -p "$RUN"
mig_setup

mig_vm_at_src web1 3 00:16:3e:00:00:05
mig_vm_at_src web2 4 00:16:3e:00:00:06
xtr_wait 10 mig_registered_at_ms 198.51.100.6/32 192.0.2.1 ||
    mig_fail "web2 not registered from src"
mig_vif dst 7 0 00:16:3e:00:00:05
mig_vif dst 8 0 00:16:3e:00:00:06

# web1: silent guest
xlr_migrate "$RUN/xs-src" 3 "$RUN/xs-dst" 7
xtr_wait 10 mig_registered_at_ms 198.51.100.5/32 192.0.2.2 ||
    mig_fail "silent web1 not registered from dst"
[ "$(mig_jq dst '.domains[] | select(.name == "web1") | .arrival' status)" = netfront-connected ] ||
    mig_fail "web1 arrival was not netfront-connected"
xtr_wait 5 mig_smr_sent dst 198.51.100.5/32 || mig_fail "no SMR for web1"
# nothing happened between the unpause and netfront: not before it
[ "$(mig_event dst web1 arrived)" -ge "$(mig_event dst web1 netfront-connected)" ] ||
    mig_fail "web1 arrived before its netfront connected"

# web2: one plain frame, before netfront reconnects
XLR_HOOK=hook_frame xlr_migrate "$RUN/xs-src" 4 "$RUN/xs-dst" 8
xtr_wait 10 mig_registered_at_ms 198.51.100.6/32 192.0.2.2 ||
    mig_fail "web2 not registered from dst"
[ "$(mig_jq dst '.domains[] | select(.name == "web2") | .arrival' status)" = first-frame ] ||
    mig_fail "web2 arrival was not its first frame"
[ "$(mig_event dst web2 arrived)" -lt "$(mig_event dst web2 netfront-connected)" ] ||
    mig_fail "web2 first frame not before netfront"
mig_ctl dst migrations
echo "migrated_fallback: ok"
