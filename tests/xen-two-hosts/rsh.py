#!/usr/bin/env python3
# rsh.py: the remote-shell transport of the two-host test, in place of ssh
# (dom0 has no sshd; key exchange under TCG would also cost seconds per
# call).  `xl migrate -s /e2e/rsh HOST` runs "/e2e/rsh HOST xl
# migrate-receive", and xl-migrate-lisp runs "/e2e/rsh HOST migratectl
# ..." for its preflight: like ssh, the client connects its stdin, stdout,
# stderr and exit status to a command run on HOST.
#
# Usage:
#   rsh.py server ADDR PORT      accept connections, run what each asks
#   rsh.py client HOST CMD...    run CMD on HOST (port RSH_PORT, 5022)
# Exit status of the client: the command's, or 255 when HOST cannot be
# reached (as ssh).  Test network only: no authentication.
#
# As ssh does, the server joins the words with spaces into one command line
# for the remote shell (sh -c): xl-migrate-lisp quotes each word for it.
#
# Wire: the client sends one JSON line ["CMD", "ARG", ...], then both sides
# send frames: 1 byte type, 4 bytes big-endian length, payload.  Types:
# i stdin data, I stdin end, o stdout, e stderr, x exit status (4 bytes).
import json
import os
import socket
import struct
import subprocess
import sys
import threading

PORT = int(os.environ.get("RSH_PORT", "5022"))
CHUNK = 65536


def send(sock, lock, typ, data):
    with lock:
        sock.sendall(typ + struct.pack(">I", len(data)) + data)


def recv_exact(f, n):
    b = f.read(n)
    if b is None or len(b) < n:
        return None
    return b


def recv_frame(f):
    h = recv_exact(f, 5)
    if h is None:
        return None, None
    n = struct.unpack(">I", h[1:])[0]
    d = recv_exact(f, n) if n else b""
    if d is None:
        return None, None
    return h[:1], d


def write_all(fd, d):
    while d:
        n = os.write(fd, d)
        d = d[n:]


def pump_out(src, sock, lock, typ):
    while True:
        d = os.read(src.fileno(), CHUNK)
        if not d:
            break
        send(sock, lock, typ, d)


def serve_one(conn):
    lock = threading.Lock()
    f = conn.makefile("rb", buffering=CHUNK)
    try:
        argv = json.loads(f.readline())
        env = dict(os.environ)
        env["PATH"] = "/usr/lib/xen-4.17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        if not isinstance(argv, list) or not argv or \
                not all(isinstance(a, str) for a in argv):
            raise ValueError("not a command line: %r" % (argv,))
        p = subprocess.Popen(["/bin/sh", "-c", " ".join(argv)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env, bufsize=0)
    except Exception as e:  # noqa: BLE001
        send(conn, lock, b"e", ("rsh: %s\n" % e).encode())
        send(conn, lock, b"x", struct.pack(">i", 127))
        conn.close()
        return
    t_o = threading.Thread(target=pump_out, args=(p.stdout, conn, lock, b"o"))
    t_e = threading.Thread(target=pump_out, args=(p.stderr, conn, lock, b"e"))
    t_o.start()
    t_e.start()

    def pump_in():
        try:
            while True:
                typ, d = recv_frame(f)
                if typ is None or typ == b"I":
                    break
                if typ == b"i":
                    write_all(p.stdin.fileno(), d)
        except OSError:
            pass
        try:
            p.stdin.close()
        except OSError:
            pass
    t_i = threading.Thread(target=pump_in, daemon=True)
    t_i.start()
    rc = p.wait()
    t_o.join()
    t_e.join()
    try:
        send(conn, lock, b"x", struct.pack(">i", rc))
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    conn.close()


def server(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(16)
    while True:
        c, _ = s.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve_one, args=(c,), daemon=True).start()


def client(host, argv):
    try:
        s = socket.create_connection((host, PORT), timeout=10)
    except OSError as e:
        sys.stderr.write("rsh: %s:%d: %s\n" % (host, PORT, e))
        return 255
    s.settimeout(None)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    lock = threading.Lock()
    s.sendall(json.dumps(argv).encode() + b"\n")

    def pump_in():
        try:
            while True:
                d = os.read(0, CHUNK)
                if not d:
                    break
                send(s, lock, b"i", d)
            send(s, lock, b"I", b"")
        except OSError:
            pass
    threading.Thread(target=pump_in, daemon=True).start()
    f = s.makefile("rb", buffering=CHUNK)
    while True:
        typ, d = recv_frame(f)
        if typ is None:
            sys.stderr.write("rsh: connection to %s lost\n" % host)
            return 255
        if typ == b"o":
            write_all(1, d)
        elif typ == b"e":
            write_all(2, d)
        elif typ == b"x":
            return struct.unpack(">i", d)[0]


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "server":
        server(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == "client":
        os._exit(client(sys.argv[2], sys.argv[3:]))
    else:
        sys.stderr.write("usage: rsh.py server ADDR PORT | client HOST CMD...\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
