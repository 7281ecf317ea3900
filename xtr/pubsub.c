/*
 * pubsub.c: publish/subscribe (RFC 9437) on the Map-Server side.  A
 * subscription is kept per EID prefix and subscriber (ITR-RLOC, xTR-ID);
 * whenever the RLOC set answering for the prefix changes, every
 * subscriber gets a Map-Notify with the new mapping, signed with the key
 * of the site the subscribing xTR registers in.
 *
 * The wire side (Map-Request I and N bits, xTR-ID after the records,
 * RFC 9437 §5) needs the codec to keep those fields; until then
 * subscriptions are not created from the wire.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mono.h"
#include "xtrd.h"

void
pubsub_subscribe(struct xtrd *x, struct ms_eid *e,
    const struct lisp_map_request *req, const struct ipaddr *itr,
    uint16_t port)
{
	struct ms_sub	*s;

	(void)req;
	for (s = e->subs; s != NULL; s = s->next)
		if (ipaddr_cmp(&s->itr, itr) == 0) {
			s->port = port;
			return;
		}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return;
	s->itr = *itr;
	s->port = port;
	s->site = -1;
	s->since_ms = mono_ms();
	s->next = e->subs;
	e->subs = s;
	tl_add("subscribed", &e->eid, itr, NULL);
	(void)x;
}

void
pubsub_publish(struct xtrd *x, struct ms_eid *e)
{
	static struct lisp_record	 rec;
	struct ms_sub			*s;

	if (e->subs == NULL)
		return;
	ms_merged_record(e, &rec);
	if (e->regs == NULL)
		rec.ttl = 0;
	for (s = e->subs; s != NULL; s = s->next) {
		if (s->site < 0)
			continue;	/* no key shared with this ITR */
		if (ms_send_notify(x, s->site, &rec, &s->itr, s->port,
		    lisp_nonce(), s->xtr_id) == 0) {
			cnt_inc(C_ms_pubsub_notify);
			tl_add("pubsub-notify", &e->eid, &s->itr, NULL);
		}
	}
}
