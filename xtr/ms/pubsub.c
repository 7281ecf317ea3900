/*
 * pubsub.c: publish/subscribe (RFC 9437).
 *
 * ITR side: with `subscribe = yes`, every Map-Request an ITR sends through
 * the mapping system sets the I bit (xTR-ID and Site-ID appended after the
 * records) and the N bit of its EID record (RFC 9437 §4); the Map-Server
 * then sends a Map-Notify, authenticated with the key the xTR registers
 * with, whenever that mapping changes, and the ITR installs it
 * (etr_register.c hands such Notifies to itr_install()).
 *
 * Map-Server side: a subscription is kept per EID prefix and subscriber
 * (xTR-ID); whenever the RLOC set answering for the prefix changes, or a
 * more-specific is registered inside it, every subscriber gets a
 * Map-Notify carrying the new mapping.  The key is the one of the site the
 * subscriber registers its own EIDs in (found by its xTR-ID); a subscriber
 * that registers nothing with this Map-Server cannot be authenticated and
 * is not accepted.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mono.h"
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

ssize_t
pubsub_add(struct xtrd *x, uint8_t *p, size_t len, size_t cap,
    const struct ipprefix *eid)
{
	static struct lisp_map_request	req;
	uint8_t				i;

	(void)eid;
	/* our own request: decode it, add the RFC 9437 §4 fields, encode */
	if (lisp_decode_map_request(p, len, &req, NULL) == -1)
		return -1;
	req.subscribe = true;
	for (i = 0; i < req.nrec; i++)
		req.rec[i].notify = true;
	memcpy(req.xtr_id, x->xtr_id, LISP_XTR_ID_LEN);
	req.site_id = x->conf->site_id;
	return lisp_encode_map_request(&req, p, cap);
}

struct find_site {
	const uint8_t	*xtr_id;
	int		 site;
};

static int
find_site_cb(struct ms_eid *e, void *arg)
{
	struct find_site	*f = arg;
	struct ms_reg		*r;

	for (r = e->regs; r != NULL; r = r->next)
		if (memcmp(r->xtr_id, f->xtr_id, LISP_XTR_ID_LEN) == 0) {
			f->site = r->site;
			return 1;
		}
	return 0;
}

void
pubsub_subscribe(struct xtrd *x, struct ms_eid *e,
    const struct pubsub_req *ps, const struct ipaddr *itr, uint16_t port)
{
	struct find_site	 f = { ps->xtr_id, -1 };
	struct ms_sub		*s;
	char			 a[IPADDR_STRLEN];

	for (s = e->subs; s != NULL; s = s->next)
		if (memcmp(s->xtr_id, ps->xtr_id, LISP_XTR_ID_LEN) == 0) {
			s->itr = *itr;		/* refresh */
			s->port = port;
			return;
		}
	ms_walk(x, find_site_cb, &f);
	if (f.site < 0) {
		cnt_drop(C_drop_unknown_site, "subscription from %s: its "
		    "xTR-ID registers nothing here, no key to sign with",
		    ipaddr_fmt(itr, a, sizeof(a)));
		return;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return;
	s->itr = *itr;
	s->port = port;
	memcpy(s->xtr_id, ps->xtr_id, LISP_XTR_ID_LEN);
	s->site = f.site;
	s->since_ms = mono_ms();
	s->next = e->subs;
	e->subs = s;
	tl_add("subscribed", &e->eid, itr, "site %s", x->conf->site[f.site].name);
}

void
pubsub_publish_rec(struct xtrd *x, struct ms_eid *e,
    const struct lisp_record *rec)
{
	struct ms_sub	*s;
	struct ipprefix	 p;

	p.addr = rec->eid.ip;
	p.plen = rec->eid_plen;
	for (s = e->subs; s != NULL; s = s->next) {
		cnt_inc(C_ms_pubsub_notify);
		tl_add("pubsub-notify", &p, &s->itr, NULL);
		/* RFC 9301 §5: a notification Map-Notify goes to port 4342
		 * (not the Map-Request's source port) */
		ms_notify_reliable(x, s->site, rec, &s->itr,
		    LISP_CONTROL_PORT, s->xtr_id, "pubsub-notify");
	}
}

void
pubsub_publish(struct xtrd *x, struct ms_eid *e)
{
	static struct lisp_record	rec;

	if (e->subs == NULL)
		return;
	ms_merged_record(e, &rec);
	if (e->regs == NULL)
		rec.ttl = 0;		/* withdrawn: drop it from the cache */
	pubsub_publish_rec(x, e, &rec);
}
