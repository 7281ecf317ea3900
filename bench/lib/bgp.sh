# shellcheck shell=bash
# bench/lib/bgp.sh: mode bgp of the testbed (no LISP).  Sourced.
tb_up_bgp() { tb_die "mode bgp: not written yet"; }
tb_bgp_withdraw() { :; }
tb_bgp_announce() { :; }
