#!/usr/bin/env python3
"""wandrops.py: what the WAN emulator dropped, frame by frame.

  wandrops.py FILE...
      one line per frame dropped: "MONO_NS DIR WHY WHAT", WHAT one of
        udp DST DPORT SEQ   a UDP datagram (native, or the inner one of a
                            LISP data packet, UDP port 4341) whose payload
                            starts with a 64-bit sequence number, as the
                            bench's streams (bench/tools/wl.py) do
        icmp-echo SEQ       an ICMP echo request (ping)
        other PROTO         anything else (ARP, TCP, control plane...)

FILE is a drop log of bench/wanem.c (--drop-log; tests/lib/harness/wan.sh
writes WAN_RUNDIR/wanem<N>.drops with WAN_DROP_LOG=1): "MONO_NS DIR WHY
HEX" per frame, WHY loss (the random loss asked for), queue or tx, HEX the
frame's first bytes from its Ethernet header.  bench/tools/analyze.py
reads them through stream_drops() to tell, for each datagram a stream
lost, whether the WAN's random loss took it.
"""
import glob
import os
import struct
import sys

# RFC 9300 section 5.3, UDP Header: "The destination port MUST be set to
# the well-known IANA-assigned port value 4341."  The 8-byte LISP header
# (N|L|E|V|I flags + nonce, instance ID/LSBs) follows, then the inner
# header, "the header on the datagram received from the originating host".
LISP_DATA_PORT = 4341
LISP_HDR_LEN = 8


def _ip(b, depth=0):
    """decode an IP packet: ("udp", dst, dport, seq) / ("icmp-echo", seq)
    / ("other", what)"""
    if len(b) < 1:
        return ("other", "short")
    v = b[0] >> 4
    if v == 4 and len(b) >= 20:
        ihl = (b[0] & 15) * 4
        proto, dst = b[9], ".".join(str(x) for x in b[16:20])
        frag = struct.unpack("!H", b[6:8])[0] & 0x1fff
        if frag:
            return ("other", "ipv4-fragment")
        pl = b[ihl:]
    elif v == 6 and len(b) >= 40:
        proto = b[6]
        dst = ":".join("%x" % x for x in struct.unpack("!8H", b[24:40]))
        pl = b[40:]
    else:
        return ("other", "ip%d" % v)
    if proto == 1 and len(pl) >= 8 and pl[0] == 8:
        return ("icmp-echo", struct.unpack("!H", pl[6:8])[0])
    if proto != 17 or len(pl) < 8:
        return ("other", "proto%d" % proto)
    sport, dport = struct.unpack("!HH", pl[0:4])
    data = pl[8:]
    if dport == LISP_DATA_PORT and depth == 0:
        return _ip(data[LISP_HDR_LEN:], 1)
    if len(data) < 16:
        return ("other", "udp%d" % dport)
    return ("udp", dst, dport, struct.unpack("!Q", data[0:8])[0])


def decode(hexframe):
    b = bytes.fromhex(hexframe)
    if len(b) < 14:
        return ("other", "short")
    et, off = struct.unpack("!H", b[12:14])[0], 14
    while et in (0x8100, 0x88a8) and len(b) >= off + 4:
        et, off = struct.unpack("!H", b[off + 2:off + 4])[0], off + 4
    if et not in (0x0800, 0x86dd):
        return ("other", "ethertype%04x" % et)
    return _ip(b[off:])


def read(path):
    """[(mono_ns, dir, why, decoded), ...] of one drop log"""
    out = []
    with open(path) as f:
        for ln in f:
            p = ln.split()
            if len(p) != 4:
                continue
            out.append((int(p[0]), p[1], p[2], decode(p[3])))
    return out


def stream_drops(d):
    """{(dport, seq): [why, ...]} of every wanem*.drops under d, or None
    when there is none (no drop log kept: netem, or an older run)"""
    files = sorted(glob.glob(os.path.join(d, "wanem*.drops")))
    if not files:
        return None
    out = {}
    for path in files:
        for _t, _d, why, w in read(path):
            if w[0] == "udp":
                out.setdefault((w[2], w[3]), []).append(why)
    return out


def main(a):
    if not a or a[0] in ("-h", "--help"):
        sys.exit(__doc__)
    for path in a:
        for t, d, why, w in read(path):
            print(t, d, why, " ".join(str(x) for x in w))


if __name__ == "__main__":
    main(sys.argv[1:])
