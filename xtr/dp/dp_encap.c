/*
 * dp_encap.c: the ITR (RFC 9300 §5): a packet from the site is looked up
 * in the map-cache, and sent to the RLOC of best priority, then weight,
 * chosen per flow (mc_select_rloc), inside UDP 4341 and the LISP header
 * (§5.3: nonce, locator-status-bits, instance-ID when configured).  A
 * miss queues the packet and asks the mapping system (dp_queue.c).
 * Encapsulated packets go out in batches (sendmmsg), the inner packet
 * never copied: iov[0] is the 8-byte LISP header, iov[1] the packet.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103
#endif
#ifndef UDP_GRO
#define UDP_GRO		104
#endif

#include "dp_int.h"
#include "udpsock.h"
#include "xtr/xtrd.h"

int
dp_udp_open(struct dp *d, int af, const struct ipaddr *bind_to)
{
	int	fd, on = 1, off = 0, buf = 4 << 20;
	int	pmtu = IP_PMTUDISC_DONT;

	/* blocking: a full send buffer waits instead of dropping; reads
	 * use MSG_DONTWAIT */
	if ((fd = udpsock_open(af, bind_to, LISP_DATA_PORT, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	if (af == AF_INET6) {
		/* the outer packet may be fragmented at the source */
		setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu,
		    sizeof(pmtu));
		setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &off, sizeof(off));
	} else
		setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu,
		    sizeof(pmtu));
	/* RFC 9300 data arrives coalesced (one buffer per GSO batch) */
	if (d->c->offload)
		setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof(on));
	return fd;
}

static void
flush_one(struct dp *d, struct dp_txq *q, int fd)
{
	int	done = 0, r;

	while (done < q->n) {
		r = sendmmsg(fd, q->m + done, (unsigned)(q->n - done), 0);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			/* the first message failed: skip it, send the rest */
			dp_drop(d, DPC_drop_tx_error, "sendmmsg: %s",
			    strerror(errno));
			done++;
			continue;
		}
		done += r;
	}
	q->n = 0;
}

void
dp_tx_flush(struct dp *d)
{
	if (d->txq4.n > 0)
		flush_one(d, &d->txq4, d->udp4);
	if (d->txq6.n > 0)
		flush_one(d, &d->txq6, d->udp6);
}

uint32_t
dp_nonce(struct dp *d)
{
	uint32_t	x = d->rnd;	/* xorshift32: a nonce, not a secret */

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	d->rnd = x;
	return x & 0xffffff;
}

/*
 * RFC 9300 §5.3: N (nonce), L (our locator-status-bits), I (IID).
 * RFC 9300 §4.1: "on the public Internet, xTRs: MUST set the N-, L-, E-,
 * and V-bits in the LISP header (Section 5.1) to zero" and "MUST NOT use
 * Locator-Status-Bits and Echo-Nonce ... for RLOC reachability": with
 * public_internet = on the header carries the IID alone.  Off (the
 * default) between cooperating sites, as RFC 9301 §1.1 assumes:
 * docs/interop.md says why.
 */
static int
lisp_hdr(struct dp *d, uint8_t *out)
{
	struct lisp_data_hdr	h;

	memset(&h, 0, sizeof(h));
	if (d->c->public_internet) {
		if (d->c->iid_set) {
			h.i = true;
			h.iid = d->c->iid;
		}
		return lisp_encode_data_hdr(&h, out, LISP_DATA_HDR_LEN) < 0 ?
		    -1 : 0;
	}
	h.n = true;
	h.nonce = dp_nonce(d);
	h.l = true;
	if (d->c->iid_set) {			/* IID + 8 LSBs */
		h.i = true;
		h.iid = d->c->iid;
		h.lsb = d->lsb & 0xff;
	} else
		h.lsb = d->lsb;
	return lisp_encode_data_hdr(&h, out, LISP_DATA_HDR_LEN) < 0 ? -1 : 0;
}

int
dp_encap(struct dp *d, const struct ipaddr *rloc, const uint8_t *pkt,
    size_t len, const struct dp_pkt *pp)
{
	struct dp_txq		*q = rloc->af == AF_INET ? &d->txq4 :
				    &d->txq6;
	int			 fd = rloc->af == AF_INET ? d->udp4 :
				    d->udp6;
	socklen_t		 sl;
	int			 i;

	if (fd == -1) {
		dp_drop(d, DPC_drop_tx_error, "no IPv%d RLOC socket",
		    rloc->af == AF_INET ? 4 : 6);
		return -1;
	}
	if (!dp_pmtu_check(d, pkt, len, pp, rloc->af))
		return -1;
	if (q->n == DP_BATCH)
		flush_one(d, q, fd);
	i = q->n;
	if (lisp_hdr(d, q->hdr[i]) == -1)
		return -1;
	ipaddr_to_sockaddr(rloc, LISP_DATA_PORT, &q->to[i], &sl);
	q->iov[i][0].iov_base = q->hdr[i];
	q->iov[i][0].iov_len = LISP_DATA_HDR_LEN;
	q->iov[i][1].iov_base = (void *)(uintptr_t)pkt;
	q->iov[i][1].iov_len = len;
	memset(&q->m[i], 0, sizeof(q->m[i]));
	q->m[i].msg_hdr.msg_name = &q->to[i];
	q->m[i].msg_hdr.msg_namelen = sl;
	q->m[i].msg_hdr.msg_iov = q->iov[i];
	q->m[i].msg_hdr.msg_iovlen = 2;
	q->n++;
	DPC(d, encap_tx);
	DPC_ADD(d, encap_tx_bytes, len);
	return 0;
}

bool
dp_unicast(const struct ipaddr *a)
{
	if (a->af == AF_INET)	/* not 0/8, 127/8, 169.254/16, 224/3 */
		return a->a[0] != 0 && a->a[0] != 127 && a->a[0] < 224 &&
		    !(a->a[0] == 169 && a->a[1] == 254);
	/* not ::/8 (unspecified, loopback, ...), fe80::/10, ff00::/8 */
	return a->a[0] != 0 && a->a[0] != 0xff &&
	    !(a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80);
}

/* RFC 9301 §6 / RFC 6832: no mapping to use, send to a proxy-ETR. */
static void
to_petr(struct dp *d, const uint8_t *pkt, size_t len, const struct dp_pkt *pp)
{
	const struct dp_conf	*c = d->c;

	if (c->npetr == 0) {
		dp_drop(d, DPC_drop_negative, "negative mapping, no proxy-ETR");
		return;
	}
	if (dp_encap(d, &c->petr[pp->hash % (uint32_t)c->npetr], pkt, len,
	    pp) == 0)
		DPC(d, petr_tx);
}

static bool
can_send(struct dp *d, int af)
{
	return (af == AF_INET ? d->udp4 : d->udp6) != -1;
}

static bool
rloc_sendable(const struct mc_rloc *r, void *arg)
{
	return can_send(arg, r->addr.af);
}

/* RFC 9300 §6: mc_select_rloc's choice (priority, weight, per flow) among
 * the RLOCs of the families we have a socket for. */
static const struct mc_rloc *
select_rloc(struct dp *d, const struct mc_entry *e, uint32_t hash)
{
	return mc_select_rloc_if(e, hash, rloc_sendable, d);
}

/* The RLOC a packet goes to without queueing or a PETR, or NULL. */
static const struct ipaddr *
fast_rloc(struct dp *d, const struct dp_pkt *pp)
{
	const struct mc_entry	*e;
	const struct mc_rloc	*r;
	struct dp_away		*aw;

	if (!dp_unicast(&pp->dst))
		return NULL;
	if ((aw = dp_away_find(d, &pp->dst)) != NULL)
		return NULL;		/* the slow path counts it */
	e = mc_lookup(d->x->mc, 0, &pp->dst, d->now_ms);
	if (e == NULL || e->negative ||
	    (r = select_rloc(d, e, pp->hash)) == NULL ||
	    xc_has_rloc(d->x->conf, &r->addr))
		return NULL;
	return &r->addr;
}

/* One sendmsg for nseg datagrams of segsz bytes (the last may be shorter)
 * with UDP GSO; one sendto each when the kernel cannot. */
static void
gso_send(struct dp *d, const struct ipaddr *rloc, uint8_t *buf, size_t total,
    size_t segsz, int nseg)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	struct iovec		 iov = { buf, total };
	struct msghdr		 mh;
	union {
		char		 b[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr	 align;
	}			 ctl;
	struct cmsghdr		*cm;
	uint16_t		 gs = (uint16_t)segsz;
	int			 fd = rloc->af == AF_INET ? d->udp4 :
				    d->udp6;
	size_t			 off;

	ipaddr_to_sockaddr(rloc, LISP_DATA_PORT, &ss, &sl);
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &ss;
	mh.msg_namelen = sl;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nseg > 1 && d->udp_gso) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = sizeof(ctl.b);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_UDP;
		cm->cmsg_type = UDP_SEGMENT;
		cm->cmsg_len = CMSG_LEN(sizeof(gs));
		memcpy(CMSG_DATA(cm), &gs, sizeof(gs));
	}
	if (nseg == 1 || d->udp_gso) {
		if (sendmsg(fd, &mh, 0) != -1) {
			if (nseg > 1)
				DPC(d, gso_tx);
			return;
		}
		if (nseg == 1 || (errno != EIO && errno != EINVAL &&
		    errno != EOPNOTSUPP && errno != ENOPROTOOPT)) {
			dp_drop(d, DPC_drop_tx_error, "sendmsg: %s",
			    strerror(errno));
			return;
		}
		log_warn("UDP GSO, sending datagrams one by one");
		d->udp_gso = false;
	}
	for (off = 0; off < total; off += segsz)
		if (sendto(fd, buf + off, total - off < segsz ? total - off :
		    segsz, 0, (struct sockaddr *)&ss, sl) == -1)
			dp_drop(d, DPC_drop_tx_error, "sendto: %s",
			    strerror(errno));
}

/* The slow path: segments one by one through dp_itr_output (miss queue,
 * away entries, PETR, PMTU errors). */
static void
tso_slow(struct dp *d, const struct dp_tso *t, const uint8_t *pkt)
{
	uint8_t		*segbuf = d->bufs->seg;
	struct dp_pkt	 spp;
	size_t		 i, off = 0, l;

	for (i = 0; i < t->nseg; i++) {
		if (off + t->hl + t->mss > sizeof(d->bufs->seg)) {
			dp_tx_flush(d);
			off = 0;
		}
		l = dp_tso_segment(t, pkt, i, segbuf + off);
		if (dp_pkt_parse(segbuf + off, l, &spp) == DPP_OK)
			dp_itr_output(d, segbuf + off, l, &spp, false);
		off += l;
	}
	dp_tx_flush(d);
}

void
dp_itr_output_gso(struct dp *d, const struct dp_vnet *vh, const uint8_t *pkt,
    size_t len)
{
	uint8_t			*gsobuf = d->bufs->gso;
	const struct ipaddr	*rloc;
	struct dp_pkt		 pp;
	struct dp_tso		 t;
	size_t			 i, off = 0, segsz, ovh;
	int			 n = 0;

	if (dp_pkt_parse(pkt, len, &pp) != DPP_OK ||
	    dp_tso_prepare(vh, pkt, len, &t) == -1 ||
	    t.hl + t.mss > DP_BUFSZ) {
		dp_drop(d, DPC_drop_bad_inner, "bad TSO packet from the TUN "
		    "(%zu bytes)", len);
		return;
	}
	if (d->holding)
		dp_hold_sent(d, &pp.src);	/* an arriving guest sends */
	segsz = LISP_DATA_HDR_LEN + t.hl + t.mss;
	if ((rloc = fast_rloc(d, &pp)) == NULL) {
		tso_slow(d, &t, pkt);
		return;
	}
	ovh = (rloc->af == AF_INET ? 20 : 40) + 8;
	if (segsz + ovh > d->c->underlay_mtu) {
		tso_slow(d, &t, pkt);	/* too big: dp_pmtu answers */
		return;
	}
	dp_tx_flush(d);			/* keep the flow's order */
	for (i = 0; i < t.nseg; i++) {
		if (off + segsz > DP_GSO_MAX || n == DP_GSO_SEGS) {
			gso_send(d, rloc, gsobuf, off, segsz, n);
			off = 0;
			n = 0;
		}
		if (lisp_hdr(d, gsobuf + off) == -1)
			return;
		off += LISP_DATA_HDR_LEN;
		off += dp_tso_segment(&t, pkt, i, gsobuf + off);
		n++;
	}
	gso_send(d, rloc, gsobuf, off, segsz, n);
	DPC_ADD(d, encap_tx, t.nseg);
	DPC_ADD(d, encap_tx_bytes, len + (t.nseg - 1) * t.hl);
}

void
dp_itr_output(struct dp *d, const uint8_t *pkt, size_t len,
    const struct dp_pkt *pp, bool from_queue)
{
	const struct mc_entry	*e;
	const struct mc_rloc	*r;
	struct dp_away		*aw;
	char			 a[IPADDR_STRLEN];

	if (d->holding && !from_queue)
		dp_hold_sent(d, &pp->src);	/* an arriving guest sends */
	/* RFC 9300 §4: unicast EIDs only (the kernel's own link-local and
	 * multicast traffic on the TUN is not ours to map) */
	if (!dp_unicast(&pp->dst)) {
		dp_drop(d, DPC_drop_not_eid, "%s is not a unicast EID",
		    ipaddr_fmt(&pp->dst, a, sizeof(a)));
		return;
	}
	/* an EID that left us: straight to where it went */
	if ((aw = dp_away_find(d, &pp->dst)) != NULL) {
		dp_away_forward(d, aw, pkt, len, pp);
		return;
	}
	e = mc_lookup(d->x->mc, 0, &pp->dst, d->now_ms);
	if (e == NULL) {
		if (!from_queue)
			DPC(d, miss);
		dp_queue_add(d, pkt, len, pp);
		return;
	}
	if (e->negative) {
		/* RFC 9301 §5.4: the action of a negative Map-Reply */
		switch (e->action) {
		case LISP_ACT_NATIVE_FWD:
			to_petr(d, pkt, len, pp);
			return;
		case LISP_ACT_SEND_MAP_REQ:
			dp_queue_add(d, pkt, len, pp);
			return;
		default:
			dp_drop(d, DPC_drop_negative, "negative mapping for "
			    "%s, action %u", ipaddr_fmt(&pp->dst, a, sizeof(a)),
			    e->action);
			return;
		}
	}
	/* RFC 9300 §6: priority, then weight; down RLOCs skipped */
	if ((r = select_rloc(d, e, pp->hash)) == NULL) {
		dp_drop(d, DPC_drop_no_rloc, "no RLOC up for %s",
		    ipaddr_fmt(&pp->dst, a, sizeof(a)));
		return;
	}
	if (xc_has_rloc(d->x->conf, &r->addr)) {
		dp_drop(d, DPC_drop_loop, "mapping for %s points at us",
		    ipaddr_fmt(&pp->dst, a, sizeof(a)));
		return;
	}
	dp_encap(d, &r->addr, pkt, len, pp);
}
