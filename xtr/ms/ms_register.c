/*
 * ms_register.c: the Map-Server role (RFC 9301 §8.2).
 *
 * A Map-Register is accepted only if every record's EID belongs to one
 * site, that site may register it (ms_sites.c), and the HMAC verifies with
 * the site's key.  Registrations are kept per registering xTR (xTR-ID):
 * with the merge bit, xTRs add up; without it, a registration from another
 * xTR replaces the old one.  A registration expires registration_timeout
 * (RFC 9301 §8.2: three minutes) after its last refresh, or after its
 * Record TTL when the Map-Register had the T bit (§5.6).  Map-Notify
 * answers the M bit.
 *
 * Mobility (draft-ietf-lisp-eid-mobility): when another xTR takes an EID
 * over, or registers a more-specific (a /32 or /128) inside a prefix an
 * xTR registered, the xTR that held it hears a Map-Notify carrying the new
 * mapping, retransmitted until its Map-Notify-Ack.
 *
 * Guards (issue 15): a Map-Register whose nonce is not greater than the
 * last one of its xTR-ID and key is a replay and dropped (RFC 9301 §5.6);
 * with move_consent, an EID another xTR holds is taken only once that
 * xTR released it (its hand-over), withdrew it, or stopped refreshing it,
 * and the taker's registration waits (pending) until then; registrations
 * are capped globally, per site and per covering site prefix; a prefix
 * covering another site's configured one is refused.  The source address
 * of a Map-Register is shown, never used as where Map-Requests go.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "log.h"
#include "mono.h"
#include "xtr/ms/ms_int.h"
#include "xtr/ms/ms_journal.h"
#include "xtr/xtrd.h"
#include "xtr/ms/ms.h"
#include "xtr/ms/ms_index.h"

struct lisp_auth_key *
ms_site_key(struct xtrd *x, int site)
{
	return xc_key_auth(&x->ms->site_keys[site], &x->conf->site[site].key);
}

static struct ms_iid_tabs *
iid_tabs(struct xtrd *x, uint32_t iid)
{
	size_t	i;

	for (i = 0; i < x->ms->ntabs; i++)
		if (x->ms->tabs[i].iid == iid)
			return &x->ms->tabs[i];
	return NULL;
}

struct lpm *
ms_tab(struct xtrd *x, uint32_t iid, int af)
{
	struct ms_iid_tabs	*t = iid_tabs(x, iid);

	if (t == NULL)
		return NULL;
	return af == AF_INET ? t->t4 : af == AF_INET6 ? t->t6 : NULL;
}

static struct lpm *
tab(struct xtrd *x, uint32_t iid, int af)
{
	return ms_tab(x, iid, af);
}

/* The trie of (iid, af), made if that IID has none yet. */
static struct lpm *
tab_make(struct xtrd *x, uint32_t iid, int af)
{
	struct ms_state		*ms = x->ms;
	struct ms_iid_tabs	*t;

	if (iid_tabs(x, iid) == NULL) {
		if ((t = reallocarray(ms->tabs, ms->ntabs + 1,
		    sizeof(*t))) == NULL)
			return NULL;
		ms->tabs = t;
		t += ms->ntabs;
		t->iid = iid;
		t->t4 = lpm_new(AF_INET);
		t->t6 = lpm_new(AF_INET6);
		if (t->t4 == NULL || t->t6 == NULL) {
			lpm_free(t->t4, NULL);
			lpm_free(t->t6, NULL);
			return NULL;
		}
		ms->ntabs++;
	}
	return tab(x, iid, af);
}

int
ms_init(struct xtrd *x)
{
	struct ms_state	*ms;

	if ((ms = calloc(1, sizeof(*ms))) == NULL)
		return -1;
	x->ms = ms;
	if (tab_make(x, 0, AF_INET) == NULL || (ms->ix = ix_new()) == NULL)
		return -1;
	return 0;
}

size_t
ms_nreg(const struct xtrd *x)
{
	return x->ms->nreg;
}

static void
reg_free(struct xtrd *x, struct ms_reg *r)
{
	timer_cancel(&x->timers, &r->expire);
	free(r);
}

static void
eid_free(void *v)
{
	struct ms_eid	*e = v;
	struct ms_reg	*r;
	struct ms_sub	*s;

	while ((r = e->regs) != NULL) {
		e->regs = r->next;
		timer_cancel(&e->x->timers, &r->expire);
		free(r);
	}
	while ((s = e->subs) != NULL) {
		e->subs = s->next;
		free(s);
	}
	ms_pending_drop(e->x, e, NULL);
	free(e);
}

void
ms_free(struct xtrd *x)
{
	struct ms_state		*ms = x->ms;
	int			 i;

	if (ms == NULL)
		return;
	for (i = 0; i < XC_MAX_SITE; i++)
		lisp_auth_key_free(&ms->site_keys[i]);
	ms_guard_free(x);
	ix_free(ms->ix);
	ms->ix = NULL;
	for (i = 0; i < (int)ms->ntabs; i++) {
		lpm_free(ms->tabs[i].t4, eid_free);
		lpm_free(ms->tabs[i].t6, eid_free);
	}
	free(ms->tabs);
	ms_notify_free(x);
	free(ms);
	x->ms = NULL;
}

struct ms_eid *
ms_lookup(struct xtrd *x, uint32_t iid, const struct ipaddr *a,
    struct ipprefix *matched)
{
	struct lpm	*t = tab(x, iid, a->af);

	return t ? lpm_lookup(t, a, matched) : NULL;
}

struct ms_eid *
ms_lookup_prefix(struct xtrd *x, uint32_t iid, const struct ipprefix *p)
{
	return ix_find(x->ms->ix, iid, p);
}

struct walk_arg {
	int	(*cb)(struct ms_eid *, void *);
	void	*arg;
};

static int
walk_cb(const struct ipprefix *p, void *val, void *arg)
{
	struct walk_arg	*w = arg;

	(void)p;
	return w->cb(val, w->arg);
}

int
ms_walk(struct xtrd *x, int (*cb)(struct ms_eid *, void *), void *arg)
{
	struct walk_arg	w = { cb, arg };
	size_t		i;
	int		r;

	/* Instance-ID 0 first, then the others as they were made */
	for (i = 0; i < x->ms->ntabs; i++)
		if ((r = lpm_walk(x->ms->tabs[i].t4, walk_cb, &w)) != 0 ||
		    (r = lpm_walk(x->ms->tabs[i].t6, walk_cb, &w)) != 0)
			return r;
	return 0;
}

/* draft-ietf-lisp-eid-mobility: tell old, which held the EID, about rec. */
static void
mobility_notify(struct xtrd *x, const struct ms_reg *old,
    const struct lisp_record *rec, const char *why)
{
	struct ipprefix		 p;

	if (!x->conf->mobility_notify)
		return;		/* mobility_notify = no (the thesis's MS) */
	p.addr = rec->eid.ip;
	p.plen = rec->eid_plen;
	cnt_inc(C_ms_mobility_notify);
	tl_add("mobility-notify", &p, &old->from, "%s", why);
	/* RFC 9301 §5: a Map-Notify "used as a notification message" goes
	 * to UDP port 4342 */
	ms_notify_reliable(x, old->site, rec, &old->from, LISP_CONTROL_PORT,
	    NULL, 0, "mobility-notify");
}

/* --- Map-Register -------------------------------------------------------- */

/*
 * How long a registration lives without a refresh.  RFC 9301 §5.6: "T:
 * This is the use TTL for timeout bit. When set to 1, the xTR wants the
 * Map-Server to time out registrations based on the value in the 'Record
 * TTL' field of this message. Otherwise, the default timeout described in
 * Section 8.2 is used" (three minutes, registration_timeout).
 */
static uint32_t
reg_life_ms(const struct xtrd *x, const struct lisp_map_register *m,
    const struct lisp_record *rec)
{
	uint64_t	ms;

	if (m->ttl_tbd && rec->ttl > 0) {
		ms = (uint64_t)rec->ttl * 60000;
		return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
	}
	return x->conf->registration_timeout * 1000u;
}


static void
reg_expire(void *arg)
{
	struct ms_reg	*r = arg;
	struct ms_eid	*e = r->e;
	struct xtrd	*x = e->x;
	struct ms_reg	**pp;
	uint64_t	  until = r->last_ms + r->life_ms;

	if (mono_ms() < until) {	/* refreshed since it was armed */
		timer_set(&x->timers, &r->expire, until);
		return;
	}
	for (pp = &e->regs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	cnt_inc(C_ms_expired);
	ms_reg_count(x, r, -1);
	msj_unreg(x, r->xtr_id, e->iid, &e->eid);
	tl_add("registration-expired", &e->eid, &r->from, NULL);
	free(r);
	pubsub_publish(x, e);
	if (e->pending != NULL && ms_pending_try(x, e) == 1)
		return;		/* e lives on, taken over */
	if (ms_eid_gc(x, e) == 0)
		ix_hint(x->ms->ix, e);
}

/* Find the registrations of other xTRs on a less-specific prefix of the
 * same Instance-ID. */
static struct ms_eid *
covering_eid(struct xtrd *x, uint32_t iid, const struct ipprefix *p)
{
	struct ipprefix	parent;
	struct lpm	*t = tab(x, iid, p->addr.af);

	if (p->plen == 0 || t == NULL)
		return NULL;
	parent = *p;
	parent.plen--;
	ipprefix_mask(&parent);
	return lpm_lookup_prefix(t, &parent, NULL);
}

static void
covering_notify(struct xtrd *x, const struct ms_reg *nr,
    const struct lisp_record *rec)
{
	struct ms_eid	*ce;
	struct ms_reg	*r;

	if ((ce = covering_eid(x, nr->e->iid, &nr->e->eid)) == NULL)
		return;
	pubsub_publish_rec(x, ce, rec);	/* RFC 9437: a more-specific */
	for (r = ce->regs; r != NULL; r = r->next)
		if (memcmp(r->xtr_id, nr->xtr_id, LISP_XTR_ID_LEN) != 0)
			mobility_notify(x, r, rec, "more-specific registered "
			    "inside its prefix");
}

/* xtr_id's registration of e, or NULL. */
static struct ms_reg *
reg_of(struct ms_eid *e, const uint8_t *id)
{
	struct ms_reg	*r;

	for (r = e->regs; r != NULL; r = r->next)
		if (memcmp(r->xtr_id, id, LISP_XTR_ID_LEN) == 0)
			return r;
	return NULL;
}

/* A new ms_eid for (iid, p), in its trie and the index; NULL if out of
 * memory. */
static struct ms_eid *
eid_make(struct xtrd *x, uint32_t iid, const struct ipprefix *p)
{
	struct ms_eid	*e;
	struct lpm	*t;

	if ((t = tab_make(x, iid, p->addr.af)) == NULL ||
	    (e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->eid = *p;
	e->iid = iid;
	e->x = x;
	if (lpm_insert(t, p, e, NULL) == -1) {
		free(e);
		return NULL;
	}
	if (ix_add(x->ms->ix, e) == -1) {
		lpm_remove(t, p);
		free(e);
		return NULL;
	}
	return e;
}

/* One record of a Map-Register being applied: apply_record()'s steps. */
struct apply {
	struct xtrd			*x;
	int				 site;
	const struct lisp_map_register	*m;
	const struct lisp_record	*rec;
	const struct ipaddr		*src;
	uint16_t			 sport;
	const uint8_t			*xtr_id;
	uint32_t			 iid;
	struct ipprefix			 p;
	uint64_t			 now;
	struct ms_eid			*e;	/* held already, or NULL */
};

/* The common refresh, in place: what msr_apply() would do with a new
 * registration, without building one.  True if it was one. */
static bool
apply_refresh(const struct apply *a)
{
	struct ms_reg	*g;

	if (a->e == NULL ||
	    (g = msr_refresh_of(a->e, a->xtr_id, a->rec)) == NULL)
		return false;
	msr_fill(g, a->m, a->xtr_id, a->site, a->rec, a->src, a->sport,
	    a->now);
	g->life_ms = reg_life_ms(a->x, a->m, a->rec);
	msj_reg(a->x, g);
	if (!timer_armed(&g->expire))
		timer_set(&a->x->timers, &g->expire, a->now + g->life_ms);
	cnt_inc(C_ms_registered);
	return true;
}

/* The holder's hand-over (ms_consent.c): its registration is kept, as
 * released, and answers until the new site's replaces it.  True if the
 * record was one. */
static bool
apply_release(const struct apply *a)
{
	struct ms_reg	*g;

	if (a->e == NULL || !ms_rec_released(a->rec) ||
	    (g = reg_of(a->e, a->xtr_id)) == NULL)
		return false;
	g->released = true;
	g->last_ms = a->now;
	msj_reg(a->x, g);
	cnt_inc(C_ms_move_released);
	tl_add("released", &a->p, a->src, "by its holder");
	if (a->e->pending != NULL)
		ms_pending_try(a->x, a->e);
	return true;
}

/* move_consent: a withdrawal drops the taker's pending move; a record
 * for an EID another xTR holds waits (pending) until the holder
 * consents.  0 to go on, MS_APPLY_REFUSED if it waits. */
static int
apply_consent(const struct apply *a)
{
	struct ms_reg	*g;
	uint64_t	 until = 0;
	char		 s[IPADDR_STRLEN], es[IPPREFIX_STRLEN], ha[IPADDR_STRLEN];

	if (a->e == NULL)
		return 0;
	if (a->rec->ttl == 0) {
		/* the taker gave up before the holder consented */
		ms_pending_drop(a->x, a->e, a->xtr_id);
		return 0;
	}
	if ((g = ms_move_blocker(a->x, a->e, a->xtr_id, a->m->merge_req,
	    a->rec, a->now, &until)) == NULL)
		return 0;
	cnt_drop(C_drop_move_unauthorized, "Map-Register from %s: %s is held "
	    "by the xTR at %s, which has not released it (kept pending)",
	    ipaddr_fmt(a->src, s, sizeof(s)), ipprefix_fmt(&a->p, es,
	    sizeof(es)), ipaddr_fmt(ms_reg_etr(g, a->src->af), ha,
	    sizeof(ha)));
	if (a->e->pending == NULL)
		tl_add("move-pending", &a->p, a->src, "until its holder "
		    "releases it");
	ms_pending_set(a->x, a->e, a->site, a->m, a->xtr_id, a->rec, a->src,
	    a->sport, until);
	return MS_APPLY_REFUSED;
}

/* The caps (ms_guard.c) on a new registration; *cover gets the site
 * prefix it is a more-specific of (or -1).  0, or MS_APPLY_REFUSED. */
static int
apply_cap(const struct apply *a, int *cover)
{
	struct xtrd	*x = a->x;
	enum cnt	 why;
	char		 s[IPADDR_STRLEN], es[IPPREFIX_STRLEN];

	*cover = -1;
	if (a->rec->ttl != 0 && (a->e == NULL || a->e->regs == NULL) &&
	    ms_reg_cap(x, a->site, a->iid, &a->p, cover, &why) == -1) {
		cnt_drop(why, "Map-Register from %s: %s over the cap (%zu "
		    "registrations, site %s %u)", ipaddr_fmt(a->src, s,
		    sizeof(s)), ipprefix_fmt(&a->p, es, sizeof(es)),
		    x->ms->nreg, x->conf->site[a->site].name,
		    ms_site_nreg(x, a->site));
		return MS_APPLY_REFUSED;
	}
	if (*cover == -1)
		*cover = ms_site_cover(&x->conf->site[a->site], a->iid, &a->p);
	return 0;
}

/* The registration the record makes, for msr_apply(). */
static void
apply_build(const struct apply *a, int cover, struct ms_reg *nr)
{
	/* not the record: msr_fill() copies what is used of it */
	memset(nr, 0, offsetof(struct ms_reg, rec));
	msr_fill(nr, a->m, a->xtr_id, a->site, a->rec, a->src, a->sport,
	    a->now);
	nr->life_ms = reg_life_ms(a->x, a->m, a->rec);
	nr->first_ms = nr->last_ms;
	nr->cover = (int16_t)cover;
	timer_init(&nr->expire, reg_expire, NULL);
}

/* msr_apply() stored the registration: journal, timer, counts, events. */
static void
apply_stored(const struct apply *a, struct ms_reg *stored, bool fresh,
    int changed)
{
	struct xtrd	*x = a->x;

	stored->expire.arg = stored;
	msj_reg(x, stored);
	/* RFC 9301 §8.2, §5.6 T bit (reg_life_ms()); a refresh only moves
	 * last_ms, reg_expire() re-arms lazily */
	if (!timer_armed(&stored->expire))
		timer_set(&x->timers, &stored->expire, mono_ms() +
		    stored->life_ms);
	cnt_inc(C_ms_registered);
	if (fresh) {
		ms_reg_count(x, stored, +1);
		tl_add("registered", &a->p, a->src, "site %s%s",
		    x->conf->site[a->site].name,
		    a->m->proxy_reply ? " proxy-reply" : "");
		covering_notify(x, stored, a->rec);
	} else if (changed)
		tl_add("registration-changed", &a->p, a->src, "%u RLOCs",
		    a->rec->nloc);
}

/* The registrations msr_apply() displaced: withdrawn, or taken over (the
 * old holder hears it, draft-ietf-lisp-eid-mobility). */
static void
apply_gone(const struct apply *a, struct ms_reg *gone,
    const struct ms_reg *stored)
{
	struct ms_reg	*g;

	while ((g = gone) != NULL) {
		gone = g->next;
		ms_reg_count(a->x, g, -1);
		msj_unreg(a->x, g->xtr_id, a->iid, &a->p);
		if (a->rec->ttl == 0) {
			cnt_inc(C_ms_withdrawn);
			tl_add("withdrawn", &a->p, a->src, NULL);
		} else if (stored != NULL)
			mobility_notify(a->x, g, &stored->rec, "EID registered "
			    "by another xTR");
		reg_free(a->x, g);
	}
}

/* After the change: publications, a waiting taker, the ms_eid freed if
 * nothing holds it.  apply_record()'s result. */
static int
apply_after(const struct apply *a, const struct ms_reg *first, bool fresh,
    int changed)
{
	struct ms_eid	*e = a->e, *ce;

	if (changed)
		pubsub_publish(a->x, e);
	if (a->rec->ttl == 0 && e->pending != NULL &&
	    ms_pending_try(a->x, e) == 1)
		return changed;		/* the waiting taker has it now */
	/* a more-specific is gone: its covering prefix's subscribers must
	 * drop it (TTL 0) and fall back to the covering one */
	if (e->regs == NULL &&
	    (ce = covering_eid(a->x, a->iid, &a->p)) != NULL &&
	    ce->subs != NULL) {
		struct lisp_record w = *a->rec;

		w.ttl = 0;
		pubsub_publish_rec(a->x, ce, &w);
	}
	if (ms_eid_gc(a->x, e) == 0 && e->regs != first)
		ix_hint(a->x->ms->ix, e);
	return fresh || changed;
}

/* 0 unchanged, 1 changed, MS_APPLY_REFUSED refused or waiting (no
 * Map-Notify), -1 out of memory. */
static int
apply_record(struct xtrd *x, int site, const struct lisp_map_register *m,
    const struct lisp_record *rec, const struct ix_ref *ref,
    const struct ipaddr *src, uint16_t sport)
{
	struct apply	 a;
	struct ix_slot	*slot = ix_slot_ref(x->ms->ix, ref);
	struct ms_reg	 nr, *gone = NULL, *stored = NULL, *first;
	bool		 fresh;
	int		 rc, changed, cover;

	a.x = x;
	a.site = site;
	a.m = m;
	a.rec = rec;
	a.src = src;
	a.sport = sport;
	/* no xTR-ID: the source address stands for it */
	a.xtr_id = m->xtr_id_present ? m->xtr_id : src->a;
	a.iid = ms_addr_iid(&rec->eid);
	a.p.addr = rec->eid.ip;
	a.p.plen = rec->eid_plen;
	a.now = mono_ms();
	a.e = slot != NULL ? slot->e : NULL;
	if (apply_refresh(&a) || apply_release(&a))
		return 0;
	if ((rc = apply_consent(&a)) != 0 || (rc = apply_cap(&a, &cover)) != 0)
		return rc;
	if (a.e == NULL) {
		if (rec->ttl == 0)
			return 0;	/* withdrawing what is not there */
		if ((a.e = eid_make(x, a.iid, &a.p)) == NULL)
			return -1;
	}
	apply_build(&a, cover, &nr);
	first = a.e->regs;
	fresh = reg_of(a.e, a.xtr_id) == NULL;
	if ((changed = msr_apply(a.e, &nr, &gone, &stored)) == -1)
		return -1;
	if (stored != NULL)
		apply_stored(&a, stored, fresh, changed);
	apply_gone(&a, gone, stored);
	return apply_after(&a, first, fresh, changed);
}

int
ms_apply_at(struct xtrd *x, int site, const struct lisp_map_register *m,
    const struct lisp_record *rec, const struct ipaddr *src, uint16_t sport)
{
	struct ix_ref	ref;
	struct ipprefix	p;

	p.addr = rec->eid.ip;
	p.plen = rec->eid_plen;
	ix_ref(ms_addr_iid(&rec->eid), &p, &ref);
	return apply_record(x, site, m, rec, &ref, src, sport);
}

int
ms_eid_gc(struct xtrd *x, struct ms_eid *e)
{
	if (e->regs != NULL || e->subs != NULL || e->pending != NULL)
		return 0;
	lpm_remove(tab(x, e->iid, e->eid.addr.af), &e->eid);
	ix_del(x->ms->ix, e->iid, &e->eid);
	free(e);
	return 1;
}

/*
 * The first record's EID-prefix read straight off the wire, so that its
 * index slot is on its way while the message is decoded: RFC 9301 §5.6
 * type and flags, Nonce, Key ID, Algorithm ID, Authentication Data Length
 * and data, then §5.4 Record TTL, Locator Count, EID mask-len, ACT/A/
 * Reserved, Map-Version, EID-Prefix-AFI and the prefix.  Plain IPv4 and
 * IPv6 only.  Validates nothing: a guess for ix_prefetch_slot().
 */
static int
peek_first_eid(const uint8_t *buf, size_t len, struct ipprefix *p)
{
	struct cur	c = cur_make(buf, len);
	uint16_t	alen, afi;
	uint8_t		plen;

	memset(p, 0, sizeof(*p));
	if (cur_skip(&c, 4 + 8 + 1 + 1) == -1 ||
	    cur_get_u16(&c, &alen) == -1 || cur_skip(&c, alen) == -1 ||
	    cur_skip(&c, 4 + 1) == -1 || cur_get_u8(&c, &plen) == -1 ||
	    cur_skip(&c, 2 + 2) == -1 || cur_get_u16(&c, &afi) == -1)
		return -1;
	if (afi == LISP_AFI_IPV4 && cur_get_bytes(&c, p->addr.a, 4) == 0)
		p->addr.af = AF_INET;
	else if (afi == LISP_AFI_IPV6 &&
	    cur_get_bytes(&c, p->addr.a, 16) == 0)
		p->addr.af = AF_INET6;
	else
		return -1;
	p->plen = plen;
	return 0;
}

/*
 * RFC 9301 §8.2: every record must belong to the site whose key signed
 * the message; RFC 8060 §4.1: the site of its (Instance-ID, prefix), so a
 * site registers in the IIDs of its prefixes only.  The records' index
 * keys go to ref[] and their slots are fetched meanwhile.  The site, or
 * -1 (dropped, or no record).
 */
static int
reg_site(struct xtrd *x, const struct lisp_map_register *m,
    const struct ipaddr *src, struct ix_ref *ref)
{
	struct ipprefix	p;
	char		a[IPADDR_STRLEN], e[IPPREFIX_STRLEN];
	int		site = -1, s, i;

	for (i = 0; i < m->nrec; i++) {
		uint32_t iid = ms_addr_iid(&m->rec[i].eid);

		p.addr = m->rec[i].eid.ip;
		p.plen = m->rec[i].eid_plen;
		ix_ref(iid, &p, &ref[i]);
		if (i > 0)
			ix_prefetch_slot(x->ms->ix, &ref[i]);
		if ((s = ms_site_for_eid(x->conf, iid, &p, NULL)) == -1) {
			cnt_drop(C_drop_unknown_site, "Map-Register from %s: "
			    "[%u]%s is in no site", ipaddr_fmt(src, a,
			    sizeof(a)), iid, ipprefix_fmt(&p, e, sizeof(e)));
			return -1;
		}
		if (site != -1 && s != site) {
			cnt_drop(C_drop_mixed_sites, "Map-Register from %s: "
			    "records of two sites", ipaddr_fmt(src, a,
			    sizeof(a)));
			return -1;
		}
		site = s;
	}
	return site;
}

/* The site's Key ID, its HMAC and a fresh nonce: the key, or NULL
 * (dropped). */
static struct lisp_auth_key *
reg_auth(struct xtrd *x, const struct lisp_map_register *m, int site,
    const uint8_t *buf, size_t len, const struct ipaddr *src)
{
	const struct xc_site	*s = &x->conf->site[site];
	struct lisp_auth_key	*k;
	char			 a[IPADDR_STRLEN];

	/* RFC 9301 §5.6: "Key ID: This is a key-id value that identifies a
	 * pre-shared secret between an ETR and a Map-Server": one per site */
	if (m->key_id != s->key.key_id) {
		cnt_drop(C_drop_auth_key_id, "Map-Register from %s for site "
		    "%s: Key ID %u, not %u", ipaddr_fmt(src, a, sizeof(a)),
		    s->name, m->key_id, s->key.key_id);
		return NULL;
	}
	if ((k = ms_site_key(x, site)) == NULL || m->alg_id != k->alg ||
	    lisp_auth_verify_key(k, buf, len, m->auth_off, m->auth_len) != 0) {
		cnt_drop(C_drop_auth_fail, "Map-Register from %s for site %s: "
		    "authentication failed", ipaddr_fmt(src, a, sizeof(a)),
		    s->name);
		return NULL;
	}
	/* RFC 9301 §5.6: not greater than the last nonce of this xTR-ID
	 * and key: dropped, whatever the records say */
	if (ms_nonce_check(x, m->xtr_id_present ? m->xtr_id : src->a, site,
	    m->key_id, m->nonce, src) == -1)
		return NULL;
	return k;
}

/* The site may register each record: no prefix covering another site's
 * (issue 15 finding 7), each its own or a more-specific it may have. */
static bool
reg_allowed(struct xtrd *x, const struct lisp_map_register *m, int site,
    const struct ipaddr *src)
{
	const struct xc_site	*s = &x->conf->site[site];
	struct ipprefix		 p;
	char			 a[IPADDR_STRLEN], e[IPPREFIX_STRLEN];
	int			 i;

	for (i = 0; i < m->nrec; i++) {
		uint32_t iid = ms_addr_iid(&m->rec[i].eid);

		p.addr = m->rec[i].eid.ip;
		p.plen = m->rec[i].eid_plen;
		if (ms_covers_other_site(x->conf, site, iid, &p)) {
			cnt_drop(C_drop_covers_other_site, "Map-Register from "
			    "%s: site %s may not register %s, it covers "
			    "another site's prefix", ipaddr_fmt(src, a,
			    sizeof(a)), s->name, ipprefix_fmt(&p, e,
			    sizeof(e)));
			return false;
		}
		if (ms_site_allows(s, iid, &p) == -1) {
			cnt_drop(C_drop_eid_not_allowed, "Map-Register from "
			    "%s: site %s may not register %s",
			    ipaddr_fmt(src, a, sizeof(a)), s->name,
			    ipprefix_fmt(&p, e, sizeof(e)));
			return false;
		}
	}
	return true;
}

/*
 * RFC 9301 §5.7: the Map-Notify echoes nonce and records.  §8.2: "the
 * Map-Notify message is sent to UDP destination port 4342, not to the
 * source port specified in the original Map-Register message"; §5 says
 * the opposite ("the destination UDP port number is copied from the source
 * port"), and older ETRs listen on their source port only: a Map-Register
 * from another port gets a copy there too (an ETR that has both counts
 * the second as a duplicate).
 */
static void
reg_notify(struct xtrd *x, struct lisp_map_register *m,
    struct lisp_auth_key *k, const struct ipaddr *src, uint16_t sport)
{
	uint8_t		*nb = x->ms->scratch.reg_notify;
	ssize_t		 n;

	m->type = LISP_MAP_NOTIFY;
	n = lisp_encode_map_register_key(m, k, nb,
	    sizeof(x->ms->scratch.reg_notify));
	if (n > 0 && xtr_send(x, src, LISP_CONTROL_PORT, nb, (size_t)n) == 0)
		cnt_inc(C_tx_map_notify);
	if (n > 0 && sport != LISP_CONTROL_PORT && sport != 0 &&
	    xtr_send(x, src, sport, nb, (size_t)n) == 0)
		cnt_inc(C_tx_map_notify);
}

void
ms_rx_map_register(struct xtrd *x, const uint8_t *buf, size_t len,
    const struct ipaddr *src, uint16_t sport)
{
	struct lisp_map_register	*m = &x->ms->scratch.reg;
	struct lisp_auth_key		*k;
	struct ix_ref			 ref[LISP_MAX_RECORDS];
	enum lisp_err			 why = LERR_OK;
	char				 a[IPADDR_STRLEN];
	struct ipprefix			 p;
	bool				 refused = false;
	int				 site, i;

	if (peek_first_eid(buf, len, &p) == 0) {
		ix_ref(0, &p, &ref[0]);
		ix_prefetch_slot(x->ms->ix, &ref[0]);
	}
	/* the source is formatted only when something is dropped */
	if (lisp_decode_map_register(buf, len, m, &why) == -1) {
		cnt_drop_lerr(why, "Map-Register from %s",
		    ipaddr_fmt(src, a, sizeof(a)));
		return;
	}
	if ((site = reg_site(x, m, src, ref)) == -1)
		return;
	/* what the records refresh starts on its way to the cache now and
	 * arrives while the HMAC is computed */
	for (i = 0; i < m->nrec; i++)
		ix_prefetch(x->ms->ix, &ref[i]);
	if ((k = reg_auth(x, m, site, buf, len, src)) == NULL ||
	    !reg_allowed(x, m, site, src))
		return;
	for (i = 0; i < m->nrec; i++)
		switch (apply_record(x, site, m, &m->rec[i], &ref[i], src,
		    sport)) {
		case -1:
			cnt_drop(C_drop_table_full, "registration table: out "
			    "of memory");
			break;
		case MS_APPLY_REFUSED:
			refused = true;
			break;
		}
	/* a refused or pending record is not acknowledged: the xTR keeps
	 * retransmitting (a pending one hears its Map-Notify once applied) */
	if (m->want_notify && !refused)
		reg_notify(x, m, k, src, sport);
}

/* --- the journal's restore and dump (ms_journal.c) ----------------------- */

void
ms_restore_unreg(struct xtrd *x, const struct msj_line *l)
{
	struct ms_eid	*e = ix_find(x->ms->ix, l->iid, &l->eid);
	struct ms_reg	**pp, *r;

	if (e == NULL || (r = reg_of(e, l->xtr_id)) == NULL)
		return;
	for (pp = &e->regs; *pp != r; pp = &(*pp)->next)
		;
	*pp = r->next;
	ms_reg_count(x, r, -1);
	reg_free(x, r);
	ms_eid_gc(x, e);
}

int
ms_restore_reg(struct xtrd *x, const struct msj_line *l, uint64_t remaining)
{
	uint64_t	 life = x->conf->registration_timeout * 1000ull;
	uint64_t	 now = mono_ms();
	struct ms_eid	*e;
	struct ms_reg	*r, **pp;
	enum cnt	 why;
	int		 site = ms_site_by_name(x, l->site), cover, added = 0;

	/* the site must still own (IID, prefix) */
	if (site == -1 ||
	    ms_site_for_eid(x->conf, l->iid, &l->eid, NULL) != site ||
	    ms_site_allows(&x->conf->site[site], l->iid, &l->eid) == -1 ||
	    tab_make(x, l->iid, l->eid.addr.af) == NULL)
		return 0;
	if ((e = ix_find(x->ms->ix, l->iid, &l->eid)) == NULL &&
	    (ms_reg_cap(x, site, l->iid, &l->eid, &cover, &why) == -1 ||
	    (e = eid_make(x, l->iid, &l->eid)) == NULL))
		return 0;
	if ((r = reg_of(e, l->xtr_id)) == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return 0;
		memcpy(r->xtr_id, l->xtr_id, LISP_XTR_ID_LEN);
		r->e = e;
		r->site = site;
		r->cover = (int16_t)ms_site_cover(&x->conf->site[site], l->iid,
		    &l->eid);
		r->first_ms = now;
		timer_init(&r->expire, reg_expire, r);
		for (pp = &e->regs; *pp != NULL; pp = &(*pp)->next)
			;
		*pp = r;
		ms_reg_count(x, r, +1);
		added = 1;
	}
	r->site_id = l->site_id;
	r->proxy_reply = l->proxy_reply;
	r->merge = l->merge;
	r->released = l->released;
	r->from = l->from;
	r->from_port = l->port;
	lisp_record_copy(&r->rec, &l->rec);
	/* the lifetime it had left, counted from now (a T-bit registration
	 * may have had a longer one) */
	if (remaining > life)
		life = remaining;
	r->life_ms = life > UINT32_MAX ? UINT32_MAX : (uint32_t)life;
	r->last_ms = now + remaining > life ? now + remaining - life : 0;
	timer_cancel(&x->timers, &r->expire);
	timer_set(&x->timers, &r->expire, r->last_ms + life);
	ix_hint(x->ms->ix, e);
	if (added)
		cnt_inc(C_ms_journal_restored);
	return added;
}

static int
dump_cb(struct ms_eid *e, void *arg)
{
	struct ms_reg	*r;

	for (r = e->regs; r != NULL; r = r->next)
		msj_fmt_reg(arg, e->x, r);
	return 0;
}

void
ms_journal_dump(struct xtrd *x, FILE *f)
{
	ms_nonce_dump(x, f);
	ms_walk(x, dump_cb, f);
}
