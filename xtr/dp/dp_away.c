/*
 * dp_away.c: the old site's half of a move.  When an EID of ours moves
 * (POST /v1/database/remove with moved_to, or the Map-Server's Map-Notify
 * naming the new RLOCs, draft-ietf-lisp-eid-mobility), an away entry
 * keeps pointing at the new RLOC set: every packet that still arrives for
 * the EID (from a remote ITR whose cache is stale, or from our own site)
 * is re-encapsulated there instead of dropped, and the remote ITR gets an
 * SMR (RFC 9301 §6.6.2; smr.c limits them per ITR and EID).  The entry
 * expires once no packet has used it for away_timeout seconds.
 *
 * When to SMR.  An SMR makes the remote ITR ask the mapping system again
 * (RFC 9301 §6.6.2 step 2), and both ends limit that to one per second per
 * ITR and EID (§6.6.2: "Both the SMR sender and the Map-Request responder
 * MUST rate-limit"; step 3: the ITR "MUST rate-limit the Map-Request until
 * it gets a Map-Reply").  An entry made from the API at the suspend exists
 * before the new site has registered: an SMR then only fetches the old (or
 * a negative) answer and spends the ITR's budget, so the SMR that matters
 * is refused for up to a second.  Such an entry is therefore held: no SMR,
 * not even for redirected packets, until the Map-Server's mobility
 * Map-Notify (dp_moved(): the EID is registered elsewhere now) confirms
 * it, or DP_AWAY_SMR_WAIT_MS passes without one (a Map-Server that does
 * not notify).  Once confirmed, every redirected packet also SMRs its
 * sender's ITR: RFC 9301 §6.6.2 has an ETR SMR the ITRs it hears from
 * lately, and the outer source of a packet still arriving here is exactly
 * an ITR whose cache is stale, whether or not our map-cache knows it.
 */
#include <string.h>

#include "dp_int.h"
#include "mono.h"
#include "xtr/xtrd.h"

#define DP_MAX_AWAY	1024

struct dp_away {
	bool		used;
	struct ipprefix	eid;
	int		nrloc;
	struct ipaddr	rloc[XC_MAX_RLOC];
	uint64_t	since_ms;
	uint64_t	last_ms;	/* last packet, or creation */
	uint64_t	packets;
	bool		confirmed;	/* the mapping system maps it there */
	uint64_t	smr_after_ms;	/* unconfirmed: SMR from then on */
};

static struct dp_away	away[DP_MAX_AWAY];
static int		naway;		/* highest used slot + 1 */

struct dp_away *
dp_away_find(const struct ipaddr *a)
{
	struct dp_away	*best = NULL;
	int		 i;

	for (i = 0; i < naway; i++)
		if (away[i].used && ipprefix_contains_addr(&away[i].eid, a) &&
		    (best == NULL || away[i].eid.plen > best->eid.plen))
			best = &away[i];
	return best;
}

static bool
ours(const struct ipaddr *a)
{
	const struct xtr_conf	*c = dp_g->x->conf;
	int			 i;

	for (i = 0; i < c->nrloc; i++)
		if (ipaddr_cmp(&c->rloc[i], a) == 0)
			return true;
	return false;
}

int
dp_away_set(const struct ipprefix *eid, const struct ipaddr *rloc, int n,
    bool confirmed)
{
	struct dp_away	*e = NULL, nw;
	int		 i, k = 0;

	memset(&nw, 0, sizeof(nw));
	for (i = 0; i < n && k < XC_MAX_RLOC; i++)
		if (rloc[i].af != AF_UNSPEC && !ours(&rloc[i]))
			nw.rloc[k++] = rloc[i];
	if (k == 0)
		return 0;	/* moved to us, or nowhere: nothing to do */
	for (i = 0; i < naway; i++)
		if (away[i].used && ipprefix_cmp(&away[i].eid, eid) == 0)
			e = &away[i];
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
		if (!away[i].used) {
			e = &away[i];
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
	if (e - away + 1 > naway)
		naway = (int)(e - away + 1);
	DPC(away_added);
	tl_add("dp-away", eid, &e->rloc[0], "%d RLOCs%s", k, confirmed ? "" :
	    ", SMRs held until the Map-Server confirms");
	/* our own site's hosts go through the TUN to reach it now */
	dp_route_set(eid, dp_g->tun_ifindex);
	dp_proxy_announce(eid);
	return 1;
}

void
dp_away_del(const struct ipprefix *eid)
{
	int	i;

	for (i = 0; i < naway; i++)
		if (away[i].used && ipprefix_cmp(&away[i].eid, eid) == 0)
			away[i].used = false;
}

void
dp_away_forward(struct dp_away *e, const uint8_t *pkt, size_t len,
    const struct dp_pkt *pp, const struct ipaddr *itr)
{
	const struct ipaddr *to = &e->rloc[pp->hash % (uint32_t)e->nrloc];

	e->last_ms = dp_g->now_ms;
	/* The migration timeline's "first packet redirected" row
	 * (xl-migrate-lisp, the bench) is this event. */
	if (e->packets++ == 0)
		tl_add("dp-first-redirect", &e->eid, to, "after %llu ms",
		    (unsigned long long)(dp_g->now_ms - e->since_ms));
	if (dp_encap(to, pkt, len, pp) == 0)
		DPC(away_reencap);
	if (itr == NULL)
		return;
	if (!e->confirmed) {
		DPC(away_smr_held);	/* see the top of this file */
		return;
	}
	/* RFC 9301 §6.6.2: tell the sender's ITR its mapping is stale */
	if (smr_send_one(dp_g->x, &e->eid, itr, &pp->src) == 0)
		DPC(away_smr);
}

/* No mobility Map-Notify within DP_AWAY_SMR_WAIT_MS: SMR anyway, as the
 * Map-Notify would have (the Map-Server may not send them). */
static void
away_unhold(struct dp_away *e)
{
	e->confirmed = true;
	DPC(away_smr_timeout);
	/* the event first: its time is the bound, the smr-sent events that
	 * follow (one per ITR) are not before it */
	tl_add("dp-away-confirmed", &e->eid, &e->rloc[0], "no Map-Notify "
	    "after %llu ms: SMR the cached ITRs", (unsigned long long)(
	    dp_g->now_ms - e->since_ms));
	(void)smr_send(dp_g->x, &e->eid, NULL, 0, NULL);
}

void
dp_away_tick(void)
{
	uint64_t	limit = (uint64_t)dp_g->c->away_timeout * 1000;
	int		i;

	for (i = 0; i < naway; i++) {
		if (away[i].used && !away[i].confirmed &&
		    dp_g->now_ms >= away[i].smr_after_ms)
			away_unhold(&away[i]);
		if (!away[i].used || dp_g->now_ms - away[i].last_ms < limit)
			continue;
		away[i].used = false;
		DPC(away_expired);
		tl_add("dp-away-expired", &away[i].eid, &away[i].rloc[0],
		    "%llu packets redirected",
		    (unsigned long long)away[i].packets);
	}
	while (naway > 0 && !away[naway - 1].used)
		naway--;
}

int
dp_away_walk(int (*cb)(const struct ipprefix *, const struct ipaddr *, int,
    uint64_t, void *), void *arg)
{
	int	i, r;

	for (i = 0; i < naway; i++)
		if (away[i].used && (r = cb(&away[i].eid, away[i].rloc,
		    away[i].nrloc, dp_g->now_ms - away[i].last_ms, arg)) != 0)
			return r;
	return 0;
}

void
dp_away_free(void)
{
	memset(away, 0, sizeof(away));
	naway = 0;
}
