#!/usr/bin/env python3
"""check_tshark.py: compare what tshark decoded with what we encoded.

Usage: check_tshark.py TSHARK.json EXPECT.json

TSHARK.json is `tshark -T json` output for the pcap written by
lisp_pcapgen; EXPECT.json is the expectations file it wrote alongside.
For every packet, asserts that tshark's LISP dissector reports the same
message type, flags, nonce, key-id, auth data, EID prefixes (and
Instance-IDs), RLOCs, priorities and weights; for ECMs also the inner IP
and UDP headers, with their checksums verified by tshark (run it with
-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE).  Standard library
only.  Exit 0 when all match, 1 with one line per mismatch otherwise.
"""
import ipaddress
import json
import sys


class Multi(list):
    """A key tshark repeated in one object (several records, locators)."""


def pairs_hook(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            if not isinstance(d[k], Multi):
                d[k] = Multi([d[k]])
            d[k].append(v)
        else:
            d[k] = v
    return d


def as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, Multi) else [x]


class Checker:
    def __init__(self):
        self.errors = []
        self.checked = 0
        self.where = ""

    def eq(self, what, got, want):
        self.checked += 1
        if got != want:
            self.errors.append("%s: %s: tshark says %r, we encoded %r"
                               % (self.where, what, got, want))

    def flag(self, what, node, key, want):
        self.eq(what, node.get(key) == "1", bool(want))


def norm_ip(s):
    return str(ipaddress.ip_address(s)) if s else ""


def find_addr(node, prefix, label):
    """Address and IID of a field: either plain (<prefix>.ipv4 / _ipv6)
    or wrapped in an Instance-ID LCAF under a '<label>: ...' subtree."""
    for k in (prefix + ".ipv4", prefix + ".ipv6", prefix + "_ipv4",
              prefix + "_ipv6"):
        if k in node:
            return {"addr": norm_ip(node[k])}
    for k, v in node.items():
        if k.startswith(label + ":") and isinstance(v, dict):
            lcaf = v.get("lisp.lcaf", {})
            a = lcaf.get("lisp.lcaf.iid.ipv4") or lcaf.get(
                "lisp.lcaf.iid.ipv6") or ""
            return {"addr": norm_ip(a), "iid": int(lcaf["lisp.lcaf.iid"])}
    return {"addr": ""}


def want_addr(a):
    d = {"addr": norm_ip(a["addr"])}
    if "iid" in a:
        d["iid"] = a["iid"]
    return d


def check_record(c, m, r):
    c.eq("record ttl", int(m["lisp.mapping.ttl"]), r["ttl"])
    c.eq("record mask-len", int(m["lisp.mapping.eid.masklen"]), r["plen"])
    c.eq("record action", int(m["lisp.mapping.act"]), r["action"])
    c.flag("record A", m, "lisp.mapping.auth", r["auth"])
    c.eq("record map-version", int(m["lisp.mapping.ver"]), r["version"])
    c.eq("record EID", find_addr(m, "lisp.mapping.eid", "EID Prefix"),
         want_addr(r["eid"]))
    locs = as_list(m.get("lisp.loc"))
    c.eq("locator count", int(m["lisp.mapping.loccnt"]), len(r["locators"]))
    c.eq("locators decoded", len(locs), len(r["locators"]))
    for t, w in zip(locs, r["locators"]):
        c.eq("priority", int(t["lisp.loc.priority"]), w["priority"])
        c.eq("weight", int(t["lisp.loc.weight"]), w["weight"])
        c.eq("M priority", int(t["lisp.loc.multicast_priority"]),
             w["mpriority"])
        c.eq("M weight", int(t["lisp.loc.multicast_weight"]), w["mweight"])
        ft = t["lisp.loc.flags_tree"]
        c.flag("locator L", ft, "lisp.loc.flags.local", w["L"])
        c.flag("locator p", ft, "lisp.loc.flags.probe", w["p"])
        c.flag("locator R", ft, "lisp.loc.flags.reach", w["R"])
        c.eq("RLOC", norm_ip(t["lisp.loc.locator"]), norm_ip(w["rloc"]))


def check_records(c, node, recs):
    maps = as_list(node.get("lisp.mapping"))
    c.eq("records decoded", len(maps), len(recs))
    for m, r in zip(maps, recs):
        check_record(c, m, r)


def check_mreq(c, l, e):
    c.eq("type", l["lisp.type"], "1")
    ft = l["lisp.mreq.flags_tree"]
    f = e["flags"]
    c.flag("A", ft, "lisp.mreq.flags.auth", f["A"])
    c.flag("M", ft, "lisp.mreq.flags.mrp", f["M"])
    c.flag("P", ft, "lisp.mreq.flags.probe", f["P"])
    c.flag("S", ft, "lisp.mreq.flags.smr", f["S"])
    c.flag("p", ft, "lisp.mreq.flags.pitr", f["p"])
    c.flag("s", ft, "lisp.mreq.flags.smri", f["s"])
    # tshark 4.0 has no names for L and D (RFC 9301 §5.2); they are in its
    # "reserved" field, mask 0x3fe0 of the 24 bits after Type, shown >> 5.
    res = int(l["lisp.mreq.res"], 16)
    c.eq("L (in tshark's reserved bits)", bool(res & 0x2), f["L"])
    c.eq("D (in tshark's reserved bits)", bool(res & 0x1), f["D"])
    # RFC 9437 §4: I is bit 11, the second R of RFC 9301 §5.2: 0x80 here.
    c.eq("I (in tshark's reserved bits)", bool(res & 0x80), f["I"])
    c.eq("other reserved bits", res & ~0x83, 0)
    c.eq("IRC", int(l["lisp.irc"]), e["irc"])
    c.eq("nonce", l["lisp.nonce"], "0x" + e["nonce"])
    c.eq("record count", int(l["lisp.records"]), len(e["eids"]))
    c.eq("source EID", find_addr(l, "lisp.mreq.srceid", "Source EID"),
         want_addr(e["source_eid"]))
    itrs = as_list(l.get("lisp.mreq.itr_rloc"))
    c.eq("ITR-RLOCs", [norm_ip(find_addr(i, "lisp.mreq.itr_rloc", "-")
                               ["addr"]) for i in itrs],
         [norm_ip(a) for a in e["itr_rlocs"]])
    recs = as_list(l.get("lisp.mreq.record"))
    c.eq("EID records decoded", len(recs), len(e["eids"]))
    for t, w in zip(recs, e["eids"]):
        c.eq("EID mask-len", int(t["lisp.mreq.record.prefix.length"]),
             w["plen"])
        # RFC 9437 §4: N is the top bit of the record's Reserved byte
        rr = int(t["lisp.mreq.record.res"], 16)
        c.eq("record N (tshark's Reserved & 0x80)", bool(rr & 0x80),
             w["N"])
        c.eq("record reserved bits", rr & 0x7f, 0)
        c.eq("EID prefix", find_addr(t, "lisp.mreq.record.prefix", "Prefix"),
             want_addr(w["eid"]))
    mr = l.get("lisp.mrep.record")
    c.eq("Map-Reply record present", mr is not None, bool(e["records"]))
    if mr is not None and e["records"]:
        check_records(c, mr, e["records"])


def check_auth(c, l, e):
    c.eq("nonce", l["lisp.nonce"], "0x" + e["nonce"])
    c.eq("key-id (16-bit, RFC 6833 view)", int(l["lisp.keyid"], 16),
         e["key_id16"])
    c.eq("auth data length", int(l["lisp.authlen"]), e["auth_len"])
    c.eq("auth data", l.get("lisp.auth", "").replace(":", ""), e["auth"])


def check_control(c, layers, e):
    lisp = as_list(layers.get("lisp"))
    if not lisp:
        c.eq("lisp layer present", False, True)
        return
    l = lisp[0]
    c.eq("type", int(l["lisp.type"]), e["type"])
    t = e["type"]
    f = e.get("flags", {})
    if t == 1:
        check_mreq(c, l, e)
        # tshark 4.0 does not dissect RFC 9437's xTR-ID and Site-ID after
        # the records: they are undissected "data" inside its LISP layer
        data = l.get("data", {}).get("data.data", "").replace(":", "")
        c.eq("xTR-ID + Site-ID (trailing data)", data,
             e.get("xtr_id", "") + e.get("site_id", ""))
    elif t == 2:
        c.flag("P", l, "lisp.mrep.flags.probe", f["P"])
        c.flag("E", l, "lisp.mrep.flags.enlr", f["E"])
        c.flag("S", l, "lisp.mrep.flags.sec", f["S"])
        c.eq("nonce", l["lisp.nonce"], "0x" + e["nonce"])
        c.eq("record count", int(l["lisp.records"]), len(e["records"]))
        check_records(c, l, e["records"])
    elif t == 3:
        c.flag("P", l, "lisp.mreg.flags.pmr", f["P"])
        c.flag("S", l, "lisp.mreg.flags.sec", f["S"])
        c.flag("I", l, "lisp.mreg.flags.xtrid", f["I"])
        c.flag("M", l, "lisp.mreg.flags.wmn", f["M"])
        # T, a, m (RFC 9301 §5.6 bits 20-22) are unnamed "reserved" bits in
        # tshark 4.0: mask 0xfffe of the 24 bits after Type, shown >> 1.
        res = int(l["lisp.mreg.res"], 16) << 1
        c.eq("T (in tshark's reserved bits)", bool(res & 0x8), f["T"])
        c.eq("a (in tshark's reserved bits)", bool(res & 0x4), f["a"])
        c.eq("m (in tshark's reserved bits)", bool(res & 0x2), f["m"])
        c.eq("other reserved bits", res & ~0xe, 0)
        c.flag("R (RTR, not ours)", l, "lisp.mreg.flags.rtr", False)
        check_auth(c, l, e)
        c.eq("record count", int(l["lisp.records"]), len(e["records"]))
        check_records(c, l, e["records"])
        if f["I"]:
            c.eq("xTR-ID", l.get("lisp.xtrid", "").replace(":", ""),
                 e["xtr_id"])
            c.eq("site-ID", l.get("lisp.siteid", "").replace(":", ""),
                 e["site_id"])
    elif t == 4:
        c.flag("I", l, "lisp.mnot.flags.xtrid", f["I"])
        check_auth(c, l, e)
        c.eq("record count", int(l["lisp.records"]), len(e["records"]))
        check_records(c, l, e["records"])
    elif t == 5:
        # Wireshark 4.0 does not dissect Map-Notify-Ack (RFC 9301 §5.7,
        # type 5): only the type can be compared.
        pass
    elif t == 8:
        c.flag("ECM S", l, "lisp.ecm.flags.sec", f["S"])
        c.flag("ECM D", l, "lisp.ecm.flags.ddt", f["D"])
        res = int(l["lisp.ecm.res"], 16)
        c.eq("ECM R (in tshark's reserved bits)", bool(res & 0x2000000),
             f["R"])
        c.eq("ECM N (in tshark's reserved bits)", bool(res & 0x1000000),
             f["N"])
        inner_ip = as_list(layers.get("ip"))[1:] or as_list(
            layers.get("ipv6"))
        c.eq("inner IP header decoded", len(inner_ip), 1)
        if inner_ip:
            ip = inner_ip[0]
            if "ip.src" in ip:
                c.eq("inner src", norm_ip(ip["ip.src"]), norm_ip(
                    e["inner_src"]))
                c.eq("inner dst", norm_ip(ip["ip.dst"]), norm_ip(
                    e["inner_dst"]))
                c.eq("inner IPv4 checksum status",
                     ip.get("ip.checksum.status"), "1")
            else:
                c.eq("inner src", norm_ip(ip["ipv6.src"]), norm_ip(
                    e["inner_src"]))
                c.eq("inner dst", norm_ip(ip["ipv6.dst"]), norm_ip(
                    e["inner_dst"]))
        udp = as_list(layers.get("udp"))
        c.eq("inner UDP decoded", len(udp), 2)
        if len(udp) == 2:
            u = udp[1]
            c.eq("inner sport", int(u["udp.srcport"]), e["inner_sport"])
            c.eq("inner dport", int(u["udp.dstport"]), e["inner_dport"])
            c.eq("inner UDP checksum status", u.get("udp.checksum.status"),
                 "1")
        c.eq("inner LISP decoded", len(lisp), 2)
        if len(lisp) == 2:
            check_mreq(c, lisp[1], e["inner"])


def check_data(c, layers, e):
    d = layers.get("lisp-data")
    if d is None:
        c.eq("lisp-data layer present", False, True)
        return
    ft = d["lisp-data.flags_tree"]
    f = e["flags"]
    c.flag("N", ft, "lisp-data.flags.nonce", f["N"])
    c.flag("L", ft, "lisp-data.flags.lsb", f["L"])
    c.flag("E", ft, "lisp-data.flags.enr", f["E"])
    c.flag("V", ft, "lisp-data.flags.mv", f["V"])
    c.flag("I", ft, "lisp-data.flags.iid", f["I"])
    if f["N"]:
        c.eq("nonce", int(d["lisp-data.nonce"]), e["nonce"])
    if f["V"]:
        mv = d["lisp-data.mapver_tree"]
        c.eq("source map-version", int(mv["lisp-data.srcmapver"]),
             e["src_version"])
        c.eq("dest map-version", int(mv["lisp-data.dstmapver"]),
             e["dst_version"])
    if f["I"]:
        c.eq("instance-ID", int(d["lisp-data.iid"]), e["iid"])
        if f["L"]:
            c.eq("LSBs (8)", int(d["lisp-data.lsb8"], 16), e["lsb"])
    elif f["L"]:
        c.eq("LSBs (32)", int(d["lisp-data.lsb"], 16), e["lsb"])


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: check_tshark.py TSHARK.json EXPECT.json\n")
        return 2
    with open(sys.argv[1]) as f:
        pkts = json.load(f, object_pairs_hook=pairs_hook)
    with open(sys.argv[2]) as f:
        want = json.load(f)
    c = Checker()
    c.where = "capture"
    c.eq("packet count", len(pkts), len(want))
    for i, (p, e) in enumerate(zip(pkts, want)):
        c.where = "packet %d (%s)" % (i + 1, e["name"])
        layers = p["_source"]["layers"]
        udp = as_list(layers.get("udp"))[0]
        c.eq("outer UDP dport", int(udp["udp.dstport"]), e["port"])
        if e["port"] == 4341:
            check_data(c, layers, e)
        else:
            check_control(c, layers, e)
    for err in c.errors:
        print("MISMATCH " + err)
    print("check_tshark: %d packets, %d fields compared, %d mismatches"
          % (len(want), c.checked, len(c.errors)))
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main())
