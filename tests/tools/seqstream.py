#!/usr/bin/env python3
"""seqstream.py: a UDP stream with sequence numbers, for the lossless-move
test (tests/integ/dp_move.sh).

  seqstream.py send ADDR PORT RATE SECONDS SENTLOG [STOPFILE]
      RATE packets/s for SECONDS, or until STOPFILE exists (or its
      directory no longer does: the test's run directory); each payload
      is (seq, send time ns); SENTLOG gets "seq send_ns" per packet,
      flushed line by line.
  seqstream.py recv PORT SECONDS RECVLOG [STOPFILE]
      receive for SECONDS, or until STOPFILE exists (ditto); RECVLOG (created
      once the socket is bound) gets "seq send_ns recv_ns" per packet,
      flushed line by line.
  seqstream.py garp IFACE IPV4
      one gratuitous ARP, as a guest sends when it resumes after a move.
  seqstream.py check SENTLOG RECVLOG UP_NS
      every packet sent at or after UP_NS (the host is back up) must have
      arrived; prints the time from UP_NS to the first delivery, the loss
      before it, and exits 1 if anything sent after UP_NS is missing.
Times are CLOCK_REALTIME nanoseconds, the same in every namespace.
"""
import os
import socket
import struct
import sys
import time

FMT = "!QQ"


def stopped(stop):
    return stop and (os.path.exists(stop) or
                     not os.path.isdir(os.path.dirname(stop) or "."))


def send(addr, port, rate, secs, log, stop=None):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    period = 1.0 / rate
    n = int(rate * secs)
    start = time.monotonic()
    with open(log, "w") as f:
        for seq in range(n):
            if seq % 10 == 0 and stopped(stop):
                break
            due = start + seq * period
            while True:
                d = due - time.monotonic()
                if d <= 0:
                    break
                time.sleep(d if d > 0.002 else 0)
            now = time.time_ns()
            try:
                s.sendto(struct.pack(FMT, seq, now) + b"x" * 48,
                         (addr, port))
            except OSError:
                pass  # no route during the move: counted as lost
            f.write("%d %d\n" % (seq, now))
            f.flush()


def recv(port, secs, log, stop=None):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    # the packets held during the blackout come in one burst: room for it
    try:
        s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    s.bind(("::", port))
    end = time.monotonic() + secs
    with open(log, "w") as f:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            if stopped(stop):
                break
            s.settimeout(min(left, 0.1) if stop else left)
            try:
                data = s.recv(2048)
            except socket.timeout:
                if stop:
                    continue
                break
            if len(data) < 16:
                continue
            seq, ts = struct.unpack(FMT, data[:16])
            f.write("%d %d %d\n" % (seq, ts, time.time_ns()))
            f.flush()


def garp(iface, ip):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    mac = s.getsockname()[4][:6]
    a = socket.inet_aton(ip)
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac, a,
                      b"\0" * 6, a)
    s.send(b"\xff" * 6 + mac + b"\x08\x06" + arp)


def check(sentlog, recvlog, up_ns):
    sent = {}
    for line in open(sentlog):
        seq, ts = map(int, line.split())
        sent[seq] = ts
    got = {}
    for line in open(recvlog):
        seq, ts, rx = map(int, line.split())
        got.setdefault(seq, rx)
    after = [q for q in sent if sent[q] >= up_ns]
    missing = sorted(q for q in after if q not in got)
    lost_before = sum(1 for q in sent if sent[q] < up_ns and q not in got)
    firsts = [got[q] for q in got if got[q] >= up_ns]
    first = (min(firsts) - up_ns) / 1e6 if firsts else float("nan")
    print("seqstream: sent %d, received %d, lost during blackout %d, "
          "sent after up %d, missing after up %d, up->first delivery "
          "%.1f ms" % (len(sent), len(got), lost_before, len(after),
                       len(missing), first))
    if missing:
        print("missing seqs: %s" % missing[:50])
        return 1
    if not after:
        print("nothing sent after the host came up")
        return 1
    return 0


def main(a):
    if len(a) in (6, 7) and a[0] == "send":
        send(a[1], int(a[2]), float(a[3]), float(a[4]), a[5], *a[6:])
    elif len(a) in (4, 5) and a[0] == "recv":
        recv(int(a[1]), float(a[2]), a[3], *a[4:])
    elif len(a) == 3 and a[0] == "garp":
        garp(a[1], a[2])
    elif len(a) == 4 and a[0] == "check":
        return check(a[1], a[2], int(a[3]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
