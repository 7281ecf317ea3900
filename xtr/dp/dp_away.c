/*
 * dp_away.c: the old site's half of a move.  When an EID of ours moves
 * (POST /v1/database/remove with moved_to, or the Map-Server's Map-Notify
 * naming the new RLOCs, draft-ietf-lisp-eid-mobility), an away entry
 * keeps pointing at the new RLOC set: every packet that still arrives for
 * the EID (from a remote ITR whose cache is stale, or from our own site)
 * is re-encapsulated there instead of dropped, and the remote ITR gets an
 * SMR (RFC 9301 §6.1; smr.c limits them per ITR and EID).  The entry
 * expires once no packet has used it for away_timeout seconds.
 *
 * When to SMR.  An SMR makes the remote ITR ask the mapping system again
 * (RFC 9301 §6.1: "the SMR-invoked Map-Request MUST be sent through the
 * Mapping System"), and both ends limit that per ITR and EID (§6.1: "Both
 * the SMR sender and the SMR responder MUST rate limit these messages";
 * §5.3: one Map-Request per second per EID-Prefix).  An entry made from the API at the suspend exists
 * before the new site has registered: an SMR then only fetches the old (or
 * a negative) answer and spends the ITR's budget, so the SMR that matters
 * is refused for up to a second.  Such an entry is therefore held: no SMR,
 * not even for redirected packets, until the Map-Server's mobility
 * Map-Notify (dp_moved(): the EID is registered elsewhere now) confirms
 * it, or DP_AWAY_SMR_WAIT_MS passes without one (a Map-Server that does
 * not notify).  Once confirmed, every redirected packet also SMRs its
 * sender's ITR: RFC 9301 §6.1 has an ETR "solicit Map-Requests to those
 * sites to which it has been sending LISP encapsulated data packets for
 * the last minute", and the outer source of a packet still arriving here is exactly
 * an ITR whose cache is stale, whether or not our map-cache knows it.
 */
#include <string.h>

#include "dp_int.h"
#include "mono.h"
#include "xtr/xtrd.h"

struct dp_away *
dp_away_find(struct dp *d, const struct ipaddr *a)
{
	struct dp_away_tab	*t = &d->away;
	struct dp_away		*best = NULL;
	int			 i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].used && ipprefix_contains_addr(&t->e[i].eid, a) &&
		    (best == NULL || t->e[i].eid.plen > best->eid.plen))
			best = &t->e[i];
	return best;
}

int
dp_away_set(struct dp *d, const struct ipprefix *eid,
    const struct ipaddr *rloc, int n, bool confirmed)
{
	struct dp_away_tab	*t = &d->away;
	struct dp_away		*e = NULL, nw;
	int			 i, k = 0;

	memset(&nw, 0, sizeof(nw));
	for (i = 0; i < n && k < XC_MAX_RLOC; i++)
		if (rloc[i].af != AF_UNSPEC &&
		    !xc_has_rloc(d->x->conf, &rloc[i]))
			nw.rloc[k++] = rloc[i];
	if (k == 0)
		return 0;	/* moved to us, or nowhere: nothing to do */
	for (i = 0; i < t->n; i++)
		if (t->e[i].used && ipprefix_cmp(&t->e[i].eid, eid) == 0)
			e = &t->e[i];
	if (e != NULL) {
		/* the same move told twice (API at the suspend, then the
		 * Map-Server's Map-Notify): keep the history, take the
		 * newest RLOCs, and the confirmation */
		memcpy(e->rloc, nw.rloc, sizeof(e->rloc));
		e->nrloc = k;
		if (confirmed && !e->confirmed) {
			e->confirmed = true;
			tl_add("dp-away-confirmed", eid, &e->rloc[0],
			    "after %llu ms, %llu packets redirected",
			    (unsigned long long)(mono_ms() - e->since_ms),
			    (unsigned long long)e->packets);
		}
		return 1;
	}
	for (i = 0; i < DP_MAX_AWAY; i++)
		if (!t->e[i].used) {
			e = &t->e[i];
			break;
		}
	if (e == NULL) {
		log_warnx("away table full (%d entries)", DP_MAX_AWAY);
		return 0;
	}
	*e = nw;
	e->used = true;
	e->eid = *eid;
	e->nrloc = k;
	e->since_ms = e->last_ms = mono_ms();
	e->confirmed = confirmed;
	e->smr_after_ms = e->since_ms + DP_AWAY_SMR_WAIT_MS;
	if (e - t->e + 1 > t->n)
		t->n = (int)(e - t->e + 1);
	DPC(d, away_added);
	tl_add("dp-away", eid, &e->rloc[0], "%d RLOCs%s", k, confirmed ? "" :
	    ", SMRs held until the Map-Server confirms");
	/* our own site's hosts go through the TUN to reach it now */
	dp_route_set(&d->nl, eid, d->tun_ifindex);
	dp_proxy_announce(d, eid);
	return 1;
}

void
dp_away_del(struct dp *d, const struct ipprefix *eid)
{
	struct dp_away_tab	*t = &d->away;
	int			 i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].used && ipprefix_cmp(&t->e[i].eid, eid) == 0)
			t->e[i].used = false;
}

/* The RLOC of e for pp: by flow hash, skipping `not` (the RLOC the
 * packet came from, when re-encapsulating); NULL if none is left. */
static const struct ipaddr *
away_rloc(const struct dp_away *e, const struct dp_pkt *pp,
    const struct ipaddr *not)
{
	int	i, k = (int)(pp->hash % (uint32_t)e->nrloc);

	for (i = 0; i < e->nrloc; i++, k = (k + 1) % e->nrloc)
		if (not == NULL || ipaddr_cmp(&e->rloc[k], not) != 0)
			return &e->rloc[k];
	return NULL;
}

static void
away_send(struct dp *d, struct dp_away *e, const struct ipaddr *to,
    const uint8_t *pkt, size_t len, const struct dp_pkt *pp,
    const struct ipaddr *itr)
{
	e->last_ms = d->now_ms;
	/* The migration timeline's "first packet redirected" row
	 * (xl-migrate-lisp, the bench) is this event. */
	if (e->packets++ == 0)
		tl_add("dp-first-redirect", &e->eid, to, "after %llu ms",
		    (unsigned long long)(d->now_ms - e->since_ms));
	if (dp_encap(d, to, pkt, len, pp) == 0)
		DPC(d, away_reencap);
	if (itr == NULL)
		return;
	if (!e->confirmed) {
		DPC(d, away_smr_held);	/* see the top of this file */
		return;
	}
	/* RFC 9301 §6.1: tell the sender's ITR its mapping is stale */
	if (d->up.smr_one(d->up.ctx, &e->eid, itr, &pp->src) == 0)
		DPC(d, away_smr);
}

void
dp_away_forward(struct dp *d, struct dp_away *e, const uint8_t *pkt,
    size_t len, const struct dp_pkt *pp)
{
	away_send(d, e, away_rloc(e, pp, NULL), pkt, len, pp, NULL);
}

/*
 * Decrement the inner TTL / Hop Limit of a packet about to be sent on
 * (RFC 9300 §5.3: an ETR that re-encapsulates after decapsulating sends
 * it with "the same Time to Live as the old outer header minus 1";
 * copying it "provides for suppression of looping packets").  IPv4's
 * header checksum is patched incrementally (RFC 1624, eqn. 3).  -1 when
 * the packet has no hop left.
 */
int
dp_ttl_dec(uint8_t *pkt, const struct dp_pkt *pp)
{
	uint32_t	sum;

	if (pp->ttl <= 1)
		return -1;
	if (pp->src.af == AF_INET6) {
		pkt[7] = (uint8_t)(pp->ttl - 1);
		return 0;
	}
	pkt[8] = (uint8_t)(pp->ttl - 1);
	/* HC' = ~(~HC + ~m + m'), m the TTL/protocol word */
	sum = (uint32_t)(~((uint32_t)pkt[10] << 8 | pkt[11]) & 0xffff);
	sum += (uint32_t)(~((uint32_t)pp->ttl << 8 | pkt[9]) & 0xffff);
	sum += (uint32_t)pkt[8] << 8 | pkt[9];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	pkt[10] = (uint8_t)(sum >> 8);
	pkt[11] = (uint8_t)sum;
	return 0;
}

/*
 * A packet decapsulated here for an EID that left: on to where it went,
 * but never in a loop (issue 15 finding 2: two xTRs whose away entries
 * named each other bounced one datagram ~50,000 times a second).  Never
 * back to the RLOC it came from (the other end of a two-xTR loop: the
 * loop is counted and cut at once), and one hop less each time (any
 * longer loop ends when the inner TTL runs out).
 */
void
dp_away_reencap(struct dp *d, struct dp_away *e, uint8_t *pkt, size_t len,
    const struct dp_pkt *pp, const struct ipaddr *from)
{
	const struct ipaddr	*to;
	char			 a[IPPREFIX_STRLEN], b[IPADDR_STRLEN];

	if ((to = away_rloc(e, pp, from)) == NULL) {
		dp_alert(d, DPC_drop_loop, "%s moved to %s, which sent it "
		    "back: loop cut", ipprefix_fmt(&e->eid, a, sizeof(a)),
		    ipaddr_fmt(from, b, sizeof(b)));
		return;
	}
	if (dp_ttl_dec(pkt, pp) == -1) {
		dp_alert(d, DPC_drop_ttl, "%s from %s: TTL exhausted on "
		    "re-encapsulation", ipaddr_fmt(&pp->dst, a, sizeof(a)),
		    ipaddr_fmt(from, b, sizeof(b)));
		return;
	}
	away_send(d, e, to, pkt, len, pp, from);
}

/* No mobility Map-Notify within DP_AWAY_SMR_WAIT_MS: SMR anyway, as the
 * Map-Notify would have (the Map-Server may not send them). */
static void
away_unhold(struct dp *d, struct dp_away *e)
{
	e->confirmed = true;
	DPC(d, away_smr_timeout);
	/* the event first: its time is the bound, the smr-sent events that
	 * follow (one per ITR) are not before it */
	tl_add("dp-away-confirmed", &e->eid, &e->rloc[0], "no Map-Notify "
	    "after %llu ms: SMR the cached ITRs", (unsigned long long)(
	    d->now_ms - e->since_ms));
	d->up.smr_all(d->up.ctx, &e->eid);
}

void
dp_away_tick(struct dp *d)
{
	struct dp_away_tab	*t = &d->away;
	uint64_t		 limit = (uint64_t)d->c->away_timeout * 1000;
	int			 i;

	for (i = 0; i < t->n; i++) {
		if (t->e[i].used && !t->e[i].confirmed &&
		    d->now_ms >= t->e[i].smr_after_ms)
			away_unhold(d, &t->e[i]);
		if (!t->e[i].used || d->now_ms - t->e[i].last_ms < limit)
			continue;
		t->e[i].used = false;
		DPC(d, away_expired);
		tl_add("dp-away-expired", &t->e[i].eid, &t->e[i].rloc[0],
		    "%llu packets redirected",
		    (unsigned long long)t->e[i].packets);
	}
	while (t->n > 0 && !t->e[t->n - 1].used)
		t->n--;
}

int
dp_away_walk(struct dp *d, int (*cb)(const struct dp_away_view *, void *),
    void *arg)
{
	struct dp_away_tab	*t = &d->away;
	struct dp_away_view	 v;
	int			 i, r;

	for (i = 0; i < t->n; i++) {
		if (!t->e[i].used)
			continue;
		v.eid = &t->e[i].eid;
		v.rloc = t->e[i].rloc;
		v.nrloc = t->e[i].nrloc;
		v.since_ms = t->e[i].since_ms;
		v.idle_ms = d->now_ms - t->e[i].last_ms;
		if ((r = cb(&v, arg)) != 0)
			return r;
	}
	return 0;
}

/* An entry from before a restart (xtrd_state.c, issue 16 finding 8): as
 * dp_away_set(d), confirmed (the move was told before the restart), and
 * idle_ms old already, so that it expires when it would have. */
int
dp_away_restore(struct dp *d, const struct ipprefix *eid,
    const struct ipaddr *rloc, int n, uint64_t idle_ms)
{
	struct dp_away_tab	*t = &d->away;
	int			 i;

	if (dp_away_set(d, eid, rloc, n, true) != 1)
		return 0;
	for (i = 0; i < t->n; i++)
		if (t->e[i].used && ipprefix_cmp(&t->e[i].eid, eid) == 0 &&
		    t->e[i].last_ms >= idle_ms)
			t->e[i].last_ms -= idle_ms;
	return 1;
}

void
dp_away_free(struct dp *d)
{
	memset(&d->away, 0, sizeof(d->away));
}
