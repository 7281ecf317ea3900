#!/usr/bin/env python3
# lispsec_kat.py: the known-answer vectors of tests/unit/test_lisp_hkdf.c and
# tests/unit/test_lisp_sec.c, computed independently of lisp/ with Python's
# hmac and hashlib (HKDF written out from RFC 5869 §2.2-2.3) and the
# cryptography package's AES key wrap (RFC 3394).
#
# Usage: tests/tools/lispsec_kat.py        prints every vector as C bytes
import hashlib
import hmac
import struct
import sys


def hkdf(md, salt, ikm, info, length):
    """RFC 5869 §2.2 extract, §2.3 expand."""
    hlen = md().digest_size
    prk = hmac.new(salt if salt else b"\0" * hlen, ikm, md).digest()
    okm, t, i = b"", b"", 1
    while len(okm) < length:
        t = hmac.new(prk, t + info + bytes([i]), md).digest()
        okm += t
        i += 1
    return okm[:length]


def cbytes(name, b):
    s = ", ".join("0x%02x" % x for x in b)
    lines, cur = [], ""
    for tok in s.split(", "):
        if len(cur) + len(tok) + 2 > 72:
            lines.append(cur.rstrip())
            cur = ""
        cur += tok + ", "
    lines.append(cur.rstrip().rstrip(","))
    print("/* %s */" % name)
    print("\t" + "\n\t".join(lines))


def main():
    # RFC 5869 A.1 and A.4 inputs, recomputed here
    cbytes("HKDF-SHA256 A.1", hkdf(hashlib.sha256, bytes(range(13)),
           b"\x0b" * 22, bytes(range(0xf0, 0xfa)), 42))
    cbytes("HKDF-SHA1 A.4", hkdf(hashlib.sha1, bytes(range(13)),
           b"\x0b" * 11, bytes(range(0xf0, 0xfa)), 42))
    cbytes("HKDF-SHA256 A.3 (no salt, no info)", hkdf(hashlib.sha256, b"",
           b"\x0b" * 22, b"", 42))
    # LISP-SEC vectors
    itr_otk = bytes(range(0x10, 0x20))
    nonce = 0x0123456789abcdef
    psk = b"mr-secret"
    cbytes("MS-OTK = HKDF-SHA256(ITR-OTK), 16", hkdf(hashlib.sha256, b"",
           itr_otk, b"", 16))
    cbytes("MS-OTK = HKDF-SHA1-128(ITR-OTK), 16", hkdf(hashlib.sha1, b"",
           itr_otk, b"", 16))
    kek = hkdf(hashlib.sha256, b"", struct.pack(">Q", nonce) +
               b"OTK-Key-Wrap" + psk, b"", 16)
    cbytes("per-msg-key = HKDF-SHA256(nonce + 'OTK-Key-Wrap' + PSK)", kek)
    try:
        from cryptography.hazmat.primitives.keywrap import aes_key_wrap
        cbytes("AES-KEY-WRAP-128(per-msg-key, ITR-OTK)",
               aes_key_wrap(kek, itr_otk))
    except ImportError:
        print("/* cryptography not installed: no key-wrap vector */")
    for name, md, n in (("HMAC-SHA-256-128", hashlib.sha256, 16),
                        ("HMAC-SHA-1-96", hashlib.sha1, 12)):
        cbytes("%s(ITR-OTK, 'abc' + %d zero bytes)" % (name, n),
               hmac.new(itr_otk, b"abc" + b"\0" * n, md).digest()[:n])
    # RFC 9303 §6.1 EID-AD as a Map-Server builds it: KDF HKDF-SHA256,
    # one record 192.0.2.0/24, EID HMAC ID 2, HMAC over the EID-AD with
    # the HMAC zeroed, keyed with the ITR-OTK (§6.7.1)
    body = (struct.pack(">HBBH", 2, 1, 0, 2) +
            bytes([0, 24]) + struct.pack(">H", 1) + bytes([192, 0, 2, 0]))
    eid_ad = struct.pack(">H", 2 + len(body) + 16) + body
    eid_ad += hmac.new(itr_otk, eid_ad + b"\0" * 16,
                       hashlib.sha256).digest()[:16]
    cbytes("EID-AD for 192.0.2.0/24", eid_ad)
    # RFC 9301 §5.4 Map-Reply, S set, nonce, one record 192.0.2.0/24 TTL
    # 1440 A=1 with locator 198.51.100.1 (prio 1 weight 100, L R), then
    # the §6.2 AD: type 1, the EID-AD, PKT-AD (length 20, ID 2, HMAC over
    # the whole with the PKT HMAC zeroed, keyed with the MS-OTK)
    ms_otk = hkdf(hashlib.sha256, b"", itr_otk, b"", 16)
    rep = (bytes([0x22, 0, 0, 1]) + struct.pack(">Q", nonce) +
           struct.pack(">IBBHHH", 1440, 1, 24, 0x1000, 0, 1) +
           bytes([192, 0, 2, 0]) + bytes([1, 100, 255, 0]) +
           struct.pack(">HH", 5, 1) + bytes([198, 51, 100, 1]))
    rep += struct.pack(">I", 1 << 24) + eid_ad + struct.pack(">HH", 20, 2)
    rep += hmac.new(ms_otk, rep + b"\0" * 16, hashlib.sha256).digest()[:16]
    cbytes("signed Map-Reply", rep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
