/*
 * dp_pkt.c: the inner IPv4/IPv6 packet an ITR reads from the TUN or an
 * ETR finds after the LISP header (RFC 9300 §5.1): version, lengths,
 * addresses, and the 5-tuple for the flow hash (RFC 9300 §5.4: one flow
 * stays on one RLOC).  Every field is read after a length check; the
 * buffer is never cast to a header struct.
 */
#include <netinet/in.h>
#include <string.h>

#include "cursor.h"
#include "dp_int.h"

static uint32_t
mix(uint32_t h, uint32_t v)
{
	h ^= v;
	h *= 0x01000193u;	/* FNV-1a prime, word at a time */
	return h ^ (h >> 15);
}

static uint32_t
flow_hash(const struct dp_pkt *p)
{
	uint32_t	h = 0x811c9dc5u;
	size_t		n = ipaddr_len(p->src.af), i;

	for (i = 0; i < n; i += 4) {
		h = mix(h, rd_be32(p->src.a + i));
		h = mix(h, rd_be32(p->dst.a + i));
	}
	h = mix(h, (uint32_t)p->proto << 16);
	h = mix(h, (uint32_t)p->sport << 16 | p->dport);
	return h;
}

static void
ports(struct dp_pkt *p, const uint8_t *b, size_t off, size_t len)
{
	/* TCP, UDP, UDP-Lite, SCTP, DCCP: ports are the first 4 bytes */
	if (p->frag || off + 4 > len)
		return;
	switch (p->proto) {
	case IPPROTO_TCP: case IPPROTO_UDP: case IPPROTO_UDPLITE:
	case IPPROTO_SCTP: case IPPROTO_DCCP:
		p->sport = rd_be16(b + off);
		p->dport = rd_be16(b + off + 2);
		break;
	}
}

int
dp_pkt_parse(const uint8_t *b, size_t len, struct dp_pkt *p)
{
	size_t	hl, tl;

	memset(p, 0, sizeof(*p));
	if (len < 1)
		return DPP_SHORT;
	switch (b[0] >> 4) {
	case 4:
		if (len < 20)
			return DPP_SHORT;
		hl = (size_t)(b[0] & 0x0f) * 4;		/* RFC 791: IHL */
		tl = rd_be16(b + 2);			/* Total Length */
		if (hl < 20 || hl > len)
			return DPP_HLEN;
		if (tl < hl || tl > len)
			return DPP_TOTLEN;
		p->src.af = p->dst.af = AF_INET;
		memcpy(p->src.a, b + 12, 4);
		memcpy(p->dst.a, b + 16, 4);
		p->proto = b[9];
		p->ttl = b[8];
		p->df = (b[6] & 0x40) != 0;
		/* MF set or a fragment offset: not the whole datagram */
		p->frag = (rd_be16(b + 6) & 0x3fff) != 0;
		p->hlen = hl;
		p->len = tl;
		break;
	case 6:
		if (len < 40)
			return DPP_SHORT;
		tl = 40 + (size_t)rd_be16(b + 4);	/* RFC 8200: Payload Len */
		if (tl > len)
			return DPP_TOTLEN;
		p->src.af = p->dst.af = AF_INET6;
		memcpy(p->src.a, b + 8, 16);
		memcpy(p->dst.a, b + 24, 16);
		p->proto = b[6];
		p->ttl = b[7];
		p->df = true;
		p->frag = p->proto == IPPROTO_FRAGMENT;
		p->hlen = 40;
		p->len = tl;
		break;
	default:
		return DPP_VERSION;
	}
	ports(p, b, p->hlen, p->len);
	p->hash = flow_hash(p);
	return DPP_OK;
}
