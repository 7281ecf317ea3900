/*
 * itr_resolve.c: the ITR side of the mapping system (RFC 9301 §6.1).
 * Map-Requests go to a Map-Resolver inside an ECM (RFC 9301 §5.8) with a
 * fresh nonce, are retransmitted with backoff across the configured
 * resolvers (mreq_sched.c: doubling, capped, and no sooner than the
 * per-EID rate limit), and are rate-limited per EID prefix (RFC 9301
 * §5.3: at most one per second per destination).  A Map-Reply is
 * believed only if its nonce matches an outstanding request and its
 * records are about the EID asked for; then it goes into the map-cache.
 * The same path serves `xtrctl lig` (the reply goes back to the API, not
 * into the cache).  With LISP-SEC (RFC 9303, lispsec_cp.c) the ECM
 * carries a one-time key and a reply must prove itself with it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xtr/cp/itr_scope.h"
#include "xtr/dp/dp.h"
#include "lispsec.h"
#include "log.h"
#include "mono.h"
#include "mreq_sched.h"
#include "xtr/xtrd.h"
#include "xtr/cp/cp.h"

static void	pending_timer(void *);
static int	pending_start(struct xtrd *, struct pending *);

/*
 * The outstanding Map-Requests, bounded and indexed (issue 15 finding 9:
 * a flood of encapsulated packets with random inner sources grew one
 * list, scanned from the start for every packet).  Hash chains by EID
 * (is one pending already?) and by nonce (which request does a
 * Map-Reply answer?), and a list oldest to newest; at PENDING_MAX the
 * oldest goes (counted), so a flood can neither grow the set nor keep a
 * new EID from being asked for.
 */
#define PENDING_MAX	4096
#define PENDING_HASH	8192	/* power of two */

struct pend_index {
	struct pending	*by_eid[PENDING_HASH];
	struct pending	*by_nonce[PENDING_HASH];
	struct pending	*oldest, *newest;
	size_t		 n;
};

static uint32_t
eid_hash(const struct ipprefix *p)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < sizeof(p->addr.a); i++)
		h = (h ^ p->addr.a[i]) * 16777619u;
	h = (h ^ p->addr.af) * 16777619u;
	h = (h ^ p->plen) * 16777619u;
	return h & (PENDING_HASH - 1);
}

static uint32_t
nonce_hash(uint64_t n)
{
	return (uint32_t)((n ^ n >> 29 ^ n >> 47) * 0x9e3779b1u >> 7) &
	    (PENDING_HASH - 1);
}

static void
pend_link(struct pend_index *ix, struct pending *p)
{
	uint32_t	he = eid_hash(&p->eid), hn = nonce_hash(p->nonce);

	p->eid_next = ix->by_eid[he];
	ix->by_eid[he] = p;
	p->nonce_next = ix->by_nonce[hn];
	ix->by_nonce[hn] = p;
	p->older = ix->newest;
	p->newer = NULL;
	if (ix->newest != NULL)
		ix->newest->newer = p;
	else
		ix->oldest = p;
	ix->newest = p;
	ix->n++;
}

static void
pend_unlink(struct pend_index *ix, struct pending *p)
{
	struct pending	**pp;

	for (pp = &ix->by_eid[eid_hash(&p->eid)]; *pp != NULL;
	    pp = &(*pp)->eid_next)
		if (*pp == p) {
			*pp = p->eid_next;
			break;
		}
	for (pp = &ix->by_nonce[nonce_hash(p->nonce)]; *pp != NULL;
	    pp = &(*pp)->nonce_next)
		if (*pp == p) {
			*pp = p->nonce_next;
			break;
		}
	if (p->older != NULL)
		p->older->newer = p->newer;
	else
		ix->oldest = p->newer;
	if (p->newer != NULL)
		p->newer->older = p->older;
	else
		ix->newest = p->older;
	ix->n--;
}

/* The resolution (not a lig) outstanding for eid, or NULL. */
static struct pending *
pend_by_eid(const struct xtrd *x, const struct ipprefix *eid)
{
	struct pending	*p;

	for (p = x->itr->pend->by_eid[eid_hash(eid)]; p != NULL;
	    p = p->eid_next)
		if (p->lig == NULL && ipprefix_cmp(&p->eid, eid) == 0)
			return p;
	return NULL;
}

struct pending *
pend_by_nonce(const struct xtrd *x, uint64_t nonce)
{
	struct pending	*p;

	for (p = x->itr->pend->by_nonce[nonce_hash(nonce)]; p != NULL;
	    p = p->nonce_next)
		if (p->nonce == nonce)
			return p;
	return NULL;
}

/* ms from the sends-th send of a Map-Request to the next (mreq_sched.h) */
static uint32_t
retry_delay(const struct xtrd *x, uint32_t sends)
{
	struct mreq_sched	s;

	mreq_sched_conf(&s, x->conf);
	return mreq_sched_delay(&s, sends);
}

static void
mc_expire_timer(void *arg)
{
	struct xtrd	*x = arg;
	uint64_t	 now = mono_ms();

	mc_expire(x->mc, now);
	itr_sub_sweep(x);	/* RFC 9437 §5: unsubscribe what went */
	timer_set(&x->timers, &x->itr->mc_expire, now + 1000);
}

int
itr_init(struct xtrd *x)
{
	struct itr_state *is;
	uint32_t	 rl = x->conf->rate_limit;
	int		 i;

	if ((x->itr = is = calloc(1, sizeof(*is))) == NULL ||
	    (x->mc = mc_new()) == NULL ||
	    (is->pend = calloc(1, sizeof(*is->pend))) == NULL ||
	    (is->rl_mreq = rl_new(4096, rl)) == NULL ||
	    (is->rl_smr_in = rl_new(4096, rl)) == NULL ||
	    (is->rl_smr_out = rl_new(16384, rl)) == NULL ||
	    (is->rl_probe = rl_new(1024, 1000)) == NULL ||
	    (is->smr_src = tbt_new(4096, SMR_SRC_RATE, SMR_SRC_BURST)) == NULL)
		return -1;
	for (i = 0; i < ITR_MREP_BURST; i++)
		if ((is->rl_mrep[i] = rl_new(4096, rl)) == NULL)
			return -1;
	/* all SMRs received, whatever their EID: 100/s, bursts of 200 */
	tb_init(&is->smr_in_bucket, 100, 200, mono_ms());
	timer_init(&is->mc_expire, mc_expire_timer, x);
	timer_set(&x->timers, &is->mc_expire, mono_ms() + 1000);
	return 0;
}

/*
 * RFC 9301 §5.3: "Map-Requests MUST be rate limited to 1 per second per
 * EID-Prefix. After 10 retransmits without receiving the corresponding
 * Map-Reply, the sender MUST wait 30 seconds."  The retransmissions of
 * the requests for one EID that went unanswered add up across requests
 * (a request gives up after map_request_retries, and the next packet to
 * the EID starts another); at 10, no request for it goes for 30 s
 * (drop_map_request_backoff).  A reply clears the count.
 */
#define BACKOFF_RETRANSMITS	10
#define BACKOFF_MS		30000

static struct itr_backoff *
backoff_find(struct itr_state *is, const struct ipprefix *eid, bool make)
{
	struct itr_backoff	*oldest = &is->backoff[0];
	int		 i;

	for (i = 0; i < ITR_BACKOFF_SLOTS; i++) {
		if (is->backoff[i].used_ms != 0 &&
		    ipprefix_cmp(&is->backoff[i].eid, eid) == 0)
			return &is->backoff[i];
		if (is->backoff[i].used_ms < oldest->used_ms)
			oldest = &is->backoff[i];
	}
	if (!make)
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	oldest->eid = *eid;
	oldest->used_ms = mono_ms();
	return oldest;
}

/* A request for eid gave up after its retransmissions. */
static void
backoff_unanswered(struct itr_state *is, const struct ipprefix *eid,
    unsigned retransmits)
{
	struct itr_backoff	*b = backoff_find(is, eid, true);

	b->used_ms = mono_ms();
	b->unanswered += retransmits;
	if (b->unanswered >= BACKOFF_RETRANSMITS) {
		b->unanswered = 0;
		b->until_ms = b->used_ms + BACKOFF_MS;
		tl_add("map-request-backoff", eid, NULL, "%u retransmits "
		    "unanswered: none for %u s (RFC 9301 §5.3)",
		    BACKOFF_RETRANSMITS, BACKOFF_MS / 1000);
	}
}

static void
backoff_answered(struct itr_state *is, const struct ipprefix *eid)
{
	struct itr_backoff	*b = backoff_find(is, eid, false);

	if (b != NULL)
		b->used_ms = 0;
}

static bool
backoff_held(struct itr_state *is, const struct ipprefix *eid)
{
	struct itr_backoff	*b = backoff_find(is, eid, false);

	return b != NULL && b->until_ms != 0 && mono_ms() < b->until_ms;
}

static void
pending_free(struct xtrd *x, struct pending *p)
{
	pend_unlink(x->itr->pend, p);
	if (p->subscribing)	/* its acknowledgment may come after */
		itr_sub_answered(x, p->nonce, p->mr);
	timer_cancel(&x->timers, &p->t);
	sec_pending_clear(p);
	free(p);
}

void
itr_free(struct xtrd *x)
{
	struct itr_state	*is = x->itr;
	int			 i;

	if (is == NULL)
		return;
	if (x->conf->subscribe && x->mc != NULL)
		itr_unsubscribe_all(x);		/* RFC 9437 §5 */
	/* stop()'s timer_heap_free() comes after: is is freed here */
	timer_cancel(&x->timers, &is->mc_expire);
	while (is->pend != NULL && is->pend->oldest != NULL)
		pending_free(x, is->pend->oldest);
	free(is->pend);
	is->pend = NULL;
	mc_free(x->mc);
	rl_free(is->rl_mreq);
	rl_free(is->rl_smr_in);
	rl_free(is->rl_smr_out);
	for (i = 0; i < ITR_MREP_BURST; i++)
		rl_free(is->rl_mrep[i]);
	rl_free(is->rl_probe);
	rloc_probe_free(x);
	tbt_free(is->smr_src);
	free(is);
	x->itr = NULL;
}

/*
 * RFC 9301 §5.4: "Map-Replies MUST be rate limited.  It is RECOMMENDED
 * that a Map-Reply for the same destination RLOC be sent to no more than
 * one packet every 3 seconds."  We limit per (destination RLOC, prefix
 * asked for) to ITR_MREP_BURST (3) per rate_limit: one per RLOC every
 * 3 s would refuse an ITR its second EID of ours, or an RLOC-probe or a
 * lig right after a Map-Request; a flood of one question from one ITR
 * gets three answers a second.  (Three interval limiters in a row: a
 * reply takes the first that has room.)
 */
bool
xtr_map_reply_allowed(struct xtrd *x, const struct ipaddr *to,
    const struct ipprefix *p)
{
	uint8_t	key[1 + 16 + 1 + 16 + 1];
	int	i;

	if (x->itr->rl_mrep[0] == NULL)
		return true;
	memset(key, 0, sizeof(key));
	key[0] = to->af;
	memcpy(key + 1, to->a, 16);
	key[17] = p->addr.af;
	memcpy(key + 18, p->addr.a, 16);
	key[34] = p->plen;
	for (i = 0; i < ITR_MREP_BURST; i++)
		if (rl_allow(x->itr->rl_mrep[i], key, sizeof(key), mono_ms()))
			return true;
	cnt_drop(C_drop_map_reply_ratelimited, "Map-Reply to %s for %s",
	    ipaddr_fmt(to, (char[IPADDR_STRLEN]){ 0 }, IPADDR_STRLEN),
	    ipprefix_fmt(p, (char[IPPREFIX_STRLEN]){ 0 }, IPPREFIX_STRLEN));
	return false;
}

int
itr_build_request(struct xtrd *x, const struct ipprefix *eid,
    struct lisp_map_request *req)
{
	int	i;

	memset(req, 0, sizeof(*req));
	req->nonce = lisp_nonce();
	/* RFC 9301 §5.3: Source-EID AFI 0 when the ITR has none to give */
	for (i = 0; i < x->conf->nrloc && i < LISP_MAX_ITR_RLOCS; i++)
		req->itr_rloc[i].ip = x->conf->rloc[i];
	req->nitr = (uint8_t)i;
	if (req->nitr == 0)
		return -1;
	req->nrec = 1;
	req->rec[0].plen = eid->plen;
	req->rec[0].eid.ip = eid->addr;
	return 0;
}

/*
 * RFC 9301 §5.8: an Encapsulated Control Message's inner header, from our
 * RLOC of the EID's family (none: the family alone) to the EID itself, UDP
 * 4342 to 4342.  The rest of *ecm is zero.
 */
void
itr_ecm_to(struct xtrd *x, const struct ipaddr *eid, struct lisp_ecm *ecm)
{
	const struct ipaddr	*src;

	memset(ecm, 0, sizeof(*ecm));
	if ((src = xtr_rloc(x, eid->af)) != NULL)
		ecm->inner_src = *src;
	else
		ecm->inner_src.af = eid->af;
	ecm->inner_dst = *eid;
	ecm->inner_sport = LISP_CONTROL_PORT;
	ecm->inner_dport = LISP_CONTROL_PORT;
	ecm->inner_ttl = 64;
}

static int
send_request(struct xtrd *x, struct pending *p)
{
	struct lisp_map_request		*req = &x->itr->req;
	uint8_t				*inner = x->itr->req_inner;
	uint8_t				*buf = x->itr->req_buf;
	uint8_t				*ad = x->itr->req_ad;
	struct lisp_ecm			 ecm;
	const struct ipaddr		*mr;
	ssize_t				 n, m, k;

	mr = p->mr < 0 ? &p->lig_mr : &x->conf->mr[p->mr];
	if (itr_build_request(x, &p->eid, req) == -1)
		return -1;
	req->nonce = p->nonce;
	req->smr_invoked = p->smr_invoked;	/* RFC 9301 §5.3: s bit */
	if ((n = lisp_encode_map_request(req, inner, LISP_MAX_MSG)) < 0)
		return -1;
	/* RFC 9437: ask the Map-Server to notify us of changes */
	if (x->conf->subscribe && p->lig == NULL && !p->withdraw_check &&
	    (p->subscribing = true) &&
	    (n = pubsub_add(x, inner, (size_t)n, LISP_MAX_MSG, &p->eid)) < 0)
		return -1;
	itr_ecm_to(x, &p->eid.addr, &ecm);
	/* RFC 9303 §6.4: a Protected Map-Request, S set, the ITR-OTK in
	 * the ECM's Authentication Data */
	p->sec = sec_itr_protect(x) && !p->no_sec;
	if (p->sec) {
		if ((k = sec_itr_ecm_ad(x, p, ad, LISP_SEC_MAX_AD)) < 0)
			return -1;
		ecm.security = true;
		ecm.sec_ad = ad;
		ecm.sec_ad_len = (size_t)k;
	}
	if ((m = lisp_encode_ecm(&ecm, inner, (size_t)n, buf,
	    LISP_MAX_MSG)) < 0)
		return -1;
	if (xtr_send(x, mr, LISP_CONTROL_PORT, buf, (size_t)m) == -1)
		return -1;
	cnt_inc(C_tx_map_request);
	p->sent_ms = mono_ms();
	tl_add(p->lig ? "lig-request-sent" : p->withdraw_check ?
	    "withdraw-check-sent" : "map-request-sent", &p->eid, mr,
	    "nonce %016llx%s%s%s", (unsigned long long)p->nonce,
	    p->smr_invoked ? " smr-invoked" : "",
	    p->tries > 1 ? " retransmit" : "", p->sec ? " lisp-sec" : "");
	return 0;
}

static struct pending *
pending_new(struct xtrd *x, const struct ipprefix *eid)
{
	struct pending	*p, *old;
	char		 e[IPPREFIX_STRLEN];

	if (x->itr->pend->n >= PENDING_MAX &&
	    (old = x->itr->pend->oldest) != NULL) {
		cnt_drop(C_drop_pending_evicted, "%zu Map-Requests outstanding:"
		    " %s given up", x->itr->pend->n, ipprefix_fmt(&old->eid, e,
		    sizeof(e)));
		if (old->lig != NULL)
			old->lig_done(old->lig, NULL, NULL, 0);
		pending_free(x, old);
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->x = x;
	p->eid = *eid;
	p->nonce = lisp_nonce();
	timer_init(&p->t, pending_timer, p);
	pend_link(x->itr->pend, p);
	return p;
}

static void
pending_timer(void *arg)
{
	struct pending	*p = arg;
	struct xtrd	*x = p->x;

	if (p->tries == 0) {		/* deferred (itr_resolve): now */
		(void)pending_start(x, p);
		return;
	}
	if (p->tries >= x->conf->map_request_retries + 1u) {
		cnt_inc(C_map_request_timeout);
		tl_add("map-request-timeout", &p->eid, NULL, "after %u tries",
		    p->tries);
		if (p->lig == NULL && !p->withdraw_check)
			backoff_unanswered(x->itr, &p->eid, p->tries - 1);
		if (p->lig != NULL)
			p->lig_done(p->lig, NULL, NULL, 0);
		if (p->withdraw_check) {
			struct ipprefix	eid = p->eid;

			pending_free(x, p);
			etr_withdraw_checked(x, &eid, NULL, "no answer");
			return;
		}
		pending_free(x, p);
		return;
	}
	cnt_inc(C_map_request_retransmit);
	if (p->mr >= 0 && x->conf->nmr > 0)
		p->mr = (p->mr + 1) % x->conf->nmr;
	p->tries++;
	sec_itr_retry(x, p);
	send_request(x, p);
	timer_set(&x->timers, &p->t, mono_ms() + retry_delay(x, p->tries));
}

static int
pending_start(struct xtrd *x, struct pending *p)
{
	if (x->conf->subscribe && p->lig == NULL && !p->withdraw_check) {
		pend_unlink(x->itr->pend, p);	/* (indexed by nonce) */
		p->nonce = itr_sub_next_nonce(x, &p->eid);  /* RFC 9437 §5 */
		pend_link(x->itr->pend, p);
	}
	p->tries = 1;
	if (send_request(x, p) == -1) {
		pending_free(x, p);
		return -1;
	}
	timer_set(&x->timers, &p->t, mono_ms() + retry_delay(x, 1));
	return 0;
}

int
itr_resolve(struct xtrd *x, const struct ipprefix *eid, bool smr_invoked)
{
	struct pending	*p;
	char		 e[IPPREFIX_STRLEN];

	if (x->conf->nmr == 0) {
		errno = ENOENT;
		return -1;
	}
	if (pend_by_eid(x, eid) != NULL)
		return 1;
	ipprefix_fmt(eid, e, sizeof(e));
	/* RFC 9301 §5.3: the 30 s wait */
	if (backoff_held(x->itr, eid)) {
		cnt_drop(C_drop_map_request_backoff, "Map-Request for %s", e);
		return 1;
	}
	/* RFC 9301 §5.3: "Map-Requests MUST be rate limited to 1 per
	 * second per EID-Prefix", SMR-invoked ones too: one that comes too
	 * soon goes when the second is over (an SMR says the mapping
	 * changed: it must not be lost), any other is dropped */
	if (!rl_allow(x->itr->rl_mreq, eid, sizeof(*eid), mono_ms())) {
		if (!smr_invoked) {
			cnt_drop(C_drop_map_request_ratelimited,
			    "Map-Request for %s", e);
			return 1;
		}
		if ((p = pending_new(x, eid)) == NULL)
			return -1;
		p->smr_invoked = true;
		p->tries = 0;
		cnt_inc(C_map_request_deferred);
		timer_set(&x->timers, &p->t, mono_ms() + x->conf->rate_limit);
		return 1;
	}
	if ((p = pending_new(x, eid)) == NULL)
		return -1;
	p->smr_invoked = smr_invoked;
	return pending_start(x, p);
}

int
itr_lig(struct xtrd *x, const struct ipprefix *eid, const struct ipaddr *mr,
    itr_lig_done_fn done, void *lig, uint64_t *nonce)
{
	struct pending	*p;

	if (mr == NULL && x->conf->nmr == 0) {
		errno = ENOENT;
		return -1;
	}
	if ((p = pending_new(x, eid)) == NULL)
		return -1;
	p->lig = lig;
	p->lig_done = done;
	if (mr != NULL) {
		p->mr = -1;
		p->lig_mr = *mr;
	}
	*nonce = p->nonce;
	return pending_start(x, p);
}

int
itr_withdraw_check(struct xtrd *x, const struct ipprefix *eid)
{
	struct pending	*p;

	if (x->conf->nmr == 0) {
		errno = ENOENT;
		return -1;
	}
	if ((p = pending_new(x, eid)) == NULL)
		return -1;
	p->withdraw_check = true;
	return pending_start(x, p);
}

bool
etr_is_withdraw_check(struct xtrd *x, uint64_t nonce)
{
	struct pending	*p;
	struct ipprefix	 eid;

	if ((p = pend_by_nonce(x, nonce)) == NULL || !p->withdraw_check)
		return false;
	eid = p->eid;
	pending_free(x, p);
	/* the mapping system sent it to us: it maps p here */
	etr_withdraw_checked(x, &eid, NULL, "the Map-Server still sends it "
	    "to us");
	return true;
}

void
itr_lig_cancel(struct xtrd *x, void *lig)
{
	struct pending	*p;

	for (p = x->itr->pend->oldest; p != NULL; p = p->newer)
		if (p->lig == lig) {
			pending_free(x, p);
			return;
		}
}

void
itr_install(struct xtrd *x, const struct lisp_record *r,
    const struct ipprefix *p, const struct ipaddr *src, const char *why)
{
	struct mc_entry	 e;
	uint64_t	 now = mono_ms();
	int		 i, nself = 0;

	memset(&e, 0, sizeof(e));
	e.iid = r->eid.has_iid ? r->eid.iid : 0;
	e.eid = *p;
	e.negative = r->nloc == 0;
	e.action = r->action;
	e.map_version = r->map_version;
	e.ttl_min = r->ttl;
	/* RFC 9301 §5.4: "If the value is 0xffffffff, the recipient can
	 * decide locally how long to store the mapping"; any TTL above our
	 * ceiling is decided so too (issue 15 finding 3: a reply for a
	 * year kept a hijack for a year) */
	if (e.ttl_min > x->conf->map_cache_ttl_max) {
		e.ttl_min = x->conf->map_cache_ttl_max;
		cnt_inc(C_map_reply_ttl_capped);
	}
	e.installed_ms = now;
	e.expires_ms = now + (uint64_t)e.ttl_min * 60000;
	for (i = 0; i < r->nloc; i++) {
		const struct lisp_locator *l = &r->loc[i];

		if (l->rloc.ip.af == AF_UNSPEC)
			continue;
		if (xc_has_rloc(x->conf, &l->rloc.ip)) {
			nself++;	/* encapsulating to ourselves loops */
			continue;
		}
		e.rloc[e.nrloc].addr = l->rloc.ip;
		e.rloc[e.nrloc].priority = l->priority;
		e.rloc[e.nrloc].weight = l->weight;
		e.rloc[e.nrloc].mpriority = l->mpriority;
		e.rloc[e.nrloc].mweight = l->mweight;
		e.rloc[e.nrloc].up = l->reachable;
		e.nrloc++;
	}
	/* A mapping that points only at us (our own Map-Request for a prefix
	 * of ours came back, or a peer's stale view): never installed, the
	 * data plane would send its packets to itself. */
	if (nself > 0 && e.nrloc == 0) {
		cnt_drop(C_drop_reply_self, "mapping for %s from %s points at "
		    "this xTR", ipprefix_fmt(p, (char[IPPREFIX_STRLEN]){ 0 },
		    IPPREFIX_STRLEN), ipaddr_fmt(src, (char[IPADDR_STRLEN])
		    { 0 }, IPADDR_STRLEN));
		return;
	}
	if (r->ttl == 0) {	/* RFC 9301 §5.4: TTL 0 = do not cache */
		mc_remove(x->mc, e.iid, p);
		tl_add("map-cache-removed", p, src, "TTL 0");
		return;
	}
	if (mc_update(x->mc, &e) == -1) {
		cnt_drop(C_drop_table_full, "map-cache insert failed");
		return;
	}
	cnt_inc(C_map_reply_accepted);
	dp_mapping_installed(x, p);	/* send the packets that waited */
	tl_add("map-reply-accepted", p, src, "%s%u RLOCs first %s ttl %u%s",
	    e.negative ? "negative " : "", e.nrloc,
	    e.nrloc ? ipaddr_fmt(&e.rloc[0].addr,
	    (char[IPADDR_STRLEN]){ 0 }, IPADDR_STRLEN) : "-", r->ttl,
	    why);
	/* a site we talk to now: SMR it for our recent changes (smr.c) */
	if (e.nrloc > 0) {
		struct ipaddr	a[LISP_MAX_LOCATORS];

		for (i = 0; i < e.nrloc; i++)
			a[i] = e.rloc[i].addr;
		smr_follow_up(x, p, a, e.nrloc);
	}
}

/* r (the record's RLOCs in `rec`) covers an EID prefix we know is not
 * rec's: one of our own, or a cached mapping to other RLOCs. */
struct known_arg {
	struct xtrd			*x;
	const struct lisp_record	*rec;
	bool				 found;
};

static bool
rec_has_rloc(const struct lisp_record *rec, const struct ipaddr *a)
{
	int	i;

	for (i = 0; i < rec->nloc; i++)
		if (ipaddr_cmp(&rec->loc[i].rloc.ip, a) == 0)
			return true;
	return false;
}

static int
other_cached(const struct mc_entry *e, void *arg)
{
	struct known_arg	*k = arg;
	int			 i;

	if (e->negative)
		return 0;
	for (i = 0; i < e->nrloc; i++)
		if (!rec_has_rloc(k->rec, &e->rloc[i].addr)) {
			k->found = true;
			return 1;
		}
	return 0;
}

static bool
covers_known(const struct ipprefix *r, void *arg)
{
	struct known_arg	*k = arg;
	struct db_map		*dm;

	for (dm = k->x->etr->db; dm != NULL; dm = dm->next)
		if (!dm->withdrawn && ipprefix_covers(r, &dm->m.eid))
			return true;
	k->found = false;
	(void)mc_walk_covered(k->x->mc, 0, r, other_cached, k);
	return k->found;
}

enum itr_scope
itr_accepts(struct xtrd *x, const struct ipprefix *q,
    const struct lisp_record *r, const struct ipprefix *rp,
    const struct ipprefix *auth)
{
	struct itr_scope_conf	sc;
	struct known_arg	k = { x, r, false };

	sc.min_plen4 = (uint8_t)x->conf->map_reply_min_plen4;
	sc.min_plen6 = (uint8_t)x->conf->map_reply_min_plen6;
	return itr_record_scope(q, rp, r->nloc == 0, auth, &sc, covers_known,
	    &k);
}

/* RFC 9301 §5.4: decode a Map-Reply into x->itr->rep and find the
 * request it answers, or NULL: the answer to an RLOC-probe of ours
 * (handled), or refused (counted). */
static struct pending *
reply_match(struct xtrd *x, const uint8_t *buf, size_t len,
    const struct ipaddr *src, const char *a)
{
	struct lisp_map_reply	*rep = &x->itr->rep;
	enum lisp_err		 why = LERR_OK;
	struct pending		*p;

	if (lisp_decode_map_reply(buf, len, rep, &why) == -1) {
		cnt_drop_lerr(why, "Map-Reply from %s", a);
		return NULL;
	}
	/* RFC 9301 §7.1: the answer to an RLOC-probe of ours */
	if (rep->probe && rloc_probe_rx(x, rep, src))
		return NULL;
	/* RFC 9301 §5.4: only a reply whose nonce we sent is believed */
	if ((p = pend_by_nonce(x, rep->nonce)) == NULL) {
		cnt_drop(C_drop_unsolicited_reply, "Map-Reply from %s, nonce "
		    "%016llx matches no request", a,
		    (unsigned long long)rep->nonce);
		return NULL;
	}
	return p;
}

/* RFC 9303: the reply's LISP-SEC (x->itr->rep_ad): 1 verified, 0 none to
 * check, -1 refused (the request waits for the right one, §6.9) or asked
 * again without LISP-SEC (§6.7). */
static int
reply_sec(struct xtrd *x, struct pending *p, const uint8_t *buf, size_t len,
    const struct ipaddr *src, const char *a)
{
	struct lisp_map_reply	*rep = &x->itr->rep;
	struct lisp_sec_mrep_ad	*ad = &x->itr->rep_ad;
	int			 sec;

	if ((sec = sec_itr_reply(x, p, buf, len, rep, ad, a)) == -1)
		return -1;
	if (sec == 1 && ad->eid.e_bit && rep->rec[0].nloc == 0 &&
	    x->conf->lisp_sec == LISPSEC_OPTIONAL && !p->no_sec) {
		/* RFC 9303 §6.7: E set on a negative reply: the ETRs cannot
		 * sign; optional asks again without LISP-SEC */
		cnt_inc(C_lispsec_downgraded);
		tl_add("lisp-sec-downgraded", &p->eid, src, "E bit");
		p->no_sec = true;
		send_request(x, p);
		return -1;
	}
	return sec;
}

/* Each record of the reply to p into the map-cache: installed, narrowed
 * or refused (itr_scope.h); sec: reply_sec()'s 1 or 0. */
static void
reply_install(struct xtrd *x, struct pending *p, int sec,
    const struct ipaddr *src, const char *a)
{
	struct lisp_map_reply	*rep = &x->itr->rep;
	struct lisp_sec_mrep_ad	*ad = &x->itr->rep_ad;
	char			 e[IPPREFIX_STRLEN];
	int			 i;

	for (i = 0; i < rep->nrec; i++) {
		struct ipprefix	q, auth;
		char		r[IPPREFIX_STRLEN];

		/* RFC 9303 §6.9.1: inside the EID-AD's prefixes only */
		if (sec == 1 && !sec_itr_record_ok(ad, &rep->rec[i], a))
			continue;
		q.addr = rep->rec[i].eid.ip;
		q.plen = rep->rec[i].eid_plen;
		ipprefix_mask(&q);
		ipprefix_fmt(&q, r, sizeof(r));
		ipprefix_fmt(&p->eid, e, sizeof(e));
		/* a record must be about the EID we asked for, and claim no
		 * more than may be believed (itr_scope.h): what LISP-SEC's
		 * EID-AD authorized, else what the request and the map-cache
		 * allow */
		switch (itr_accepts(x, &p->eid, &rep->rec[i], &q, sec == 1 &&
		    sec_itr_auth_prefix(ad, &rep->rec[i], &auth) ? &auth :
		    NULL)) {
		case ITR_SCOPE_REFUSE:
			cnt_drop(C_drop_reply_eid_mismatch, "Map-Reply from %s "
			    "for %s carries %s", a, e, r);
			continue;
		case ITR_SCOPE_NARROW:
			cnt_drop(C_map_reply_narrowed, "Map-Reply from %s for "
			    "%s claims %s: installed for %s only", a, e, r, e);
			tl_add("map-reply-narrowed", &p->eid, src, "claimed %s",
			    r);
			q = p->eid;
			break;
		case ITR_SCOPE_INSTALL:
			break;
		}
		itr_install(x, &rep->rec[i], &q, src, p->smr_invoked ?
		    " smr-invoked" : "");
	}
}

/* A Map-Reply: matched to its request, checked (LISP-SEC), then handed
 * to whoever asked: a lig, a withdraw check, or the map-cache. */
void
itr_rx_map_reply(struct xtrd *x, const uint8_t *buf, size_t len,
    const struct ipaddr *src)
{
	struct pending	*p;
	char		 a[IPADDR_STRLEN];
	int		 sec;

	ipaddr_fmt(src, a, sizeof(a));
	if ((p = reply_match(x, buf, len, src, a)) == NULL)
		return;
	if ((sec = reply_sec(x, p, buf, len, src, a)) == -1)
		return;
	if (p->lig != NULL) {
		p->lig_done(p->lig, &x->itr->rep, src, mono_ms() - p->sent_ms);
		pending_free(x, p);
		return;
	}
	if (p->withdraw_check) {
		struct ipprefix	eid = p->eid;

		pending_free(x, p);
		etr_withdraw_checked(x, &eid, &x->itr->rep, "answered");
		return;
	}
	reply_install(x, p, sec, src, a);
	backoff_answered(x->itr, &p->eid);
	pending_free(x, p);
}
