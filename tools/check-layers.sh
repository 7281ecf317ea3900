#!/bin/bash
# check-layers.sh: prove that xtrd's rooms (docs/ARCHITECTURE.md) depend on
# each other in one direction only, by #include and by call.
#
# Usage: tools/check-layers.sh [OBJDIR]
#   Run from anywhere; it reads the sources under xtr/ of the tree it sits
#   in.  With OBJDIR (a build's object folder, e.g. build/obj) it also reads
#   the compiled objects of xtr/ with nm and checks the calls.
# Environment: NM (default nm).
# Exit: 0 when every edge goes down the order below, 1 otherwise (each bad
# edge is printed with the file or symbol that makes it), 2 on bad usage.
#
# The rooms, from top to bottom.  A room may include headers of and call
# functions defined in rooms below it only (and common/, lisp/):
#   main  xtr/xtrd.c: the loop, main(); fills the data plane's upcalls;
#         with the daemon's other start/stop steps only it calls:
#         xtr/xtrd_state.c (xtrd.state), xtr/privdrop.c
#   api   xtr/api/:   HTTP handlers, no state of their own
#   ms    xtr/ms/:    Map-Server and Map-Resolver
#   cp    xtr/cp/:    ETR, ITR, SMR, map-cache, lpm
#   dp    xtr/dp/:    data plane; reaches cp only through struct dp_upcalls
#   base  xtr/*.[ch] but xtrd.c: struct xtrd, config, send queue, timers,
#         counters, timeline, rate limits
#   ctl   xtr/ctl/:   xtrctl, a separate program: common/ only
# Since every edge must go strictly down one fixed order, a cycle between
# rooms cannot pass; a cycle is also reported by name (tsort) to say which.
set -eu -o pipefail

die() { echo "check-layers: $*" >&2; exit 2; }

cd "$(dirname "$0")/.."
[ -d xtr ] || die "no xtr/ in $(pwd)"
objdir=${1:-}
[ -z "$objdir" ] || [ -d "$objdir/xtr" ] || die "no $objdir/xtr: build first"
NM=${NM:-nm}

# rank ROOM: its place in the order (higher may use lower); ctl is apart.
rank() {
	case $1 in
	common|lisp) echo 0 ;;
	base) echo 1 ;; dp) echo 2 ;; cp) echo 3 ;; ms) echo 4 ;;
	api) echo 5 ;; main) echo 6 ;; ctl) echo 9 ;;
	*) echo -1 ;;
	esac
}

# room PATH: the room a source, header or object belongs to.
room() {
	case $1 in
	common/*) echo common ;;
	lisp/*) echo lisp ;;
	xtr/xtrd.[co]|xtr/xtrd_state.[co]|xtr/privdrop.[co]) echo main ;;
	xtr/*/*) local r=${1#xtr/}; echo "${r%%/*}" ;;
	xtr/*) echo base ;;
	*) echo other ;;
	esac
}

# allowed FROM TO: 0 if a FROM file may depend on a TO file.
allowed() {
	[ "$1" = "$2" ] && return 0
	case $2 in common|lisp) return 0 ;; esac
	[ "$1" = ctl ] && return 1
	[ "$2" = ctl ] && return 1
	[ "$(rank "$2")" -lt "$(rank "$1")" ]
}

bad=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT

# --- includes: resolved as the compiler does with -Icommon -Ilisp -I. ----
resolve() {	# FILE INCLUDED -> path or nothing (a system header)
	local d
	d=$(dirname "$1")
	for p in "$d/$2" "common/$2" "lisp/$2" "$2"; do
		if [ -f "$p" ]; then
			realpath --relative-to=. "$p"
			return
		fi
	done
}

ninc=0
while IFS= read -r f; do
	while IFS= read -r inc; do
		t=$(resolve "$f" "$inc")
		[ -n "$t" ] || continue
		ninc=$((ninc + 1))
		a=$(room "$f"); b=$(room "$t")
		[ "$a" = "$b" ] && continue
		echo "$a $b" >> "$edges"
		if ! allowed "$a" "$b"; then
			echo "include: $f ($a) -> $t ($b): not allowed"
			bad=1
		fi
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done < <(find xtr -name '*.[ch]' | sort)

# --- calls: undefined symbols of a room's objects, defined in which room --
ncall=0
if [ -n "$objdir" ]; then
	defs=$(mktemp)
	trap 'rm -f "$edges" "$defs"' EXIT
	# the objects of today's sources (a build folder may keep objects of
	# files since moved or removed)
	objs=$(find "$objdir/xtr" -name '*.o' | sort | while IFS= read -r o; do
		rel=${o#"$objdir"/}
		[ ! -f "${rel%.o}.c" ] || echo "$o"
	done)
	while IFS= read -r o; do
		rel=${o#"$objdir"/}
		r=$(room "$rel")
		"$NM" --defined-only "$o" |
		    awk -v r="$r" '$2 ~ /^[TDBRCV]$/ { print $3, r }'
	done <<< "$objs" | sort -u > "$defs"
	while IFS= read -r o; do
		rel=${o#"$objdir"/}
		a=$(room "$rel")
		while read -r sym b; do
			ncall=$((ncall + 1))
			[ "$a" = "$b" ] && continue
			echo "$a $b" >> "$edges"
			if ! allowed "$a" "$b"; then
				echo "call: $rel ($a) uses $sym ($b): not allowed"
				bad=1
			fi
		done < <("$NM" -u "$o" | awk '{ print $2 }' | sort -u | join - "$defs")
	done <<< "$objs"
fi

# --- the graph between rooms, and any cycle in it by name ----------------
sort -u "$edges" | awk '{ printf "  %s -> %s\n", $1, $2 }'
if ! sort -u "$edges" | tsort > /dev/null 2> "$edges.cyc"; then
	echo "cycle between rooms:"; sed 's/^tsort: /  /' "$edges.cyc"
	bad=1
fi
rm -f "$edges.cyc"
echo "check-layers: $ninc includes${objdir:+, $ncall undefined symbols} read;" \
    "$([ "$bad" = 0 ] && echo "no cycle, no upward edge" || echo FAILED)"
exit "$bad"
