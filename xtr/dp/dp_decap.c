/*
 * dp_decap.c: the ETR (RFC 9300 §5): LISP data on UDP 4341 is read in
 * batches (recvmmsg), its header checked (§5.3), the locator-status-bits
 * applied to the map-cache entry of the inner source (§10), and the inner
 * packet delivered into the site through the TUN when its destination is
 * served here.  A destination that has moved away is re-encapsulated to
 * its new RLOCs (dp_away.c) instead of being dropped.
 */
#include <errno.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>

#ifndef UDP_GRO
#define UDP_GRO		104
#endif

#include "dp_int.h"
#include "mono.h"
#include "xtr/xtrd.h"

bool
dp_is_local(struct dp *d, const struct ipaddr *dst)
{
	if (d->up.is_local_eid(d->up.ctx, dst))
		return true;
	return d->c->pxtr;	/* PETR role: deliver whatever arrives */
}

/* RFC 9300 §10: bit i of the LSBs is the status of the i-th locator of the
 * sender's mapping.  Believed only from one of that mapping's RLOCs, and
 * even then only as a reason to ask: anyone can write an RLOC as a
 * packet's outer source (issue 15 finding 4), so a bit that differs from
 * the map-cache makes the control plane RLOC-probe that locator
 * (rloc_probe.c), whose answer, or silence, sets the status. */
static void
lsb_apply(struct dp *d, const struct dp_pkt *pp, const struct ipaddr *outer_src,
    uint32_t lsb, unsigned nbits)
{
	const struct mc_entry	*e;
	struct ipprefix		 eid;
	struct ipaddr		 rloc;
	bool			 from_rloc = false, up;
	unsigned		 i;

	e = mc_lookup(d->x->mc, 0, &pp->src, d->now_ms);
	if (e == NULL || e->negative)
		return;
	for (i = 0; i < e->nrloc; i++)
		if (ipaddr_cmp(&e->rloc[i].addr, outer_src) == 0)
			from_rloc = true;
	if (!from_rloc)
		return;
	eid = e->eid;
	for (i = 0; i < e->nrloc && i < nbits; i++) {
		up = (lsb >> i & 1) != 0;
		if (e->rloc[i].up == up)
			continue;
		DPC(d, lsb_probe);
		rloc = e->rloc[i].addr;
		(void)d->up.probe_lsb(d->up.ctx, &eid, &rloc, up);
	}
}

/*
 * A packet for an EID not served here (yet): most often a guest arriving
 * here, its old site already redirecting to us (dp_away.c).  Ask for the
 * sender's mapping now, so that the guest's first answers find it in the
 * map-cache instead of waiting in the miss queue for a Map-Reply.
 * itr_resolve() limits this to one Map-Request per EID per rate_limit.
 */
static void
prefetch_src(struct dp *d, const struct dp_pkt *pp)
{
	struct ipprefix	key;

	if (!dp_unicast(&pp->src) ||
	    d->up.is_local_eid(d->up.ctx, &pp->src) ||
	    mc_lookup(d->x->mc, 0, &pp->src, d->now_ms) != NULL)
		return;
	ipprefix_host(&pp->src, &key);
	d->up.resolve(d->up.ctx, &key);
}

/*
 * Who may hand us a packet (issue 15 finding 5: decapsulation checked the
 * outer source against nothing, and anyone on the underlay could inject
 * datagrams into a site with any inner source).  RFC 9300 leaves it to
 * the ETR; we accept a packet only from
 *  - an RLOC of its inner source's mapping (the map-cache; on a miss the
 *    packet waits in the miss queue while the mapping is resolved,
 *    dp_queue_verify, and is checked again when it comes; so does a
 *    packet from an RLOC the cached mapping does not list, since the
 *    cache may be what is wrong: a guest that just moved sends from its
 *    new site before our mapping of it is updated, and its first
 *    packets must not be lost for that);
 *  - a configured proxy-ITR (proxy_itrs: it encapsulates for non-LISP
 *    sources, whose mappings are negative);
 *  - a configured peer (decap_peers: the other Dom0s, whose away
 *    entries redirect packets of any source to us after a move).
 * `decap_check = "off"` turns this off.
 */
enum src_verdict { SRC_OK, SRC_WAIT, SRC_STALE, SRC_BAD };

static bool
in_prefixes(const struct ipprefix *p, int n, const struct ipaddr *a)
{
	int	i;

	for (i = 0; i < n; i++)
		if (ipprefix_contains_addr(&p[i], a))
			return true;
	return false;
}

static enum src_verdict
src_check(struct dp *d, const struct dp_pkt *pp, const struct ipaddr *outer,
    const char **why)
{
	const struct dp_conf	*c = d->c;
	const struct xtr_conf	*xc = d->x->conf;
	const struct mc_entry	*e;
	int			 i;

	if (!c->decap_check || in_prefixes(c->peer, c->npeer, outer))
		return SRC_OK;
	for (i = 0; i < xc->npxtr; i++)
		if (ipaddr_cmp(&xc->pxtr[i], outer) == 0)
			return SRC_OK;
	if (!dp_unicast(&pp->src)) {
		*why = "not a unicast source";
		return SRC_BAD;
	}
	if ((e = mc_lookup(d->x->mc, 0, &pp->src, d->now_ms)) == NULL) {
		if (!d->up.is_local_eid(d->up.ctx, &pp->src))
			return SRC_WAIT;
		*why = "its source is one of our EIDs";
		return SRC_BAD;
	}
	if (e->negative) {
		*why = "its source is no EID";
		return SRC_BAD;
	}
	for (i = 0; i < e->nrloc; i++)
		if (ipaddr_cmp(&e->rloc[i].addr, outer) == 0)
			return SRC_OK;
	*why = "not an RLOC of its source";
	return SRC_STALE;
}

/* After the outer source was checked (or while held, from_queue). */
static void
decap_inner(struct dp *d, uint8_t *in, const struct dp_pkt *pp,
    const struct ipaddr *src, const struct lisp_data_hdr *h, bool from_queue,
    uint64_t held_ms)
{
	struct dp_away		*aw;
	const char		*why = NULL;
	char			 a[IPADDR_STRLEN], b[IPADDR_STRLEN];

	/* the PxTR proxies (RFC 6832) only for the ITRs it is told to */
	if (d->c->pxtr && d->c->npxtr_allow > 0 &&
	    !in_prefixes(d->c->pxtr_allow, d->c->npxtr_allow, src) &&
	    !d->up.is_local_eid(d->up.ctx, &pp->dst) &&
	    dp_away_find(d, &pp->dst) == NULL) {
		dp_alert(d, DPC_drop_pxtr_acl,
		    "from %s to %s: not in pxtr_allow",
		    ipaddr_fmt(src, a, sizeof(a)), ipaddr_fmt(&pp->dst, b,
		    sizeof(b)));
		return;
	}
	switch (src_check(d, pp, src, &why)) {
	case SRC_OK:
		if (from_queue)
			DPC(d, src_verified);
		else if (dp_queue_behind(d, in, pp, src))
			return;		/* behind its source's release */
		break;
	case SRC_WAIT:
	case SRC_STALE:
		/* held again after a re-check that still fails: the mapping
		 * installed may be an answer sent before the guest's new site
		 * registered (the SMR's brings the new one) */
		if (!from_queue || d->now_ms - held_ms < DPQ_VERIFY_MS) {
			dp_queue_verify(d, in, pp->len, pp, src, held_ms);
			return;
		}
		if (why == NULL)
			why = "no mapping for its source";
		/* FALLTHROUGH */
	case SRC_BAD:
		dp_alert(d, DPC_drop_src_spoofed,
		    "from %s, inner source %s: %s", ipaddr_fmt(src, a,
		    sizeof(a)), ipaddr_fmt(&pp->src, b, sizeof(b)), why);
		return;
	}
	/* RFC 9300 §4.1: not on the public Internet (public_internet) */
	if (h != NULL && h->l && !d->c->public_internet)
		lsb_apply(d, pp, src, h->lsb, h->i ? 8 : 32);
	if ((aw = dp_away_find(d, &pp->dst)) != NULL) {
		dp_away_reencap(d, aw, in, pp->len, pp, src);
		return;
	}
	/* an EID arriving here (issue 18): held until it is added, and
	 * behind what it holds until that is released */
	if (dp_hold_input(d, in, pp, in_prefixes(d->c->peer,
	    d->c->npeer, src))) {
		prefetch_src(d, pp);
		return;
	}
	if (!dp_is_local(d, &pp->dst)) {
		prefetch_src(d, pp);
		dp_drop(d, DPC_drop_not_local, "%s from %s is not served here",
		    ipaddr_fmt(&pp->dst, a, sizeof(a)),
		    ipaddr_fmt(src, b, sizeof(b)));
		return;
	}
	dp_gro_deliver(d, in, pp);
}

void
dp_decap_verified(struct dp *d, uint8_t *pkt, size_t len,
    const struct dp_pkt *pp, const struct ipaddr *outer, uint64_t held_ms)
{
	(void)len;
	d->now_ms = mono_ms();
	decap_inner(d, pkt, pp, outer, NULL, true, held_ms);
}

static void
decap_one(struct dp *d, uint8_t *buf, size_t len, const struct ipaddr *src)
{
	struct lisp_data_hdr	 h;
	struct dp_pkt		 pp;
	enum lisp_err		 why = LERR_OK;
	uint8_t			*in;
	size_t			 inlen;
	char			 a[IPADDR_STRLEN];

	DPC(d, udp_rx);
	if (lisp_decode_data_hdr(buf, len, &h, &why) == -1) {
		dp_drop(d, DPC_drop_bad_hdr, "LISP header from %s: %s",
		    ipaddr_fmt(src, a, sizeof(a)), lisp_err_name(why));
		return;
	}
	/* RFC 9300 §5.3: the instance-ID must be ours (none means 0) */
	if ((h.i ? h.iid : 0) != (d->c->iid_set ? d->c->iid : 0)) {
		dp_drop(d, DPC_drop_iid, "instance-ID %u from %s", h.iid,
		    ipaddr_fmt(src, a, sizeof(a)));
		return;
	}
	in = buf + LISP_DATA_HDR_LEN;
	inlen = len - LISP_DATA_HDR_LEN;
	if (dp_pkt_parse(in, inlen, &pp) != DPP_OK) {
		dp_drop(d, DPC_drop_bad_inner, "inner packet from %s",
		    ipaddr_fmt(src, a, sizeof(a)));
		return;
	}
	decap_inner(d, in, &pp, src, &h, false, 0);
}

static size_t
gro_size(struct msghdr *mh)
{
	struct cmsghdr	*cm;
	int		 v;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(v))) {
			memcpy(&v, CMSG_DATA(cm), sizeof(v));
			return v > 0 ? (size_t)v : 0;
		}
	return 0;
}

void
dp_udp_input(struct dp *d, int fd)
{
	struct dp_bufs			*b = d->bufs;
	uint8_t			       (*buf)[DP_BUFSZ] = b->udp;
	struct mmsghdr			*m = b->m;
	struct iovec			*iov = b->iov;
	struct sockaddr_storage		*from = b->from;
	struct ipaddr			 src;
	uint16_t			 sport;
	size_t				 gso, off, len;
	int				 i, n, rounds;

	d->now_ms = mono_ms();
	for (rounds = 0; rounds < 8; rounds++) {
		for (i = 0; i < DP_BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = sizeof(buf[i]);
			memset(&m[i].msg_hdr, 0, sizeof(m[i].msg_hdr));
			m[i].msg_hdr.msg_name = &from[i];
			m[i].msg_hdr.msg_namelen = sizeof(from[i]);
			m[i].msg_hdr.msg_iov = &iov[i];
			m[i].msg_hdr.msg_iovlen = 1;
			m[i].msg_hdr.msg_control = b->ctl[i].b;
			m[i].msg_hdr.msg_controllen = sizeof(b->ctl[i].b);
		}
		n = recvmmsg(fd, m, DP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			if (n == -1 && errno != EAGAIN && errno != EINTR)
				log_warn("recvmmsg");
			break;
		}
		for (i = 0; i < n; i++) {
			if (ipaddr_from_sockaddr((struct sockaddr *)&from[i],
			    &src, &sport) == -1)
				continue;
			if (m[i].msg_hdr.msg_flags & MSG_TRUNC) {
				dp_drop(d, DPC_drop_bad_inner, "oversized "
				    "datagram");
				continue;
			}
			/* UDP GRO: datagrams of gso bytes, back to back */
			len = m[i].msg_len;
			gso = gro_size(&m[i].msg_hdr);
			if (gso == 0 || gso >= len) {
				decap_one(d, buf[i], len, &src);
				continue;
			}
			DPC(d, gro_rx);
			for (off = 0; off < len; off += gso)
				decap_one(d, buf[i] + off, len - off < gso ?
				    len - off : gso, &src);
		}
		dp_gro_flush(d);	/* before the buffers are reused */
		dp_tx_flush(d);		/* re-encapsulated (away) packets */
		if (n < DP_BATCH)
			break;
	}
}
