/*
 * ms_consent.c: move authorization (move_consent, issue 15).  An EID one
 * xTR holds is registered by another only once the holder consents: it
 * released the EID (its hand-over: its registration once more with every
 * locator at priority 255, RFC 9301 §5.4 "MUST NOT be used for unicast
 * forwarding"), withdrew it, or stopped refreshing it.  Until then the
 * taker's registration waits here (pending, unacknowledged); it is applied
 * and its Map-Notify sent the moment the holder consents, and dropped if
 * the taker stops repeating it.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mono.h"
#include "xtr/ms/ms_int.h"

/* A registration that would move an EID another xTR holds, waiting for
 * that xTR's consent (or for it to stop refreshing). */
struct ms_pending {
	struct xtrd		*x;
	struct ms_eid		*e;
	int			 site;
	struct lisp_record	 rec;
	uint8_t			 xtr_id[LISP_XTR_ID_LEN];
	uint64_t		 site_id;
	uint64_t		 nonce;
	bool			 proxy_reply, merge, want_notify;
	uint64_t		 since_ms;
	uint64_t		 expire_ms;	/* unless retransmitted */
	struct ipaddr		 src;
	uint16_t		 sport;
	struct timer		 t;
};


/* A registration at priority 255 on every locator: its xTR no longer
 * forwards for the EID (RFC 9301 §5.4), the hand-over's release. */
bool
ms_rec_released(const struct lisp_record *rec)
{
	int	i;

	if (rec->ttl == 0 || rec->nloc == 0)
		return false;
	for (i = 0; i < rec->nloc; i++)
		if (rec->loc[i].priority != 255)
			return false;
	return true;
}

/*
 * Move authorization (move_consent): a registration by xtr_id of rec
 * that would replace another xTR's registration of the EID (no merge on
 * both sides, other RLOCs) is allowed only if that xTR released it (its
 * hand-over) or stopped refreshing it (no refresh for two thirds of its
 * lifetime: of the three refreshes RFC 9301 §8.2 waits for, two missed).
 * The first holder that still objects, or NULL;
 * *until: when it would count as stopped.
 */
struct ms_reg *
ms_move_blocker(struct xtrd *x, struct ms_eid *e, const uint8_t *xtr_id,
    bool merge, const struct lisp_record *rec, uint64_t now,
    uint64_t *until)
{
	struct ms_reg	*g;
	uint64_t	 stale;

	if (!x->conf->move_consent)
		return NULL;
	for (g = e->regs; g != NULL; g = g->next) {
		if (memcmp(g->xtr_id, xtr_id, LISP_XTR_ID_LEN) == 0 ||
		    g->released || (merge && g->merge) ||
		    msr_same_rlocs(&g->rec, rec))
			continue;
		stale = g->last_ms + g->life_ms * 2 / 3;
		if (now >= stale)
			continue;
		*until = stale;
		return g;
	}
	return NULL;
}

static void
pending_timer(void *arg)
{
	struct ms_pending	*pd = arg;
	struct ms_eid		*e = pd->e;

	if (ms_pending_try(pd->x, e) == 0)
		ms_eid_gc(pd->x, e);
}

/* Keep the registration of rec by m's xTR until the holder consents. */
void
ms_pending_set(struct xtrd *x, struct ms_eid *e, int site,
    const struct lisp_map_register *m, const uint8_t *xtr_id,
    const struct lisp_record *rec, const struct ipaddr *src, uint16_t sport,
    uint64_t until)
{
	struct ms_pending	*pd = e->pending;

	if (pd == NULL) {
		if ((pd = calloc(1, sizeof(*pd))) == NULL)
			return;
		pd->x = x;
		pd->e = e;
		timer_init(&pd->t, pending_timer, pd);
		pd->since_ms = mono_ms();
		e->pending = pd;
	}
	pd->site = site;
	lisp_record_copy(&pd->rec, rec);
	memcpy(pd->xtr_id, xtr_id, LISP_XTR_ID_LEN);
	pd->site_id = m->site_id;
	pd->nonce = m->nonce;
	pd->proxy_reply = m->proxy_reply;
	pd->merge = m->merge_req;
	pd->want_notify = m->want_notify;
	pd->src = *src;
	pd->sport = sport;
	/* the taker retransmits (backoff up to register_interval); a claim
	 * nobody repeats is dropped, not applied much later */
	pd->expire_ms = mono_ms() + 1500ull * x->conf->register_interval +
	    x->conf->register_retry;
	timer_set(&x->timers, &pd->t, until < pd->expire_ms ? until :
	    pd->expire_ms);
}

/*
 * The holder consented (released, withdrew, expired, stopped refreshing):
 * the pending registration is applied now and its Map-Notify sent with
 * its nonce (the taker waits for it).  1 if applied, 0 if still waiting
 * or dropped.
 */
int
ms_pending_try(struct xtrd *x, struct ms_eid *e)
{
	struct lisp_map_register	*pm = &x->ms->scratch.pending;
	struct ms_pending		*pd = e->pending;
	uint64_t			 until = 0, now = mono_ms();
	int				 rc;

	if (pd == NULL)
		return 0;
	if (now >= pd->expire_ms) {
		tl_add("move-refused", &e->eid, &pd->src, "its holder did not "
		    "consent, the claim was not repeated");
		e->pending = NULL;
		timer_cancel(&x->timers, &pd->t);
		free(pd);
		return 0;
	}
	if (ms_move_blocker(x, e, pd->xtr_id, pd->merge, &pd->rec, now,
	    &until) != NULL) {
		timer_set(&x->timers, &pd->t, until < pd->expire_ms ? until :
		    pd->expire_ms);
		return 0;
	}
	e->pending = NULL;
	timer_cancel(&x->timers, &pd->t);
	memset(pm, 0, sizeof(*pm));
	pm->type = LISP_MAP_REGISTER;
	pm->xtr_id_present = true;
	memcpy(pm->xtr_id, pd->xtr_id, LISP_XTR_ID_LEN);
	pm->site_id = pd->site_id;
	pm->nonce = pd->nonce;
	pm->proxy_reply = pd->proxy_reply;
	pm->merge_req = pd->merge;
	cnt_inc(C_ms_move_consented);
	tl_add("move-consented", &e->eid, &pd->src, "waited %llu ms",
	    (unsigned long long)(now - pd->since_ms));
	rc = ms_apply_at(x, pd->site, pm, &pd->rec, &pd->src, pd->sport);
	/* its Map-Notify as ms_rx_map_register() sends one: to 4342
	 * (RFC 9301 §8.2) and a copy to the source port */
	if ((rc == 0 || rc == 1) && pd->want_notify) {
		ms_send_notify(x, pd->site, &pd->rec, &pd->src,
		    LISP_CONTROL_PORT, pd->nonce, pd->xtr_id);
		if (pd->sport != LISP_CONTROL_PORT && pd->sport != 0)
			ms_send_notify(x, pd->site, &pd->rec, &pd->src,
			    pd->sport, pd->nonce, pd->xtr_id);
	}
	free(pd);
	return rc == 0 || rc == 1;
}

void
ms_pending_drop(struct xtrd *x, struct ms_eid *e, const uint8_t *xtr_id)
{
	struct ms_pending	*pd = e->pending;

	if (pd == NULL || (xtr_id != NULL &&
	    memcmp(pd->xtr_id, xtr_id, LISP_XTR_ID_LEN) != 0))
		return;
	timer_cancel(&x->timers, &pd->t);
	free(pd);
	e->pending = NULL;
}
