# shellcheck shell=bash
# tests/lib/harness/wan.sh: an impaired Ethernet link between two network namespaces.
#
# Source it from bash (it sets no shell options of its own):
#   . tests/lib/harness/wan.sh   (harness.sh sources it)
#   wan_link NS_A IF_A NS_B IF_B [knobs...]   create IF_A in NS_A and IF_B in
#                                             NS_B, one Ethernet segment
#   wan_mechanism                             print "netem" or "wanem"
#   wan_stats [N]                             wanem only: JSON counters of
#                                             link N (default: the last one)
#   wan_teardown                              remove every link made here
#
# The namespaces must exist; addresses are the caller's.  Knobs are those
# of bench/wanem.c and apply to both directions, or after --a2b (IF_A ->
# IF_B) / --b2a / --both to the chosen ones:
#   --delay MS --km N --jitter MS[,CORR%] --reorder --loss PCT[,CORR%]
#   --loss-ge P[,R[,1-H[,1-K]]] --corrupt PCT --duplicate PCT --rate R
#   (R = NUMBER followed by bit|kbit|mbit|gbit) --limit N --seed N
# netem differences: --seed is wanem's only; netem's limit also counts the
# frames in flight, so wan.sh adds one delay's worth of small frames to it.
#
# Mechanisms: where the kernel has the netem qdisc (probed once, in a
# throw-away namespace), a veth pair IF_A--IF_B with netem on the egress of
# each end.  Otherwise IF_A and IF_B are veths into a middle namespace
# "<NS_A>-wm<N>" where bench wanem forwards frames between its two ends.
#
# Environment:
#   WAN_MECH     auto (default), netem or wanem: force a mechanism
#   WANEM        the wanem binary (default <repo>/build/bin/wanem)
#   WAN_RUNDIR   where wanem writes its log and stats (default: a mktemp -d
#                directory that wan_teardown removes)
#   WAN_OFFLOAD  1 (default): switch TSO/GSO/GRO/tx-checksum off on IF_A and
#                IF_B so that every impairment acts on wire-sized packets
#   WAN_MTU      MTU of the link (default 1500)
#   WAN_RT       SCHED_FIFO priority of wanem (default 10; 0: normal
#                scheduling, whose wake-up latency on a busy machine adds
#                milliseconds of jitter to the delay)
#   WAN_DROP_LOG 1: wanem names every frame it drops in
#                WAN_RUNDIR/wanem<N>.drops (--drop-log; decoded by
#                bench/tools/wandrops.py); netem has no such log

WAN_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WANEM=${WANEM:-$WAN_LIB_DIR/../../../build/bin/wanem}
WAN_NETEM=""		# probe result: yes / no
WAN_CHOSEN=""		# mechanism of the last link
WAN_LINKS=()		# one "mech ns_a if_a ns_b if_b mid pid stats" per link
WAN_RUNDIR_MADE=""	# the run directory we made, removed by wan_teardown

wan_die() { echo "wan.sh: $*" >&2; return 1; }

# Does this kernel have netem?  Answer once.
wan_probe_netem() {
	local ns="wanprobe-$$"

	[ -n "$WAN_NETEM" ] && return 0
	WAN_NETEM=no
	ip netns add "$ns" 2>/dev/null || return 0
	if ip -n "$ns" link add p0 type veth peer name p1 2>/dev/null &&
	    ip netns exec "$ns" tc qdisc add dev p0 root netem delay 1ms \
	    2>/dev/null; then
		WAN_NETEM=yes
	fi
	ip netns del "$ns" 2>/dev/null || true
}

wan_mechanism() {
	echo "${WAN_CHOSEN:-none}"
}

# Parse the knobs into WK_<dir>_<knob> variables (dir a2b or b2a).
wan_parse() {
	local dirs="a2b b2a" d opt val
	local num='^[0-9]+([.][0-9]+)?$' list='^[0-9]+([.][0-9]+)?(,[0-9]+([.][0-9]+)?)*$'

	for d in a2b b2a; do
		for opt in delay jitter reorder loss lossge corrupt duplicate rate limit; do
			printf -v "WK_${d}_${opt}" '%s' ""
		done
	done
	WK_seed=""
	while [ "$#" -gt 0 ]; do
		opt=$1; shift
		case $opt in
		--a2b) dirs=a2b; continue ;;
		--b2a) dirs=b2a; continue ;;
		--both) dirs="a2b b2a"; continue ;;
		--reorder) for d in $dirs; do printf -v "WK_${d}_reorder" 1; done
			continue ;;
		--delay|--km|--jitter|--loss|--loss-ge|--corrupt|--duplicate|--rate|--limit|--seed) ;;
		*) wan_die "unknown option '$opt'"; return 1 ;;
		esac
		[ "$#" -gt 0 ] || { wan_die "$opt: missing value"; return 1; }
		val=$1; shift
		case $opt in
		--rate) [[ $val =~ ^[0-9]+([.][0-9]+)?([kKmMgG]?[bB][iI][tT])$ ]] ||
			{ wan_die "$opt: bad value '$val' (e.g. 10mbit)"; return 1; } ;;
		--jitter|--loss|--loss-ge) [[ $val =~ $list ]] ||
			{ wan_die "$opt: bad value '$val'"; return 1; } ;;
		--limit|--seed) [[ $val =~ ^[0-9]+$ ]] ||
			{ wan_die "$opt: bad value '$val'"; return 1; } ;;
		*) [[ $val =~ $num ]] ||
			{ wan_die "$opt: bad value '$val'"; return 1; } ;;
		esac
		case $opt in
		--seed) WK_seed=$val; continue ;;
		--km) val=$(awk -v k="$val" 'BEGIN { printf "%.6g", k * 0.005 }')
			opt=--delay ;;
		esac
		opt=${opt#--}; opt=${opt//-/}
		for d in $dirs; do
			# The last loss model given wins, as in wanem.
			case $opt in
			loss) printf -v "WK_${d}_lossge" '%s' "" ;;
			lossge) printf -v "WK_${d}_loss" '%s' "" ;;
			esac
			printf -v "WK_${d}_${opt}" '%s' "$val"
		done
	done
}

# The wanem arguments for the parsed knobs.
wan_wanem_args() {
	local d v opt
	local -a out=()

	[ -n "$WK_seed" ] && out+=(--seed "$WK_seed")
	for d in a2b b2a; do
		out+=("--$d")
		for opt in delay jitter loss lossge corrupt duplicate rate limit; do
			v=WK_${d}_${opt}
			[ -n "${!v}" ] || continue
			case $opt in
			lossge) out+=(--loss-ge "${!v}") ;;
			*) out+=("--$opt" "${!v}") ;;
			esac
		done
		v=WK_${d}_reorder
		[ -n "${!v}" ] && out+=(--reorder)
	done
	printf '%s\n' "${out[@]}"
}

# The netem arguments for one direction.
wan_netem_args() {
	local d=$1 delay jitter loss lossge corrupt dup rate limit reorder
	local j jc l lc inflight
	local -a out=()

	delay=WK_${d}_delay; delay=${!delay:-0}
	jitter=WK_${d}_jitter; jitter=${!jitter}
	loss=WK_${d}_loss; loss=${!loss}
	lossge=WK_${d}_lossge; lossge=${!lossge}
	corrupt=WK_${d}_corrupt; corrupt=${!corrupt}
	dup=WK_${d}_duplicate; dup=${!dup}
	rate=WK_${d}_rate; rate=${!rate}
	limit=WK_${d}_limit; limit=${!limit:-1000}
	reorder=WK_${d}_reorder; reorder=${!reorder}

	out+=(delay "${delay}ms")
	if [ -n "$jitter" ]; then
		IFS=, read -r j jc <<<"$jitter"
		out+=("${j}ms")
		[ -n "$jc" ] && out+=("${jc}%")
	fi
	if [ -n "$lossge" ]; then
		local p r h k
		IFS=, read -r p r h k <<<"$lossge"
		out+=(loss gemodel "${p}%")
		[ -n "$r" ] && out+=("${r}%")
		[ -n "$h" ] && out+=("${h}%")
		[ -n "$k" ] && out+=("${k}%")
	elif [ -n "$loss" ]; then
		IFS=, read -r l lc <<<"$loss"
		out+=(loss random "${l}%")
		[ -n "$lc" ] && out+=("${lc}%")
	fi
	[ -n "$corrupt" ] && out+=(corrupt "${corrupt}%")
	[ -n "$dup" ] && out+=(duplicate "${dup}%")
	# netem keeps frames in time order only when it has a rate; a rate no
	# link reaches keeps jitter from reordering, as wanem does.
	if [ -n "$rate" ]; then
		out+=(rate "$rate")
	elif [ -n "$jitter" ] && [ -z "$reorder" ]; then
		out+=(rate 100gbit)
	fi
	# netem's limit counts the frames in flight too: add one delay's
	# worth of small frames at the rate (1 Mpps without one).
	inflight=$(awk -v d="$delay" -v r="$rate" 'BEGIN {
		bps = 1e6 * 64 * 8
		if (r ~ /[gG]/) bps = r * 1e9; else if (r ~ /[mM]/) bps = r * 1e6
		else if (r ~ /[kK]/) bps = r * 1e3; else if (r != "") bps = r + 0
		printf "%d", bps / 8 / 64 * d / 1000 + 1 }')
	out+=(limit "$((limit + inflight))")
	printf '%s\n' "${out[@]}"
}

# Switch the offloads off on one endpoint (wanem's ioctl, or ethtool).
wan_offload_off() {
	local ns=$1 ifc=$2

	[ "${WAN_OFFLOAD:-1}" = 1 ] || return 0
	if [ -x "$WANEM" ]; then
		ip netns exec "$ns" "$WANEM" --no-offload "$ifc" >/dev/null 2>&1 && return 0
	fi
	if command -v ethtool >/dev/null; then
		ip netns exec "$ns" ethtool -K "$ifc" tso off gso off gro off tx off \
		    >/dev/null 2>&1 && return 0
	fi
	echo "wan.sh: warning: offloads still on for $ifc in $ns:" \
	    "impairments act on GSO super-frames" >&2
}

wan_link_netem() {
	local ns_a=$1 if_a=$2 ns_b=$3 if_b=$4 mtu=${WAN_MTU:-1500}
	local -a args

	ip link add "$if_a" netns "$ns_a" mtu "$mtu" type veth \
	    peer name "$if_b" netns "$ns_b" mtu "$mtu" || return 1
	WAN_LINKS+=("netem $ns_a $if_a $ns_b $if_b - - -")
	wan_offload_off "$ns_a" "$if_a"
	wan_offload_off "$ns_b" "$if_b"
	mapfile -t args < <(wan_netem_args a2b)
	ip netns exec "$ns_a" tc qdisc add dev "$if_a" root netem "${args[@]}" ||
	    return 1
	mapfile -t args < <(wan_netem_args b2a)
	ip netns exec "$ns_b" tc qdisc add dev "$if_b" root netem "${args[@]}" ||
	    return 1
	ip -n "$ns_a" link set "$if_a" up && ip -n "$ns_b" link set "$if_b" up
}

wan_link_wanem() {
	local ns_a=$1 if_a=$2 ns_b=$3 if_b=$4 mtu=${WAN_MTU:-1500}
	local n=${#WAN_LINKS[@]} mid pid stats i
	local -a args

	[ -x "$WANEM" ] || { wan_die "no wanem binary at $WANEM (make it)"; return 1; }
	mid="$ns_a-wm$n"
	if [ -z "${WAN_RUNDIR:-}" ]; then
		WAN_RUNDIR=$(mktemp -d /tmp/wan.XXXXXX) || return 1
		WAN_RUNDIR_MADE=$WAN_RUNDIR
	fi
	stats="$WAN_RUNDIR/wanem$n.json"
	rm -f "$stats"
	ip netns add "$mid" || return 1
	WAN_LINKS+=("wanem $ns_a $if_a $ns_b $if_b $mid - $stats")
	ip -n "$mid" link set lo up
	ip link add "$if_a" netns "$ns_a" mtu "$mtu" type veth \
	    peer name wa netns "$mid" mtu "$mtu" || return 1
	ip link add "$if_b" netns "$ns_b" mtu "$mtu" type veth \
	    peer name wb netns "$mid" mtu "$mtu" || return 1
	wan_offload_off "$ns_a" "$if_a"
	wan_offload_off "$ns_b" "$if_b"
	for i in wa wb; do
		ip -n "$mid" link set "$i" up || return 1
	done
	# The middle namespace must not answer or route anything itself.
	ip netns exec "$mid" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	    >/dev/null 2>&1 || true
	mapfile -t args < <(wan_wanem_args)
	[ "${WAN_RT:-10}" != 0 ] && args=(--rt "${WAN_RT:-10}" "${args[@]}")
	[ "${WAN_DROP_LOG:-0}" = 1 ] &&
	    args=(--drop-log "$WAN_RUNDIR/wanem$n.drops" "${args[@]}")
	ip netns exec "$mid" "$WANEM" --stats-file "$stats" "${args[@]}" wa wb \
	    >"$WAN_RUNDIR/wanem$n.log" 2>&1 &
	pid=$!
	WAN_LINKS[n]="wanem $ns_a $if_a $ns_b $if_b $mid $pid $stats"
	# wanem writes its stats once its sockets are open.
	for i in $(seq 50); do
		[ -s "$stats" ] && break
		kill -0 "$pid" 2>/dev/null ||
		    { cat "$WAN_RUNDIR/wanem$n.log" >&2; wan_die "wanem exited"; return 1; }
		sleep 0.1
	done
	[ -s "$stats" ] || { wan_die "wanem did not start"; return 1; }
	ip -n "$ns_a" link set "$if_a" up && ip -n "$ns_b" link set "$if_b" up
}

wan_link() {
	[ "$#" -ge 4 ] || { wan_die "usage: wan_link NS_A IF_A NS_B IF_B [knobs]"; return 1; }
	local ns_a=$1 if_a=$2 ns_b=$3 if_b=$4
	shift 4
	wan_parse "$@" || return 1
	case ${WAN_MECH:-auto} in
	auto) wan_probe_netem
	      if [ "$WAN_NETEM" = yes ]; then WAN_CHOSEN=netem; else WAN_CHOSEN=wanem; fi ;;
	netem|wanem) WAN_CHOSEN=$WAN_MECH ;;
	*) wan_die "WAN_MECH: bad value '$WAN_MECH' (auto, netem, wanem)"; return 1 ;;
	esac
	"wan_link_$WAN_CHOSEN" "$ns_a" "$if_a" "$ns_b" "$if_b"
}

wan_stats() {
	local n=${1:-$((${#WAN_LINKS[@]} - 1))} mech pid stats before i
	local -a l

	[ "$n" -ge 0 ] || { wan_die "no link"; return 1; }
	read -r -a l <<<"${WAN_LINKS[n]:-}"
	mech=${l[0]:-}; pid=${l[6]:-}; stats=${l[7]:-}
	[ "$mech" = wanem ] || { wan_die "link $n has no wanem stats"; return 1; }
	before=$(stat -c %i "$stats" 2>/dev/null)
	kill -USR1 "$pid" 2>/dev/null || { wan_die "wanem $pid is gone"; return 1; }
	for i in $(seq 20); do
		sleep 0.05
		[ "$(stat -c %i "$stats" 2>/dev/null)" != "$before" ] && break
	done
	cat "$stats"
}

wan_teardown() {
	local i
	local -a l

	for i in "${!WAN_LINKS[@]}"; do
		read -r -a l <<<"${WAN_LINKS[i]}"
		if [ "${l[6]}" != - ]; then
			kill -TERM "${l[6]}" 2>/dev/null || true
			wait "${l[6]}" 2>/dev/null || true
		fi
		ip -n "${l[1]}" link del "${l[2]}" 2>/dev/null || true
		ip -n "${l[3]}" link del "${l[4]}" 2>/dev/null || true
		[ "${l[5]}" != - ] && ip netns del "${l[5]}" 2>/dev/null
	done
	WAN_LINKS=()
	if [ -n "$WAN_RUNDIR_MADE" ]; then
		rm -rf "$WAN_RUNDIR_MADE"
		WAN_RUNDIR_MADE=""
		WAN_RUNDIR=""
	fi
	return 0
}
