#!/usr/bin/env python3
"""analyze.py: the measurements of one trial of bench/downtime.sh.

  analyze.py --header-only
  analyze.py TRIALDIR [--header]
      prints one CSV row per workload of the trial found in TRIALDIR
      (--header: the header line first)

TRIALDIR holds meta.env (KEY=VALUE: MODE KM LOSS CORRUPT TRIAL BLACKOUT_S
MEM_MB MIG_T_START MIG_T_PRECOPY_END MIG_T_SUSPEND MIG_T_UP MIG_T_END
MONO_OFFSET_NS, realtime ns), the workload logs written by wl.py
(udp_v2c.sent/.recv: VM -> client, udp_c2v.sent/.recv: client -> VM,
udp_n2v.sent/.recv: non-LISP host -> VM through the PxTR,
tcp.log, http.log) and the control-plane timelines (mig-dc2.json:
migratectl migrations; tl-<node>.json: xtrctl timeline).

Columns (times in seconds, -1 = not measured / never happened):
  downtime_s     largest gap between two deliveries at the receiver
                 (from 1 s before the suspend to the senders' stop: a
                 stream never restored is down until the stop)
  restore_s      from the VM up (unpaused at dc2) to the first delivery
  lost_before    datagrams sent from 1 s before the suspend to the VM up
                 that never arrived (udp only)
  lost_after     datagrams sent in the 5 s after the VM up that never
                 arrived (udp only; with --loss it includes the WAN's own
                 random loss, see the last two columns)
  migration_s    start of the migration to the VM up at dc2
  precopy_s      the pre-copy's duration;  blackout_s  suspend -> up
  cp_*_s         control plane, from the VM up (negative: before it,
                 from the suspend on; -1 = none): dc2 registers the EID,
                 dc2 sends SMRs, the client xTR receives an SMR, the
                 client xTR accepts the new mapping (map-reply-accepted)
  lost_after_mig datagrams sent after the VM up and before the stream was
                 restored (its first delivery after up) that never
                 arrived: the loss the migration caused after up, without
                 the WAN's random loss later in the window (udp only; all
                 of lost_after if nothing arrived after up)
  wan_loss_pct   the stream's loss in % before the migration (from its
                 start to 1 s before the suspend): the WAN's random loss
                 (and corruption) on this path, for comparison (udp only)
  hold           dc2 held the blackout's packets (on) or not (off)
  lost_all       datagrams sent across the whole migration, from 1 s
                 before it starts (the pre-copy) to the senders' stop,
                 that never arrived (udp only; the stream's start-up,
                 before the warm-up, is left out)
  wan_drop       of those, the ones the WAN emulator's random loss or
                 corruption took, on any link of their path (wanem's
                 drop log, bench/tools/wandrops.py: TRIALDIR/wanem*.drops;
                 -1 = no drop log, as with netem, and loss or corruption
                 asked for; 0 without either)
  lost_beyond_wan lost_all - wan_drop: what the migration (or anything
                 but the WAN's own random loss) lost; -1 as wan_drop
  rtt_s          the client-VM round trip after the move: median one-way
                 delay client -> VM plus VM -> client of the datagrams
                 sent from 1 s after the VM up to the stop (udp_c2v and
                 udp_v2c, the same CLOCK_REALTIME at both ends)
"""
import statistics
import json
import os
import sys

COLS = ("mode km loss corrupt trial workload downtime_s restore_s "
        "lost_before lost_after migration_s precopy_s blackout_s mem_mb "
        "oneway_ms cp_register_s cp_smr_s cp_client_smr_s "
        "cp_client_update_s lost_after_mig wan_loss_pct hold lost_all "
        "wan_drop lost_beyond_wan rtt_s").split()

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wandrops  # noqa: E402


def meta(d):
    m = {}
    with open(os.path.join(d, "meta.env")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            if k:
                m[k] = v
    return m


def lines(path):
    try:
        with open(path) as f:
            return [ln.split() for ln in f if ln.strip()]
    except OSError:
        return None


def gaps(times, lo, hi):
    """largest gap between consecutive times and the window's ends: a
    stream that never came back is down until the window ends (without
    hi its downtime was the gap before the suspend: 0.16 s)"""
    t = sorted(x for x in times if lo <= x <= hi)
    if not t:
        return -1
    pts = [lo] + t + [hi]
    return max(b - a for a, b in zip(pts, pts[1:])) / 1e9


def first_after(times, t0):
    later = [x for x in times if x > t0]
    return (min(later) - t0) / 1e9 if later else -1


# the streams' UDP ports (downtime.sh wl_start)
PORTS = {"udp_v2c": 9001, "udp_c2v": 9002, "udp_n2v": 9003}


def whole(d, name, m, sent, got, drops):
    """(lost_all, wan_drop, lost_beyond_wan) of one stream"""
    lo = int(m["MIG_T_START"]) - 10**9
    lost = [int(s[0]) for s in sent if int(s[1]) >= lo and
            int(s[0]) not in got]
    if drops is None:
        if float(m.get("LOSS", "0")) == 0 and \
                float(m.get("CORRUPT", "0")) == 0:
            return (len(lost), 0, len(lost))
        return (len(lost), -1, -1)
    port = PORTS[name]
    wan = sum(1 for q in lost
              if any(w in ("loss", "corrupt")
                     for w in drops.get((port, q), ())))
    return (len(lost), wan, len(lost) - wan)


def owd(d, name, lo, hi):
    """median one-way delay (s) of the datagrams sent in [lo, hi]"""
    recv = lines(os.path.join(d, name + ".recv"))
    if not recv:
        return None
    v = [int(r[2]) - int(r[1]) for r in recv if lo <= int(r[1]) <= hi]
    return statistics.median(v) / 1e9 if v else None


def rtt(d, m):
    up, end = int(m["MIG_T_UP"]), int(m["WL_T_STOP"])
    a = owd(d, "udp_c2v", up + 10**9, end)
    b = owd(d, "udp_v2c", up + 10**9, end)
    return a + b if a is not None and b is not None else -1.0


def udp(d, name, m, drops=None):
    sent = lines(os.path.join(d, name + ".sent"))
    recv = lines(os.path.join(d, name + ".recv"))
    if sent is None or recv is None:
        return None
    up, sus = int(m["MIG_T_UP"]), int(m["MIG_T_SUSPEND"])
    got = set(int(r[0]) for r in recv)
    rt = [int(r[2]) for r in recv]
    end = int(m["WL_T_STOP"])
    lost_b = sum(1 for s in sent if sus - 10**9 <= int(s[1]) < up
                 and int(s[0]) not in got)
    lost_a = sum(1 for s in sent if up <= int(s[1]) < up + 5 * 10**9
                 and int(s[0]) not in got)
    # until the stream is restored (its first delivery after up): the
    # first datagram sent after up may arrive late, held in a miss queue
    # while those behind it overflow the queue
    after = [t for t in rt if t > up]
    lim = min(after) if after else up + 5 * 10**9
    lost_m = sum(1 for s in sent if up <= int(s[1]) < lim
                 and int(s[0]) not in got)
    steady = [s for s in sent if int(s[1]) < sus - 10**9]
    bg = -1.0
    if steady:
        bg = 100.0 * sum(1 for s in steady if int(s[0]) not in got) \
            / len(steady)
    return (gaps(rt, sus - 10**9, end), first_after(rt, up), lost_b, lost_a,
            lost_m, bg) + whole(d, name, m, sent, got, drops)


def tcp(d, name, m, drops=None):
    rows = lines(os.path.join(d, name + ".log"))
    if rows is None:
        return None
    rt = [int(r[0]) for r in rows if r[0] != "end"]
    up, sus = int(m["MIG_T_UP"]), int(m["MIG_T_SUSPEND"])
    end = int(m["WL_T_STOP"])
    return (gaps(rt, sus - 10**9, end), first_after(rt, up), -1, -1, -1,
            -1, -1, -1, -1)


def events_mig(d):
    try:
        with open(os.path.join(d, "mig-dc2.json")) as f:
            j = json.load(f)
    except (OSError, ValueError):
        return []
    ev = []
    for mg in j.get("migrations", []):
        if mg.get("direction") == "in":
            ev += mg.get("events", [])
    return ev


def events_xtr(d, node):
    try:
        with open(os.path.join(d, "tl-%s.json" % node)) as f:
            return json.load(f).get("events", [])
    except (OSError, ValueError):
        return []


def cp(d, m):
    off = int(m.get("MONO_OFFSET_NS", "0"))
    up = int(m["MIG_T_UP"])
    # events from the suspend on: since 682c99f dc2 registers at the
    # --incoming rename, before the VM is up (negative times)
    sus = int(m.get("MIG_T_SUSPEND", up - 10**9))

    def rel(t_mono_ns):
        return (t_mono_ns + off - up) / 1e9

    def first(evs, name, key="t_ms", mult=10**6, since=-1.0,
              ok=lambda e: True):
        ts = [e[key] * mult for e in evs if e.get("event") == name
              and key in e and ok(e)]
        ts = [t for t in ts if t + off >= sus and rel(t) >= since]
        return rel(min(ts)) if ts else -1

    mig = events_mig(d)
    key, mult = ("t_us", 1000) if any("t_us" in e for e in mig) \
        else ("t_ms", 10**6)
    reg = first(mig, "register-sent", key, mult)
    smr = first(mig, "smr-sent", key, mult)
    if reg == -1:
        reg = first(events_xtr(d, "dc2"), "database-add")
    if smr == -1:
        smr = first(events_xtr(d, "dc2"), "smr-sent")
    # The client's SMR and map-cache update that bring it the new site
    # (dc2, 192.0.2.2): in mode full the old site hands the EID over and
    # SMRs at the suspend already, before dc2 registers, and the client's
    # answer then is negative (the EID withdrawn, not yet registered).
    cl = events_xtr(d, "cl")
    csmr = first(cl, "smr-received", since=reg if reg != -1 else -1e9)
    upd = first(cl, "map-reply-accepted",
                ok=lambda e: " first 192.0.2.2 " in e.get("detail", ""))
    return (reg, smr, csmr, upd)


def fmt(v):
    if isinstance(v, float):
        return "%.4f" % v if v != -1 else "-1"
    return str(v)


def main(a):
    if not a:
        sys.exit(__doc__)
    if a[0] == "--header-only":
        print(",".join(COLS))
        return
    d = a[0]
    if "--header" in a:
        print(",".join(COLS))
    m = meta(d)
    up = int(m["MIG_T_UP"])
    mig_s = (up - int(m["MIG_T_START"])) / 1e9
    pre_s = (int(m["MIG_T_PRECOPY_END"]) - int(m["MIG_T_START"])) / 1e9
    bo_s = (up - int(m["MIG_T_SUSPEND"])) / 1e9
    c = cp(d, m) if not m["MODE"].startswith("bgp") else (-1, -1, -1, -1)
    oneway = float(m["KM"]) * 0.005
    drops = wandrops.stream_drops(d)
    rt = rtt(d, m)
    for w, fn in (("udp_v2c", udp), ("udp_c2v", udp), ("udp_n2v", udp),
                  ("tcp", tcp),
                  ("http", tcp)):
        r = fn(d, w, m, drops)
        if r is None:
            continue
        row = [m["MODE"], m["KM"], m["LOSS"], m["CORRUPT"], m["TRIAL"], w,
               r[0], r[1], r[2], r[3], mig_s, pre_s, bo_s, m["MEM_MB"],
               oneway] + list(c) + [r[4], r[5], m.get("HOLD", "on"), r[6],
                                    r[7], r[8], rt]
        print(",".join(fmt(v) for v in row))


if __name__ == "__main__":
    main(sys.argv[1:])
