# shellcheck shell=bash
# tests/lib/harness/xtrd.sh: xtrd.conf, starting xtrd, asking it (xtrctl
# --json through jq).  Sourced by harness.sh.  Node NODE's xtrd has its
# config in $RUN/NODE.conf, its control socket at $RUN/NODE.sock and its
# log in $RUN/NODE.log.
#
#   h_list ITEM...                 [ 'ITEM', 'ITEM' ]: an xtrd.conf list
#   h_xtr_conf NODE RLOCS [MS [KEY]]
#                                  $RUN/NODE.conf for an xTR: role, rlocs
#                                  (space-separated), control_socket; with
#                                  MS its Map-Resolver, with KEY too its
#                                  Map-Server (site key KEY).  The caller
#                                  appends its own keys (cat >>)
#   h_ms_conf NODE SITE...         the same for a Map-Server: role = "ms",
#                                  one sites entry per SITE
#   h_start_xtrd NODE [CONF]       xtrd -d -v in ${H_NS}NODE (CONF default
#                                  $RUN/NODE.conf) until its socket answers;
#                                  1 with the log's tail on stderr if not;
#                                  it drops to user H_XTRD_USER (default
#                                  nobody; "" stays uid 0), issue 16
#   h_xtr NODE ARGS...             xtrctl against NODE's xtrd
#   h_jq NODE FILTER CMD [ARGS]    one value out of xtrctl --json CMD
#   h_counter NODE NAME            one counter
#   h_db_registered NODE           every database mapping registered (and
#                                  there is one)
#   h_registered_at MS EID RLOC    the Map-Server on node MS holds EID
#                                  registered with RLOC among its RLOCs
#   h_cached NODE EID RLOC         NODE's map-cache maps EID to RLOC
#   h_event_seq NODE EVENT [EID]   seq of the first such timeline event

h_list() {
	local out="" i
	for i in "$@"; do
		out="$out '$i',"
	done
	echo "[${out%,} ]"
}

h_xtr_conf() {
	local n=$1 ms=${3:-} key=${4:-}
	# shellcheck disable=SC2086 # the RLOCs are a word list
	{
		echo 'role = "xtr"'
		echo "rlocs = $(h_list $2)"
		[ -z "$key" ] || echo "map_servers = $(h_list "$ms,key=$key")"
		[ -z "$ms" ] || echo "map_resolvers = $(h_list "$ms")"
		echo "control_socket = \"$RUN/$n.sock\""
	} >"$RUN/$n.conf"
}

h_ms_conf() {
	local n=$1
	shift
	{
		echo 'role = "ms"'
		echo "sites = $(h_list "$@")"
		echo "control_socket = \"$RUN/$n.sock\""
	} >"$RUN/$n.conf"
}

h_start_xtrd() {
	local n=$1 conf=${2:-$RUN/$1.conf}
	# a stopped xtrd (no longer root) could not unlink its socket: a
	# restart must not take the stale one for the new xtrd's
	rm -f "$RUN/$n.sock"
	h_bg "$n" "$RUN/$n.log" "$BIN/xtrd" -d -v -f "$conf" \
	    -u "${H_XTRD_USER-nobody}"
	h_wait 10 test -S "$RUN/$n.sock" && return 0
	echo "xtrd on $n did not start: $(tail -5 "$RUN/$n.log")" >&2
	return 1
}

h_xtr() {
	local n=$1
	shift
	"$BIN/xtrctl" -s "$RUN/$n.sock" "$@"
}

h_jq() {
	local n=$1 filter=$2
	shift 2
	h_xtr "$n" --json "$@" | jq -r "$filter"
}

h_counter() {
	h_jq "$1" ".counters.$2" counters
}

h_db_registered() {
	[ "$(h_jq "$1" '[.mappings[] | select(.registered == false)] | length' database)" = 0 ] &&
	[ "$(h_jq "$1" '.mappings | length' database)" -gt 0 ]
}

h_registered_at() {
	[ "$(h_jq "$1" "[.registrations[] | select(.eid == \"$2\") | .rlocs[] | select(.addr == \"$3\")] | length" registrations)" -ge 1 ]
}

h_cached() {
	[ "$(h_jq "$1" "[.entries[] | select(.eid == \"$2\") | .rlocs[] | select(.addr == \"$3\")] | length" map-cache)" -ge 1 ]
}

h_event_seq() {
	local f=".events[] | select(.event == \"$2\")"
	[ -n "${3:-}" ] && f="$f | select(.eid == \"$3\")"
	h_jq "$1" "[$f | .seq] | first // empty" timeline
}
