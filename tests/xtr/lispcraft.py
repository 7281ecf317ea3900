"""lispcraft.py: craft LISP control messages (RFC 9301 §5) byte by byte
for xtrd's integration tests, independently of our C codec.

Usage as a sender:
  python3 lispcraft.py DEST KIND [key=value...]
KIND: map-reply | smr | map-register | map-notify | map-request |
      ecm-request | raw | junk (random bytes; type=N sets the type)
Options: eid=10.1.0.5/32 rloc=203.0.113.66 (map-register: A,B,... for
         several) nonce=HEX key=K alg=sha256|sha1|hkdf|sha256-128|sha1-96
         key_id=N ttl=MIN count=N (send N copies, each with a new EID
         suffix when vary=1) hex=... (raw bytes) sport=PORT
         proxy=1 (Map-Register P bit) probe=1 (Map-Request P bit)
         dont_reply=1 (Map-Request D bit) smr=1 (its S bit) T=1
         (Map-Register T bit)
         sub_xtr_id=HEX site_id=N (ecm-request: RFC 9437 I and N bits,
         xTR-ID, Site-ID) itr=none (an ITR-RLOC of AFI 0) src=A (the
         ECM's inner source)
         src_eid=A (Map-Request Source-EID) wait=SECONDS: after sending,
         print each message that comes back to the sending socket as
         one JSON line (decoded as below) until SECONDS pass
         nonce_step=1 (the nonce one more for each of count) iid=N (the
         EID in an Instance-ID LCAF, RFC 8060 §4.1: map-register,
         map-request, ecm-request) prio=N
         spoof=SRC (a raw IPv4 socket: the datagram claims source SRC)
As a sniffer (the on-path attacker's recorder):
  python3 lispcraft.py sniff IFACE out=FILE [type=N] [src=A] [dst=A]
      [count=1] [timeout=10] [ready=FILE (made once it listens)]
writes the LISP payload (UDP 4342) of each matching IPv4 datagram seen on
IFACE as one hex line; exits 1 if fewer than count were seen in time.
As a crafted Map-Server/Map-Resolver (the peer of tests that need one
that answers, unlike ours):
  python3 lispcraft.py ms ADDR SECONDS key=K out=FILE [state=FILE]
      [cmd=FILE] [reg=EID=RLOC[,RLOC]...;EID=...] [ttl0=register]
keeps one mapping per EID-Prefix from the Map-Registers it gets (the
last one wins; with ttl0=register a Record TTL of 0 is a registration
like any other, as some deployed Map-Servers take it: its locators, or
the sender when it has none), acknowledges each with a Map-Notify to
the sender's UDP 4342 (RFC 9301 §5.7, signed with key), answers each
encapsulated Map-Request with a proxy Map-Reply from that table to its
ITR-RLOC, and an RFC 9437 subscription (I and N bits) with a Map-Notify
carrying its nonce (an unsubscription, ITR-RLOC AFI 0: the same, to the
inner source).  state=FILE holds the table as JSON, rewritten on each
change; out=FILE gets one JSON line per event.  cmd=FILE is read as it
grows, one command a line: "publish DELTA RLOC [COUNT]" sends COUNT
publications (Map-Notify) of the subscribed prefix pointing at RLOC to
the last subscriber, with its subscription's last nonce + DELTA (DELTA
0 or negative: a replay; positive: the nonce moves on).
As a peer that only listens (a crafted ITR/ETR/Map-Server):
  python3 lispcraft.py listen ADDR PORT SECONDS [out=FILE]
prints (or appends to FILE) one JSON line per LISP control message
received on ADDR:PORT: {"from": "a", "sport": n, "type": n, ...} with
the fields decode() gives (Map-Request: flags, source_eid, itr_rlocs,
records; Map-Reply/Register/Notify: flags, records with locators) and
"hex", the message's bytes.  An EID in an Instance-ID LCAF is printed
"[IID]ADDR/LEN", another LCAF "lcaf-TYPE/LEN".
"""
import hashlib
import hmac
import ipaddress
import json
import os
import select
import socket
import struct
import sys
import time


def afi_addr(a):
    ip = ipaddress.ip_address(a)
    return struct.pack("!H", 1 if ip.version == 4 else 2) + ip.packed


def iid_addr(iid, a, mask_len=0):
    """RFC 8060 §4.1: Instance-ID LCAF (AFI 16387, type 2) around a."""
    inner = struct.pack("!I", iid) + afi_addr(a)
    return struct.pack("!HBBBBH", 16387, 0, 0, 2, mask_len, len(inner)) + \
        inner


def record(eid, rlocs, ttl=1440, prio=1, weight=100, iid=None):
    net = ipaddress.ip_network(eid, strict=False)
    r = struct.pack("!IBBHH", ttl, len(rlocs), net.prefixlen, 0x1000, 0)
    if iid is None:
        r += afi_addr(str(net.network_address))
    else:
        r += iid_addr(iid, str(net.network_address))
    for loc in rlocs:
        r += struct.pack("!BBBBH", prio, weight, 255, 0, 0x0005)
        r += afi_addr(loc)
    return r


def map_reply(nonce, eid, rlocs, ttl=1440):
    return struct.pack("!IQ", (2 << 28) | 1, nonce) + record(eid, rlocs, ttl)


def map_request(nonce, eid, itr_rlocs, smr=False, src_eid=None,
                smr_invoked=False, probe=False, dont_reply=False,
                xtr_id=None, site_id=0, iid=None):
    net = ipaddress.ip_network(eid, strict=False)
    w = (1 << 28) | ((len(itr_rlocs) - 1) << 8) | 1
    if xtr_id is not None:  # RFC 9437 §4: I bit, N on the record
        w |= 1 << (31 - 11)
    if dont_reply:          # RFC 9301 §5.2: D
        w |= 1 << (31 - 18)
    if probe:
        w |= 1 << (31 - 6)
    if smr:
        w |= 1 << (31 - 7)
    if smr_invoked:
        w |= 1 << (31 - 9)
    m = struct.pack("!IQ", w, nonce)
    m += afi_addr(src_eid) if src_eid else struct.pack("!H", 0)
    for r in itr_rlocs:     # "none": AFI 0 (RFC 9437 §5 unsubscribe)
        m += struct.pack("!H", 0) if r == "none" else afi_addr(r)
    m += struct.pack("!BB", 0x80 if xtr_id is not None else 0,
                     net.prefixlen)
    m += afi_addr(str(net.network_address)) if iid is None else \
        iid_addr(iid, str(net.network_address))
    if xtr_id is not None:
        m += xtr_id + struct.pack("!Q", site_id)
    return m


# RFC 9301 §5.6 algorithm 3: per-msg-key = KDF(nonce+PSK[Key ID], s),
# read as HKDF-SHA256 (RFC 5869) with salt s, IKM nonce || PSK, no info,
# 32 bytes; the MAC is HMAC-SHA-256 truncated to 16 bytes.
AUTH_SALT = {3: b"Map-Register Authentication",
             4: b"Map-Notify Authentication",
             5: b"Map-Notify-Ack Authentication"}


def hkdf_sha256(salt, ikm, info=b"", length=32):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()       # §2.2
    okm, t, i = b"", b"", 1
    while len(okm) < length:                                 # §2.3
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        okm += t
        i += 1
    return okm[:length]


def map_register(nonce, eid, rlocs, key, alg="sha256", key_id=0, ttl=1440,
                 xtr_id=None, want_notify=True, bad_auth=False, mtype=3,
                 lisp_sec=False, proxy=False, use_ttl=False, prio=1,
                 iid=None):
    algid, dig, alen = {"sha256": (2, hashlib.sha256, 32),
                        "sha1": (1, hashlib.sha1, 20),
                        "hkdf": (3, hashlib.sha256, 16),
                        "sha256-128": (2, hashlib.sha256, 16),
                        "sha1-96": (1, hashlib.sha1, 12)}[alg]
    w = (mtype << 28) | 1
    if proxy and mtype == 3:   # RFC 9301 §5.6: P, proxy Map-Reply
        w |= 1 << (31 - 4)
    if use_ttl and mtype == 3:  # RFC 9301 §5.6: T, Record TTL as timeout
        w |= 1 << (31 - 20)
    if want_notify and mtype == 3:
        w |= 1 << (31 - 23)
    if xtr_id is not None:   # RFC 9301 §5.6 / §5.7: the I bit
        w |= 1 << (31 - (6 if mtype == 3 else 4))
    if lisp_sec and mtype == 3:  # RFC 9303 §6.3: the S bit
        w |= 1 << (31 - 5)
    head = struct.pack("!IQBBH", w, nonce, key_id, algid, alen)
    body = record(eid, rlocs, ttl, prio=prio, iid=iid)
    if xtr_id is not None:
        body += xtr_id + struct.pack("!Q", 0)
    msg = head + bytes(alen) + body
    k = key.encode()
    if algid == 3:
        k = hkdf_sha256(AUTH_SALT[mtype], struct.pack("!Q", nonce) + k)
    mac = hmac.new(k, msg, dig).digest()[:alen]
    if bad_auth:
        mac = bytes(b ^ 0xff for b in mac)
    return head + mac + body


# -- decoding what xtrd sends (RFC 9301 §5.2, §5.4, §5.6, §5.7) --------

def _addr(b, o):
    afi = struct.unpack_from("!H", b, o)[0]
    o += 2
    if afi == 0:
        return None, o
    if afi == 1:
        return str(ipaddress.ip_address(b[o:o + 4])), o + 4
    if afi == 2:
        return str(ipaddress.ip_address(b[o:o + 16])), o + 16
    if afi == 16387:             # LCAF (RFC 8060): skip, report the type
        ltype, llen = b[o + 2], struct.unpack_from("!H", b, o + 4)[0]
        if ltype == 2:           # §4.1 Instance ID: "[IID]address"
            iid = struct.unpack_from("!I", b, o + 6)[0]
            a, _ = _addr(b, o + 10)
            return "[%d]%s" % (iid, a), o + 6 + llen
        return "lcaf-%d" % ltype, o + 6 + llen
    raise ValueError("AFI %d" % afi)


def _records(b, o, n):
    recs = []
    for _ in range(n):
        ttl, nloc, plen, actw, ver = struct.unpack_from("!IBBHH", b, o)
        eid, o = _addr(b, o + 10)
        r = {"eid": "%s/%d" % (eid, plen), "ttl": ttl,
             "act": actw >> 13, "A": (actw >> 12) & 1, "locs": []}
        for _ in range(nloc):
            pr, wt, mp, mw, fl = struct.unpack_from("!BBBBH", b, o)
            a, o = _addr(b, o + 6)
            r["locs"].append({"rloc": a, "prio": pr, "weight": wt,
                              "L": (fl >> 2) & 1, "p": (fl >> 1) & 1,
                              "R": fl & 1})
        recs.append(r)
    return recs, o


def decode(b):
    """A dict of the fields of one LISP control message."""
    w = struct.unpack_from("!I", b, 0)[0]
    t = w >> 28
    d = {"type": t}
    bit = lambda n: (w >> (31 - n)) & 1
    if t == 1:                  # §5.2 Map-Request
        d.update(A=bit(4), M=bit(5), P=bit(6), S=bit(7), p=bit(8),
                 s=bit(9), I=bit(11), L=bit(17), D=bit(18))
        d["nonce"] = "%016x" % struct.unpack_from("!Q", b, 4)[0]
        d["source_eid"], o = _addr(b, 12)
        d["itr_rlocs"] = []
        for _ in range(((w >> 8) & 0x1f) + 1):
            a, o = _addr(b, o)
            d["itr_rlocs"].append(a)
        d["records"] = []
        for _ in range(w & 0xff):
            rsvd, plen = b[o], b[o + 1]
            eid, o = _addr(b, o + 2)
            d["records"].append({"eid": "%s/%d" % (eid, plen),
                                 "N": rsvd >> 7})
    elif t == 2:                # §5.4 Map-Reply
        d.update(P=bit(4), E=bit(5), S=bit(6))
        d["nonce"] = "%016x" % struct.unpack_from("!Q", b, 4)[0]
        d["records"], _ = _records(b, 12, w & 0xff)
    elif t in (3, 4, 5):        # §5.6, §5.7
        d.update(P=bit(4), S=bit(5), I=bit(6), T=bit(20), M=bit(23))
        d["nonce"] = "%016x" % struct.unpack_from("!Q", b, 4)[0]
        d["key_id"], d["alg_id"], alen = struct.unpack_from("!BBH", b, 12)
        d["auth_len"] = alen
        d["records"], _ = _records(b, 16 + alen, w & 0xff)
    return d


def report(data, src, out=None):
    try:
        d = decode(data)
    except (ValueError, struct.error, IndexError) as e:
        d = {"type": data[0] >> 4 if data else -1, "error": str(e)}
    d["from"], d["sport"] = src[0], src[1]
    d["hex"] = data.hex()
    line = json.dumps(d, sort_keys=True)
    if out:
        with open(out, "a") as f:
            f.write(line + "\n")
    else:
        print(line, flush=True)


def listen(addr, port, secs, out=None):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    if out:
        open(out, "a").close()   # exists once we listen
    end = time.monotonic() + secs
    while time.monotonic() < end:
        r, _, _ = select.select([s], [], [], end - time.monotonic())
        if r:
            data, src = s.recvfrom(65535)
            report(data, src, out)


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


def ipv6_udp(src, dst, sport, dport, payload, hlim=64):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    return struct.pack("!IHBB16s16s", 6 << 28, len(udp), 17, hlim,
                       ipaddress.ip_address(src).packed,
                       ipaddress.ip_address(dst).packed) + udp


def lisp_data(inner, nonce=None, lsb=None, iid=None):
    """RFC 9300 §5.3 header + inner packet: N (nonce), L when lsb is
    given, I when iid is given (then 8 LSBs)."""
    flags, word2 = 0, 0
    if nonce is None:
        nonce = int.from_bytes(os.urandom(3), "big")
    flags |= 0x80
    if lsb is not None:
        flags |= 0x40
        word2 = lsb & (0xff if iid is not None else 0xffffffff)
    if iid is not None:
        flags |= 0x08
        word2 |= (iid & 0xffffff) << 8
    return struct.pack("!B3sI", flags, nonce.to_bytes(3, "big"),
                       word2) + inner


def inner_udp(src, dst, payload=b"lispcraft", sport=9, dport=9, ttl=64):
    if ":" in src:
        return ipv6_udp(src, dst, sport, dport, payload, ttl)
    p = bytearray(ipv4_udp(src, dst, sport, dport, payload))
    p[8] = ttl
    p[10:12] = b"\0\0"
    s = sum(struct.unpack("!10H", bytes(p[:20])))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    p[10:12] = struct.pack("!H", ~s & 0xffff)
    return bytes(p)


def ecm(inner_src, inner_dst, payload, sport=4342):
    return struct.pack("!I", 8 << 28) + ipv4_udp(inner_src, inner_dst,
                                                 sport, 4342, payload)


def send_spoofed(src, dest, data, sport=4342):
    """An IPv4 datagram to dest:4342 that claims to come from src."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(ipv4_udp(src, dest, sport, 4342, data), (dest, 0))
    s.close()


def sniff(argv):
    """Record LISP control payloads seen on an interface (AF_PACKET)."""
    iface = argv[2]
    o = dict(a.split("=", 1) for a in argv[3:])
    want, got = int(o.get("count", "1")), 0
    end = time.monotonic() + float(o.get("timeout", "10"))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                      socket.htons(0x0800))
    s.bind((iface, 0))
    if "ready" in o:        # the caller waits for this file, not a sleep
        open(o["ready"], "w").close()
    with open(o["out"], "w") as out:
        while got < want and time.monotonic() < end:
            r, _, _ = select.select([s], [], [],
                                    max(0, end - time.monotonic()))
            if not r:
                break
            p, addr = s.recvfrom(65535)
            if addr[2] == socket.PACKET_OUTGOING and o.get("dir") != "out":
                continue
            if len(p) < 28 or p[9] != 17:
                continue
            ihl = (p[0] & 15) * 4
            dport = struct.unpack("!H", p[ihl + 2:ihl + 4])[0]
            if dport != 4342:
                continue
            src = str(ipaddress.ip_address(p[12:16]))
            dst = str(ipaddress.ip_address(p[16:20]))
            pay = p[ihl + 8:]
            if "src" in o and src != o["src"] or \
                    "dst" in o and dst != o["dst"] or \
                    "type" in o and (not pay or
                                     pay[0] >> 4 != int(o["type"])):
                continue
            out.write(pay.hex() + "\n")
            out.flush()
            got += 1
    sys.exit(0 if got >= want else 1)


def send(dest, data, sport=0, wait=0.0):
    fam = socket.AF_INET6 if ":" in dest else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if sport:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("", sport))
    s.sendto(data, (dest, 4342))
    end = time.monotonic() + wait
    while time.monotonic() < end:
        r, _, _ = select.select([s], [], [], end - time.monotonic())
        if r:
            got, src = s.recvfrom(65535)
            report(got, src)
    s.close()


def ecm_inner(b):
    """RFC 9301 §5.8: an ECM's inner (source, UDP source port, payload)."""
    v = b[4] >> 4
    if v == 4:
        src = str(ipaddress.ip_address(b[16:20]))
        o = 4 + (b[4] & 15) * 4
    elif v == 6:
        src = str(ipaddress.ip_address(b[12:28]))
        o = 44
    else:
        raise ValueError("ECM inner IP version %d" % v)
    return src, struct.unpack_from("!H", b, o)[0], b[o + 8:]


def notify_for(reg, key):
    """RFC 9301 §5.7: the Map-Notify that acknowledges Map-Register reg:
    its nonce, Key ID, Algorithm ID, records (and xTR-ID trailer, I bit
    moved from bit 6 to bit 4), type 4, authenticated with key."""
    w = struct.unpack_from("!I", reg, 0)[0]
    key_id, algid, alen = struct.unpack_from("!BBH", reg, 12)
    nw = (4 << 28) | (w & 0xff) | ((1 << 27) if (w >> 25) & 1 else 0)
    head = struct.pack("!I", nw) + reg[4:12] + reg[12:16]
    msg = head + bytes(alen) + reg[16 + alen:]
    dig = hashlib.sha1 if algid == 1 else hashlib.sha256
    mac = hmac.new(key.encode(), msg, dig).digest()[:alen]
    return head + mac + reg[16 + alen:]


class CraftedMS:
    """See "As a crafted Map-Server" above."""

    def __init__(self, addr, o):
        self.o = o
        self.key = o.get("key", "x")
        self.table = {}          # EID-Prefix -> [RLOC...]
        self.sub = None          # the last subscription: eid, itr, nonce
        for item in filter(None, o.get("reg", "").split(";")):
            eid, rlocs = item.split("=", 1)
            self.table[eid] = rlocs.split(",")
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.s.bind((addr, 4342))
        self.done = 0            # cmd lines done
        self.save()
        self.log(event="ready")

    def log(self, **kv):
        with open(self.o["out"], "a") as f:
            f.write(json.dumps(kv, sort_keys=True) + "\n")

    def save(self):
        if "state" in self.o:
            tmp = self.o["state"] + ".tmp"
            with open(tmp, "w") as f:
                json.dump(self.table, f, sort_keys=True)
            os.replace(tmp, self.o["state"])

    def lookup(self, eid):
        a = ipaddress.ip_network(eid, strict=False).network_address
        best = None
        for p in self.table:
            n = ipaddress.ip_network(p)
            if a in n and (best is None or n.prefixlen >
                           ipaddress.ip_network(best).prefixlen):
                best = p
        return best

    def register(self, data, src):
        d = decode(data)
        for r in d["records"]:
            if r["ttl"] == 0 and self.o.get("ttl0") != "register":
                self.table.pop(r["eid"], None)
            else:
                self.table[r["eid"]] = [x["rloc"] for x in r["locs"]] or \
                    [src[0]]
            self.log(event="register", eid=r["eid"], ttl=r["ttl"],
                     rlocs=self.table.get(r["eid"]), **{"from": src[0]})
        self.save()
        if d["M"]:
            self.s.sendto(notify_for(data, self.key), (src[0], 4342))

    def notify(self, nonce, eid, to, ttl=10):
        rlocs = self.table.get(eid, []) if eid else []
        m = map_register(nonce, eid, rlocs, self.key, mtype=4, ttl=ttl)
        self.s.sendto(m, (to, 4342))

    def request(self, data, src):
        isrc, isport, inner = ecm_inner(data)
        d = decode(inner)
        if d["type"] != 1 or not d["records"]:
            return
        nonce = int(d["nonce"], 16)
        want = d["records"][0]["eid"]
        eid = self.lookup(want)
        itr = next((a for a in d["itr_rlocs"] if a), None)
        if d["I"] and d["records"][0]["N"]:     # RFC 9437 §5
            if itr is None:                      # unsubscribe
                self.log(event="unsubscribe", eid=eid, nonce=d["nonce"])
                self.sub = None
                self.notify(nonce, eid or want, isrc)
                return
            self.sub = {"eid": eid, "itr": itr, "nonce": nonce}
            self.log(event="subscribe", eid=eid, nonce=d["nonce"], itr=itr)
            self.notify(nonce, eid, itr)
        if itr is None:
            return
        if eid is None:         # negative: the host route, native forward
            rep = struct.pack("!IQ", (2 << 28) | 1, nonce) + \
                record(want, [], 1)
        else:
            rep = map_reply(nonce, eid, self.table[eid], 10)
        self.s.sendto(rep, (itr, isport))
        self.log(event="map-reply", eid=eid or want, nonce=d["nonce"],
                 rlocs=self.table.get(eid, []), to=itr)

    def commands(self):
        if "cmd" not in self.o or not os.path.exists(self.o["cmd"]):
            return
        with open(self.o["cmd"]) as f:
            lines = [x for x in f.read().split("\n") if x.strip()]
        for line in lines[self.done:]:
            self.done += 1
            w = line.split()
            if w[0] != "publish" or self.sub is None:
                self.log(event="cmd-refused", cmd=line)
                continue
            delta, rloc = int(w[1]), w[2]
            nonce = (self.sub["nonce"] + delta) % (1 << 64)
            self.table[self.sub["eid"]] = [rloc]
            for _ in range(int(w[3]) if len(w) > 3 else 1):
                self.notify(nonce, self.sub["eid"], self.sub["itr"])
            if delta > 0:       # RFC 9437 §6: a real one moves it on
                self.sub["nonce"] = nonce
            self.save()
            self.log(event="published", eid=self.sub["eid"], rloc=rloc,
                     nonce="%016x" % nonce, delta=delta, line=self.done)

    def run(self, secs):
        end = time.monotonic() + secs
        while time.monotonic() < end:
            self.commands()
            r, _, _ = select.select([self.s], [], [], 0.05)
            if not r:
                continue
            data, src = self.s.recvfrom(65535)
            t = data[0] >> 4 if data else -1
            try:
                if t == 3:
                    self.register(data, src)
                elif t == 8:
                    self.request(data, src)
                elif t == 5:
                    self.log(event="notify-ack", nonce="%016x" %
                             struct.unpack_from("!Q", data, 4)[0])
            except (ValueError, struct.error, IndexError, KeyError) as e:
                self.log(event="error", type=t, error=str(e))


def main(argv):
    if argv[1] == "sniff":
        sniff(argv)
    if argv[1] == "ms":
        o = dict(a.split("=", 1) for a in argv[4:])
        CraftedMS(argv[2], o).run(float(argv[3]))
        return
    if argv[1] == "listen":
        o = dict(a.split("=", 1) for a in argv[5:])
        listen(argv[2], int(argv[3]), float(argv[4]), o.get("out"))
        return
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
            e = "%s/%d" % (net.network_address + i, net.max_prefixlen)
        if kind == "map-reply":
            d = map_reply(nonce, e, [rloc], int(o.get("ttl", "1440")))
        elif kind == "smr":
            d = map_request(nonce, e, [o.get("itr", rloc)], smr=True,
                            src_eid=str(ipaddress.ip_network(
                                e, strict=False).network_address))
        elif kind == "map-request":
            d = map_request(nonce, e, [o.get("itr", rloc)],
                            src_eid=o.get("src_eid"),
                            probe=o.get("probe") == "1",
                            dont_reply=o.get("dont_reply") == "1",
                            smr=o.get("smr") == "1",
                            iid=int(o["iid"]) if "iid" in o else None)
        elif kind == "ecm-request":
            d = ecm(o.get("src", o.get("itr", rloc)), str(
                ipaddress.ip_network(e, strict=False).network_address),
                map_request(nonce, e, [o.get("itr", rloc)],
                            probe=o.get("probe") == "1",
                            xtr_id=bytes.fromhex(o["sub_xtr_id"])
                            if "sub_xtr_id" in o else None,
                            site_id=int(o.get("site_id", "0")),
                            iid=int(o["iid"]) if "iid" in o else None))
        elif kind in ("map-register", "map-notify"):
            d = map_register(nonce + (i if o.get("nonce_step") == "1"
                                      else 0),
                             e, rloc.split(","), o.get("key", "x"),
                             o.get("alg", "sha256"),
                             int(o.get("key_id", "0")),
                             int(o.get("ttl", "1440")),
                             bytes.fromhex(o["xtr_id"]) if "xtr_id" in o
                             else os.urandom(16),
                             bad_auth=o.get("bad_auth") == "1",
                             mtype=3 if kind == "map-register" else 4,
                             proxy=o.get("proxy") == "1",
                             use_ttl=o.get("T") == "1",
                             prio=int(o.get("prio", "1")),
                             iid=int(o["iid"]) if "iid" in o else None)
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
        if "spoof" in o:
            send_spoofed(o["spoof"], dest, d, int(o.get("sport", "4342")))
        else:
            send(dest, d, int(o.get("sport", "0")),
                 float(o.get("wait", "0")))


if __name__ == "__main__":
    main(sys.argv)
