#!/usr/bin/env python3
"""detect_pcap.py: the figures of bench/detect_latency.sh out of one capture.

Usage: detect_pcap.py POLICY PCAP STAMPS [OFFSET]

POLICY  arrival | rename (migrated's register_at of that phase)
PCAP    tcpdump -i any --immediate-mode -w of the destination Dom0's
        namespace (pcap, us or ns timestamps, LINUX_SLL or LINUX_SLL2)
STAMPS  one line per run: "RUN BEFORE AFTER [X Y UNPAUSED]": BEFORE and
        AFTER are the CLOCK_REALTIME instants (bash $EPOCHREALTIME,
        seconds) just before and just after the xenstore transaction that
        renamed <name>--incoming to <name>; UNPAUSED is when migrated saw
        that rename (its timeline, CLOCK_MONOTONIC us, or "-")
OFFSET  CLOCK_REALTIME - CLOCK_MONOTONIC in seconds: with it, UNPAUSED is
        put on the capture's clock (the rename split into xenstore's watch
        delivery and migrated + xtrd)

tcpdump's timestamps are the kernel's CLOCK_REALTIME too, so the three
clocks compare.  Run i owns the packets from its BEFORE to the next run's
BEFORE.  In it: the guest's gratuitous ARP (the first ARP whose sender and
target are the EID) and our registration (the first Map-Register whose
record is the EID with a TTL other than 0: a TTL of 0 is a withdrawal).
Prints one line per run and, per quantity, the number of runs, median,
p90, min and max, in microseconds.
"""

import statistics
import struct
import sys

EID = bytes([198, 51, 100, 5])
LISP_CONTROL = 4342
MAP_REGISTER = 3


def packets(path):
    """(time, ethertype, payload) for every frame of a -i any capture."""
    with open(path, "rb") as f:
        magic, = struct.unpack("<I", f.read(4))
        if magic not in (0xa1b2c3d4, 0xa1b23c4d):
            sys.exit("%s: not a little-endian pcap file" % path)
        div = 1e9 if magic == 0xa1b23c4d else 1e6
        linktype, = struct.unpack("<I", f.read(20)[16:20])
        # LINUX_SLL (113): protocol at 14, 16 bytes; SLL2 (276): at 0, 20.
        poff, hlen = (0, 20) if linktype == 276 else (14, 16)
        while True:
            h = f.read(16)
            if len(h) < 16:
                return
            sec, frac, incl, _ = struct.unpack("<IIII", h)
            p = f.read(incl)
            if len(p) < hlen:
                continue
            proto, = struct.unpack(">H", p[poff:poff + 2])
            yield sec + frac / div, proto, p[hlen:]


def is_garp(b):
    # RFC 826 frame: sender protocol address at 14, target at 24.
    return len(b) >= 28 and b[14:18] == EID and b[24:28] == EID


def is_registration(b):
    """A Map-Register to the MS for EID with a TTL other than 0."""
    if len(b) < 20 or b[0] >> 4 != 4 or b[9] != 17:
        return False
    ihl = (b[0] & 15) * 4
    if len(b) < ihl + 8:
        return False
    dport, = struct.unpack(">H", b[ihl + 2:ihl + 4])
    m = b[ihl + 8:]
    if dport != LISP_CONTROL or len(m) < 16 or m[0] >> 4 != MAP_REGISTER:
        return False
    # RFC 9301 §5.6: auth data length at 14, records after the auth data;
    # a record: TTL (4), counts and flags (6), EID-AFI (2), EID prefix.
    auth, = struct.unpack(">H", m[14:16])
    r = m[16 + auth:]
    if len(r) < 16:
        return False
    ttl, = struct.unpack(">I", r[0:4])
    afi, = struct.unpack(">H", r[10:12])
    return afi == 1 and r[12:16] == EID and ttl != 0


def summary(name, xs):
    if not xs:
        print("%-34s runs 0" % name)
        return
    s = sorted(xs)
    p90 = s[min(len(s) - 1, int(len(s) * 0.9))]
    print("%-34s runs %2d  median %7.0f  p90 %7.0f  min %7.0f  max %7.0f us"
          % (name, len(s), statistics.median(s), p90, s[0], s[-1]))


def main():
    if len(sys.argv) not in (4, 5) or sys.argv[1] not in ("arrival",
                                                         "rename"):
        sys.exit(__doc__.split("\n\n")[1])
    policy, pcap, stamps = sys.argv[1:4]
    offset = float(sys.argv[4]) if len(sys.argv) == 5 else None
    runs = []
    with open(stamps) as f:
        for line in f:
            w = line.split()
            if len(w) < 3:
                continue
            unp = None
            if offset is not None and len(w) >= 6 and w[5] != "-":
                unp = int(w[5]) / 1e6 + offset
            runs.append((w[0], float(w[1]), float(w[2]), unp))
    garps, regs = [], []
    for t, proto, b in packets(pcap):
        if proto == 0x0806 and is_garp(b):
            garps.append(t)
        elif proto == 0x0800 and is_registration(b):
            regs.append(t)
    q = {k: [] for k in ("garp_reg", "ren_lo", "ren_hi", "window",
                         "ren_unp", "unp_reg")}
    for i, (run, before, after, unp) in enumerate(runs):
        end = runs[i + 1][1] if i + 1 < len(runs) else float("inf")
        g = next((t for t in sorted(garps) if before <= t < end), None)
        r = next((t for t in sorted(regs) if before <= t < end), None)
        if r is None:
            print("run %s: no registration captured" % run)
            continue
        line = "run %s: rename->map-register %.0f..%.0f us" % (
            run, (r - after) * 1e6, (r - before) * 1e6)
        q["ren_lo"].append((r - after) * 1e6)
        q["ren_hi"].append((r - before) * 1e6)
        q["window"].append((after - before) * 1e6)
        if unp is not None:
            q["ren_unp"].append((unp - before) * 1e6)
            q["unp_reg"].append((r - unp) * 1e6)
            line += " (migrated saw it +%.0f us, then %.0f us)" % (
                (unp - before) * 1e6, (r - unp) * 1e6)
        if g is not None:
            line += "  garp->map-register %.0f us" % ((r - g) * 1e6)
            q["garp_reg"].append((r - g) * 1e6)
        print(line)
    print("-- register_at = %s: %d runs, %d GARPs and %d registrations "
          "captured" % (policy, len(runs), len(garps), len(regs)))
    if policy == "arrival":
        summary("GARP -> Map-Register", q["garp_reg"])
    else:
        summary("rename done -> Map-Register (lo)", q["ren_lo"])
        summary("rename begun -> Map-Register (hi)", q["ren_hi"])
        summary("Map-Register - GARP (<0: before)", q["garp_reg"])
        summary("rename window (xs_ctl tx)", q["window"])
        summary("rename begun -> migrated saw it", q["ren_unp"])
        summary("migrated saw it -> Map-Register", q["unp_reg"])


main()
