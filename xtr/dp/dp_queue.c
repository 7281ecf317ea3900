/*
 * dp_queue.c: packets that miss the map-cache wait here while their
 * Map-Request is out (RFC 9301 §6.1 leaves this to the ITR; dropping them
 * is what other xTRs do).  Bounded per destination (miss_queue_prefix)
 * and in all (miss_queue_total); only overflow is dropped, and counted.
 * When a Map-Reply installs a covering mapping (dp_mapping_installed), the
 * queue is sent in arrival order before anything newer is read.  A queue
 * whose request timed out is dropped (counted) on the next tick.
 *
 * The same queue holds decapsulated packets whose inner source is not in
 * the map-cache yet, or whose outer source the cached mapping does not
 * list (dp_decap.c: data is accepted only from an RLOC of the inner
 * source's mapping, issue 15 finding 5): keyed by the source,
 * at most DPQ_VERIFY_MAX of them, their Map-Requests limited in
 * aggregate (DPQ_VERIFY_RATE a second: a flood of random inner sources
 * must not become a flood of Map-Requests); once a mapping for the
 * source is installed (dp_queue_flush) they are checked again
 * (dp_decap_verified) and delivered, or held again (that mapping may be
 * an answer sent before a moved guest's new site registered: the SMR's
 * brings the new one), for DPQ_VERIFY_MS at most: then one last check.
 * Bounded by bytes, not by the miss queue's packets: when the first
 * Map-Request for a moved guest's source is lost, the next goes a second
 * later (RFC 9301 §5.3: "Map-Requests MUST be rate limited to 1 per
 * second per EID-Prefix"), and the guest's flows keep coming meanwhile
 * (the bench at 5 % WAN loss: 200 datagrams/s and a TCP flow overflowed
 * 256 packets after ~1 s, 43-69 datagrams lost).  verify_source_bytes
 * per source (default 4 MiB: two such intervals of a 16 Mb/s flow) and
 * verify_total_bytes in all (16 MiB), counted with each packet's
 * overhead, so that a flood of sources (DPQ_VERIFY_MAX at once) costs
 * no more memory than that; time: DPQ_VERIFY_MS, then the timeout of
 * the source's resolution.  Not counted in miss_queue_total (a flood of
 * unverified sources must not stop the ITR's misses).
 * Released paced, as dp_hold.c releases (struct dp_pace, at
 * hold_release_pps), in arrival order: a second of a stream held, ~500
 * datagrams delivered at once, overflowed a receiver's default socket
 * buffer (208 KiB) and lost two thirds of them (dp_verify_lost).  While
 * a source's release is in progress its new packets, verified or not,
 * join the tail (dp_queue_behind), so that none overtakes what was held;
 * a packet of it that the new mapping does not verify goes back to the
 * head and the release stops until the next mapping or DPQ_VERIFY_MS.
 */
#include <stdlib.h>
#include <string.h>

#include "dp_int.h"
#include "mono.h"
#include "xtr/xtrd.h"

#define DPQ_RETRY_MS	1000
#define DPQ_VERIFY_MAX	256	/* sources waiting at once */
#define DPQ_VERIFY_RATE	200	/* their Map-Requests a second */

struct qpkt {
	struct qpkt	*next;
	size_t		 len;
	struct ipaddr	 outer;		/* verify: who sent it */
	uint64_t	 held_ms;	/* verify: first held */
	uint8_t		 data[];
};

struct dp_qent {
	bool		 used;
	struct ipprefix	 key;		/* the host asked for */
	uint64_t	 since_ms;
	uint64_t	 tried_ms;
	uint32_t	 n;
	size_t		 bytes;		/* verify: held, with overhead */
	struct qpkt	*head, *tail;
	int		 hnext;		/* hash chain (slot), -1 end */
	bool		 verify;	/* held for its source's mapping */
	bool		 releasing;	/* verify: paced out (pace_run) */
};

static uint32_t
qhash(const struct ipprefix *k, bool verify)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < sizeof(k->addr.a); i++)
		h = (h ^ k->addr.a[i]) * 16777619u;
	h = (h ^ k->addr.af) * 16777619u;
	h = (h ^ verify) * 16777619u;
	return (h ^ k->plen) & (DPQ_HASH - 1);
}

static struct dp_qent *
qfind(struct dp *d, const struct ipprefix *k, bool verify)
{
	struct dp_queue	*dq = &d->queue;
	int		i;

	for (i = dq->bucket[qhash(k, verify)]; i != -1; i = dq->q[i].hnext)
		if (dq->q[i].verify == verify &&
		    ipprefix_cmp(&dq->q[i].key, k) == 0)
			return &dq->q[i];
	return NULL;
}

static struct dp_qent *
qtake(struct dp *d, const struct ipprefix *k, bool verify)
{
	struct dp_queue	*dq = &d->queue;
	struct dp_qent	*e;
	uint32_t	 h = qhash(k, verify);
	int		 i;

	if (dq->nfree == 0)
		return NULL;
	i = dq->freelist[--dq->nfree];
	e = &dq->q[i];
	memset(e, 0, sizeof(*e));
	e->used = true;
	e->key = *k;
	e->verify = verify;
	if (verify)
		dq->nverify++;
	e->hnext = dq->bucket[h];
	dq->bucket[h] = i;
	return e;
}

static void
qrelease(struct dp *d, struct dp_qent *e)
{
	struct dp_queue	*dq = &d->queue;
	int		*ip, i = (int)(e - dq->q);

	if (e->verify)
		dq->nverify--;
	for (ip = &dq->bucket[qhash(&e->key, e->verify)]; *ip != -1;
	    ip = &dq->q[*ip].hnext)
		if (*ip == i) {
			*ip = e->hnext;
			break;
		}
	memset(e, 0, sizeof(*e));
	dq->freelist[dq->nfree++] = i;
}

static void	pace_run(void *);

int
dp_queue_init(struct dp *d)
{
	struct dp_queue	*dq = &d->queue;
	int		i;

	timer_init(&dq->pace.t, pace_run, d);
	dq->releasing = NULL;

	if ((dq->q = calloc(DPQ_MAX, sizeof(*dq->q))) == NULL)
		return -1;
	for (i = 0; i < DPQ_HASH; i++)
		dq->bucket[i] = -1;
	for (dq->nfree = 0; dq->nfree < DPQ_MAX; dq->nfree++)
		dq->freelist[dq->nfree] = DPQ_MAX - 1 - dq->nfree;
	dq->nverify = 0;
	tb_init(&dq->verify_tb, DPQ_VERIFY_RATE, 2 * DPQ_VERIFY_RATE,
	    mono_ms());
	return 0;
}

static uint64_t
timeout_ms(struct dp *d)
{
	/* how long the ITR keeps retrying, plus a little */
	return d->up.resolve_span_ms(d->up.ctx) + 500;
}

static void
resolve(struct dp *d, struct dp_qent *e)
{
	e->tried_ms = d->now_ms;
	if (d->up.resolve(d->up.ctx, &e->key) == 0)
		DPC(d, resolve_sent);
}

void
dp_queue_add(struct dp *d, const uint8_t *pkt, size_t len,
    const struct dp_pkt *pp)
{
	struct dp_queue	*dq = &d->queue;
	const struct dp_conf	*c = d->c;
	struct ipprefix	 key;
	struct dp_qent	*e;
	struct qpkt	*p;
	char		 a[IPADDR_STRLEN];

	ipprefix_host(&pp->dst, &key);
	e = qfind(d, &key, false);
	ipaddr_fmt(&pp->dst, a, sizeof(a));
	if (e == NULL && dq->nfree == 0) {
		dp_drop(d, DPC_drop_queue_full, "%s: %d destinations waiting",
		    a, DPQ_MAX);
		return;
	}
	if ((e != NULL && e->n >= c->queue_prefix) ||
	    dq->total >= c->queue_total || c->queue_prefix == 0) {
		dp_drop(d, DPC_drop_queue_full, "%s: miss queue full", a);
		if (e == NULL)
			goto ask;
		return;
	}
	if ((p = malloc(sizeof(*p) + len)) == NULL) {
		dp_drop(d, DPC_drop_queue_full, "%s: out of memory", a);
		return;
	}
	p->next = NULL;
	p->len = len;
	memcpy(p->data, pkt, len);
	if (e == NULL) {
		e = qtake(d, &key, false);
		e->since_ms = d->now_ms;
		e->head = p;
		e->tail = p;
		e->n = 1;
		dq->total++;
		DPC(d, queued);
		resolve(d, e);
		return;
	}
	e->tail->next = p;
	e->tail = p;
	e->n++;
	dq->total++;
	DPC(d, queued);
	return;
ask:
	/* nothing queued, but still ask, so the next packets hit */
	d->up.resolve(d->up.ctx, &key);
}

void
dp_queue_verify(struct dp *d, const uint8_t *pkt, size_t len,
    const struct dp_pkt *pp, const struct ipaddr *outer, uint64_t held_ms)
{
	struct dp_queue	*dq = &d->queue;
	const struct dp_conf	*c = d->c;
	struct ipprefix	 key;
	struct dp_qent	*e;
	struct qpkt	*p;
	size_t		 sz = sizeof(*p) + len;
	char		 a[IPADDR_STRLEN];

	ipprefix_host(&pp->src, &key);
	ipaddr_fmt(&pp->src, a, sizeof(a));
	if ((e = qfind(d, &key, true)) == NULL) {
		/* a new source: a slot and a Map-Request, both bounded */
		if (dq->nverify >= DPQ_VERIFY_MAX || dq->nfree == 0 ||
		    !tb_take(&dq->verify_tb, d->now_ms)) {
			dp_drop(d, DPC_drop_src_unverified, "%s: too many "
			    "sources to verify at once", a);
			return;
		}
		e = qtake(d, &key, true);
		e->since_ms = d->now_ms;
		resolve(d, e);
	}
	if (e == dq->releasing) {
		/* the packet being released, held again (the new mapping
		 * does not list its outer source): back to the head, it
		 * came out of, and the rest wait for the next mapping */
		if ((p = malloc(sz)) == NULL) {
			dp_drop(d, DPC_drop_src_unverified, "%s: out of memory",
			    a);
			return;
		}
		p->len = len;
		p->outer = *outer;
		p->held_ms = held_ms != 0 ? held_ms : d->now_ms;
		memcpy(p->data, pkt, len);
		p->next = e->head;
		e->head = p;
		if (e->tail == NULL)
			e->tail = p;
		e->n++;
		e->bytes += sz;
		dq->verify_bytes += sz;
		e->releasing = false;
		e->since_ms = d->now_ms;
		return;
	}
	if (e->bytes + sz > c->verify_source_bytes ||
	    dq->verify_bytes + sz > c->verify_total_bytes) {
		dp_drop(d, DPC_drop_src_unverified, "%s: verification queue "
		    "full (%zu bytes held for it, %zu in all)", a, e->bytes,
		    dq->verify_bytes);
		return;
	}
	if ((p = malloc(sz)) == NULL) {
		dp_drop(d, DPC_drop_src_unverified, "%s: out of memory", a);
		return;
	}
	p->next = NULL;
	p->len = len;
	p->outer = *outer;
	p->held_ms = held_ms != 0 ? held_ms : d->now_ms;
	memcpy(p->data, pkt, len);
	if (e->tail != NULL)
		e->tail->next = p;
	else
		e->head = p;
	e->tail = p;
	e->n++;
	e->bytes += sz;
	dq->verify_bytes += sz;
	DPC(d, src_held);
}

/* A packet from src that passed the check (dp_decap.c): true if it
 * joined the tail of src's release in progress, not to overtake it. */
bool
dp_queue_behind(struct dp *d, const uint8_t *pkt, const struct dp_pkt *pp,
    const struct ipaddr *outer)
{
	struct ipprefix	 key;
	struct dp_qent	*e;

	if (d->queue.nverify == 0)
		return false;
	ipprefix_host(&pp->src, &key);
	if ((e = qfind(d, &key, true)) == NULL || !e->releasing)
		return false;
	dp_queue_verify(d, pkt, pp->len, pp, outer, 0);
	return true;
}

/* The head of e's queue into dp_decap_verified; freed by the caller
 * after the flush (*sent: the batch points into it). */
static void
release_one(struct dp *d, struct dp_qent *e, struct qpkt **sent)
{
	struct dp_queue	*dq = &d->queue;
	struct qpkt	*p = e->head;
	struct dp_pkt	 pp;
	size_t		 sz = sizeof(*p) + p->len;

	if ((e->head = p->next) == NULL)
		e->tail = NULL;
	e->n--;
	e->bytes -= sz;
	dq->verify_bytes -= sz;
	p->next = *sent;
	*sent = p;
	if (dp_pkt_parse(p->data, p->len, &pp) != DPP_OK)
		return;
	dq->releasing = e;
	dp_decap_verified(d, p->data, pp.len, &pp, &p->outer, p->held_ms);
	dq->releasing = NULL;
}

/* The held sources' releases, hold_release_pps in all, like dp_hold.c's
 * (struct dp_pace): every DP_PACE_MS while any goes on. */
static void
pace_run(void *arg)
{
	struct dp	*d = arg;
	struct dp_queue	*dq = &d->queue;
	struct qpkt	*sent = NULL, *p;
	uint64_t	 now = mono_ms();
	bool		 more = false;
	int		 i;

	d->now_ms = now;
	dp_pace_fill(&dq->pace, d->c->hold_release_pps, now);
	for (i = 0; i < DPQ_MAX; i++) {
		struct dp_qent *e = &dq->q[i];

		if (!e->used || !e->releasing)
			continue;
		while (e->releasing && e->head != NULL &&
		    dp_pace_take(&dq->pace))
			release_one(d, e, &sent);
		if (e->head == NULL)
			qrelease(d, e);
		else if (e->releasing)
			more = true;
	}
	if (sent != NULL) {
		dp_gro_flush(d);	/* before the buffers are freed */
		dp_tx_flush(d);
		while ((p = sent) != NULL) {
			sent = p->next;
			free(p);
		}
	}
	if (more)
		timer_set(&d->x->timers, &dq->pace.t, now + DP_PACE_MS);
}

/* e's packets out, paced (pace_run). */
static void
release_start(struct dp *d, struct dp_qent *e)
{
	e->releasing = true;
	if (dp_pace_start(&d->queue.pace, d->now_ms))
		pace_run(d);
}

static void
drain(struct dp *d, struct dp_qent *e, bool send)
{
	struct dp_queue	*dq = &d->queue;
	struct qpkt	*p, *next, *head = e->head;
	struct dp_pkt	 pp;
	uint32_t	 n = e->n;
	bool		 verify = e->verify;

	/* detach first: dp_itr_output may queue again */
	if (verify)
		dq->verify_bytes -= e->bytes;
	else
		dq->total -= e->n;
	qrelease(d, e);
	for (p = head; p != NULL && send; p = p->next) {
		if (dp_pkt_parse(p->data, p->len, &pp) != DPP_OK)
			continue;
		if (verify) {
			dp_decap_verified(d, p->data, pp.len, &pp, &p->outer,
			    p->held_ms);
			continue;
		}
		DPC(d, queue_flushed);
		dp_itr_output(d, p->data, pp.len, &pp, true);
	}
	if (send) {
		dp_gro_flush(d);	/* before the buffers are freed */
		dp_tx_flush(d);
	} else if (verify)
		DPC_ADD(d, drop_src_unverified, n);
	else
		DPC_ADD(d, drop_queue_timeout, n);
	for (p = head; p != NULL; p = next) {
		next = p->next;
		free(p);
	}
}

void
dp_queue_flush(struct dp *d, const struct ipprefix *installed)
{
	struct dp_queue	*dq = &d->queue;
	int		i;

	if (dq->q == NULL)
		return;
	d->now_ms = mono_ms();
	for (i = 0; i < DPQ_MAX; i++) {
		struct dp_qent *e = &dq->q[i];

		if (!e->used || !ipprefix_covers(installed, &e->key))
			continue;
		if (e->verify && e->head != NULL)
			release_start(d, e);
		else if (!e->verify || !e->releasing)
			drain(d, e, true);
	}
}

void
dp_queue_tick(struct dp *d)
{
	struct dp_queue	*dq = &d->queue;
	uint64_t	 limit = timeout_ms(d);
	char		 a[IPPREFIX_STRLEN];
	int		 i;

	for (i = 0; i < DPQ_MAX; i++) {
		struct dp_qent *e = &dq->q[i];

		if (!e->used || e->releasing)
			continue;
		/* a held source waits for a new mapping (dp_queue_flush):
		 * the one cached may be the stale one */
		if (!e->verify && (mc_lookup(d->x->mc, 0, &e->key.addr,
		    d->now_ms) != NULL || dp_away_find(d, &e->key.addr) !=
		    NULL)) {
			drain(d, e, true);
			continue;
		}
		/* held sources: a last check once held long enough */
		if (e->verify && e->head != NULL &&
		    d->now_ms - e->head->held_ms >= DPQ_VERIFY_MS) {
			release_start(d, e);
			continue;
		}
		if (d->now_ms - e->since_ms > limit) {
			log_debug("miss queue for %s: no mapping after %llu "
			    "ms, %u packets dropped", ipprefix_fmt(&e->key, a,
			    sizeof(a)), (unsigned long long)limit, e->n);
			drain(d, e, false);
			continue;
		}
		if (d->now_ms - e->tried_ms >= DPQ_RETRY_MS)
			resolve(d, e);
	}
}

void
dp_queue_free(struct dp *d)
{
	struct dp_queue	*dq = &d->queue;
	int		i;

	if (dq->q == NULL)
		return;
	timer_cancel(&d->x->timers, &dq->pace.t);
	for (i = 0; i < DPQ_MAX; i++)
		if (dq->q[i].used)
			drain(d, &dq->q[i], false);
	free(dq->q);
	dq->q = NULL;
}
