/*
 * mr_resolve.c: the Map-Resolver role (RFC 9301 §8.3, §8.4).  An ECM
 * Map-Request is looked up in the registrations (longest match):
 *  - registered with proxy-reply (P): the Map-Server answers itself;
 *  - registered: the ECM is forwarded, unchanged, to the ETR that
 *    registered it, which answers the ITR directly;
 *  - not registered: a negative Map-Reply for the largest prefix around
 *    the EID that holds no registration (TTL 1 minute inside site space,
 *    negative_ttl outside), action natively-forward.
 * A LISP-SEC-protected request (RFC 9303 §6.7, lispsec_ms.c) is
 * answered the same way, with the EID-Prefix authorization: Table 1's
 * order (proxy, then an ETR that registered with S, else a protected
 * negative reply with the E bit) and every reply the MS sends signed.
 */
#include <string.h>

#include "log.h"
#include "mono.h"
#include "xtr/xtrd.h"
#include "xtr/cp/cp.h"
#include "xtr/ms/ms.h"
#include "xtr/ms/ms_int.h"

static int
any_cb(const struct ipprefix *p, void *v, void *arg)
{
	(void)p;
	(void)v;
	(void)arg;
	return 1;
}

static bool
overlaps_reg(struct xtrd *x, uint32_t iid, const struct ipprefix *p)
{
	struct lpm	*t = ms_tab(x, iid, p->addr.af);

	return t != NULL && (lpm_lookup_prefix(t, p, NULL) != NULL ||
	    lpm_walk_covered(t, p, any_cb, NULL) != 0);
}

/* RFC 9301 §8.4: the least-specific prefix around a that is safe to
 * cache as negative, in Instance-ID iid. */
static void
negative_prefix(struct xtrd *x, uint32_t iid, const struct ipaddr *a,
    bool in_site, struct ipprefix *out)
{
	int	max = ipaddr_maxplen(a->af), plen;

	for (plen = 0; plen <= max; plen++) {
		struct ipprefix	c;

		c.addr = *a;
		c.plen = (uint8_t)plen;
		ipprefix_mask(&c);
		if (overlaps_reg(x, iid, &c))
			continue;
		if (in_site ? ms_site_for_eid(x->conf, iid, &c, NULL) == -1 :
		    ms_in_site_space(x->conf, iid, &c))
			continue;
		*out = c;
		return;
	}
	ipprefix_host(a, out);
}

static void
send_reply(struct xtrd *x, const struct lisp_map_request *req,
    const struct lisp_ecm *ecm, const struct ipaddr *src,
    const struct lisp_record *rec, const char *what,
    const struct sec_sign *sg)
{
	struct lisp_map_reply		*rep = &x->ms->scratch.reply;
	uint8_t				*buf = x->ms->scratch.reply_buf;
	const size_t			 cap = sizeof(x->ms->scratch.reply_buf);
	const struct ipaddr		*to;
	struct ipprefix			 p;
	ssize_t				 n;
	char				 a[IPADDR_STRLEN];

	if ((to = mreq_reply_rloc(req, src->af)) == NULL) {
		cnt_drop(C_drop_no_itr_rloc, "Map-Request via %s",
		    ipaddr_fmt(src, a, sizeof(a)));
		return;
	}
	p.addr = req->rec[0].eid.ip;
	p.plen = req->rec[0].plen;
	if (!xtr_map_reply_allowed(x, to, &p))
		return;			/* RFC 9301 §5.4: rate limited */
	memset(rep, 0, sizeof(*rep));
	rep->nonce = req->nonce;
	rep->nrec = 1;
	rep->rec[0] = *rec;
	rep->security = sg != NULL && sg->on;	/* RFC 9303 §6.7.2 */
	if ((n = lisp_encode_map_reply(rep, buf, cap)) < 0 ||
	    (rep->security && (n = sec_sign_reply(sg, buf, (size_t)n,
	    cap)) < 0))
		return;
	if (rep->security)
		cnt_inc(C_lispsec_signed);
	if (xtr_send(x, to, ecm->inner_sport ? ecm->inner_sport :
	    LISP_CONTROL_PORT, buf, (size_t)n) == -1)
		return;
	cnt_inc(rec->nloc ? C_tx_map_reply : C_tx_negative_reply);
	p.addr = rec->eid.ip;
	p.plen = rec->eid_plen;
	tl_add(what, &p, to, "nonce %016llx", (unsigned long long)req->nonce);
}

/* One ECM Map-Request at the Map-Resolver, through the steps below. */
struct mr_req {
	struct xtrd			*x;
	const uint8_t			*pkt;	/* the ECM as it came */
	size_t				 len;
	const struct lisp_ecm		*ecm;
	const struct lisp_map_request	*req;
	const struct ipaddr		*src;
	const struct pubsub_req		*ps;
	uint32_t			 iid;	/* of the EID asked */
	struct ipprefix			 want;	/* the EID asked */
	struct ipprefix			 matched; /* what answers for it */
	struct sec_ms			 sm;	/* RFC 9303, if protected */
	struct sec_sign			 sg;
	char				 a[IPADDR_STRLEN];	/* src */
};

/* What the Map-Resolver refuses to look up; true if q may go on. */
static bool
mr_acceptable(struct mr_req *q)
{
	const struct lisp_map_request	*req = q->req;

	/* RFC 9301 §5.2: "If a Map-Resolver or Map-Server receives a
	 * Map-Request with the probe-bit set, it MUST drop the message." */
	if (req->probe) {
		cnt_drop(C_drop_probe_to_ms, "ECM Map-Request from %s with the "
		    "probe bit", q->a);
		return false;
	}
	if (req->nrec == 0 || req->smr) {
		cnt_drop(C_drop_ecm_inner, "ECM Map-Request from %s: %s", q->a,
		    req->smr ? "SMR" : "no record");
		return false;
	}
	q->want.addr = req->rec[0].eid.ip;
	q->want.plen = req->rec[0].plen;
	/* RFC 8060 §4.1: "When used as a lookup key, the EID is regarded as
	 * an extended-EID in the mapping system": looked up in the
	 * Instance-ID the EID-record's LCAF names (0 without one) only */
	q->iid = ms_addr_iid(&req->rec[0].eid);
	if (q->want.addr.af != AF_INET && q->want.addr.af != AF_INET6) {
		cnt_drop_lerr(LERR_BAD_AFI, "ECM Map-Request from %s", q->a);
		return false;
	}
	return true;
}

/* RFC 9437 §5: N set and one ITR-RLOC of AFI 0 unsubscribes; no
 * Map-Reply (it has nowhere to go), a Map-Notify to the source RLOC. */
static void
mr_unsubscribe(struct mr_req *q)
{
	struct ms_eid	*e;

	if ((e = ms_lookup(q->x, q->iid, &q->want.addr, &q->matched)) != NULL)
		pubsub_unsubscribe(q->x, e, q->req, q->ps, &q->ecm->inner_src);
	else
		cnt_drop(C_drop_pubsub_replay, "unsubscription from %s: no "
		    "such prefix", q->a);
}

/* Not registered: RFC 9301 §8.4, a negative Map-Reply for the largest
 * prefix around the EID that holds no registration. */
static void
mr_negative(struct mr_req *q)
{
	struct xtrd		*x = q->x;
	struct lisp_record	 rec;
	bool			 in_site;

	ipprefix_host(&q->want.addr, &q->matched);
	in_site = ms_site_for_eid(x->conf, q->iid, &q->matched, NULL) != -1;
	memset(&rec, 0, sizeof(rec));
	negative_prefix(x, q->iid, &q->want.addr, in_site, &q->matched);
	if (q->iid != 0)		/* the answer names the IID asked */
		rec.eid = q->req->rec[0].eid;
	rec.eid.ip = q->matched.addr;
	rec.eid_plen = q->matched.plen;
	rec.ttl = in_site ? 1 : x->conf->negative_ttl;
	rec.action = LISP_ACT_NATIVE_FWD;
	/* RFC 9301 §5.4: "The Authoritative bit MAY only be set to 1 by an
	 * ETR." */
	rec.authoritative = false;
	/* RFC 9303 §6.7.1: the EID-AD names the prefix answered */
	if (q->sm.on && sec_ms_signer(&q->sm, &q->req->rec[0].eid,
	    &q->matched, false, &q->sg) == -1)
		return;
	send_reply(x, q->req, q->ecm, q->src, &rec, "negative-reply-sent",
	    &q->sg);
}

/* RFC 9437 §5: a subscription rides on the Map-Request. */
static void
mr_subscribe(struct mr_req *q, struct ms_eid *e)
{
	const struct ipaddr	*itr;

	if (q->ps == NULL || !q->ps->xtr_id_present || !q->ps->notify ||
	    (itr = mreq_reply_rloc(q->req, q->src->af)) == NULL)
		return;
	(void)pubsub_subscribe(q->x, e, q->req, q->ps, itr,
	    q->ecm->inner_sport ? q->ecm->inner_sport : LISP_CONTROL_PORT);
}

/* RFC 9301 §8.3: a proxy Map-Reply on the ETRs' behalf, if one of them
 * asked for it (P); true if answered (or dropped). */
static bool
mr_proxy(struct mr_req *q, struct ms_eid *e)
{
	struct lisp_record	 rec;
	struct ms_reg		*r;
	int			 i;

	for (r = e->regs; r != NULL; r = r->next)
		if (r->proxy_reply)
			break;
	if (r == NULL)
		return false;
	ms_merged_record(e, &rec);
	/* RFC 9301 §5.4: "A Map-Server generating Map-Reply messages as a
	 * proxy MUST NOT set the A-bit to 1"; "When a Map-Server is doing
	 * proxy Map-Replying for a LISP site, the L-bit is set to 0 for all
	 * Locators in this Locator-Set." */
	rec.authoritative = false;
	for (i = 0; i < rec.nloc; i++)
		rec.loc[i].local = false;
	lisp_record_sort_locators(&rec);	/* §5.5 */
	/* RFC 9303 §6.7 Table 1 row 1: E = 0 */
	if (q->sm.on && sec_ms_signer(&q->sm, &q->req->rec[0].eid,
	    &q->matched, false, &q->sg) == -1)
		return true;
	send_reply(q->x, q->req, q->ecm, q->src, &rec, "proxy-reply-sent",
	    &q->sg);
	return true;
}

/* RFC 9303 §7.3: the Map-Server is also the ETR that registered the EID
 * (our ETR's database is Instance-ID 0's, smr.c): it answers, signed
 * here; true if it did (or the signing failed). */
static bool
mr_local_etr(struct mr_req *q, const struct ipaddr *etr, bool any_plain)
{
	struct xtrd	*x = q->x;

	if (!(x->conf->roles & ROLE_XTR) || q->iid != 0 ||
	    !etr_db_lookup(x, &q->want.addr) || !xc_has_rloc(x->conf, etr))
		return false;
	if (q->sm.on && sec_ms_signer(&q->sm, &q->req->rec[0].eid,
	    &q->matched, any_plain, &q->sg) == -1)
		return true;
	etr_rx_map_request(x, q->req, q->src, q->ecm->inner_sport, &q->sg);
	return true;
}

/*
 * RFC 9303 §6.7 Table 1 row 3: a protected request that no ETR of the EID
 * can sign: a protected negative Map-Reply with E set, so that the ITR may
 * ask again without LISP-SEC; 1 minute, and packets dropped meanwhile
 * (our choice: ACT Drop/Auth-Failure).
 */
static void
mr_sec_negative(struct mr_req *q)
{
	struct lisp_record	rec;

	memset(&rec, 0, sizeof(rec));
	rec.eid = q->req->rec[0].eid;
	rec.eid.ip = q->matched.addr;
	rec.eid_plen = q->matched.plen;
	rec.ttl = 1;
	rec.action = LISP_ACT_DROP_AUTH;
	if (sec_ms_signer(&q->sm, &q->req->rec[0].eid, &q->matched, true,
	    &q->sg) == -1)
		return;
	send_reply(q->x, q->req, q->ecm, q->src, &rec, "negative-reply-sent",
	    &q->sg);
}

/* RFC 9301 §8.3: hand the ECM to the ETR r registered, at etr. */
static void
mr_forward(struct mr_req *q, struct ms_eid *e, const struct ms_reg *r,
    const struct ipaddr *etr, bool any_plain)
{
	struct xtrd	*x = q->x;
	const uint8_t	*pkt = q->pkt;
	size_t		 len = q->len;
	ssize_t		 n;
	char		 a[IPADDR_STRLEN];

	if (q->sm.on || q->ecm->security) {
		/* RFC 9303 §6.7.1: a new ECM (or, unprotected, the ECM
		 * without the AD we did not use) */
		if ((n = sec_ms_forward(x, &q->sm, q->ecm, q->req, r,
		    &q->matched, any_plain, x->ms->scratch.fwd,
		    sizeof(x->ms->scratch.fwd))) < 0) {
			log_warnx("cannot encode the ECM for %s",
			    ipaddr_fmt(&r->from, a, sizeof(a)));
			return;
		}
		pkt = x->ms->scratch.fwd;
		len = (size_t)n;
	}
	if (xtr_send(x, etr, LISP_CONTROL_PORT, pkt, len) == 0) {
		cnt_inc(C_tx_ecm_forward);
		if (q->sm.on)
			cnt_inc(C_lispsec_signed);
		tl_add("map-request-forwarded", &e->eid, etr,
		    "nonce %016llx%s", (unsigned long long)q->req->nonce,
		    q->req->smr_invoked ? " smr-invoked" : "");
	}
}

/* A registered EID without proxy-reply: answered by the ETRs that
 * registered it. */
static void
mr_to_etr(struct mr_req *q, struct ms_eid *e)
{
	const struct ipaddr	*etr;
	struct ms_reg		*r;
	bool			 any_s = false, any_plain = false;

	for (r = e->regs; r != NULL; r = r->next) {
		any_s |= r->security;
		any_plain |= !r->security;
	}
	r = e->regs;
	/* RFC 9301 §8.3: hand the ECM to the ETR that registered the EID, at
	 * an RLOC it registered: the source address of its Map-Register is
	 * whoever sent the packet, which an attacker can be */
	etr = ms_reg_etr(r, q->src->af);
	if (mr_local_etr(q, etr, any_plain))
		return;
	if (q->sm.on && !any_s) {
		mr_sec_negative(q);
		return;
	}
	if (q->sm.on) {			/* Table 1 row 2: an ETR that signs */
		while (!r->security)
			r = r->next;
		etr = ms_reg_etr(r, q->src->af);
	}
	mr_forward(q, e, r, etr, any_plain);
}

void
mr_rx_ecm_request(struct xtrd *x, const uint8_t *pkt, size_t len,
    const struct lisp_ecm *ecm, const struct lisp_map_request *req,
    const struct ipaddr *src, const struct pubsub_req *ps)
{
	struct mr_req	 q;
	struct ms_eid	*e;

	q.x = x;
	q.pkt = pkt;
	q.len = len;
	q.ecm = ecm;
	q.req = req;
	q.src = src;
	q.ps = ps;
	ipaddr_fmt(src, q.a, sizeof(q.a));
	if (!mr_acceptable(&q))
		return;
	if (sec_ms_open(x, ecm, req, q.a, &q.sm) == -1)	/* RFC 9303 §6.6 */
		return;
	if (ps != NULL && pubsub_is_unsubscribe(req, ps)) {
		mr_unsubscribe(&q);
		return;
	}
	q.sg.on = false;
	if ((e = ms_lookup(x, q.iid, &q.want.addr, &q.matched)) == NULL ||
	    e->regs == NULL) {
		mr_negative(&q);
		return;
	}
	mr_subscribe(&q, e);
	if (!mr_proxy(&q, e))
		mr_to_etr(&q, e);
}
