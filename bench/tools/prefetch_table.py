#!/usr/bin/env python3
"""prefetch_table.py: the VM -> client figures of a bench/downtime.sh run
made with --prefetch "on off", split by trials/<n>/meta.env's PREFETCH
(results.csv has no such column): per trial, then one markdown row per
(km, loss, prefetch) with the restoration (median, and in one-way
delays), lost_after_mig and lost_after of every trial, when dc2 accepted
the client's mapping (xtrd timeline, seconds from the VM up) and how many
packets waited in dc2's miss queue (dp_queued).

Usage: bench/tools/prefetch_table.py OUTDIR   (run from the repository)
"""
import csv, io, json, os, subprocess, sys, statistics as st
out = sys.argv[1]
rows = []
for n in sorted(os.listdir(out + "/trials"), key=int):
    d = f"{out}/trials/{n}"
    if not os.path.exists(d + "/meta.env"):
        continue
    m = dict(l.strip().split("=", 1) for l in open(d + "/meta.env") if "=" in l)
    txt = subprocess.run([sys.executable, "bench/tools/analyze.py", d, "--header"], capture_output=True, text=True).stdout
    up_mono_ms = (int(m["MIG_T_UP"]) - int(m["MONO_OFFSET_NS"])) / 1e6
    tl = json.load(open(d + "/tl-dc2.json")).get("events", [])
    mr = [e["t_ms"] - up_mono_ms for e in tl if e["event"] == "map-request-sent" and e.get("eid", "").startswith("203.0.113")]
    acc = [e["t_ms"] - up_mono_ms for e in tl if e["event"] == "map-reply-accepted" and e.get("eid", "").startswith("203.0.113")]
    try:
        q = json.load(open(d + "/counters-dc2.json"))["counters"].get("dp_queued", 0)
    except (OSError, ValueError, KeyError):
        q = -1
    for r in csv.DictReader(io.StringIO(txt)):
        if r["workload"] != "udp_v2c":
            continue
        rows.append(dict(n=int(n), pf=m.get("PREFETCH", "?"), km=r["km"], loss=r["loss"], restore=float(r["restore_s"]),
                         oneway=float(r["oneway_ms"]), lam=int(r["lost_after_mig"]), la=int(r["lost_after"]),
                         mr=mr, acc=acc[0] if acc else None, q=q, blackout=float(r["blackout_s"])))
f = lambda v: "-" if v is None else "%+.3f" % (v / 1000)
print("per trial: n pf km loss restore_s (x one-way) lost_after_mig/lost_after  dc2 Map-Requests for the client (s from up)  mapping accepted (s from up)  blackout")
for r in rows:
    print(r["n"], r["pf"], r["km"], r["loss"], "%.3f (%.1fx)" % (r["restore"], r["restore"] * 1000 / r["oneway"]), "%d/%d" % (r["lam"], r["la"]),
          " ".join(f(x) for x in r["mr"]) or "none", f(r["acc"]), "%.2f" % r["blackout"], r["q"])
print()
print("| km | one-way ms | loss % | prefetch | VM→client restore s, median (×one-way) | each trial | lost_after_mig each trial | lost_after each | dc2 mapping of the client accepted, s from up | dc2 miss-queued |")
print("|---|---|---|---|---|---|---|---|---|---|")
keys = []
for r in rows:
    k = (r["km"], r["loss"], r["pf"])
    if k not in keys:
        keys.append(k)
keys.sort(key=lambda k: (int(k[0]), float(k[1]), k[2] == "off"))
for k in keys:
    g = [r for r in rows if (r["km"], r["loss"], r["pf"]) == k]
    med = st.median(r["restore"] for r in g)
    ow = g[0]["oneway"]
    print(f"| {k[0]} | {ow:.1f} | {k[1]} | {k[2]} | {med:.3f} ({med*1000/ow:.1f}×) | " +
          ", ".join("%.3f" % r["restore"] for r in g) + " | " + ", ".join(str(r["lam"]) for r in g) + " | " +
          ", ".join(str(r["la"]) for r in g) + " | " + ", ".join(f(r["acc"]) for r in g) + " | " + ", ".join(str(r["q"]) for r in g) + " |")
