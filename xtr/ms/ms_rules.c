/*
 * ms_rules.c: the Map-Server's replace / merge rules (RFC 9301 §8.2),
 * pure functions over one EID's registrations so they can be unit-tested
 * alone.  Registrations are kept per registering xTR (xTR-ID).  With the
 * merge bit set by the new registration and by every one already there,
 * the xTRs' RLOC sets add up; otherwise the newest xTR's registration
 * replaces the others (which the caller then notifies: mobility).  A
 * registration with TTL 0 withdraws that xTR's registration.
 */
#include <stdlib.h>
#include <string.h>

#include "xtr/ms/ms.h"

static bool
has_loc(const struct lisp_record *r, const struct lisp_locator *l)
{
	int	i;

	for (i = 0; i < r->nloc; i++)
		if (ipaddr_cmp(&r->loc[i].rloc.ip, &l->rloc.ip) == 0 &&
		    r->loc[i].priority == l->priority &&
		    r->loc[i].weight == l->weight)
			return true;
	return false;
}

bool
msr_same_rlocs(const struct lisp_record *a, const struct lisp_record *b)
{
	int	i;

	if (a->nloc != b->nloc)
		return false;
	for (i = 0; i < a->nloc; i++)
		if (!has_loc(b, &a->loc[i]))
			return false;
	return true;
}

void
ms_merged_record(const struct ms_eid *e, struct lisp_record *out)
{
	const struct ms_reg	*r;
	int			 i;

	memset(out, 0, sizeof(*out));
	if (e->regs != NULL)
		*out = e->regs->rec;
	out->eid.ip = e->eid.addr;
	out->eid_plen = e->eid.plen;
	if (e->iid != 0) {
		/* RFC 8060 §4.1: the record names its Instance-ID */
		out->eid.has_iid = true;
		out->eid.iid = e->iid;
	}
	if (e->regs == NULL)
		return;
	for (r = e->regs->next; r != NULL; r = r->next)
		for (i = 0; i < r->rec.nloc; i++) {
			if (has_loc(out, &r->rec.loc[i]) ||
			    out->nloc == LISP_MAX_LOCATORS)
				continue;
			out->loc[out->nloc++] = r->rec.loc[i];
		}
}

void
msr_fill(struct ms_reg *r, const struct lisp_map_register *m,
    const uint8_t *xtr_id, int site, const struct lisp_record *rec,
    const struct ipaddr *from, uint16_t from_port, uint64_t now_ms)
{
	memcpy(r->xtr_id, xtr_id, LISP_XTR_ID_LEN);
	r->site_id = m->site_id;
	r->site = site;
	r->proxy_reply = m->proxy_reply;
	r->merge = m->merge_req;
	r->security = m->security;	/* RFC 9303 §6.3: S */
	lisp_record_copy(&r->rec, rec);
	r->from = *from;
	r->from_port = from_port;
	r->last_ms = now_ms;
	r->released = false;	/* registered again: its own once more */
}

struct ms_reg *
msr_refresh_of(struct ms_eid *e, const uint8_t *xtr_id,
    const struct lisp_record *rec)
{
	struct ms_reg	*r = e->regs;

	if (r == NULL || r->next != NULL || rec->ttl == 0 ||
	    memcmp(r->xtr_id, xtr_id, LISP_XTR_ID_LEN) != 0 ||
	    !msr_same_rlocs(&r->rec, rec))
		return NULL;
	return r;
}

/* A refresh of a registration already stored: everything but the list
 * link, the owner, the expiry timer and first_ms, and of the record only
 * the locators in use (whole-struct copies were most of a refresh's cost
 * after the HMAC).  A field added to struct ms_reg must be added here and
 * in msr_fill(). */
static void
reg_update(struct ms_reg *dst, const struct ms_reg *src)
{
	memcpy(dst->xtr_id, src->xtr_id, LISP_XTR_ID_LEN);
	dst->site_id = src->site_id;
	dst->site = src->site;
	dst->proxy_reply = src->proxy_reply;
	dst->merge = src->merge;
	dst->security = src->security;
	lisp_record_copy(&dst->rec, &src->rec);
	dst->from = src->from;
	dst->from_port = src->from_port;
	dst->last_ms = src->last_ms;
	dst->life_ms = src->life_ms;
	dst->released = src->released;
}

int
msr_apply(struct ms_eid *e, const struct ms_reg *nr, struct ms_reg **gone,
    struct ms_reg **stored)
{
	struct lisp_record		 before, after;
	struct ms_reg			**pp, *r, *mine = NULL;
	bool				 others_merge = true;

	*stored = NULL;
	/* fast path, the common refresh: the only registration, from the
	 * same xTR, with the same RLOCs */
	if ((mine = msr_refresh_of(e, nr->xtr_id, &nr->rec)) != NULL) {
		reg_update(mine, nr);
		mine->e = e;
		*stored = mine;
		return 0;
	}
	ms_merged_record(e, &before);
	for (pp = &e->regs; (r = *pp) != NULL; ) {
		if (memcmp(r->xtr_id, nr->xtr_id, LISP_XTR_ID_LEN) == 0) {
			if (nr->rec.ttl == 0) {	/* RFC 9301 §8.2: withdraw */
				*pp = r->next;
				r->next = *gone;
				*gone = r;
				continue;
			}
			mine = r;
		} else if (!r->merge)
			others_merge = false;
		pp = &r->next;
	}
	if (nr->rec.ttl != 0) {
		/* Without the merge bit (on both sides), the newest xTR's
		 * registration replaces the others. */
		if (!nr->merge || !others_merge) {
			for (pp = &e->regs; (r = *pp) != NULL; ) {
				if (r == mine) {
					pp = &r->next;
					continue;
				}
				*pp = r->next;
				r->next = *gone;
				*gone = r;
			}
		}
		if (mine != NULL)
			reg_update(mine, nr);
		else {
			if ((mine = malloc(sizeof(*mine))) == NULL)
				return -1;
			*mine = *nr;
			mine->expire.idx = 0;
			mine->next = NULL;
			for (pp = &e->regs; *pp != NULL; pp = &(*pp)->next)
				;
			*pp = mine;
		}
		mine->e = e;
		*stored = mine;
	}
	ms_merged_record(e, &after);
	return !msr_same_rlocs(&before, &after);
}

const struct ipaddr *
ms_reg_etr(const struct ms_reg *r, int af)
{
	const struct ipaddr	*any = NULL;
	int			 i;

	/* RFC 9301 §8.3: the Map-Request goes to the ETR that registered
	 * the EID, at an RLOC it registered: a usable one (priority 255
	 * "MUST NOT be used for unicast forwarding", §5.4), of af first */
	for (i = 0; i < r->rec.nloc; i++) {
		const struct lisp_locator *l = &r->rec.loc[i];

		if (l->rloc.ip.af != AF_INET && l->rloc.ip.af != AF_INET6)
			continue;
		if (l->rloc.ip.af == af && l->priority != 255)
			return &l->rloc.ip;
		if (any == NULL || (any == &r->from && l->priority != 255))
			any = &l->rloc.ip;
	}
	return any != NULL ? any : &r->from;
}
