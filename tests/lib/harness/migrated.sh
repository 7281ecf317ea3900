# shellcheck shell=bash
# tests/lib/harness/migrated.sh: a Dom0's xenstored and migrated.  Sourced
# by harness.sh.  Node NODE's xenstored fixture (tests/lib/xenstored.sh)
# runs in $RUN/xs-NODE; its migrated has $RUN/mig-NODE.conf, the socket
# $RUN/mig-NODE.sock and the log $RUN/mig-NODE.log, and talks to the xtrd
# at $RUN/NODE.sock.
#
#   h_xenstored NODE            start NODE's xenstored (h_down stops it)
#   h_xs NODE                   point the xs_* functions and xenstore-* at it
#   h_mig_conf NODE HV NOTIFY_MS   $RUN/mig-NODE.conf: the sockets,
#                               hypervisor HV, notify_wait_ms, heartbeat;
#                               the caller appends bridges and guests
#   h_start_migrated NODE [ENV=VAL...]
#                               migrated -d $H_MIG_V (default -v) in
#                               ${H_NS}NODE against NODE's xenstored, log
#                               appended, until its socket answers; 1 with
#                               the log's tail on stderr if not.  MIGRATED
#                               overrides the binary ($BIN/migrated)
#   h_mig NODE ARGS...          migratectl against NODE's migrated

H_FIXTURES=${H_FIXTURES:-}

h_xenstored() {
	xs_fixture_start "$RUN/xs-$1" || return 1
	H_FIXTURES="$H_FIXTURES $RUN/xs-$1"
}

h_xs() {
	xs_fixture_use "$RUN/xs-$1"
}

h_mig_conf() {
	local n=$1
	cat >"$RUN/mig-$n.conf" <<-EOC
	socket = "$RUN/mig-$n.sock"
	xtrd_socket = "$RUN/$n.sock"
	hypervisor = $2
	notify_wait_ms = $3
	heartbeat_ms = 200
	EOC
}

h_start_migrated() {
	local n=$1
	shift
	h_xs "$n" || return 1
	ip netns exec "${H_NS}$n" env "$@" "${MIGRATED:-$BIN/migrated}" -d \
	    "${H_MIG_V:--v}" -f "$RUN/mig-$n.conf" >>"$RUN/mig-$n.log" 2>&1 &
	H_LAST=$!
	h_track "$H_LAST"
	h_wait 10 test -S "$RUN/mig-$n.sock" && return 0
	echo "migrated on $n did not start: $(tail -5 "$RUN/mig-$n.log")" >&2
	return 1
}

h_mig() {
	local n=$1
	shift
	"$BIN/migratectl" -s "$RUN/mig-$n.sock" "$@"
}

# the fixtures go after the daemons that use them, before the namespaces
h_xs_down() {
	local d
	for d in $H_FIXTURES; do
		xs_fixture_stop "$d" 2>/dev/null || true
	done
	H_FIXTURES=""
}
