#!/usr/bin/env python3
# mig_junk_frames.py: send malformed ARP/RARP/NDP frames and random junk
# out of an interface (tests only).  Usage: mig_junk_frames.py IFACE [N]
# Every frame has the interface's own MAC as source and a broadcast or
# all-nodes destination, so the bridge floods it to the capture.
import os, random, socket, struct, sys

ifname = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
mac = open("/sys/class/net/%s/address" % ifname).read().strip()
src = bytes.fromhex(mac.replace(":", ""))
bc = b"\xff" * 6
v6mc = bytes.fromhex("333300000001")
random.seed(42)


def arp(op=1, hlen=6, plen=4, ptype=0x800, tail=b""):
    return (struct.pack("!HHBBH", 1, ptype, hlen, plen, op) + src +
            bytes([198, 51, 100, 9]) + b"\0" * 6 + bytes([198, 51, 100, 9])
            + tail)


fixed = [
    bc + src + b"\x08\x06" + arp()[:10],              # truncated ARP
    bc + src + b"\x08\x06" + arp(hlen=8),             # bad hlen
    bc + src + b"\x08\x06" + arp(ptype=0x86dd),       # bad ptype
    bc + src + b"\x08\x06" + arp(op=7),               # bad op
    bc + src + b"\x80\x35" + arp(op=1),               # RARP, bad op
    bc + src + b"\x81\x00\x00",                       # truncated VLAN
    v6mc + src + b"\x86\xdd" + b"\x60" + b"\0" * 10,  # truncated IPv6
    v6mc + src + b"\x86\xdd" + b"\x40" + b"\0" * 50,  # IPv4 version in v6
    # NA with a bad checksum and hop limit 255
    v6mc + src + b"\x86\xdd" + struct.pack("!IHBB", 0x60000000, 24, 58, 255)
    + b"\0" * 32 + bytes([136, 0, 0x12, 0x34]) + b"\0" * 20,
    # NA with hop limit 64
    v6mc + src + b"\x86\xdd" + struct.pack("!IHBB", 0x60000000, 24, 58, 64)
    + b"\0" * 32 + bytes([136, 0, 0, 0]) + b"\0" * 20,
]
for f in fixed:
    s.send(f.ljust(60, b"\0") if len(f) < 14 else f)
for i in range(n):
    et = random.choice([b"\x08\x06", b"\x80\x35", b"\x86\xdd", b"\x81\x00"])
    body = os.urandom(random.randint(0, 120))
    s.send(random.choice([bc, v6mc]) + src + et + body)
print("sent", len(fixed) + n)
