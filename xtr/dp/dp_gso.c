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

#include "csum.h"
#include "cursor.h"
#include "dp_int.h"

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
	c = csum_fold(csum_add(0, pkt + start, len - start));
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
		wr_be16(out + 10, csum_fold(csum_add(0, out, t->iphl)));
	}
	wr_be32(tcp + 4, rd_be32(pkt + t->iphl + 4) + (uint32_t)off);
	flags = tcp[13];
	if (i + 1 < t->nseg)
		flags &= (uint8_t)~0x09;	/* FIN, PSH: last segment only */
	if (i > 0)
		flags &= (uint8_t)~0x80;	/* CWR: first segment only */
	tcp[13] = flags;
	wr_be16(tcp + 16, 0);
	s = csum_pseudo_ip(out, IPPROTO_TCP, (uint32_t)(t->hl - t->iphl + plen));
	wr_be16(tcp + 16, csum_fold(csum_add(s, tcp,
	    t->hl - t->iphl + plen)));
	return t->hl + plen;
}
