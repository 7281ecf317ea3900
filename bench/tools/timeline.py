#!/usr/bin/env python3
"""timeline.py: the timeline and downtime figures of one bench trial, for
a person to read (scripts/demo.sh prints it).

  timeline.py TRIALDIR [PLOTDIR]
      with PLOTDIR: also stream.dat and stream.gp there (gnuplot: the
      one-way delay of every video packet vs time, both directions, the
      blackout shaded)
      TRIALDIR as left by bench/downtime.sh (meta.env, marks.log,
      mig-dc*.json, tl-*.json, udp_*.sent/.recv); the measured numbers
      come from bench/tools/analyze.py.

Times are seconds from the moment the VM was suspended at dc1 (the start
of the stop-and-copy blackout).  Daemon timelines (monotonic clock) are
put on the same clock with MONO_OFFSET_NS.
"""
import csv
import io
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

XTR_EVENTS = {
    "dc1": {"away-entry": "dc1 xtrd: away entry (redirects to dc2)",
            "withdraw-sent": "dc1 xtrd: withdraws the EID (TTL 0 register)",
            "map-notify-moved": "dc1 xtrd: Map-Notify from the MS: EID moved",
            "smr-sent": "dc1 xtrd: SMR to a stale ITR"},
    "dc2": {"register-sent": "dc2 xtrd: Map-Register for the VM's EID",
            "map-notify": "dc2 xtrd: Map-Notify (registered)",
            "smr-sent": "dc2 xtrd: SMR to the client's ITR"},
    "px": {"smr-received": "PxTR: SMR received",
           "map-reply-accepted": "PxTR: new mapping in its map-cache"},
    "ms": {"registered": "MS: registration",
           "mobility-notify": "MS: Map-Notify to the old site"},
    "cl": {"smr-received": "client xTR: SMR received",
           "map-reply-accepted": "client xTR: new mapping in its map-cache"},
}
MIG_EVENTS = {
    "domain-seen": "dc2 migrated: incoming domain seen in xenstore",
    "vif-connected": "dc2 migrated: vif on xenbr0",
    "unpaused": "dc2 migrated: domain unpaused",
    "announcement": "dc2 migrated: gratuitous ARP from the VM",
    "register-sent": "dc2 migrated: asks xtrd to register the EID",
    "smr-sent": "dc2 migrated: asks xtrd for SMRs",
    "departing": "dc1 migrated: departing (renamed --migratedaway)",
    "withdrawn": "dc1 migrated: EID withdrawn",
    "released": "dc1 migrated: domain released",
}
MARKS = [("MIG_T_START", "pre-copy: memory stream dc1 -> dc2 starts"),
         ("MIG_T_PRECOPY_END", "pre-copy done"),
         ("MIG_T_SUSPEND", "VM suspended at dc1: blackout starts"),
         ("MIG_T_RESTORED", "dc2: domain built, vif on xenbr0 (no carrier)"),
         ("MIG_T_UP", "VM unpaused at dc2: VM UP"),
         ("MIG_T_END", "dc1: old domain destroyed")]


def load_json(d, name):
    try:
        with open(os.path.join(d, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def first_packet(d, name, lo, hi, after):
    """first (after=True) or last receive time in [lo, hi]"""
    try:
        with open(os.path.join(d, name + ".recv")) as f:
            t = [int(ln.split()[2]) for ln in f if ln.strip()]
    except OSError:
        return None
    t = [x for x in t if lo <= x <= hi]
    if not t:
        return None
    return min(t) if after else max(t)


def stream_plot(d, pdir, sus, up):
    with open(os.path.join(pdir, "stream.dat"), "w") as out:
        for i, name in enumerate(("udp_v2c", "udp_c2v")):
            out.write("# %s: t_s delay_ms\n" % name)
            try:
                with open(os.path.join(d, name + ".recv")) as f:
                    for ln in f:
                        _, ts, tr = (int(x) for x in ln.split())
                        out.write("%.4f %.3f\n" % ((tr - sus) / 1e9,
                                                    (tr - ts) / 1e6))
            except OSError:
                pass
            out.write("\n\n")
    b = (up - sus) / 1e9
    with open(os.path.join(pdir, "stream.gp"), "w") as g:
        g.write("""set xlabel 'Time from the suspend at dc1 (s)'
set ylabel 'One-way delay (ms)'
set title 'Video stream across the migration (blackout shaded)'
set grid
set key top right
set xrange [-3:%(x1)g]
set yrange [0:*]
set object 1 rect from 0, graph 0 to %(b)g, graph 1 fc rgb '#ffdddd' behind
set arrow 1 from %(b)g, graph 0 to %(b)g, graph 1 nohead lc rgb 'red'
set label 1 'VM up' at %(b)g, graph 0.95 offset 0.5,0
plot 'stream.dat' index 0 using 1:2 with points pt 7 ps 0.3 title 'VM -> client', \\
     'stream.dat' index 1 using 1:2 with points pt 7 ps 0.3 title 'client -> VM'
""" % {"b": b, "x1": b + 4})


def main(a):
    if not a:
        sys.exit(__doc__)
    d = a[0]
    m = {}
    with open(os.path.join(d, "meta.env")) as f:
        for ln in f:
            k, _, v = ln.strip().partition("=")
            m[k] = v
    sus, up = int(m["MIG_T_SUSPEND"]), int(m["MIG_T_UP"])
    if len(a) > 1:
        stream_plot(d, a[1], sus, up)
    off = int(m["MONO_OFFSET_NS"])
    ev = []
    for k, what in MARKS:
        if k in m:
            ev.append((int(m[k]), what))
    try:
        with open(os.path.join(d, "netfront.log")) as f:
            for ln in f:
                ev.append((int(ln), "VM's netfront: gratuitous ARP"))
    except (OSError, ValueError):
        pass
    for host in ("dc1", "dc2"):
        for mg in load_json(d, "mig-%s.json" % host).get("migrations", []):
            for e in mg.get("events", []):
                what = MIG_EVENTS.get(e.get("event"))
                if what and what.startswith(host):
                    t = e.get("t_us", e.get("t_ms", 0) * 1000) * 1000
                    ev.append((t + off, what))
    for node, names in XTR_EVENTS.items():
        seen = set()
        for e in load_json(d, "tl-%s.json" % node).get("events", []):
            n = e.get("event")
            t = e["t_ms"] * 10**6 + off
            if n not in names or t < sus - 10**9 or (node, n) in seen:
                continue
            if e.get("eid") not in (None, "198.51.100.5/32"):
                continue
            seen.add((node, n))
            ev.append((t, names[n]))
    for name, who in (("udp_v2c", "VM -> client"),
                      ("udp_c2v", "client -> VM"),
                      ("udp_n2v", "non-LISP host -> VM")):
        t = first_packet(d, name, sus - 10 * 10**9, sus, False)
        if t:
            ev.append((t, "last %s packet delivered before" % who))
        t = first_packet(d, name, up, up + 60 * 10**9, True)
        if t:
            ev.append((t, "first %s packet delivered after: RESTORED" % who))
    ev.sort()
    print("Timeline (seconds from the VM's suspend at dc1):")
    for t, what in ev:
        if t < int(m.get("MIG_T_START", sus)) - 10**9:
            continue
        print("  %+9.3f  %s" % ((t - sus) / 1e9, what))
    out = subprocess.run([sys.executable, os.path.join(HERE, "analyze.py"),
                          d, "--header"], capture_output=True, text=True,
                         check=True).stdout
    rows = {r["workload"]: r for r in csv.DictReader(io.StringIO(out))}
    ow = float(m["KM"]) * 0.005
    print()
    print("Downtime (DC1-DC2 %s km, one-way delay %.0f ms, loss %s%%, "
          "blackout %.2f s):" % (m["KM"], ow, m["LOSS"], (up - sus) / 1e9))
    for wl, who in (("udp_v2c", "video VM -> client"),
                    ("udp_c2v", "video client -> VM"),
                    ("udp_n2v", "video non-LISP -> VM"),
                    ("tcp", "TCP bulk VM -> client"),
                    ("http", "HTTP download")):
        r = rows.get(wl)
        if not r:
            continue
        rs = float(r["restore_s"])
        line = "  %-22s downtime %6.3f s   restored %6.3f s after VM up" % (
            who, float(r["downtime_s"]), rs)
        if rs >= 0 and ow > 0:
            line += " (%.1f x one-way delay)" % (rs * 1000 / ow)
        if r["lost_before"] != "-1":
            line += "   lost %s before / %s after up" % (
                r["lost_before"], r["lost_after"])
        print(line)
    held(d)
    r = next(iter(rows.values()), None)
    if r:
        print("  migration time %.2f s (pre-copy %.2f s of %s MiB)" % (
            float(r["migration_s"]), float(r["precopy_s"]), r["mem_mb"]))



def held(d):
    """dc2's hold of the blackout's packets (issue 18): held, released,
    dropped, from its xtrd counters; dc1's redirected ones."""
    def counters(n):
        try:
            with open(os.path.join(d, "counters-%s.json" % n)) as f:
                return json.load(f).get("counters", {})
        except (OSError, ValueError):
            return None
    c2, c1 = counters("dc2"), counters("dc1")
    if c2 is None:
        return
    lost = sum(c2.get(k, 0) for k in ("dp_drop_hold_full",
               "dp_drop_hold_timeout", "dp_drop_hold_cancel",
               "dp_drop_not_local"))
    print("  blackout packets: dc1 redirected %s, dc2 held %d, released %d,"
          " lost %d (bound %d, timeout %d, not local %d)" % (
              c1.get("dp_away_reencap", "?") if c1 else "?",
              c2.get("dp_held", 0), c2.get("dp_hold_released", 0), lost,
              c2.get("dp_drop_hold_full", 0),
              c2.get("dp_drop_hold_timeout", 0),
              c2.get("dp_drop_not_local", 0)))


if __name__ == "__main__":
    main(sys.argv[1:])
