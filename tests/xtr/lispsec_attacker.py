#!/usr/bin/env python3
"""lispsec_attacker.py: a LISP-SEC (RFC 9303) ETR that lies, for
tests/integ/xtr_lispsec.sh.  It registers EID with the Map-Server under
its own site key (with the S bit: it claims LISP-SEC), then answers each
LISP-SEC ECM Map-Request the Map-Server forwards to it, written byte by
byte here, independently of lisp/:

  overclaim  a record for WIDE (e.g. 10.0.0.0/8) with the EID-AD copied
             and a correct PKT HMAC (it holds the MS-OTK, as a registered
             ETR does): the Map-Server authorized only its own prefix
  tamper     a record for the prefix asked, PKT HMAC with one bit flipped
             (what an on-path rewrite of an honest reply looks like)
  plain      a record for the prefix asked, no LISP-SEC at all (S clear)
An ECM without S (a Map-Server or ITR without LISP-SEC) gets the same
record without LISP-SEC.

Usage: lispsec_attacker.py MS KEY EID RLOC MODE N LOG [WIDE]
Handles N Map-Requests (or gives up after 30 s) and writes one line per
answer to LOG.
"""
import hashlib
import hmac
import ipaddress
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lispcraft  # noqa: E402


def hkdf_sha256(ikm, length=16):
    """RFC 5869, salt absent (HashLen zeros), info empty."""
    prk = hmac.new(b"\0" * 32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, b"\x01", hashlib.sha256).digest()[:length]


def ms_otk_of(ad, nonce, key):
    """RFC 9303 §6.5: unwrap the OTK of an ECM AD with our site key."""
    from cryptography.hazmat.primitives.keywrap import aes_key_unwrap
    wrap_id = ad[7]
    if wrap_id != 2:
        raise ValueError("OTK wrap %d" % wrap_id)
    kek = hkdf_sha256(struct.pack("!Q", nonce) + b"OTK-Key-Wrap" +
                      key.encode())
    return aes_key_unwrap(kek, ad[8:32])


def answer(pkt, key, mode, rloc, wide):
    """-> (ITR RLOC, port, reply bytes, what) for one forwarded ECM."""
    if pkt[0] >> 4 != 8:
        raise ValueError("not an ECM")
    secure = pkt[0] & 0x08 != 0
    ad_off = 4
    ad_len = 0
    if secure:
        eid_len = struct.unpack("!H", pkt[ad_off + 32:ad_off + 34])[0]
        ad_len = 32 + eid_len
    ad = pkt[ad_off:ad_off + ad_len]
    eid_ad = ad[32:]
    ip = pkt[ad_off + ad_len:]
    ihl = (ip[0] & 0x0f) * 4
    sport = struct.unpack("!H", ip[ihl:ihl + 2])[0]
    mreq = ip[ihl + 8:]
    nonce = struct.unpack("!Q", mreq[4:12])[0]
    irc = (mreq[2] & 0x1f) + 1
    off = 12
    afi = struct.unpack("!H", mreq[off:off + 2])[0]
    off += 2 + {0: 0, 1: 4, 2: 16}[afi]          # Source-EID
    itr = None
    for _ in range(irc):
        afi = struct.unpack("!H", mreq[off:off + 2])[0]
        alen = {1: 4, 2: 16}[afi]
        if itr is None and afi == 1:
            itr = str(ipaddress.ip_address(mreq[off + 2:off + 2 + alen]))
        off += 2 + alen
    plen = mreq[off + 1]
    eid = str(ipaddress.ip_address(mreq[off + 4:off + 8]))
    asked = str(ipaddress.ip_network("%s/%d" % (eid, plen), strict=False))
    prefix = wide if mode == "overclaim" else asked
    rec = lispcraft.record(prefix, [rloc])
    if mode == "plain" or not secure:    # RFC 9301 §5.4, S clear
        return itr, sport, struct.pack("!IQ", (2 << 28) | 1, nonce) + rec, \
            "%s %s unsigned" % (mode, prefix)
    ms_otk = ms_otk_of(ad, nonce, key)
    # RFC 9301 §5.4 with S (bit 6), then RFC 9303 §6.2's AD
    msg = struct.pack("!IQ", (2 << 28) | (1 << 25) | 1, nonce) + rec
    msg += struct.pack("!I", 1 << 24) + eid_ad + struct.pack("!HH", 20, 2)
    mac = hmac.new(ms_otk, msg + bytes(16), hashlib.sha256).digest()[:16]
    if mode == "tamper":
        mac = bytes([mac[0] ^ 0x01]) + mac[1:]
    return itr, sport, msg + mac, "%s %s" % (mode, prefix)


def main(argv):
    ms, key, eid, rloc, mode, n, logf = argv[1:8]
    wide = argv[8] if len(argv) > 8 else "10.0.0.0/8"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((rloc, 4342))
    s.settimeout(30)
    # RFC 9301 §5.6 Map-Register with S (RFC 9303 §6.3), our own key
    # one xTR-ID per key: a second run is a refresh, not another xTR
    reg = lispcraft.map_register(int.from_bytes(os.urandom(8), "big"), eid,
                                 [rloc], key,
                                 xtr_id=hashlib.sha256(key.encode()).digest()
                                 [:16], lisp_sec=True)
    s.sendto(reg, (ms, 4342))
    with open(logf, "a") as log:
        log.write("registered %s\n" % eid)
        log.flush()
        done = 0
        while done < int(n):
            try:
                pkt, frm = s.recvfrom(9000)
            except socket.timeout:
                log.write("timeout\n")
                return 1
            if pkt[0] >> 4 == 4:          # the Map-Notify
                log.write("map-notify\n")
                log.flush()
                continue
            try:
                itr, port, rep, what = answer(pkt, key, mode, rloc, wide)
            except (ValueError, IndexError, KeyError) as e:
                log.write("skipped: %s\n" % e)
                log.flush()
                continue
            s.sendto(rep, (itr, port))
            done += 1
            log.write("answered %s to %s\n" % (what, itr))
            log.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
