/*
 * dp_gro.c: the ETR's half of the offloads (wireguard-go's tcpGRO): the
 * TCP segments of one flow decapsulated from one receive batch are joined
 * back into one super-packet and written into the TUN once, with a
 * virtio_net_hdr asking the kernel to segment again only if it must
 * (VIRTIO_NET_HDR_GSO_TCPV4/6, checksum left partial).  A segment joins a
 * flow only if its checksum is right, its headers equal the flow's except
 * sequence number and checksum (and IPv4 length, ID and header checksum),
 * it continues the sequence, carries only ACK (PSH closes the flow), and
 * the segments before it were full.  Everything else is written as it
 * came.  UDP datagrams of one flow are joined likewise, all of the first
 * one's size but the last (VIRTIO_NET_HDR_GSO_UDP_L4, as the kernel's own
 * UDP GRO makes them).  dp_gro_flush() ends every flow (end of a batch).
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/uio.h>

#include "csum.h"
#include "cursor.h"
#include "dp_int.h"

static uint32_t
pseudo_sum(const uint8_t *ip, int v6, size_t l4len, uint8_t proto)
{
	if (v6)
		return csum_pseudo(ip + 8, ip + 24, 16, proto, (uint32_t)l4len);
	return csum_pseudo(ip + 12, ip + 16, 4, proto, (uint32_t)l4len);
}

static void
put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);		/* virtio_net_hdr: host order */
}

static void
slot_write(struct dp *d, struct dp_gro *g)
{
	uint8_t		 vh[DP_VNET_LEN];
	uint8_t		*ip = g->buf;
	struct iovec	 iov[2] = { { vh, sizeof(vh) }, { g->buf, g->len } };

	if (g->nseg == 1) {
		dp_tun_write(d, g->buf, g->len);	/* as it came */
		g->used = false;
		return;
	}
	if (g->v6)
		wr_be16(ip + 4, (uint16_t)(g->len - 40));
	else {
		wr_be16(ip + 2, (uint16_t)g->len);
		wr_be16(ip + 10, 0);
		wr_be16(ip + 10, csum_fold(csum_add(0, ip, g->iphl)));
	}
	if (g->proto == IPPROTO_UDP)		/* RFC 768: length */
		wr_be16(ip + g->iphl + 4, (uint16_t)(g->len - g->iphl));
	/* partial checksum: the pseudo-header sum, folded, not inverted */
	wr_be16(ip + g->iphl + (g->proto == IPPROTO_UDP ? 6 : 16),
	    (uint16_t)~csum_fold(pseudo_sum(ip, g->v6, g->len - g->iphl,
	    g->proto)));
	memset(vh, 0, sizeof(vh));
	vh[0] = DP_VNET_NEEDS_CSUM;
	if (g->proto == IPPROTO_UDP)
		vh[1] = DP_VNET_GSO_UDP_L4;
	else
		vh[1] = g->v6 ? DP_VNET_GSO_TCPV6 : DP_VNET_GSO_TCPV4;
	put16(vh + 2, (uint16_t)g->hl);
	put16(vh + 4, (uint16_t)g->mss);
	put16(vh + 6, (uint16_t)g->iphl);
	put16(vh + 8, g->proto == IPPROTO_UDP ? 6 : 16);
	if (dp_tun_writev(d, iov, 2) == -1)
		dp_drop(d, DPC_drop_tun_write, "TUN write (GRO, %d segments)",
		    g->nseg);
	else {
		DPC_ADD(d, decap_tx, (uint64_t)g->nseg);
		DPC_ADD(d, decap_tx_bytes, g->len);
		DPC(d, gro_tx);
	}
	g->used = false;
}

void
dp_gro_flush(struct dp *d)
{
	int	i;

	for (i = 0; i < DP_GRO_SLOTS; i++)
		if (d->gro.g[i].used)
			slot_write(d, &d->gro.g[i]);
}

/* Same flow and same headers but for the fields that change per
 * segment. */
static bool
same(const struct dp_gro *g, const uint8_t *p, size_t hl, size_t iphl)
{
	const uint8_t	*q = g->buf;

	if (hl != g->hl || iphl != g->iphl)
		return false;
	if (g->v6) {
		if (memcmp(p, q, 4) != 0 || memcmp(p + 6, q + 6, 34) != 0)
			return false;
	} else if (memcmp(p, q, 2) != 0 || memcmp(p + 6, q + 6, 4) != 0 ||
	    memcmp(p + 12, q + 12, iphl - 12) != 0)
		return false;
	/* TCP: ports, ack, offset, flags but PSH, window, urgent, options;
	 * not seq, csum */
	p += iphl;
	q += iphl;
	return memcmp(p, q, 4) == 0 && memcmp(p + 8, q + 8, 5) == 0 &&
	    (p[13] & ~0x08) == (q[13] & ~0x08) &&
	    memcmp(p + 14, q + 14, 2) == 0 &&
	    memcmp(p + 18, q + 18, hl - iphl - 18) == 0;
}

static struct dp_gro *
find(struct dp *d, const uint8_t *p, const struct dp_pkt *pp)
{
	int	i;

	for (i = 0; i < DP_GRO_SLOTS; i++) {
		const struct dp_gro *g = &d->gro.g[i];

		if (g->used && g->v6 == (pp->src.af == AF_INET6) &&
		    g->proto == pp->proto &&
		    memcmp(p + pp->hlen, g->buf + g->iphl, 4) == 0 &&
		    memcmp(p + (g->v6 ? 8 : 12), g->buf + (g->v6 ? 8 : 12),
		    g->v6 ? 32 : 8) == 0)
			return &d->gro.g[i];
	}
	return NULL;
}

static void
start(struct dp *d, const uint8_t *p, const struct dp_pkt *pp, size_t hl,
    size_t plen, uint8_t flags)
{
	struct dp_gro	*g = &d->gro.g[d->gro.next];

	d->gro.next = (d->gro.next + 1) % DP_GRO_SLOTS;
	if (g->used)
		slot_write(d, g);
	g->used = true;
	g->proto = pp->proto;
	g->v6 = pp->src.af == AF_INET6;
	g->iphl = pp->hlen;
	g->hl = hl;
	g->mss = plen;
	g->nseg = 1;
	g->len = pp->len;
	g->closed = (flags & 0x08) != 0;
	if (pp->proto == IPPROTO_TCP)
		g->next_seq = rd_be32(p + pp->hlen + 4) + (uint32_t)plen;
	memcpy(g->buf, p, pp->len);
}

/* Same IP header but for length, ID and checksum. */
static bool
same_ip(const struct dp_gro *g, const uint8_t *p, size_t iphl)
{
	const uint8_t	*q = g->buf;

	if (iphl != g->iphl)
		return false;
	if (g->v6)
		return memcmp(p, q, 4) == 0 && memcmp(p + 6, q + 6, 34) == 0;
	return memcmp(p, q, 2) == 0 && memcmp(p + 6, q + 6, 4) == 0 &&
	    memcmp(p + 12, q + 12, iphl - 12) == 0;
}

/* UDP datagrams of one flow, all of the first one's size but the last
 * (GSO_UDP_L4 writes, as the kernel's UDP GRO makes them). */
static void
deliver_udp(struct dp *d, const uint8_t *p, const struct dp_pkt *pp)
{
	struct dp_gro	*g = find(d, p, pp);
	size_t		 hl = pp->hlen + 8, plen;
	uint16_t	 ck;

	ck = rd_be16(p + pp->hlen + 6);
	if (hl >= pp->len || rd_be16(p + pp->hlen + 4) != pp->len - pp->hlen ||
	    (ck == 0 && pp->src.af == AF_INET6) || (ck != 0 &&
	    csum_fold(csum_add(pseudo_sum(p, pp->src.af == AF_INET6,
	    pp->len - pp->hlen, IPPROTO_UDP), p + pp->hlen,
	    pp->len - pp->hlen)) != 0)) {
		if (g != NULL)
			slot_write(d, g);
		dp_tun_write(d, p, pp->len);
		return;
	}
	plen = pp->len - hl;
	if (g != NULL && !g->closed && plen <= g->mss && g->nseg < 64 &&
	    g->len + plen <= DP_GRO_MAX && same_ip(g, p, pp->hlen)) {
		memcpy(g->buf + g->len, p + hl, plen);
		g->len += plen;
		g->nseg++;
		if (plen < g->mss)
			g->closed = true;
		return;
	}
	if (g != NULL)
		slot_write(d, g);
	start(d, p, pp, hl, plen, 0);
}

/* Deliver one decapsulated packet into the TUN, joining TCP and UDP
 * flows. */
void
dp_gro_deliver(struct dp *d, const uint8_t *p, const struct dp_pkt *pp)
{
	struct dp_gro	*g;
	size_t		 hl, plen;
	uint8_t		 flags;

	if (d->vnet && pp->proto == IPPROTO_UDP && !pp->frag &&
	    pp->hlen + 8 <= pp->len) {
		deliver_udp(d, p, pp);
		return;
	}
	if (!d->vnet || pp->proto != IPPROTO_TCP || pp->frag ||
	    pp->hlen + 20 > pp->len) {
		dp_tun_write(d, p, pp->len);
		return;
	}
	hl = pp->hlen + (size_t)(p[pp->hlen + 12] >> 4) * 4;
	flags = p[pp->hlen + 13];
	g = find(d, p, pp);
	/* only ACK (and PSH), payload, a right checksum */
	if (hl < pp->hlen + 20 || hl >= pp->len || (flags & ~0x08) != 0x10 ||
	    csum_fold(csum_add(pseudo_sum(p, pp->src.af == AF_INET6,
	    pp->len - pp->hlen, IPPROTO_TCP), p + pp->hlen,
	    pp->len - pp->hlen)) != 0) {
		if (g != NULL)
			slot_write(d, g);	/* keep the flow's order */
		dp_tun_write(d, p, pp->len);
		return;
	}
	plen = pp->len - hl;
	if (g != NULL && !g->closed && plen <= g->mss &&
	    rd_be32(p + pp->hlen + 4) == g->next_seq &&
	    g->len + plen <= DP_GRO_MAX && same(g, p, hl, pp->hlen)) {
		memcpy(g->buf + g->len, p + hl, plen);
		g->len += plen;
		g->nseg++;
		g->next_seq += (uint32_t)plen;
		if (flags & 0x08) {		/* PSH: the last one */
			g->buf[g->iphl + 13] |= 0x08;
			g->closed = true;
		}
		if (plen < g->mss)
			g->closed = true;
		return;
	}
	if (g != NULL)
		slot_write(d, g);
	start(d, p, pp, hl, plen, flags);
}
