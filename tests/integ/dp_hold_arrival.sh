#!/bin/bash
# dp_hold_arrival.sh: dp_hold.sh with B told as migrated tells it (issue
# 18): expected until the guest's arrival, the EID added at xl's rename
# (register_at = rename) ARRIVAL_GAP seconds before the guest's vif is
# plugged in, the release at migrated's arrival ("arrived").  Nothing of
# the stream may be lost; released at the add (before), the held
# datagrams went into a site where the guest was not connected yet.
# Arguments: none.  Environment: as dp_hold.sh.  Namespaces: dpha-*.
set -eu -o pipefail
HOLD_MODE=arrival exec "$(dirname "$0")/dp_hold.sh"
