#!/usr/bin/env python3
"""legacy_mr.py: a Map-Resolver that does not speak LISP-SEC, for
tests/integ/xtr_lispsec.sh.  Like the older implementations RFC 9303 must
live with, it cannot read an ECM whose S bit puts Authentication Data
where it expects the inner IP header (RFC 9301 §5.8) and drops it; to a
plain ECM Map-Request it answers a negative Map-Reply for the EID asked,
to the first IPv4 ITR-RLOC (RFC 9301 §5.4, written with lispcraft).

Usage: legacy_mr.py ADDR N LOG   answers N plain requests (30 s at most)
"""
import ipaddress
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lispcraft  # noqa: E402


def main(argv):
    addr, n, logf = argv[1], int(argv[2]), argv[3]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 4342))
    s.settimeout(30)
    done = 0
    with open(logf, "a") as log:
        log.write("listening\n")
        log.flush()
        while done < n:
            try:
                pkt, _ = s.recvfrom(9000)
            except socket.timeout:
                log.write("timeout\n")
                return 1
            if pkt[0] >> 4 != 8:
                continue
            if pkt[0] & 0x08:
                log.write("dropped an ECM with S\n")
                log.flush()
                continue
            ip = pkt[4:]
            ihl = (ip[0] & 0x0f) * 4
            sport = struct.unpack("!H", ip[ihl:ihl + 2])[0]
            m = ip[ihl + 8:]
            nonce = struct.unpack("!Q", m[4:12])[0]
            irc = (m[2] & 0x1f) + 1
            off = 12
            afi = struct.unpack("!H", m[off:off + 2])[0]
            off += 2 + {0: 0, 1: 4, 2: 16}[afi]
            itr = None
            for _ in range(irc):
                afi = struct.unpack("!H", m[off:off + 2])[0]
                alen = {1: 4, 2: 16}[afi]
                if itr is None and afi == 1:
                    itr = str(ipaddress.ip_address(m[off + 2:off + 2 + alen]))
                off += 2 + alen
            plen = m[off + 1]
            eid = str(ipaddress.ip_address(m[off + 4:off + 8]))
            rep = struct.pack("!IQ", (2 << 28) | 1, nonce) + lispcraft.record(
                "%s/%d" % (eid, plen), [], ttl=1)
            s.sendto(rep, (itr, sport))
            done += 1
            log.write("answered %s/%d\n" % (eid, plen))
            log.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
