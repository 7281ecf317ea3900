#!/usr/bin/env python3
"""wl.py: the workloads of the downtime bench (bench/downtime.sh).

Every time written is CLOCK_REALTIME nanoseconds, the same in every network
namespace of the machine, so that logs from the VM and the client can be
compared.  Every command runs until killed (SIGTERM) or for SECONDS.

  wl.py udp-send ADDR PORT PPS SIZE SECONDS LOG
        video-like stream: PPS datagrams/s of SIZE bytes, each starting
        with (seq, send_ns); LOG gets "seq send_ns ok" (ok 0: send failed,
        e.g. the VM's link was down)
  wl.py udp-recv PORT SECONDS LOG
        LOG gets "seq send_ns recv_ns" per datagram (recv_ns: the
        kernel's receive time stamp, SO_TIMESTAMPNS); the first line is
        flushed at once (the harness waits for it before migrating)
  wl.py tcp-source PORT
        FTP-like server: sends zeros to every client that connects until
        the client goes away
  wl.py tcp-sink ADDR PORT SECONDS LOG
        connects (64 KiB receive buffer) and reads (paced: WL_RATE
        bytes/s, default 1e6); LOG gets "recv_ns bytes" per read (the
        first line flushed at once)
  wl.py http-get URL SECONDS LOG
        HTTP/1.0 download (URL http://ADDR:PORT/PATH), receive buffer
        and pacing as tcp-sink; LOG like tcp-sink, then "end NS status"
  wl.py precopy-recv PORT LOG
        accepts one connection, reads until EOF; LOG gets "bytes end_ns"
  wl.py precopy-send ADDR PORT BYTES
        the pre-copy stream of a live migration: BYTES over one TCP
        connection (retried until the receiver listens); prints
        "bytes called_ns connected_ns end_ns"
  wl.py netfront IFACE IPV4 LOG
        the guest's netfront: sleeps; every time the process is continued
        after a stop (SIGCONT: the paused VM resumes) it sends one
        gratuitous ARP for IPV4 on IFACE, as Linux netfront does after a
        migration, and appends "garp_ns" to LOG
  wl.py offset
        prints CLOCK_REALTIME - CLOCK_MONOTONIC in ns (daemon timelines
        are monotonic)
"""
import os
import signal
import socket
import struct
import sys
import time

FMT = "!QQ"
STOP = False


def on_term(_sig, _frm):
    global STOP
    STOP = True


signal.signal(signal.SIGTERM, on_term)
signal.signal(signal.SIGINT, on_term)


def udp_send(addr, port, pps, size, secs, log):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    period = 1.0 / pps
    n = int(pps * secs)
    pad = b"v" * max(0, size - 16)
    start = time.monotonic()
    with open(log, "w", buffering=1 << 16) as f:
        for seq in range(n):
            if STOP:
                break
            due = start + seq * period
            d = due - time.monotonic()
            if d > 0:
                time.sleep(d)
            elif d < -0.25:
                continue  # stopped (a paused VM): these slots never ran
            now = time.time_ns()
            ok = 1
            try:
                s.sendto(struct.pack(FMT, seq, now) + pad, (addr, port))
            except OSError:
                ok = 0
            f.write("%d %d %d\n" % (seq, now, ok))


SO_TIMESTAMPNS = 35  # Linux, asm-generic/socket.h (also SCM_TIMESTAMPNS)


def udp_recv(port, secs, log):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    # the kernel's receive time: right even when this process was stopped
    # (a paused VM) while the datagram waited in the socket
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind(("0.0.0.0", port))
    end = time.monotonic() + secs
    s.settimeout(0.2)
    first = True
    with open(log, "w", buffering=1 << 16) as f:
        while not STOP and time.monotonic() < end:
            try:
                data, anc, _, _ = s.recvmsg(4096, 64)
            except socket.timeout:
                continue
            except InterruptedError:
                continue
            if len(data) < 16:
                continue
            now = time.time_ns()
            for lvl, typ, val in anc:
                if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS \
                        and len(val) >= 16:
                    sec, nsec = struct.unpack("qq", val[:16])
                    now = sec * 10**9 + nsec
            seq, ts = struct.unpack(FMT, data[:16])
            f.write("%d %d %d\n" % (seq, ts, now))
            if first:
                f.flush()
                first = False


def tcp_source(port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(4)
    ls.settimeout(0.5)
    buf = b"\0" * 16384
    while not STOP:
        try:
            c, _ = ls.accept()
        except socket.timeout:
            continue
        if os.fork() == 0:
            ls.close()
            c.settimeout(None)
            try:
                while not STOP:
                    c.sendall(buf)
            except OSError:
                pass
            os._exit(0)
        c.close()


def read_loop(sock_read, secs, f):
    """reads paced at WL_RATE bytes/s (default 1 MB/s): TCP flow control
    then holds the sender to it, so the bulk transfers do not eat the
    CPU the WAN emulator needs"""
    rate = float(os.environ.get("WL_RATE", "1000000"))
    t0 = time.monotonic()
    end = t0 + secs
    total = 0
    while not STOP and time.monotonic() < end:
        ahead = total / rate - (time.monotonic() - t0)
        if ahead > 0:
            time.sleep(ahead)
        try:
            b = sock_read()
        except socket.timeout:
            continue
        except OSError:
            break
        if not b:
            break
        if not total:
            f.write("%d %d\n" % (time.time_ns(), len(b)))
            f.flush()
        else:
            f.write("%d %d\n" % (time.time_ns(), len(b)))
        total += len(b)
    return total


RCVBUF = 65536


def connect_small(addr, port):
    """a TCP connection whose receive buffer holds only ~65 ms at 1 MB/s:
    a stall on the network shows as a stall of the reads"""
    end = time.monotonic() + 10
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
        s.settimeout(2)
        try:
            s.connect((addr, port))
            return s
        except OSError:
            s.close()
            if time.monotonic() > end or STOP:
                raise
            time.sleep(0.2)


def tcp_sink(addr, port, secs, log):
    s = connect_small(addr, port)
    s.settimeout(0.2)
    with open(log, "w", buffering=1 << 16) as f:
        read_loop(lambda: s.recv(16384), secs, f)


def http_get(url, secs, log):
    """HTTP/1.0 GET of http://ADDR:PORT/PATH over connect_small()"""
    hostport, _, path = url.split("://", 1)[1].partition("/")
    host, _, port = hostport.partition(":")
    with open(log, "w", buffering=1 << 16) as f:
        status = 0
        s = connect_small(host, int(port or 80))
        s.settimeout(0.2)
        s.sendall(("GET /%s HTTP/1.0\r\nHost: %s\r\n\r\n"
                   % (path, hostport)).encode())
        head = b""
        try:
            while b"\r\n\r\n" not in head and not STOP:
                try:
                    b = s.recv(4096)
                except socket.timeout:
                    continue
                if not b:
                    break
                head += b
            status = int(head.split(b" ", 2)[1]) if head else 0
            read_loop(lambda: s.recv(16384), secs, f)
        except (OSError, ValueError, IndexError) as e:
            sys.stderr.write("http-get: %s\n" % e)
        f.write("end %d %d\n" % (time.time_ns(), status))


def die_on_signals():
    """the pre-copy runs in the harness's foreground: it must end at once
    on Ctrl-C or TERM so that the harness's cleanup can run"""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def precopy_recv(port, log):
    die_on_signals()
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(1)
    ls.settimeout(120)
    c, _ = ls.accept()
    c.settimeout(120)
    total = 0
    while True:
        b = c.recv(1 << 16)
        if not b:
            break
        total += len(b)
    c.close()
    with open(log, "w") as f:
        f.write("%d %d\n" % (total, time.time_ns()))


def precopy_send(addr, port, nbytes):
    die_on_signals()
    t_call = time.time_ns()
    end = time.monotonic() + 20
    while True:
        try:
            s = socket.create_connection((addr, port), timeout=5)
            break
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.1)
    s.settimeout(120)  # no progress for 2 min: the WAN is gone
    start = time.time_ns()
    buf = b"\xa5" * (1 << 16)
    left = nbytes
    while left > 0:
        n = min(left, len(buf))
        s.sendall(buf[:n])
        left -= n
    s.shutdown(socket.SHUT_WR)
    s.recv(1)  # EOF from the receiver: everything arrived
    print("%d %d %d %d" % (nbytes, t_call, start, time.time_ns()))


def garp(iface, ip):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    mac = s.getsockname()[4][:6]
    a = socket.inet_aton(ip)
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac, a,
                      b"\0" * 6, a)
    s.send(b"\xff" * 6 + mac + b"\x08\x06" + arp)
    s.close()


def netfront(iface, ip, log):
    pending = []
    signal.signal(signal.SIGCONT, lambda _s, _f: pending.append(1))
    with open(log, "a", buffering=1) as f:
        while not STOP:
            signal.pause()
            while pending:
                pending.pop()
                try:
                    garp(iface, ip)
                except OSError as e:
                    sys.stderr.write("netfront: %s\n" % e)
                f.write("%d\n" % time.time_ns())


def main(a):
    if not a:
        sys.exit(__doc__)
    cmd = a[0]
    if cmd == "udp-send":
        udp_send(a[1], int(a[2]), float(a[3]), int(a[4]), float(a[5]), a[6])
    elif cmd == "udp-recv":
        udp_recv(int(a[1]), float(a[2]), a[3])
    elif cmd == "tcp-source":
        tcp_source(int(a[1]))
    elif cmd == "tcp-sink":
        tcp_sink(a[1], int(a[2]), float(a[3]), a[4])
    elif cmd == "http-get":
        http_get(a[1], float(a[2]), a[3])
    elif cmd == "precopy-recv":
        precopy_recv(int(a[1]), a[2])
    elif cmd == "precopy-send":
        precopy_send(a[1], int(a[2]), int(a[3]))
    elif cmd == "netfront":
        netfront(a[1], a[2], a[3])
    elif cmd == "offset":
        print(time.time_ns() - time.monotonic_ns())
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
