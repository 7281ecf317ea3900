/*
 * dp_pmtu.c: path MTU through the tunnel.  The TUN's MTU already leaves
 * room for the outer headers, so the kernel itself answers most too-big
 * packets (RFC 1191 / RFC 8201).  What still does not fit (an IPv6 RLOC
 * costs 20 bytes more than the TUN MTU allows for, or a packet redirected
 * by an away entry) gets the error here: ICMP "fragmentation needed"
 * (RFC 792, RFC 1191 §4) for IPv4 with DF, ICMPv6 Packet Too Big (RFC 4443
 * §3.2) for IPv6, written into the TUN towards the sender.  IPv4 without
 * DF is sent and the outer packet fragmented (RFC 9300 §7.1, stateless).
 */
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "csum.h"
#include "cursor.h"
#include "dp_int.h"
#include "xtr/xtrd.h"

#define ICMP4_MAX	576
#define ICMP6_MAX	1280

/* The address we answer from: the anycast gateway of the sender's subnet,
 * else any gateway or RLOC of the family. */
static void
our_addr(struct dp *d, const struct ipaddr *to, struct ipaddr *out)
{
	const struct dp_conf	*c = d->c;
	const struct ipaddr	*r;
	int			 i;

	for (i = 0; i < c->ngw; i++)
		if (c->gw[i].addr.af == to->af) {
			struct ipprefix net = c->gw[i];

			ipprefix_mask(&net);
			*out = c->gw[i].addr;
			if (ipprefix_contains_addr(&net, to))
				return;
		}
	if (out->af == to->af)
		return;
	if ((r = xtr_rloc(d->x, to->af)) != NULL)
		*out = *r;
	else
		*out = *to;
}

static bool
is_icmp_error(const uint8_t *pkt, const struct dp_pkt *pp)
{
	uint8_t	t;

	if (pp->frag || pp->hlen >= pp->len)
		return false;
	t = pkt[pp->hlen];
	if (pp->src.af == AF_INET && pp->proto == IPPROTO_ICMP)
		return t != 0 && t != 8;	/* not echo reply/request */
	if (pp->src.af == AF_INET6 && pp->proto == IPPROTO_ICMPV6)
		return t < 128;			/* RFC 4443 §2.1 */
	return false;
}

static void
too_big4(struct dp *d, const uint8_t *pkt, size_t len, const struct dp_pkt *pp,
    uint32_t mtu)
{
	uint8_t		out[ICMP4_MAX];
	struct ipaddr	src;
	size_t		quote = len, n;

	memset(&src, 0, sizeof(src));
	our_addr(d, &pp->src, &src);
	if (quote > sizeof(out) - 28)
		quote = sizeof(out) - 28;
	n = 28 + quote;
	memset(out, 0, 28);
	out[0] = 0x45;
	wr_be16(out + 2, (uint16_t)n);
	out[8] = 64;				/* TTL */
	out[9] = IPPROTO_ICMP;
	memcpy(out + 12, src.a, 4);
	memcpy(out + 16, pp->src.a, 4);
	wr_be16(out + 10, csum_fold(csum_add(0, out, 20)));
	out[20] = 3;				/* destination unreachable */
	out[21] = 4;				/* fragmentation needed, DF */
	wr_be16(out + 26, (uint16_t)mtu);	/* RFC 1191 §4: next-hop MTU */
	memcpy(out + 28, pkt, quote);
	wr_be16(out + 22, csum_fold(csum_add(0, out + 20, 8 + quote)));
	if (dp_tun_write(d, out, n) == 0)
		DPC(d, pmtu_icmp);
}

static void
too_big6(struct dp *d, const uint8_t *pkt, size_t len, const struct dp_pkt *pp,
    uint32_t mtu)
{
	uint8_t		out[ICMP6_MAX];
	struct ipaddr	src;
	size_t		quote = len, plen;
	uint32_t	s;

	memset(&src, 0, sizeof(src));
	our_addr(d, &pp->src, &src);
	if (quote > sizeof(out) - 48)
		quote = sizeof(out) - 48;
	plen = 8 + quote;
	memset(out, 0, 48);
	out[0] = 0x60;
	wr_be16(out + 4, (uint16_t)plen);
	out[6] = IPPROTO_ICMPV6;
	out[7] = 64;
	memcpy(out + 8, src.a, 16);
	memcpy(out + 24, pp->src.a, 16);
	out[40] = 2;				/* RFC 4443 §3.2: Packet Too Big */
	wr_be32(out + 44, mtu);
	memcpy(out + 48, pkt, quote);
	/* RFC 8200 §8.1: pseudo-header checksum */
	s = csum_pseudo_ip(out, IPPROTO_ICMPV6, (uint32_t)plen);
	s = csum_add(s, out + 40, plen);
	wr_be16(out + 42, csum_fold(s));
	if (dp_tun_write(d, out, 40 + plen) == 0)
		DPC(d, pmtu_icmp);
}

bool
dp_pmtu_check(struct dp *d, const uint8_t *pkt, size_t len,
    const struct dp_pkt *pp, int af)
{
	uint32_t	ovh = (af == AF_INET ? 20 : 40) + DP_UDP_OVH;
	uint32_t	mtu = d->c->underlay_mtu;

	if (len + ovh <= mtu)
		return true;
	if (pp->src.af == AF_INET && !pp->df) {
		DPC(d, pmtu_outer_frag);
		return true;
	}
	if (is_icmp_error(pkt, pp)) {
		dp_drop(d, DPC_drop_tx_error,
		    "ICMP error too big for the path");
		return false;
	}
	if (pp->src.af == AF_INET)
		too_big4(d, pkt, len, pp, mtu - ovh);
	else
		too_big6(d, pkt, len, pp, mtu - ovh);
	return false;
}
