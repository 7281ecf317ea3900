# shellcheck shell=bash
# tests/lib/harness/harness.sh: the namespace harness of the integration
# tests and the benches, in one place.  Source this file (bash, set -eu is
# fine); it sources the rest of the folder and tests/lib/xenstored.sh:
#
#   base.sh      h_wait (a deadline, never a fixed sleep), h_bg, h_in,
#                h_stop, h_down (the cleanup for an EXIT trap)
#   net.sh       h_ns, h_bridge, h_veth, h_port, h_addr, h_underlay
#   xtrd.sh      h_xtr_conf, h_ms_conf, h_start_xtrd, h_xtr, h_jq,
#                h_cached, h_registered_at, h_db_registered, h_counter,
#                h_event_seq
#   migrated.sh  h_xenstored, h_xs, h_mig_conf, h_start_migrated, h_mig
#   wan.sh       wan_link, wan_teardown: impaired links (netem or wanem)
#
# Imports go one way: tests/xtr/lib.sh, tests/xtr/dp_lib.sh,
# tests/tools/mig_lib.sh, bench/ and scripts/ source this folder; nothing
# here sources anything outside tests/lib/.
#
# The caller sets H_NS (prefix of every namespace name, unique per run:
# put $$ in it), RUN (run directory) and BIN (binaries, default
# <repo>/build/bin), then: trap h_down EXIT (and remove RUN if it wants).

H_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
H_REPO=$(cd "$H_DIR/../../.." && pwd)
BIN=${BIN:-$H_REPO/build/bin}
H_NS=${H_NS:-}

# shellcheck source=tests/lib/xenstored.sh
. "$H_DIR/../xenstored.sh"
# shellcheck source=tests/lib/harness/base.sh
. "$H_DIR/base.sh"
# shellcheck source=tests/lib/harness/net.sh
. "$H_DIR/net.sh"
# shellcheck source=tests/lib/harness/xtrd.sh
. "$H_DIR/xtrd.sh"
# shellcheck source=tests/lib/harness/migrated.sh
. "$H_DIR/migrated.sh"
# shellcheck source=tests/lib/harness/wan.sh
. "$H_DIR/wan.sh"
