/*
 * pubsub.c: publish/subscribe (RFC 9437).
 *
 * ITR side: xtr/cp/itr_subscribe.c.
 *
 * Map-Server side: a subscription is kept per EID prefix and subscriber
 * (xTR-ID), acknowledged with a Map-Notify carrying the Map-Request's
 * nonce (RFC 9437 §5), refreshed only by a greater nonce; whenever the
 * RLOC set answering for the prefix changes, or a more-specific is
 * registered inside it, every subscriber gets a Map-Notify carrying the
 * new mapping, its nonce one above the last (§6).  The key is the one of
 * the site the subscriber registers its own EIDs in (found by its xTR-ID,
 * §7 below); a subscriber that registers nothing with this Map-Server
 * cannot be authenticated and is not accepted.  A Map-Request with N set
 * and one ITR-RLOC of AFI 0 unsubscribes (§5).
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mono.h"
#include "xtr/ms/ms.h"
#include "xtr/xtrd.h"

/* The codec decodes I, N, xTR-ID and Site-ID (lisp/map_request.c): the
 * message is decoded whole, trailer included. */
void
pubsub_parse_n(const uint8_t *p, size_t len,
    const struct lisp_map_request *req, struct pubsub_req *ps)
{
	(void)p;
	(void)len;
	memset(ps, 0, sizeof(*ps));
	if (!req->subscribe)		/* RFC 9437 §4: I bit */
		return;
	ps->xtr_id_present = true;
	ps->notify = req->nrec > 0 && req->rec[0].notify;	/* N bit */
	memcpy(ps->xtr_id, req->xtr_id, LISP_XTR_ID_LEN);
	ps->site_id = req->site_id;
}

/* Subscriptions not refreshed (a subscribing Map-Request) for this long
 * end: our ITRs subscribe again with every Map-Request, at least once per
 * mapping TTL.  (RFC 9437 leaves the lifetime to the implementation.) */
#define PUBSUB_MAX_AGE_MS	(24ull * 3600 * 1000)

/*
 * RFC 9437 §7: "Map-Resolvers MUST verify that an xTR is allowed to
 * subscribe to the EID-Prefixes in the Map-Request and use the xTR-ID,
 * Site-ID, and ITR-RLOCs in the Map-Request."  An xTR-ID is known here
 * by its registrations: the one that subscribes must register with this
 * Map-Server, under the same Site-ID, and the ITR-RLOC it asks the
 * notifications to go to must be one it registers from or registers as a
 * locator.  Its site's key signs the notifications (§5: "its security
 * association with the xTR").
 */
struct find_site {
	const uint8_t		*xtr_id;
	uint64_t		 site_id;
	const struct ipaddr	*itr;
	int			 site;		/* -1: xTR-ID registers nothing */
	bool			 itr_ok;
	bool			 site_id_ok;
};

static int
find_site_cb(struct ms_eid *e, void *arg)
{
	struct find_site	*f = arg;
	struct ms_reg		*r;
	int			 i;

	for (r = e->regs; r != NULL; r = r->next) {
		if (memcmp(r->xtr_id, f->xtr_id, LISP_XTR_ID_LEN) != 0)
			continue;
		f->site = r->site;
		if (r->site_id == f->site_id)
			f->site_id_ok = true;
		if (f->itr == NULL || ipaddr_cmp(&r->from, f->itr) == 0)
			f->itr_ok = true;
		for (i = 0; i < r->rec.nloc && f->itr != NULL; i++)
			if (ipaddr_cmp(&r->rec.loc[i].rloc.ip, f->itr) == 0)
				f->itr_ok = true;
	}
	return f->site >= 0 && f->itr_ok && f->site_id_ok;
}

/* The subscriber's site if it may use these IDs and ITR-RLOC, or -1. */
static int
sub_auth(struct xtrd *x, const struct pubsub_req *ps, const struct ipaddr *itr,
    const char *who)
{
	struct find_site	f;

	memset(&f, 0, sizeof(f));
	f.xtr_id = ps->xtr_id;
	f.site_id = ps->site_id;
	f.itr = itr;
	f.site = -1;
	ms_walk(x, find_site_cb, &f);
	if (f.site < 0) {
		cnt_drop(C_drop_unknown_site, "subscription from %s: its "
		    "xTR-ID registers nothing here, no key to sign with", who);
		return -1;
	}
	if (!f.site_id_ok || !f.itr_ok) {
		cnt_drop(C_drop_pubsub_auth, "subscription from %s: %s not "
		    "the xTR-ID's (RFC 9437 §7)", who, !f.site_id_ok ?
		    "Site-ID" : "ITR-RLOC");
		return -1;
	}
	return f.site;
}

static struct ms_sub *
sub_find(struct ms_eid *e, const uint8_t *xtr_id)
{
	struct ms_sub	*s;

	for (s = e != NULL ? e->subs : NULL; s != NULL; s = s->next)
		if (memcmp(s->xtr_id, xtr_id, LISP_XTR_ID_LEN) == 0)
			return s;
	return NULL;
}

static void
sub_unlink(struct ms_eid *e, struct ms_sub *s)
{
	struct ms_sub	**pp;

	for (pp = &e->subs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	free(s);
}

bool
pubsub_subscribe(struct xtrd *x, struct ms_eid *e,
    const struct lisp_map_request *req, const struct pubsub_req *ps,
    const struct ipaddr *itr, uint16_t port)
{
	struct lisp_record		 rec;
	struct ms_sub			*s;
	char				 a[IPADDR_STRLEN];
	int				 site;

	ipaddr_fmt(itr, a, sizeof(a));
	if ((site = sub_auth(x, ps, itr, a)) < 0)
		return false;
	s = sub_find(e, ps->xtr_id);
	/* RFC 9437 §5: "the Map-Server MUST verify that the nonce in the
	 * Map-Request is greater than the stored nonce (if any) associated
	 * with the xTR-ID (and EID-Prefix, when applicable). Otherwise, the
	 * Map-Server MUST silently drop the Map-Request message" */
	if (s != NULL && req->nonce <= s->nonce) {
		cnt_drop(C_drop_pubsub_replay, "subscription from %s: nonce "
		    "%016llx not above %016llx", a,
		    (unsigned long long)req->nonce,
		    (unsigned long long)s->nonce);
		return false;
	}
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return false;
		memcpy(s->xtr_id, ps->xtr_id, LISP_XTR_ID_LEN);
		s->since_ms = mono_ms();
		s->next = e->subs;
		e->subs = s;
		tl_add("subscribed", &e->eid, itr, "site %s",
		    x->conf->site[site].name);
	}
	/* "MUST extract the nonce and ITR-RLOCs ... Any state that is
	 * already present ... MUST be overwritten." */
	s->itr = *itr;
	s->port = port;
	s->site = site;
	s->nonce = req->nonce;
	s->last_ms = mono_ms();
	/* "the Map-Server MUST send a Map-Notify message back to the xTR to
	 * acknowledge the successful subscription ... MUST use the nonce from
	 * the Map-Request", signed with the xTR's key, to one of its
	 * ITR-RLOCs; retransmitted until acknowledged (RFC 9301 §5.7) */
	ms_merged_record(e, &rec);
	if (e->regs == NULL)
		rec.ttl = 0;
	cnt_inc(C_ms_pubsub_ack);
	ms_notify_reliable(x, site, &rec, itr, LISP_CONTROL_PORT, s->xtr_id,
	    s->nonce, "pubsub-subscribed");
	return true;
}

/* RFC 9437 §5: "If a valid Map-Request with the N-bit set to 1 only has
 * one ITR-RLOC with AFI = 0 (i.e., Unknown Address), the Map-Server MUST
 * remove the subscription state for that xTR-ID" */
bool
pubsub_is_unsubscribe(const struct lisp_map_request *req,
    const struct pubsub_req *ps)
{
	return ps->xtr_id_present && ps->notify && req->nitr == 1 &&
	    req->itr_rloc[0].ip.af == AF_UNSPEC;
}

void
pubsub_unsubscribe(struct xtrd *x, struct ms_eid *e,
    const struct lisp_map_request *req, const struct pubsub_req *ps,
    const struct ipaddr *src)
{
	struct lisp_record		 rec;
	struct ms_sub			*s;
	char				 a[IPADDR_STRLEN];
	int				 site;

	ipaddr_fmt(src, a, sizeof(a));
	/* §5: "The same considerations regarding authentication, integrity
	 * protection, and nonce checks ... apply for Map-Requests used to
	 * remove subscription state": the source RLOC stands for the
	 * ITR-RLOC it did not give */
	if ((site = sub_auth(x, ps, src, a)) < 0)
		return;
	if ((s = sub_find(e, ps->xtr_id)) == NULL) {
		cnt_drop(C_drop_pubsub_replay, "unsubscription from %s: not "
		    "subscribed", a);
		return;
	}
	if (req->nonce <= s->nonce) {
		cnt_drop(C_drop_pubsub_replay, "unsubscription from %s: nonce "
		    "%016llx not above %016llx", a,
		    (unsigned long long)req->nonce,
		    (unsigned long long)s->nonce);
		return;
	}
	tl_add("unsubscribed", &e->eid, src, NULL);
	sub_unlink(e, s);
	cnt_inc(C_ms_pubsub_unsubscribed);
	/* "If the subscription state is removed, the Map-Server MUST send a
	 * Map-Notify to the source RLOC of the Map-Request." */
	ms_merged_record(e, &rec);
	if (e->regs == NULL)
		rec.ttl = 0;
	ms_notify_reliable(x, site, &rec, src, LISP_CONTROL_PORT, ps->xtr_id,
	    req->nonce, "pubsub-unsubscribed");
}

/* A subscriber whose xTR-ID registers nothing here any more, or that did
 * not subscribe again for PUBSUB_MAX_AGE_MS, is dropped. */
static bool
sub_expired(struct xtrd *x, struct ms_sub *s, uint64_t now)
{
	struct find_site	f;

	if (now - s->last_ms > PUBSUB_MAX_AGE_MS)
		return true;
	memset(&f, 0, sizeof(f));
	f.xtr_id = s->xtr_id;
	f.site = -1;
	f.site_id_ok = f.itr_ok = true;		/* checked when subscribed */
	ms_walk(x, find_site_cb, &f);
	return f.site < 0;
}

void
pubsub_publish_rec(struct xtrd *x, struct ms_eid *e,
    const struct lisp_record *rec)
{
	struct ms_sub	*s, *next;
	struct ipprefix	 p;
	uint64_t	 now = mono_ms();

	p.addr = rec->eid.ip;
	p.plen = rec->eid_plen;
	for (s = e->subs; s != NULL; s = next) {
		next = s->next;
		if (sub_expired(x, s, now)) {
			cnt_inc(C_ms_pubsub_expired);
			tl_add("subscription-expired", &e->eid, &s->itr, NULL);
			sub_unlink(e, s);
			continue;
		}
		cnt_inc(C_ms_pubsub_notify);
		tl_add("pubsub-notify", &p, &s->itr, NULL);
		/* RFC 9437 §6: "The Map-Server increments the nonce by one
		 * every time it sends a Map-Notify as publication to an
		 * xTR-ID for a particular EID-Prefix."  RFC 9301 §5: a
		 * notification goes to port 4342. */
		s->nonce++;
		ms_notify_reliable(x, s->site, rec, &s->itr,
		    LISP_CONTROL_PORT, s->xtr_id, s->nonce, "pubsub-notify");
	}
}

void
pubsub_publish(struct xtrd *x, struct ms_eid *e)
{
	struct lisp_record	rec;

	if (e->subs == NULL)
		return;
	ms_merged_record(e, &rec);
	if (e->regs == NULL)
		rec.ttl = 0;		/* withdrawn: drop it from the cache */
	pubsub_publish_rec(x, e, &rec);
}
