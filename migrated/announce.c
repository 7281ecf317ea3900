/* announce.c: ARP, RARP and neighbour-advertisement decoding, see announce.h. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "announce.h"
#include "csum.h"
#include "cursor.h"

#define ETHERTYPE_IPV4_	0x0800
#define ETHERTYPE_ARP_	0x0806
#define ETHERTYPE_RARP_	0x8035
#define ETHERTYPE_VLAN_	0x8100
#define ETHERTYPE_IPV6_	0x86dd

#define ARPHRD_ETHER_	1
#define ARPOP_REQUEST_	1
#define ARPOP_REPLY_	2
#define ARPOP_RREQUEST_	3	/* RFC 903: "request reverse" */

#define IPPROTO_ICMPV6_	58
#define ND_NEIGHBOR_ADVERT_	136
#define ND_OPT_TLLA	2

/* RFC 4861 §4.4: NA flags word; shift helpers, no bitfields. */
#define NA_FLAG_ROUTER(w)	(((w) >> 31) & 1)
#define NA_FLAG_SOLICITED(w)	(((w) >> 30) & 1)
#define NA_FLAG_OVERRIDE(w)	(((w) >> 29) & 1)

/* Refuse the frame with a reason (lisp/lisp_int.h's DROP is the codec's,
 * with an enum lisp_err). */
#define ANN_DROP(reason)	do { *why = (reason); return -1; } while (0)

const char *
ann_kind_name(enum ann_kind k)
{
	switch (k) {
	case ANN_FRAME:		return "frame";
	case ANN_GARP_REQUEST:	return "garp-request";
	case ANN_GARP_REPLY:	return "garp-reply";
	case ANN_RARP:		return "rarp";
	case ANN_UNSOL_NA:	return "unsolicited-na";
	}
	return "?";
}

static int
all_zero(const uint8_t *p, size_t n)
{
	while (n-- > 0)
		if (*p++ != 0)
			return 0;
	return 1;
}

/* RFC 826 / RFC 5227 §3 (ARP) and RFC 903 (RARP): same layout. */
static int
parse_arp(struct cur *c, uint16_t ethertype, struct announce *a,
    const char **why)
{
	uint16_t	htype, ptype, op;
	uint8_t		hlen, plen, sha[6], spa[4], tha[6], tpa[4];

	if (cur_get_u16(c, &htype) == -1 || cur_get_u16(c, &ptype) == -1 ||
	    cur_get_u8(c, &hlen) == -1 || cur_get_u8(c, &plen) == -1 ||
	    cur_get_u16(c, &op) == -1)
		ANN_DROP("arp_short");
	if (htype != ARPHRD_ETHER_ || ptype != ETHERTYPE_IPV4_ || hlen != 6 ||
	    plen != 4)
		ANN_DROP("arp_bad_header");
	if (cur_get_bytes(c, sha, 6) == -1 || cur_get_bytes(c, spa, 4) == -1 ||
	    cur_get_bytes(c, tha, 6) == -1 || cur_get_bytes(c, tpa, 4) == -1)
		ANN_DROP("arp_short");
	if (sha[0] & 1)
		ANN_DROP("arp_sha_multicast");
	memcpy(a->hw, sha, 6);
	a->has_hw = 1;

	if (ethertype == ETHERTYPE_RARP_) {
		/* RFC 903: opcode 3 asks "who am I"; QEMU's self-announce
		 * sets sender = target = its own MAC and no addresses. */
		if (op != ARPOP_RREQUEST_)
			ANN_DROP("rarp_bad_op");
		a->kind = ANN_RARP;
		return 0;
	}
	if (op != ARPOP_REQUEST_ && op != ARPOP_REPLY_)
		ANN_DROP("arp_bad_op");
	/* RFC 5227 §3: an announcement has sender IP == target IP.  A probe
	 * (sender IP 0) or an ordinary resolution is just a frame. */
	if (all_zero(spa, 4) || memcmp(spa, tpa, 4) != 0)
		return 0;
	a->kind = op == ARPOP_REQUEST_ ? ANN_GARP_REQUEST : ANN_GARP_REPLY;
	a->addr.af = AF_INET;
	memcpy(a->addr.a, spa, 4);
	return 0;
}

/* RFC 4443 §2.3: checksum over the IPv6 pseudo-header and the message. */
static int
icmp6_csum_ok(const uint8_t src[16], const uint8_t dst[16], struct cur msg)
{
	uint32_t	sum;

	sum = csum_pseudo(src, dst, 16, IPPROTO_ICMPV6_, (uint32_t)msg.len);
	return csum_fold(csum_add(sum, msg.p, msg.len)) == 0;
}

/* RFC 4861 §4.6: options; we want the target link-layer address. */
static int
parse_nd_options(struct cur *c, struct announce *a, const char **why)
{
	uint8_t		type, olen;
	struct cur	opt;

	while (cur_left(c) > 0) {
		if (cur_get_u8(c, &type) == -1 || cur_get_u8(c, &olen) == -1)
			ANN_DROP("nd_opt_short");
		/* §4.6: a length of 0 is invalid, the packet is discarded. */
		if (olen == 0)
			ANN_DROP("nd_opt_zero_len");
		if (cur_sub(c, (size_t)olen * 8 - 2, &opt) == -1)
			ANN_DROP("nd_opt_short");
		if (type != ND_OPT_TLLA)
			continue;
		if (olen != 1)
			ANN_DROP("nd_tlla_bad_len");
		if (cur_get_bytes(&opt, a->hw, 6) == -1)
			ANN_DROP("nd_opt_short");
		if (a->hw[0] & 1)
			ANN_DROP("nd_tlla_multicast");
		a->has_hw = 1;
	}
	return 0;
}

/* RFC 8200 §3 header, RFC 4861 §7.1.2 validation of a received NA. */
static int
parse_ipv6(struct cur *c, struct announce *a, const char **why)
{
	uint32_t	vtf, flags;
	uint16_t	plen;
	uint8_t		nh, hlim, src[16], dst[16], type, code, target[16];
	struct cur	pl, msg;

	if (cur_get_u32(c, &vtf) == -1 || cur_get_u16(c, &plen) == -1 ||
	    cur_get_u8(c, &nh) == -1 || cur_get_u8(c, &hlim) == -1 ||
	    cur_get_bytes(c, src, 16) == -1 || cur_get_bytes(c, dst, 16) == -1)
		ANN_DROP("ipv6_short");
	if ((vtf >> 28) != 6)
		ANN_DROP("ipv6_bad_version");
	if (cur_sub(c, plen, &pl) == -1)
		ANN_DROP("ipv6_short");
	if (nh != IPPROTO_ICMPV6_)
		return 0;
	msg = pl;
	if (cur_get_u8(&pl, &type) == -1 || cur_get_u8(&pl, &code) == -1 ||
	    cur_skip(&pl, 2) == -1)
		ANN_DROP("icmp6_short");
	if (type != ND_NEIGHBOR_ADVERT_)
		return 0;
	if (hlim != 255)
		ANN_DROP("na_hop_limit");
	if (code != 0)
		ANN_DROP("na_bad_code");
	if (cur_get_u32(&pl, &flags) == -1 ||
	    cur_get_bytes(&pl, target, 16) == -1)
		ANN_DROP("na_short");
	if (!icmp6_csum_ok(src, dst, msg))
		ANN_DROP("icmp6_bad_checksum");
	if (target[0] == 0xff)
		ANN_DROP("na_target_multicast");
	/* §7.1.2: to a multicast destination the S flag must be clear. */
	if (dst[0] == 0xff && NA_FLAG_SOLICITED(flags))
		ANN_DROP("na_solicited_multicast");
	if (parse_nd_options(&pl, a, why) == -1)
		return -1;
	if (NA_FLAG_SOLICITED(flags))
		return 0;
	a->kind = ANN_UNSOL_NA;
	a->addr.af = AF_INET6;
	memcpy(a->addr.a, target, 16);
	return 0;
}

int
announce_parse(const uint8_t *frame, size_t len, struct announce *a,
    const char **why)
{
	struct cur	c = cur_make(frame, len);
	uint16_t	et, tci;
	static const char *none = "";

	memset(a, 0, sizeof(*a));
	*why = none;
	if (cur_get_bytes(&c, a->eth_dst, 6) == -1 ||
	    cur_get_bytes(&c, a->eth_src, 6) == -1 ||
	    cur_get_u16(&c, &et) == -1)
		ANN_DROP("eth_short");
	if (a->eth_src[0] & 1)
		ANN_DROP("eth_src_multicast");
	if (et == ETHERTYPE_VLAN_) {
		if (cur_get_u16(&c, &tci) == -1 || cur_get_u16(&c, &et) == -1)
			ANN_DROP("vlan_short");
		a->vlan = tci & 0x0fff;
	}
	switch (et) {
	case ETHERTYPE_ARP_:
	case ETHERTYPE_RARP_:
		return parse_arp(&c, et, a, why);
	case ETHERTYPE_IPV6_:
		return parse_ipv6(&c, a, why);
	default:
		return 0;
	}
}
