#!/bin/bash
# dp_hold_bound.sh: dp_hold.sh with B's hold bound at 100 packets per EID
# (hold_eid_packets): of the ~500 datagrams of the 0.5 s blackout, B holds
# and releases 100; exactly the overflow it counts (dp_drop_hold_full) is
# missing from the stream, nothing else.
# Arguments: none.  Environment: as dp_hold.sh.  Namespaces: dphb-*.
set -eu -o pipefail
HOLD_EID_PACKETS=${HOLD_EID_PACKETS:-100} exec "$(dirname "$0")/dp_hold.sh"
