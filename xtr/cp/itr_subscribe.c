/*
 * itr_subscribe.c: publish/subscribe (RFC 9437), ITR side.  With
 * `subscribe = yes`, every Map-Request an ITR sends through the mapping
 * system sets the I bit (xTR-ID and Site-ID appended after the records)
 * and the N bit of its EID record (RFC 9437 §4); the Map-Server then sends
 * a Map-Notify, authenticated with the key the xTR registers with,
 * whenever that mapping changes, and the ITR installs it (etr_register.c
 * hands such Notifies to itr_pubsub_notify(), then itr_install()).  When
 * nothing of a subscribed prefix is left in the map-cache (expiry, a TTL-0
 * publication or Map-Reply) or xtrd stops, we unsubscribe (§5).
 * Map-Server side: xtr/ms/pubsub.c.
 */
#include <string.h>

#include "log.h"
#include "mono.h"
#include "xtr/cp/cp.h"
#include "xtr/xtrd.h"

/*
 * RFC 9437, subscriber side.  §5: "If the xTR has a nonce associated with
 * the EID-Prefix, it MUST use this nonce increased by one in the
 * Map-Request"; the Map-Server acknowledges with a Map-Notify carrying
 * that nonce.  §6: "The xTR MUST keep track of the last nonce seen in a
 * Map-Notify received as a publication from the Map-Server for the
 * EID-Prefix ... If a Map-Notify that is received as a publication has a
 * nonce value that is not greater than the saved nonce, the xTR drops the
 * Map-Notify message".  Kept per subscribed prefix (the record of the
 * acknowledgment, the Map-Server's prefix); a publication about a more
 * specific prefix counts against the subscribed prefix covering it.  An
 * unsubscribed prefix keeps its nonce (the next subscription goes above
 * it) but takes no publications.  Not persistent: after a restart our
 * first subscription per prefix carries a random nonce (which is why a
 * stop unsubscribes: the Map-Server then holds no nonce of ours to
 * compare it with).
 */
#define UNSUB_TRIES	3	/* unacknowledged unsubscriptions sent */

ssize_t
pubsub_add(struct xtrd *x, uint8_t *p, size_t len, size_t cap,
    const struct ipprefix *eid)
{
	struct lisp_map_request	*req = &x->itr->sub_req;
	uint8_t			 i;

	(void)eid;
	/* our own request: decode it, add the RFC 9437 §4 fields, encode */
	if (lisp_decode_map_request(p, len, req, NULL) == -1)
		return -1;
	req->subscribe = true;
	for (i = 0; i < req->nrec; i++)
		req->rec[i].notify = true;
	memcpy(req->xtr_id, x->xtr_id, LISP_XTR_ID_LEN);
	req->site_id = x->conf->site_id;
	return lisp_encode_map_request(req, p, cap);
}

static struct sub_state *
sub_covering(struct itr_state *is, const struct ipprefix *p, bool active_only)
{
	struct sub_state	*best = NULL;
	int			 i;

	for (i = 0; i < ITR_SUB_STATES; i++)
		if (is->subs[i].used_ms != 0 &&
		    (is->subs[i].active || !active_only) &&
		    ipprefix_covers(&is->subs[i].eid, p) &&
		    (best == NULL || is->subs[i].eid.plen > best->eid.plen))
			best = &is->subs[i];
	return best;
}

static void
sub_set(struct itr_state *is, const struct ipprefix *p, uint64_t nonce, int mr)
{
	struct sub_state	*s = NULL, *oldest = &is->subs[0];
	int			 i;

	for (i = 0; i < ITR_SUB_STATES; i++) {
		if (is->subs[i].used_ms != 0 &&
		    ipprefix_cmp(&is->subs[i].eid, p) == 0) {
			s = &is->subs[i];
			break;
		}
		if (is->subs[i].used_ms < oldest->used_ms)
			oldest = &is->subs[i];
	}
	if (s == NULL)
		s = oldest;
	s->eid = *p;
	s->nonce = nonce;
	s->used_ms = mono_ms();
	s->mr = mr;
	s->active = true;
	s->unsub_tries = 0;
}

void
itr_sub_answered(struct xtrd *x, uint64_t nonce, int mr)
{
	struct itr_state	*is = x->itr;
	unsigned		 i = is->nsub_recent++ % ITR_SUB_RECENT;

	is->sub_recent[i].nonce = nonce;
	is->sub_recent[i].mr = mr;
}

int
itr_pubsub_notify(struct xtrd *x, const struct ipprefix *p, uint64_t nonce)
{
	struct itr_state	*is = x->itr;
	struct pending		*q;
	struct sub_state	*s;
	char			 e[IPPREFIX_STRLEN];
	unsigned		 i;

	ipprefix_fmt(p, e, sizeof(e));
	/* §5: "If the subscription state is removed, the Map-Server MUST
	 * send a Map-Notify to the source RLOC of the Map-Request": the
	 * acknowledgment of one of our unsubscriptions, acknowledged in turn
	 * (RFC 9301 §5.7), nothing installed */
	for (i = 0; i < ITR_SUB_STATES; i++) {
		s = &is->subs[i];
		if (s->used_ms != 0 && s->unsub_tries > 0 &&
		    nonce >= s->unsub_first && nonce <= s->nonce &&
		    ipprefix_cmp(&s->eid, p) == 0) {
			s->unsub_tries = 0;
			cnt_inc(C_pubsub_unsubscribe_acked);
			tl_add("unsubscribe-acked", p, NULL, "nonce %016llx",
			    (unsigned long long)nonce);
			return 2;
		}
	}
	/* the acknowledgment of a subscription: the request's nonce (§5),
	 * above the last one the prefix saw.  The ack itself replayed, once
	 * taken, is not one: its request is still outstanding (or answered
	 * and remembered below) when the Map-Server's Map-Reply comes after
	 * the Map-Notify, as ours does */
	s = sub_covering(x->itr, p, true);
	if (s == NULL || nonce > s->nonce) {
		if ((q = pend_by_nonce(x, nonce)) != NULL && q->subscribing) {
			sub_set(x->itr, p, nonce, q->mr);
			return 1;
		}
		for (i = 0; i < ITR_SUB_RECENT && i < is->nsub_recent; i++)
			if (is->sub_recent[i].nonce == nonce && nonce != 0) {
				is->sub_recent[i].nonce = 0;	/* once */
				sub_set(x->itr, p, nonce, is->sub_recent[i].mr);
				return 1;
			}
	}
	if (s == NULL) {
		cnt_drop(C_drop_unsolicited_notify, "publication for %s: we "
		    "did not subscribe to it", e);
		return 0;
	}
	if (nonce <= s->nonce) {
		cnt_drop(C_drop_pubsub_replay, "publication for %s: nonce "
		    "%016llx not above %016llx (RFC 9437 §6)", e,
		    (unsigned long long)nonce, (unsigned long long)s->nonce);
		return 0;
	}
	s->nonce = nonce;
	s->used_ms = mono_ms();
	return 1;
}

uint64_t
itr_sub_next_nonce(struct xtrd *x, const struct ipprefix *eid)
{
	struct sub_state	*s = sub_covering(x->itr, eid, false);

	return s != NULL && s->nonce != UINT64_MAX ? s->nonce + 1 :
	    lisp_nonce();
}

/*
 * RFC 9437 §5: "If a valid Map-Request with the N-bit set to 1 only has
 * one ITR-RLOC with AFI = 0 (i.e., Unknown Address), the Map-Server MUST
 * remove the subscription state for that xTR-ID", and "The same
 * considerations regarding authentication, integrity protection, and nonce
 * checks ... apply for Map-Requests used to remove subscription state":
 * our xTR-ID and Site-ID (I bit), the N bit on the subscribed prefix's
 * record, the prefix's nonce plus one, encapsulated (ECM) to the
 * Map-Resolver the subscription went through, as the subscription was.
 * The inner source is our RLOC: the Map-Server sends its Map-Notify there.
 */
static void
send_unsubscribe(struct xtrd *x, struct sub_state *s)
{
	struct lisp_map_request		*req = &x->itr->unsub_req;
	uint8_t				*inner = x->itr->unsub_inner;
	uint8_t				*buf = x->itr->unsub_buf;
	struct lisp_ecm			 ecm;
	const struct ipaddr		*mr;
	ssize_t				 n, m;

	if (x->conf->nmr == 0 || s->nonce == UINT64_MAX ||
	    itr_build_request(x, &s->eid, req) == -1) {
		s->unsub_tries = 0;
		return;
	}
	mr = &x->conf->mr[s->mr >= 0 && s->mr < x->conf->nmr ? s->mr : 0];
	s->nonce++;
	if (s->unsub_tries == 0)
		s->unsub_first = s->nonce;
	s->unsub_tries++;
	s->unsub_ms = mono_ms();
	req->nonce = s->nonce;
	memset(&req->itr_rloc[0], 0, sizeof(req->itr_rloc[0]));
	req->itr_rloc[0].ip.af = AF_UNSPEC;	/* AFI 0 */
	req->nitr = 1;
	req->subscribe = true;			/* I: xTR-ID, Site-ID */
	req->rec[0].notify = true;		/* N */
	memcpy(req->xtr_id, x->xtr_id, LISP_XTR_ID_LEN);
	req->site_id = x->conf->site_id;
	if ((n = lisp_encode_map_request(req, inner, LISP_MAX_MSG)) < 0)
		return;
	itr_ecm_to(x, &s->eid.addr, &ecm);	/* to the EID-Prefix */
	if ((m = lisp_encode_ecm(&ecm, inner, (size_t)n, buf,
	    LISP_MAX_MSG)) < 0 ||
	    xtr_send(x, mr, LISP_CONTROL_PORT, buf, (size_t)m) == -1)
		return;
	cnt_inc(C_tx_pubsub_unsubscribe);
	tl_add("unsubscribe-sent", &s->eid, mr, "nonce %016llx%s",
	    (unsigned long long)s->nonce, s->unsub_tries > 1 ?
	    " retransmit" : "");
}

static int
any_entry(const struct mc_entry *e, void *arg)
{
	(void)e;
	*(bool *)arg = true;
	return 1;			/* one is enough: stop */
}

/* Called each second, after the map-cache's expiry. */
void
itr_sub_sweep(struct xtrd *x)
{
	struct itr_state	*is = x->itr;
	uint64_t	 now = mono_ms();
	bool		 cached;
	int		 i;

	for (i = 0; i < ITR_SUB_STATES; i++) {
		struct sub_state *s = &is->subs[i];

		if (s->used_ms == 0)
			continue;
		if (s->unsub_tries > 0) {
			/* RFC 9301 §5.3's pace: one a second per EID-Prefix */
			if (now - s->unsub_ms < x->conf->rate_limit)
				continue;
			if (s->unsub_tries >= UNSUB_TRIES) {
				s->unsub_tries = 0;
				tl_add("unsubscribe-timeout", &s->eid, NULL,
				    "after %d tries", UNSUB_TRIES);
				continue;
			}
			send_unsubscribe(x, s);
			continue;
		}
		if (!s->active)
			continue;
		/* the prefix or a more-specific of it still cached: the
		 * publications are still wanted */
		cached = false;
		(void)mc_walk_covered(x->mc, 0, &s->eid, any_entry, &cached);
		if (cached)
			continue;
		s->active = false;
		send_unsubscribe(x, s);
	}
}

void
itr_unsubscribe_all(struct xtrd *x)
{
	struct itr_state	*is = x->itr;
	int			 i;

	for (i = 0; i < ITR_SUB_STATES; i++) {
		struct sub_state *s = &is->subs[i];

		if (s->used_ms == 0 || !s->active)
			continue;
		s->active = false;
		send_unsubscribe(x, s);
	}
}
