"""lispcraft.py: craft LISP control messages (RFC 9301 §5) byte by byte
for xtrd's integration tests, independently of our C codec.

Usage as a sender:
  python3 lispcraft.py DEST KIND [key=value...]
KIND: map-reply | smr | map-register | map-notify | map-request |
      ecm-request | raw | junk (random bytes; type=N sets the type)
Options: eid=10.1.0.5/32 rloc=203.0.113.66 nonce=HEX key=K alg=sha256|sha1
         key_id=N ttl=MIN count=N (send N copies, each with a new EID
         suffix when vary=1) hex=... (raw bytes) sport=PORT
"""
import hashlib
import hmac
import ipaddress
import os
import socket
import struct
import sys


def afi_addr(a):
    ip = ipaddress.ip_address(a)
    return struct.pack("!H", 1 if ip.version == 4 else 2) + ip.packed


def record(eid, rlocs, ttl=1440, prio=1, weight=100):
    net = ipaddress.ip_network(eid, strict=False)
    r = struct.pack("!IBBHH", ttl, len(rlocs), net.prefixlen, 0x1000, 0)
    r += afi_addr(str(net.network_address))
    for loc in rlocs:
        r += struct.pack("!BBBBH", prio, weight, 255, 0, 0x0005)
        r += afi_addr(loc)
    return r


def map_reply(nonce, eid, rlocs, ttl=1440):
    return struct.pack("!IQ", (2 << 28) | 1, nonce) + record(eid, rlocs, ttl)


def map_request(nonce, eid, itr_rlocs, smr=False, src_eid=None,
                smr_invoked=False):
    net = ipaddress.ip_network(eid, strict=False)
    w = (1 << 28) | ((len(itr_rlocs) - 1) << 8) | 1
    if smr:
        w |= 1 << (31 - 7)
    if smr_invoked:
        w |= 1 << (31 - 9)
    m = struct.pack("!IQ", w, nonce)
    m += afi_addr(src_eid) if src_eid else struct.pack("!H", 0)
    for r in itr_rlocs:
        m += afi_addr(r)
    m += struct.pack("!BB", 0, net.prefixlen) + afi_addr(
        str(net.network_address))
    return m


def map_register(nonce, eid, rlocs, key, alg="sha256", key_id=0, ttl=1440,
                 xtr_id=None, want_notify=True, bad_auth=False, mtype=3,
                 lisp_sec=False):
    algid, dig, alen = (2, hashlib.sha256, 32) if alg == "sha256" else \
        (1, hashlib.sha1, 20)
    w = (mtype << 28) | 1
    if want_notify and mtype == 3:
        w |= 1 << (31 - 23)
    if xtr_id is not None:   # RFC 9301 §5.6 / §5.7: the I bit
        w |= 1 << (31 - (6 if mtype == 3 else 4))
    if lisp_sec and mtype == 3:  # RFC 9303 §6.3: the S bit
        w |= 1 << (31 - 5)
    head = struct.pack("!IQBBH", w, nonce, key_id, algid, alen)
    body = record(eid, rlocs, ttl)
    if xtr_id is not None:
        body += xtr_id + struct.pack("!Q", 0)
    msg = head + bytes(alen) + body
    mac = hmac.new(key.encode(), msg, dig).digest()
    if bad_auth:
        mac = bytes(b ^ 0xff for b in mac)
    return head + mac + body


def ipv4_udp(src, dst, sport, dport, payload):
    ulen = 8 + len(payload)
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    tot = 20 + ulen
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, 0, 0, 64, 17, 0,
                      ipaddress.ip_address(src).packed,
                      ipaddress.ip_address(dst).packed)
    s = sum(struct.unpack("!10H", hdr))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    hdr = hdr[:10] + struct.pack("!H", ~s & 0xffff) + hdr[12:]
    return hdr + udp


def ecm(inner_src, inner_dst, payload, sport=4342):
    return struct.pack("!I", 8 << 28) + ipv4_udp(inner_src, inner_dst,
                                                 sport, 4342, payload)


def send(dest, data, sport=0):
    fam = socket.AF_INET6 if ":" in dest else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if sport:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("", sport))
    s.sendto(data, (dest, 4342))
    s.close()


def main(argv):
    dest, kind = argv[1], argv[2]
    o = dict(a.split("=", 1) for a in argv[3:])
    nonce = int(o.get("nonce", os.urandom(8).hex()), 16)
    eid = o.get("eid", "10.1.0.5/32")
    rloc = o.get("rloc", "203.0.113.66")
    count = int(o.get("count", "1"))
    for i in range(count):
        e = eid
        if o.get("vary") == "1":
            net = ipaddress.ip_network(eid, strict=False)
            e = str(net.network_address + i) + "/32"
        if kind == "map-reply":
            d = map_reply(nonce, e, [rloc], int(o.get("ttl", "1440")))
        elif kind == "smr":
            d = map_request(nonce, e, [o.get("itr", rloc)], smr=True,
                            src_eid=str(ipaddress.ip_network(
                                e, strict=False).network_address))
        elif kind == "map-request":
            d = map_request(nonce, e, [o.get("itr", rloc)])
        elif kind == "ecm-request":
            d = ecm(o.get("itr", rloc), str(ipaddress.ip_network(
                e, strict=False).network_address),
                map_request(nonce, e, [o.get("itr", rloc)]))
        elif kind in ("map-register", "map-notify"):
            d = map_register(nonce, e, [rloc], o.get("key", "x"),
                             o.get("alg", "sha256"),
                             int(o.get("key_id", "0")),
                             int(o.get("ttl", "1440")),
                             bytes.fromhex(o["xtr_id"]) if "xtr_id" in o
                             else os.urandom(16),
                             bad_auth=o.get("bad_auth") == "1",
                             mtype=3 if kind == "map-register" else 4)
        elif kind == "junk":
            n = int.from_bytes(os.urandom(1), "big") + 1
            d = os.urandom(n)
            if o.get("type"):
                d = bytes([int(o["type"]) << 4]) + d
        elif kind == "raw":
            d = bytes.fromhex(o["hex"])
        else:
            sys.exit("unknown kind " + kind)
        if "cut" in o:
            d = d[:int(o["cut"])]
        send(dest, d, int(o.get("sport", "0")))


if __name__ == "__main__":
    main(sys.argv)
