#!/bin/bash
# dp_hold_peer.sh: dp_hold.sh with B never told the EID is coming (no
# POST /v1/expect): the first datagram A redirects to B (A is in B's
# decap_peers) starts the hold, and nothing of the stream is lost.
# Arguments: none.  Environment: as dp_hold.sh.  Namespaces: dphp-*.
set -eu -o pipefail
HOLD_EXPECT=0 exec "$(dirname "$0")/dp_hold.sh"
