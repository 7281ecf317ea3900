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
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dp_int.h"
#include "xtrd.h"

struct txq {
	int			n;
	struct mmsghdr		m[DP_BATCH];
	struct iovec		iov[DP_BATCH][2];
	uint8_t			hdr[DP_BATCH][LISP_DATA_HDR_LEN];
	struct sockaddr_storage	to[DP_BATCH];
};

static struct txq	txq4, txq6;

int
dp_udp_open(int af, const struct ipaddr *bind_to)
{
	struct sockaddr_storage	ss;
	socklen_t		sl;
	struct ipaddr		any;
	int			fd, on = 1, off = 0, buf = 4 << 20;
	int			pmtu = IP_PMTUDISC_DONT;

	memset(&any, 0, sizeof(any));
	any.af = (uint8_t)af;
	if (bind_to == NULL)
		bind_to = &any;
	/* blocking: a full send buffer waits instead of dropping; reads
	 * use MSG_DONTWAIT */
	if ((fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	if (af == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		/* the outer packet may be fragmented at the source */
		setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu,
		    sizeof(pmtu));
		setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &off, sizeof(off));
	} else
		setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu,
		    sizeof(pmtu));
	ipaddr_to_sockaddr(bind_to, LISP_DATA_PORT, &ss, &sl);
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static void
flush_one(struct txq *q, int fd)
{
	int	done = 0, r;

	while (done < q->n) {
		r = sendmmsg(fd, q->m + done, (unsigned)(q->n - done), 0);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			/* the first message failed: skip it, send the rest */
			dp_drop(DPC_drop_tx_error, "sendmmsg: %s",
			    strerror(errno));
			done++;
			continue;
		}
		done += r;
	}
	q->n = 0;
}

void
dp_tx_flush(void)
{
	if (txq4.n > 0)
		flush_one(&txq4, dp_g->udp4);
	if (txq6.n > 0)
		flush_one(&txq6, dp_g->udp6);
}

uint32_t
dp_nonce(void)
{
	uint32_t	x = dp_g->rnd;	/* xorshift32: a nonce, not a secret */

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	dp_g->rnd = x;
	return x & 0xffffff;
}

int
dp_encap(const struct ipaddr *rloc, const uint8_t *pkt, size_t len,
    const struct dp_pkt *pp)
{
	struct lisp_data_hdr	 h;
	struct txq		*q = rloc->af == AF_INET ? &txq4 : &txq6;
	int			 fd = rloc->af == AF_INET ? dp_g->udp4 :
				    dp_g->udp6;
	socklen_t		 sl;
	int			 i;

	if (fd == -1) {
		dp_drop(DPC_drop_tx_error, "no IPv%d RLOC socket",
		    rloc->af == AF_INET ? 4 : 6);
		return -1;
	}
	if (!dp_pmtu_check(pkt, len, pp, rloc->af))
		return -1;
	if (q->n == DP_BATCH)
		flush_one(q, fd);
	i = q->n;
	memset(&h, 0, sizeof(h));
	h.n = true;				/* RFC 9300 §5.3: N, nonce */
	h.nonce = dp_nonce();
	h.l = true;				/* §5.3: L, our LSBs */
	if (dp_g->c->iid_set) {			/* §5.3: I, IID + 8 LSBs */
		h.i = true;
		h.iid = dp_g->c->iid;
		h.lsb = dp_g->lsb & 0xff;
	} else
		h.lsb = dp_g->lsb;
	if (lisp_encode_data_hdr(&h, q->hdr[i], LISP_DATA_HDR_LEN) < 0)
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
	DPC(encap_tx);
	DPC_ADD(encap_tx_bytes, len);
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

static bool
is_our_rloc(const struct ipaddr *a)
{
	const struct xtr_conf	*c = dp_g->x->conf;
	int			 i;

	for (i = 0; i < c->nrloc; i++)
		if (ipaddr_cmp(&c->rloc[i], a) == 0)
			return true;
	return false;
}

/* RFC 9301 §6 / RFC 6832: no mapping to use, send to a proxy-ETR. */
static void
to_petr(const uint8_t *pkt, size_t len, const struct dp_pkt *pp)
{
	const struct dp_conf	*c = dp_g->c;

	if (c->npetr == 0) {
		dp_drop(DPC_drop_negative, "negative mapping, no proxy-ETR");
		return;
	}
	if (dp_encap(&c->petr[pp->hash % (uint32_t)c->npetr], pkt, len,
	    pp) == 0)
		DPC(petr_tx);
}

void
dp_itr_output(const uint8_t *pkt, size_t len, const struct dp_pkt *pp,
    bool from_queue)
{
	const struct mc_entry	*e;
	const struct mc_rloc	*r;
	struct dp_away		*aw;
	char			 a[IPADDR_STRLEN];

	/* RFC 9300 §4: unicast EIDs only (the kernel's own link-local and
	 * multicast traffic on the TUN is not ours to map) */
	if (!dp_unicast(&pp->dst)) {
		dp_drop(DPC_drop_not_eid, "%s is not a unicast EID",
		    ipaddr_fmt(&pp->dst, a, sizeof(a)));
		return;
	}
	/* an EID that left us: straight to where it went */
	if ((aw = dp_away_find(&pp->dst)) != NULL) {
		dp_away_forward(aw, pkt, len, pp, NULL);
		return;
	}
	e = mc_lookup(dp_g->x->mc, 0, &pp->dst, dp_g->now_ms);
	if (e == NULL) {
		if (!from_queue)
			DPC(miss);
		dp_queue_add(pkt, len, pp);
		return;
	}
	if (e->negative) {
		/* RFC 9301 §5.4: the action of a negative Map-Reply */
		switch (e->action) {
		case LISP_ACT_NATIVE_FWD:
			to_petr(pkt, len, pp);
			return;
		case LISP_ACT_SEND_MAP_REQ:
			dp_queue_add(pkt, len, pp);
			return;
		default:
			dp_drop(DPC_drop_negative, "negative mapping for %s, "
			    "action %u", ipaddr_fmt(&pp->dst, a, sizeof(a)),
			    e->action);
			return;
		}
	}
	/* RFC 9300 §6: priority, then weight; down RLOCs skipped */
	if ((r = mc_select_rloc(e, pp->hash)) == NULL) {
		dp_drop(DPC_drop_no_rloc, "no RLOC up for %s",
		    ipaddr_fmt(&pp->dst, a, sizeof(a)));
		return;
	}
	if (is_our_rloc(&r->addr)) {
		dp_drop(DPC_drop_loop, "mapping for %s points at us",
		    ipaddr_fmt(&pp->dst, a, sizeof(a)));
		return;
	}
	dp_encap(&r->addr, pkt, len, pp);
}
