#!/bin/bash
# dp_loop.sh: redirection can never loop (issue 15, finding 2).  Away
# entries that name each other are the state a replayed Map-Notify left
# (two xTRs each sure the EID now lives at the other); here the API makes
# them (database remove with moved_to), the way migrated does at a move:
#   10.1.0.77/32:  b -> c, c -> b            (two xTRs)
#   10.1.0.78/32, 2001:db8:1::78/128:  a -> b, b -> c, c -> a  (three)
# One ping from hc (behind c) to each must not circulate: b must never
# send the two-xTR packet back to c, where it came from (counted: b's
# dp_drop_loop), and the three-xTR packet must die when its inner TTL /
# Hop Limit runs out (each re-encapsulation takes one; counted:
# dp_drop_ttl), a few dozen re-encapsulations in all, not ~50,000 a
# second forever.  Afterwards every xtrd still runs and hc still reaches
# ha both ways.
# Arguments: none.  Environment: BIN (default build/bin), KEEP_RUN=1.
# Namespaces: dplo<pid>-*.  Run directory: build/dp_loop.<pid>.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
PFX=dplo-
DP_PEERS=yes		# the xTRs redirect to each other (decap_peers)
# the state a replayed Map-Notify left before issue 15: the MS lets any xTR
# of the site take an EID at once (no move consent), so that the API can
# set up the loops this test feeds
DP_MS_EXTRA_CONF="move_consent = no"
RUN=$PWD/build/dp_loop
. tests/xtr/lib.sh
. tests/xtr/dp_lib.sh

# away_chain EID NODE:RLOC...: each NODE in turn serves EID (the next one
# registering once the Map-Server holds the previous one's registration,
# and telling the earlier ones, in its mobility Map-Notify, that it has
# the EID now); then each hands it to RLOC (database remove with
# moved_to), which sets its away entry last
away_chain() {
	local eid=$1 spec node n prev=""
	shift
	for spec in "$@"; do
		node=${spec%%:*}
		case $node in a) n=1 ;; b) n=2 ;; c) n=3 ;; esac
		xtr_ctl "$node" add "$eid" >/dev/null
		xtr_wait 10 xtr_has_reg ms "$eid" "192.0.2.$n" ||
		    die "$eid not registered from $node"
		[ -z "$prev" ] || xtr_wait 10 notified "$prev" "$eid" ||
		    die "$prev got no mobility Map-Notify for $eid"
		prev=$node
	done
	for spec in "$@"; do
		xtr_ctl "${spec%%:*}" remove "$eid" moved-to "${spec#*:}" \
		    >/dev/null
	done
}

# notified NODE EID: NODE heard from the Map-Server that EID moved
notified() { [ -n "$(xtr_event_seq "$1" map-notify-moved "$2")" ]; }

# away_to NODE EID RLOC: NODE's away entry for EID names RLOC
away_to() {
	[ "$(xtr_jq "$1" "[.away[]? | select(.eid == \"$2\") |
	    .moved_to[0]] | first // empty" database)" = "$3" ]
}

# reencap: away_reencap summed over a, b and c
reencap() {
	echo $(( $(xtr_counter a dp_away_reencap) +
	    $(xtr_counter b dp_away_reencap) +
	    $(xtr_counter c dp_away_reencap) ))
}

# counter_sum NAME: NAME summed over a, b and c (a missing one is 0)
counter_sum() {
	local s=0 n v
	for n in a b c; do
		v=$(xtr_counter "$n" "$1")
		[ "$v" = null ] && v=0
		s=$((s + v))
	done
	echo "$s"
}

# settled: the re-encapsulation count does not move for 0.5 s
settled() {
	local r1 r2
	r1=$(reencap)
	sleep 0.5
	r2=$(reencap)
	[ "$r1" = "$r2" ]
}


dp_need
trap xtr_cleanup EXIT
rm -rf "$RUN"
dp_topology
dp_in hc ping -c 2 -i 0.2 -W 2 10.1.0.10 >/dev/null || die "hc cannot reach ha"

away_chain 10.1.0.77/32 b:192.0.2.3 c:192.0.2.2
away_chain 10.1.0.78/32 a:192.0.2.2 b:192.0.2.3 c:192.0.2.1
away_chain 2001:db8:1::78/128 a:192.0.2.2 b:192.0.2.3 c:192.0.2.1
for spec in b:10.1.0.77/32:192.0.2.3 c:10.1.0.77/32:192.0.2.2 \
    a:10.1.0.78/32:192.0.2.2 b:10.1.0.78/32:192.0.2.3 \
    c:10.1.0.78/32:192.0.2.1 c:2001:db8:1::78/128:192.0.2.1; do
	n=${spec%%:*} r=${spec##*:} e=${spec#*:}
	e=${e%:*}
	xtr_wait 5 away_to "$n" "$e" "$r" ||
	    die "$n has no away entry $e -> $r: $(xtr_ctl "$n" database)"
done
echo "away entries: 10.1.0.77 b<->c, 10.1.0.78 and 2001:db8:1::78 a->b->c->a"

# two xTRs: c -> b, and b must not send it back
before=$(reencap)
dp_in hc ping -c 1 -W 1 10.1.0.77 >/dev/null 2>&1 || true
xtr_wait 5 settled || die "10.1.0.77 circulates: $(reencap) re-encapsulations and counting"
n=$(( $(reencap) - before ))
loop=$(xtr_counter b dp_drop_loop)
echo "10.1.0.77: $n re-encapsulations, b cut the loop $loop time(s)"
[ "$loop" != null ] && [ "$loop" -ge 1 ] || die "b counted no loop (dp_drop_loop $loop)"
[ "$n" -le 4 ] || die "10.1.0.77 went round $n times"

# three xTRs: the inner TTL / Hop Limit ends it
for dst in 10.1.0.78 2001:db8:1::78; do
	before=$(reencap)
	ttl0=$(counter_sum dp_drop_ttl)
	dp_in hc ping -c 1 -W 1 "$dst" >/dev/null 2>&1 || true
	xtr_wait 10 settled ||
	    die "$dst circulates: $(reencap) re-encapsulations and counting"
	n=$(( $(reencap) - before ))
	ttl=$(( $(counter_sum dp_drop_ttl) - ttl0 ))
	echo "$dst: $n re-encapsulations, then dropped at TTL 1 ($ttl)"
	[ "$ttl" -eq 1 ] || { for x in a b c; do echo "$x: $(xtr_jq "$x" ".counters | with_entries(select(.key | startswith(\"dp_\")) | select(.value > 0))" counters | tr -d "\n ")"; done; die "$dst: dp_drop_ttl moved by $ttl, not 1"; }
	[ "$n" -le 70 ] || die "$dst was re-encapsulated $n times (TTL 64)"
done

dp_alive
dp_in hc ping -c 2 -i 0.2 -W 2 10.1.0.10 >/dev/null ||
    die "hc cannot reach ha after the loops"
dp_in ha ping -c 2 -i 0.2 -W 2 2001:db8:3::10 >/dev/null ||
    die "ha cannot reach hc after the loops"
echo "every xtrd runs, hc and ha still reach each other"
echo "dp_loop: ok"
