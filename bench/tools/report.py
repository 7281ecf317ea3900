#!/usr/bin/env python3
"""report.py: figures data, gnuplot script and summary of a bench run.

  report.py OUTDIR
      reads OUTDIR/results.csv (bench/tools/analyze.py rows), writes
      OUTDIR/plots/*.dat (mean over trials, one file per mode, workload
      and loss rate (and corruption rate, when not 0): "km restore_s
      downtime_s migration_s"),
      OUTDIR/plots/figures.gp (run by bench/plot.sh) and
      OUTDIR/summary.md.

The figures follow the thesis (Figures 5.6-5.10): x = distance (km), one
curve per loss rate (loss and corruption with --corrupt); restoration.* has one panel per workload (rows) and
mode (columns), migration.* one panel per mode, downtime.* like
restoration.*.
"""
import csv
import os
import sys
from collections import defaultdict

WL_TITLE = {"udp_v2c": "video VM->client", "udp_c2v": "video client->VM",
            "udp_n2v": "video non-LISP->VM (PxTR)",
            "tcp": "FTP-like TCP", "http": "HTTP download"}
MODE_ORDER = ["full", "pubsub", "thesis", "bgp", "bgp-mrai"]


def mean(v):
    v = [x for x in v if x >= 0]
    return sum(v) / len(v) if v else -1


def mean_t(v):
    """mean of control-plane times, which may be negative (before the VM
    was up); -1 = not measured"""
    v = [x for x in v if x != -1]
    return sum(v) / len(v) if v else None


def fmt_t(x):
    return "-" if x is None else "%+.3f" % x


def load(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def keyf(x):
    try:
        return float(x)
    except ValueError:
        return 0.0


def series(r):
    """the curve of a row: its loss rate, and corruption rate if not 0"""
    c = r.get("corrupt", "0")
    return r["loss"] if keyf(c) == 0 else "%s c%s" % (r["loss"], c)


def skey(lab):
    """sort key of a series label"""
    loss, _, c = lab.partition(" c")
    return (keyf(loss), keyf(c))


def slabel(lab, short=False):
    loss, _, c = lab.partition(" c")
    if short:
        return loss if not c else "%s (corrupt %s)" % (loss, c)
    return "Packet Loss (%s%%)" % loss if not c else \
        "Loss %s%%, corrupt %s%%" % (loss, c)


def aggregate(rows):
    agg = defaultdict(lambda: defaultdict(list))
    for r in rows:
        k = (r["mode"], r["workload"], series(r), r["km"])
        for c in ("restore_s", "downtime_s", "migration_s", "lost_before",
                  "lost_after", "oneway_ms", "cp_register_s", "cp_smr_s",
                  "cp_client_smr_s", "cp_client_update_s", "blackout_s",
                  "precopy_s", "lost_after_mig", "wan_loss_pct"):
            agg[k][c].append(float(r.get(c) or -1))
    return agg


def write_dat(out, agg):
    files = defaultdict(list)
    for (mode, wl, loss, km), v in agg.items():
        files[(mode, wl, loss)].append(
            (keyf(km), mean(v["restore_s"]), mean(v["downtime_s"]),
             mean(v["migration_s"])))
    names = {}
    for (mode, wl, loss), pts in files.items():
        fn = "%s_%s_loss%s.dat" % (mode, wl, loss.replace(" ", "_"))
        with open(os.path.join(out, fn), "w") as f:
            f.write("# km restore_s downtime_s migration_s\n")
            for p in sorted(pts):
                f.write("%g %.4f %.4f %.4f\n" % p)
        names[(mode, wl, loss)] = (fn, pts)
    return names


MODE_COLOR = {"full": "#1f77b4", "pubsub": "#17becf", "thesis": "#2ca02c",
              "bgp": "#d62728", "bgp-mrai": "#ff7f0e"}
EXTRA_COLORS = ["#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]


def panel(names, modes, wl, col, losses, title, ylabel):
    """one panel per workload: every mode (a colour each) and loss rate
    (a point type and dash each) on the same axes; a log y axis when the
    values span more than a factor of 50 (mode bgp-mrai's 30 s beside
    LISP's tens of ms)"""
    plots, vals = [], []
    for i, m in enumerate(modes):
        lc = MODE_COLOR.get(m, EXTRA_COLORS[i % len(EXTRA_COLORS)])
        for j, loss in enumerate(losses):
            fn, pts = names.get((m, wl, loss), (None, []))
            v = [p[col - 1] for p in pts if p[col - 1] >= 0]
            if not fn or not v:
                continue
            vals += v
            t = m if len(losses) == 1 else "%s, %s" % (m, slabel(loss, True))
            plots.append("'%s' using 1:($%d >= 0 ? $%d : 1/0) with "
                         "linespoints lc rgb '%s' dt %d pt %d ps 0.7 "
                         "title '%s'" % (fn, col, col, lc, j + 1,
                                         (7, 5, 9, 11, 13)[j % 5], t))
    s = "set title '%s'\nset ylabel '%s'\n" % (title, ylabel)
    if not plots:
        return s + "unset logscale y\nset label 1 'no data' at graph " \
            "0.4,0.5\nset yrange [0:1]\nplot 2 notitle lc rgb 'white'\n" \
            "unset label 1\nset yrange [0:*]\n"
    pos = [x for x in vals if x > 0]
    if pos and max(pos) / min(pos) > 50:
        s += "set logscale y\nset yrange [%g:*]\n" % (min(pos) / 2)
    else:
        s += "unset logscale y\nset yrange [0:*]\n"
    return s + "plot " + ", \\\n     ".join(plots) + "\n"


def xtics(names):
    """the distances measured, as the x tics, rotated: gnuplot's own tics
    at 2000 km steps ran into each other in a panel; a distance closer
    than 7 % of the axis to the last one labelled (100 and 500 on a
    12000 km axis) keeps its tic mark without a label"""
    kms = sorted({p[0] for _, pts in names.values() for p in pts})
    if not kms:
        return ""
    span, last, lab = max(kms[-1] - kms[0], 1), None, []
    for k in kms:
        t = ("%gk" % (k / 1000)) if k >= 1000 else "%g" % k
        if last is not None and (k - last) / span < 0.07:
            t = ""
        else:
            last = k
        lab.append("'%s' %g" % (t, k))
    return "set xtics (%s) rotate by -35 font ',8'" % ", ".join(lab)


def gnuplot(out, names, modes, wls, losses):
    ncol = 2 if len(wls) > 1 else 1
    nrow = (len(wls) + ncol - 1) // ncol
    g = ["# generated by bench/tools/report.py; run from this directory",
         "set datafile commentschars '#'",
         "set xlabel 'DC1-DC2 distance (km)'",
         "set key outside right top font ',8' spacing 0.9",
         "set grid", "set yrange [0:*]", "set xrange [0:*]",
         "set offsets graph 0.03, graph 0.03, graph 0.1, 0", xtics(names)]
    for term, ext, size in (("svg", "svg", "size %d,%d dynamic"),
                            ("TERM_PNG", "png", "size %d,%d")):
        for fig, col, ylabel, title in (
                ("restoration", 2, "Network Restoration Latency (s)",
                 "restoration latency"),
                ("downtime", 3, "Application downtime (s)", "downtime")):
            w, h = 560 * ncol, 340 * nrow + 40
            g.append("set terminal %s %s" % (term, size % (w, h)))
            g.append("set output '%s.%s'" % (fig, ext))
            g.append("set multiplot layout %d,%d title 'migrated bench: %s "
                     "vs distance, all modes on one axis per workload'"
                     % (nrow, ncol, title))
            for wl in wls:
                g.append(panel(names, modes, wl, col, losses,
                               WL_TITLE.get(wl, wl), ylabel))
            g.append("unset multiplot")
        g.append("set terminal %s %s" % (term, size % (600, 360)))
        g.append("set output 'migration.%s'" % ext)
        g.append(panel(names, modes, wls[0], 4, losses,
                       "Migration time vs distance", "Migration Time (s)"))
    with open(os.path.join(out, "figures.gp"), "w") as f:
        f.write("\n".join(g) + "\n")


def fmt(x, nd=3):
    return "-" if x is None or x < 0 else "%.*f" % (nd, x)


def summary(outdir, agg, modes, wls, rows):
    L = ["# Downtime bench: summary", "",
         "Run: `%s`, %d CSV rows (results.csv).  Times in seconds, mean "
         "over trials; `-` = not measured.  *one-way* is the DC1-DC2 "
         "one-way delay (5 us/km); *restore/one-way* = restoration latency "
         "divided by it; *vs full* = this mode's restoration latency "
         "divided by mode full's at the same point; *lost after up* counts "
         "the WAN's own random loss (*WAN loss %%*: the stream's loss "
         "before the migration), *after up, migration's* only the "
         "datagrams sent after up and before the stream's first delivery "
         "after up that were lost." % (outdir, len(rows)),
         "",
         "| mode | workload | km | loss % | one-way ms | downtime | restore "
         "| restore/one-way | vs full | lost before/after up | after up, "
         "migration's | WAN loss % | migration |", "|" + "---|" * 13]
    for m in modes:
        for wl in wls:
            pts = sorted({(keyf(k[3]), k[2], k[3]) for k in agg
                          if k[0] == m and k[1] == wl},
                         key=lambda p: (p[0], skey(p[1])))
            for _, loss, km in pts:
                v = agg[(m, wl, loss, km)]
                rs, dt = mean(v["restore_s"]), mean(v["downtime_s"])
                ow = mean(v["oneway_ms"]) / 1000
                ratio = fmt(rs / ow, 1) if rs >= 0 and ow > 0 else "-"
                f = agg.get(("full", wl, loss, km))
                vs = "-"
                if f and m != "full":
                    rf = mean(f["restore_s"])
                    if rf > 0 and rs >= 0:
                        vs = "%.2f" % (rs / rf)
                lb, la = mean(v["lost_before"]), mean(v["lost_after"])
                lost = "-" if lb < 0 else "%.0f / %.0f" % (lb, la)
                lm, wan = mean(v["lost_after_mig"]), mean(v["wan_loss_pct"])
                rstr = fmt(rs)
                if rs < 0 and dt >= 0:
                    rstr = "never"
                    vs = "never" if m != "full" else vs
                L.append("| %s | %s | %s | %s | %.1f | %s | %s | %s | %s | "
                         "%s | %s | %s | %s |" % (
                             m, wl, km, slabel(loss, True), ow * 1000,
                             fmt(dt), rstr, ratio, vs, lost,
                             "-" if lm < 0 else "%.0f" % lm, fmt(wan, 1),
                             fmt(mean(v["migration_s"]), 2)))
    L += ["", "## Control plane (from the VM up at dc2, seconds)", "",
          "| mode | km | loss % | dc2 registers | dc2 SMRs | client gets "
          "SMR | client updated | blackout | pre-copy |", "|" + "---|" * 9]
    for m in modes:
        if m.startswith("bgp"):
            continue
        wl0 = wls[0]
        pts = sorted({(keyf(k[3]), k[2], k[3]) for k in agg
                      if k[0] == m and k[1] == wl0},
                     key=lambda p: (p[0], skey(p[1])))
        for _, loss, km in pts:
            v = agg[(m, wl0, loss, km)]
            L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                m, km, slabel(loss, True), fmt_t(mean_t(v["cp_register_s"])),
                fmt_t(mean_t(v["cp_smr_s"])),
                fmt_t(mean_t(v["cp_client_smr_s"])),
                fmt_t(mean_t(v["cp_client_update_s"])),
                fmt(mean(v["blackout_s"])), fmt(mean(v["precopy_s"]), 2)))
    L += ["", "Figures: plots/restoration.svg, plots/downtime.svg, "
          "plots/migration.svg (and .png).", ""]
    with open(os.path.join(outdir, "summary.md"), "w") as f:
        f.write("\n".join(L))


def main(a):
    if not a:
        sys.exit(__doc__)
    outdir = a[0]
    rows = load(os.path.join(outdir, "results.csv"))
    if not rows:
        sys.exit("report.py: no rows in results.csv")
    plots = os.path.join(outdir, "plots")
    os.makedirs(plots, exist_ok=True)
    agg = aggregate(rows)
    present = {r["mode"] for r in rows}
    modes = [m for m in MODE_ORDER if m in present] + \
        sorted(present - set(MODE_ORDER))
    wls = [w for w in WL_TITLE if any(r["workload"] == w for r in rows)]
    losses = sorted({series(r) for r in rows}, key=skey)
    names = write_dat(plots, agg)
    gnuplot(plots, names, modes, wls, losses)
    summary(outdir, agg, modes, wls, rows)


if __name__ == "__main__":
    main(sys.argv[1:])
