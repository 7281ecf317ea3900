#!/bin/bash
# dp_hold_sends.sh: dp_hold_arrival.sh, but the guest sends as soon as it
# is up and migrated's "arrived" comes a second later (issue 18: in the
# bench it came 4-98 ms after up and the stalls went over the bound): B
# must release at the guest's first packet (dp-hold-arrived "its first
# packet from the site"), before migrated's call, and lose nothing.
# Arguments: none.  Environment: as dp_hold.sh.  Namespaces: dphs-*.
set -eu -o pipefail
HOLD_MODE=sends exec "$(dirname "$0")/dp_hold.sh"
