#!/usr/bin/env python3
"""zeroloss_table.py: issue 18's table from a bench/downtime.sh run made
with --hold "on off" (and --pxtr): per point (km, loss, hold), every
trial's

  - datagrams lost across the whole stream (results.csv lost_all) client
    -> VM (udp_c2v), non-LISP host -> VM through the PxTR (udp_n2v) and
    VM -> client (udp_v2c); with loss, "lost / the WAN's / beyond": of the
    lost, those the WAN emulator's random loss took on their path
    (wan_drop, wanem's drop log) and the rest (lost_beyond_wan)
  - FTP-like TCP and HTTP longest stall (downtime_s) against the bound
    blackout + client-VM round trip + 20 ms (blackout_s + rtt_s + 0.020):
    "ok" when within it, else the excess
  - dc1's redirected (dp_away_reencap) and dc2's held / released /
    dropped from the hold (dp_held, dp_hold_released, dp_drop_hold_*) /
    dropped as not local (dp_drop_not_local: what arrives for the VM
    before it, with the hold off) packets, from trials/<n>/counters-*.json

Usage: bench/tools/zeroloss_table.py OUTDIR
"""
import csv
import json
import os
import sys

SLACK = 0.020


def counters(d, node):
    try:
        with open(os.path.join(d, "counters-%s.json" % node)) as f:
            return json.load(f).get("counters", {})
    except (OSError, ValueError):
        return {}


def trial_dirs(out):
    """{(km, loss, hold, trial): trial dir} from trials/<n>/meta.env"""
    res = {}
    base = os.path.join(out, "trials")
    for n in os.listdir(base):
        d = os.path.join(base, n)
        try:
            with open(os.path.join(d, "meta.env")) as f:
                m = dict(ln.strip().split("=", 1) for ln in f if "=" in ln)
        except OSError:
            continue
        res[(m["KM"], m["LOSS"], m.get("HOLD", "on"), m["TRIAL"])] = d
    return res


def main(a):
    if len(a) != 1:
        sys.exit(__doc__)
    out = a[0]
    with open(os.path.join(out, "results.csv")) as f:
        rows = list(csv.DictReader(f))
    dirs = trial_dirs(out)
    pts = {}
    for r in rows:
        k = (r["km"], r["loss"], r["hold"])
        pts.setdefault(k, {}).setdefault(r["trial"], {})[r["workload"]] = r
    print("| km | loss % | hold | client→VM lost | non-LISP→VM lost "
          "| VM→client lost | blackout s | RTT ms | TCP stall s (bound) "
          "| HTTP stall s (bound) | dc1 redirected | dc2 held / released "
          "/ dropped / not local |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    within = {}
    for k in sorted(pts, key=lambda x: (float(x[1]), float(x[0]),
                                        x[2] == "off")):
        km, loss, hold = k
        trials = [pts[k][t] for t in sorted(pts[k], key=int)]
        cells = {w: [] for w in ("udp_c2v", "udp_n2v", "udp_v2c")}
        stall = {"tcp": [], "http": []}
        bo, rtt, red, held = [], [], [], []
        for t, tr in zip(sorted(pts[k], key=int), trials):
            any_row = next(iter(tr.values()))
            b, rt = float(any_row["blackout_s"]), float(any_row["rtt_s"])
            bo.append("%.3f" % b)
            rtt.append("%.1f" % (rt * 1e3) if rt >= 0 else "-")
            for w in cells:
                r = tr.get(w)
                if r is None:
                    cells[w].append("-")
                elif float(loss) == 0:
                    cells[w].append(r["lost_all"])
                else:
                    cells[w].append("%s/%s/%s" % (r["lost_all"], r["wan_drop"],
                                                  r["lost_beyond_wan"]))
            for w in stall:
                r = tr.get(w)
                if r is None:
                    stall[w].append("-")
                    continue
                s = float(r["downtime_s"])
                bound = b + rt + SLACK
                ok = rt >= 0 and s <= bound
                c = within.setdefault((loss, hold, w), [0, 0])
                c[0] += ok
                c[1] += 1
                stall[w].append("%.3f (%.3f)%s" % (s, bound,
                                                   "" if ok else " **over**"))
            d = dirs.get((km, loss, hold, t))
            c1 = counters(d, "dc1") if d else {}
            c2 = counters(d, "dc2") if d else {}
            red.append(str(c1.get("dp_away_reencap", "-")))
            dropped = sum(v for n, v in c2.items()
                          if n.startswith("dp_drop_hold"))
            held.append("%s/%s/%s/%s" % (c2.get("dp_held", "-"),
                                         c2.get("dp_hold_released", "-"),
                                         dropped,
                                         c2.get("dp_drop_not_local", "-")))
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
              % (km, loss, hold, ", ".join(cells["udp_c2v"]),
                 ", ".join(cells["udp_n2v"]), ", ".join(cells["udp_v2c"]),
                 ", ".join(bo), ", ".join(rtt), "; ".join(stall["tcp"]),
                 "; ".join(stall["http"]), ", ".join(red), ", ".join(held)))
    print()
    for loss, hold in sorted({k[:2] for k in within},
                             key=lambda x: (float(x[0]), x[1] == "off")):
        print("Stalls within the bound at loss %s %%, hold %s: TCP %d of %d, "
              "HTTP %d of %d." % ((loss, hold) +
                                  tuple(within.get((loss, hold, "tcp"),
                                                   [0, 0])) +
                                  tuple(within.get((loss, hold, "http"),
                                                   [0, 0]))))

if __name__ == "__main__":
    main(sys.argv[1:])
