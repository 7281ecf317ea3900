/*
 * dp_gso.c: TCP segmentation for TUN offloads, as wireguard-go does.  With
 * IFF_VNET_HDR and TUNSETOFFLOAD(TSO4 | TSO6 | CSUM) the kernel hands the
 * ITR one TCP super-packet of up to 64 KB (virtio_net_hdr: gso_type,
 * gso_size, csum_start, csum_offset) instead of ~45 MTU-sized packets; it
 * is looked up once and cut here into the segments the kernel would have
 * made (RFC 9293 §3.1 headers; IPv4 ID incremented, RFC 6864), each with
 * full checksums, straight into the buffer that goes out in one UDP GSO
 * send.  Packets with a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM) are
 * completed before they leave.
 */
#include <netinet/in.h>
#include <string.h>

#include "cursor.h"
#include "dp_int.h"

/* RFC 1071 sum of n bytes added to sum.  The ones' complement sum does
 * not depend on byte order (RFC 1071 §2(B)), so on a little-endian host
 * it runs over native 64-bit loads and is swapped once at the end. */
uint32_t
dp_csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t	s = 0, v, w;
	uint16_t	h;

	for (; n >= 16; p += 16, n -= 16) {
		memcpy(&v, p, 8);
		memcpy(&w, p + 8, 8);
		s += (v & 0xffffffff) + (v >> 32) + (w & 0xffffffff) +
		    (w >> 32);
	}
	for (; n >= 2; p += 2, n -= 2) {
		memcpy(&h, p, 2);
		s += h;
	}
	if (n)
		s += p[0];		/* the high byte of a big-endian word */
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = (s >> 8 | s << 8) & 0xffff;	/* to network order */
	s += sum;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
#else
	uint64_t	s = sum;
	size_t		i = 0;

	for (; i + 2 <= n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < n)
		s += (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
#endif
}

uint16_t
dp_csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Sum of the TCP/UDP pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1). */
static uint32_t
pseudo(const uint8_t *ip, int v6, uint8_t proto, size_t l4len)
{
	uint8_t	tail[8];

	memset(tail, 0, sizeof(tail));
	wr_be32(tail, (uint32_t)l4len);
	tail[7] = proto;
	if (v6)
		return dp_csum_add(dp_csum_add(0, ip + 8, 32), tail, 8);
	return dp_csum_add(dp_csum_add(0, ip + 12, 8), tail, 8);
}

int
dp_vnet_csum(uint8_t *pkt, size_t len, const struct dp_vnet *vh)
{
	size_t		start = vh->csum_start, off = start + vh->csum_offset;
	uint16_t	c;

	if (!(vh->flags & DP_VNET_NEEDS_CSUM))
		return 0;
	if (start >= len || off + 2 > len)
		return -1;
	/* the field holds the pseudo-header sum: sum over it, complement */
	c = dp_csum_fold(dp_csum_add(0, pkt + start, len - start));
	if (c == 0 && vh->csum_offset == 6)
		c = 0xffff;		/* UDP: 0 means "no checksum" */
	wr_be16(pkt + off, c);
	return 0;
}

int
dp_tso_prepare(const struct dp_vnet *vh, const uint8_t *pkt, size_t len,
    struct dp_tso *t)
{
	uint8_t	v = len ? pkt[0] >> 4 : 0;

	memset(t, 0, sizeof(*t));
	if (vh->gso_size == 0)
		return -1;
	if (v == 4 && (vh->gso_type & 0x7f) == DP_VNET_GSO_TCPV4 && len >= 20) {
		t->iphl = (size_t)(pkt[0] & 0xf) * 4;
		t->v6 = 0;
	} else if (v == 6 && (vh->gso_type & 0x7f) == DP_VNET_GSO_TCPV6 &&
	    len >= 40 && pkt[6] == IPPROTO_TCP) {
		t->iphl = 40;
		t->v6 = 1;
	} else
		return -1;
	if (t->iphl < 20 || t->iphl + 20 > len)
		return -1;
	if (!t->v6 && pkt[9] != IPPROTO_TCP)
		return -1;
	t->hl = t->iphl + (size_t)(pkt[t->iphl + 12] >> 4) * 4;
	if (t->hl < t->iphl + 20 || t->hl > len)
		return -1;
	t->mss = vh->gso_size;
	t->payload = len - t->hl;
	t->nseg = t->payload == 0 ? 1 : (t->payload + t->mss - 1) / t->mss;
	return 0;
}

/* Build segment i of the super-packet at out; returns its length. */
size_t
dp_tso_segment(const struct dp_tso *t, const uint8_t *pkt, size_t i,
    uint8_t *out)
{
	size_t		off = i * t->mss;
	size_t		plen = t->payload - off < t->mss ? t->payload - off :
			    t->mss;
	uint8_t		*tcp = out + t->iphl;
	uint8_t		flags;
	uint32_t	s;

	memcpy(out, pkt, t->hl);
	memcpy(out + t->hl, pkt + t->hl + off, plen);
	if (t->v6)
		wr_be16(out + 4, (uint16_t)(t->hl - 40 + plen));
	else {
		wr_be16(out + 2, (uint16_t)(t->hl + plen));
		wr_be16(out + 4, (uint16_t)(rd_be16(pkt + 4) + i));
		wr_be16(out + 10, 0);
		wr_be16(out + 10, dp_csum_fold(dp_csum_add(0, out, t->iphl)));
	}
	wr_be32(tcp + 4, rd_be32(pkt + t->iphl + 4) + (uint32_t)off);
	flags = tcp[13];
	if (i + 1 < t->nseg)
		flags &= (uint8_t)~0x09;	/* FIN, PSH: last segment only */
	if (i > 0)
		flags &= (uint8_t)~0x80;	/* CWR: first segment only */
	tcp[13] = flags;
	wr_be16(tcp + 16, 0);
	s = pseudo(out, t->v6, IPPROTO_TCP, t->hl - t->iphl + plen);
	wr_be16(tcp + 16, dp_csum_fold(dp_csum_add(s, tcp,
	    t->hl - t->iphl + plen)));
	return t->hl + plen;
}
