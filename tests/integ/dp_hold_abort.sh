#!/bin/bash
# dp_hold_abort.sh: dp_hold.sh with the migration aborted during the hold
# (issue 18): A redirects the VM's EID to B at the suspend, B holds, then
# B is told the migration was cancelled and A takes the guest and its EID
# back.  What B held follows the VM back: returned to A once the mapping
# system maps the EID there again (A's away entry ended), inner TTL one
# less, in order, paced; every datagram reaches the VM at A, none lost, no
# loop cut at A.  Before, B dropped them (dp_drop_hold_cancel).
# Arguments: none.  Environment: as dp_hold.sh.  Namespaces: dphx-*.
set -eu -o pipefail
HOLD_MODE=abort exec "$(dirname "$0")/dp_hold.sh"
