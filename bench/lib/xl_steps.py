#!/usr/bin/env python3
"""bench/lib/xl_steps.py: the emulated `xl migrate`'s steps inside the
blackout, run by one process started before the pause (bench/lib/migrate.sh).

Each step was a handful of xenstore-* CLI and xs_ctl processes (fork, exec,
connect, one round trip to xenstored): 0.1-0.3 s per step on a busy host,
which made the emulated blackout 1.0-1.7 s where 0.3 s was asked.  Here
the same operations go through libxenstore (ctypes: the real client
library, as xs_ctl and the CLIs use) over connections opened before the
pause, and the shim's domain table and event channel are written directly.

Usage: xl_steps.py  (commands on stdin, one answer line per "sync")
  use RUNDIR            a fixture (tests/lib/xenstored.sh): its socket and
                        shim state; connected on first use
  tx / ... / commit     one transaction (lines as xs_ctl tx: rm, mkdir,
                        write, chmod), retried on EAGAIN
  write PATH VALUE      xs_write outside a transaction (xenstore-write)
  introduce D GFN PORT  xs_introduce_domain (xs_ctl introduce)
  state D WORDS...      the shim's domains/D (tests/lib/xenstored.sh
                        xs_domain_set: written to a temporary and renamed)
  virq                  "virq" into the shim's event channel FIFO (xs_virq)
  ip NS CMD...          CMD to an `ip -o -n NS -batch -` started on first use
  ipsync NS             wait until that ip has done every earlier CMD
  until NS_REALTIME     sleep until CLOCK_REALTIME reaches it
  file PATH             run the commands of PATH
  sync TAG              answer "TAG CLOCK_REALTIME_NS" (or "TAG error MSG"
                        when a command since the last sync failed)
Environment: none (each fixture's socket is RUNDIR/socket).
"""
import ctypes
import os
import subprocess
import sys
import time

XBT_NULL = 0
PERMS = {"n": 0, "r": 1, "w": 2, "b": 3}


class XsPerm(ctypes.Structure):
    _fields_ = [("id", ctypes.c_uint), ("perms", ctypes.c_uint)]


def load_lib():
    lib = ctypes.CDLL("libxenstore.so.4", use_errno=True)
    lib.xs_open.restype = ctypes.c_void_p
    lib.xs_open.argtypes = [ctypes.c_ulong]
    lib.xs_transaction_start.restype = ctypes.c_uint32
    lib.xs_transaction_start.argtypes = [ctypes.c_void_p]
    lib.xs_transaction_end.restype = ctypes.c_bool
    lib.xs_transaction_end.argtypes = [ctypes.c_void_p, ctypes.c_uint32,
                                       ctypes.c_bool]
    for f in (lib.xs_mkdir, lib.xs_rm):
        f.restype = ctypes.c_bool
        f.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_char_p]
    lib.xs_write.restype = ctypes.c_bool
    lib.xs_write.argtypes = [ctypes.c_void_p, ctypes.c_uint32,
                             ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
    lib.xs_set_permissions.restype = ctypes.c_bool
    lib.xs_set_permissions.argtypes = [ctypes.c_void_p, ctypes.c_uint32,
                                       ctypes.c_char_p,
                                       ctypes.POINTER(XsPerm), ctypes.c_uint]
    lib.xs_introduce_domain.restype = ctypes.c_bool
    lib.xs_introduce_domain.argtypes = [ctypes.c_void_p, ctypes.c_uint,
                                        ctypes.c_ulong, ctypes.c_uint]
    return lib


class Failed(Exception):
    pass


class Steps:
    def __init__(self):
        self.lib = load_lib()
        self.handles = {}
        self.rundir = None
        self.ips = {}
        self.tx = None
        self.err = None

    def fail(self, what):
        e = ctypes.get_errno()
        raise Failed("%s: %s" % (what, os.strerror(e)))

    def xsh(self):
        if self.rundir is None:
            raise Failed("no fixture (use RUNDIR)")
        h = self.handles.get(self.rundir)
        if h is None:
            # libxenstore reads XENSTORED_PATH when it connects
            os.environ["XENSTORED_PATH"] = self.rundir + "/socket"
            h = self.lib.xs_open(0)
            if not h:
                self.fail("xs_open " + self.rundir)
            self.handles[self.rundir] = h
        return h

    def op(self, h, t, line):
        """One xs_ctl tx line (tests/lib/xs_ctl.c tx_line)."""
        parts = line.split(None, 2)
        op, path = parts[0], parts[1].encode()
        rest = parts[2] if len(parts) > 2 else ""
        lib = self.lib
        if op == "rm":
            if not lib.xs_rm(h, t, path) and ctypes.get_errno() != 2:
                self.fail(line)
        elif op == "mkdir":
            if not lib.xs_mkdir(h, t, path):
                self.fail(line)
        elif op == "write":
            v = rest.encode()
            if not lib.xs_write(h, t, path, v, len(v)):
                self.fail(line)
        elif op == "chmod":
            toks = rest.split()
            perms = (XsPerm * len(toks))()
            for i, tok in enumerate(toks):
                perms[i].perms = PERMS[tok[0]]
                perms[i].id = int(tok[1:], 0)
            if not lib.xs_set_permissions(h, t, path, perms, len(toks)):
                self.fail(line)
        else:
            raise Failed("unknown operation '%s'" % op)

    def commit(self, lines):
        h = self.xsh()
        while True:
            t = self.lib.xs_transaction_start(h)
            if t == XBT_NULL:
                self.fail("transaction start")
            try:
                for line in lines:
                    self.op(h, t, line)
            except Failed:
                self.lib.xs_transaction_end(h, t, True)
                raise
            if self.lib.xs_transaction_end(h, t, False):
                return
            if ctypes.get_errno() != 11:  # EAGAIN: someone wrote, again
                self.fail("transaction end")

    def shim(self, name):
        return os.path.join(self.rundir, "shim", name)

    def ip(self, ns):
        p = self.ips.get(ns)
        if p is None:
            # stdbuf: ip's answers to a pipe, a line at a time
            p = subprocess.Popen(["stdbuf", "-oL", "ip", "-o", "-n", ns,
                                  "-batch", "-"],
                                 stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True,
                                 bufsize=1)
            self.ips[ns] = p
        return p

    def ipsync(self, ns):
        # ip -batch runs its lines in order and flushes each answer
        # (-o: one line per link); the answer to this one says every
        # earlier line is done
        p = self.ip(ns)
        p.stdin.write("link show dev lo\n")
        p.stdin.flush()
        if not p.stdout.readline():
            raise Failed("ip -n %s exited" % ns)

    def command(self, line):
        if self.tx is not None:
            if line == "commit":
                lines, self.tx = self.tx, None
                self.commit(lines)
            elif line.strip() and not line.lstrip().startswith("#"):
                self.tx.append(line)
            return
        w = line.split(None, 1)
        if not w:
            return
        cmd, arg = w[0], (w[1] if len(w) > 1 else "")
        if cmd == "use":
            self.rundir = arg
            self.xsh()
        elif cmd == "tx":
            self.tx = []
        elif cmd == "write":
            self.op(self.xsh(), XBT_NULL, line)
        elif cmd == "introduce":
            d, gfn, port = (int(x, 0) for x in arg.split())
            if not self.lib.xs_introduce_domain(self.xsh(), d, gfn, port):
                self.fail("introduce %d" % d)
        elif cmd == "state":
            d, _, words = arg.partition(" ")
            f = self.shim("domains/" + d)
            with open(f + ".tmp", "w") as fh:
                fh.write(words + "\n")
            os.rename(f + ".tmp", f)
        elif cmd == "virq":
            fd = os.open(self.shim("evtchn"), os.O_RDWR)
            try:
                os.write(fd, b"virq\n")
            finally:
                os.close(fd)
        elif cmd == "ip":
            ns, _, c = arg.partition(" ")
            p = self.ip(ns)
            p.stdin.write(c + "\n")
            p.stdin.flush()
        elif cmd == "ipsync":
            self.ipsync(arg)
        elif cmd == "until":
            left = int(arg) / 1e9 - time.time()
            if left > 0:
                time.sleep(left)
        elif cmd == "file":
            with open(arg) as fh:
                for ln in fh:
                    self.command(ln.rstrip("\n"))
        else:
            raise Failed("unknown command '%s'" % cmd)

    def run(self):
        for line in sys.stdin:
            line = line.rstrip("\n")
            if line.startswith("sync "):
                tag = line[5:]
                if self.err:
                    print("%s error %s" % (tag, self.err), flush=True)
                else:
                    print("%s %d" % (tag, time.time_ns()), flush=True)
                self.err = None
                continue
            if self.err:
                continue  # skip to the next sync after a failure
            try:
                self.command(line)
            except (Failed, OSError, ValueError, IndexError, KeyError) as e:
                self.err = "%s (%s)" % (e, line)
                self.tx = None
        for p in self.ips.values():
            p.stdin.close()
            p.wait()


if __name__ == "__main__":
    Steps().run()
